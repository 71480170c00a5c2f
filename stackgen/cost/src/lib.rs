//! `stackgen cost-report`: what an environment costs, before and after it is deployed.
//!
//! The FinOps user needs three answers: what the stack will cost (an estimate per resource,
//! split into idle and usage cost under a stated traffic profile), what it costs now (Cost
//! Explorer actuals for the environment's tags, against the budget), and what a change will do
//! to the bill (`--compare`). This crate is the library behind the command; the CLI layer only
//! parses flags, renders the environment's template and prints what comes back.
//!
//! ```text
//! rendered template (JSON) ─► template::Inventory ─┐
//! traffic profile ─────────► traffic::Traffic ─────┼─► engine ─► CostReport ─► render::{table,json,csv,markdown}
//! prices::embedded().book(region) ─────────────────┘                 │
//!                                     compare::compare(base, head) ◄─┘
//! Cost Explorer ─► actuals::fetch ─► Actuals ─► render
//! ```

pub mod actuals;
pub mod compare;
mod engine;
pub mod error;
mod matching;
pub mod money;
pub mod pricelist;
pub mod prices;
pub mod render;
pub mod report;
mod schedule;
pub mod template;
pub mod traffic;

use std::path::Path;

use serde_json::Value;

pub use actuals::{Actuals, ActualsQuery, ForecastSource};
pub use compare::{CostDiff, compare};
pub use engine::{SQS_IDLE_POLLERS, SQS_POLLS_PER_MINUTE, SQS_REQUESTS_PER_MESSAGE};
pub use error::CostError;
pub use money::{Qty, Usd};
pub use render::Format;
pub use report::{CostReport, FindingKind, ResourceCost};
pub use traffic::{BuiltinProfile, Traffic, TrafficArg};

use report::{Budget, IdleLine, ProfileInfo, ProfileTotal, SCHEMA};
use template::{Facts, Inventory};

/// How to estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateOptions {
    /// What is estimated, for the report header (environment name or template path).
    pub label: String,
    /// The region whose prices apply (the environment's region).
    pub region: String,
    /// Apply the account's always-free allowances (off by default: they are shared by the
    /// whole account).
    pub free_tier: bool,
    /// Monthly budget to measure headroom against when the template declares none.
    pub budget: Option<Usd>,
}

/// Refuses an estimate one of whose lines ran out of the arithmetic's range: a saturated
/// number would be printed as if it were a price. (A profile's numbers are bounded when it is
/// read; products of the largest of them can still get there.)
fn out_of_range(traffic: &Traffic, resources: &[ResourceCost]) -> Result<(), CostError> {
    for r in resources {
        let saturated = r.components.iter().find(|c| {
            c.quantity.is_saturated() || c.free_quantity.is_saturated() || c.monthly.is_saturated()
        });
        let total = (r.total.is_saturated() || r.usage.is_saturated()).then_some("total");
        if let Some(component) = saturated.map(|c| c.name.as_str()).or(total) {
            return Err(CostError::OutOfRange {
                profile: traffic.name.clone(),
                resource: r.logical_id.clone(),
                component: component.to_owned(),
            });
        }
    }
    Ok(())
}

/// Estimates one month of `template` (a rendered CloudFormation template) under `traffic`.
pub fn estimate(
    template: &Value,
    traffic: &Traffic,
    opts: &EstimateOptions,
) -> Result<CostReport, CostError> {
    // A commercial region the table does not price yet still gets its resources and quantities,
    // every metered line marked unpriced; an unknown region name is an error.
    let table = prices::embedded().map_err(CostError::PriceTable)?;
    let fallback;
    let book = match table.book(&opts.region) {
        Some(book) => book,
        None => {
            fallback = unpriced_book(table, &opts.region)?;
            &fallback
        }
    };
    let inv = Inventory::read(template)?;
    let month = engine::price_month(&inv, book, traffic, opts.free_tier);
    out_of_range(traffic, &month.resources)?;

    let budget = template_budget(&inv).or_else(|| {
        opts.budget.map(|b| Budget {
            monthly_limit: b,
            source: "given".into(),
        })
    });
    let limit = budget.as_ref().map(|b| b.monthly_limit);
    let profiles = profile_totals(&inv, book, traffic, opts.free_tier, month.totals, limit);
    let idle_lines = idle_lines(&month.resources);

    let mut warnings = month.warnings;
    warnings.dedup();
    if let Some(w) = unpriced_warning(table, book, month.unpriced_lines, &month.unpriced_meters) {
        warnings.insert(0, w);
    }

    Ok(CostReport {
        schema: SCHEMA.to_string(),
        label: opts.label.clone(),
        region: opts.region.clone(),
        currency: "USD".into(),
        prices_taken: table.taken().into(),
        free_tier: opts.free_tier,
        profile: ProfileInfo {
            name: traffic.name.clone(),
            description: traffic.description.clone(),
            assumptions: traffic.assumptions.clone(),
        },
        stacks: stack_totals(template, &month.resources),
        resources: month.resources,
        totals: month.totals,
        idle_lines,
        findings: month.findings,
        budget,
        profiles,
        free_resources: month.free_resources,
        prices: month.prices,
        warnings,
        unpriced_lines: month.unpriced_lines,
    })
}

/// The price book of a known commercial region the embedded table does not price yet: every
/// metered line unpriced. An unknown region name is an error.
fn unpriced_book(table: &prices::Table, region: &str) -> Result<prices::PriceBook, CostError> {
    let known = stackgen_env::KNOWN_REGIONS
        .iter()
        .find(|r| **r == region)
        .ok_or_else(|| CostError::UnsupportedRegion {
            region: region.to_owned(),
            supported: table.regions().join(", "),
            taken: table.taken(),
        })?;
    Ok(prices::unpriced(known))
}

/// The month's totals under every built-in traffic profile, and under `traffic` too when it is
/// none of them (`chosen`: its totals, already priced), each against the budget's `limit`.
fn profile_totals(
    inv: &Inventory,
    book: &prices::PriceBook,
    traffic: &Traffic,
    free_tier: bool,
    chosen: report::Totals,
    limit: Option<Usd>,
) -> Vec<ProfileTotal> {
    let row = |name: &str, t: report::Totals| ProfileTotal {
        profile: name.to_string(),
        idle: t.idle,
        usage: t.usage,
        total: t.total,
        budget_used_percent: limit.and_then(|l| t.total.percent_of(l)),
        headroom: limit.map(|l| l - t.total),
    };
    let mut profiles = Vec::new();
    let mut chosen_is_builtin = false;
    for p in BuiltinProfile::ALL {
        let builtin = Traffic::builtin(p);
        if builtin == *traffic {
            chosen_is_builtin = true;
            profiles.push(row(p.name(), chosen));
        } else {
            let m = engine::price_month(inv, book, &builtin, free_tier);
            profiles.push(row(p.name(), m.totals));
        }
    }
    if !chosen_is_builtin {
        profiles.push(row(&traffic.name, chosen));
    }
    profiles
}

/// Every resource's nonzero idle components, the most expensive first.
fn idle_lines(resources: &[report::ResourceCost]) -> Vec<IdleLine> {
    let mut lines: Vec<IdleLine> = resources
        .iter()
        .flat_map(|r| {
            r.components
                .iter()
                .filter(|c| c.kind == report::CostKind::Idle && !c.monthly.is_zero())
                .map(|c| IdleLine {
                    logical_id: r.logical_id.clone(),
                    component: c.name.clone(),
                    monthly: c.monthly,
                })
        })
        .collect();
    lines.sort_by(|a, b| {
        b.monthly
            .cmp(&a.monthly)
            .then_with(|| a.logical_id.cmp(&b.logical_id))
    });
    lines
}

/// One warning for every metered line the region's prices do not cover: the whole region
/// (a region the table lacks) or the meters it has no entry for.
fn unpriced_warning(
    table: &prices::Table,
    book: &prices::PriceBook,
    lines: usize,
    meters: &std::collections::BTreeSet<prices::Meter>,
) -> Option<String> {
    if lines == 0 {
        return None;
    }
    if book.is_unpriced() {
        return Some(format!(
            "region {} is not in the embedded price table (taken {}; it covers {}): the {lines} \
             metered lines below show their quantities unpriced (n/a, $0.00), so the totals \
             are only what is free; estimate in a covered region for prices",
            book.region,
            table.taken(),
            table.regions().join(", ")
        ));
    }
    let names: Vec<String> = meters.iter().map(|m| m.name()).collect();
    Some(format!(
        "the price table (taken {}) has no {} price for {} meter{} used here ({}): the {lines} \
         line{} using them show their quantities unpriced (n/a, $0.00), so the totals are low \
         by their cost; the other lines are priced",
        table.taken(),
        book.region,
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        names.join(", "),
        if lines == 1 { "" } else { "s" },
    ))
}

/// Where [`whole_environment`] names the main stack in the merged template's `Metadata`.
const MAIN_STACK_KEY: &str = "stackgen:mainStack";

/// Each stack's share of the month, when the template holds several stacks
/// ([`whole_environment`]): resources named `<stack>/<id>` belong to that stack, the others to
/// the main stack. Empty for one stack.
fn stack_totals(template: &Value, resources: &[report::ResourceCost]) -> Vec<report::StackCost> {
    let Some(main) = template
        .get("Metadata")
        .and_then(|m| m.get(MAIN_STACK_KEY))
        .and_then(Value::as_str)
    else {
        return Vec::new();
    };
    let mut stacks: Vec<report::StackCost> = Vec::new();
    for r in resources {
        let stack = r.logical_id.split_once('/').map_or(main, |(s, _)| s);
        let at = match stacks.iter().position(|s| s.stack == stack) {
            Some(i) => i,
            None => {
                stacks.push(report::StackCost {
                    stack: stack.to_owned(),
                    idle: Usd::ZERO,
                    total: Usd::ZERO,
                });
                stacks.len() - 1
            }
        };
        stacks[at].idle += r.idle;
        stacks[at].total += r.total;
    }
    stacks
}

/// The environment's stacks as one template to estimate: the main stack's, with every
/// companion stack's resources added as `<stack>/<logical id>` (the report's lines name the
/// stack they are in). Companion resources are priced at the environment region's rates: the
/// global stack holds WAF web ACLs and ACM certificates, whose prices are the same in the
/// table's regions (a test compares them).
pub fn whole_environment(main_stack: &str, main: &Value, companions: &[(String, Value)]) -> Value {
    let mut merged = main.clone();
    if !companions.is_empty()
        && let Some(root) = merged.as_object_mut()
    {
        root.insert(
            "Metadata".to_owned(),
            serde_json::json!({ MAIN_STACK_KEY: main_stack }),
        );
    }
    if let Some(resources) = merged.get_mut("Resources").and_then(Value::as_object_mut) {
        for (stack, template) in companions {
            if let Some(theirs) = template.get("Resources").and_then(Value::as_object) {
                for (id, resource) in theirs {
                    resources.insert(format!("{stack}/{id}"), resource.clone());
                }
            }
        }
    }
    merged
}

/// The monthly cost budget the template declares (the first one with a literal USD limit).
fn template_budget(inv: &Inventory) -> Option<Budget> {
    inv.resources.iter().find_map(|r| match &r.facts {
        Facts::Budget {
            limit_usd: Some(amount),
            ..
        } => Usd::parse(amount).map(|limit| Budget {
            monthly_limit: limit,
            source: format!("template: {}", r.logical_id),
        }),
        _ => None,
    })
}

/// The base of `--compare FILE`: a JSON cost report written by `--format json`, or a rendered
/// template JSON, which is estimated with the same profile and options.
pub fn load_compare_base(
    path: &Path,
    traffic: &Traffic,
    opts: &EstimateOptions,
) -> Result<CostReport, CostError> {
    let fail = |message: String| CostError::CompareBase {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| fail(format!("not JSON ({e})")))?;
    if v.get("schema").is_some() {
        return CostReport::from_json(&text).map_err(fail);
    }
    if v.get("Resources").is_some() {
        let o = EstimateOptions {
            label: path.display().to_string(),
            ..opts.clone()
        };
        return estimate(&v, traffic, &o);
    }
    Err(fail(
        "it is neither a cost report (no `schema`) nor a template (no `Resources`)".into(),
    ))
}
