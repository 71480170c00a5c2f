//! A resource's month before it is priced: its cost components with their quantities and the
//! formulas that explain them.

use super::NEVER_EXPIRE_HORIZON_MONTHS;
use crate::money::Qty;
use crate::prices::{HOURS_PER_MONTH, Meter};
use crate::report::{CostKind, FindingKind};
use crate::template::Resource;

pub(super) struct DraftComp {
    pub name: String,
    pub kind: CostKind,
    pub meter: Option<Meter>,
    pub qty: Qty,
    pub unit: &'static str,
    pub formula: String,
    pub free: Qty,
}

pub(super) struct Draft {
    pub logical_id: String,
    pub resource_type: String,
    pub comps: Vec<DraftComp>,
    /// A finding whose amount is this resource's idle cost, filled in after pricing.
    pub finding: Option<(FindingKind, String)>,
}

impl Draft {
    pub fn new(r: &Resource) -> Self {
        Draft {
            logical_id: r.logical_id.clone(),
            resource_type: r.resource_type.clone(),
            comps: Vec::new(),
            finding: None,
        }
    }

    pub fn add(&mut self, kind: CostKind, name: &str, meter: Meter, qty: Qty, formula: String) {
        if qty.is_zero() {
            return;
        }
        self.comps.push(DraftComp {
            name: name.to_string(),
            kind,
            meter: Some(meter),
            qty,
            unit: "",
            formula,
            free: Qty::ZERO,
        });
    }

    /// Storage of logs that never expire, shown at month [`NEVER_EXPIRE_HORIZON_MONTHS`].
    pub fn add_never_expiring_logs(&mut self, gb_a_month: Qty) {
        let stored = gb_a_month.scale(NEVER_EXPIRE_HORIZON_MONTHS);
        self.add(
            CostKind::Usage,
            "logs storage (never expires; month 12)",
            Meter::CloudWatchLogsStorage,
            stored,
            format!(
                "{} GB a month × {NEVER_EXPIRE_HORIZON_MONTHS} months kept",
                q(gb_a_month)
            ),
        );
    }

    pub fn add_free(&mut self, name: &str, unit: &'static str, formula: &str) {
        self.comps.push(DraftComp {
            name: name.to_string(),
            kind: CostKind::Idle,
            meter: None,
            qty: Qty::units(1),
            unit,
            formula: formula.to_string(),
            free: Qty::ZERO,
        });
    }
}

/// GB-seconds of `micro_ms` micro-milliseconds at `mb` MB (Lambda counts 1 GB as 1,024 MB).
pub(super) fn gb_seconds(micro_ms: u128, mb: u64) -> Qty {
    Qty::from_micros(
        u64::try_from((micro_ms * u128::from(mb) + 512_000) / 1_024_000).unwrap_or(u64::MAX),
    )
}

pub(super) fn q(v: Qty) -> String {
    v.display()
}

/// A month of hours, as a quantity.
pub(super) fn months_qty() -> Qty {
    Qty::units(HOURS_PER_MONTH)
}
