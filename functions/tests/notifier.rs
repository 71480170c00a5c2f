//! The order notifier against DynamoDB, Cognito and SES on the emulator: a ready order emails
//! its customer once however often its stream record comes; a staff cancellation says why; a
//! customer without an account gets nothing; a send that fails releases its claim and asks
//! Lambda to retry from the record, and the retry sends. The stream records are the orders
//! table's real items, in the shape Lambda delivers.

mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use retail_functions::notifier::{Notifier, Outcome};
use retail_functions::orders::Orders;
use retail_functions::stream::{BatchResponse, StreamEvent};
use retail_spec::{
    NOTIFY_SENDER_VAR, ORDER_NOTIFIER, ORDERS, ORDERS_FN, PLACE_ORDER, SET_ORDER_STATUS,
    USER_POOL_ID_VAR,
};
use serde_json::{Value, json};
use support::api::{Reply, call};
use support::{Stack, product, users};

/// The user pool and the customer's `sub`.
async fn customer(stack: &Stack, email: &str) -> (String, String) {
    customer_verified(stack, email, true).await
}

/// A customer whose address is verified (`email_verified`, as ConfirmSignUp with the emailed
/// code leaves it) or not.
async fn customer_verified(stack: &Stack, email: &str, verified: bool) -> (String, String) {
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&stack.sdk);
    let pool_id = users::pool(&cognito, &stack.prefix).await;
    let sub = users::user(&cognito, &pool_id, email, verified).await;
    (pool_id, sub)
}

async fn verify(stack: &Stack, sender: &str) {
    aws_sdk_sesv2::Client::new(&stack.sdk)
        .create_email_identity()
        .email_identity(sender)
        .send()
        .await
        .unwrap_or_else(|e| panic!("identity: {e:?}"));
}

fn notifier(stack: &Stack, pool_id: &str, sender: &str) -> Notifier {
    let env = stack.env_with(
        &ORDER_NOTIFIER,
        &[
            (USER_POOL_ID_VAR, pool_id),
            (NOTIFY_SENDER_VAR, sender),
            (retail_spec::STORE_NAMES_VAR, r#"{"store-01":"Downtown"}"#),
        ],
    );
    Notifier::new(&stack.sdk, &env).unwrap_or_else(|e| panic!("{e}"))
}

/// Places an order for `sub` and has staff move it through `steps`; returns its id.
async fn order(stack: &Stack, sub: &str, steps: &[(&str, Option<&str>)]) -> String {
    stack
        .seed(&[product("APL-001", "Gala Apples", "fruit", 349, 100)])
        .await;
    let orders = Orders::new(&stack.sdk, &stack.env(&ORDERS_FN)).unwrap_or_else(|e| panic!("{e}"));
    let body = json!({"storeId": "store-01", "items": [{"sku": "APL-001", "qty": 3}]});
    let placed = Reply::of(
        orders
            .handle(
                call(&PLACE_ORDER)
                    .by_user(sub)
                    .header("Idempotency-Key", "k1")
                    .json(body)
                    .build(),
            )
            .await,
    );
    let id = placed.ok(201)["orderId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for (status, reason) in steps {
        let claims = support::api::access_claims("staff-1", &["staff"]);
        let mut change = json!({"status": status});
        if let Some(r) = reason {
            change["reason"] = json!(r);
        }
        let moved = orders
            .handle(
                call(&SET_ORDER_STATUS)
                    .claims(claims)
                    .path(&["store-01", &id])
                    .json(change)
                    .build(),
            )
            .await;
        Reply::of(moved).ok(200);
    }
    id
}

/// The stream record of the order as it is now (a MODIFY with its new image).
async fn record(stack: &Stack, id: &str, sequence: &str) -> StreamEvent {
    let item = stack
        .ddb
        .get_item()
        .table_name(stack.table(&ORDERS))
        .key("orderId", AttributeValue::S(id.to_owned()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .item
        .unwrap_or_default();
    let image: serde_json::Map<String, Value> = item
        .iter()
        .map(|(k, v)| (k.clone(), dynamodb_json(v)))
        .collect();
    serde_json::from_value(json!({"Records": [{"eventID": "e", "eventName": "MODIFY",
        "dynamodb": {"NewImage": image, "SequenceNumber": sequence}}]}))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn dynamodb_json(v: &AttributeValue) -> Value {
    match v {
        AttributeValue::S(s) => json!({"S": s}),
        AttributeValue::N(n) => json!({"N": n}),
        AttributeValue::Bool(b) => json!({"BOOL": b}),
        AttributeValue::L(l) => json!({"L": l.iter().map(dynamodb_json).collect::<Vec<_>>()}),
        AttributeValue::M(m) => {
            json!({"M": m.iter().map(|(k, v)| (k.clone(), dynamodb_json(v))).collect::<serde_json::Map<_, _>>()})
        }
        _ => json!({"NULL": true}),
    }
}

/// What the emulator's SES accepted for `to`: (subject, body).
fn outbox(to: &str) -> Vec<(String, String)> {
    let url = format!(
        "{}/_emulator/ses/outbox?to={to}",
        support::moto::shared().endpoint
    );
    let (status, body) = support::http_get(&url);
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            (
                m["subject"].as_str().unwrap_or_default().to_owned(),
                m["body"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_ready_order_emails_its_customer_once_however_often_the_record_comes() {
    let stack = Stack::new("notify-ready").await;
    let email = format!("{}@shopper.example", stack.prefix);
    let (pool, sub) = customer(&stack, &email).await;
    let sender = format!("orders-{}@grocer.example", stack.prefix);
    verify(&stack, &sender).await;
    let id = order(
        &stack,
        &sub,
        &[("PICKING", None), ("READY_FOR_PICKUP", None)],
    )
    .await;
    let app = notifier(&stack, &pool, &sender);
    let event = record(&stack, &id, "100").await;
    for _ in 0..3 {
        assert_eq!(app.handle(event.clone()).await, BatchResponse::default());
    }
    let mails = outbox(&email);
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].0, format!("Your order {id} is ready for pickup"));
    assert!(mails[0].1.contains("3 x Gala Apples"), "{}", mails[0].1);
    assert!(
        mails[0].1.contains("waiting at Downtown (store-01)"),
        "{}",
        mails[0].1
    );
    assert_eq!(
        app.one(&event.records[0]).await.ok(),
        Some(Outcome::AlreadySent)
    );
}

#[tokio::test]
async fn a_staff_cancellation_says_why_and_a_gone_customer_gets_nothing() {
    let stack = Stack::new("notify-cancel").await;
    let email = format!("{}@shopper.example", stack.prefix);
    let (pool, sub) = customer(&stack, &email).await;
    let sender = format!("orders-{}@grocer.example", stack.prefix);
    verify(&stack, &sender).await;
    let app = notifier(&stack, &pool, &sender);
    let id = order(&stack, &sub, &[("CANCELLED", Some("no apples left today"))]).await;
    assert_eq!(
        app.handle(record(&stack, &id, "200").await).await,
        BatchResponse::default()
    );
    let mails = outbox(&email);
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0]
            .1
            .contains("The store cancelled it: no apples left today"),
        "{}",
        mails[0].1
    );

    let gone = order(&stack, "no-such-sub", &[("CANCELLED", None)]).await;
    let event = record(&stack, &gone, "201").await;
    assert_eq!(
        app.one(&event.records[0]).await.ok(),
        Some(Outcome::NoRecipient)
    );
}

/// An address nobody has shown they own (email_verified false) is not mailed.
#[tokio::test]
async fn an_unverified_address_gets_nothing() {
    let stack = Stack::new("notify-unverified").await;
    let email = format!("{}@someone-else.example", stack.prefix);
    let (pool, sub) = customer_verified(&stack, &email, false).await;
    let sender = format!("orders-{}@grocer.example", stack.prefix);
    verify(&stack, &sender).await;
    let app = notifier(&stack, &pool, &sender);
    let id = order(&stack, &sub, &[("CANCELLED", Some("no apples left today"))]).await;
    let event = record(&stack, &id, "210").await;
    assert_eq!(
        app.one(&event.records[0]).await.ok(),
        Some(Outcome::UnverifiedRecipient)
    );
    assert!(outbox(&email).is_empty());
}

#[tokio::test]
async fn a_failed_send_is_retried_from_its_record_and_then_sent() {
    let stack = Stack::new("notify-retry").await;
    let email = format!("{}@shopper.example", stack.prefix);
    let (pool, sub) = customer(&stack, &email).await;
    let sender = format!("orders-{}@grocer.example", stack.prefix);
    let app = notifier(&stack, &pool, &sender);
    let id = order(
        &stack,
        &sub,
        &[("PICKING", None), ("READY_FOR_PICKUP", None)],
    )
    .await;
    let event = record(&stack, &id, "300").await;
    // The sender is not verified yet: SES refuses, the claim is released, Lambda retries.
    assert_eq!(
        app.handle(event.clone()).await,
        BatchResponse::retry_from("300")
    );
    assert!(outbox(&email).is_empty());
    verify(&stack, &sender).await;
    assert_eq!(app.handle(event).await, BatchResponse::default());
    assert_eq!(outbox(&email).len(), 1);
}
