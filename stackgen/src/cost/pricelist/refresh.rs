//! The whole refresh: ask the Price List for every meter of every region asked for, compare
//! with the table, and build the table to write.
//!
//! An answer replaces the entry (its SKU, effective date and unit recorded). No product for a
//! meter keeps the hand-kept entry as it is, with its page and note, and says so: some meters
//! are only on AWS's web pages. Two products for one meter is an error naming both SKUs — a
//! query that is not narrow enough must be fixed in [`super::meters`], never guessed at.

use std::collections::BTreeSet;

use super::client::{PriceList, PriceListError, Request};
use super::meters::{self, MeterQuery, Scope};
use super::product::{Priced, Product};
use crate::cost::money::Price;
use crate::cost::prices::Meter;
use crate::cost::prices::file::{EntryFile, PriceListRef, RegionFile, TableFile};

/// What to refresh.
#[derive(Debug, Clone)]
pub struct Options {
    /// Regions to ask for; ones the table lacks are added.
    pub regions: Vec<String>,
    /// Only these meters (all when empty).
    pub meters: Vec<Meter>,
    /// The new table's date, `YYYY-MM-DD`.
    pub date: String,
}

/// What happened to one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// AWS's price differs from the table's.
    Moved { from: String, to: String },
    /// AWS prices a meter the table had no entry for.
    Added { to: String },
    /// Same price; now (or still) read from the Price List.
    Confirmed,
    /// No answer from the Price List: the hand-kept entry stays.
    Kept { why: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub region: String,
    pub meter: Meter,
    pub kind: ChangeKind,
}

impl Change {
    /// Whether the table is out of date because of this change (`--check` exits 2).
    pub fn is_stale(&self) -> bool {
        matches!(
            self.kind,
            ChangeKind::Moved { .. } | ChangeKind::Added { .. }
        )
    }
}

/// The refreshed table and what changed.
#[derive(Debug)]
pub struct Outcome {
    pub table: TableFile<'static>,
    pub changes: Vec<Change>,
}

/// Why a refresh stopped.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    PriceList(#[from] PriceListError),
    #[error(
        "{meter:?} in {region}: the Price List returned {count} products ({skus}) for `{request}`; \
         the query in cost/pricelist/meters.rs must single out one"
    )]
    Ambiguous {
        meter: Meter,
        region: String,
        count: usize,
        skus: String,
        request: String,
    },
    #[error("{meter:?} in {region}: {detail}")]
    Product {
        meter: Meter,
        region: String,
        detail: String,
    },
}

/// Text the refreshed table borrows: made once per run and kept for the life of the process,
/// like the embedded table it stands beside.
fn keep(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Refreshes `old` from the Price List.
pub async fn refresh(
    price_list: &mut PriceList,
    old: &TableFile<'static>,
    opts: &Options,
) -> Result<Outcome, RefreshError> {
    let mut regions: Vec<RegionFile<'static>> = old.regions.clone();
    for r in &opts.regions {
        if !regions.iter().any(|o| o.region == r) {
            regions.push(RegionFile {
                region: keep(r.clone()),
                cdn_viewers: meters::viewer_geography(r).1,
            });
        }
    }
    let mut entries = Vec::new();
    let mut changes = Vec::new();
    for region in &regions {
        let asked = opts.regions.iter().any(|r| r == region.region);
        for meter in Meter::ALL {
            let before = old
                .entries
                .iter()
                .find(|e| e.region == region.region && e.meter == meter);
            let wanted = asked && (opts.meters.is_empty() || opts.meters.contains(&meter));
            let after = match (wanted, meters::query(meter)) {
                (true, Some(query)) => {
                    let answer = ask(price_list, query, region.region).await?;
                    let (entry, change) = merge(region.region, query, before, answer);
                    changes.extend(change);
                    entry
                }
                (true, None) => {
                    changes.extend(before.map(|_| Change {
                        region: region.region.to_string(),
                        meter,
                        kind: ChangeKind::Kept {
                            why: "no Price List query for this meter; kept by hand".into(),
                        },
                    }));
                    before.cloned()
                }
                (false, _) => before.cloned(),
            };
            entries.extend(after);
        }
    }
    let used: BTreeSet<&str> = entries.iter().filter_map(|e| e.note).collect();
    let mut notes = old.notes.clone();
    notes.retain(|k, _| used.contains(k));
    let table = TableFile {
        schema: old.schema,
        taken: keep(opts.date.clone()),
        regions,
        sources: old.sources.clone(),
        notes,
        entries,
    };
    Ok(Outcome { table, changes })
}

/// The GetProducts request of `query` in `region`.
pub fn request(query: &MeterQuery, region: &str) -> Request {
    let mut filters: Vec<(&str, &str)> = query.filters.to_vec();
    if let Some(family) = query.product_family {
        filters.push(("productFamily", family));
    }
    match query.scope {
        Scope::Regional => filters.push(("regionCode", region)),
        Scope::Global => {}
        Scope::Viewers(attribute) => filters.push((attribute, meters::viewer_geography(region).0)),
    }
    Request::new(query.service, &filters)
}

/// The one product that answers `query` in `region`, priced; `None` when there is none.
async fn ask(
    price_list: &mut PriceList,
    query: &MeterQuery,
    region: &str,
) -> Result<Option<Priced>, RefreshError> {
    let request = request(query, region);
    let scope = match query.scope {
        Scope::Regional => region.to_string(),
        Scope::Global => "global".into(),
        Scope::Viewers(_) => meters::viewer_geography(region)
            .0
            .to_lowercase()
            .replace(' ', "-"),
    };
    let name = format!("{}/{scope}/{}", query.service, query.meter.name());
    let fail = |detail: String| RefreshError::Product {
        meter: query.meter,
        region: region.to_string(),
        detail,
    };
    let mut found = Vec::new();
    for text in price_list.products(&request, &name).await? {
        let product = Product::parse(text).map_err(fail)?;
        let usage = product.attribute("usagetype").unwrap_or_default();
        if meters::accepts(query, usage, Some(region)) {
            found.push(product);
        }
    }
    match found.as_slice() {
        [] => Ok(None),
        [product] => product
            .priced(query.per)
            .map(Some)
            .map_err(|e| fail(e.to_string())),
        many => Err(RefreshError::Ambiguous {
            meter: query.meter,
            region: region.to_string(),
            count: many.len(),
            skus: many
                .iter()
                .map(|p| p.product.sku.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            request: request.describe(),
        }),
    }
}

/// The entry to write and what changed, from the table's entry and the Price List's answer.
fn merge(
    region: &'static str,
    query: &MeterQuery,
    before: Option<&EntryFile<'static>>,
    answer: Option<Priced>,
) -> (Option<EntryFile<'static>>, Option<Change>) {
    let change = |kind| Change {
        region: region.to_string(),
        meter: query.meter,
        kind,
    };
    let Some(answer) = answer else {
        let kept = before.map(|_| {
            change(ChangeKind::Kept {
                why: "the Price List has no product for this query; kept by hand".into(),
            })
        });
        return (before.cloned(), kept);
    };
    let tiers: Vec<(Option<u64>, &'static str)> = answer
        .tiers
        .iter()
        .map(|(up_to, usd)| (*up_to, keep(usd.clone())))
        .collect();
    let (usd, tiers) = match tiers.as_slice() {
        [(None, usd)] => (Some(*usd), None),
        _ => (None, Some(tiers)),
    };
    let entry = EntryFile {
        region,
        meter: query.meter,
        unit: query.unit,
        per: query.per,
        usd,
        tiers,
        source: query.source,
        note: None,
        price_list: Some(PriceListRef {
            service: query.service,
            sku: keep(answer.sku),
            effective: keep(answer.effective),
            unit: keep(answer.unit),
        }),
    };
    let to = describe(&entry);
    let kind = match before {
        None => ChangeKind::Added { to },
        Some(b) if same_price(b, &entry) => ChangeKind::Confirmed,
        Some(b) => ChangeKind::Moved {
            from: describe(b),
            to,
        },
    };
    (Some(entry), Some(change(kind)))
}

/// Each band's bound and exact amount per unit, for comparing two entries.
fn bands(e: &EntryFile<'static>) -> Vec<(Option<u64>, Option<i128>)> {
    let per_unit = |usd: &'static str| {
        Price::parse(usd, e.per)
            .ok()
            .map(|p| p.pico_per_block() * 1_000_000 / i128::from(e.per))
    };
    match (&e.usd, &e.tiers) {
        (Some(usd), _) => vec![(None, per_unit(usd))],
        (None, Some(t)) => t.iter().map(|(up, usd)| (*up, per_unit(usd))).collect(),
        (None, None) => Vec::new(),
    }
}

fn same_price(a: &EntryFile<'static>, b: &EntryFile<'static>) -> bool {
    bands(a) == bands(b)
}

/// `$0.20 per 1,000,000 requests`, or the bands: `$1.00 to 300000000, $0.90 beyond`.
pub fn describe(e: &EntryFile<'_>) -> String {
    let per = if e.per == 1 {
        e.unit.to_string()
    } else {
        format!("{} {}", e.per, e.unit)
    };
    match (&e.usd, &e.tiers) {
        (Some(usd), _) => format!("${usd} per {per}"),
        (None, Some(t)) => {
            let bands: Vec<String> = t
                .iter()
                .map(|(up, usd)| match up {
                    Some(up) => format!("${usd} to {up}"),
                    None => format!("${usd} beyond"),
                })
                .collect();
            format!("{} (per {per})", bands.join(", "))
        }
        (None, None) => "no price".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::prices;

    #[test]
    fn the_queries_and_the_table_agree_on_units_blocks_and_pages() {
        let table = prices::embedded().expect("the embedded table loads");
        for e in &table.file.entries {
            let Some(q) = meters::query(e.meter) else {
                continue;
            };
            assert_eq!(
                (e.unit, e.per, e.source),
                (q.unit, q.per, q.source),
                "{:?}",
                e.meter
            );
        }
        for q in meters::QUERIES {
            assert!(table.file.sources.contains_key(q.source), "{}", q.source);
        }
    }

    #[test]
    fn requests_filter_by_region_family_and_viewers() {
        let lambda = meters::query(Meter::LambdaRequests).expect("queried");
        assert_eq!(
            request(lambda, "ap-southeast-2").describe(),
            "AWSLambda group=AWS-Lambda-Requests productFamily=Serverless regionCode=ap-southeast-2"
        );
        let cdn = meters::query(Meter::CloudFrontDataOut).expect("queried");
        assert_eq!(
            request(cdn, "ap-southeast-2").describe(),
            "AmazonCloudFront fromLocation=Australia transferType=CloudFront Outbound"
        );
        let zones = meters::query(Meter::Route53HostedZones).expect("queried");
        assert_eq!(
            request(zones, "eu-west-1"),
            request(zones, "us-east-1"),
            "a global price is asked once"
        );
    }
}
