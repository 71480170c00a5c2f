//! The inventory function against DynamoDB on moto.

mod support;

use retail_functions::catalog::Catalog;
use retail_functions::inventory::Inventory;
use retail_spec::{CATALOG, GET_CATALOG, GET_INVENTORY, INVENTORY, PRODUCTS, PUT_INVENTORY};
use serde_json::{Value, json};
use support::api::{Reply, call};
use support::{Stack, product};

async fn setup(test: &str) -> (Stack, Inventory) {
    let stack = Stack::new(test).await;
    stack
        .seed(&[
            product("APL-001", "Gala Apples", "fruit", 349, 120),
            product("BAN-001", "Bananas", "fruit", 199, 2),
        ])
        .await;
    let app = Inventory::new(&stack.sdk, &stack.env(&INVENTORY)).unwrap_or_else(|e| panic!("{e}"));
    (stack, app)
}

async fn put(app: &Inventory, items: Value) -> Reply {
    Reply::of(
        app.handle(call(&PUT_INVENTORY).json(json!({ "items": items })).build())
            .await,
    )
}

#[tokio::test]
async fn adds_and_updates_products_as_one_batch() {
    let (stack, app) = setup("inventory-put").await;
    let r = put(
        &app,
        json!([
            {"sku": "APL-001", "addStock": 30},
            {"sku": "BAN-001", "stock": 50, "priceCents": 219, "name": "Fairtrade Bananas"},
            {"sku": "KIW-001", "name": "Kiwi", "category": "fruit", "priceCents": 59},
            {"sku": "PLM-001", "name": "Plums", "category": "fruit", "priceCents": 89, "unit": "kg",
             "lowStockThreshold": 2, "stock": 7}
        ]),
    )
    .await;
    let items = r.ok(200)["items"].clone();
    let skus: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["sku"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(skus, ["APL-001", "BAN-001", "KIW-001", "PLM-001"]);
    assert_eq!(items[0]["stock"], 150, "addStock adds");
    assert_eq!(items[1]["stock"], 50, "stock sets");
    assert_eq!(items[1]["priceCents"], 219);
    assert_eq!(
        items[2],
        json!({"sku": "KIW-001", "name": "Kiwi", "category": "fruit", "priceCents": 59, "unit": "each",
               "stock": 0, "lowStockThreshold": 5, "inStock": false, "lowStock": true}),
        "defaults for a new product"
    );
    assert_eq!(items[3]["unit"], "kg");
    assert_eq!(items[3]["lowStock"], false);

    // The new name is searchable in the catalog (nameLower kept in step).
    let catalog = Catalog::new(&stack.sdk, &stack.env(&CATALOG)).unwrap_or_else(|e| panic!("{e}"));
    let r = Reply::of(
        catalog
            .handle(call(&GET_CATALOG).query("q", "fairtrade").build())
            .await,
    );
    assert_eq!(r.ok(200)["items"][0]["sku"], "BAN-001");
}

#[tokio::test]
async fn a_bad_batch_changes_nothing() {
    let (stack, app) = setup("inventory-bad").await;
    let r = put(
        &app,
        json!([{"sku": "APL-001", "addStock": 5}, {"sku": "NEW-001", "name": "Incomplete"}]),
    )
    .await;
    let e = r.error(400, "VALIDATION_ERROR");
    assert_eq!(e["details"]["skus"], json!(["NEW-001"]));
    assert!(
        e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("NEW-001")
    );
    assert_eq!(stack.product("APL-001").await.map(|p| p.stock), Some(120));
    assert_eq!(stack.count(&PRODUCTS).await, 2);

    for items in [
        json!([]),
        json!([{"sku": "APL-001", "stock": 1, "addStock": 1}]),
        json!([{"sku": "APL-001", "stock": 1}, {"sku": "APL-001", "stock": 2}]),
        json!([{"sku": "APL-001", "stok": 1}]),
        json!([{"sku": "APL-001", "stock": -1}]),
        json!([{"sku": "APL-001", "priceCents": 0}]),
        json!([{"sku": "bad sku", "stock": 1}]),
        json!([{"sku": "APL-001", "name": "Apples\u{202e} selppA"}]),
        json!([{"sku": "APL-001", "category": "fruit\nSALE"}]),
    ] {
        put(&app, items).await.error(400, "VALIDATION_ERROR");
    }
    let r = Reply::of(app.handle(call(&PUT_INVENTORY).raw_body("[").build()).await);
    r.error(400, "INVALID_JSON");
}

/// `addStock` stops where `stock` does: at MAX_STOCK (increments once went past it).
#[tokio::test]
async fn added_stock_stops_at_the_most_a_product_holds() {
    let (stack, app) = setup("inventory-max").await;
    let max = retail_functions::inventory::MAX_STOCK;
    let r = put(&app, json!([{"sku": "APL-001", "addStock": max - 120}])).await;
    assert_eq!(
        r.ok(200)["items"][0]["stock"],
        max,
        "up to the most is fine"
    );
    let r = put(
        &app,
        json!([{"sku": "BAN-001", "addStock": 1}, {"sku": "APL-001", "addStock": 1}]),
    )
    .await;
    let e = r.error(400, "VALIDATION_ERROR");
    assert_eq!(
        e["details"],
        json!({"sku": "APL-001", "stock": max, "addStock": 1, "max": max})
    );
    assert_eq!(
        stack.product("APL-001").await.map(|p| p.stock),
        u64::try_from(max).ok()
    );
    assert_eq!(
        stack.product("BAN-001").await.map(|p| p.stock),
        Some(2),
        "the batch changes nothing"
    );
}

/// A stocktake's set names the level it replaces: when an order took units since the back
/// office read it, the set is refused (409 STOCK_CHANGED, nothing in the batch applied)
/// instead of overwriting the order's decrement; with the level read it applies.
#[tokio::test]
async fn a_set_with_the_stock_it_replaces_is_refused_once_an_order_changed_it() {
    let (stack, app) = setup("inventory-expected").await;
    // Read at 120; an order then takes 4 (the table is written as a checkout would).
    stack
        .seed(&[product("APL-001", "Gala Apples", "fruit", 349, 116)])
        .await;
    let r = put(
        &app,
        json!([{"sku": "BAN-001", "addStock": 5}, {"sku": "APL-001", "stock": 120, "expectedStock": 120}]),
    )
    .await;
    let e = r.error(409, "STOCK_CHANGED");
    assert_eq!(
        e["details"],
        json!({"skus": [{"sku": "APL-001", "expectedStock": 120, "stock": 116}]})
    );
    assert_eq!(stack.product("APL-001").await.map(|p| p.stock), Some(116));
    assert_eq!(
        stack.product("BAN-001").await.map(|p| p.stock),
        Some(2),
        "the batch changes nothing"
    );
    let r = put(
        &app,
        json!([{"sku": "APL-001", "stock": 118, "expectedStock": 116}]),
    )
    .await;
    assert_eq!(r.ok(200)["items"][0]["stock"], 118);
    let r = put(
        &app,
        json!([{"sku": "NEW-001", "name": "Figs", "category": "fruit", "priceCents": 99,
                "stock": 1, "expectedStock": 0}]),
    )
    .await;
    let e = r.error(409, "STOCK_CHANGED");
    assert_eq!(
        e["details"]["skus"][0]["stock"],
        Value::Null,
        "no such product"
    );
}

/// A batch sent again with its Idempotency-Key (the answer to the first was lost: a timeout, a
/// 5xx after the commit) changes nothing again: an `addStock` is not added twice. The same key
/// for another batch is refused; another member of staff's key is another key.
#[tokio::test]
async fn a_keyed_batch_is_applied_once_however_often_it_is_sent() {
    let (stack, app) = setup("inventory-key").await;
    let send = |key: &str, staff: &str, items: Value| {
        let claims = support::api::access_claims(staff, &[retail_spec::STAFF_GROUP]);
        let c = call(&PUT_INVENTORY)
            .claims(claims)
            .header("Idempotency-Key", key)
            .json(json!({ "items": items }))
            .build();
        async { Reply::of(app.handle(c).await) }
    };
    let add = json!([{"sku": "APL-001", "addStock": 24}]);
    let r = send("k-1", "staff-1", add.clone()).await;
    assert_eq!(r.ok(200)["items"][0]["stock"], 144);
    let again = send("k-1", "staff-1", add.clone()).await;
    assert_eq!(again.ok(200)["items"][0]["stock"], 144, "added twice");
    assert_eq!(stack.product("APL-001").await.map(|p| p.stock), Some(144));

    let other = send(
        "k-1",
        "staff-1",
        json!([{"sku": "APL-001", "addStock": 25}]),
    )
    .await;
    other.error(409, "IDEMPOTENCY_CONFLICT");
    let colleague = send("k-1", "staff-2", add).await;
    assert_eq!(
        colleague.ok(200)["items"][0]["stock"],
        168,
        "another member of staff's key"
    );

    // The key is one of the transaction's 100 actions: a keyed batch takes 99 products.
    let full: Vec<Value> = (0..retail_functions::inventory::MAX_BATCH)
        .map(|i| json!({"sku": format!("NEW-{i:03}"), "name": "x", "category": "fruit", "priceCents": 1}))
        .collect();
    let r = send("k-2", "staff-1", Value::Array(full)).await;
    let e = r.error(400, "VALIDATION_ERROR");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("1 to 99 products")),
        "{e}"
    );
}

#[tokio::test]
async fn lists_stock_levels_below_a_threshold() {
    let (stack, app) = setup("inventory-get").await;
    stack
        .seed(&[product("CAR-001", "Carrots", "vegetables", 149, 0)])
        .await;
    let r = Reply::of(app.handle(call(&GET_INVENTORY).build()).await);
    let all: Vec<(String, u64)> = r.ok(200)["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["sku"].as_str().unwrap_or_default().to_owned(),
                        p["stock"].as_u64().unwrap_or(999),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        all,
        vec![
            ("APL-001".into(), 120),
            ("BAN-001".into(), 2),
            ("CAR-001".into(), 0)
        ]
    );
    let r = Reply::of(
        app.handle(call(&GET_INVENTORY).query("below", "3").build())
            .await,
    );
    let low: Vec<&str> = r.ok(200)["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["sku"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(low, ["BAN-001", "CAR-001"]);
    for bad in ["-1", "lots", "1.5"] {
        Reply::of(
            app.handle(call(&GET_INVENTORY).query("below", bad).build())
                .await,
        )
        .error(400, "VALIDATION_ERROR");
    }
}

#[tokio::test]
async fn the_back_office_is_for_staff_only() {
    let (stack, app) = setup("inventory-staff").await;
    let change = json!({"items": [{"sku": "APL-001", "stock": 0}]});
    // A signed-in customer: 403, and nothing changes.
    Reply::of(
        app.handle(
            call(&PUT_INVENTORY)
                .by_user("u-1")
                .json(change.clone())
                .build(),
        )
        .await,
    )
    .error(403, "FORBIDDEN");
    Reply::of(
        app.handle(call(&GET_INVENTORY).by_user("u-1").build())
            .await,
    )
    .error(403, "FORBIDDEN");
    // A group whose name merely contains "staff" is not the staff group.
    let lookalike = support::api::access_claims("u-1", &["staffers", "nostaff"]);
    Reply::of(
        app.handle(
            call(&PUT_INVENTORY)
                .claims(lookalike)
                .json(change.clone())
                .build(),
        )
        .await,
    )
    .error(403, "FORBIDDEN");
    Reply::of(
        app.handle(call(&PUT_INVENTORY).anonymous().json(change).build())
            .await,
    )
    .error(401, "UNAUTHORIZED");
    assert_eq!(stack.product("APL-001").await.map(|p| p.stock), Some(120));
    // A staff member (among other groups).
    let staff = support::api::access_claims("s-1", &["managers", "staff"]);
    Reply::of(app.handle(call(&GET_INVENTORY).claims(staff).build()).await).ok(200);
}
