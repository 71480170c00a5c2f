//! Every HTTP function behind a CDN refuses a request without the CDN's origin header
//! (`functions/src/http/origin.rs`) before its route runs, and serves one with it: a shopper who
//! finds the API's `execute-api` address cannot go around the CDN's web ACL. Against DynamoDB,
//! SQS and S3 on moto, as the apps run in Lambda.

mod support;

use retail_functions::cart::Cart;
use retail_functions::catalog::Catalog;
use retail_functions::inventory::Inventory;
use retail_functions::orders::Orders;
use retail_functions::reports::Reports;
use retail_spec::{
    CART, CATALOG, GET_CART, GET_CATALOG, GET_INVENTORY, INVENTORY, LIST_ORDERS, LIST_REPORTS,
    ORDERS_FN, ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_VAR, REPORTS_FN, Route,
};
use support::Stack;
use support::api::{Reply, call};

fn fail<T>(e: retail_functions::config::ConfigError) -> T {
    panic!("{e}")
}

const SECRET: &str = "6f1c0e5d9b2a4c7e8f3a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";

#[tokio::test]
async fn every_http_function_answers_only_requests_with_the_cdns_header() {
    let stack = Stack::new("origin-check").await;
    let with = [(ORIGIN_VERIFY_VAR, SECRET)];
    let catalog = Catalog::new(&stack.sdk, &stack.env_with(&CATALOG, &with)).unwrap_or_else(fail);
    let cart = Cart::new(&stack.sdk, &stack.env_with(&CART, &with)).unwrap_or_else(fail);
    let orders = Orders::new(&stack.sdk, &stack.env_with(&ORDERS_FN, &with)).unwrap_or_else(fail);
    let inventory =
        Inventory::new(&stack.sdk, &stack.env_with(&INVENTORY, &with)).unwrap_or_else(fail);
    let reports =
        Reports::new(&stack.sdk, &stack.env_with(&REPORTS_FN, &with)).unwrap_or_else(fail);

    let routes: [&'static Route; 5] = [
        &GET_CATALOG,
        &GET_CART,
        &LIST_ORDERS,
        &GET_INVENTORY,
        &LIST_REPORTS,
    ];
    for route in routes {
        let send = |header: Option<&str>| {
            let mut request = call(route);
            if let Some(value) = header {
                request = request.header(ORIGIN_VERIFY_HEADER, value);
            }
            let request = request.build();
            let (catalog, cart, orders, inventory, reports) =
                (&catalog, &cart, &orders, &inventory, &reports);
            async move {
                let response = match route {
                    r if r == &GET_CATALOG => catalog.handle(request).await,
                    r if r == &GET_CART => cart.handle(request).await,
                    r if r == &LIST_ORDERS => orders.handle(request).await,
                    r if r == &GET_INVENTORY => inventory.handle(request).await,
                    _ => reports.handle(request).await,
                };
                Reply::of(response)
            }
        };
        let key = route.route_key();
        let message = send(None).await.error(403, "FORBIDDEN")["message"].clone();
        assert!(
            message
                .as_str()
                .is_some_and(|m| m.contains("storefront's own address")),
            "{key}: {message}"
        );
        send(Some("not-the-secret")).await.error(403, "FORBIDDEN");
        let served = send(Some(SECRET)).await;
        assert_eq!(served.status, 200, "{key}: {}", served.body);
    }

    // Without the variable (no CDN) nothing is asked of the request.
    let open = Catalog::new(&stack.sdk, &stack.env(&CATALOG)).unwrap_or_else(fail);
    let served = Reply::of(open.handle(call(&GET_CATALOG).build()).await);
    assert_eq!(served.status, 200, "{}", served.body);
}
