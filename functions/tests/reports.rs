//! Reports end to end on moto: request (HTTP) → queue → builder (SQS event) → S3 objects →
//! status with presigned links that really download; the daily schedule's tick and the list of
//! daily reports; plus failures and the error paths.

mod support;

use retail_functions::config::FunctionEnv;
use retail_functions::orders::Orders;
use retail_functions::reports::Reports;
use retail_functions::reports::builder::ReportBuilder;
use retail_spec::{
    GET_REPORT, LIST_REPORTS, ORDERS_FN, PLACE_ORDER, REPORT_BUILDER, REPORT_JOBS, REPORT_REQUESTS,
    REPORTS, REPORTS_FN, REQUEST_REPORT,
};
use serde_json::{Value, json};
use support::api::{Reply, call};
use support::{Stack, esm, http_get, http_get_with_head, product};

async fn setup(test: &str) -> (Stack, Reports) {
    let stack = Stack::new(test).await;
    stack
        .seed(&[
            product("APL-001", "Gala Apples", "fruit", 349, 120),
            product("BAN-001", "Bananas", "fruit", 199, 50),
            product("MLK-001", "Whole Milk", "dairy", 129, 3),
        ])
        .await;
    let app = Reports::new(&stack.sdk, &stack.env(&REPORTS_FN)).unwrap_or_else(|e| panic!("{e}"));
    (stack, app)
}

async fn request(app: &Reports, body: Option<Value>) -> Reply {
    let mut c = call(&REQUEST_REPORT);
    if let Some(b) = body {
        c = c.json(b);
    }
    Reply::of(app.handle(c.build()).await)
}

async fn status(app: &Reports, id: &str) -> Reply {
    Reply::of(app.handle(call(&GET_REPORT).path(&[id]).build()).await)
}

fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[tokio::test]
async fn builds_csv_and_json_with_working_download_links() {
    let (stack, app) = setup("reports-build").await;
    let orders = Orders::new(&stack.sdk, &stack.env(&ORDERS_FN)).unwrap_or_else(|e| panic!("{e}"));
    for (key, store, items) in [
        (
            "r1",
            "store-01",
            json!([{"sku": "APL-001", "qty": 2}, {"sku": "BAN-001", "qty": 1}]),
        ),
        ("r2", "store-01", json!([{"sku": "APL-001", "qty": 1}])),
        ("r3", "store-02", json!([{"sku": "MLK-001", "qty": 3}])),
    ] {
        let r = Reply::of(
            orders
                .handle(
                    call(&PLACE_ORDER)
                        .header("Idempotency-Key", key)
                        .json(json!({"userId": "u-1", "storeId": store, "items": items}))
                        .build(),
                )
                .await,
        );
        r.ok(201);
    }

    let today = today();
    let r = request(&app, Some(json!({"from": today, "to": today}))).await;
    let job = r.ok(202).clone();
    assert_eq!(job["status"], "PENDING");
    assert_eq!(job["from"], today.as_str());
    let id = job["reportId"].as_str().unwrap_or_default().to_owned();
    assert_eq!(status(&app, &id).await.ok(200)["status"], "PENDING");
    assert!(status(&app, &id).await.body.get("downloads").is_none());

    let builder = ReportBuilder::new(&stack.sdk, &stack.env(&REPORT_BUILDER))
        .unwrap_or_else(|e| panic!("{e}"));
    let run = esm::run(&stack.sqs, stack.queue(&REPORT_REQUESTS), 1, 5, |e| {
        builder.handle(e)
    })
    .await;
    assert_eq!(run.invocations, 1);
    assert!(run.failures.is_empty());

    let r = status(&app, &id).await;
    let done = r.ok(200).clone();
    assert_eq!(done["status"], "READY", "{done}");
    let csv_url = done["downloads"]["csv"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let json_url = done["downloads"]["json"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        csv_url.contains("X-Amz-Signature=") && csv_url.contains("X-Amz-Expires=900"),
        "{csv_url}"
    );
    assert!(csv_url.contains(stack.bucket(&REPORTS)), "{csv_url}");

    let (code, report) = http_get(&json_url);
    assert_eq!(code, 200, "{report}");
    let report: Value = serde_json::from_str(&report).unwrap_or_else(|e| panic!("{e}: {report}"));
    assert_eq!(report["reportId"], id.as_str());
    assert_eq!(
        report["totals"],
        json!({"orders": 3, "units": 7, "revenueCents": 3 * 349 + 199 + 3 * 129})
    );
    assert_eq!(
        report["salesByStore"],
        json!([{"storeId": "store-01", "orders": 2, "units": 4, "revenueCents": 3 * 349 + 199},
               {"storeId": "store-02", "orders": 1, "units": 3, "revenueCents": 387}])
    );
    assert_eq!(report["salesByProduct"][0]["sku"], "APL-001");
    assert_eq!(report["salesByProduct"][0]["units"], 3);
    let milk = report["inventory"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["sku"] == "MLK-001"))
        .cloned();
    assert_eq!(
        milk.map(|m| (m["stock"].clone(), m["lowStock"].clone())),
        Some((json!(0), json!(true)))
    );

    let (code, head, csv) = http_get_with_head(&csv_url);
    assert_eq!(code, 200);
    // The browser saves it under a name that says what it is, not the object key's.
    let disposition = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.contains("attachment; filename=\"sales-report-")
            && disposition.ends_with(".csv\""),
        "{head}"
    );
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(retail_functions::reports::sales::CSV_HEADER)
    );
    assert!(
        csv.lines()
            .any(|l| l == "sales_by_store,store-02,,,,1,3,387,3.87,,,"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("inventory,,MLK-001,Whole Milk,dairy,,,,,0,5,true")),
        "{csv}"
    );

    // A redelivered request for a READY job changes nothing.
    stack
        .sqs
        .send_message()
        .queue_url(&stack.queue(&REPORT_REQUESTS).url)
        .message_body(json!({"reportId": id, "from": today, "to": today}).to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let run = esm::run(&stack.sqs, stack.queue(&REPORT_REQUESTS), 1, 5, |e| {
        builder.handle(e)
    })
    .await;
    assert!(run.failures.is_empty());
    assert_eq!(status(&app, &id).await.ok(200)["status"], "READY");
}

#[tokio::test]
async fn a_build_that_keeps_failing_ends_failed_with_a_reason() {
    let (stack, app) = setup("reports-fail").await;
    let job = request(&app, None).await.ok(202).clone();
    let id = job["reportId"].as_str().unwrap_or_default().to_owned();
    // A builder whose bucket does not exist: every build fails at the upload.
    let env = stack.env(&REPORT_BUILDER);
    let mut vars: Vec<(String, String)> = Vec::new();
    for a in REPORT_BUILDER.access {
        if let retail_spec::Access::BucketWrite(b) = a {
            vars.push((b.env_var.to_owned(), format!("{}-missing", stack.prefix)));
        }
    }
    let broken_env = FunctionEnv::new(
        &REPORT_BUILDER,
        [
            REPORT_JOBS.env_var,
            retail_spec::ORDERS.env_var,
            retail_spec::PRODUCTS.env_var,
            retail_spec::STORES_VAR,
        ]
        .into_iter()
        .map(|v| (v.to_owned(), env.get(v).unwrap_or_default().to_owned()))
        .chain(vars),
    );
    let builder = ReportBuilder::new(&stack.sdk, &broken_env).unwrap_or_else(|e| panic!("{e}"));
    let queue = stack.queue(&REPORT_REQUESTS);
    let run = esm::run(&stack.sqs, queue, 1, 10, |e| builder.handle(e)).await;
    let max = REPORT_REQUESTS.max_receive_count as usize;
    assert_eq!(run.invocations, max, "retried until the last receive");
    assert_eq!(
        run.failures.len(),
        max - 1,
        "reported as failures until then"
    );
    let r = status(&app, &id).await;
    let done = r.ok(200);
    assert_eq!(done["status"], "FAILED");
    assert!(done["error"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(done.get("downloads").is_none());
    assert!(
        stack.drain(&queue.dlq_url).await.is_empty(),
        "handled, not dead-lettered"
    );
}

#[tokio::test]
async fn malformed_requests_are_dead_lettered() {
    let (stack, _app) = setup("reports-dlq").await;
    let queue = stack.queue(&REPORT_REQUESTS);
    assert_eq!(
        esm::redrive_policy(&stack.sqs, &queue.url).await["maxReceiveCount"],
        json!(REPORT_REQUESTS.max_receive_count)
    );
    stack
        .sqs
        .send_message()
        .queue_url(&queue.url)
        .message_body("{\"reportId\": 42}")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let builder = ReportBuilder::new(&stack.sdk, &stack.env(&REPORT_BUILDER))
        .unwrap_or_else(|e| panic!("{e}"));
    let run = esm::run(&stack.sqs, queue, 1, 10, |e| builder.handle(e)).await;
    assert_eq!(
        run.failures.len(),
        REPORT_REQUESTS.max_receive_count as usize
    );
    assert_eq!(
        stack.drain(&queue.dlq_url).await,
        vec!["{\"reportId\": 42}".to_owned()]
    );
}

#[tokio::test]
async fn request_and_status_errors() {
    let (_stack, app) = setup("reports-errors").await;
    let r = request(&app, None).await;
    let job = r.ok(202);
    let (from, to) = (
        job["from"].as_str().unwrap_or_default(),
        job["to"].as_str().unwrap_or_default(),
    );
    assert_eq!(to, today());
    assert!(from < to && from.len() == 10, "default: the last 30 days");
    for body in [
        json!({"from": "2026-13-01"}),
        json!({"from": "2026-11-30", "to": "2026-11-01"}),
        json!({"from": "2020-01-01", "to": "2026-01-01"}),
        json!({"since": "2026-11-01"}),
    ] {
        request(&app, Some(body))
            .await
            .error(400, "VALIDATION_ERROR");
    }
    let r = Reply::of(
        app.handle(call(&REQUEST_REPORT).raw_body("{").build())
            .await,
    );
    r.error(400, "INVALID_JSON");
    status(&app, "rep-unknown").await.error(404, "NOT_FOUND");
    status(&app, "not an id")
        .await
        .error(400, "VALIDATION_ERROR");
}

/// The daily schedule's tick (what EventBridge Scheduler puts on the queue) makes today's
/// report once, however often it comes, and `GET /reports` lists it for the back office.
#[tokio::test]
async fn the_daily_tick_builds_todays_report_once_and_the_back_office_lists_it() {
    let (stack, app) = setup("reports-daily").await;
    let builder = ReportBuilder::new(&stack.sdk, &stack.env(&REPORT_BUILDER))
        .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..2 {
        stack
            .sqs
            .send_message()
            .queue_url(&stack.queue(&REPORT_REQUESTS).url)
            .message_body(retail_spec::DAILY_REPORT_MESSAGE)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let run = esm::run(&stack.sqs, stack.queue(&REPORT_REQUESTS), 1, 5, |e| {
        builder.handle(e)
    })
    .await;
    assert_eq!(run.invocations, 2);
    assert!(run.failures.is_empty(), "{:?}", run.failures);

    let id = format!("rep-daily-{}", today());
    let done = status(&app, &id).await;
    let done = done.ok(200).clone();
    assert_eq!(done["status"], "READY", "{done}");
    assert_eq!(
        (done["from"].clone(), done["to"].clone()),
        (json!(today()), json!(today()))
    );
    assert!(done["downloads"]["csv"].as_str().is_some(), "{done}");
    assert_eq!(stack.count(&REPORT_JOBS).await, 1, "one job for two ticks");
    assert!(
        job_expiry(&stack, &id).await.is_some(),
        "an unprotected environment's daily job expires like a requested one"
    );

    // A report staff requested is not a daily one.
    request(&app, None).await.ok(202);
    let list = Reply::of(app.handle(call(&LIST_REPORTS).build()).await);
    let items = list.ok(200)["items"].clone();
    let ids: Vec<&str> = items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|j| j["reportId"].as_str())
        .collect();
    assert_eq!(ids, [id.as_str()]);
}

/// A builder that times out or runs out of memory on every delivery never marks its job
/// FAILED (its message goes to the dead-letter queue). The back office is not left waiting on
/// it: a job PENDING or RUNNING long after its last change reads FAILED with a reason.
#[tokio::test]
async fn a_job_no_builder_finished_reads_failed_once_it_is_stale() {
    let (stack, app) = setup("reports-stale").await;
    let id = request(&app, None).await.ok(202)["reportId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let set = |status: &str, at: time::OffsetDateTime| {
        stack
            .ddb
            .update_item()
            .table_name(stack.table(&REPORT_JOBS))
            .key(
                REPORT_JOBS.partition_key.name,
                aws_sdk_dynamodb::types::AttributeValue::S(id.clone()),
            )
            .update_expression("SET #s = :s, updatedAt = :u")
            .expression_attribute_names("#s", "status")
            .expression_attribute_values(
                ":s",
                aws_sdk_dynamodb::types::AttributeValue::S(status.to_owned()),
            )
            .expression_attribute_values(
                ":u",
                aws_sdk_dynamodb::types::AttributeValue::S(retail_functions::clock::timestamp(at)),
            )
            .send()
    };
    let now = time::OffsetDateTime::now_utc();
    let stale = retail_functions::reports::job::STALE_AFTER_SECONDS;
    // Running for a while, but within what the queue's retries take: still RUNNING.
    set("RUNNING", now - time::Duration::seconds(stale - 60))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(status(&app, &id).await.ok(200)["status"], "RUNNING");
    set("RUNNING", now - time::Duration::seconds(stale + 60))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let r = status(&app, &id).await;
    let seen = r.ok(200);
    assert_eq!(seen["status"], "FAILED", "{seen}");
    assert_eq!(seen["error"], retail_functions::reports::job::STALE_REASON);
    // A build that does finish late still wins: READY is shown as recorded.
    set("READY", now - time::Duration::seconds(stale + 60))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(status(&app, &id).await.ok(200)["status"], "READY");
}

/// The expiry attribute of a report job, as stored.
async fn job_expiry(stack: &Stack, id: &str) -> Option<String> {
    let item = stack
        .ddb
        .get_item()
        .table_name(stack.table(&REPORT_JOBS))
        .key(
            REPORT_JOBS.partition_key.name,
            aws_sdk_dynamodb::types::AttributeValue::S(id.to_owned()),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .item
        .unwrap_or_else(|| panic!("no job {id}"));
    let ttl = REPORT_JOBS.ttl_attribute.unwrap_or_default();
    item.get(ttl).and_then(|v| v.as_n().ok()).cloned()
}

/// A protected environment (KEEP_DAILY_REPORTS=true, set by the stack) keeps its daily reports:
/// their job has no expiry and their objects are under `daily/`, which its lifecycle rule does
/// not expire. Requested reports expire everywhere, under `reports/`.
#[tokio::test]
async fn a_protected_environment_keeps_daily_reports_and_requested_ones_expire() {
    let (stack, app) = setup("reports-keep").await;
    let env = stack.env_with(
        &REPORT_BUILDER,
        &[(retail_spec::KEEP_DAILY_REPORTS_VAR, "true")],
    );
    let builder = ReportBuilder::new(&stack.sdk, &env).unwrap_or_else(|e| panic!("{e}"));
    stack
        .sqs
        .send_message()
        .queue_url(&stack.queue(&REPORT_REQUESTS).url)
        .message_body(retail_spec::DAILY_REPORT_MESSAGE)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let requested = request(&app, None).await.ok(202)["reportId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let run = esm::run(&stack.sqs, stack.queue(&REPORT_REQUESTS), 1, 5, |e| {
        builder.handle(e)
    })
    .await;
    assert!(run.failures.is_empty(), "{:?}", run.failures);

    let daily = format!("rep-daily-{}", today());
    assert_eq!(job_expiry(&stack, &daily).await, None, "a kept daily job");
    assert!(
        job_expiry(&stack, &requested).await.is_some(),
        "a requested job expires"
    );
    let listed = stack
        .s3
        .list_objects_v2()
        .bucket(stack.bucket(&REPORTS))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert!(
        keys.iter()
            .any(|k| k.starts_with(&format!("{}{daily}/", retail_spec::DAILY_REPORTS_PREFIX))),
        "{keys:?}"
    );
    assert!(
        keys.iter().any(|k| k.starts_with(&format!(
            "{}{requested}/",
            retail_spec::REQUESTED_REPORTS_PREFIX
        ))),
        "{keys:?}"
    );
}
