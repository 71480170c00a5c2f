//! The pricing rules: template facts × traffic × price table → a month of cost components.
//!
//! One pricer per kind of resource (`pricers/`, grouped by service family) and one pass per
//! phase: the template-wide context first (`context.rs`: usage matched to resources, schedules,
//! log groups, subscriptions), then a draft per resource, then the free tier and the pricing
//! (`total.rs`). Three passes keep the arithmetic honest: quantities are worked out per resource first; then,
//! only with `--free-tier`, the account-wide always-free allowances are handed out across the
//! components in template order; then each component is priced once (fixed-point, rounded to
//! micro-dollars) and totals are integer sums. Volume tiers apply to one resource's quantity,
//! which only matters beyond the first tier (300M HTTP API requests, 6B GB-s, 10 TB CDN).
//!
//! Idle cost is what the stack costs deployed and untouched (alarms, dashboards, hourly
//! resources, SQS polling by event source mappings, schedules); usage cost is what the traffic
//! profile adds (requests, GB-seconds, request units, storage, transfer, logs).

mod context;
mod draft;
mod pricers;
mod total;

use super::prices::{Meter, PriceBook};
use super::report::{Finding, FreeResource, PriceUsed, ResourceCost, Totals};
use super::template::Inventory;
use super::traffic::Traffic;
use context::{Context, Notes};

/// SQS requests per message: SendMessage, ReceiveMessage, DeleteMessage (each up to 64 KB).
pub const SQS_REQUESTS_PER_MESSAGE: u64 = 3;
/// Concurrent long-pollers Lambda keeps on an SQS queue while it is empty.
pub const SQS_IDLE_POLLERS: u64 = 5;
/// Long polls a minute per poller (20-second waits).
pub const SQS_POLLS_PER_MINUTE: u64 = 3;
/// Duration assumed for scheduled invocations of a function the profile says nothing about.
pub const SCHEDULED_INVOCATION_MS: u64 = 1_000;
/// Months a never-expiring log group is shown at (its storage keeps growing after that).
pub const NEVER_EXPIRE_HORIZON_MONTHS: u64 = 12;

/// A month of one profile, before the report is assembled.
pub struct Month {
    pub resources: Vec<ResourceCost>,
    pub totals: Totals,
    pub findings: Vec<Finding>,
    pub free_resources: Vec<FreeResource>,
    pub warnings: Vec<String>,
    pub prices: Vec<PriceUsed>,
    /// Metered lines the region's book has no price for, and their meters.
    pub unpriced_lines: usize,
    pub unpriced_meters: std::collections::BTreeSet<Meter>,
}

/// Prices one month of `traffic` on the resources of `inv`.
pub fn price_month(inv: &Inventory, book: &PriceBook, traffic: &Traffic, free_tier: bool) -> Month {
    let mut notes = Notes {
        warnings: inv.notes.clone(),
        ..Notes::default()
    };
    let ctx = Context::new(inv, book, traffic, &mut notes);
    let mut drafts: Vec<draft::Draft> = inv
        .resources
        .iter()
        .filter_map(|r| pricers::draft(&ctx, r, &mut notes))
        .collect();
    if free_tier {
        total::apply_free_tier(&mut drafts);
    }
    total::price(drafts, book, notes)
}
