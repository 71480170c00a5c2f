//! The stock-alert consumer on moto: orders → order.created events → low-stock alerts on SNS
//! (observed through an SQS subscription), no duplicates on redelivery, and a poisoned message
//! reported as a batch failure and dead-lettered while the rest of its batch is processed.

mod support;

use retail_functions::alerts::StockAlerts;
use retail_functions::orders::Orders;
use retail_spec::{ORDER_EVENTS, ORDERS_FN, PLACE_ORDER, STOCK_ALERTS, STOCK_ALERTS_FN};
use serde_json::{Value, json};
use support::api::{Reply, call};
use support::{Stack, esm, product};

async fn setup(test: &str) -> (Stack, StockAlerts, String) {
    let stack = Stack::new(test).await;
    stack
        .seed(&[
            product("APL-001", "Gala Apples", "fruit", 349, 120),
            product("BAN-001", "Bananas", "fruit", 199, 7),
            product("MLK-001", "Whole Milk", "dairy", 129, 6),
        ])
        .await;
    let app = StockAlerts::new(&stack.sdk, &stack.env(&STOCK_ALERTS_FN))
        .unwrap_or_else(|e| panic!("{e}"));
    let observer = stack.observe(&STOCK_ALERTS).await;
    (stack, app, observer)
}

fn alerts(bodies: &[String]) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = bodies
        .iter()
        .map(|b| {
            let v: Value = serde_json::from_str(b).unwrap_or_else(|e| panic!("{e}: {b}"));
            assert_eq!(v["type"], "stock.low");
            (
                v["sku"].as_str().unwrap_or_default().to_owned(),
                v["stock"].as_u64().unwrap_or(999),
            )
        })
        .collect();
    out.sort();
    out
}

fn event(order: &str, items: Value) -> String {
    json!({"type": "order.created", "orderId": order, "storeId": "store-01", "userId": "u-1",
           "createdAt": "2026-11-01T09:30:00.000Z", "items": items})
    .to_string()
}

async fn send(stack: &Stack, body: &str) {
    stack
        .sqs
        .send_message()
        .queue_url(&stack.queue(&ORDER_EVENTS).url)
        .message_body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
}

#[tokio::test]
async fn orders_that_cross_a_threshold_raise_one_alert_per_sku() {
    let (stack, app, observer) = setup("alerts-orders").await;
    let orders = Orders::new(&stack.sdk, &stack.env(&ORDERS_FN)).unwrap_or_else(|e| panic!("{e}"));
    let r = Reply::of(
        orders
            .handle(
                call(&PLACE_ORDER)
                    .header("Idempotency-Key", "a-1")
                    .json(json!({"userId": "u-1", "storeId": "store-02", "items": [
                        {"sku": "APL-001", "qty": 1}, {"sku": "BAN-001", "qty": 3}, {"sku": "MLK-001", "qty": 1}]}))
                    .build(),
            )
            .await,
    );
    r.ok(201);
    let run = esm::run(&stack.sqs, stack.queue(&ORDER_EVENTS), 10, 5, |e| {
        app.handle(e)
    })
    .await;
    assert_eq!((run.invocations, run.failures.len()), (1, 0));
    // Bananas 7 → 4 and milk 6 → 5 are at or below their threshold (5); apples are not.
    assert_eq!(
        alerts(&stack.drain(&observer).await),
        vec![("BAN-001".into(), 4), ("MLK-001".into(), 5)]
    );
}

#[tokio::test]
async fn a_redelivered_event_alerts_nothing_new() {
    let (stack, app, observer) = setup("alerts-dedupe").await;
    stack
        .seed(&[product("BAN-001", "Bananas", "fruit", 199, 2)])
        .await;
    let body = event(
        "ord-1",
        json!([{"sku": "BAN-001", "qty": 1}, {"sku": "GONE-001", "qty": 1}]),
    );
    send(&stack, &body).await;
    send(&stack, &body).await;
    let run = esm::run(&stack.sqs, stack.queue(&ORDER_EVENTS), 1, 5, |e| {
        app.handle(e)
    })
    .await;
    assert_eq!(
        (run.invocations, run.failures.len()),
        (2, 0),
        "unknown SKUs are skipped, not failed"
    );
    assert_eq!(
        alerts(&stack.drain(&observer).await),
        vec![("BAN-001".into(), 2)]
    );
    // Another order for the same SKU is a new alert.
    send(
        &stack,
        &event("ord-2", json!([{"sku": "BAN-001", "qty": 1}])),
    )
    .await;
    esm::run(&stack.sqs, stack.queue(&ORDER_EVENTS), 1, 5, |e| {
        app.handle(e)
    })
    .await;
    assert_eq!(alerts(&stack.drain(&observer).await).len(), 1);
}

#[tokio::test]
async fn a_poisoned_message_goes_to_the_dlq_and_the_rest_is_processed() {
    let (stack, app, observer) = setup("alerts-poison").await;
    let queue = stack.queue(&ORDER_EVENTS);
    let policy = esm::redrive_policy(&stack.sqs, &queue.url).await;
    assert_eq!(
        policy["maxReceiveCount"],
        json!(ORDER_EVENTS.max_receive_count)
    );
    assert_eq!(
        policy["deadLetterTargetArn"],
        stack.queue_arn(&queue.dlq_url).await
    );

    send(
        &stack,
        &event("ord-1", json!([{"sku": "BAN-001", "qty": 3}])),
    )
    .await;
    send(&stack, "this is not an order event").await;
    send(
        &stack,
        &event("ord-2", json!([{"sku": "MLK-001", "qty": 1}])),
    )
    .await;
    stack
        .seed(&[product("BAN-001", "Bananas", "fruit", 199, 4)])
        .await;

    let run = esm::run(&stack.sqs, queue, 10, 10, |e| app.handle(e)).await;
    let max = ORDER_EVENTS.max_receive_count as usize;
    assert_eq!(
        run.failures.len(),
        max,
        "the poisoned message fails on every delivery"
    );
    assert!(
        run.failures.windows(2).all(|w| w[0] == w[1]),
        "and only it: {:?}",
        run.failures
    );
    assert_eq!(
        run.deliveries
            .iter()
            .filter(|d| d.contains("order.created"))
            .count(),
        2,
        "the good messages were delivered once each, in the same batch as the poisoned one"
    );
    assert_eq!(
        stack.drain(&queue.dlq_url).await,
        vec!["this is not an order event".to_owned()]
    );
    assert!(stack.drain(&queue.url).await.is_empty());
    assert_eq!(
        alerts(&stack.drain(&observer).await),
        vec![("BAN-001".into(), 4)]
    );
}
