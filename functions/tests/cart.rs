//! The cart function against DynamoDB on moto.

mod support;

use retail_functions::cart::Cart;
use retail_spec::{CART, CLEAR_CART, GET_CART, SET_CART_ITEM};
use serde_json::json;
use support::api::{Reply, call};
use support::{Stack, product};

async fn setup(test: &str) -> (Stack, Cart) {
    let stack = Stack::new(test).await;
    stack
        .seed(&[
            product("APL-001", "Gala Apples", "fruit", 349, 120),
            product("BAN-001", "Bananas", "fruit", 199, 0),
        ])
        .await;
    let app = Cart::new(&stack.sdk, &stack.env(&CART)).unwrap_or_else(|e| panic!("{e}"));
    (stack, app)
}

async fn set(app: &Cart, user: &str, body: serde_json::Value) -> Reply {
    Reply::of(
        app.handle(call(&SET_CART_ITEM).by_user(user).json(body).build())
            .await,
    )
}

#[tokio::test]
async fn empty_cart_then_lines_priced_from_the_catalog() {
    let (stack, app) = setup("cart-flow").await;
    let r = Reply::of(app.handle(call(&GET_CART).by_user("u-1").build()).await);
    assert_eq!(
        r.ok(200),
        &json!({"userId": "u-1", "items": [], "totalCents": 0, "currency": "USD"})
    );

    set(&app, "u-1", json!({"sku": "APL-001", "qty": 2}))
        .await
        .ok(200);
    let r = set(&app, "u-1", json!({"sku": "BAN-001", "qty": 3})).await;
    let cart = r.ok(200);
    assert_eq!(cart["totalCents"], 2 * 349 + 3 * 199);
    assert_eq!(
        cart["items"][0],
        json!({"sku": "APL-001", "name": "Gala Apples", "qty": 2, "unitPriceCents": 349,
               "lineTotalCents": 698, "inStock": true})
    );
    assert_eq!(cart["items"][1]["inStock"], false);

    // Setting replaces the quantity; prices are the catalog's at read time.
    set(&app, "u-1", json!({"sku": "APL-001", "qty": 1}))
        .await
        .ok(200);
    stack
        .seed(&[product("APL-001", "Gala Apples", "fruit", 400, 120)])
        .await;
    let r = Reply::of(app.handle(call(&GET_CART).by_user("u-1").build()).await);
    assert_eq!(r.ok(200)["totalCents"], 400 + 3 * 199);

    // 0 removes; other users' carts are separate.
    let r = set(&app, "u-1", json!({"sku": "BAN-001", "qty": 0})).await;
    assert_eq!(r.ok(200)["items"].as_array().map(Vec::len), Some(1));
    let r = Reply::of(app.handle(call(&GET_CART).by_user("u-2").build()).await);
    assert_eq!(r.ok(200)["items"], json!([]));

    let r = Reply::of(app.handle(call(&CLEAR_CART).by_user("u-1").build()).await);
    assert_eq!(r.ok(200)["items"], json!([]));
    assert_eq!(stack.count(&retail_spec::CARTS).await, 0);
}

#[tokio::test]
async fn bad_requests() {
    let (_stack, app) = setup("cart-errors").await;
    set(&app, "u-1", json!({"sku": "NOPE-001", "qty": 1}))
        .await
        .error(404, "NOT_FOUND");
    for body in [
        json!({"sku": "APL-001", "qty": -1}),
        json!({"sku": "APL-001", "qty": 1000}),
        json!({"sku": "APL-001", "qty": 1.5}),
        json!({"sku": "APL-001"}),
        json!({"sku": "a b", "qty": 1}),
        json!(["APL-001", 1]),
    ] {
        set(&app, "u-1", body).await.error(400, "VALIDATION_ERROR");
    }
    let r = Reply::of(
        app.handle(
            call(&SET_CART_ITEM)
                .by_user("u-1")
                .raw_body("{\"sku\": ")
                .build(),
        )
        .await,
    );
    r.error(400, "INVALID_JSON");
    let r = Reply::of(
        app.handle(call(&SET_CART_ITEM).by_user("u-1").build())
            .await,
    );
    r.error(400, "INVALID_JSON");
    // JSON in the body is not enough: the request must say it is JSON.
    for declared in [
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let r = Reply::of(
            app.handle(
                call(&SET_CART_ITEM)
                    .by_user("u-1")
                    .content_type(declared)
                    .json(json!({"sku": "APL-001", "qty": 1}))
                    .build(),
            )
            .await,
        );
        let e = r.error(415, "UNSUPPORTED_MEDIA_TYPE");
        let message = e["message"].as_str().unwrap_or_default();
        assert!(message.contains("application/json"), "{message}");
    }
    let r = Reply::of(
        app.handle(
            call(&SET_CART_ITEM)
                .by_user("u-1")
                .content_type(Some("application/json; charset=utf-8"))
                .json(json!({"sku": "APL-001", "qty": 1}))
                .build(),
        )
        .await,
    );
    r.ok(200);
}

#[tokio::test]
async fn the_cart_is_the_verified_caller_s_and_nobody_else_s() {
    let (_stack, app) = setup("cart-caller").await;
    set(&app, "u-1", json!({"sku": "APL-001", "qty": 2}))
        .await
        .ok(200);
    // No token: a route deployed without its authorizer still fails closed.
    for c in [
        call(&GET_CART).anonymous(),
        call(&CLEAR_CART).anonymous(),
        call(&SET_CART_ITEM)
            .anonymous()
            .json(json!({"sku": "APL-001", "qty": 1})),
    ] {
        Reply::of(app.handle(c.build()).await).error(401, "UNAUTHORIZED");
    }
    // An ID token is not an access token.
    let mut id_token = support::api::access_claims("u-1", &[]);
    id_token.insert("token_use".into(), json!("id"));
    Reply::of(app.handle(call(&GET_CART).claims(id_token).build()).await)
        .error(401, "UNAUTHORIZED");
    // A userId in the body or query is not who the caller is.
    let r = Reply::of(
        app.handle(
            call(&GET_CART)
                .by_user("u-2")
                .query("userId", "u-1")
                .build(),
        )
        .await,
    );
    assert_eq!(r.ok(200)["userId"], "u-2");
    assert_eq!(r.ok(200)["items"], json!([]));
}

#[tokio::test]
async fn a_cart_holds_at_most_fifty_products() {
    let (stack, app) = setup("cart-max").await;
    let many: Vec<_> = (0..51)
        .map(|i| product(&format!("P-{i:02}"), "Thing", "pantry", 100, 10))
        .collect();
    stack.seed(&many).await;
    for p in &many[..50] {
        set(&app, "u-1", json!({"sku": p.sku, "qty": 1}))
            .await
            .ok(200);
    }
    set(&app, "u-1", json!({"sku": "P-50", "qty": 1}))
        .await
        .error(400, "VALIDATION_ERROR");
    // Changing a product already in the cart is still fine.
    set(&app, "u-1", json!({"sku": "P-00", "qty": 5}))
        .await
        .ok(200);
}
