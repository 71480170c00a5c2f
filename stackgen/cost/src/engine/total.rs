//! The passes after drafting: the account-wide free tier handed out across the components in
//! template order (only with `--free-tier`), then each component priced once and summed.

use std::collections::BTreeSet;

use super::Month;
use super::context::Notes;
use super::draft::{Draft, q};
use crate::money::Qty;
use crate::prices::{FREE_TIER, Meter, PriceBook};
use crate::report::{Component, CostKind, Finding, PriceUsed, ResourceCost, Totals};

/// Hands out the always-free allowances, first come first served in template order.
pub(super) fn apply_free_tier(drafts: &mut [Draft]) {
    for a in FREE_TIER {
        let mut left = Qty::units(a.units);
        for c in drafts.iter_mut().flat_map(|d| d.comps.iter_mut()) {
            if left.is_zero() {
                break;
            }
            if c.meter.is_some_and(|m| a.meters.contains(&m)) {
                let take = left.min(c.qty.saturating_sub(c.free));
                c.free += take;
                left = left.saturating_sub(take);
            }
        }
    }
}

/// The metered lines the book could not price.
#[derive(Default)]
struct Missing {
    lines: usize,
    meters: BTreeSet<Meter>,
}

/// Prices every component of every draft and assembles the month.
pub(super) fn price(drafts: Vec<Draft>, book: &PriceBook, mut notes: Notes) -> Month {
    let mut used: BTreeSet<Meter> = BTreeSet::new();
    let mut missing = Missing::default();
    let mut resources = Vec::new();
    let mut totals = Totals::default();
    for mut d in drafts {
        let finding = d.finding.take();
        let rc = resource_cost(d, book, &mut used, &mut missing);
        totals.idle += rc.idle;
        totals.usage += rc.usage;
        if let Some((kind, message)) = finding {
            notes.findings.push(Finding {
                kind,
                logical_id: rc.logical_id.clone(),
                resource_type: rc.resource_type.clone(),
                monthly: Some(rc.idle),
                message,
            });
        }
        resources.push(rc);
    }
    totals.total = totals.idle + totals.usage;

    let prices: Vec<PriceUsed> = used
        .into_iter()
        .filter_map(|m| book.entry(m))
        .map(|e| PriceUsed {
            meter: e.meter.name(),
            price: e.rate.describe(e.unit),
            source: e.source.to_string(),
            basis: e.basis.label().to_string(),
            note: e.basis.note().to_string(),
        })
        .collect();

    Month {
        resources,
        totals,
        findings: notes.findings,
        free_resources: notes.free_resources,
        warnings: notes.warnings,
        prices,
        unpriced_lines: missing.lines,
        unpriced_meters: missing.meters,
    }
}

/// One resource's components priced (what is left after the free tier, at the book's rate).
fn resource_cost(
    d: Draft,
    book: &PriceBook,
    used: &mut BTreeSet<Meter>,
    missing: &mut Missing,
) -> ResourceCost {
    let mut rc = ResourceCost {
        logical_id: d.logical_id,
        resource_type: d.resource_type,
        idle: Default::default(),
        usage: Default::default(),
        total: Default::default(),
        components: Vec::new(),
    };
    for c in d.comps {
        let (unit, unit_price, monthly, meter_name) = match c.meter {
            Some(m) => match book.entry(m) {
                Some(e) => {
                    used.insert(m);
                    (
                        e.unit,
                        e.rate.describe(e.unit),
                        e.rate.cost(c.qty.saturating_sub(c.free)),
                        Some(m.name()),
                    )
                }
                None => {
                    missing.lines += 1;
                    missing.meters.insert(m);
                    (c.unit, "n/a".into(), Default::default(), Some(m.name()))
                }
            },
            None => (c.unit, "$0.00".into(), Default::default(), None),
        };
        match c.kind {
            CostKind::Idle => rc.idle += monthly,
            CostKind::Usage => rc.usage += monthly,
        }
        let formula = if c.free.is_zero() {
            c.formula
        } else {
            format!("{}; {} {unit} in the free tier", c.formula, q(c.free))
        };
        rc.components.push(Component {
            name: c.name,
            kind: c.kind,
            meter: meter_name,
            quantity: c.qty,
            unit: unit.to_string(),
            free_quantity: c.free,
            unit_price,
            monthly,
            formula,
        });
    }
    rc.total = rc.idle + rc.usage;
    rc
}
