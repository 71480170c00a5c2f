//! The cart function: one cart per customer, priced from the catalog at read time.
//!
//! The carts table holds only (user, SKU, quantity); names, prices and totals come from the
//! products table every time a cart is shown, so a cart never shows a stale price. Cart lines
//! expire by TTL after a month of inactivity.

use crate::clock;
use crate::config::{ConfigError, FunctionEnv};
use crate::ddb::{self, Item};
use crate::error::{ApiError, OrInternal, shown};
use crate::http::{self, ApiRequest, Reply};
use crate::money::{CURRENCY, Cents};
use crate::product;
use crate::products;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
use aws_types::SdkConfig;
use lambda_http::{Body, Request, Response};
use retail_spec::{CART, CARTS, CLEAR_CART, GET_CART, PRODUCTS, SET_CART_ITEM};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

/// Most distinct products in one cart (an order takes at most this many lines too).
pub const MAX_LINES: usize = 50;
/// Largest quantity of one product (same bound as an order line).
pub const MAX_QTY: u64 = 999;
/// Cart lines expire after this long without a change.
const CART_TTL_SECONDS: i64 = 30 * 24 * 3600;
const QTY: &str = "qty";
const UPDATED_AT: &str = "updatedAt";

/// The cart app.
pub struct Cart {
    /// What a request passes before its route runs.
    gate: http::Gate,
    ddb: Client,
    carts: String,
    products: String,
}

/// A cart as the API shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CartView {
    pub user_id: String,
    pub items: Vec<CartLine>,
    pub total_cents: Cents,
    pub currency: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CartLine {
    pub sku: String,
    pub name: String,
    pub qty: u64,
    pub unit_price_cents: Cents,
    pub line_total_cents: Cents,
    pub in_stock: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SetItem {
    sku: String,
    qty: i64,
}

impl Cart {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        Ok(Cart {
            gate: http::Gate::from_env(sdk, env)?,
            ddb: Client::new(sdk),
            carts: env.table(&CARTS)?,
            products: env.table(&PRODUCTS)?,
        })
    }

    /// Handles one API Gateway request.
    pub async fn handle(&self, req: Request) -> Response<Body> {
        http::serve(&CART, &self.gate, req, |r| self.route(r)).await
    }

    async fn route(&self, req: ApiRequest) -> Result<Reply, ApiError> {
        let user = req.caller()?.sub.as_str();
        if http::is(req.route, &GET_CART) {
            Reply::ok(&self.view(user).await?)
        } else if http::is(req.route, &SET_CART_ITEM) {
            self.set_item(user, &req).await
        } else if http::is(req.route, &CLEAR_CART) {
            clear(&self.ddb, &self.carts, user).await?;
            Reply::ok(&self.view(user).await?)
        } else {
            Err(http::unrouted(&req))
        }
    }

    async fn set_item(&self, user: &str, req: &ApiRequest) -> Result<Reply, ApiError> {
        let body: SetItem = req.json()?;
        if !product::valid_sku(&body.sku) {
            return Err(ApiError::validation(format!(
                "sku {} is not a SKU (1-64 letters, digits, '-' or '_').",
                shown(&body.sku)
            )));
        }
        let qty = u64::try_from(body.qty)
            .ok()
            .filter(|q| *q <= MAX_QTY)
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "qty must be a whole number from 0 (remove) to {MAX_QTY}, got {}.",
                    body.qty
                ))
            })?;
        let key = line_key(user, &body.sku);
        if qty == 0 {
            self.ddb
                .delete_item()
                .table_name(&self.carts)
                .set_key(Some(key))
                .send()
                .await
                .or_internal(|| format!("removing {} from the cart of {user}", body.sku))?;
            return Reply::ok(&self.view(user).await?);
        }
        if products::get(&self.ddb, &self.products, &body.sku, false)
            .await?
            .is_none()
        {
            return Err(ApiError::not_found(format!(
                "No product has SKU {}.",
                body.sku
            )));
        }
        let lines = lines(&self.ddb, &self.carts, user).await?;
        if lines.len() >= MAX_LINES && !lines.iter().any(|(sku, _)| *sku == body.sku) {
            return Err(ApiError::validation(format!(
                "A cart holds at most {MAX_LINES} different products; remove one first."
            )));
        }
        let now = clock::now();
        let mut item = key;
        item.insert(QTY.to_owned(), ddb::n(qty));
        item.insert(UPDATED_AT.to_owned(), ddb::s(clock::timestamp(now)));
        if let Some(ttl) = CARTS.ttl_attribute {
            item.insert(
                ttl.to_owned(),
                ddb::n(clock::expires_in(now, CART_TTL_SECONDS)),
            );
        }
        self.ddb
            .put_item()
            .table_name(&self.carts)
            .set_item(Some(item))
            .send()
            .await
            .or_internal(|| format!("writing {} into the cart of {user}", body.sku))?;
        Reply::ok(&self.view(user).await?)
    }

    /// The cart of `user`, priced from the catalog now. Lines whose product was removed from
    /// the catalog are left out.
    async fn view(&self, user: &str) -> Result<CartView, ApiError> {
        let lines = lines(&self.ddb, &self.carts, user).await?;
        let skus: Vec<&str> = lines.iter().map(|(s, _)| s.as_str()).collect();
        let catalog = products::get_many(&self.ddb, &self.products, &skus, false).await?;
        let mut items = Vec::with_capacity(lines.len());
        for (sku, qty) in &lines {
            let Some(p) = catalog.get(sku) else { continue };
            let line_total = p.price_cents.times(*qty).ok_or_else(|| {
                ApiError::internal("pricing a cart", format!("{sku} × {qty} overflows"))
            })?;
            items.push(CartLine {
                sku: sku.clone(),
                name: p.name.clone(),
                qty: *qty,
                unit_price_cents: p.price_cents,
                line_total_cents: line_total,
                in_stock: p.in_stock(),
            });
        }
        let total = Cents::sum(items.iter().map(|l| l.line_total_cents))
            .ok_or_else(|| ApiError::internal("pricing a cart", "total overflows"))?;
        Ok(CartView {
            user_id: user.to_owned(),
            items,
            total_cents: total,
            currency: CURRENCY,
        })
    }
}

/// The carts table's sort key: one line per SKU (checked when compiling).
const CART_SKU: &str = match CARTS.sort_key {
    Some(k) => k.name,
    None => panic!("retail_spec::CARTS must have a sort key (the SKU)"),
};

fn line_key(user: &str, sku: &str) -> Item {
    HashMap::from([
        (CARTS.partition_key.name.to_owned(), ddb::s(user)),
        (CART_SKU.to_owned(), ddb::s(sku)),
    ])
}

/// The (SKU, quantity) lines of a cart, in SKU order (strongly consistent).
pub(crate) async fn lines(
    ddb: &Client,
    table: &str,
    user: &str,
) -> Result<Vec<(String, u64)>, ApiError> {
    let sku_attr = CART_SKU;
    let mut out_lines = Vec::new();
    let mut start: Option<Item> = None;
    loop {
        let out = ddb
            .query()
            .table_name(table)
            .key_condition_expression("#u = :u")
            .expression_attribute_names("#u", CARTS.partition_key.name)
            .expression_attribute_values(":u", ddb::s(user))
            .consistent_read(true)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .or_internal(|| format!("reading the cart of {user} from table {table}"))?;
        for item in out.items() {
            let sku = ddb::get_s(item, sku_attr)
                .or_internal(|| format!("reading a cart line of {user}"))?;
            let qty = ddb::get_n::<u64>(item, QTY)
                .or_internal(|| format!("reading a cart line of {user}"))?;
            out_lines.push((sku.to_owned(), qty));
        }
        match out.last_evaluated_key() {
            Some(k) if !k.is_empty() => start = Some(k.clone()),
            _ => break,
        }
    }
    Ok(out_lines)
}

/// Empties the cart of `user`.
pub(crate) async fn clear(ddb: &Client, table: &str, user: &str) -> Result<(), ApiError> {
    let skus: Vec<String> = lines(ddb, table, user)
        .await?
        .into_iter()
        .map(|(sku, _)| sku)
        .collect();
    remove(ddb, table, user, &skus).await
}

/// Removes the lines of `skus` from the cart of `user` (after an order of them: a line added
/// meanwhile, from another device, stays).
pub(crate) async fn remove(
    ddb: &Client,
    table: &str,
    user: &str,
    skus: &[String],
) -> Result<(), ApiError> {
    for chunk in skus.chunks(25) {
        let mut requests = chunk
            .iter()
            .map(|sku| {
                DeleteRequest::builder()
                    .set_key(Some(line_key(user, sku)))
                    .build()
                    .map(|d| WriteRequest::builder().delete_request(d).build())
            })
            .collect::<Result<Vec<_>, _>>()
            .or_internal(|| format!("building the deletion of the cart of {user}"))?;
        let mut round = 0u32;
        while !requests.is_empty() {
            if round > 5 {
                return Err(ApiError::internal(
                    &format!("clearing the cart of {user}"),
                    "DynamoDB left deletions unprocessed after retries",
                ));
            }
            if round > 0 {
                tokio::time::sleep(Duration::from_millis(25 << round)).await;
            }
            round += 1;
            let out = ddb
                .batch_write_item()
                .request_items(table, std::mem::take(&mut requests))
                .send()
                .await
                .or_internal(|| format!("clearing the cart of {user}"))?;
            requests = out
                .unprocessed_items()
                .and_then(|u| u.get(table))
                .cloned()
                .unwrap_or_default();
        }
    }
    Ok(())
}
