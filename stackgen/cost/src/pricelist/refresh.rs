//! The whole refresh: ask the Price List for every meter of every region asked for, compare
//! with the table, and build the table to write.
//!
//! An answer replaces the entry (its SKU, effective date and unit recorded). No product for a
//! hand-kept entry keeps it as it is, with its page and note, and says so: some meters are only
//! on AWS's web pages. No product for an entry that came from the Price List is stale (the
//! query or the product changed) and is named. Two products for one meter is an error naming
//! both SKUs — a query that is not narrow enough must be fixed in [`super::meters`], never
//! guessed at. A region nothing answers for is not added.

use std::collections::BTreeSet;

use super::client::{PriceList, PriceListError};
use super::meters::{self, MeterQuery};
use super::product::{Priced, Product};
use crate::money::Price;
use crate::prices::file::{EntryFile, PriceListRef, RegionFile, TableFile, keep};
use crate::prices::{FREE_TIER, Meter};

/// What to refresh.
#[derive(Debug, Clone)]
pub struct Options {
    /// Regions to ask for; ones the table lacks are added when the Price List answers there.
    pub regions: Vec<String>,
    /// Only these meters (all when empty).
    pub meters: Vec<Meter>,
    /// The table's date when anything in it changes, `YYYY-MM-DD`.
    pub date: String,
}

/// What happened to one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// AWS's price differs from the table's.
    Moved { from: String, to: String },
    /// AWS prices a meter the table had no entry for.
    Added { to: String },
    /// An entry read from the Price List has no product any more.
    Vanished { sku: String },
    /// Same price, quoted per another block or unit.
    Restated { from: String, to: String },
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
            ChangeKind::Moved { .. } | ChangeKind::Added { .. } | ChangeKind::Vanished { .. }
        )
    }
}

/// The refreshed table, what changed, and what a maintainer should look at.
#[derive(Debug)]
pub struct Outcome {
    pub table: TableFile<'static>,
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
}

/// Why a refresh stopped.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    PriceList(#[from] PriceListError),
    #[error(
        "{meter} in {region}: the Price List returned {count} products ({skus}) for `{request}`; \
         the query in cost/pricelist/meters.rs must single out one"
    )]
    Ambiguous {
        meter: String,
        region: String,
        count: usize,
        skus: String,
        request: String,
    },
    #[error("{meter} in {region}: {detail}")]
    Product {
        meter: String,
        region: String,
        detail: String,
    },
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
    let mut warnings = Vec::new();
    for region in &regions {
        let asked = opts.regions.iter().any(|r| r == region.region);
        for &meter in Meter::ALL {
            let before = old
                .entries
                .iter()
                .find(|e| e.region == region.region && e.meter == meter);
            let wanted = asked && (opts.meters.is_empty() || opts.meters.contains(&meter));
            let after = match (wanted, meters::query(meter)) {
                (true, Some(query)) => {
                    let answer = ask(price_list, query, region.region).await?;
                    if let Some(w) = answer
                        .as_ref()
                        .and_then(|a| free_band_warning(query, region.region, a))
                    {
                        warnings.push(w);
                    }
                    let (entry, change) = merge(region.region, query, before, answer)?;
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
    regions.retain(|r| entries.iter().any(|e| e.region == r.region));
    let used: BTreeSet<&str> = entries.iter().filter_map(|e| e.note).collect();
    let mut notes = old.notes.clone();
    notes.retain(|k, _| used.contains(k));
    let mut table = TableFile {
        schema: old.schema,
        taken: old.taken,
        regions,
        sources: old.sources.clone(),
        notes,
        entries,
    };
    // Dated when anything in it changed; a refresh that finds nothing new changes nothing.
    if table != *old {
        table.taken = keep(opts.date.clone());
    }
    warnings.dedup();
    Ok(Outcome {
        table,
        changes,
        warnings,
    })
}

/// The one product that answers `query` in `region`, priced; `None` when there is none.
async fn ask(
    price_list: &mut PriceList,
    query: &MeterQuery,
    region: &str,
) -> Result<Option<Priced>, RefreshError> {
    let request = meters::request(query, region);
    let name = format!(
        "{}/{}/{}",
        query.service,
        meters::scope_key(query, region),
        query.meter.name()
    );
    let fail = |detail: String| RefreshError::Product {
        meter: query.meter.name(),
        region: region.to_string(),
        detail,
    };
    let mut found: Vec<Product> = Vec::new();
    for text in price_list.products(&request, &name).await? {
        let Some(product) =
            Product::parse_if(text, |usage| meters::accepts(query, usage, Some(region)))
                .map_err(fail)?
        else {
            continue;
        };
        if !found.iter().any(|p| p.product.sku == product.product.sku) {
            found.push(product);
        }
    }
    match found.as_slice() {
        [] => Ok(None),
        [product] => {
            let priced = product.priced(query.per).map_err(|e| fail(e.to_string()))?;
            meters::check_unit(query, &priced.unit).map_err(fail)?;
            Ok(Some(priced))
        }
        many => Err(RefreshError::Ambiguous {
            meter: query.meter.name(),
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

/// A free first band that differs from the allowance `--free-tier` applies for the meter (a
/// product without one says nothing: AWS also keeps free tiers as products of their own).
fn free_band_warning(query: &MeterQuery, region: &str, answer: &Priced) -> Option<String> {
    let allowance = FREE_TIER
        .iter()
        .find(|a| a.meters.contains(&query.meter))
        .map(|a| a.units);
    (answer.free_units.is_some() && answer.free_units != allowance).then(|| {
        let said = |n: Option<u64>| {
            n.map_or_else(|| "none".to_string(), |n| format!("{n} {}", query.unit))
        };
        format!(
            "{} in {region}: the Price List's free first band is {}, stackgen's --free-tier \
             allowance (cost/prices/mod.rs FREE_TIER) is {}; align the allowance",
            query.meter.name(),
            said(answer.free_units),
            said(allowance)
        )
    })
}

/// The entry to write and what changed, from the table's entry and the Price List's answer.
fn merge(
    region: &'static str,
    query: &MeterQuery,
    before: Option<&EntryFile<'static>>,
    answer: Option<Priced>,
) -> Result<(Option<EntryFile<'static>>, Option<Change>), RefreshError> {
    let change = |kind| Change {
        region: region.to_string(),
        meter: query.meter,
        kind,
    };
    let Some(answer) = answer else {
        let kind = |b: &EntryFile<'static>| match &b.price_list {
            Some(p) => ChangeKind::Vanished {
                sku: p.sku.to_string(),
            },
            None => ChangeKind::Kept {
                why: "the Price List has no product for this query; kept by hand".into(),
            },
        };
        return Ok((before.cloned(), before.map(|b| change(kind(b)))));
    };
    let mut tiers: Vec<(Option<u64>, &'static str)> = Vec::new();
    for (up_to, usd) in answer.tiers {
        let usd = keep(usd);
        Price::parse(usd, query.per).map_err(|why| RefreshError::Product {
            meter: query.meter.name(),
            region: region.to_string(),
            detail: format!("amount {usd} per {}: {why}", query.per),
        })?;
        tiers.push((up_to, usd));
    }
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
        Some(b) if same_price(b, &entry) && (b.per, b.unit) == (entry.per, entry.unit) => {
            ChangeKind::Confirmed
        }
        Some(b) if same_price(b, &entry) => ChangeKind::Restated {
            from: describe(b),
            to,
        },
        Some(b) => ChangeKind::Moved {
            from: describe(b),
            to,
        },
    };
    Ok((Some(entry), Some(change(kind))))
}

/// Each band's bound and price, read as the table reads it.
fn bands(e: &EntryFile<'static>) -> Vec<(Option<u64>, Option<Price>)> {
    let price = |usd: &'static str| Price::parse(usd, e.per).ok();
    match (&e.usd, &e.tiers) {
        (Some(usd), _) => vec![(None, price(usd))],
        (None, Some(t)) => t.iter().map(|(up, usd)| (*up, price(usd))).collect(),
        (None, None) => Vec::new(),
    }
}

/// The same bands at the same price per unit, whatever block each quotes it per.
fn same_price(a: &EntryFile<'static>, b: &EntryFile<'static>) -> bool {
    let (ba, bb) = (bands(a), bands(b));
    ba.len() == bb.len()
        && ba.iter().zip(&bb).all(|((ua, pa), (ub, pb))| {
            ua == ub
                && match (pa, pb) {
                    (Some(pa), Some(pb)) => {
                        pa.pico_per_block() * i128::from(pb.per())
                            == pb.pico_per_block() * i128::from(pa.per())
                    }
                    _ => false,
                }
        })
}

/// `$0.20 per 1M requests`, or each band: `$0.40 per 1M requests to 100000000000, …, $0.24 per
/// 1M requests beyond`.
pub fn describe(e: &EntryFile<'static>) -> String {
    let said =
        |p: &Option<Price>| p.map_or_else(|| "an unreadable amount".into(), |p| p.describe(e.unit));
    let bands = bands(e);
    match bands.as_slice() {
        [(None, p)] => said(p),
        _ => bands
            .iter()
            .map(|(up, p)| match up {
                Some(up) => format!("{} to {up}", said(p)),
                None => format!("{} beyond", said(p)),
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prices;

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

    fn priced(free_units: Option<u64>) -> Priced {
        Priced {
            sku: "FIXTURE-SQS".into(),
            effective: "2026-11-01".into(),
            unit: "Requests".into(),
            tiers: vec![(None, "0.40".into())],
            free_units,
        }
    }

    #[test]
    fn a_free_band_unlike_the_allowance_is_a_warning() {
        let sqs = meters::query(Meter::SqsRequests).expect("queried");
        assert_eq!(
            free_band_warning(sqs, "us-east-1", &priced(Some(1_000_000))),
            None
        );
        assert_eq!(free_band_warning(sqs, "us-east-1", &priced(None)), None);
        let w = free_band_warning(sqs, "us-east-1", &priced(Some(2_000_000))).expect("warned");
        assert!(w.contains("free first band is 2000000 requests"), "{w}");
        assert!(
            w.contains("allowance (cost/prices/mod.rs FREE_TIER) is 1000000 requests"),
            "{w}"
        );
    }

    #[test]
    fn a_price_list_entry_without_an_answer_is_stale_a_hand_kept_one_is_kept() {
        let sqs = meters::query(Meter::SqsRequests).expect("queried");
        let (entry, change) = merge("us-east-1", sqs, None, Some(priced(None))).expect("merged");
        let entry = entry.expect("an entry");
        assert!(change.is_some_and(|c| c.is_stale()), "added");
        let (kept, change) = merge("us-east-1", sqs, Some(&entry), None).expect("merged");
        assert_eq!(kept.as_ref(), Some(&entry));
        let change = change.expect("a change");
        assert_eq!(
            change.kind,
            ChangeKind::Vanished {
                sku: "FIXTURE-SQS".into()
            }
        );
        assert!(change.is_stale());
        let by_hand = EntryFile {
            note: Some("memory"),
            price_list: None,
            ..entry
        };
        let (_, change) = merge("us-east-1", sqs, Some(&by_hand), None).expect("merged");
        assert!(!change.expect("a change").is_stale());
    }

    #[test]
    fn a_price_per_another_block_is_the_same_price() {
        let entry = |per, usd| EntryFile {
            region: "us-east-1",
            meter: Meter::SqsRequests,
            unit: "requests",
            per,
            usd: Some(usd),
            tiers: None,
            source: "sqs",
            note: Some("memory"),
            price_list: None,
        };
        assert!(same_price(
            &entry(1_000_000, "0.40"),
            &entry(1_000, "0.0004")
        ));
        assert!(same_price(&entry(3, "0.0000012"), &entry(1, "0.0000004")));
        assert!(!same_price(
            &entry(1_000_000, "0.40"),
            &entry(1_000_000, "0.41")
        ));
    }
}
