//! Click & collect against DynamoDB on moto: an order picked, made ready and collected by staff;
//! every illegal move answered 409 with the current state; 20 staff racing on one order giving
//! one winner; a cancel racing a pick; a cancel retried returning stock once; the staff queue
//! from its index, oldest first and paginated; who may do what; the open-order limit; and the
//! hourly expiry of orders not collected in time.

mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use retail_functions::orders::{Expiry, Orders};
use retail_spec::{
    CANCEL_ORDER, GET_ORDER, GET_STORE_ORDER, LIST_STORE_ORDERS, ORDER_EXPIRY, ORDERS,
    ORDERS_BY_USER, ORDERS_FN, PLACE_ORDER, SET_ORDER_STATUS,
};
use serde_json::{Value, json};
use std::sync::Arc;
use support::api::{Reply, call};
use support::{Stack, product};

async fn setup(test: &str) -> (Stack, Arc<Orders>) {
    let stack = Stack::new(test).await;
    stack
        .seed(&[
            product("APL-001", "Gala Apples", "fruit", 349, 100),
            product("MLK-001", "Whole Milk", "dairy", 129, 30),
        ])
        .await;
    let app = Orders::new(&stack.sdk, &stack.env(&ORDERS_FN)).unwrap_or_else(|e| panic!("{e}"));
    (stack, Arc::new(app))
}

/// Places an order of 3 apples and 2 milks at `store` for `user`; returns its id.
async fn place(app: &Orders, user: &str, store: &str, key: &str) -> String {
    let body = json!({"storeId": store, "items": [{"sku": "APL-001", "qty": 3}, {"sku": "MLK-001", "qty": 2}]});
    let r = Reply::of(
        app.handle(
            call(&PLACE_ORDER)
                .by_user(user)
                .header("Idempotency-Key", key)
                .json(body)
                .build(),
        )
        .await,
    );
    let order = r.ok(201);
    assert_eq!(order["status"], "PLACED");
    order["orderId"].as_str().unwrap_or_default().to_owned()
}

/// Staff member `staff` asks to move the order to `status`.
async fn staff_move(app: &Orders, staff: &str, store: &str, id: &str, status: &str) -> Reply {
    let claims = support::api::access_claims(staff, &["staff"]);
    Reply::of(
        app.handle(
            call(&SET_ORDER_STATUS)
                .claims(claims)
                .path(&[store, id])
                .json(json!({"status": status, "reason": format!("by {staff}")}))
                .build(),
        )
        .await,
    )
}

async fn cancel(app: &Orders, user: &str, id: &str) -> Reply {
    Reply::of(
        app.handle(
            call(&CANCEL_ORDER)
                .by_user(user)
                .path(&[id])
                .json(json!({"reason": "changed my mind"}))
                .build(),
        )
        .await,
    )
}

async fn stock(stack: &Stack) -> (u64, u64) {
    let of = |p: Option<retail_functions::product::Product>| p.map_or(0, |p| p.stock);
    (
        of(stack.product("APL-001").await),
        of(stack.product("MLK-001").await),
    )
}

#[tokio::test]
async fn staff_pick_ready_and_collect_and_the_history_says_who() {
    let (stack, app) = setup("lifecycle-happy").await;
    let id = place(&app, "u-1", "store-01", "k1").await;
    assert_eq!(stock(&stack).await, (97, 28));
    for status in ["PICKING", "READY_FOR_PICKUP", "COLLECTED"] {
        let r = staff_move(&app, "staff-7", "store-01", &id, status).await;
        assert_eq!(r.ok(200)["status"], status);
    }
    // The customer reads the same order, with its whole history.
    let r = Reply::of(
        app.handle(call(&GET_ORDER).by_user("u-1").path(&[&id]).build())
            .await,
    );
    let order = r.ok(200);
    assert_eq!(order["status"], "COLLECTED");
    let steps: Vec<(Value, Value, Value)> = order["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| (h["from"].clone(), h["to"].clone(), h["actor"].clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (Value::Null, json!("PLACED"), json!("customer:u-1")),
            (json!("PLACED"), json!("PICKING"), json!("staff:staff-7")),
            (
                json!("PICKING"),
                json!("READY_FOR_PICKUP"),
                json!("staff:staff-7")
            ),
            (
                json!("READY_FOR_PICKUP"),
                json!("COLLECTED"),
                json!("staff:staff-7")
            ),
        ]
    );
    assert_eq!(order["history"][1]["reason"], "by staff-7");
    assert_eq!(
        stock(&stack).await,
        (97, 28),
        "collecting keeps the stock sold"
    );
    // Nothing moves a collected order.
    for status in ["PICKING", "CANCELLED", "COLLECTED"] {
        let r = staff_move(&app, "staff-7", "store-01", &id, status).await;
        let e = r.error(409, "INVALID_TRANSITION");
        assert_eq!(e["details"]["status"], "COLLECTED");
    }
}

#[tokio::test]
async fn illegal_moves_answer_409_with_the_current_state() {
    let (_stack, app) = setup("lifecycle-illegal").await;
    let id = place(&app, "u-1", "store-01", "k1").await;
    for skip in ["READY_FOR_PICKUP", "COLLECTED", "PLACED"] {
        let r = staff_move(&app, "s-1", "store-01", &id, skip).await;
        let e = r.error(409, "INVALID_TRANSITION");
        assert_eq!(e["details"], json!({"status": "PLACED", "requested": skip}));
    }
    staff_move(&app, "s-1", "store-01", &id, "PICKING")
        .await
        .ok(200);
    // The customer may cancel only before picking starts.
    let e = cancel(&app, "u-1", &id).await;
    assert_eq!(
        e.error(409, "INVALID_TRANSITION")["details"]["status"],
        "PICKING"
    );
    // Bad requests are 400, another store's or an unknown store's order 404.
    let r = staff_move(&app, "s-1", "store-01", &id, "CONFIRMED").await;
    r.error(400, "VALIDATION_ERROR");
    let r = staff_move(&app, "s-1", "store-01", &id, "shipped").await;
    r.error(400, "VALIDATION_ERROR");
    let r = staff_move(&app, "s-1", "store-02", &id, "READY_FOR_PICKUP").await;
    r.error(404, "NOT_FOUND");
    let r = staff_move(&app, "s-1", "store-99", &id, "READY_FOR_PICKUP").await;
    r.error(404, "NOT_FOUND");
    // A reason that is not one line of text (it reaches the customer's email).
    for reason in ["gone\u{0}", "a\nFake: line", "\u{202E}kcots fo tuo"] {
        let r = Reply::of(
            app.handle(
                call(&SET_ORDER_STATUS)
                    .claims(support::api::access_claims("s-1", &["staff"]))
                    .path(&["store-01", &id])
                    .json(json!({"status": "CANCELLED", "reason": reason}))
                    .build(),
            )
            .await,
        );
        r.error(400, "VALIDATION_ERROR");
    }
}

#[tokio::test]
async fn twenty_staff_racing_on_one_order_give_one_winner() {
    let (_stack, app) = setup("lifecycle-race").await;
    let id = place(&app, "u-1", "store-01", "k1").await;
    let mut tasks = Vec::new();
    for n in 0..20 {
        let (app, id) = (app.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            staff_move(&app, &format!("staff-{n}"), "store-01", &id, "PICKING").await
        }));
    }
    let mut wins = 0;
    for t in tasks {
        let r = t.await.unwrap_or_else(|e| panic!("{e}"));
        if r.status == 200 {
            wins += 1;
        } else {
            let e = r.error(409, "INVALID_TRANSITION");
            assert_eq!(
                e["details"]["status"], "PICKING",
                "the loser sees the winner's state"
            );
        }
    }
    assert_eq!(wins, 1);
    let r = Reply::of(
        app.handle(call(&GET_STORE_ORDER).path(&["store-01", &id]).build())
            .await,
    );
    assert_eq!(
        r.ok(200)["history"].as_array().map(Vec::len),
        Some(2),
        "one transition recorded"
    );
}

#[tokio::test]
async fn a_cancel_racing_a_pick_has_one_winner_and_stock_follows_it() {
    let (stack, app) = setup("lifecycle-cancel-race").await;
    for round in 0..4 {
        let id = place(&app, "u-1", "store-01", &format!("k{round}")).await;
        let before = stock(&stack).await;
        let (a, b) = (app.clone(), app.clone());
        let (i1, i2) = (id.clone(), id.clone());
        let pick =
            tokio::spawn(async move { staff_move(&a, "s-1", "store-01", &i1, "PICKING").await });
        let cancelled = tokio::spawn(async move { cancel(&b, "u-1", &i2).await });
        let pick = pick.await.unwrap_or_else(|e| panic!("{e}"));
        let cancelled = cancelled.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            [pick.status, cancelled.status]
                .iter()
                .filter(|s| **s == 200)
                .count(),
            1,
            "exactly one of pick ({}) and cancel ({}) wins",
            pick.status,
            cancelled.status
        );
        let after = stock(&stack).await;
        if cancelled.status == 200 {
            assert_eq!(
                after,
                (before.0 + 3, before.1 + 2),
                "the cancel returned the stock"
            );
        } else {
            assert_eq!(after, before, "the pick won: nothing returned");
            // Tidy up so the next round has stock: staff may still cancel while picking.
            staff_move(&app, "s-1", "store-01", &id, "CANCELLED")
                .await
                .ok(200);
        }
    }
}

#[tokio::test]
async fn a_cancel_retried_five_times_returns_the_stock_once() {
    let (stack, app) = setup("lifecycle-retry").await;
    let id = place(&app, "u-1", "store-01", "k1").await;
    assert_eq!(stock(&stack).await, (97, 28));
    let mut tasks = Vec::new();
    for _ in 0..5 {
        let (app, id) = (app.clone(), id.clone());
        tasks.push(tokio::spawn(async move { cancel(&app, "u-1", &id).await }));
    }
    let mut ok = 0;
    for t in tasks {
        let r = t.await.unwrap_or_else(|e| panic!("{e}"));
        if r.status == 200 {
            ok += 1;
            assert_eq!(r.body["status"], "CANCELLED");
        } else {
            assert_eq!(
                r.error(409, "INVALID_TRANSITION")["details"]["status"],
                "CANCELLED"
            );
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(stock(&stack).await, (100, 30), "returned exactly once");
    // And once more, later: still once.
    cancel(&app, "u-1", &id)
        .await
        .error(409, "INVALID_TRANSITION");
    assert_eq!(stock(&stack).await, (100, 30));
}

#[tokio::test]
async fn customers_act_on_their_own_orders_only() {
    let (stack, app) = setup("lifecycle-owner").await;
    let id = place(&app, "u-1", "store-01", "k1").await;
    cancel(&app, "u-2", &id).await.error(404, "NOT_FOUND");
    assert_eq!(stock(&stack).await, (97, 28));
    // A customer on the staff routes is refused before anything is read.
    let r = Reply::of(
        app.handle(
            call(&SET_ORDER_STATUS)
                .by_user("u-1")
                .path(&["store-01", &id])
                .json(json!({"status": "PICKING"}))
                .build(),
        )
        .await,
    );
    r.error(403, "FORBIDDEN");
    let r = Reply::of(
        app.handle(
            call(&LIST_STORE_ORDERS)
                .by_user("u-1")
                .path(&["store-01"])
                .build(),
        )
        .await,
    );
    r.error(403, "FORBIDDEN");
}

#[tokio::test]
async fn the_staff_queue_lists_a_store_by_state_oldest_first_in_pages() {
    let (_stack, app) = setup("lifecycle-queue").await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(place(&app, &format!("u-{n}"), "store-01", &format!("k{n}")).await);
    }
    let other_store = place(&app, "u-9", "store-02", "k9").await;
    staff_move(&app, "s-1", "store-01", &ids[1], "PICKING")
        .await
        .ok(200);

    let list = |status: Option<&str>, limit: &str, cursor: Option<String>| {
        let mut c = call(&LIST_STORE_ORDERS)
            .path(&["store-01"])
            .query("limit", limit);
        if let Some(s) = status {
            c = c.query("status", s);
        }
        if let Some(cur) = cursor {
            c = c.query("cursor", &cur);
        }
        let app = app.clone();
        async move { Reply::of(app.handle(c.build()).await) }
    };
    let ids_of = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["orderId"].as_str().map(str::to_owned))
            .collect()
    };
    // PLACED by default, oldest first, two per page.
    let first = list(None, "2", None).await;
    let first = first.ok(200).clone();
    assert_eq!(ids_of(&first), [ids[0].clone(), ids[2].clone()]);
    let cursor = first["nextCursor"].as_str().map(str::to_owned);
    assert!(cursor.is_some());
    let second = list(None, "2", cursor).await;
    let second = second.ok(200).clone();
    assert_eq!(ids_of(&second), [ids[3].clone(), ids[4].clone()]);
    assert!(
        second.get("nextCursor").is_none(),
        "no cursor after the last order"
    );
    let picking = list(Some("PICKING"), "10", None).await;
    assert_eq!(ids_of(picking.ok(200)), [ids[1].clone()]);
    assert!(!ids_of(&first).contains(&other_store));
    // Bad parameters are 400, naming what is allowed.
    list(Some("placed"), "10", None)
        .await
        .error(400, "VALIDATION_ERROR");
    list(None, "0", None).await.error(400, "VALIDATION_ERROR");
    list(None, "101", None).await.error(400, "VALIDATION_ERROR");
    list(None, "5", Some("not-hex".into()))
        .await
        .error(400, "VALIDATION_ERROR");
}

/// Apples and milk in stock, and orders where a customer holds at most two open orders.
async fn two_open_orders_at_most(test: &str) -> (Stack, Orders) {
    let stack = Stack::new(test).await;
    stack
        .seed(&[
            product("APL-001", "Gala Apples", "fruit", 349, 100),
            product("MLK-001", "Whole Milk", "dairy", 129, 30),
        ])
        .await;
    let env = stack.env_with(&ORDERS_FN, &[(retail_spec::ORDER_MAX_OPEN_VAR, "2")]);
    let app = Orders::new(&stack.sdk, &env).unwrap_or_else(|e| panic!("{e}"));
    (stack, app)
}

#[tokio::test]
async fn a_customer_holds_at_most_the_environments_open_orders() {
    let (stack, app) = two_open_orders_at_most("lifecycle-open-limit").await;
    let first = place(&app, "u-1", "store-01", "k1").await;
    place(&app, "u-1", "store-01", "k2").await;
    let body = json!({"storeId": "store-01", "items": [{"sku": "APL-001", "qty": 1}]});
    let third = |key: &str| {
        call(&PLACE_ORDER)
            .by_user("u-1")
            .header("Idempotency-Key", key)
            .json(body.clone())
            .build()
    };
    let r = Reply::of(app.handle(third("k3")).await);
    let e = r.error(409, "TOO_MANY_OPEN_ORDERS");
    assert_eq!(e["details"], json!({"open": 2, "limit": 2}));
    assert_eq!(
        stock(&stack).await,
        (94, 26),
        "nothing reserved for the refused order"
    );
    // Another customer is not affected; a replay of an existing key still answers.
    place(&app, "u-2", "store-01", "k1").await;
    let replay = json!({"storeId": "store-01", "items": [{"sku": "APL-001", "qty": 3}, {"sku": "MLK-001", "qty": 2}]});
    let r = Reply::of(
        app.handle(
            call(&PLACE_ORDER)
                .by_user("u-1")
                .header("Idempotency-Key", "k1")
                .json(replay)
                .build(),
        )
        .await,
    );
    assert_eq!(r.ok(200)["orderId"], first.as_str());
    // Collected or cancelled orders are not open: one cancel makes room.
    cancel(&app, "u-1", &first).await.ok(200);
    Reply::of(app.handle(third("k3")).await).ok(201);
}

/// The open orders are counted among all the customer's orders: closed ones placed since, more
/// than a page of `GET /orders`, do not hide them (they once did: an account placing and
/// cancelling orders held any number of open ones).
#[tokio::test]
async fn open_orders_count_however_many_closed_ones_came_since() {
    let (stack, app) = two_open_orders_at_most("lifecycle-open-hidden").await;
    place(&app, "u-1", "store-01", "k1").await;
    place(&app, "u-1", "store-01", "k2").await;
    // Newer than both, and closed: what placing and cancelling leaves on the by-user index.
    let closed = usize::try_from(retail_functions::orders::MAX_PAGE).unwrap_or(100) + 5;
    let created_at = ORDERS_BY_USER.sort_key.map_or("createdAt", |k| k.name);
    for i in 0..closed {
        let item = [
            (ORDERS.partition_key.name, format!("ord-closed-{i:03}")),
            (ORDERS_BY_USER.partition_key.name, "u-1".to_owned()),
            (created_at, format!("2999-01-01T00:00:00.{i:03}Z")),
            ("status", "CANCELLED".to_owned()),
        ];
        stack
            .ddb
            .put_item()
            .table_name(stack.table(&ORDERS))
            .set_item(Some(
                item.into_iter()
                    .map(|(k, v)| (k.to_owned(), AttributeValue::S(v)))
                    .collect(),
            ))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let body = json!({"storeId": "store-01", "items": [{"sku": "APL-001", "qty": 1}]});
    let third = call(&PLACE_ORDER)
        .by_user("u-1")
        .header("Idempotency-Key", "k3")
        .json(body)
        .build();
    let r = Reply::of(app.handle(third).await);
    let e = r.error(409, "TOO_MANY_OPEN_ORDERS");
    assert_eq!(e["details"], json!({"open": 2, "limit": 2}));
}

#[tokio::test]
async fn orders_not_collected_in_time_are_cancelled_by_the_hourly_expiry() {
    let (stack, app) = setup("lifecycle-expiry").await;
    let waiting = place(&app, "u-1", "store-01", "k1").await;
    let ready = place(&app, "u-2", "store-02", "k2").await;
    let collected = place(&app, "u-3", "store-01", "k3").await;
    for status in ["PICKING", "READY_FOR_PICKUP"] {
        staff_move(&app, "s-1", "store-02", &ready, status)
            .await
            .ok(200);
    }
    for status in ["PICKING", "READY_FOR_PICKUP", "COLLECTED"] {
        staff_move(&app, "s-1", "store-01", &collected, status)
            .await
            .ok(200);
    }
    assert_eq!(stock(&stack).await, (91, 24));
    let env = stack.env_with(
        &ORDER_EXPIRY,
        &[(retail_spec::ORDER_PICKUP_WINDOW_VAR, "48")],
    );
    let expiry = Expiry::new(&stack.sdk, &env).unwrap_or_else(|e| panic!("{e}"));

    // Within the window nothing is due.
    let now = time::OffsetDateTime::now_utc();
    let run = expiry.run_at(now).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(run.cancelled.is_empty(), "{run:?}");

    // Two days and an hour later: the placed and the ready orders go, the collected one stays.
    let later = now + time::Duration::hours(49);
    let run = expiry.run_at(later).await.unwrap_or_else(|e| panic!("{e}"));
    let mut cancelled = run.cancelled.clone();
    cancelled.sort();
    let mut want = vec![waiting.clone(), ready.clone()];
    want.sort();
    assert_eq!(cancelled, want);
    assert_eq!(
        stock(&stack).await,
        (97, 28),
        "the two orders' stock is back"
    );
    let r = Reply::of(
        app.handle(call(&GET_ORDER).by_user("u-2").path(&[&ready]).build())
            .await,
    );
    let order = r.ok(200);
    assert_eq!(order["status"], "CANCELLED");
    let last = &order["history"][3];
    assert_eq!(last["actor"], "system");
    assert_eq!(last["reason"], "not collected within 48 hours");

    // A second run finds nothing more to do, and returns no stock twice.
    let again = expiry.run_at(later).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(again.cancelled.is_empty(), "{again:?}");
    assert_eq!(stock(&stack).await, (97, 28));
}
