//! The catalog function: browsing products with their prices and stock.
//!
//! `GET /catalog` pages through the products (or one category, via the by-category index) with
//! an opaque cursor, optionally searching names case-insensitively; out-of-stock products are
//! listed and flagged, never hidden. `GET /catalog/{sku}` returns one product.

use crate::config::{ConfigError, FunctionEnv};
use crate::ddb::{self, Item};
use crate::error::{ApiError, OrInternal};
use crate::http::{self, ApiRequest, Reply};
use crate::product::{self, Product, ProductView, attr};
use crate::products;
use aws_sdk_dynamodb::Client;
use aws_types::SdkConfig;
use lambda_http::{Body, Request, Response};
use retail_spec::{CATALOG, GET_CATALOG, GET_PRODUCT, PRODUCTS, PRODUCTS_BY_CATEGORY};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Page size when the client does not say, and the most it may ask for.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 100;
/// Longest accepted search text.
const MAX_QUERY_CHARS: usize = 100;
/// DynamoDB pages read for one response before returning a partial page with a cursor (bounds
/// the work a selective search can cause).
const MAX_PAGES_PER_REQUEST: usize = 10;

/// The catalog app.
pub struct Catalog {
    ddb: Client,
    products: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    items: Vec<ProductView<'a>>,
    next_cursor: Option<String>,
    categories: Vec<String>,
}

/// A validated `GET /catalog` query.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listing {
    category: Option<String>,
    search: Option<String>,
    limit: usize,
    after_sku: Option<String>,
}

impl Catalog {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        Ok(Catalog {
            ddb: Client::new(sdk),
            products: env.table(&PRODUCTS)?,
        })
    }

    /// Handles one API Gateway request.
    pub async fn handle(&self, req: Request) -> Response<Body> {
        http::serve(&CATALOG, req, |r| self.route(r)).await
    }

    async fn route(&self, req: ApiRequest) -> Result<Reply, ApiError> {
        if http::is(req.route, &GET_CATALOG) {
            self.list(&req).await
        } else if http::is(req.route, &GET_PRODUCT) {
            self.product(&req).await
        } else {
            Err(http::unrouted(&req))
        }
    }

    async fn product(&self, req: &ApiRequest) -> Result<Reply, ApiError> {
        let sku = req.path_param()?;
        if !product::valid_sku(sku) {
            return Err(ApiError::validation(format!(
                "{sku:?} is not a SKU (1-64 letters, digits, '-' or '_')."
            )));
        }
        match products::get(&self.ddb, &self.products, sku, false).await? {
            Some(p) => Reply::ok(&p.view()),
            None => Err(ApiError::not_found(format!("No product has SKU {sku}."))),
        }
    }

    async fn list(&self, req: &ApiRequest) -> Result<Reply, ApiError> {
        let listing = Listing::parse(req)?;
        let (page, categories) = tokio::join!(self.page(&listing), self.categories());
        let (items, next) = page?;
        Reply::ok(&Page {
            items: items.iter().map(Product::view).collect(),
            next_cursor: next.map(|sku| encode_cursor(&sku)),
            categories: categories?,
        })
    }

    /// Up to `limit` matching products after the cursor, and the SKU to continue after.
    async fn page(&self, l: &Listing) -> Result<(Vec<Product>, Option<String>), ApiError> {
        let sku = product::sku_attr();
        let category = product::category_attr();
        let mut start: Option<Item> = l.after_sku.as_ref().map(|after| {
            let mut k = products::key(after);
            if let Some(c) = &l.category {
                k.insert(category.to_owned(), ddb::s(c));
            }
            k
        });
        let mut found: Vec<Product> = Vec::new();
        for _ in 0..MAX_PAGES_PER_REQUEST {
            let mut names = HashMap::new();
            let mut values = HashMap::new();
            let filter = l.search.as_ref().map(|q| {
                names.insert("#nl".to_owned(), attr::NAME_LOWER.to_owned());
                values.insert(":q".to_owned(), ddb::s(q));
                "contains(#nl, :q)".to_owned()
            });
            let limit = i32::try_from(l.limit).unwrap_or(100);
            let (items, last) = if let Some(c) = &l.category {
                names.insert("#c".to_owned(), category.to_owned());
                values.insert(":c".to_owned(), ddb::s(c));
                let out = self
                    .ddb
                    .query()
                    .table_name(&self.products)
                    .index_name(PRODUCTS_BY_CATEGORY.name)
                    .key_condition_expression("#c = :c")
                    .set_filter_expression(filter)
                    .set_expression_attribute_names(Some(names))
                    .set_expression_attribute_values(Some(values))
                    .set_exclusive_start_key(start.take())
                    .limit(limit)
                    .send()
                    .await
                    .or_internal(|| format!("querying category {c} of table {}", self.products))?;
                (out.items, out.last_evaluated_key)
            } else {
                let out = self
                    .ddb
                    .scan()
                    .table_name(&self.products)
                    .set_filter_expression(filter)
                    .set_expression_attribute_names((!names.is_empty()).then_some(names))
                    .set_expression_attribute_values((!values.is_empty()).then_some(values))
                    .set_exclusive_start_key(start.take())
                    .limit(limit)
                    .send()
                    .await
                    .or_internal(|| format!("scanning table {}", self.products))?;
                (out.items, out.last_evaluated_key)
            };
            let items = items.unwrap_or_default();
            let count = items.len();
            for (i, item) in items.iter().enumerate() {
                found.push(
                    Product::from_item(item)
                        .or_internal(|| format!("reading a product of table {}", self.products))?,
                );
                if found.len() == l.limit {
                    let more = i + 1 < count || last.as_ref().is_some_and(|k| !k.is_empty());
                    let next = if more {
                        found.last().map(|p| p.sku.clone())
                    } else {
                        None
                    };
                    return Ok((found, next));
                }
            }
            match last {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok((found, None)),
            }
        }
        // Work bound reached: hand back what we have and where to continue.
        let next = start
            .as_ref()
            .and_then(|k| ddb::get_s(k, sku).ok().map(str::to_owned));
        Ok((found, next))
    }

    /// Every category that has products, sorted.
    async fn categories(&self) -> Result<Vec<String>, ApiError> {
        let attr_name = product::category_attr();
        let mut set = BTreeSet::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .ddb
                .scan()
                .table_name(&self.products)
                .projection_expression("#c")
                .expression_attribute_names("#c", attr_name)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .or_internal(|| format!("listing categories of table {}", self.products))?;
            for item in out.items() {
                if let Ok(c) = ddb::get_s(item, attr_name) {
                    set.insert(c.to_owned());
                }
            }
            match out.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(set.into_iter().collect())
    }
}

impl Listing {
    fn parse(req: &ApiRequest) -> Result<Self, ApiError> {
        let limit = match req.query("limit") {
            None => DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    ApiError::validation(format!(
                        "limit must be a whole number from 1 to {MAX_LIMIT}, got {raw:?}."
                    ))
                })?,
        };
        let after_sku = req
            .query("cursor")
            .map(|c| {
                decode_cursor(c).ok_or_else(|| {
                    ApiError::validation(
                        "cursor is not one this API returned; pass nextCursor unchanged.",
                    )
                })
            })
            .transpose()?;
        let category = req.query("category").map(|c| c.trim().to_owned());
        if category
            .as_ref()
            .is_some_and(|c| c.is_empty() || c.len() > 64)
        {
            return Err(ApiError::validation("category must be 1 to 64 characters."));
        }
        let search = req.query("q").map(|q| q.trim().to_lowercase());
        if search
            .as_ref()
            .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
        {
            return Err(ApiError::validation(format!(
                "q must be at most {MAX_QUERY_CHARS} characters."
            )));
        }
        Ok(Listing {
            category,
            search: search.filter(|q| !q.is_empty()),
            limit,
            after_sku,
        })
    }
}

/// Cursors are the hex of the last SKU returned: opaque to clients, trivially checked here.
fn encode_cursor(sku: &str) -> String {
    hex::encode(sku)
}

fn decode_cursor(cursor: &str) -> Option<String> {
    let bytes = hex::decode(cursor).ok()?;
    let sku = String::from_utf8(bytes).ok()?;
    product::valid_sku(&sku).then_some(sku)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = encode_cursor("APL-001");
        assert_eq!(decode_cursor(&c).as_deref(), Some("APL-001"));
        assert_eq!(decode_cursor("zz"), None);
        assert_eq!(decode_cursor(&hex::encode("a b")), None);
    }
}
