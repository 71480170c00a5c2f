//! The demo catalog loads into a products table on moto, and loading again changes nothing.

mod support;

use retail_functions::demo;
use retail_spec::PRODUCTS;
use support::Stack;

#[tokio::test]
async fn loads_once_and_never_overwrites() {
    let stack = Stack::new("demo").await;
    let table = stack.table(&PRODUCTS).to_owned();
    let products = demo::products().unwrap_or_else(|e| panic!("{e}"));

    let first = demo::load(&stack.ddb, &table)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.inserted, products.len());
    assert_eq!(first.already_present, 0);
    assert_eq!(stack.count(&PRODUCTS).await, products.len());
    let apple = stack.product(&products[0].sku).await;
    assert_eq!(apple.as_ref().map(|p| &p.name), Some(&products[0].name));

    // Someone sells a few; a later deploy loads again: nothing is reset or duplicated.
    let mut changed = products[0].clone();
    changed.stock = 1;
    stack.seed(std::slice::from_ref(&changed)).await;
    let again = demo::load(&stack.ddb, &table)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.inserted, again.already_present), (0, products.len()));
    assert_eq!(stack.product(&changed.sku).await.map(|p| p.stock), Some(1));
    assert_eq!(stack.count(&PRODUCTS).await, products.len());
}

#[tokio::test]
async fn a_missing_table_is_a_clear_error() {
    let stack = Stack::new("demo-missing").await;
    let err = demo::load(&stack.ddb, "no-such-table")
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("no-such-table") && err.contains("products table"),
        "{err}"
    );
}
