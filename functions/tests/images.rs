//! Product photos end to end on the emulator: a staff member asks for an upload, the browser's
//! form goes to S3 (the emulator holds it to its POST policy, as S3 does), S3 notifies the
//! image queue, the image function makes the sizes, and the catalog shows them.

mod support;

use aws_sdk_s3::types::{
    Event, FilterRule, FilterRuleName, NotificationConfiguration, NotificationConfigurationFilter,
    QueueConfiguration, S3KeyFilter,
};
use retail_functions::catalog::Catalog;
use retail_functions::images::processor::{IMAGE_CACHE_CONTROL, ImageProcessor};
use retail_functions::inventory::Inventory;
use retail_spec::{
    CATALOG, GET_INVENTORY, GET_PRODUCT, IMAGE_MAX_UPLOAD_VAR, IMAGE_UPLOADS, IMAGES, IMAGES_FN,
    INVENTORY, REQUEST_IMAGE_UPLOAD, UPLOADS, UPLOADS_PREFIX,
};
use serde_json::{Value, json};
use support::api::{Reply, call};
use support::{Stack, esm, product};

const JPEG: &[u8] = include_bytes!("fixtures/photos/photo.jpg");
const PNG: &[u8] = include_bytes!("fixtures/photos/photo.png");
/// The most a test upload may have: the fixtures are far smaller.
const MAX_BYTES: &str = "4096";

struct Shop {
    stack: Stack,
    inventory: Inventory,
    images: ImageProcessor,
    catalog: Catalog,
}

async fn shop(test: &str) -> Shop {
    let stack = Stack::new(test).await;
    stack
        .seed(&[product("APL-001", "Gala Apples", "fruit", 349, 120)])
        .await;
    let limit = [(IMAGE_MAX_UPLOAD_VAR, MAX_BYTES)];
    let inventory = Inventory::new(&stack.sdk, &stack.env_with(&INVENTORY, &limit))
        .unwrap_or_else(|e| panic!("{e}"));
    let images = ImageProcessor::new(&stack.sdk, &stack.env_with(&IMAGES_FN, &limit))
        .unwrap_or_else(|e| panic!("{e}"));
    let catalog = Catalog::new(&stack.sdk, &stack.env(&CATALOG)).unwrap_or_else(|e| panic!("{e}"));
    // What the stack configures on the uploads bucket (stackgen's stack/photos.rs).
    let queue_arn = stack.queue(&IMAGE_UPLOADS).arn.clone();
    let rule = FilterRule::builder()
        .name(FilterRuleName::Prefix)
        .value(UPLOADS_PREFIX)
        .build();
    let notify = QueueConfiguration::builder()
        .queue_arn(queue_arn)
        .events(Event::from("s3:ObjectCreated:*"))
        .filter(
            NotificationConfigurationFilter::builder()
                .key(S3KeyFilter::builder().filter_rules(rule).build())
                .build(),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    stack
        .s3
        .put_bucket_notification_configuration()
        .bucket(stack.bucket(&UPLOADS))
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(notify)
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("notification configuration: {e:?}"));
    Shop {
        stack,
        inventory,
        images,
        catalog,
    }
}

impl Shop {
    /// `POST /inventory/{sku}/image` as staff.
    async fn ask(&self, sku: &str, content_type: &str) -> Reply {
        let req = call(&REQUEST_IMAGE_UPLOAD)
            .path(&[sku])
            .json(json!({ "contentType": content_type }));
        Reply::of(self.inventory.handle(req.build()).await)
    }

    /// Runs the image function on what the queue holds, as Lambda's poller would.
    async fn process(&self) -> esm::Run {
        let images = &self.images;
        esm::run(
            &self.stack.sqs,
            self.stack.queue(&IMAGE_UPLOADS),
            1,
            10,
            |event| images.handle(event),
        )
        .await
    }

    async fn staff_view(&self, sku: &str) -> Value {
        let listing = Reply::of(self.inventory.handle(call(&GET_INVENTORY).build()).await);
        let items = listing.ok(200)["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        items
            .into_iter()
            .find(|p| p["sku"] == sku)
            .unwrap_or_else(|| panic!("{sku} not listed"))
    }

    async fn public_view(&self, sku: &str) -> Value {
        let r = Reply::of(
            self.catalog
                .handle(call(&GET_PRODUCT).path(&[sku]).anonymous().build())
                .await,
        );
        r.ok(200).clone()
    }

    async fn objects(&self, bucket: &str) -> Vec<String> {
        let out = self
            .stack
            .s3
            .list_objects_v2()
            .bucket(bucket)
            .send()
            .await
            .unwrap_or_else(|e| panic!("list {bucket}: {e:?}"));
        out.contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_owned))
            .collect()
    }
}

/// Sends the presigned form the way a browser's `FormData` does: the fields, then the file.
fn post_form(upload: &Value, file: &[u8], overrides: &[(&str, &str)]) -> (u16, String) {
    let mut fields: Vec<(String, String)> = upload["fields"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    for (k, v) in overrides {
        match fields.iter_mut().find(|(name, _)| name == k) {
            Some(f) => f.1 = (*v).to_owned(),
            None => fields.push(((*k).to_owned(), (*v).to_owned())),
        }
    }
    let boundary = "----stackgen-test-boundary";
    let mut body = Vec::new();
    for (k, v) in &fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let url = upload["url"].as_str().unwrap_or_default();
    support::http_post(
        url,
        &format!("multipart/form-data; boundary={boundary}"),
        &body,
    )
}

#[tokio::test]
async fn an_uploaded_photo_is_resized_and_shown_in_the_catalog() {
    let shop = shop("images-ready").await;
    let r = shop.ask("APL-001", "image/jpeg").await;
    let answer = r.ok(201).clone();
    assert!(
        answer["uploadId"]
            .as_str()
            .is_some_and(|id| id.starts_with("upl-"))
    );
    assert_eq!(answer["upload"]["maxBytes"], 4096);
    assert_eq!(
        shop.staff_view("APL-001").await["imageStatus"],
        "PROCESSING"
    );

    let (status, body) = post_form(&answer["upload"], JPEG, &[]);
    assert_eq!(status, 204, "S3 accepts the upload: {body}");
    let run = shop.process().await;
    assert_eq!(run.failures, Vec::<String>::new());

    let staff = shop.staff_view("APL-001").await;
    assert_eq!(staff["imageStatus"], "READY", "{staff}");
    let public = shop.public_view("APL-001").await;
    assert!(
        public.get("imageStatus").is_none(),
        "status is for staff only"
    );
    let image = &public["image"];
    for size in ["thumbnail", "detail"] {
        let url = image[size]["url"].as_str().unwrap_or_default();
        assert!(
            url.starts_with("/images/APL-001/") && url.ends_with(&format!("-{size}.jpg")),
            "{url}"
        );
        assert_eq!(
            (image[size]["width"].clone(), image[size]["height"].clone()),
            (json!(64), json!(32))
        );
        let key = url.trim_start_matches('/');
        let head = shop
            .stack
            .s3
            .head_object()
            .bucket(shop.stack.bucket(&IMAGES))
            .key(key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{key}: {e:?}"));
        assert_eq!(head.content_type(), Some("image/jpeg"));
        assert_eq!(head.cache_control(), Some(IMAGE_CACHE_CONTROL));
    }
    assert_eq!(
        shop.objects(shop.stack.bucket(&UPLOADS)).await,
        Vec::<String>::new(),
        "the upload is deleted once handled"
    );
}

#[tokio::test]
async fn the_presigned_form_refuses_another_type_a_larger_body_and_a_forgery() {
    let shop = shop("images-policy").await;
    let answer = shop.ask("APL-001", "image/png").await.ok(201).clone();
    let upload = &answer["upload"];

    let (status, body) = post_form(upload, PNG, &[("Content-Type", "image/svg+xml")]);
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("AccessDenied") && body.contains("Content-Type"),
        "{body}"
    );

    let big = vec![0u8; 4097];
    let (status, body) = post_form(upload, &big, &[]);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("EntityTooLarge"), "{body}");

    let (status, body) = post_form(upload, PNG, &[("key", "uploads/APL-001/upl-mine")]);
    assert_eq!(status, 403, "another key: {body}");

    let (status, body) = post_form(upload, PNG, &[("x-amz-signature", &"0".repeat(64))]);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");

    assert!(
        shop.objects(shop.stack.bucket(&UPLOADS)).await.is_empty(),
        "nothing was stored"
    );
    let (status, body) = post_form(upload, PNG, &[]);
    assert_eq!(status, 204, "the form as given still works: {body}");
}

#[tokio::test]
async fn a_bad_request_is_refused_before_anything_is_signed() {
    let shop = shop("images-ask").await;
    let r = shop.ask("APL-001", "image/gif").await;
    let e = r.error(400, "VALIDATION_ERROR");
    assert!(
        e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("image/jpeg, image/png, image/webp"),
        "{e}"
    );
    shop.ask("NOPE-404", "image/png")
        .await
        .error(404, "NOT_FOUND");
    let not_json = Reply::of(
        shop.inventory
            .handle(
                call(&REQUEST_IMAGE_UPLOAD)
                    .path(&["APL-001"])
                    .raw_body("{")
                    .build(),
            )
            .await,
    );
    not_json.error(400, "INVALID_JSON");
    let anonymous = Reply::of(
        shop.inventory
            .handle(
                call(&REQUEST_IMAGE_UPLOAD)
                    .path(&["APL-001"])
                    .json(json!({"contentType": "image/png"}))
                    .by_user("customer-1")
                    .build(),
            )
            .await,
    );
    anonymous.error(403, "FORBIDDEN");
    assert!(
        shop.staff_view("APL-001")
            .await
            .get("imageStatus")
            .is_none()
    );
}

#[tokio::test]
async fn a_renamed_file_is_rejected_with_its_reason_and_the_old_photo_stays() {
    let shop = shop("images-reject").await;
    let first = shop.ask("APL-001", "image/jpeg").await.ok(201).clone();
    assert_eq!(post_form(&first["upload"], JPEG, &[]).0, 204);
    shop.process().await;
    let shown = shop.public_view("APL-001").await["image"].clone();
    assert!(shown.is_object());

    // A PNG sent as a JPEG: the policy pins the declared type, not what the bytes are.
    let second = shop.ask("APL-001", "image/jpeg").await.ok(201).clone();
    assert_eq!(
        shop.public_view("APL-001").await["image"],
        shown,
        "shown while processing"
    );
    assert_eq!(post_form(&second["upload"], PNG, &[]).0, 204);
    let run = shop.process().await;
    assert_eq!(
        run.failures,
        Vec::<String>::new(),
        "a refusal is not a failure"
    );
    let staff = shop.staff_view("APL-001").await;
    assert_eq!(staff["imageStatus"], "REJECTED");
    assert_eq!(
        staff["imageReason"],
        "uploaded as image/jpeg but the file is image/png"
    );
    assert_eq!(
        shop.public_view("APL-001").await["image"],
        shown,
        "the old photo stays"
    );
    assert!(shop.objects(shop.stack.bucket(&UPLOADS)).await.is_empty());
}

#[tokio::test]
async fn a_newer_upload_wins_over_an_older_one_that_finishes_later() {
    let shop = shop("images-race").await;
    let older = shop.ask("APL-001", "image/jpeg").await.ok(201).clone();
    let newer = shop.ask("APL-001", "image/png").await.ok(201).clone();
    assert_eq!(post_form(&newer["upload"], PNG, &[]).0, 204);
    shop.process().await;
    let shown = shop.public_view("APL-001").await["image"].clone();
    assert_eq!(post_form(&older["upload"], JPEG, &[]).0, 204);
    shop.process().await;
    assert_eq!(
        shop.public_view("APL-001").await["image"],
        shown,
        "the newer photo stays"
    );
    assert_eq!(shop.staff_view("APL-001").await["imageStatus"], "READY");
    let stored = shop.objects(shop.stack.bucket(&IMAGES)).await;
    assert_eq!(
        stored.len(),
        2,
        "the older upload's sizes were removed: {stored:?}"
    );
}

#[tokio::test]
async fn an_upload_that_never_arrives_is_reported_failed_after_half_an_hour() {
    let shop = shop("images-stale").await;
    shop.ask("APL-001", "image/jpeg").await.ok(201);
    assert_eq!(
        shop.staff_view("APL-001").await["imageStatus"],
        "PROCESSING"
    );
    // The form was never sent: move the request back past the limit, as time would.
    let long_ago = retail_functions::clock::now().unix_timestamp()
        - retail_functions::photo::STALE_AFTER_SECONDS
        - 60;
    shop.stack
        .ddb
        .update_item()
        .table_name(shop.stack.table(&retail_spec::PRODUCTS))
        .key(
            "sku",
            aws_sdk_dynamodb::types::AttributeValue::S("APL-001".into()),
        )
        .update_expression("SET imageRequestedAt = :t")
        .expression_attribute_values(
            ":t",
            aws_sdk_dynamodb::types::AttributeValue::N(long_ago.to_string()),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let staff = shop.staff_view("APL-001").await;
    assert_eq!(staff["imageStatus"], "REJECTED", "{staff}");
    assert_eq!(staff["imageReason"], retail_functions::photo::STALE_REASON);
    // Asking again starts over.
    shop.ask("APL-001", "image/jpeg").await.ok(201);
    assert_eq!(
        shop.staff_view("APL-001").await["imageStatus"],
        "PROCESSING"
    );
}
