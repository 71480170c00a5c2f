//! The sales report itself: aggregation and rendering, with no I/O.
//!
//! Sales by store and by product over a date range, plus the inventory at build time, rendered
//! as JSON (nested, for programs) and as one CSV (a `section` column, for spreadsheets). Text
//! cells that a spreadsheet would run as a formula are neutralised.

use crate::money::{CURRENCY, Cents};
use crate::orders::{Order, Status};
use crate::product::Product;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreSales {
    pub store_id: String,
    pub orders: u64,
    pub units: u64,
    pub revenue_cents: Cents,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductSales {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub orders: u64,
    pub units: u64,
    pub revenue_cents: Cents,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StockLine {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub stock: u64,
    pub low_stock_threshold: u64,
    pub low_stock: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub orders: u64,
    pub units: u64,
    pub revenue_cents: Cents,
}

/// A built report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesReport {
    pub report_id: String,
    pub from: String,
    pub to: String,
    pub generated_at: String,
    pub currency: &'static str,
    pub totals: Totals,
    pub sales_by_store: Vec<StoreSales>,
    pub sales_by_product: Vec<ProductSales>,
    pub inventory: Vec<StockLine>,
}

/// Aggregation overflowed (only with absurd data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("revenue overflows while adding up the sales of {0}")]
pub struct Overflow(pub String);

/// Aggregates `orders` (already restricted to the date range). Every configured store appears,
/// with zeros when it sold nothing; stores seen in orders but not configured appear too.
pub fn aggregate(
    header: (&str, &str, &str, &str),
    stores: &[String],
    orders: &[Order],
    products: &[Product],
) -> Result<SalesReport, Overflow> {
    let (report_id, from, to, generated_at) = header;
    let mut by_store: BTreeMap<String, StoreSales> = stores
        .iter()
        .map(|s| {
            (
                s.clone(),
                StoreSales {
                    store_id: s.clone(),
                    ..StoreSales::default()
                },
            )
        })
        .collect();
    let catalog: BTreeMap<&str, &Product> = products.iter().map(|p| (p.sku.as_str(), p)).collect();
    let mut by_product: BTreeMap<String, ProductSales> = BTreeMap::new();
    let mut totals = Totals::default();
    // A cancelled order sold nothing: its units went back to stock.
    for order in orders.iter().filter(|o| o.status != Status::Cancelled) {
        let store = by_store
            .entry(order.store_id.clone())
            .or_insert_with(|| StoreSales {
                store_id: order.store_id.clone(),
                ..StoreSales::default()
            });
        store.orders += 1;
        totals.orders += 1;
        for line in &order.items {
            store.units += line.qty;
            totals.units += line.qty;
            store.revenue_cents = store
                .revenue_cents
                .plus(line.line_total_cents)
                .ok_or_else(|| Overflow(order.store_id.clone()))?;
            totals.revenue_cents = totals
                .revenue_cents
                .plus(line.line_total_cents)
                .ok_or_else(|| Overflow("all stores".to_owned()))?;
            let p = by_product.entry(line.sku.clone()).or_insert_with(|| {
                let current = catalog.get(line.sku.as_str());
                ProductSales {
                    sku: line.sku.clone(),
                    name: current.map_or_else(|| line.name.clone(), |p| p.name.clone()),
                    category: current.map(|p| p.category.clone()).unwrap_or_default(),
                    ..ProductSales::default()
                }
            });
            p.orders += 1;
            p.units += line.qty;
            p.revenue_cents = p
                .revenue_cents
                .plus(line.line_total_cents)
                .ok_or_else(|| Overflow(line.sku.clone()))?;
        }
    }
    Ok(SalesReport {
        report_id: report_id.to_owned(),
        from: from.to_owned(),
        to: to.to_owned(),
        generated_at: generated_at.to_owned(),
        currency: CURRENCY,
        totals,
        sales_by_store: by_store.into_values().collect(),
        sales_by_product: ranked(by_product),
        inventory: products.iter().map(StockLine::of).collect(),
    })
}

/// The products sold, the highest revenue first.
fn ranked(by_product: BTreeMap<String, ProductSales>) -> Vec<ProductSales> {
    let mut sales_by_product: Vec<ProductSales> = by_product.into_values().collect();
    sales_by_product.sort_by(|a, b| {
        b.revenue_cents
            .cmp(&a.revenue_cents)
            .then_with(|| a.sku.cmp(&b.sku))
    });
    sales_by_product
}

impl StockLine {
    /// A product's stock as the report shows it.
    fn of(p: &Product) -> StockLine {
        StockLine {
            sku: p.sku.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
            stock: p.stock,
            low_stock_threshold: p.low_stock_threshold,
            low_stock: p.low_stock(),
        }
    }
}

/// The CSV header: one table, the `section` column says which part a row belongs to.
pub const CSV_HEADER: &str = "section,storeId,sku,name,category,orders,units,revenueCents,revenue,stock,lowStockThreshold,lowStock";

impl SalesReport {
    pub fn to_json(&self) -> String {
        // Strings, integers and booleans only: serialisation cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        out.push_str(CSV_HEADER);
        out.push_str("\r\n");
        let mut row = |cells: [&str; 12]| {
            let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        };
        for s in &self.sales_by_store {
            row([
                "sales_by_store",
                &s.store_id,
                "",
                "",
                "",
                &s.orders.to_string(),
                &s.units.to_string(),
                &s.revenue_cents.0.to_string(),
                &s.revenue_cents.to_string(),
                "",
                "",
                "",
            ]);
        }
        for p in &self.sales_by_product {
            row([
                "sales_by_product",
                "",
                &p.sku,
                &p.name,
                &p.category,
                &p.orders.to_string(),
                &p.units.to_string(),
                &p.revenue_cents.0.to_string(),
                &p.revenue_cents.to_string(),
                "",
                "",
                "",
            ]);
        }
        for i in &self.inventory {
            row([
                "inventory",
                "",
                &i.sku,
                &i.name,
                &i.category,
                "",
                "",
                "",
                "",
                &i.stock.to_string(),
                &i.low_stock_threshold.to_string(),
                if i.low_stock { "true" } else { "false" },
            ]);
        }
        let t = &self.totals;
        let total = t.revenue_cents.to_string();
        row([
            "totals",
            "",
            "",
            "",
            "",
            &t.orders.to_string(),
            &t.units.to_string(),
            &t.revenue_cents.0.to_string(),
            &total,
            "",
            "",
            "",
        ]);
        out
    }
}

/// One CSV cell: quoted when needed (RFC 4180); text a spreadsheet would evaluate as a formula
/// is prefixed with `'`.
fn cell(value: &str) -> String {
    let guarded =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
            format!("'{value}")
        } else {
            value.to_owned()
        };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::OrderLine;

    fn order(store: &str, lines: &[(&str, u64, u64)]) -> Order {
        Order {
            order_id: "ord".into(),
            user_id: "u".into(),
            store_id: store.into(),
            status: Status::Placed,
            history: Vec::new(),
            items: lines
                .iter()
                .map(|(sku, qty, price)| OrderLine {
                    sku: (*sku).into(),
                    name: format!("old {sku}"),
                    qty: *qty,
                    unit_price_cents: Cents(*price),
                    line_total_cents: Cents(price * qty),
                })
                .collect(),
            total_cents: Cents(lines.iter().map(|(_, q, p)| q * p).sum()),
            currency: CURRENCY.into(),
            created_at: "2026-11-02T10:00:00.000Z".into(),
            updated_at: "2026-11-02T10:00:00.000Z".into(),
            event_published: true,
        }
    }

    fn product(sku: &str, name: &str, stock: u64) -> Product {
        Product {
            sku: sku.into(),
            name: name.into(),
            category: "fruit".into(),
            price_cents: Cents(100),
            unit: "each".into(),
            stock,
            low_stock_threshold: 5,
            updated_at: None,
            photo: Default::default(),
        }
    }

    #[test]
    fn sums_by_store_and_product() {
        let stores = vec!["store-01".to_owned(), "store-02".to_owned()];
        let mut cancelled = order("store-02", &[("A", 9, 150)]);
        cancelled.status = Status::Cancelled;
        let orders = vec![
            order("store-01", &[("A", 2, 150), ("B", 1, 1000)]),
            order("store-01", &[("A", 1, 150)]),
            order("store-03", &[("B", 3, 1000)]),
            cancelled,
        ];
        let products = vec![
            product("A", "Apples", 3),
            product("B", "=cmd|' /C calc'!A0", 50),
        ];
        let r = aggregate(
            ("rep-1", "2026-11-01", "2026-11-30", "now"),
            &stores,
            &orders,
            &products,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.totals,
            Totals {
                orders: 3,
                units: 7,
                revenue_cents: Cents(4450)
            }
        );
        let s: Vec<(&str, u64, u64)> = r
            .sales_by_store
            .iter()
            .map(|s| (s.store_id.as_str(), s.orders, s.revenue_cents.0))
            .collect();
        assert_eq!(
            s,
            vec![
                ("store-01", 2, 1450),
                ("store-02", 0, 0),
                ("store-03", 1, 3000)
            ]
        );
        assert_eq!(r.sales_by_product[0].sku, "B");
        assert_eq!(r.sales_by_product[0].units, 4);
        assert_eq!(r.sales_by_product[1].name, "Apples");
        assert!(r.inventory[0].low_stock);

        let csv = r.to_csv();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert!(
            lines.contains(&"sales_by_store,store-01,,,,2,4,1450,14.50,,,"),
            "{csv}"
        );
        assert!(csv.contains(",'=cmd|' /C calc'!A0,"), "{csv}");
        assert!(lines.contains(&"totals,,,,,3,7,4450,44.50,,,"), "{csv}");
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap_or_default();
        assert_eq!(json["totals"]["revenueCents"], 4450);
        assert_eq!(json["salesByStore"][1]["storeId"], "store-02");
    }

    #[test]
    fn cells_are_quoted_when_needed() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("-5"), "-5");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
    }
}
