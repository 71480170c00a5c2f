//! The orders function against DynamoDB and SQS on moto: placing (idempotency, pricing, stock
//! reservation, cart clearing, the order.created event), reading, and every error path —
//! including 50 concurrent orders racing for 10 units and concurrent replays of one key.

mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use retail_functions::cart::Cart;
use retail_functions::orders::{OrderCreated, Orders};
use retail_spec::{
    CART, GET_CART, GET_ORDER, LIST_ORDERS, ORDER_EVENTS, ORDERS, ORDERS_BY_USER, ORDERS_FN,
    PLACE_ORDER, SET_CART_ITEM,
};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use support::api::{Reply, call};
use support::{Stack, product};

async fn setup(test: &str) -> (Stack, Orders) {
    let stack = Stack::new(test).await;
    stack
        .seed(&[
            product("APL-001", "Gala Apples", "fruit", 349, 120),
            product("BAN-001", "Bananas", "fruit", 199, 2),
            product("MLK-001", "Whole Milk", "dairy", 129, 1),
        ])
        .await;
    let app = Orders::new(&stack.sdk, &stack.env(&ORDERS_FN)).unwrap_or_else(|e| panic!("{e}"));
    (stack, app)
}

/// Places `body` as the customer its `userId` names (the functions ignore that field: the
/// caller is the token's `sub`).
async fn place(app: &Orders, key: Option<&str>, body: Value) -> Reply {
    let user = body["userId"].as_str().unwrap_or("u-1").to_owned();
    let mut c = call(&PLACE_ORDER).by_user(&user).json(body);
    if let Some(k) = key {
        c = c.header("Idempotency-Key", k);
    }
    Reply::of(app.handle(c.build()).await)
}

fn body(user: &str, store: &str, items: Value) -> Value {
    json!({"userId": user, "storeId": store, "items": items})
}

#[tokio::test]
async fn places_an_order_priced_from_the_catalog() {
    let (stack, app) = setup("orders-place").await;
    // The customer has a cart; ordering takes the ordered lines out of it. The milk, added from
    // another device while this one checked out, is not in the order and stays.
    let cart = Cart::new(&stack.sdk, &stack.env(&CART)).unwrap_or_else(|e| panic!("{e}"));
    for (sku, qty) in [("APL-001", 2), ("MLK-001", 1)] {
        let r = Reply::of(
            cart.handle(
                call(&SET_CART_ITEM)
                    .by_user("u-1")
                    .json(json!({"sku": sku, "qty": qty}))
                    .build(),
            )
            .await,
        );
        r.ok(200);
    }

    let r = place(
        &app,
        Some("key-1"),
        body(
            "u-1",
            "store-01",
            json!([{"sku": "APL-001", "qty": 2, "name": "cheap apples", "price": 1},
                   {"sku": "BAN-001", "qty": 1}]),
        ),
    )
    .await;
    let order = r.ok(201).clone();
    assert_eq!(order["status"], "PLACED");
    assert_eq!(order["userId"], "u-1");
    assert_eq!(order["storeId"], "store-01");
    assert_eq!(order["currency"], "USD");
    assert_eq!(
        order["totalCents"],
        2 * 349 + 199,
        "prices from the catalog, not the client"
    );
    assert_eq!(
        order["items"][0],
        json!({"sku": "APL-001", "name": "Gala Apples", "qty": 2, "unitPriceCents": 349, "lineTotalCents": 698})
    );
    let created = order["createdAt"].as_str().unwrap_or_default();
    assert!(created.ends_with('Z') && created.len() == 24, "{created}");
    assert_eq!(order["createdAt"], order["updatedAt"]);

    assert_eq!(stack.product("APL-001").await.map(|p| p.stock), Some(118));
    assert_eq!(stack.product("BAN-001").await.map(|p| p.stock), Some(1));
    let r = Reply::of(cart.handle(call(&GET_CART).by_user("u-1").build()).await);
    let left: Vec<&str> = r.ok(200)["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["sku"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        left,
        ["MLK-001"],
        "the ordered lines left the cart, the other stayed"
    );

    let events = stack.drain(&stack.queue(&ORDER_EVENTS).url).await;
    assert_eq!(events.len(), 1);
    let event = OrderCreated::parse(&events[0]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        event.order_id,
        order["orderId"].as_str().unwrap_or_default()
    );
    assert_eq!(event.store_id, "store-01");
    let lines: Vec<(String, u64)> = event.items.iter().map(|l| (l.sku.clone(), l.qty)).collect();
    assert_eq!(lines, vec![("APL-001".into(), 2), ("BAN-001".into(), 1)]);

    let id = order["orderId"].as_str().unwrap_or_default();
    let r = Reply::of(app.handle(call(&GET_ORDER).path(&[id]).build()).await);
    assert_eq!(r.ok(200), &order);
}

#[tokio::test]
async fn replayed_key_returns_the_same_order_once() {
    let (stack, app) = setup("orders-replay").await;
    let first = place(
        &app,
        Some("replay-key"),
        body(
            "u-1",
            "store-01",
            json!([{"sku": "APL-001", "qty": 1}, {"sku": "APL-001", "qty": 2}]),
        ),
    )
    .await;
    let first = first.ok(201).clone();
    // Same request as an old client would send it: lines in another order, with names/prices,
    // duplicates already merged. Same canonical body → same order, 200.
    let again = place(
        &app,
        Some("replay-key"),
        body(
            "u-1",
            "store-01",
            json!([{"sku": "APL-001", "qty": 3, "name": "x", "price": 99}]),
        ),
    )
    .await;
    assert_eq!(again.ok(200), &first);
    assert_eq!(
        stack.product("APL-001").await.map(|p| p.stock),
        Some(117),
        "one decrement"
    );
    assert_eq!(stack.count(&ORDERS).await, 1, "one order");
    assert_eq!(
        stack.drain(&stack.queue(&ORDER_EVENTS).url).await.len(),
        1,
        "one event"
    );

    // Same key, another body: 409, nothing changes.
    let other = place(
        &app,
        Some("replay-key"),
        body("u-1", "store-01", json!([{"sku": "APL-001", "qty": 4}])),
    )
    .await;
    let e = other.error(409, "IDEMPOTENCY_CONFLICT");
    assert_eq!(e["details"]["orderId"], first["orderId"]);
    assert_eq!(stack.product("APL-001").await.map(|p| p.stock), Some(117));
}

#[tokio::test]
async fn concurrent_replays_of_one_key_make_one_order() {
    let (stack, app) = setup("orders-race").await;
    let app = Arc::new(app);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let app = Arc::clone(&app);
        tasks.spawn(async move {
            place(
                &app,
                Some("race-key"),
                body("u-1", "store-02", json!([{"sku": "APL-001", "qty": 5}])),
            )
            .await
        });
    }
    let mut ids = BTreeSet::new();
    let mut created = 0;
    while let Some(r) = tasks.join_next().await {
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        assert!(
            r.status == 201 || r.status == 200,
            "{} {}",
            r.status,
            r.body
        );
        if r.status == 201 {
            created += 1;
        }
        ids.insert(r.body["orderId"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(created, 1, "exactly one request created the order");
    assert_eq!(ids.len(), 1, "every response is that order");
    assert_eq!(stack.product("APL-001").await.map(|p| p.stock), Some(115));
    assert_eq!(stack.count(&ORDERS).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_orders_for_ten_units_never_oversell() {
    let (stack, app) = setup("orders-oversell").await;
    stack
        .seed(&[product("HOT-001", "Hot Cross Buns", "bakery", 250, 10)])
        .await;
    let app = Arc::new(app);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let app = Arc::clone(&app);
        tasks.spawn(async move {
            place(
                &app,
                Some(&format!("buns-{i}")),
                body(
                    &format!("u-{i}"),
                    "store-01",
                    json!([{"sku": "HOT-001", "qty": 1}]),
                ),
            )
            .await
        });
    }
    let (mut ok, mut short) = (0, 0);
    while let Some(r) = tasks.join_next().await {
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        match r.status {
            201 => ok += 1,
            409 => {
                let e = r.error(409, "INSUFFICIENT_STOCK");
                assert_eq!(e["details"]["skus"][0]["sku"], "HOT-001");
                short += 1;
            }
            s => panic!("unexpected {s}: {}", r.body),
        }
    }
    assert_eq!((ok, short), (10, 40));
    assert_eq!(stack.product("HOT-001").await.map(|p| p.stock), Some(0));
    assert_eq!(stack.count(&ORDERS).await, 10);
}

#[tokio::test]
async fn short_stock_is_409_naming_every_short_sku() {
    let (stack, app) = setup("orders-short").await;
    let r = place(
        &app,
        Some("k-short"),
        body(
            "u-1",
            "store-01",
            json!([{"sku": "APL-001", "qty": 1}, {"sku": "BAN-001", "qty": 3}, {"sku": "MLK-001", "qty": 2}]),
        ),
    )
    .await;
    let e = r.error(409, "INSUFFICIENT_STOCK");
    assert_eq!(
        e["details"]["skus"],
        json!([{"sku": "BAN-001", "requested": 3, "available": 2},
               {"sku": "MLK-001", "requested": 2, "available": 1}])
    );
    let msg = e["message"].as_str().unwrap_or_default();
    assert!(msg.contains("BAN-001") && msg.contains("MLK-001"), "{msg}");
    assert_eq!(
        stack.product("APL-001").await.map(|p| p.stock),
        Some(120),
        "nothing reserved"
    );
    assert_eq!(stack.count(&ORDERS).await, 0);
    // The key was not consumed: the same key works once stock allows.
    let r = place(
        &app,
        Some("k-short"),
        body("u-1", "store-01", json!([{"sku": "BAN-001", "qty": 2}])),
    )
    .await;
    r.ok(201);
}

/// A customer who was shown a total is charged that total or told the prices changed: a
/// repriced product between cart and checkout is 409 PRICE_CHANGED with the prices of today,
/// nothing reserved and the key not consumed.
#[tokio::test]
async fn a_changed_price_is_409_not_a_silent_charge() {
    let (stack, app) = setup("orders-repriced").await;
    let with_total = |total: Value| {
        json!({"storeId": "store-01", "items": [{"sku": "APL-001", "qty": 2}, {"sku": "BAN-001", "qty": 1}],
               "expectedTotalCents": total})
    };
    // Shown 2 × 3.49 + 1.99; apples now cost 3.99.
    stack
        .seed(&[product("APL-001", "Gala Apples", "fruit", 399, 120)])
        .await;
    let e = place(&app, Some("k-price"), with_total(json!(897)))
        .await
        .error(409, "PRICE_CHANGED")
        .clone();
    assert_eq!(e["details"]["expectedTotalCents"], 897);
    assert_eq!(e["details"]["totalCents"], 2 * 399 + 199);
    assert_eq!(
        e["details"]["items"],
        json!([{"sku": "APL-001", "unitPriceCents": 399}, {"sku": "BAN-001", "unitPriceCents": 199}])
    );
    let msg = e["message"].as_str().unwrap_or_default();
    assert!(msg.contains("9.97") && msg.contains("8.97"), "{msg}");
    assert_eq!(stack.count(&ORDERS).await, 0);
    assert_eq!(
        stack.product("APL-001").await.map(|p| p.stock),
        Some(120),
        "nothing reserved"
    );
    // Agreeing to the new total places it, even under the same key.
    let order = place(&app, Some("k-price"), with_total(json!(997)))
        .await
        .ok(201)
        .clone();
    assert_eq!(order["totalCents"], 997);
    // A replay of that key answers with its order, whatever total it names.
    let again = place(&app, Some("k-price"), with_total(json!(897))).await;
    assert_eq!(again.ok(200)["orderId"], order["orderId"]);
    for bad in [json!(-1), json!("997"), json!(9.5)] {
        place(&app, Some("k-bad-total"), with_total(bad))
            .await
            .error(400, "VALIDATION_ERROR");
    }
}

#[tokio::test]
async fn rejects_bad_orders() {
    let (stack, app) = setup("orders-bad").await;
    let good = body("u-1", "store-01", json!([{"sku": "APL-001", "qty": 1}]));
    place(&app, None, good.clone())
        .await
        .error(400, "IDEMPOTENCY_KEY_REQUIRED");
    place(&app, Some(""), good.clone())
        .await
        .error(400, "IDEMPOTENCY_KEY_REQUIRED");
    place(&app, Some(&"k".repeat(129)), good.clone())
        .await
        .error(400, "VALIDATION_ERROR");
    place(
        &app,
        Some("k1"),
        body("u-1", "store-99", json!([{"sku": "APL-001", "qty": 1}])),
    )
    .await
    .error(400, "UNKNOWN_STORE");
    let e = place(
        &app,
        Some("k2"),
        body("u-1", "store-01", json!([{"sku": "NOPE-001", "qty": 1}])),
    )
    .await
    .error(400, "VALIDATION_ERROR")
    .clone();
    assert_eq!(e["details"]["unknownSkus"], json!(["NOPE-001"]));
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"sku": format!("S-{i}"), "qty": 1}))
        .collect();
    for (i, items) in [
        json!([]),
        json!([{"sku": "APL-001", "qty": 0}]),
        json!([{"sku": "APL-001", "qty": 1000}]),
        json!([{"sku": "APL-001", "qty": 500}, {"sku": "APL-001", "qty": 500}]),
        json!([{"sku": "APL-001", "qty": "1"}]),
        Value::Array(many),
    ]
    .into_iter()
    .enumerate()
    {
        place(&app, Some(&format!("v{i}")), body("u-1", "store-01", items))
            .await
            .error(400, "VALIDATION_ERROR");
    }
    place(
        &app,
        Some("k3"),
        json!({"storeId": "store-01", "items": []}),
    )
    .await
    .error(400, "VALIDATION_ERROR");
    let r = Reply::of(
        app.handle(
            call(&PLACE_ORDER)
                .header("Idempotency-Key", "k4")
                .raw_body("{nope")
                .build(),
        )
        .await,
    );
    r.error(400, "INVALID_JSON");
    assert_eq!(stack.count(&ORDERS).await, 0);
    assert_eq!(stack.product("APL-001").await.map(|p| p.stock), Some(120));
}

/// DynamoDB stops a query at 1 MB of items even when `Limit` is not reached, and answers a
/// `LastEvaluatedKey` ("Paginating table query results", DynamoDB Developer Guide:
/// <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html>);
/// moto stops at the same size. Orders of about 120 KB each fill 1 MB before a page of 20: the
/// short page must still carry a cursor, and the cursors must lead to every order once.
#[tokio::test]
async fn a_page_cut_short_at_one_megabyte_still_leads_to_every_order() {
    let (stack, app) = setup("orders-1mb").await;
    let placed = place(
        &app,
        Some("big-0"),
        body("u-9", "store-01", json!([{"sku": "APL-001", "qty": 1}])),
    )
    .await;
    let first = placed.ok(201)["orderId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let table = stack.table(&ORDERS).to_owned();
    let item = stack
        .ddb
        .get_item()
        .table_name(&table)
        .key(ORDERS.partition_key.name, AttributeValue::S(first.clone()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .item
        .unwrap_or_else(|| panic!("order {first} not stored"));
    let created_at = ORDERS_BY_USER.sort_key.map_or("createdAt", |k| k.name);
    // Twelve more of u-9's orders, each padded with an attribute the API does not read.
    let padding = "x".repeat(120_000);
    let mut ids = vec![first];
    for i in 0..12 {
        let id = format!("ord-big-{i:02}");
        let mut copy = item.clone();
        copy.insert(
            ORDERS.partition_key.name.into(),
            AttributeValue::S(id.clone()),
        );
        copy.insert(
            created_at.into(),
            AttributeValue::S(format!("2027-01-01T00:00:{i:02}.000Z")),
        );
        copy.insert("padding".into(), AttributeValue::S(padding.clone()));
        stack
            .ddb
            .put_item()
            .table_name(&table)
            .set_item(Some(copy))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        ids.push(id);
    }
    ids.reverse(); // newest first: the padded ones (2027) before the placed one

    let mut listed: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = Vec::new();
    loop {
        let mut c = call(&LIST_ORDERS).by_user("u-9");
        if let Some(cur) = &cursor {
            c = c.query("cursor", cur);
        }
        let r = Reply::of(app.handle(c.build()).await);
        let body = r.ok(200);
        let items = body["items"].as_array().cloned().unwrap_or_default();
        pages.push(items.len());
        listed.extend(
            items
                .iter()
                .filter_map(|o| o["orderId"].as_str().map(str::to_owned)),
        );
        match body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages.len() < 10, "the cursors do not end: {pages:?}");
    }
    assert!(
        pages[0] < ids.len(),
        "the first page was not cut short at 1 MB (pages {pages:?}), so this test tests nothing"
    );
    assert_eq!(
        listed, ids,
        "every order once, newest first (pages {pages:?})"
    );
}

#[tokio::test]
async fn reads_orders_back() {
    let (_stack, app) = setup("orders-read").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let r = place(
            &app,
            Some(&format!("read-{i}")),
            body("u-7", "store-01", json!([{"sku": "APL-001", "qty": 1}])),
        )
        .await;
        ids.push(r.ok(201)["orderId"].as_str().unwrap_or_default().to_owned());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    place(
        &app,
        Some("read-other"),
        body("u-8", "store-01", json!([{"sku": "APL-001", "qty": 1}])),
    )
    .await
    .ok(201);
    let r = Reply::of(app.handle(call(&LIST_ORDERS).by_user("u-7").build()).await);
    let listed: Vec<&str> = r.ok(200)["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|o| o["orderId"].as_str()).collect())
        .unwrap_or_default();
    ids.reverse();
    assert_eq!(listed, ids, "newest first, only this user's");
    assert!(r.ok(200).get("nextCursor").is_none(), "one page holds them");
    // A page at a time: two, two, then the last one without a cursor.
    let page = |user: &str, cursor: Option<&str>| {
        let mut c = call(&LIST_ORDERS).by_user(user).query("limit", "2");
        if let Some(cur) = cursor {
            c = c.query("cursor", cur);
        }
        let app = &app;
        async move { Reply::of(app.handle(c.build()).await) }
    };
    let mut paged = Vec::new();
    let mut cursors = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let r = page("u-7", cursor.as_deref()).await;
        let body = r.ok(200);
        let items = body["items"].as_array().cloned().unwrap_or_default();
        assert!(items.len() <= 2 && !items.is_empty(), "{body}");
        paged.extend(
            items
                .iter()
                .filter_map(|o| o["orderId"].as_str().map(str::to_owned)),
        );
        match body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        cursors.push(cursor.clone().unwrap_or_default());
    }
    assert_eq!(paged, ids, "every order once, newest first");
    assert_eq!(cursors.len(), 2);
    // A cursor reads the caller's own orders: u-8's page after u-7's cursor holds none of u-7's.
    let r = page("u-8", Some(&cursors[0])).await;
    let theirs: Vec<String> = r.ok(200)["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["userId"].as_str().map(str::to_owned))
        .collect();
    assert!(theirs.iter().all(|u| u == "u-8"), "{theirs:?}");
    page("u-7", Some("not-a-cursor"))
        .await
        .error(400, "VALIDATION_ERROR");
    Reply::of(
        app.handle(
            call(&LIST_ORDERS)
                .by_user("u-7")
                .query("limit", "0")
                .build(),
        )
        .await,
    )
    .error(400, "VALIDATION_ERROR");
    let r = Reply::of(
        app.handle(call(&LIST_ORDERS).by_user("nobody").build())
            .await,
    );
    assert_eq!(r.ok(200)["items"], json!([]));
    Reply::of(app.handle(call(&LIST_ORDERS).anonymous().build()).await).error(401, "UNAUTHORIZED");
    // Another customer's order is not found, exactly like a missing one.
    let other = Reply::of(
        app.handle(call(&GET_ORDER).by_user("u-8").path(&[&ids[0]]).build())
            .await,
    );
    other.error(404, "NOT_FOUND");
    let mine = Reply::of(
        app.handle(call(&GET_ORDER).by_user("u-7").path(&[&ids[0]]).build())
            .await,
    );
    assert_eq!(mine.ok(200)["orderId"], ids[0].as_str());
    Reply::of(
        app.handle(call(&GET_ORDER).path(&["ord-missing"]).build())
            .await,
    )
    .error(404, "NOT_FOUND");
    Reply::of(app.handle(call(&GET_ORDER).path(&["bad id"]).build()).await)
        .error(400, "VALIDATION_ERROR");
}

#[tokio::test]
async fn an_order_holds_at_most_the_environment_s_units() {
    let (stack, _) = setup("orders-units-limit").await;
    let env = stack.env_with(&ORDERS_FN, &[(retail_spec::ORDER_MAX_UNITS_VAR, "5")]);
    let app = Orders::new(&stack.sdk, &env).unwrap_or_else(|e| panic!("{e}"));
    let five = body(
        "u-1",
        "store-01",
        json!([{"sku": "APL-001", "qty": 3}, {"sku": "BAN-001", "qty": 2}]),
    );
    place(&app, Some("five"), five).await.ok(201);
    let six = body("u-1", "store-01", json!([{"sku": "APL-001", "qty": 6}]));
    let r = place(&app, Some("six"), six).await;
    let e = r.error(400, "VALIDATION_ERROR");
    assert_eq!(e["details"]["maxUnits"], 5, "{e}");
    assert_eq!(stack.product("APL-001").await.map(|p| p.stock), Some(117));
}
