//! A product of the catalog and its stock, as stored and as shown.
//!
//! One item per SKU in the products table holds the price (cents), the stock level and the
//! threshold under which staff want an alert. The API shows a product with two derived flags,
//! `inStock` and `lowStock`, so clients never recompute them differently.

use crate::ddb::{self, Item, ItemError};
use crate::money::Cents;
use crate::photo::{PhotoState, PhotoStatus, PhotoView};
use retail_spec::{PRODUCTS, PRODUCTS_BY_CATEGORY};
use serde::{Deserialize, Serialize};

/// Non-key attribute names of a product item.
pub mod attr {
    pub const NAME: &str = "name";
    /// Lower-cased name, for case-insensitive search.
    pub const NAME_LOWER: &str = "nameLower";
    pub const PRICE_CENTS: &str = "priceCents";
    pub const UNIT: &str = "unit";
    pub const STOCK: &str = "stock";
    pub const LOW_STOCK_THRESHOLD: &str = "lowStockThreshold";
    pub const UPDATED_AT: &str = "updatedAt";
}

/// The key attribute of the products table (`sku`).
pub fn sku_attr() -> &'static str {
    PRODUCTS.partition_key.name
}

/// The attribute that holds the category (the partition key of the by-category index).
pub fn category_attr() -> &'static str {
    PRODUCTS_BY_CATEGORY.partition_key.name
}

/// Unit used when a new product does not say.
pub const DEFAULT_UNIT: &str = "each";
/// Alert threshold used when a new product does not say.
pub const DEFAULT_LOW_STOCK_THRESHOLD: u64 = 5;

/// A product as stored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub price_cents: Cents,
    #[serde(default = "default_unit")]
    pub unit: String,
    pub stock: u64,
    #[serde(default = "default_threshold")]
    pub low_stock_threshold: u64,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Its photo (`crate::photo`); the demo catalog's file has none, the image function adds it.
    #[serde(skip)]
    pub photo: PhotoState,
}

fn default_unit() -> String {
    DEFAULT_UNIT.to_owned()
}

fn default_threshold() -> u64 {
    DEFAULT_LOW_STOCK_THRESHOLD
}

/// A product as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductView<'a> {
    pub sku: &'a str,
    pub name: &'a str,
    pub category: &'a str,
    pub price_cents: Cents,
    pub unit: &'a str,
    pub stock: u64,
    pub low_stock_threshold: u64,
    pub in_stock: bool,
    pub low_stock: bool,
    /// The photo on show, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<PhotoView>,
    /// Where the latest photo upload stands (the back office's view only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_status: Option<PhotoStatus>,
    /// Why the latest upload was refused (the back office's view only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_reason: Option<&'a str>,
}

impl Product {
    pub fn in_stock(&self) -> bool {
        self.stock > 0
    }

    pub fn low_stock(&self) -> bool {
        self.stock <= self.low_stock_threshold
    }

    pub fn view(&self) -> ProductView<'_> {
        ProductView {
            sku: &self.sku,
            name: &self.name,
            category: &self.category,
            price_cents: self.price_cents,
            unit: &self.unit,
            stock: self.stock,
            low_stock_threshold: self.low_stock_threshold,
            in_stock: self.in_stock(),
            low_stock: self.low_stock(),
            image: self.photo.shown.as_ref().map(|p| p.view()),
            image_status: None,
            image_reason: None,
        }
    }

    /// The back office's view at `now` (epoch seconds): [`Product::view`] with where the latest
    /// photo upload stands (`PhotoState::as_seen_at`).
    pub fn staff_view(&self, now: i64) -> ProductView<'_> {
        let (image_status, image_reason) = self.photo.as_seen_at(now);
        ProductView {
            image_status,
            image_reason,
            ..self.view()
        }
    }

    /// Reads a stored product item.
    pub fn from_item(item: &Item) -> Result<Self, ItemError> {
        Ok(Product {
            sku: ddb::get_s(item, sku_attr())?.to_owned(),
            name: ddb::get_s(item, attr::NAME)?.to_owned(),
            category: ddb::get_s(item, category_attr())?.to_owned(),
            price_cents: Cents(ddb::get_n(item, attr::PRICE_CENTS)?),
            unit: ddb::opt_s(item, attr::UNIT)?
                .unwrap_or(DEFAULT_UNIT)
                .to_owned(),
            stock: ddb::get_n(item, attr::STOCK)?,
            low_stock_threshold: ddb::opt_n(item, attr::LOW_STOCK_THRESHOLD)?
                .unwrap_or(DEFAULT_LOW_STOCK_THRESHOLD),
            updated_at: ddb::opt_s(item, attr::UPDATED_AT)?.map(str::to_owned),
            photo: PhotoState::from_item(item)?,
        })
    }

    /// The item to store (with the lower-cased name used by search).
    pub fn to_item(&self) -> Item {
        let mut item = Item::new();
        item.insert(sku_attr().to_owned(), ddb::s(&self.sku));
        item.insert(attr::NAME.to_owned(), ddb::s(&self.name));
        item.insert(
            attr::NAME_LOWER.to_owned(),
            ddb::s(self.name.to_lowercase()),
        );
        item.insert(category_attr().to_owned(), ddb::s(&self.category));
        item.insert(attr::PRICE_CENTS.to_owned(), ddb::n(self.price_cents.0));
        item.insert(attr::UNIT.to_owned(), ddb::s(&self.unit));
        item.insert(attr::STOCK.to_owned(), ddb::n(self.stock));
        item.insert(
            attr::LOW_STOCK_THRESHOLD.to_owned(),
            ddb::n(self.low_stock_threshold),
        );
        if let Some(at) = &self.updated_at {
            item.insert(attr::UPDATED_AT.to_owned(), ddb::s(at));
        }
        self.photo.write(&mut item);
        item
    }
}

/// Whether `sku` is a well-formed SKU: 1–64 of `A-Z a-z 0-9 - _`.
pub fn valid_sku(sku: &str) -> bool {
    (1..=64).contains(&sku.len())
        && sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apple() -> Product {
        Product {
            sku: "APL-001".into(),
            name: "Gala Apples".into(),
            category: "fruit".into(),
            price_cents: Cents(349),
            unit: "kg".into(),
            stock: 3,
            low_stock_threshold: 5,
            updated_at: None,
            photo: PhotoState::default(),
        }
    }

    #[test]
    fn item_round_trip_keeps_every_field() {
        let p = apple();
        let item = p.to_item();
        assert_eq!(Product::from_item(&item), Ok(p));
        assert_eq!(item.get(attr::NAME_LOWER), Some(&ddb::s("gala apples")));
    }

    #[test]
    fn flags_follow_stock_and_threshold() {
        let mut p = apple();
        assert!(p.in_stock() && p.low_stock());
        p.stock = 0;
        assert!(!p.in_stock() && p.low_stock());
        p.stock = 6;
        assert!(p.in_stock() && !p.low_stock());
        let v = serde_json::to_value(p.view()).unwrap_or_default();
        assert_eq!(v["priceCents"], 349);
        assert_eq!(v["lowStockThreshold"], 5);
        assert_eq!(v["inStock"], true);
    }

    #[test]
    fn sku_shape() {
        assert!(valid_sku("APL-001"));
        assert!(!valid_sku(""));
        assert!(!valid_sku("a b"));
        assert!(!valid_sku(&"x".repeat(65)));
    }
}
