//! Reading the products table: one product, many by SKU, or a page of the catalog.
//!
//! Shared by every function that prices or checks stock. Batch reads retry what DynamoDB leaves
//! unprocessed, so a throttled read never silently drops a product.

use crate::ddb::{self, Item};
use crate::error::{ApiError, OrInternal};
use crate::product::{self, Product};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use std::collections::HashMap;
use std::time::Duration;

/// BatchGetItem's limit on keys per call.
const BATCH_GET_MAX: usize = 100;
const MAX_ROUNDS: u32 = 6;

/// The key of a product item.
pub fn key(sku: &str) -> Item {
    HashMap::from([(product::sku_attr().to_owned(), ddb::s(sku))])
}

/// One product, if it exists.
pub async fn get(
    ddb: &Client,
    table: &str,
    sku: &str,
    consistent: bool,
) -> Result<Option<Product>, ApiError> {
    let out = ddb
        .get_item()
        .table_name(table)
        .set_key(Some(key(sku)))
        .consistent_read(consistent)
        .send()
        .await
        .or_internal(|| format!("reading product {sku} from table {table}"))?;
    out.item()
        .map(Product::from_item)
        .transpose()
        .or_internal(|| format!("reading product {sku} from table {table}"))
}

/// The products with these SKUs that exist, by SKU.
pub async fn get_many(
    ddb: &Client,
    table: &str,
    skus: &[&str],
    consistent: bool,
) -> Result<HashMap<String, Product>, ApiError> {
    let mut found = HashMap::new();
    let mut unique: Vec<&str> = skus.to_vec();
    unique.sort_unstable();
    unique.dedup();
    for chunk in unique.chunks(BATCH_GET_MAX) {
        let mut pending = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(chunk.iter().map(|s| key(s)).collect()))
                .consistent_read(consistent)
                .build()
                .or_internal(|| format!("building a batch read of table {table}"))?,
        );
        let mut round = 0;
        while let Some(request) = pending.take() {
            if round > 0 {
                tokio::time::sleep(Duration::from_millis(25 << round)).await;
            }
            round += 1;
            if round > MAX_ROUNDS {
                return Err(ApiError::internal(
                    &format!("reading products from table {table}"),
                    format!(
                        "{} keys still unprocessed after retries",
                        request.keys().len()
                    ),
                ));
            }
            let out = ddb
                .batch_get_item()
                .request_items(table, request)
                .send()
                .await
                .or_internal(|| format!("reading products from table {table}"))?;
            for item in out
                .responses()
                .and_then(|r| r.get(table))
                .into_iter()
                .flatten()
            {
                let p = Product::from_item(item)
                    .or_internal(|| format!("reading a product of table {table}"))?;
                found.insert(p.sku.clone(), p);
            }
            pending = out
                .unprocessed_keys()
                .and_then(|u| u.get(table))
                .filter(|k| !k.keys().is_empty())
                .cloned();
        }
    }
    Ok(found)
}

/// Every product (all pages of a scan), in SKU order.
pub async fn all(ddb: &Client, table: &str) -> Result<Vec<Product>, ApiError> {
    let mut products = Vec::new();
    let mut start: Option<Item> = None;
    loop {
        let out = ddb
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .or_internal(|| format!("scanning table {table}"))?;
        for item in out.items() {
            products.push(
                Product::from_item(item)
                    .or_internal(|| format!("reading a product of table {table}"))?,
            );
        }
        match out.last_evaluated_key() {
            Some(k) if !k.is_empty() => start = Some(k.clone()),
            _ => break,
        }
    }
    products.sort_by(|a, b| a.sku.cmp(&b.sku));
    Ok(products)
}
