//! Reading one product of a GetProducts answer into the table's rate.
//!
//! Each element of `PriceList` is a JSON document: `product` (SKU, family, attributes such as
//! `usagetype` and `regionCode`) and `terms`, whose `OnDemand` term holds an `effectiveDate`
//! and one price dimension per volume band (`beginRange`, `endRange` — `Inf` for the last —,
//! `unit`, `pricePerUnit.USD`). The shape is AWS's: "Reading the service price list file for
//! an AWS service" <https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-service-price-list-file-for-services.html>
//! and the GetProducts reference
//! <https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html>.
//!
//! The Price List prices one unit (`0.0000002` per request); the table quotes a block (`0.20`
//! per 1M), so amounts are rescaled as decimals, never through floating point. A first band
//! that costs nothing (SQS's first million requests, Budgets' first 62 budget-days) is an
//! always-free allowance: the estimator applies those only with `--free-tier`, from its own
//! allowance list, so the band is dropped here rather than priced at $0, and its size is
//! returned for the refresh to compare with that list.

use std::collections::BTreeMap;

use serde::Deserialize;

/// One Price List product as GetProducts returns it.
#[derive(Debug, Deserialize)]
pub struct Product {
    pub product: ProductInfo,
    #[serde(default)]
    pub terms: Terms,
}

#[derive(Debug, Deserialize)]
pub struct ProductInfo {
    pub sku: String,
    #[serde(default, rename = "productFamily")]
    pub product_family: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Terms {
    #[serde(default, rename = "OnDemand")]
    pub on_demand: BTreeMap<String, Term>,
}

#[derive(Debug, Deserialize)]
pub struct Term {
    #[serde(rename = "effectiveDate")]
    pub effective_date: String,
    #[serde(rename = "priceDimensions")]
    pub price_dimensions: BTreeMap<String, Dimension>,
}

#[derive(Debug, Deserialize)]
pub struct Dimension {
    pub unit: String,
    #[serde(rename = "beginRange")]
    pub begin_range: String,
    #[serde(rename = "endRange")]
    pub end_range: String,
    #[serde(rename = "pricePerUnit")]
    pub price_per_unit: BTreeMap<String, String>,
    #[serde(default)]
    pub description: String,
}

/// A product's on-demand price, as the table holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priced {
    pub sku: String,
    /// The term's effective date, `YYYY-MM-DD`.
    pub effective: String,
    /// The Price List's unit (`Lambda-GB-Second`).
    pub unit: String,
    /// `(up_to, usd per block)`, the last `up_to` `None`.
    pub tiers: Vec<(Option<u64>, String)>,
    /// Units of an always-free first band, dropped from `tiers`.
    pub free_units: Option<u64>,
}

/// Why a product could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Price List product {sku}: {detail}")]
pub struct ProductError {
    pub sku: String,
    pub detail: String,
}

impl Product {
    pub fn parse(text: &str) -> Result<Product, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let start: String = text.chars().take(80).collect();
            format!(
                "not a Price List product: at `{}`: {} (the product begins `{start}`)",
                e.path(),
                e.inner()
            )
        })
    }

    /// The product, if its usage type is one `wanted` accepts; a product the query does not
    /// want is skipped without being read further.
    pub fn parse_if(text: &str, wanted: impl Fn(&str) -> bool) -> Result<Option<Product>, String> {
        #[derive(Deserialize)]
        struct Peek {
            product: PeekInfo,
        }
        #[derive(Deserialize)]
        struct PeekInfo {
            #[serde(default)]
            attributes: BTreeMap<String, String>,
        }
        let Ok(peek) = serde_json::from_str::<Peek>(text) else {
            // Not even the product's attributes: read it in full for the error that says why.
            return Product::parse(text).map(Some);
        };
        let usage = peek
            .product
            .attributes
            .get("usagetype")
            .cloned()
            .unwrap_or_default();
        if wanted(&usage) {
            Product::parse(text).map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.product.attributes.get(name).map(String::as_str)
    }

    /// The on-demand price in blocks of `per` units.
    pub fn priced(&self, per: u64) -> Result<Priced, ProductError> {
        let fail = |detail: String| ProductError {
            sku: self.product.sku.clone(),
            detail,
        };
        let mut terms = self.terms.on_demand.values();
        let term = match (terms.next(), terms.next()) {
            (Some(t), None) => t,
            (None, _) => return Err(fail("no OnDemand term".into())),
            (Some(_), Some(_)) => return Err(fail("more than one OnDemand term".into())),
        };
        let mut bands = Vec::new();
        for (rate, d) in &term.price_dimensions {
            let usd = d
                .price_per_unit
                .get("USD")
                .ok_or_else(|| fail(format!("rate {rate} has no USD price")))?;
            let bound = |name: &str, text: &str| {
                range(text).map_err(|why| fail(format!("rate {rate}: {name} {why}")))
            };
            let begin = bound("beginRange", &d.begin_range)?
                .ok_or_else(|| fail(format!("rate {rate}: beginRange is Inf")))?;
            let end = bound("endRange", &d.end_range)?;
            if end.is_some_and(|end| end <= begin) {
                return Err(fail(format!(
                    "rate {rate}: endRange is not above beginRange"
                )));
            }
            bands.push((begin, end, usd.as_str(), d.unit.as_str()));
        }
        bands.sort_by_key(|b| b.0);
        let unit = bands
            .first()
            .map(|b| b.3)
            .ok_or_else(|| fail("no price dimension".into()))?;
        if let Some(other) = bands.iter().find(|b| !b.3.eq_ignore_ascii_case(unit)) {
            return Err(fail(format!(
                "bands in two units: `{unit}` and `{}`",
                other.3
            )));
        }
        let free_units = match bands.first() {
            Some(&(0, Some(end), usd, _)) if bands.len() > 1 && is_zero(usd) => {
                bands.remove(0);
                Some(end)
            }
            _ => None,
        };
        let mut tiers = Vec::new();
        let mut expect = free_units.unwrap_or(0);
        for (begin, end, usd, _) in &bands {
            if *begin != expect {
                return Err(fail(format!("bands leave a gap or overlap at {expect}")));
            }
            tiers.push((*end, scale(usd, per).map_err(&fail)?));
            match end {
                Some(end) => expect = *end,
                None => break,
            }
        }
        if tiers.len() < bands.len() {
            return Err(fail("a band follows the unbounded one".into()));
        }
        if tiers.last().is_some_and(|t| t.0.is_some()) {
            return Err(fail("the last band has an upper bound".into()));
        }
        Ok(Priced {
            sku: self.product.sku.clone(),
            effective: term.effective_date.chars().take(10).collect(),
            unit: unit.to_string(),
            tiers,
            free_units,
        })
    }
}

/// A band's bound: a whole number of units, or `Inf` (`None`).
fn range(text: &str) -> Result<Option<u64>, String> {
    if text == "Inf" {
        return Ok(None);
    }
    let whole = text.strip_suffix(".0").unwrap_or(text);
    whole
        .parse()
        .map(Some)
        .map_err(|_| format!("`{text}` is not a whole number of units"))
}

/// A price of nothing: digits, all zero (`0`, `0.0000000000`).
fn is_zero(usd: &str) -> bool {
    usd.chars().any(|c| c.is_ascii_digit()) && usd.chars().all(|c| c == '0' || c == '.')
}

/// `usd` per unit as dollars per block of `per` units (a power of ten), written the way the
/// table quotes prices: no trailing zeros past the cents (`0.0000002000` × 1M → `0.20`).
pub fn scale(usd: &str, per: u64) -> Result<String, String> {
    let bad = || format!("`{usd}` is not a plain decimal amount");
    let (int, frac) = usd.split_once('.').unwrap_or((usd, ""));
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let shift =
        per.checked_ilog10()
            .filter(|k| 10u64.pow(*k) == per)
            .ok_or_else(|| format!("block of {per} units is not a power of ten"))? as usize;
    let digits = format!("{int}{frac}");
    let point = int.len() + shift;
    let digits = if digits.len() < point + 2 {
        format!("{digits:0<width$}", width = point + 2)
    } else {
        digits
    };
    let (whole, decimals) = digits.split_at(point);
    let whole = whole.trim_start_matches('0');
    let mut decimals = decimals.trim_end_matches('0').to_string();
    while decimals.len() < 2 {
        decimals.push('0');
    }
    Ok(format!(
        "{}.{decimals}",
        if whole.is_empty() { "0" } else { whole }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first product of a recording under stackgen/cost/tests/pricelist/, as text.
    fn first_product(text: &str) -> String {
        let rec: serde_json::Value = serde_json::from_str(text).expect("a recording");
        rec["pages"][0][0].as_str().expect("a product").to_string()
    }

    fn recorded(text: &str) -> Product {
        Product::parse(&first_product(text)).expect("parses")
    }

    #[test]
    fn a_free_first_band_is_dropped_and_its_size_returned() {
        let sqs = recorded(include_str!(
            "../../tests/pricelist/AWSQueueService/us-east-1/sqs-requests.json"
        ));
        let priced = sqs.priced(1_000_000).expect("priced");
        assert_eq!(priced.free_units, Some(1_000_000));
        assert_eq!(
            priced.tiers,
            vec![
                (Some(100_000_000_000), "0.40".to_string()),
                (Some(200_000_000_000), "0.30".to_string()),
                (None, "0.24".to_string()),
            ]
        );
        assert_eq!(
            (priced.unit.as_str(), priced.effective.as_str()),
            ("Requests", "2026-11-01")
        );
    }

    #[test]
    fn volume_bands_become_tiers_in_order() {
        let gbs = recorded(include_str!(
            "../../tests/pricelist/AWSLambda/us-east-1/lambda-gb-seconds-x86.json"
        ));
        let priced = gbs.priced(1).expect("priced");
        assert_eq!(priced.free_units, None);
        assert_eq!(priced.tiers.len(), 3);
        assert_eq!(
            priced.tiers[1],
            (Some(15_000_000_000), "0.000015".to_string())
        );
        assert_eq!(priced.unit, "Lambda-GB-Second");
    }

    #[test]
    fn bands_with_a_gap_or_two_units_are_refused() {
        let text =
            include_str!("../../tests/pricelist/AWSLambda/us-east-1/lambda-gb-seconds-x86.json");
        let rec: serde_json::Value = serde_json::from_str(text).expect("a recording");
        let doc = rec["pages"][0][0].as_str().expect("a product");
        let gap = Product::parse(&doc.replace(
            "\"beginRange\":\"6000000000\"",
            "\"beginRange\":\"7000000000\"",
        ))
        .expect("parses");
        let err = gap.priced(1).unwrap_err();
        assert!(
            err.to_string().contains("gap or overlap at 6000000000"),
            "{err}"
        );
        let units =
            Product::parse(&doc.replacen("\"unit\":\"Lambda-GB-Second\"", "\"unit\":\"GB-Mo\"", 1))
                .expect("parses");
        assert!(
            units
                .priced(1)
                .unwrap_err()
                .to_string()
                .contains("two units")
        );
        let none = Product::parse(r#"{"product":{"sku":"X","attributes":{}},"terms":{}}"#)
            .expect("parses");
        assert!(
            none.priced(1)
                .unwrap_err()
                .to_string()
                .contains("no OnDemand term")
        );
    }

    #[test]
    fn per_unit_prices_become_block_prices() {
        assert_eq!(scale("0.0000002000", 1_000_000).unwrap(), "0.20");
        assert_eq!(scale("0.0000166667", 1).unwrap(), "0.0000166667");
        assert_eq!(scale("0.0000010000", 10_000).unwrap(), "0.01");
        assert_eq!(scale("0.0000000309", 1).unwrap(), "0.0000000309");
        assert_eq!(scale("0.0450000000", 1).unwrap(), "0.045");
        assert_eq!(scale("5", 1).unwrap(), "5.00");
        assert_eq!(scale("0.00002", 100_000).unwrap(), "2.00");
        assert_eq!(scale("12.5", 1_000).unwrap(), "12500.00");
        assert!(scale("1e-7", 1).is_err());
        assert!(scale("0.1", 3).is_err());
    }
}
