//! The catalog function against DynamoDB on moto: listing, filtering, search, pagination,
//! single products, and the error paths shared by every HTTP function (unknown route, 413).

mod support;

use retail_functions::catalog::Catalog;
use retail_functions::http::MAX_BODY_BYTES;
use retail_spec::{CATALOG, GET_CATALOG, GET_PRODUCT};
use serde_json::Value;
use support::api::{Reply, call};
use support::{Stack, product};

async fn setup(test: &str) -> (Stack, Catalog) {
    let stack = Stack::new(test).await;
    stack
        .seed(&[
            product("APL-001", "Gala Apples", "fruit", 349, 120),
            product("BAN-001", "Bananas", "fruit", 199, 0),
            product("CAR-001", "Carrots", "vegetables", 149, 3),
            product("PIN-001", "Pineapple", "fruit", 299, 10),
            product("MLK-001", "Whole Milk", "dairy", 129, 40),
        ])
        .await;
    let app = Catalog::new(&stack.sdk, &stack.env(&CATALOG)).unwrap_or_else(|e| panic!("{e}"));
    (stack, app)
}

fn skus(body: &Value) -> Vec<String> {
    let mut s: Vec<String> = body["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["sku"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    s.sort();
    s
}

#[tokio::test]
async fn lists_everything_with_flags_and_categories() {
    let (_stack, app) = setup("catalog-list").await;
    let r = Reply::of(app.handle(call(&GET_CATALOG).build()).await);
    let body = r.ok(200);
    assert_eq!(
        skus(body),
        ["APL-001", "BAN-001", "CAR-001", "MLK-001", "PIN-001"]
    );
    assert_eq!(body["nextCursor"], Value::Null);
    assert_eq!(
        body["categories"],
        serde_json::json!(["dairy", "fruit", "vegetables"])
    );
    let banana = body["items"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["sku"] == "BAN-001"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        banana["inStock"], false,
        "out of stock is flagged, not hidden"
    );
    assert_eq!(banana["lowStock"], true);
    assert_eq!(banana["priceCents"], 199);
}

#[tokio::test]
async fn filters_by_category_and_searches_names() {
    let (_stack, app) = setup("catalog-filter").await;
    let r = Reply::of(
        app.handle(call(&GET_CATALOG).query("category", "fruit").build())
            .await,
    );
    assert_eq!(skus(r.ok(200)), ["APL-001", "BAN-001", "PIN-001"]);
    let r = Reply::of(
        app.handle(call(&GET_CATALOG).query("q", "APPLE").build())
            .await,
    );
    assert_eq!(
        skus(r.ok(200)),
        ["APL-001", "PIN-001"],
        "case-insensitive substring"
    );
    let r = Reply::of(
        app.handle(
            call(&GET_CATALOG)
                .query("category", "fruit")
                .query("q", "pine")
                .build(),
        )
        .await,
    );
    assert_eq!(skus(r.ok(200)), ["PIN-001"]);
    let r = Reply::of(
        app.handle(call(&GET_CATALOG).query("category", "toys").build())
            .await,
    );
    assert_eq!(skus(r.ok(200)), Vec::<String>::new());
}

#[tokio::test]
async fn pages_with_a_cursor_until_done() {
    let (_stack, app) = setup("catalog-pages").await;
    for (filter, expected) in [
        (None, 5usize),
        (Some(("category", "fruit")), 3),
        (Some(("q", "a")), 4),
    ] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..10 {
            let mut c = call(&GET_CATALOG).query("limit", "2");
            if let Some((k, v)) = filter {
                c = c.query(k, v);
            }
            if let Some(cur) = &cursor {
                c = c.query("cursor", cur);
            }
            let r = Reply::of(app.handle(c.build()).await);
            let body = r.ok(200).clone();
            let page = skus(&body);
            assert!(page.len() <= 2);
            seen.extend(page);
            match body["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "no product twice: {seen:?}");
        assert_eq!(seen.len(), expected, "{filter:?}: {seen:?}");
    }
}

#[tokio::test]
async fn bad_listing_parameters_are_400() {
    let (_stack, app) = setup("catalog-bad").await;
    for (k, v) in [
        ("limit", "0"),
        ("limit", "101"),
        ("limit", "ten"),
        ("cursor", "zz"),
        ("q", &"x".repeat(101)),
        // What the OpenAPI document calls invalid is refused: empty where it asks for an
        // integer or at least one character.
        ("limit", ""),
        ("cursor", ""),
        ("category", ""),
        ("category", &"c".repeat(65)),
    ] {
        let r = Reply::of(app.handle(call(&GET_CATALOG).query(k, v).build()).await);
        r.error(400, "VALIDATION_ERROR");
    }
    // ... and what it calls valid is accepted: an empty search is no search.
    let r = Reply::of(app.handle(call(&GET_CATALOG).query("q", "").build()).await);
    r.ok(200);
}

#[tokio::test]
async fn one_product_or_404() {
    let (_stack, app) = setup("catalog-one").await;
    let r = Reply::of(
        app.handle(call(&GET_PRODUCT).path(&["CAR-001"]).build())
            .await,
    );
    let p = r.ok(200);
    assert_eq!(p["name"], "Carrots");
    assert_eq!(p["lowStock"], true);
    assert_eq!(p["inStock"], true);
    let r = Reply::of(
        app.handle(call(&GET_PRODUCT).path(&["NOPE-001"]).build())
            .await,
    );
    r.error(404, "NOT_FOUND");
    let r = Reply::of(
        app.handle(call(&GET_PRODUCT).path(&["bad sku"]).build())
            .await,
    );
    r.error(400, "VALIDATION_ERROR");
}

#[tokio::test]
async fn unknown_route_and_oversized_body() {
    let (_stack, app) = setup("catalog-edges").await;
    let r = Reply::of(
        app.handle(call(&GET_CATALOG).route_key("GET /orders").build())
            .await,
    );
    r.error(404, "NOT_FOUND");
    let r = Reply::of(
        app.handle(call(&GET_CATALOG).route_key("$default").build())
            .await,
    );
    r.error(404, "NOT_FOUND");
    let big = "x".repeat(MAX_BODY_BYTES + 1);
    let r = Reply::of(app.handle(call(&GET_CATALOG).raw_body(&big).build()).await);
    r.error(413, "PAYLOAD_TOO_LARGE");
}

/// The category list is a scan of the whole table: a listing that misses the cache (another
/// search) reuses the list read within the cache's lifetime, and a `no-cache` listing reads it
/// anew once it is a second old, so a flood of either costs one full scan a second.
#[tokio::test]
async fn the_category_list_is_read_once_per_lifetime() {
    let (stack, app) = setup("catalog-categories").await;
    let first = Reply::of(app.handle(call(&GET_CATALOG).build()).await);
    let old = serde_json::json!(["dairy", "fruit", "vegetables"]);
    assert_eq!(first.ok(200)["categories"], old);
    stack
        .seed(&[product("BRD-001", "Sourdough Bread", "bakery", 449, 8)])
        .await;
    let searched = app
        .handle(call(&GET_CATALOG).query("q", "sourdough").build())
        .await;
    let searched = Reply::of(searched);
    let body = searched.ok(200);
    assert_eq!(skus(body), ["BRD-001"], "the page itself is read anew");
    assert_eq!(body["categories"], old, "the category list is reused");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let fresh = app
        .handle(
            call(&GET_CATALOG)
                .query("q", "sourdough")
                .header("cache-control", "no-cache")
                .build(),
        )
        .await;
    assert_eq!(
        Reply::of(fresh).ok(200)["categories"],
        serde_json::json!(["bakery", "dairy", "fruit", "vegetables"])
    );
}
