//! The typed result of an estimate: what `cost-report` prints in every format.
//!
//! A report is per resource (like Infracost), each resource a list of cost components with the
//! quantity, unit price and formula used, split into idle cost (what the stack costs deployed
//! and untouched) and usage cost (what the traffic profile adds). It serialises to JSON with a
//! schema tag so that a saved report can be the base of `--compare`.

use serde::{Deserialize, Serialize};

use super::money::{Qty, Usd};

/// Schema tag of the JSON form.
pub const SCHEMA: &str = "stackgen.cost-report/v1";

fn qty_is_zero(q: &Qty) -> bool {
    q.is_zero()
}

/// Idle (fixed) or usage (traffic-driven) cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CostKind {
    Idle,
    Usage,
}

/// One priced quantity of a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// What is billed, e.g. `requests`, `duration (arm64)`, `idle SQS polling`.
    pub name: String,
    pub kind: CostKind,
    /// The price-table meter (kebab-case), absent for free lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meter: Option<String>,
    pub quantity: Qty,
    pub unit: String,
    /// Part of `quantity` covered by the free tier (only with `--free-tier`).
    #[serde(default, skip_serializing_if = "qty_is_zero")]
    pub free_quantity: Qty,
    /// The unit price as quoted, e.g. `$0.20 per 1M requests`.
    pub unit_price: String,
    pub monthly: Usd,
    /// How the quantity was obtained, with the numbers.
    pub formula: String,
}

/// The cost of one template resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceCost {
    pub logical_id: String,
    pub resource_type: String,
    pub idle: Usd,
    pub usage: Usd,
    pub total: Usd,
    pub components: Vec<Component>,
}

/// One stack's share of the month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackCost {
    pub stack: String,
    pub idle: Usd,
    pub total: Usd,
}

/// Idle, usage and their sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub idle: Usd,
    pub usage: Usd,
    pub total: Usd,
}

/// One line of the idle cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdleLine {
    pub logical_id: String,
    pub component: String,
    pub monthly: Usd,
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// Billed by the hour (or month) whether used or not.
    GhostSpend,
    /// A log group without retention: storage grows for ever.
    NeverExpiringLogs,
    /// A function logging to a group the stack does not declare (created by Lambda, never
    /// expires, left behind by destroy).
    UnmanagedLogGroup,
    /// Idle cost that is not hourly but recurs anyway (e.g. SQS polling).
    IdleRequests,
}

/// A FinOps finding about one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub logical_id: String,
    pub resource_type: String,
    /// Monthly cost when the table prices it; `None` when it is billed but unpriced (the
    /// estimate then excludes it).
    pub monthly: Option<Usd>,
    pub message: String,
}

/// A resource with no charge of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FreeResource {
    pub logical_id: String,
    pub resource_type: String,
    pub why: String,
}

/// The traffic profile the usage cost assumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileInfo {
    pub name: String,
    pub description: String,
    pub assumptions: Vec<String>,
}

/// Totals of one profile against the budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileTotal {
    pub profile: String,
    pub idle: Usd,
    pub usage: Usd,
    pub total: Usd,
    /// Share of the monthly budget, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_used_percent: Option<f64>,
    /// Budget minus total (negative: over budget).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headroom: Option<Usd>,
}

/// Where the budget amount comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    pub monthly_limit: Usd,
    /// `template: <logical id>` or `given`.
    pub source: String,
}

/// A price the report used, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceUsed {
    pub meter: String,
    pub price: String,
    pub source: String,
    pub basis: String,
    pub note: String,
}

/// The estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostReport {
    pub schema: String,
    /// What was estimated: the environment name or the template path.
    pub label: String,
    pub region: String,
    pub currency: String,
    /// Date of the embedded price table.
    pub prices_taken: String,
    pub free_tier: bool,
    pub profile: ProfileInfo,
    /// Each stack's idle and total, when the environment has several stacks (the global stack
    /// in us-east-1); its resources are named `<stack>/<logical id>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stacks: Vec<StackCost>,
    pub resources: Vec<ResourceCost>,
    pub totals: Totals,
    /// The components of the idle cost, largest first.
    pub idle_lines: Vec<IdleLine>,
    pub findings: Vec<Finding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Budget>,
    /// Totals under every built-in profile (and the chosen one), with budget headroom.
    pub profiles: Vec<ProfileTotal>,
    pub free_resources: Vec<FreeResource>,
    pub prices: Vec<PriceUsed>,
    /// Things the estimate could not price or had to assume.
    pub warnings: Vec<String>,
    /// Metered lines the region's prices do not cover (shown n/a, $0.00).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unpriced_lines: usize,
}

impl CostReport {
    /// The share of the estimate, in percent, priced from entries of the table that were checked
    /// against AWS's own figures (read from the Price List, or compared against a stored copy of
    /// the source); `None` when nothing costs money.
    pub fn checked_share_percent(&self) -> Option<f64> {
        let checked: Vec<&str> = self
            .prices
            .iter()
            .filter(|p| p.basis == "checked" || p.basis == "price list")
            .map(|p| p.meter.as_str())
            .collect();
        let in_checked = self
            .resources
            .iter()
            .flat_map(|r| &r.components)
            .filter(|c| c.meter.as_deref().is_some_and(|m| checked.contains(&m)))
            .fold(Usd::ZERO, |sum, c| sum + c.monthly);
        in_checked.percent_of(self.totals.total)
    }
}

impl CostReport {
    /// Reads a report written by `--format json`.
    pub fn from_json(text: &str) -> Result<CostReport, String> {
        let r: CostReport = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if r.schema != SCHEMA {
            return Err(format!("its schema is `{}`, expected `{SCHEMA}`", r.schema));
        }
        Ok(r)
    }

    /// The resource with this logical id.
    pub fn resource(&self, logical_id: &str) -> Option<&ResourceCost> {
        self.resources.iter().find(|r| r.logical_id == logical_id)
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
