//! The whole store through `stackgen dev`: the rendered `local` environment deployed to moto
//! (with placeholder code, which moto stores and never runs), the real function binaries built
//! for this machine, and the API driven as the storefront and back office drive it — stock,
//! catalog, cart, an idempotent order, the order-events consumer, and a report built by the
//! report-requests consumer and downloaded from its presigned URL, and the customer's email
//! when she cancels (the orders table's stream, read by `stackgen dev`, to the order notifier
//! and SES), and an order nobody collected cancelled by the order expiry (run through
//! `stackgen dev`'s Lambda Invoke API). Everyone signs in against the emulator's Cognito (the pool the stack declares):
//! two customers who cannot see each other's cart or orders, and a staff member for the back
//! office, which customers cannot use.

mod dev_support;

use std::net::SocketAddr;
use std::time::Duration;

use dev_support::accounts::{self, Tokens, bearer};
use dev_support::{BoxError, Moto, TestResult, eventually, http, workspace};
use serde_json::{Value, json};
use stackgen::aws::AwsContext;
use stackgen::dev::{self, UserPoolRef};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_runs_end_to_end_on_the_emulator() -> TestResult {
    let (actions, moto) = dev_support::grants::ActionLog::start("e2e")?;
    let env = stackgen::env::load_named(&workspace().join("environments"), "local")?;
    let local = dev_support::deploy_local(&moto, &env).await?;
    let config = dev_support::local_config(&env, &local, &moto, dev_support::function_binaries()?)?;
    let keys = dev_support::grants::function_keys(&config);
    assert_eq!(
        config.queues.len(),
        3,
        "the SQS event source mappings: order events, report requests, image uploads"
    );
    let lambda = aws_sdk_lambda::Client::new(&moto.sdk_config().await);
    let esm = local.physical("StockAlertsFunctionOrderEventsQueueMapping")?;
    let state = |lambda: aws_sdk_lambda::Client, esm: String| async move {
        let out = lambda
            .get_event_source_mapping()
            .uuid(esm)
            .send()
            .await
            .ok()?;
        out.state().map(str::to_owned)
    };
    let pool = config.user_pool.clone();
    let dev = dev::start(config).await?;
    // While stackgen dev polls, the deployed mapping is paused in the emulator (see handover.rs).
    let during = state(lambda.clone(), esm.clone()).await;
    let invoke = dev.invoke_addr().ok_or("the Invoke API did not start")?;
    let mut result = drive(dev.local_addr(), invoke, &moto, &local, &pool).await;
    if result.is_ok() {
        result = photos(dev.local_addr(), &moto, &pool).await;
    }
    dev.stop().await;
    let granted = actions.check(
        &keys,
        &[
            "CatalogFunction",
            "OrdersFunction",
            "OrderExpiryFunction",
            "ImagesFunction",
        ],
    );
    dev_support::grants::with_grants(result, granted)?;
    assert_eq!(during.as_deref(), Some("Disabled"));
    assert_eq!(
        state(lambda, esm).await.as_deref(),
        Some("Enabled"),
        "given back on stop"
    );
    Ok(())
}

/// The staff member (added as `stackgen staff add` does) and two customers, signed in.
async fn sign_ins(moto: &Moto, pool: &UserPoolRef) -> Result<(Tokens, Tokens, Tokens), BoxError> {
    let ctx = AwsContext::from_config(moto.sdk_config().await);
    let added = stackgen::deploy::staff::add(
        &ctx,
        &pool.pool_id,
        "boss@example.com",
        Some("Boss-Passw0rd"),
    )
    .await?;
    assert!(added.created && !added.already_staff, "{added:?}");
    let listed = stackgen::deploy::staff::list(&ctx, &pool.pool_id).await?;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let staff = accounts::sign_in(moto, pool, "boss@example.com", "Boss-Passw0rd").await?;
    let a = accounts::sign_in_new(moto, pool, "ann@example.com", false).await?;
    let b = accounts::sign_in_new(moto, pool, "bob@example.com", false).await?;
    Ok((staff, a, b))
}

async fn drive(
    addr: SocketAddr,
    invoke: SocketAddr,
    moto: &Moto,
    local: &dev_support::LocalStack,
    pool: &UserPoolRef,
) -> TestResult {
    let (staff, ann, bob) = sign_ins(moto, pool).await?;
    let as_of = |t: &Tokens| Some(bearer(&t.access));
    let (staff, ann, bob) = (as_of(&staff), as_of(&ann), as_of(&bob));
    let call = |method: &'static str,
                path: String,
                who: Option<String>,
                headers: Vec<(&'static str, String)>,
                body: Value| async move {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut all = vec![("content-type", "application/json")];
        if let Some(auth) = &who {
            all.push(("authorization", auth.as_str()));
        }
        all.extend(headers);
        let body = if body.is_null() {
            String::new()
        } else {
            body.to_string()
        };
        http(addr, method, &path, &all, body).await
    };

    // Back office: two products.
    let reply = call(
        "PUT",
        "/api/inventory".into(),
        staff.clone(),
        vec![],
        json!({"items": [
            {"sku": "E2E-APL", "name": "Apple", "category": "fruit", "priceCents": 120, "unit": "each", "stock": 5, "lowStockThreshold": 3},
            {"sku": "E2E-BRD", "name": "Sourdough bread", "category": "bakery", "priceCents": 450, "unit": "loaf", "stock": 10, "lowStockThreshold": 2}
        ]}),
    )
    .await?;
    assert_eq!(reply.status, 200, "{}", reply.text());

    // Storefront: browse, filter, one product.
    let catalog = call(
        "GET",
        "/api/catalog?q=apple".into(),
        None,
        vec![],
        Value::Null,
    )
    .await?;
    assert_eq!(catalog.status, 200, "{}", catalog.text());
    let items = catalog.json()["items"].clone();
    assert!(
        items
            .as_array()
            .is_some_and(|i| i.iter().any(|p| p["sku"] == "E2E-APL")),
        "{items}"
    );
    let fruit = call(
        "GET",
        "/api/catalog?category=bakery".into(),
        None,
        vec![],
        Value::Null,
    )
    .await?;
    assert!(
        fruit.json()["items"]
            .as_array()
            .is_some_and(|i| i.iter().all(|p| p["category"] == "bakery") && !i.is_empty()),
        "{}",
        fruit.text()
    );
    let missing = call(
        "GET",
        "/api/catalog/NOPE-1".into(),
        None,
        vec![],
        Value::Null,
    )
    .await?;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "NOT_FOUND");

    // Cart and order (idempotent), as Ann; Bob sees none of it.
    let cart = call(
        "POST",
        "/api/cart".into(),
        ann.clone(),
        vec![],
        json!({"sku": "E2E-APL", "qty": 3}),
    )
    .await?;
    assert_eq!(cart.status, 200, "{}", cart.text());
    assert_eq!(cart.json()["totalCents"], 360);
    let bobs = call("GET", "/api/cart".into(), bob.clone(), vec![], Value::Null).await?;
    assert_eq!(bobs.status, 200, "{}", bobs.text());
    assert_eq!(bobs.json()["items"], json!([]), "Bob's cart is his own");
    let anonymous = call("GET", "/api/cart".into(), None, vec![], Value::Null).await?;
    assert_eq!(anonymous.status, 401, "{}", anonymous.text());
    // A userId in the body is not who orders: the token says Ann.
    let order_body =
        json!({"userId": "bob", "storeId": "store-02", "items": [{"sku": "E2E-APL", "qty": 3}]});
    let key = vec![("idempotency-key", "e2e-order-1".to_owned())];
    let first = call(
        "POST",
        "/api/orders".into(),
        ann.clone(),
        key.clone(),
        order_body.clone(),
    )
    .await?;
    assert_eq!(first.status, 201, "{}", first.text());
    let again = call(
        "POST",
        "/api/orders".into(),
        ann.clone(),
        key.clone(),
        order_body.clone(),
    )
    .await?;
    assert_eq!(again.status, 200, "{}", again.text());
    let order_id = first.json()["orderId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(again.json()["orderId"], order_id.as_str());
    // Bob's equal key and body are another order (keys are per customer), refused here because
    // Ann's order left only 2 apples: no replay of Ann's order, no oversell.
    let bobs_order = call("POST", "/api/orders".into(), bob.clone(), key, order_body).await?;
    assert_eq!(bobs_order.status, 409, "{}", bobs_order.text());
    assert_eq!(bobs_order.json()["error"]["code"], "INSUFFICIENT_STOCK");
    let fetched = call(
        "GET",
        format!("/api/orders/{order_id}"),
        ann.clone(),
        vec![],
        Value::Null,
    )
    .await?;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.json()["totalCents"], 360);
    let snooped = call(
        "GET",
        format!("/api/orders/{order_id}"),
        bob.clone(),
        vec![],
        Value::Null,
    )
    .await?;
    assert_eq!(
        snooped.status, 404,
        "another customer's order is not revealed"
    );
    assert_eq!(snooped.json()["error"]["code"], "NOT_FOUND");
    let mine = call(
        "GET",
        "/api/orders".into(),
        ann.clone(),
        vec![],
        Value::Null,
    )
    .await?;
    assert_eq!(mine.json()["items"].as_array().map(Vec::len), Some(1));
    let his = call(
        "GET",
        "/api/orders".into(),
        bob.clone(),
        vec![],
        Value::Null,
    )
    .await?;
    assert_eq!(his.json()["items"], json!([]));

    // A customer on every staff route: 403, nothing done.
    for (method, path, body) in [
        ("GET", "/api/inventory".to_owned(), Value::Null),
        (
            "PUT",
            "/api/inventory".to_owned(),
            json!({"items": [{"sku": "E2E-APL", "stock": 999}]}),
        ),
        ("POST", "/api/reports".to_owned(), json!({})),
        ("GET", "/api/reports/rep-1".to_owned(), Value::Null),
    ] {
        let r = call(method, path.clone(), ann.clone(), vec![], body).await?;
        assert_eq!(r.status, 403, "{method} {path}: {}", r.text());
        assert_eq!(r.json()["error"]["code"], "FORBIDDEN", "{method} {path}");
    }
    // The back office's inventory: every product (the one call that scans the products).
    let listed = call(
        "GET",
        "/api/inventory".into(),
        staff.clone(),
        vec![],
        Value::Null,
    )
    .await?;
    assert_eq!(listed.status, 200, "{}", listed.text());
    assert!(
        listed.json()["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|p| p["sku"] == "E2E-APL")),
        "{}",
        listed.text()
    );
    let apple = call(
        "GET",
        "/api/catalog/E2E-APL".into(),
        None,
        vec![],
        Value::Null,
    )
    .await?;
    assert_eq!(apple.json()["stock"], 2, "stock reserved by the order");
    assert_eq!(apple.json()["lowStock"], true);

    // Listings are cacheable for CATALOG_CACHE_SECONDS (the `?q=apple` listing above, taken
    // before the order, may still be in the function's memory); a request with
    // `Cache-Control: no-cache` (what the storefront sends after its own order) sees the order.
    let fresh = call(
        "GET",
        "/api/catalog?q=apple".into(),
        None,
        vec![("cache-control", "no-cache".to_owned())],
        Value::Null,
    )
    .await?;
    assert_eq!(fresh.status, 200, "{}", fresh.text());
    assert_eq!(
        fresh.header("cache-control"),
        Some(
            format!(
                "public, max-age={}",
                retail_spec::CATALOG_CACHE_DEFAULT_SECONDS
            )
            .as_str()
        )
    );
    let listed = fresh.json()["items"]
        .as_array()
        .and_then(|items| items.iter().find(|p| p["sku"] == "E2E-APL").cloned())
        .unwrap_or_default();
    assert_eq!(listed["stock"], 2, "{}", fresh.text());
    assert_eq!(
        apple.header("cache-control"),
        Some("no-store"),
        "one product is never cached"
    );

    // The order event is consumed (stock-alerts) and deleted: the queue and its DLQ end empty.
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk_config().await);
    let events_url = local.physical("OrderEventsQueue")?;
    let dlq_url = local.physical("OrderEventsDlq")?;
    let drained = eventually(Duration::from_secs(60), || async {
        let main = dev_support::queue_counts(&sqs, &events_url).await?;
        let dead = dev_support::queue_counts(&sqs, &dlq_url).await?;
        (main == (0, 0) && dead == (0, 0)).then_some(())
    })
    .await;
    assert!(
        drained.is_some(),
        "order-events {:?}, dlq {:?}",
        dev_support::queue_counts(&sqs, &events_url).await,
        dev_support::queue_counts(&sqs, &dlq_url).await
    );

    // A report, built by the report-requests consumer, downloaded from its presigned URL.
    let requested = call(
        "POST",
        "/api/reports".into(),
        staff.clone(),
        vec![],
        json!({}),
    )
    .await?;
    assert_eq!(requested.status, 202, "{}", requested.text());
    let report_id = requested.json()["reportId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let staff_auth = staff.clone().unwrap_or_default();
    let ready = eventually(Duration::from_secs(90), || {
        let path = format!("/api/reports/{report_id}");
        let auth = staff_auth.clone();
        async move {
            let r = http(addr, "GET", &path, &[("authorization", auth.as_str())], "")
                .await
                .ok()?;
            let v = r.json();
            match v["status"].as_str() {
                Some("READY") => Some(Ok(v)),
                Some("FAILED") => Some(Err(v)),
                _ => None,
            }
        }
    })
    .await;
    let report = match ready {
        Some(Ok(v)) => v,
        other => return Err(format!("the report did not become READY: {other:?}").into()),
    };
    let csv_url = report["downloads"]["csv"].as_str().unwrap_or_default();
    let csv = fetch_url(csv_url).await?;
    assert_eq!(csv.status, 200, "{csv_url}: {}", csv.text());
    assert!(csv.text().contains("E2E-APL"), "{}", csv.text());

    // The generated configuration names the environment's stores.
    let config = http(addr, "GET", "/config.js", &[], "").await?;
    assert!(
        config
            .text()
            .contains(r#"{"id":"store-04","name":"Harbour Market"}"#),
        "{}",
        config.text()
    );

    // The orders table's stream still reaches the order notifier after a cancelled transaction
    // on the table (what two racing checkouts leave; the emulator once answered one by cutting
    // the stream's readers off for good): Ann cancels and is emailed.
    cancelled_transaction(moto, &local.physical("OrdersTable")?, &order_id).await?;
    let cancelled = call(
        "POST",
        format!("/api/orders/{order_id}/cancel"),
        ann,
        vec![],
        json!({}),
    )
    .await?;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    let outbox = format!(
        "{}/_emulator/ses/outbox?to=ann@example.com",
        moto.endpoint()
    );
    let subject = format!("Your order {order_id} was cancelled");
    let emailed = eventually(Duration::from_secs(60), || async {
        let sent = fetch_url(&outbox).await.ok()?.json();
        let subjects: Vec<String> = sent["messages"]
            .as_array()?
            .iter()
            .filter_map(|m| m["subject"].as_str().map(str::to_owned))
            .collect();
        subjects.contains(&subject).then_some(())
    })
    .await;
    assert!(
        emailed.is_some(),
        "no email {subject:?} to Ann: {}",
        fetch_url(&outbox).await?.text()
    );
    expire(addr, invoke, moto, local, bob).await
}

/// An order nobody collected: Bob's, "placed in 2020" (its `createdAt` moved back, as the
/// clock cannot be), is cancelled by the order expiry and its apple goes back on the shelf. On
/// AWS only its hourly schedule runs the expiry; here Lambda's Invoke API does, as `aws lambda
/// invoke --endpoint-url` would.
async fn expire(
    addr: SocketAddr,
    invoke: SocketAddr,
    moto: &Moto,
    local: &dev_support::LocalStack,
    bob: Option<String>,
) -> TestResult {
    let bob = bob.ok_or("Bob is signed in")?;
    let headers = [
        ("content-type", "application/json"),
        ("authorization", bob.as_str()),
        ("idempotency-key", "e2e-order-2"),
    ];
    let body = json!({"storeId": "store-01", "items": [{"sku": "E2E-APL", "qty": 1}]});
    let placed = http(addr, "POST", "/api/orders", &headers, body.to_string()).await?;
    assert_eq!(placed.status, 201, "{}", placed.text());
    let order_id = placed.json()["orderId"]
        .as_str()
        .ok_or("no orderId")?
        .to_owned();
    let stock = |reply: &dev_support::Reply| reply.json()["stock"].as_i64();
    let before = http(addr, "GET", "/api/catalog/E2E-APL", &[], "").await?;
    let ddb = aws_sdk_dynamodb::Client::new(&moto.sdk_config().await);
    let table = local.physical("OrdersTable")?;
    let key = aws_sdk_dynamodb::types::AttributeValue::S(order_id.clone());
    let item = ddb
        .get_item()
        .table_name(&table)
        .key("orderId", key.clone())
        .send()
        .await?;
    let created = item
        .item()
        .and_then(|i| i.get("createdAt"))
        .and_then(|v| v.as_s().ok())
        .ok_or("the order has no createdAt")?;
    // A day long past in the same format (`YYYY-MM-DD` then the time as written).
    let time = created.get(10..).ok_or("createdAt is not a timestamp")?;
    let year_before = format!("2020-01-01{time}");
    ddb.update_item()
        .table_name(&table)
        .key("orderId", key)
        .update_expression("SET createdAt = :t")
        .expression_attribute_values(
            ":t",
            aws_sdk_dynamodb::types::AttributeValue::S(year_before),
        )
        .send()
        .await?;
    let out = dev_support::lambda_at(invoke)
        .await
        .invoke()
        .function_name("order-expiry")
        .send()
        .await?;
    assert_eq!(out.status_code(), 200);
    let payload = out
        .payload()
        .map(|b| b.as_ref().to_vec())
        .unwrap_or_default();
    let run: Value = serde_json::from_slice(&payload)?;
    assert_eq!(out.function_error(), None, "{run}");
    assert_eq!(run["cancelled"], json!([order_id]), "{run}");
    let after = http(addr, "GET", "/api/catalog/E2E-APL", &[], "").await?;
    assert_eq!(
        stock(&after),
        stock(&before).map(|n| n + 1),
        "the expired order's apple is back: {} → {}",
        before.text(),
        after.text()
    );
    Ok(())
}

/// A TransactWriteItems on `table` that DynamoDB cancels: its condition on the existing order
/// fails, so nothing is written, to the table or its stream.
async fn cancelled_transaction(moto: &Moto, table: &str, order_id: &str) -> TestResult {
    use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, TransactWriteItem};
    let ddb = aws_sdk_dynamodb::Client::new(&moto.sdk_config().await);
    let key = retail_spec::ORDERS.partition_key.name;
    let check = ConditionCheck::builder()
        .table_name(table)
        .key(key, AttributeValue::S(order_id.to_owned()))
        .condition_expression(format!("attribute_not_exists({key})"))
        .build()?;
    let refused = ddb
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().condition_check(check).build())
        .send()
        .await;
    let cancelled = refused.as_ref().err().and_then(|e| e.as_service_error()).is_some_and(
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::is_transaction_canceled_exception,
    );
    assert!(cancelled, "{refused:?}");
    Ok(())
}

/// A product photo, as the back office uploads one: staff ask for an upload, the form goes to
/// the emulator's S3 (which holds it to its policy), S3's notification reaches the image queue
/// (the bucket notification the stack declares), `stackgen dev` runs the image function from
/// it, the catalog names the sizes and `stackgen dev` serves them as the CDN does.
async fn photos(addr: SocketAddr, moto: &Moto, pool: &UserPoolRef) -> TestResult {
    let staff = accounts::sign_in(moto, pool, "boss@example.com", "Boss-Passw0rd").await?;
    let auth = bearer(&staff.access);
    let headers = [
        ("content-type", "application/json"),
        ("authorization", auth.as_str()),
    ];
    let asked = http(
        addr,
        "POST",
        "/api/inventory/E2E-APL/image",
        &headers,
        json!({"contentType": "image/png"}).to_string(),
    )
    .await?;
    assert_eq!(asked.status, 201, "{}", asked.text());
    let upload = asked.json()["upload"].clone();
    let png = std::fs::read(workspace().join("functions/tests/fixtures/photos/photo.png"))?;

    let wrong_type = post_form(&upload, &png, Some("image/gif")).await?;
    assert_eq!(wrong_type.status, 403, "{}", wrong_type.text());
    let sent = post_form(&upload, &png, None).await?;
    assert_eq!(sent.status, 204, "{}", sent.text());

    let image = eventually(Duration::from_secs(60), || async {
        let p = http(addr, "GET", "/api/catalog/E2E-APL", &[], "")
            .await
            .ok()?;
        let image = p.json()["image"].clone();
        image.is_object().then_some(image)
    })
    .await
    .ok_or("the photo never showed in the catalog: is the image function running?")?;
    for size in ["thumbnail", "detail"] {
        let url = image[size]["url"].as_str().unwrap_or_default();
        assert!(url.starts_with("/images/E2E-APL/"), "{url}");
        let served = http(addr, "GET", url, &[], "").await?;
        assert_eq!(served.status, 200, "{url}: {}", served.text());
        assert_eq!(served.header("content-type"), Some("image/jpeg"));
        assert_eq!(
            served.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert!(
            served.body.starts_with(&[0xFF, 0xD8]),
            "{url} is not a JPEG"
        );
    }
    let missing = http(addr, "GET", "/images/E2E-APL/none.jpg", &[], "").await?;
    assert_eq!(
        missing.status, 403,
        "as CloudFront answers for a missing S3 key"
    );
    Ok(())
}

/// POSTs a presigned upload's form (fields, then the file) to its URL on the emulator, with
/// `content_type` in place of the signed one when given.
async fn post_form(
    upload: &Value,
    file: &[u8],
    content_type: Option<&str>,
) -> Result<dev_support::Reply, BoxError> {
    let boundary = "e2e-photo-boundary";
    let mut body = Vec::new();
    if let Some(fields) = upload["fields"].as_object() {
        for (name, value) in fields {
            let value = match (name.as_str(), content_type) {
                ("Content-Type", Some(other)) => other,
                _ => value.as_str().unwrap_or_default(),
            };
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\n\r\n").as_bytes(),
    );
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let url = upload["url"].as_str().unwrap_or_default();
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http URL: {url}"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let addr: SocketAddr = host.parse()?;
    let form = format!("multipart/form-data; boundary={boundary}");
    http(addr, "POST", path, &[("content-type", form.as_str())], body).await
}

/// GET of an absolute `http://host:port/path?query` URL (the presigned links point at moto).
async fn fetch_url(url: &str) -> Result<dev_support::Reply, BoxError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http URL: {url}"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let addr: SocketAddr = tokio::net::lookup_host(host)
        .await?
        .next()
        .ok_or_else(|| format!("cannot resolve {host}"))?;
    http(
        addr,
        "GET",
        if path.is_empty() { "/" } else { path },
        &[],
        "",
    )
    .await
}
