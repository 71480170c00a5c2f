//! What the pricers need to know about the whole template before any one resource is priced:
//! which resource each piece of the traffic profile lands on, how often schedules invoke each
//! function, which functions write to which log group, and which topic has which subscribers.

use std::collections::{BTreeMap, BTreeSet};

use super::SCHEDULED_INVOCATION_MS;
use crate::matching::{Matched, functions_logging_to, match_usage};
use crate::money::Qty;
use crate::prices::PriceBook;
use crate::report::{Finding, FreeResource};
use crate::schedule::invocations_per_month;
use crate::template::{Facts, Inventory, Resource};
use crate::traffic::{
    BucketUsage, FunctionUsage, QueueUsage, TableUsage, TopicUsage, Traffic, normalize,
};

/// What the month's passes write besides the priced resources.
#[derive(Default)]
pub(super) struct Notes {
    pub warnings: Vec<String>,
    pub findings: Vec<Finding>,
    pub free_resources: Vec<FreeResource>,
    /// Budgets whose action-enabled day rate is already counted (one per budget).
    pub action_budgets_seen: BTreeSet<String>,
}

/// The traffic profile's usage, matched to the template's resources.
pub(super) struct Usage<'t> {
    pub functions: Matched<'t, FunctionUsage>,
    pub tables: Matched<'t, TableUsage>,
    pub buckets: Matched<'t, BucketUsage>,
    pub queues: Matched<'t, QueueUsage>,
    pub topics: Matched<'t, TopicUsage>,
}

/// A function's month: the profile's invocations and the scheduled ones.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct FnMonth {
    pub requests: Qty,
    /// Total billed time of the profile's invocations, micro-milliseconds.
    pub micro_ms: u128,
    pub sched_requests: Qty,
    pub sched_micro_ms: u128,
    pub logs: Qty,
}

/// Everything the pricers read.
pub(super) struct Context<'a> {
    pub inv: &'a Inventory,
    pub book: &'a PriceBook,
    pub traffic: &'a Traffic,
    pub usage: Usage<'a>,
    pub fn_month: BTreeMap<String, FnMonth>,
    /// Function → the declared log group it writes to.
    pub fn_group: BTreeMap<String, String>,
    /// Declared log group → the functions writing to it.
    pub group_fns: BTreeMap<String, Vec<String>>,
    /// Topic → its subscriptions' protocols.
    pub subs: BTreeMap<String, Vec<String>>,
    /// The API and the distribution the profile's requests are priced on (the first of each).
    pub api_target: Option<String>,
    pub cdn_target: Option<String>,
    /// The resource the profile's customer emails are priced on: the first function that may
    /// send email, else the first SES identity of the template (a stack that keeps its sender
    /// outside, as stackgen's does, has only the function).
    pub email_target: Option<String>,
}

impl<'a> Context<'a> {
    pub fn new(
        inv: &'a Inventory,
        book: &'a PriceBook,
        traffic: &'a Traffic,
        notes: &mut Notes,
    ) -> Self {
        let usage = Usage::matched(inv, traffic, &mut notes.warnings);
        let scheduled = scheduled_invocations(inv);
        let fn_month = function_months(inv, traffic, &usage, &scheduled);
        let (fn_group, group_fns) = log_groups(inv);
        let (api_target, cdn_target) = targets(inv, traffic, &mut notes.warnings);
        Context {
            inv,
            book,
            traffic,
            usage,
            fn_month,
            fn_group,
            group_fns,
            subs: subscriptions(inv),
            api_target,
            cdn_target,
            email_target: email_target(inv),
        }
    }
}

fn email_target(inv: &Inventory) -> Option<String> {
    let first = |pred: fn(&Facts) -> bool| {
        inv.resources
            .iter()
            .find(|r| pred(&r.facts))
            .map(|r| r.logical_id.clone())
    };
    first(|f| {
        matches!(
            f,
            Facts::Function {
                sends_email: true,
                ..
            }
        )
    })
    .or_else(|| first(|f| matches!(f, Facts::EmailIdentity)))
}

fn of_kind(inv: &Inventory, pred: fn(&Facts) -> bool) -> Vec<&Resource> {
    inv.resources.iter().filter(|r| pred(&r.facts)).collect()
}

impl<'t> Usage<'t> {
    /// Matches each usage key of the profile to a resource; warns about keys that name none or
    /// several.
    fn matched(inv: &Inventory, traffic: &'t Traffic, warnings: &mut Vec<String>) -> Self {
        let functions = of_kind(inv, |f| matches!(f, Facts::Function { .. }));
        let tables = of_kind(inv, |f| matches!(f, Facts::Table { .. }));
        let buckets = of_kind(inv, |f| matches!(f, Facts::Bucket { .. }));
        let queues = of_kind(inv, |f| matches!(f, Facts::Queue { .. }));
        let topics = of_kind(inv, |f| matches!(f, Facts::Topic { .. }));
        let origin_buckets: BTreeSet<String> = inv
            .resources
            .iter()
            .flat_map(|r| match &r.facts {
                Facts::Distribution { origin_buckets, .. } => origin_buckets.clone(),
                _ => Vec::new(),
            })
            .collect();
        let no_extra = |_: &str, _: &Resource| false;
        let site_extra = |key: &str, r: &Resource| {
            normalize(key) == "site" && origin_buckets.contains(&r.logical_id)
        };
        let usage = Usage {
            functions: match_usage(&traffic.functions, &functions, &no_extra),
            tables: match_usage(&traffic.tables, &tables, &no_extra),
            buckets: match_usage(&traffic.buckets, &buckets, &site_extra),
            queues: match_usage(&traffic.queues, &queues, &no_extra),
            topics: match_usage(&traffic.topics, &topics, &no_extra),
        };
        unmatched_warnings(
            &traffic.name,
            "function",
            &usage.functions,
            &functions,
            warnings,
        );
        unmatched_warnings(&traffic.name, "table", &usage.tables, &tables, warnings);
        unmatched_warnings(&traffic.name, "bucket", &usage.buckets, &buckets, warnings);
        unmatched_warnings(&traffic.name, "queue", &usage.queues, &queues, warnings);
        unmatched_warnings(&traffic.name, "topic", &usage.topics, &topics, warnings);
        usage
    }
}

fn unmatched_warnings<T>(
    profile: &str,
    kind: &str,
    matched: &Matched<'_, T>,
    cands: &[&Resource],
    warnings: &mut Vec<String>,
) {
    for key in &matched.unmatched {
        let known: Vec<&str> = cands.iter().map(|r| r.logical_id.as_str()).collect();
        let hint = crate::matching::closest_key(key, cands)
            .map(|k| format!("did you mean `{k}`? The template's {kind}s: "))
            .unwrap_or_default();
        warnings.push(format!(
            "traffic profile `{profile}` has usage for {kind} `{key}`, which names no {kind} of \
             the template ({hint}{}); that usage is not priced",
            if known.is_empty() {
                "it has none".to_string()
            } else {
                known.join(", ")
            }
        ));
    }
    for (key, ids) in &matched.ambiguous {
        warnings.push(format!(
            "traffic profile `{profile}`: {kind} key `{key}` names {} — priced on {} only; use a \
             logical id to choose",
            ids.join(", "),
            ids[0]
        ));
    }
    for (key, first, id) in &matched.repeated {
        warnings.push(format!(
            "traffic profile `{profile}`: {kind} keys `{first}` and `{key}` both name {id} — \
             only `{first}`'s usage is priced; give each {kind} once"
        ));
    }
}

/// Scheduled invocations of functions a month (schedules and scheduled rules).
fn scheduled_invocations(inv: &Inventory) -> BTreeMap<String, Qty> {
    let mut scheduled: BTreeMap<String, Qty> = BTreeMap::new();
    for r in &inv.resources {
        let (expr, enabled, targets): (Option<&String>, bool, Vec<String>) = match &r.facts {
            Facts::Schedule {
                expression,
                enabled,
                target_function,
            } => (
                expression.as_ref(),
                *enabled,
                target_function.iter().cloned().collect(),
            ),
            Facts::EventsRule {
                schedule,
                enabled,
                target_functions,
            } => (schedule.as_ref(), *enabled, target_functions.clone()),
            _ => continue,
        };
        if !enabled {
            continue;
        }
        if let Some(n) = expr.and_then(|e| invocations_per_month(e)) {
            for t in targets {
                *scheduled.entry(t).or_default() += n;
            }
        }
    }
    scheduled
}

/// Which functions write to which declared log group, both ways.
fn log_groups(inv: &Inventory) -> (BTreeMap<String, String>, BTreeMap<String, Vec<String>>) {
    let mut fn_group: BTreeMap<String, String> = BTreeMap::new();
    let mut group_fns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &inv.resources {
        if matches!(r.facts, Facts::LogGroup { .. }) {
            let fns = functions_logging_to(inv, r);
            for f in &fns {
                fn_group
                    .entry(f.clone())
                    .or_insert_with(|| r.logical_id.clone());
            }
            group_fns.insert(r.logical_id.clone(), fns);
        }
    }
    (fn_group, group_fns)
}

/// Per-function month: the profile's invocations and the scheduled ones, kept apart because
/// schedules fire whether anyone uses the stack or not (idle cost).
fn function_months(
    inv: &Inventory,
    traffic: &Traffic,
    usage: &Usage,
    scheduled: &BTreeMap<String, Qty>,
) -> BTreeMap<String, FnMonth> {
    let mut fn_month: BTreeMap<String, FnMonth> = BTreeMap::new();
    for f in of_kind(inv, |f| matches!(f, Facts::Function { .. })) {
        let u: Option<&FunctionUsage> = usage.functions.by_resource.get(&f.logical_id).copied();
        let inv_n = u.map_or(0, |u| u.invocations);
        let avg = u.map_or(Qty::ZERO, |u| u.avg_duration_ms);
        let mut m = FnMonth {
            requests: Qty::units(inv_n),
            micro_ms: u128::from(inv_n) * u128::from(avg.micros()),
            logs: u.map_or(Qty::ZERO, |u| traffic.log_gb(u)),
            ..FnMonth::default()
        };
        if let Some(s) = scheduled.get(&f.logical_id) {
            let ms = if avg.is_zero() {
                Qty::units(SCHEDULED_INVOCATION_MS)
            } else {
                avg
            };
            m.sched_requests = *s;
            m.sched_micro_ms = u128::from(s.micros()) * u128::from(ms.micros()) / 1_000_000;
        }
        fn_month.insert(f.logical_id.clone(), m);
    }
    fn_month
}

/// The API and the distribution the profile's requests land on; warns when the profile has
/// traffic for one the template lacks.
fn targets(
    inv: &Inventory,
    traffic: &Traffic,
    warnings: &mut Vec<String>,
) -> (Option<String>, Option<String>) {
    let first_of = |pred: fn(&Facts) -> bool| {
        inv.resources
            .iter()
            .find(|r| pred(&r.facts))
            .map(|r| r.logical_id.clone())
    };
    let api_target = first_of(|f| matches!(f, Facts::HttpApi))
        .or_else(|| first_of(|f| matches!(f, Facts::RestApi)));
    if traffic.api_requests > 0 && api_target.is_none() {
        warnings.push(format!(
            "traffic profile `{}` has {} API requests but the template has no HTTP or REST API; \
             they are not priced",
            traffic.name, traffic.api_requests
        ));
    }
    let cdn_target = first_of(|f| matches!(f, Facts::Distribution { .. }));
    if (traffic.cloudfront.requests > 0 || !traffic.cloudfront.data_out_gb.is_zero())
        && cdn_target.is_none()
    {
        warnings.push(format!(
            "traffic profile `{}` has CDN traffic but the template has no CloudFront \
             distribution; it is not priced",
            traffic.name
        ));
    }
    (api_target, cdn_target)
}

/// Subscriptions' protocols per topic (resources and inline ones).
fn subscriptions(inv: &Inventory) -> BTreeMap<String, Vec<String>> {
    let mut subs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &inv.resources {
        match &r.facts {
            Facts::Subscription {
                topic: Some(t),
                protocol,
            } => subs.entry(t.clone()).or_default().push(protocol.clone()),
            Facts::Topic {
                inline_protocols, ..
            } => subs
                .entry(r.logical_id.clone())
                .or_default()
                .extend(inline_protocols.iter().cloned()),
            _ => {}
        }
    }
    subs
}
