//! What a client asks to order, validated and reduced to its canonical form.
//!
//! The canonical form — user, store and the lines sorted by SKU with duplicate SKUs merged, and
//! nothing else (old clients' `name`/`price`/`userId` are dropped: the user is the verified
//! caller) — is what the idempotency key is bound to: its SHA-256 decides whether a replayed key
//! carries "the same body".

use crate::error::{ApiError, ErrorCode, shown};
use crate::money::Cents;
use crate::product;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Most lines in one order (a DynamoDB transaction takes 100 actions; we use lines + 2).
pub const MAX_LINES: usize = 50;
/// Largest quantity of one SKU in one order (after merging duplicates).
pub const MAX_QTY: u64 = 999;

/// The body as sent.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderBody {
    pub store_id: String,
    pub items: Vec<LineBody>,
    /// The total the customer was shown, in cents. When given, the order is placed only at
    /// that total: a price that changed since the cart was read is 409 PRICE_CHANGED instead of
    /// a silent charge at the new price.
    #[serde(default)]
    pub expected_total_cents: Option<i64>,
}

/// One line as sent; any other field (`name`, `price`, …) is ignored.
#[derive(Debug, Deserialize)]
pub struct LineBody {
    pub sku: String,
    pub qty: i64,
}

/// A valid order request in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    pub user_id: String,
    pub store_id: String,
    /// (SKU, quantity), sorted by SKU, each SKU once.
    pub lines: Vec<(String, u64)>,
    /// The total the customer agreed to, if the client said. Not part of the
    /// [fingerprint](Self::fingerprint): it is a precondition of placing the order, not the
    /// order; a key whose order was placed replays that order whatever total comes with it.
    pub expected_total: Option<Cents>,
}

impl OrderRequest {
    /// Validates the body of `user`'s order against the environment's stores. Duplicate SKUs
    /// are merged (their quantities added), then every merged quantity must be within
    /// 1..=[`MAX_QTY`].
    pub fn validate(
        body: OrderBody,
        user: &str,
        stores: &[String],
        max_units: u32,
    ) -> Result<Self, ApiError> {
        if !stores.contains(&body.store_id) {
            return Err(ApiError::new(
                ErrorCode::UnknownStore,
                format!(
                    "storeId {} is not a store of this environment; use one of: {}.",
                    shown(&body.store_id),
                    stores.join(", ")
                ),
            )
            .with_details(json!({"stores": stores})));
        }
        if body.items.is_empty() {
            return Err(ApiError::validation(
                "items must list at least one product.",
            ));
        }
        if body.items.len() > MAX_LINES {
            return Err(ApiError::validation(format!(
                "An order has at most {MAX_LINES} lines; this one has {}.",
                body.items.len()
            )));
        }
        let mut merged: BTreeMap<String, u64> = BTreeMap::new();
        for (i, line) in body.items.into_iter().enumerate() {
            if !product::valid_sku(&line.sku) {
                return Err(ApiError::validation(format!(
                    "items[{i}].sku {} is not a SKU (1-64 letters, digits, '-' or '_').",
                    shown(&line.sku)
                )));
            }
            let qty = u64::try_from(line.qty)
                .ok()
                .filter(|q| (1..=MAX_QTY).contains(q))
                .ok_or_else(|| {
                    ApiError::validation(format!(
                        "items[{i}].qty must be a whole number from 1 to {MAX_QTY}, got {}.",
                        line.qty
                    ))
                })?;
            *merged.entry(line.sku).or_insert(0) += qty;
        }
        if let Some((sku, qty)) = merged.iter().find(|(_, q)| **q > MAX_QTY) {
            return Err(ApiError::validation(format!(
                "{sku} is ordered {qty} times across its lines; at most {MAX_QTY} per product."
            )));
        }
        let expected_total = body
            .expected_total_cents
            .map(|c| u64::try_from(c).map(Cents))
            .transpose()
            .map_err(|_| {
                ApiError::validation(
                    "expectedTotalCents must be a whole number of cents, 0 or more (the total the cart showed).",
                )
            })?;
        let units: u64 = merged.values().sum();
        if units > u64::from(max_units) {
            return Err(ApiError::validation(format!(
                "An order holds at most {max_units} units in all; this one has {units}."
            ))
            .with_details(json!({"maxUnits": max_units, "units": units})));
        }
        Ok(OrderRequest {
            user_id: user.to_owned(),
            store_id: body.store_id,
            lines: merged.into_iter().collect(),
            expected_total,
        })
    }

    /// SHA-256 (hex) of the canonical JSON form.
    pub fn fingerprint(&self) -> String {
        let canonical = json!({
            "userId": self.user_id,
            "storeId": self.store_id,
            "items": self.lines.iter().map(|(sku, qty)| json!({"sku": sku, "qty": qty})).collect::<Vec<_>>(),
        });
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }

    pub fn skus(&self) -> Vec<&str> {
        self.lines.iter().map(|(s, _)| s.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stores() -> Vec<String> {
        vec!["store-01".into(), "store-02".into()]
    }

    fn parse(v: serde_json::Value) -> Result<OrderRequest, ApiError> {
        let body: OrderBody =
            serde_json::from_value(v).map_err(|e| ApiError::validation(e.to_string()))?;
        OrderRequest::validate(body, "u-1", &stores(), 2000)
    }

    #[test]
    fn old_client_fields_and_line_order_do_not_change_the_fingerprint() {
        let a = parse(
            json!({"userId":"someone-else","storeId":"store-01","items":[
            {"sku":"B","qty":1},{"sku":"A","qty":2,"name":"Apples","price":1}]}),
        );
        let b = parse(json!({"userId":"u-1","storeId":"store-01","items":[
            {"sku":"A","qty":1},{"sku":"B","qty":1},{"sku":"A","qty":1}]}));
        let (a, b) = (
            a.unwrap_or_else(|e| panic!("{e}")),
            b.unwrap_or_else(|e| panic!("{e}")),
        );
        assert_eq!(a.lines, vec![("A".into(), 2), ("B".into(), 1)]);
        assert_eq!(a.fingerprint(), b.fingerprint());
        let c = parse(json!({"userId":"u-1","storeId":"store-02","items":[{"sku":"A","qty":2},{"sku":"B","qty":1}]}))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn bad_fields_are_named() {
        let code = |v| parse(v).map(|_| ()).unwrap_err().code;
        assert_eq!(
            code(json!({"userId":"u","storeId":"nowhere","items":[{"sku":"A","qty":1}]})),
            ErrorCode::UnknownStore
        );
        assert_eq!(
            code(json!({"userId":"u","storeId":"store-01","items":[]})),
            ErrorCode::ValidationError
        );
        assert_eq!(
            code(json!({"userId":"u","storeId":"store-01","items":[{"sku":"A","qty":0}]})),
            ErrorCode::ValidationError
        );
        assert_eq!(
            code(json!({"userId":"u","storeId":"store-01","items":[{"sku":"A","qty":1000}]})),
            ErrorCode::ValidationError
        );
        assert_eq!(
            code(
                json!({"userId":"u","storeId":"store-01","items":[{"sku":"A","qty":600},{"sku":"A","qty":600}]})
            ),
            ErrorCode::ValidationError
        );
        assert_eq!(
            code(
                json!({"storeId":"store-01","items":[{"sku":"A","qty":999},{"sku":"B","qty":999},{"sku":"C","qty":3}]})
            ),
            ErrorCode::ValidationError,
            "over the environment's units per order"
        );
        let many: Vec<_> = (0..51)
            .map(|i| json!({"sku": format!("S{i}"), "qty": 1}))
            .collect();
        assert_eq!(
            code(json!({"userId":"u","storeId":"store-01","items":many})),
            ErrorCode::ValidationError
        );
    }
}
