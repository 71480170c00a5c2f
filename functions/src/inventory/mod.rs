//! The inventory function: back-office maintenance of products and stock.
//!
//! `PUT /inventory` applies a batch of product changes as one DynamoDB transaction, so a batch
//! is applied entirely or not at all; stock is either set (`stock`) or incremented (`addStock`,
//! an in-place increment that cannot lose a concurrent order's decrement). A set may say what
//! it replaces (`expectedStock`, the level the back office showed): it is applied only if the
//! stock is still that, so an order placed since is not overwritten (409 `STOCK_CHANGED`
//! otherwise). A batch sent with an `Idempotency-Key` is applied once however often it is sent
//! (`retry`). `GET /inventory` lists stock levels, optionally only those below a threshold.

mod retry;

use crate::clock;
use crate::config::{ConfigError, FunctionEnv};
use crate::ddb;
use crate::error::{ApiError, ErrorCode, OrInternal, shown};
use crate::http::{self, ApiRequest, Reply};
use crate::images::route::UploadRoute;
use crate::product::{self, DEFAULT_LOW_STOCK_THRESHOLD, DEFAULT_UNIT, Product, ProductView, attr};
use crate::products;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use aws_types::SdkConfig;
use lambda_http::{Body, Request, Response};
use retail_spec::{
    GET_INVENTORY, IDEMPOTENCY, INVENTORY, PRODUCTS, PUT_INVENTORY, REQUEST_IMAGE_UPLOAD,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// Most products in one `PUT /inventory` (a DynamoDB transaction takes 100 actions).
pub const MAX_BATCH: usize = 100;
/// Largest stock level, threshold or increment accepted.
pub const MAX_STOCK: i64 = 1_000_000;
/// Largest price accepted ($100,000.00).
pub const MAX_PRICE_CENTS: i64 = 10_000_000;
const ATTEMPTS: u32 = 3;

/// The inventory app.
pub struct Inventory {
    /// What a request passes before its route runs.
    gate: http::Gate,
    ddb: Client,
    products: String,
    idempotency: String,
    photos: UploadRoute,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    items: Vec<Change>,
}

/// One product change as sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Change {
    sku: String,
    name: Option<String>,
    category: Option<String>,
    price_cents: Option<i64>,
    unit: Option<String>,
    low_stock_threshold: Option<i64>,
    stock: Option<i64>,
    add_stock: Option<i64>,
    expected_stock: Option<i64>,
}

/// A change, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Valid {
    sku: String,
    name: Option<String>,
    category: Option<String>,
    price_cents: Option<u64>,
    unit: Option<String>,
    low_stock_threshold: Option<u64>,
    stock: Stock,
    /// With a set: the stock it must replace.
    expected_stock: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stock {
    Keep,
    Set(u64),
    Add(u64),
}

#[derive(Serialize)]
struct Listing<'a> {
    items: Vec<ProductView<'a>>,
}

impl Inventory {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        Ok(Inventory {
            gate: http::Gate::from_env(sdk, env)?,
            ddb: Client::new(sdk),
            products: env.table(&PRODUCTS)?,
            idempotency: env.table(&IDEMPOTENCY)?,
            photos: UploadRoute::new(sdk, env)?,
        })
    }

    /// Handles one API Gateway request.
    pub async fn handle(&self, req: Request) -> Response<Body> {
        http::serve(&INVENTORY, &self.gate, req, |r| self.route(r)).await
    }

    async fn route(&self, req: ApiRequest) -> Result<Reply, ApiError> {
        if http::is(req.route, &PUT_INVENTORY) {
            self.put(&req).await
        } else if http::is(req.route, &REQUEST_IMAGE_UPLOAD) {
            self.photos.handle(&self.ddb, &self.products, &req).await
        } else if http::is(req.route, &GET_INVENTORY) {
            let below = req
                .query("below")
                .map(|raw| {
                    raw.parse::<u64>()
                        .ok()
                        .filter(|n| i64::try_from(*n).is_ok_and(|n| n <= MAX_STOCK))
                        .ok_or_else(|| {
                            ApiError::validation(format!(
                                "below must be a whole number from 0 to {MAX_STOCK}, got {}.",
                                shown(raw)
                            ))
                        })
                })
                .transpose()?;
            let all = products::all(&self.ddb, &self.products).await?;
            let now = clock::now().unix_timestamp();
            Reply::ok(&Listing {
                items: all
                    .iter()
                    .filter(|p| below.is_none_or(|b| p.stock < b))
                    .map(|p| p.staff_view(now))
                    .collect(),
            })
        } else {
            Err(http::unrouted(&req))
        }
    }

    async fn put(&self, req: &ApiRequest) -> Result<Reply, ApiError> {
        let batch: Batch = req.json()?;
        let changes = validate(batch)?;
        let keyed = retry::keyed(req, &changes)?;
        if keyed.is_some() && changes.len() >= MAX_BATCH {
            return Err(ApiError::validation(format!(
                "items must list 1 to {} products when the batch has an Idempotency-Key (the \
                 key takes one of the transaction's {MAX_BATCH} actions), got {}.",
                MAX_BATCH - 1,
                changes.len()
            )));
        }
        let skus: Vec<&str> = changes.iter().map(|c| c.sku.as_str()).collect();
        for _ in 0..ATTEMPTS {
            if let Some(k) = &keyed
                && k.used(&self.ddb, &self.idempotency).await?
            {
                // Applied before: what the products are now, nothing changed again.
                return self.listing(&skus).await;
            }
            let existing = products::get_many(&self.ddb, &self.products, &skus, true).await?;
            incomplete(&changes, &existing)?;
            overfull(&changes, &existing)?;
            changed_since_read(&changes, &existing)?;
            let now = clock::timestamp(clock::now());
            let mut items = changes
                .iter()
                .map(|c| self.update(c, existing.contains_key(&c.sku), &now))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(k) = &keyed {
                items.push(k.record(&self.idempotency)?);
            }
            match self
                .ddb
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await
            {
                Ok(_) => return self.listing(&skus).await,
                // A product appeared or vanished concurrently, contention, or the same keyed
                // batch committed meanwhile: read again.
                Err(e)
                    if matches!(
                        e.as_service_error(),
                        Some(TransactWriteItemsError::TransactionCanceledException(_))
                    ) => {}
                Err(e) => {
                    return Err(ApiError::internal(
                        "updating the inventory",
                        aws_sdk_dynamodb::error::DisplayErrorContext(&e),
                    ));
                }
            }
        }
        Err(ApiError::new(
            ErrorCode::ServiceBusy,
            "These products are being changed concurrently; retry the batch.",
        ))
    }

    /// The products of `skus` as the back office shows them, sorted by SKU.
    async fn listing(&self, skus: &[&str]) -> Result<Reply, ApiError> {
        let fresh = products::get_many(&self.ddb, &self.products, skus, true).await?;
        let mut updated: Vec<&Product> = fresh.values().collect();
        updated.sort_by(|a, b| a.sku.cmp(&b.sku));
        let now = clock::now().unix_timestamp();
        Reply::ok(&Listing {
            items: updated.into_iter().map(|p| p.staff_view(now)).collect(),
        })
    }

    /// The update of one product; `exists` becomes the condition, so the transaction fails
    /// rather than creating a half-described product or overwriting a concurrent creation.
    fn update(&self, c: &Valid, exists: bool, now: &str) -> Result<TransactWriteItem, ApiError> {
        let mut e = Expression::default();
        e.names
            .insert("#sku".to_owned(), product::sku_attr().to_owned());
        e.set(attr::UPDATED_AT, ":updated", ddb::s(now), false);
        e.describe(c);
        e.stock(c.stock);
        let condition = e.condition(c, exists);
        let update = Update::builder()
            .table_name(&self.products)
            .set_key(Some(products::key(&c.sku)))
            .update_expression(format!("SET {}", e.sets.join(", ")))
            .condition_expression(condition)
            .set_expression_attribute_names(Some(e.names))
            .set_expression_attribute_values(Some(e.values))
            .build()
            .or_internal(|| format!("building the update of {}", c.sku))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

/// One product's update expression, its names and values, as [`Inventory::update`] builds it.
#[derive(Default)]
struct Expression {
    sets: Vec<String>,
    names: HashMap<String, String>,
    values: HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
}

impl Expression {
    /// `#x = :x` (or, `default_if_new`, only where the item has no value yet), where `#x` is
    /// named after the placeholder `:x`.
    fn set(
        &mut self,
        name: &str,
        placeholder: &str,
        value: aws_sdk_dynamodb::types::AttributeValue,
        default_if_new: bool,
    ) {
        let n = format!("#{}", &placeholder[1..]);
        self.names.insert(n.clone(), name.to_owned());
        self.values.insert(placeholder.to_owned(), value);
        self.sets.push(if default_if_new {
            format!("{n} = if_not_exists({n}, {placeholder})")
        } else {
            format!("{n} = {placeholder}")
        });
    }

    /// The product's description: what the change gives, and defaults for a new product.
    fn describe(&mut self, c: &Valid) {
        if let Some(name) = &c.name {
            self.set(attr::NAME, ":name", ddb::s(name), false);
            self.set(
                attr::NAME_LOWER,
                ":nameLower",
                ddb::s(name.to_lowercase()),
                false,
            );
        }
        if let Some(category) = &c.category {
            self.set(
                product::category_attr(),
                ":category",
                ddb::s(category),
                false,
            );
        }
        if let Some(price) = c.price_cents {
            self.set(attr::PRICE_CENTS, ":price", ddb::n(price), false);
        }
        match &c.unit {
            Some(unit) => self.set(attr::UNIT, ":unit", ddb::s(unit), false),
            None => self.set(attr::UNIT, ":unit", ddb::s(DEFAULT_UNIT), true),
        }
        let (threshold, default) = match c.low_stock_threshold {
            Some(t) => (t, false),
            None => (DEFAULT_LOW_STOCK_THRESHOLD, true),
        };
        self.set(
            attr::LOW_STOCK_THRESHOLD,
            ":threshold",
            ddb::n(threshold),
            default,
        );
    }

    fn stock(&mut self, stock: Stock) {
        match stock {
            Stock::Set(s) => self.set(attr::STOCK, ":stock", ddb::n(s), false),
            Stock::Keep => self.set(attr::STOCK, ":stock", ddb::n(0), true),
            Stock::Add(a) => {
                self.names
                    .insert("#stock".to_owned(), attr::STOCK.to_owned());
                self.values.insert(":add".to_owned(), ddb::n(a));
                self.values.insert(":zero".to_owned(), ddb::n(0));
                self.sets
                    .push("#stock = if_not_exists(#stock, :zero) + :add".to_owned());
            }
        }
    }

    /// The condition: `exists` as read (so the transaction fails rather than create a
    /// half-described product or overwrite a concurrent creation), and what the stock read
    /// allowed still holding when the write lands.
    fn condition(&mut self, c: &Valid, exists: bool) -> String {
        let mut condition = if exists {
            "attribute_exists(#sku)".to_owned()
        } else {
            "attribute_not_exists(#sku)".to_owned()
        };
        // [`changed_since_read`] compared the read; an order in between cancels the
        // transaction, and the batch is read again.
        if let Some(expected) = c.expected_stock {
            self.values.insert(":expected".to_owned(), ddb::n(expected));
            condition.push_str(" AND #stock = :expected");
        }
        // The room checked against the stock read ([`overfull`]): another increment in
        // between cancels the transaction, and it is read again.
        if let Stock::Add(a) = c.stock {
            let room = u64::try_from(MAX_STOCK)
                .unwrap_or(u64::MAX)
                .saturating_sub(a);
            self.values.insert(":room".to_owned(), ddb::n(room));
            condition.push_str(" AND (attribute_not_exists(#stock) OR #stock <= :room)");
        }
        condition
    }
}

/// 400 when a product the batch does not find is not described whole (a new product needs its
/// name, category and price).
fn incomplete(changes: &[Valid], existing: &HashMap<String, Product>) -> Result<(), ApiError> {
    let incomplete: Vec<&str> = changes
        .iter()
        .filter(|c| {
            !existing.contains_key(&c.sku)
                && (c.name.is_none() || c.category.is_none() || c.price_cents.is_none())
        })
        .map(|c| c.sku.as_str())
        .collect();
    if incomplete.is_empty() {
        return Ok(());
    }
    Err(ApiError::validation(format!(
        "New products need name, category and priceCents: {}.",
        incomplete.join(", ")
    ))
    .with_details(serde_json::json!({"skus": incomplete})))
}

/// 400 when an `addStock` would take a product's stock (as read) past [`MAX_STOCK`], which a
/// `stock` of that size is refused for too.
fn overfull(changes: &[Valid], existing: &HashMap<String, Product>) -> Result<(), ApiError> {
    let max = u64::try_from(MAX_STOCK).unwrap_or(u64::MAX);
    for c in changes {
        let Stock::Add(add) = c.stock else { continue };
        let now = existing.get(&c.sku).map_or(0, |p| p.stock);
        if now.saturating_add(add) > max {
            return Err(ApiError::validation(format!(
                "{}: adding {add} to its stock of {now} makes more than {MAX_STOCK}.",
                c.sku
            ))
            .with_details(
                serde_json::json!({"sku": c.sku, "stock": now, "addStock": add, "max": MAX_STOCK}),
            ));
        }
    }
    Ok(())
}

/// 409 `STOCK_CHANGED` when a set's `expectedStock` is not the stock read: an order, a
/// cancellation or another member of staff changed it since the back office showed it.
fn changed_since_read(
    changes: &[Valid],
    existing: &HashMap<String, Product>,
) -> Result<(), ApiError> {
    let changed: Vec<serde_json::Value> = changes
        .iter()
        .filter_map(|c| {
            let expected = c.expected_stock?;
            let now = existing.get(&c.sku).map(|p| p.stock);
            (now != Some(expected))
                .then(|| serde_json::json!({"sku": c.sku, "expectedStock": expected, "stock": now}))
        })
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let skus: Vec<&str> = changed.iter().filter_map(|c| c["sku"].as_str()).collect();
    Err(ApiError::new(
        ErrorCode::StockChanged,
        format!(
            "The stock of {} changed since it was read (an order, a cancellation or another \
             member of staff); nothing was changed. Check the new level and set it again.",
            skus.join(", ")
        ),
    )
    .with_details(serde_json::json!({"skus": changed})))
}

fn validate(batch: Batch) -> Result<Vec<Valid>, ApiError> {
    if batch.items.is_empty() || batch.items.len() > MAX_BATCH {
        return Err(ApiError::validation(format!(
            "items must list 1 to {MAX_BATCH} products, got {}.",
            batch.items.len()
        )));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(batch.items.len());
    for (i, c) in batch.items.into_iter().enumerate() {
        let valid = Field(i).change(c)?;
        if !seen.insert(valid.sku.clone()) {
            return Err(ApiError::validation(format!(
                "{} appears more than once in the batch; send one change per product.",
                valid.sku
            )));
        }
        out.push(valid);
    }
    Ok(out)
}

/// The fields of the batch's `i`th change, named `items[i].<field>` in messages.
struct Field(usize);

impl Field {
    fn at(&self, field: &str) -> String {
        format!("items[{}].{field}", self.0)
    }

    fn change(&self, c: Change) -> Result<Valid, ApiError> {
        if !product::valid_sku(&c.sku) {
            return Err(ApiError::validation(format!(
                "{} {} is not a SKU (1-64 letters, digits, '-' or '_').",
                self.at("sku"),
                shown(&c.sku)
            )));
        }
        let stock = match (
            self.number(c.stock, "stock", 0, MAX_STOCK)?,
            self.number(c.add_stock, "addStock", 1, MAX_STOCK)?,
        ) {
            (Some(_), Some(_)) => {
                return Err(ApiError::validation(format!(
                    "{}: give either stock (set) or addStock (add), not both.",
                    self.at("sku")
                )));
            }
            (Some(s), None) => Stock::Set(s),
            (None, Some(a)) => Stock::Add(a),
            (None, None) => Stock::Keep,
        };
        let expected_stock = self.number(c.expected_stock, "expectedStock", 0, MAX_STOCK)?;
        if expected_stock.is_some() && !matches!(stock, Stock::Set(_)) {
            return Err(ApiError::validation(format!(
                "{} goes with stock (a set): it is the level the set replaces.",
                self.at("expectedStock")
            )));
        }
        Ok(Valid {
            sku: c.sku,
            name: self.text(c.name, "name", 120)?,
            category: self.text(c.category, "category", 64)?,
            price_cents: self.number(c.price_cents, "priceCents", 1, MAX_PRICE_CENTS)?,
            unit: self.text(c.unit, "unit", 20)?,
            low_stock_threshold: self.number(
                c.low_stock_threshold,
                "lowStockThreshold",
                0,
                MAX_STOCK,
            )?,
            stock,
            expected_stock,
        })
    }

    /// One line of text, trimmed: 1 to `max` characters, no control characters.
    fn text(&self, v: Option<String>, field: &str, max: usize) -> Result<Option<String>, ApiError> {
        let Some(s) = v.map(|s| s.trim().to_owned()) else {
            return Ok(None);
        };
        if s.is_empty() || s.chars().count() > max {
            return Err(ApiError::validation(format!(
                "{} must be 1 to {max} characters.",
                self.at(field)
            )));
        }
        match crate::text::unprintable(&s) {
            Some(c) => Err(ApiError::validation(format!(
                "{} holds {}, which is not text; write it on one line, without control characters.",
                self.at(field),
                crate::text::code_point(c)
            ))),
            None => Ok(Some(s)),
        }
    }

    fn number(
        &self,
        v: Option<i64>,
        field: &str,
        min: i64,
        max: i64,
    ) -> Result<Option<u64>, ApiError> {
        match v {
            None => Ok(None),
            Some(n) if (min..=max).contains(&n) => Ok(u64::try_from(n).ok()),
            Some(n) => Err(ApiError::validation(format!(
                "{} must be a whole number from {min} to {max}, got {n}.",
                self.at(field)
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: serde_json::Value) -> Result<Vec<Valid>, ApiError> {
        validate(serde_json::from_value(v).map_err(|e| ApiError::validation(e.to_string()))?)
    }

    #[test]
    fn batches_are_checked_field_by_field() {
        let ok = check(
            json!({"items":[{"sku":"A","addStock":5},{"sku":"B","stock":0,"name":" Beans "}]}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok[0].stock, Stock::Add(5));
        assert_eq!(ok[1].stock, Stock::Set(0));
        assert_eq!(ok[1].name.as_deref(), Some("Beans"));
        for bad in [
            json!({"items":[]}),
            json!({"items":[{"sku":"A","stock":1,"addStock":1}]}),
            json!({"items":[{"sku":"A"},{"sku":"A"}]}),
            json!({"items":[{"sku":"A","stock":-1}]}),
            json!({"items":[{"sku":"A","addStock":0}]}),
            json!({"items":[{"sku":"A","addStock":1,"expectedStock":3}]}),
            json!({"items":[{"sku":"A","expectedStock":3}]}),
            json!({"items":[{"sku":"A","stock":1,"expectedStock":-1}]}),
            json!({"items":[{"sku":"A","priceCents":0}]}),
            json!({"items":[{"sku":"A","name":""}]}),
            json!({"items":[{"sku":"a b"}]}),
        ] {
            let err = check(bad.clone()).map(|_| ()).unwrap_err();
            assert_eq!(err.code, ErrorCode::ValidationError, "{bad}");
        }
    }
}
