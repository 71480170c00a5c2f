//! `--compare`: the cost difference between two estimates, for CI.
//!
//! A pull request that adds a NAT gateway or an alarm per function should say what it does to
//! the bill. The diff is per resource (added, removed, changed), largest change first, with the
//! idle and usage deltas kept apart: a change to idle cost is paid even when nobody uses the
//! environment.

use serde::{Deserialize, Serialize};

use super::money::Usd;
use super::report::{CostReport, ResourceCost, Totals};

/// How a resource's cost changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// One resource's cost change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffRow {
    pub logical_id: String,
    pub resource_type: String,
    pub change: Change,
    pub base_total: Usd,
    pub head_total: Usd,
    pub delta_idle: Usd,
    pub delta_usage: Usd,
    pub delta_total: Usd,
}

/// The difference `head - base`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostDiff {
    pub base_label: String,
    pub head_label: String,
    pub base_profile: String,
    pub head_profile: String,
    pub base_totals: Totals,
    pub head_totals: Totals,
    pub delta: Totals,
    /// Resources whose cost changed (or that appeared or disappeared), largest change first.
    pub rows: Vec<DiffRow>,
    /// Resources present on both sides at the same cost.
    pub unchanged: usize,
    pub warnings: Vec<String>,
}

impl CostDiff {
    /// Whether anything about the bill changed.
    pub fn has_changes(&self) -> bool {
        !self.rows.is_empty()
    }
}

fn zero_totals() -> (Usd, Usd, Usd) {
    (Usd::ZERO, Usd::ZERO, Usd::ZERO)
}

fn parts(r: Option<&ResourceCost>) -> (Usd, Usd, Usd) {
    r.map_or_else(zero_totals, |r| (r.idle, r.usage, r.total))
}

/// What differs between the two estimates' assumptions, so their deltas mix two changes.
fn assumption_warnings(base: &CostReport, head: &CostReport) -> Vec<String> {
    let mut warnings = Vec::new();
    if base.profile.name != head.profile.name {
        warnings.push(format!(
            "the two estimates use different traffic profiles (`{}` and `{}`): usage deltas \
             mix a change of stack with a change of assumptions",
            base.profile.name, head.profile.name
        ));
    }
    if base.region != head.region {
        warnings.push(format!(
            "the two estimates are in different regions ({} and {})",
            base.region, head.region
        ));
    }
    if base.free_tier != head.free_tier {
        warnings.push("only one of the two estimates applies the free tier".into());
    }
    if base.prices_taken != head.prices_taken {
        warnings.push(format!(
            "the two estimates use price tables of different dates ({} and {})",
            base.prices_taken, head.prices_taken
        ));
    }
    warnings
}

/// Compares two estimates.
pub fn compare(base: &CostReport, head: &CostReport) -> CostDiff {
    let warnings = assumption_warnings(base, head);
    let mut ids: Vec<(&str, &str)> = Vec::new();
    for r in base.resources.iter().chain(head.resources.iter()) {
        if !ids.iter().any(|(id, _)| *id == r.logical_id) {
            ids.push((&r.logical_id, &r.resource_type));
        }
    }
    let mut rows = Vec::new();
    let mut unchanged = 0;
    for (id, ty) in ids {
        let b = base.resource(id);
        let h = head.resource(id);
        let (bi, bu, bt) = parts(b);
        let (hi, hu, ht) = parts(h);
        let change = match (b, h) {
            (None, Some(_)) => Change::Added,
            (Some(_), None) => Change::Removed,
            _ if bi == hi && bu == hu => {
                unchanged += 1;
                continue;
            }
            _ => Change::Changed,
        };
        rows.push(DiffRow {
            logical_id: id.to_string(),
            resource_type: h.or(b).map_or(ty, |r| r.resource_type.as_str()).to_string(),
            change,
            base_total: bt,
            head_total: ht,
            delta_idle: hi - bi,
            delta_usage: hu - bu,
            delta_total: ht - bt,
        });
    }
    rows.sort_by(|a, b| {
        b.delta_total
            .micros()
            .unsigned_abs()
            .cmp(&a.delta_total.micros().unsigned_abs())
            .then_with(|| a.logical_id.cmp(&b.logical_id))
    });
    CostDiff {
        base_label: base.label.clone(),
        head_label: head.label.clone(),
        base_profile: base.profile.name.clone(),
        head_profile: head.profile.name.clone(),
        base_totals: base.totals,
        head_totals: head.totals,
        delta: Totals {
            idle: head.totals.idle - base.totals.idle,
            usage: head.totals.usage - base.totals.usage,
            total: head.totals.total - base.totals.total,
        },
        rows,
        unchanged,
        warnings,
    }
}
