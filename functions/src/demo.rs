//! The demo catalog: groceries and fresh products that non-prod environments start with.
//!
//! `stackgen` calls [`load`] after deploying a non-prod environment so a newcomer's store has
//! something to sell. Loading only inserts the SKUs the table does not have yet: running it again
//! (every deploy) neither duplicates anything nor resets the stock or prices people changed.

use crate::ddb::Item;
use crate::product::{self, Product};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::AsyncSleep;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{KeysAndAttributes, PutRequest, WriteRequest};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// The data file, compiled in (`functions/data/demo-catalog.json`).
const DEMO_CATALOG_JSON: &str = include_str!("../data/demo-catalog.json");

/// The demo products' photos (`functions/data/photos/`, drawn by `scripts/make-photos.py`, see
/// its LICENSE.md): SKU and JPEG bytes. `stackgen` uploads them as staff would, so the image
/// function makes their storefront sizes.
pub const PHOTOS: &[(&str, &[u8])] = &[
    ("APL-001", include_bytes!("../data/photos/APL-001.jpg")),
    ("AVO-001", include_bytes!("../data/photos/AVO-001.jpg")),
    ("BLU-001", include_bytes!("../data/photos/BLU-001.jpg")),
    ("ORG-001", include_bytes!("../data/photos/ORG-001.jpg")),
    ("POT-001", include_bytes!("../data/photos/POT-001.jpg")),
    ("TOM-001", include_bytes!("../data/photos/TOM-001.jpg")),
];

/// BatchWriteItem accepts at most 25 requests, BatchGetItem at most 100 keys.
const WRITE_CHUNK: usize = 25;
const READ_CHUNK: usize = 100;
/// Rounds of retrying what DynamoDB left unprocessed (throttling) before giving up.
const MAX_ROUNDS: u32 = 8;

/// Why the demo catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the demo catalog compiled into retail-functions (functions/data/demo-catalog.json) is not valid: {0}; fix the data file and rebuild"
    )]
    Data(String),
    #[error(
        "could not read the products table `{table}` while loading the demo catalog: {cause}. Check that the stack is deployed and the credentials may read the table"
    )]
    Read { table: String, cause: String },
    #[error(
        "could not write the demo catalog into the products table `{table}`: {cause}. Check that the credentials may write to the table"
    )]
    Write { table: String, cause: String },
    #[error(
        "DynamoDB kept {count} demo products of table `{table}` unprocessed after {MAX_ROUNDS} rounds (throttling); run the load again"
    )]
    Unprocessed { table: String, count: usize },
}

/// What a load did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoLoad {
    /// Products written because their SKU was not in the table.
    pub inserted: usize,
    /// Products left alone because their SKU was already there.
    pub already_present: usize,
}

/// The demo products, parsed and checked (unique, well-formed SKUs; non-empty names).
pub fn products() -> Result<Vec<Product>, DemoError> {
    let products: Vec<Product> =
        serde_json::from_str(DEMO_CATALOG_JSON).map_err(|e| DemoError::Data(e.to_string()))?;
    let mut seen = BTreeSet::new();
    for p in &products {
        if !product::valid_sku(&p.sku) {
            return Err(DemoError::Data(format!("SKU {:?} is malformed", p.sku)));
        }
        if !seen.insert(p.sku.as_str()) {
            return Err(DemoError::Data(format!("SKU {} appears twice", p.sku)));
        }
        if p.name.trim().is_empty() || p.category.trim().is_empty() {
            return Err(DemoError::Data(format!(
                "SKU {} needs a name and a category",
                p.sku
            )));
        }
    }
    Ok(products)
}

/// Inserts every demo product whose SKU is not in `table` yet (the products table of the
/// environment, e.g. `retail-dev-products`). Safe to call on every deploy.
pub async fn load(client: &Client, table: &str) -> Result<DemoLoad, DemoError> {
    let products = products()?;
    let present = existing_skus(client, table, &products).await?;
    let missing: Vec<&Product> = products
        .iter()
        .filter(|p| !present.contains(&p.sku))
        .collect();
    for chunk in missing.chunks(WRITE_CHUNK) {
        let requests = chunk
            .iter()
            .map(|p| {
                PutRequest::builder()
                    .set_item(Some(p.to_item()))
                    .build()
                    .map(|put| WriteRequest::builder().put_request(put).build())
                    .map_err(|e| DemoError::Write {
                        table: table.to_owned(),
                        cause: e.to_string(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        write_all(client, table, requests).await?;
    }
    Ok(DemoLoad {
        inserted: missing.len(),
        already_present: products.len() - missing.len(),
    })
}

async fn existing_skus(
    client: &Client,
    table: &str,
    products: &[Product],
) -> Result<BTreeSet<String>, DemoError> {
    let read_err = |cause: String| DemoError::Read {
        table: table.to_owned(),
        cause,
    };
    let sku = product::sku_attr();
    let mut present = BTreeSet::new();
    for chunk in products.chunks(READ_CHUNK) {
        let keys: Vec<Item> = chunk
            .iter()
            .map(|p| HashMap::from([(sku.to_owned(), crate::ddb::s(&p.sku))]))
            .collect();
        let mut pending = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .projection_expression("#k")
                .expression_attribute_names("#k", sku)
                .build()
                .map_err(|e| read_err(e.to_string()))?,
        );
        let mut round = 0;
        while let Some(request) = pending.take() {
            if round > 0 {
                backoff(client, round).await;
            }
            round += 1;
            if round > MAX_ROUNDS {
                return Err(DemoError::Unprocessed {
                    table: table.to_owned(),
                    count: request.keys().len(),
                });
            }
            let out = client
                .batch_get_item()
                .request_items(table, request)
                .send()
                .await
                .map_err(|e| read_err(DisplayErrorContext(&e).to_string()))?;
            for item in out
                .responses()
                .and_then(|r| r.get(table))
                .into_iter()
                .flatten()
            {
                if let Ok(s) = crate::ddb::get_s(item, sku) {
                    present.insert(s.to_owned());
                }
            }
            pending = out
                .unprocessed_keys()
                .and_then(|u| u.get(table))
                .filter(|k| !k.keys().is_empty())
                .cloned();
        }
    }
    Ok(present)
}

async fn write_all(
    client: &Client,
    table: &str,
    mut requests: Vec<WriteRequest>,
) -> Result<(), DemoError> {
    let mut round = 0;
    while !requests.is_empty() {
        if round > 0 {
            backoff(client, round).await;
        }
        round += 1;
        if round > MAX_ROUNDS {
            return Err(DemoError::Unprocessed {
                table: table.to_owned(),
                count: requests.len(),
            });
        }
        let out = client
            .batch_write_item()
            .request_items(table, std::mem::take(&mut requests))
            .send()
            .await
            .map_err(|e| DemoError::Write {
                table: table.to_owned(),
                cause: DisplayErrorContext(&e).to_string(),
            })?;
        requests = out
            .unprocessed_items()
            .and_then(|u| u.get(table))
            .cloned()
            .unwrap_or_default();
    }
    Ok(())
}

/// Exponential backoff through the client's own sleep implementation (no runtime dependency).
async fn backoff(client: &Client, round: u32) {
    if let Some(sleep) = client.config().sleep_impl() {
        let millis = 50u64.saturating_mul(1 << round.min(6));
        sleep.sleep(Duration::from_millis(millis)).await;
    }
}

#[cfg(test)]
mod photo_tests {
    use super::*;

    #[test]
    fn every_demo_photo_is_a_jpeg_of_a_demo_product() {
        let skus: BTreeSet<String> = products()
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.sku)
            .collect();
        for (sku, bytes) in PHOTOS {
            assert!(skus.contains(*sku), "{sku} is not in the demo catalog");
            assert!(
                bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
                "{sku} is not a JPEG"
            );
            assert!(bytes.len() < 100 * 1024, "{sku}: keep demo photos small");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_catalog_is_a_plausible_grocery_store() {
        let products = products().unwrap_or_else(|e| panic!("{e}"));
        assert!((35..=50).contains(&products.len()), "{}", products.len());
        let categories: BTreeSet<&str> = products.iter().map(|p| p.category.as_str()).collect();
        for c in [
            "fruit",
            "vegetables",
            "dairy",
            "bakery",
            "meat",
            "pantry",
            "drinks",
            "frozen",
        ] {
            assert!(categories.contains(c), "missing category {c}");
        }
        assert!(products.iter().filter(|p| p.stock == 0).count() >= 2);
        assert!(
            products
                .iter()
                .filter(|p| p.in_stock() && p.low_stock())
                .count()
                >= 3
        );
        assert!(products.iter().all(|p| p.price_cents.0 > 0));
    }
}
