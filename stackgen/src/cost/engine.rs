//! The pricing rules: template facts × traffic × price table → a month of cost components.
//!
//! Three passes keep the arithmetic honest: quantities are worked out per resource first; then,
//! only with `--free-tier`, the account-wide always-free allowances are handed out across the
//! components in template order; then each component is priced once (fixed-point, rounded to
//! micro-dollars) and totals are integer sums. Volume tiers apply to one resource's quantity,
//! which only matters beyond the first tier (300M HTTP API requests, 6B GB-s, 10 TB CDN).
//!
//! Idle cost is what the stack costs deployed and untouched (alarms, dashboards, hourly
//! resources, SQS polling by event source mappings, schedules); usage cost is what the traffic
//! profile adds (requests, GB-seconds, request units, storage, transfer, logs).

use std::collections::{BTreeMap, BTreeSet};

use super::matching::{functions_logging_to, match_usage};
use super::money::Qty;
use super::prices::{FREE_TIER, HOURS_PER_MONTH, Meter, PriceBook};
use super::report::{
    Component, CostKind, Finding, FindingKind, FreeResource, PriceUsed, ResourceCost, Totals,
};
use super::schedule::invocations_per_month;
use super::template::{Arch, CognitoTier, Facts, Inventory, Resource, literal};
use super::traffic::{FunctionUsage, Traffic, normalize};

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
}

struct DraftComp {
    name: String,
    kind: CostKind,
    meter: Option<Meter>,
    qty: Qty,
    unit: &'static str,
    formula: String,
    free: Qty,
}

struct Draft {
    logical_id: String,
    resource_type: String,
    comps: Vec<DraftComp>,
    /// A finding whose amount is this resource's idle cost, filled in after pricing.
    finding: Option<(FindingKind, String)>,
}

impl Draft {
    fn add(&mut self, kind: CostKind, name: &str, meter: Meter, qty: Qty, formula: String) {
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

    fn add_free(&mut self, name: &str, unit: &'static str, formula: &str) {
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

/// A function's month: the profile's invocations and the scheduled ones.
#[derive(Debug, Clone, Copy, Default)]
struct FnMonth {
    requests: Qty,
    /// Total billed time of the profile's invocations, micro-milliseconds.
    micro_ms: u128,
    sched_requests: Qty,
    sched_micro_ms: u128,
    logs: Qty,
}

/// GB-seconds of `micro_ms` micro-milliseconds at `mb` MB (Lambda counts 1 GB as 1,024 MB).
fn gb_seconds(micro_ms: u128, mb: u64) -> Qty {
    Qty::from_micros(
        u64::try_from((micro_ms * u128::from(mb) + 512_000) / 1_024_000).unwrap_or(u64::MAX),
    )
}

fn q(v: Qty) -> String {
    v.display()
}

fn months_qty() -> Qty {
    Qty::units(HOURS_PER_MONTH)
}

/// Prices one month of `traffic` on the resources of `inv`.
pub fn price_month(inv: &Inventory, book: &PriceBook, traffic: &Traffic, free_tier: bool) -> Month {
    let mut warnings: Vec<String> = inv.notes.clone();
    let mut findings: Vec<Finding> = Vec::new();
    let mut free_resources: Vec<FreeResource> = Vec::new();

    let of_kind = |pred: fn(&Facts) -> bool| -> Vec<&Resource> {
        inv.resources.iter().filter(|r| pred(&r.facts)).collect()
    };
    let functions = of_kind(|f| matches!(f, Facts::Function { .. }));
    let tables = of_kind(|f| matches!(f, Facts::Table { .. }));
    let buckets = of_kind(|f| matches!(f, Facts::Bucket { .. }));
    let queues = of_kind(|f| matches!(f, Facts::Queue { .. }));
    let topics = of_kind(|f| matches!(f, Facts::Topic { .. }));

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

    let fn_use = match_usage(&traffic.functions, &functions, &no_extra);
    let table_use = match_usage(&traffic.tables, &tables, &no_extra);
    let bucket_use = match_usage(&traffic.buckets, &buckets, &site_extra);
    let queue_use = match_usage(&traffic.queues, &queues, &no_extra);
    let topic_use = match_usage(&traffic.topics, &topics, &no_extra);
    for (kind, unmatched, ambiguous, cands) in [
        ("function", &fn_use.unmatched, &fn_use.ambiguous, &functions),
        ("table", &table_use.unmatched, &table_use.ambiguous, &tables),
        (
            "bucket",
            &bucket_use.unmatched,
            &bucket_use.ambiguous,
            &buckets,
        ),
        ("queue", &queue_use.unmatched, &queue_use.ambiguous, &queues),
        ("topic", &topic_use.unmatched, &topic_use.ambiguous, &topics),
    ] {
        for key in unmatched {
            let known: Vec<&str> = cands.iter().map(|r| r.logical_id.as_str()).collect();
            warnings.push(format!(
                "traffic profile `{}` has usage for {kind} `{key}`, which names no {kind} of the \
                 template ({}); that usage is not priced",
                traffic.name,
                if known.is_empty() {
                    "it has none".to_string()
                } else {
                    known.join(", ")
                }
            ));
        }
        for (key, ids) in ambiguous {
            warnings.push(format!(
                "traffic profile `{}`: {kind} key `{key}` names {} — priced on {} only; use a \
                 logical id to choose",
                traffic.name,
                ids.join(", "),
                ids[0]
            ));
        }
    }

    // Scheduled invocations of functions (schedules and scheduled rules).
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

    // Which functions write to which declared log group.
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

    // Per-function month: the profile's invocations and the scheduled ones, kept apart because
    // schedules fire whether anyone uses the stack or not (idle cost).
    let mut fn_month: BTreeMap<String, FnMonth> = BTreeMap::new();
    for f in &functions {
        let u: Option<&FunctionUsage> = fn_use.by_resource.get(&f.logical_id).copied();
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

    // Subscriptions per topic.
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
    let mut action_budgets_seen: BTreeSet<String> = BTreeSet::new();

    let mut drafts: Vec<Draft> = Vec::new();
    for r in &inv.resources {
        let mut d = Draft {
            logical_id: r.logical_id.clone(),
            resource_type: r.resource_type.clone(),
            comps: Vec::new(),
            finding: None,
        };
        match &r.facts {
            Facts::Function {
                memory_mb,
                arch,
                ephemeral_mb,
                name,
                ..
            } => {
                let m = fn_month.get(&r.logical_id).copied().unwrap_or_default();
                let meter = match arch {
                    Arch::X86 => Meter::LambdaGbSecondsX86,
                    Arch::Arm => Meter::LambdaGbSecondsArm,
                };
                for (kind, label, requests, micro_ms) in [
                    (CostKind::Usage, "", m.requests, m.micro_ms),
                    (
                        CostKind::Idle,
                        "scheduled ",
                        m.sched_requests,
                        m.sched_micro_ms,
                    ),
                ] {
                    d.add(
                        kind,
                        &format!("{label}requests"),
                        Meter::LambdaRequests,
                        requests,
                        format!("{} {label}invocations", q(requests)),
                    );
                    let gb_s = gb_seconds(micro_ms, *memory_mb);
                    let avg_ms = if requests.is_zero() {
                        Qty::ZERO
                    } else {
                        Qty::ratio(micro_ms, u128::from(requests.micros()))
                    };
                    d.add(
                        kind,
                        &format!("{label}duration ({})", arch.label()),
                        meter,
                        gb_s,
                        format!(
                            "{} invocations × {} ms avg × {memory_mb} MB ÷ 1,024,000 = {} GB-s",
                            q(requests),
                            q(avg_ms),
                            q(gb_s)
                        ),
                    );
                }
                if *ephemeral_mb > 512 {
                    let eph = gb_seconds(m.micro_ms + m.sched_micro_ms, ephemeral_mb - 512);
                    d.add(
                        CostKind::Usage,
                        "ephemeral storage above 512 MB",
                        Meter::LambdaEphemeralGbSeconds,
                        eph,
                        format!("{} GB-s of {} MB extra /tmp", q(eph), ephemeral_mb - 512),
                    );
                }
                let logs = m.logs;
                if !fn_group.contains_key(&r.logical_id) {
                    let shown = name
                        .as_deref()
                        .and_then(literal)
                        .unwrap_or_else(|| "<function name>".into());
                    findings.push(Finding {
                        kind: FindingKind::UnmanagedLogGroup,
                        logical_id: r.logical_id.clone(),
                        resource_type: r.resource_type.clone(),
                        monthly: None,
                        message: format!(
                            "logs to /aws/lambda/{shown}, a log group the template does not \
                             declare: Lambda creates it on first invocation with no retention, \
                             and destroying the stack leaves it behind. Declare the log group \
                             with the environment's retention."
                        ),
                    });
                    d.add(
                        CostKind::Usage,
                        "logs ingestion (undeclared log group)",
                        Meter::CloudWatchLogsIngestion,
                        logs,
                        format!("{} GB of logs a month", q(logs)),
                    );
                    let stored = logs.scale(NEVER_EXPIRE_HORIZON_MONTHS);
                    d.add(
                        CostKind::Usage,
                        "logs storage (never expires; month 12)",
                        Meter::CloudWatchLogsStorage,
                        stored,
                        format!(
                            "{} GB a month × {NEVER_EXPIRE_HORIZON_MONTHS} months kept",
                            q(logs)
                        ),
                    );
                }
            }
            Facts::EventSourceMapping {
                queue,
                enabled,
                provisioned_pollers,
                ..
            } => {
                if let (Some(queue), true) = (queue, enabled) {
                    let polls = SQS_IDLE_POLLERS * SQS_POLLS_PER_MINUTE * 60 * HOURS_PER_MONTH;
                    d.add(
                        CostKind::Idle,
                        "SQS polling while idle",
                        Meter::SqsRequests,
                        Qty::units(polls),
                        format!(
                            "Lambda long-polls {queue} with {SQS_IDLE_POLLERS} pollers × \
                             {SQS_POLLS_PER_MINUTE} polls a minute × 60 × {HOURS_PER_MONTH} h = {} \
                             ReceiveMessage requests, messages or not",
                            q(Qty::units(polls))
                        ),
                    );
                    d.finding = Some((
                        FindingKind::IdleRequests,
                        format!(
                            "polls {queue} around the clock: {} empty receives a month even with \
                             no traffic (inside the SQS free tier in an otherwise quiet account)",
                            q(Qty::units(polls))
                        ),
                    ));
                }
                if let Some(n) = provisioned_pollers {
                    findings.push(Finding {
                        kind: FindingKind::GhostSpend,
                        logical_id: r.logical_id.clone(),
                        resource_type: r.resource_type.clone(),
                        monthly: None,
                        message: format!(
                            "provisioned mode keeps at least {n} event pollers billed per hour; \
                             not in the price table, so excluded from the estimate"
                        ),
                    });
                }
            }
            Facts::HttpApi | Facts::RestApi => {
                if api_target.as_deref() == Some(r.logical_id.as_str()) {
                    let meter = if matches!(r.facts, Facts::HttpApi) {
                        Meter::HttpApiRequests
                    } else {
                        Meter::RestApiRequests
                    };
                    let n = Qty::units(traffic.api_requests);
                    d.add(
                        CostKind::Usage,
                        "requests",
                        meter,
                        n,
                        format!("{} API requests (each up to 512 KB)", q(n)),
                    );
                } else if traffic.api_requests > 0 {
                    warnings.push(format!(
                        "{}: the profile's API requests are priced on {} only",
                        r.logical_id,
                        api_target.clone().unwrap_or_default()
                    ));
                }
            }
            Facts::WebSocketApi => warnings.push(format!(
                "{}: WebSocket API messages and connection minutes are not priced",
                r.logical_id
            )),
            Facts::RestApiCache => {
                findings.push(Finding {
                    kind: FindingKind::GhostSpend,
                    logical_id: r.logical_id.clone(),
                    resource_type: r.resource_type.clone(),
                    monthly: None,
                    message: "API cache cluster billed per hour while it exists; not in the \
                              price table, so excluded from the estimate"
                        .into(),
                });
            }
            Facts::Table {
                on_demand,
                pitr,
                infrequent_access,
                global_indexes,
                provisioned_rcu,
                provisioned_wcu,
                ..
            } => {
                let u = table_use.by_resource.get(&r.logical_id).copied();
                let copies = 1 + global_indexes;
                let gsi_note = if *global_indexes > 0 {
                    format!(" × (1 table + {global_indexes} GSI)")
                } else {
                    String::new()
                };
                if *infrequent_access {
                    warnings.push(format!(
                        "{}: Standard-IA table class is priced at Standard-class rates",
                        r.logical_id
                    ));
                }
                if *on_demand {
                    if let Some(u) = u {
                        d.add(
                            CostKind::Usage,
                            "read request units",
                            Meter::DynamoDbReadRequestUnits,
                            u.reads,
                            format!("{} RRU", q(u.reads)),
                        );
                        let w = u.writes.scale(copies);
                        d.add(
                            CostKind::Usage,
                            "write request units",
                            Meter::DynamoDbWriteRequestUnits,
                            w,
                            format!("{} WRU{gsi_note} = {} WRU", q(u.writes), q(w)),
                        );
                    }
                } else {
                    let wcu = Qty::units(provisioned_wcu * HOURS_PER_MONTH);
                    let rcu = Qty::units(provisioned_rcu * HOURS_PER_MONTH);
                    d.add(
                        CostKind::Idle,
                        "provisioned write capacity",
                        Meter::DynamoDbProvisionedWcuHours,
                        wcu,
                        format!("{provisioned_wcu} WCU × {HOURS_PER_MONTH} h"),
                    );
                    d.add(
                        CostKind::Idle,
                        "provisioned read capacity",
                        Meter::DynamoDbProvisionedRcuHours,
                        rcu,
                        format!("{provisioned_rcu} RCU × {HOURS_PER_MONTH} h"),
                    );
                    d.finding = Some((
                        FindingKind::GhostSpend,
                        "provisioned capacity is billed by the hour whether used or not; use \
                         BillingMode PAY_PER_REQUEST"
                            .into(),
                    ));
                    if u.is_some_and(|u| !u.reads.is_zero() || !u.writes.is_zero()) {
                        warnings.push(format!(
                            "{}: provisioned table; the profile's request units are covered by its \
                             capacity and not priced separately",
                            r.logical_id
                        ));
                    }
                }
                if let Some(u) = u {
                    let stored = u.storage_gb.scale(copies);
                    d.add(
                        CostKind::Usage,
                        "storage",
                        Meter::DynamoDbStorage,
                        stored,
                        format!("{} GB{gsi_note} = {} GB-month", q(u.storage_gb), q(stored)),
                    );
                    if *pitr {
                        d.add(
                            CostKind::Usage,
                            "point-in-time recovery",
                            Meter::DynamoDbPitrStorage,
                            stored,
                            format!("{} GB-month of table size", q(stored)),
                        );
                    }
                }
            }
            Facts::LogGroup {
                retention_days,
                infrequent_access,
                ..
            } => {
                let fns = group_fns.get(&r.logical_id).cloned().unwrap_or_default();
                let ingest: Qty = fns
                    .iter()
                    .filter_map(|f| fn_month.get(f))
                    .map(|m| m.logs)
                    .sum();
                if *infrequent_access {
                    warnings.push(format!(
                        "{}: Infrequent Access log class is priced at Standard rates (an upper bound)",
                        r.logical_id
                    ));
                }
                let from = if fns.is_empty() {
                    String::new()
                } else {
                    format!(" from {}", fns.join(", "))
                };
                d.add(
                    CostKind::Usage,
                    "logs ingestion",
                    Meter::CloudWatchLogsIngestion,
                    ingest,
                    format!("{} GB a month{from}", q(ingest)),
                );
                match retention_days {
                    Some(days) => {
                        let stored = ingest.mul_ratio(u128::from(*days) * 12, 365);
                        d.add(
                            CostKind::Usage,
                            "logs storage",
                            Meter::CloudWatchLogsStorage,
                            stored,
                            format!("{} GB a month kept {days} days = {} GB-month (uncompressed, an upper bound)", q(ingest), q(stored)),
                        );
                    }
                    None => {
                        findings.push(Finding {
                            kind: FindingKind::NeverExpiringLogs,
                            logical_id: r.logical_id.clone(),
                            resource_type: r.resource_type.clone(),
                            monthly: None,
                            message:
                                "no RetentionInDays: logs are kept for ever and storage grows \
                                      every month; set the environment's retention"
                                    .into(),
                        });
                        let stored = ingest.scale(NEVER_EXPIRE_HORIZON_MONTHS);
                        d.add(
                            CostKind::Usage,
                            "logs storage (never expires; month 12)",
                            Meter::CloudWatchLogsStorage,
                            stored,
                            format!(
                                "{} GB a month × {NEVER_EXPIRE_HORIZON_MONTHS} months kept",
                                q(ingest)
                            ),
                        );
                    }
                }
            }
            Facts::Alarm {
                metrics,
                high_resolution,
            } => {
                let (meter, what) = if *high_resolution {
                    (
                        Meter::CloudWatchHighResolutionAlarmMetrics,
                        "high-resolution alarm",
                    )
                } else {
                    (Meter::CloudWatchStandardAlarmMetrics, "standard alarm")
                };
                d.add(
                    CostKind::Idle,
                    what,
                    meter,
                    Qty::units(*metrics),
                    format!("{metrics} alarm metric(s)"),
                );
            }
            Facts::CompositeAlarm => d.add(
                CostKind::Idle,
                "composite alarm",
                Meter::CloudWatchCompositeAlarms,
                Qty::units(1),
                "1 composite alarm".into(),
            ),
            Facts::Dashboard => d.add(
                CostKind::Idle,
                "dashboard",
                Meter::CloudWatchDashboards,
                Qty::units(1),
                "1 dashboard".into(),
            ),
            Facts::CloudFrontFunction => {
                // It runs on the site behaviour's viewer requests; the traffic profiles do not
                // split site from `/api/*` requests, so every CDN request is counted (an upper
                // bound).
                let n = Qty::units(traffic.cloudfront.requests);
                d.add(
                    CostKind::Usage,
                    "invocations",
                    Meter::CloudFrontFunctionInvocations,
                    n,
                    format!("{} viewer requests (at most)", q(n)),
                );
            }
            Facts::UserPool { tier } => {
                let (meter, plan) = match tier {
                    CognitoTier::Lite => (Meter::CognitoLiteMau, "Lite"),
                    CognitoTier::Essentials => (Meter::CognitoEssentialsMau, "Essentials"),
                    CognitoTier::Plus => (Meter::CognitoPlusMau, "Plus"),
                };
                let n = Qty::units(traffic.monthly_active_users);
                d.add(
                    CostKind::Usage,
                    "monthly active users",
                    meter,
                    n,
                    format!("{} users signing in or refreshing ({plan} plan)", q(n)),
                );
            }
            Facts::Distribution { .. } => {
                if cdn_target.as_deref() == Some(r.logical_id.as_str()) {
                    let c = &traffic.cloudfront;
                    d.add(
                        CostKind::Usage,
                        "data transfer out",
                        Meter::CloudFrontDataOut,
                        c.data_out_gb,
                        format!("{} GB to {}", q(c.data_out_gb), book.cdn_viewers),
                    );
                    let n = Qty::units(c.requests);
                    d.add(
                        CostKind::Usage,
                        "HTTPS requests",
                        Meter::CloudFrontHttpsRequests,
                        n,
                        format!("{} requests", q(n)),
                    );
                } else if traffic.cloudfront.requests > 0 {
                    warnings.push(format!(
                        "{}: the profile's CDN traffic is priced on {} only",
                        r.logical_id,
                        cdn_target.clone().unwrap_or_default()
                    ));
                }
            }
            Facts::Bucket { versioned, .. } => {
                if let Some(u) = bucket_use.by_resource.get(&r.logical_id) {
                    d.add(
                        CostKind::Usage,
                        "standard storage",
                        Meter::S3StandardStorage,
                        u.storage_gb,
                        format!("{} GB-month", q(u.storage_gb)),
                    );
                    let puts = Qty::units(u.put_requests);
                    d.add(
                        CostKind::Usage,
                        "PUT requests",
                        Meter::S3PutRequests,
                        puts,
                        format!("{} PUT/COPY/POST/LIST", q(puts)),
                    );
                    let gets = Qty::units(u.get_requests);
                    d.add(
                        CostKind::Usage,
                        "GET requests",
                        Meter::S3GetRequests,
                        gets,
                        format!("{} GET", q(gets)),
                    );
                }
                if *versioned {
                    warnings.push(format!(
                        "{}: versioning is on; storage of noncurrent versions is not estimated",
                        r.logical_id
                    ));
                }
            }
            Facts::Queue { fifo, .. } => {
                if let Some(u) = queue_use.by_resource.get(&r.logical_id) {
                    let n = Qty::units(u.messages * SQS_REQUESTS_PER_MESSAGE);
                    d.add(
                        CostKind::Usage,
                        "requests",
                        Meter::SqsRequests,
                        n,
                        format!(
                            "{} messages × {SQS_REQUESTS_PER_MESSAGE} (send, receive, delete)",
                            q(Qty::units(u.messages))
                        ),
                    );
                    if *fifo {
                        warnings.push(format!(
                            "{}: FIFO queue priced at standard-queue rates",
                            r.logical_id
                        ));
                    }
                }
            }
            Facts::Topic { .. } => {
                if let Some(u) = topic_use.by_resource.get(&r.logical_id) {
                    d.add(
                        CostKind::Usage,
                        "publishes",
                        Meter::SnsPublishes,
                        u.publishes,
                        format!("{} publishes", q(u.publishes)),
                    );
                    let protocols = subs.get(&r.logical_id).cloned().unwrap_or_default();
                    let emails = protocols
                        .iter()
                        .filter(|p| p.as_str() == "email" || p.as_str() == "email-json")
                        .count() as u64;
                    let https = protocols
                        .iter()
                        .filter(|p| p.as_str() == "http" || p.as_str() == "https")
                        .count() as u64;
                    d.add(
                        CostKind::Usage,
                        "email deliveries",
                        Meter::SnsEmailDeliveries,
                        u.publishes.scale(emails),
                        format!(
                            "{} publishes × {emails} email subscription(s)",
                            q(u.publishes)
                        ),
                    );
                    d.add(
                        CostKind::Usage,
                        "HTTP deliveries",
                        Meter::SnsHttpDeliveries,
                        u.publishes.scale(https),
                        format!(
                            "{} publishes × {https} HTTP(S) subscription(s)",
                            q(u.publishes)
                        ),
                    );
                }
            }
            Facts::Subscription { .. } => free_resources.push(FreeResource {
                logical_id: r.logical_id.clone(),
                resource_type: r.resource_type.clone(),
                why: "subscriptions are free; deliveries are priced on the topic".into(),
            }),
            Facts::Budget { .. } => d.add_free(
                "budget and notifications",
                "budget",
                "AWS Budgets charges nothing for budgets and their notifications; only \
                 action-enabled budgets beyond the account's first two cost $0.10 a day",
            ),
            Facts::BudgetsAction { budget } => {
                let key = budget.clone().unwrap_or_else(|| r.logical_id.clone());
                if action_budgets_seen.insert(key.clone()) {
                    let days = Qty::ratio(365, 12);
                    d.add(
                        CostKind::Idle,
                        "action-enabled budget",
                        Meter::BudgetsActionEnabledBudgetDays,
                        days,
                        format!("budget {key} with actions: {} budget-days a month", q(days)),
                    );
                }
            }
            Facts::AnomalyMonitor | Facts::AnomalySubscription => d.add_free(
                "cost anomaly detection",
                "monitor",
                "AWS Cost Anomaly Detection is free",
            ),
            Facts::Schedule {
                expression,
                enabled,
                target_function,
            } => {
                if *enabled {
                    match expression.as_deref().and_then(invocations_per_month) {
                        Some(n) => d.add(
                            CostKind::Idle,
                            "scheduled invocations",
                            Meter::SchedulerInvocations,
                            n,
                            format!(
                                "{} a month from `{}`{}",
                                q(n),
                                expression.as_deref().unwrap_or(""),
                                target_function
                                    .as_deref()
                                    .map(|f| format!(", invoking {f}"))
                                    .unwrap_or_default()
                            ),
                        ),
                        None => warnings.push(format!(
                            "{}: schedule expression {:?} not understood; not priced",
                            r.logical_id, expression
                        )),
                    }
                }
            }
            Facts::EventsRule { .. } => free_resources.push(FreeResource {
                logical_id: r.logical_id.clone(),
                resource_type: r.resource_type.clone(),
                why: "rules on AWS events and scheduled rules are free; targets are billed".into(),
            }),
            Facts::KmsKey => d.add(
                CostKind::Idle,
                "customer managed key",
                Meter::KmsKeys,
                Qty::units(1),
                "1 key (requests not estimated)".into(),
            ),
            Facts::Secret => d.add(
                CostKind::Idle,
                "secret",
                Meter::SecretsManagerSecrets,
                Qty::units(1),
                "1 secret (API calls not estimated)".into(),
            ),
            Facts::StateMachine { express } => warnings.push(format!(
                "{}: {} state machine executions are not part of traffic profiles; priced at zero",
                r.logical_id,
                if *express { "Express" } else { "Standard" }
            )),
            Facts::ProvisionedConcurrency {
                function,
                executions,
            } => {
                let (mem, arch) = function
                    .as_deref()
                    .and_then(|f| inv.get(f))
                    .and_then(|f| match f.facts {
                        Facts::Function {
                            memory_mb, arch, ..
                        } => Some((memory_mb, arch)),
                        _ => None,
                    })
                    .unwrap_or((128, Arch::X86));
                let gb_s = Qty::ratio(
                    u128::from(*executions) * u128::from(mem) * u128::from(HOURS_PER_MONTH) * 3600,
                    1024,
                );
                let meter = match arch {
                    Arch::X86 => Meter::LambdaProvisionedGbSecondsX86,
                    Arch::Arm => Meter::LambdaProvisionedGbSecondsArm,
                };
                d.add(
                    CostKind::Idle,
                    "provisioned concurrency",
                    meter,
                    gb_s,
                    format!("{executions} environments × {mem} MB ÷ 1024 × {HOURS_PER_MONTH} h × 3600 s = {} GB-s", q(gb_s)),
                );
                d.finding = Some((
                    FindingKind::GhostSpend,
                    "provisioned concurrency is billed by the hour whether invoked or not".into(),
                ));
            }
            Facts::NatGateway => {
                d.add(
                    CostKind::Idle,
                    "NAT gateway hours",
                    Meter::NatGatewayHours,
                    months_qty(),
                    format!("{HOURS_PER_MONTH} h (data processed not estimated)"),
                );
                d.finding = Some((
                    FindingKind::GhostSpend,
                    "NAT gateways are billed by the hour; Lambda functions outside a VPC need none"
                        .into(),
                ));
            }
            Facts::ElasticIp => {
                d.add(
                    CostKind::Idle,
                    "public IPv4 address",
                    Meter::PublicIpv4AddressHours,
                    months_qty(),
                    format!("{HOURS_PER_MONTH} h"),
                );
                d.finding = Some((
                    FindingKind::GhostSpend,
                    "public IPv4 addresses are billed by the hour, attached or not".into(),
                ));
            }
            Facts::LoadBalancer { network } => {
                let meter = if *network {
                    Meter::NetworkLoadBalancerHours
                } else {
                    Meter::ApplicationLoadBalancerHours
                };
                d.add(
                    CostKind::Idle,
                    "load balancer hours",
                    meter,
                    months_qty(),
                    format!("{HOURS_PER_MONTH} h (capacity units not estimated)"),
                );
                d.finding = Some((
                    FindingKind::GhostSpend,
                    "load balancers are billed by the hour".into(),
                ));
            }
            Facts::VpcEndpoint { interface, subnets } => {
                if *interface {
                    let h = Qty::units(subnets * HOURS_PER_MONTH);
                    d.add(
                        CostKind::Idle,
                        "interface endpoint hours",
                        Meter::VpcInterfaceEndpointHours,
                        h,
                        format!("{subnets} AZ(s) × {HOURS_PER_MONTH} h"),
                    );
                    d.finding = Some((
                        FindingKind::GhostSpend,
                        "interface endpoints are billed per AZ per hour".into(),
                    ));
                } else {
                    free_resources.push(FreeResource {
                        logical_id: r.logical_id.clone(),
                        resource_type: r.resource_type.clone(),
                        why: "gateway endpoints are free".into(),
                    });
                }
            }
            Facts::EksCluster => {
                d.add(
                    CostKind::Idle,
                    "cluster hours",
                    Meter::EksClusterHours,
                    months_qty(),
                    format!("{HOURS_PER_MONTH} h (nodes not estimated)"),
                );
                d.finding = Some((
                    FindingKind::GhostSpend,
                    "EKS control planes are billed by the hour".into(),
                ));
            }
            Facts::KinesisStream { shards, on_demand } => {
                if *on_demand {
                    findings.push(Finding {
                        kind: FindingKind::GhostSpend,
                        logical_id: r.logical_id.clone(),
                        resource_type: r.resource_type.clone(),
                        monthly: None,
                        message: "on-demand streams are billed per stream-hour; not in the price table, so excluded".into(),
                    });
                } else {
                    let h = Qty::units(shards * HOURS_PER_MONTH);
                    d.add(
                        CostKind::Idle,
                        "shard hours",
                        Meter::KinesisShardHours,
                        h,
                        format!("{shards} shard(s) × {HOURS_PER_MONTH} h"),
                    );
                    d.finding = Some((
                        FindingKind::GhostSpend,
                        "provisioned shards are billed by the hour".into(),
                    ));
                }
            }
            Facts::WebAcl { rules } => {
                d.add(
                    CostKind::Idle,
                    "web ACL",
                    Meter::WafWebAcls,
                    Qty::units(1),
                    "1 web ACL".into(),
                );
                d.add(
                    CostKind::Idle,
                    "rules",
                    Meter::WafRules,
                    Qty::units(*rules),
                    format!("{rules} rule(s)"),
                );
                d.finding = Some((FindingKind::GhostSpend, "WAF web ACLs and rules are billed monthly whether used or not (requests not estimated)".into()));
            }
            Facts::HostedZone => d.add(
                CostKind::Idle,
                "hosted zone",
                Meter::Route53HostedZones,
                Qty::units(1),
                "1 hosted zone (queries not estimated)".into(),
            ),
            Facts::HourlyUnpriced { why } => findings.push(Finding {
                kind: FindingKind::GhostSpend,
                logical_id: r.logical_id.clone(),
                resource_type: r.resource_type.clone(),
                monthly: None,
                message: format!("{why}; not in the price table, so EXCLUDED from the estimate"),
            }),
            Facts::Free { why } => {
                free_resources.push(FreeResource {
                    logical_id: r.logical_id.clone(),
                    resource_type: r.resource_type.clone(),
                    why: (*why).to_string(),
                });
                continue;
            }
            Facts::Unknown => {
                warnings.push(format!(
                    "{} ({}) is not priced: the estimator has no rule for this type",
                    r.logical_id, r.resource_type
                ));
                continue;
            }
        }
        if matches!(
            r.facts,
            Facts::Subscription { .. } | Facts::EventsRule { .. }
        ) {
            continue;
        }
        drafts.push(d);
    }

    if free_tier {
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

    let mut used: BTreeSet<Meter> = BTreeSet::new();
    let mut resources = Vec::new();
    let mut totals = Totals::default();
    for d in drafts {
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
                            Some(meter_name(m)),
                        )
                    }
                    None => {
                        warnings.push(format!(
                            "{}: no {} price for {m:?}; component `{}` not priced",
                            rc.logical_id, book.region, c.name
                        ));
                        (
                            c.unit,
                            "n/a".into(),
                            Default::default(),
                            Some(meter_name(m)),
                        )
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
        totals.idle += rc.idle;
        totals.usage += rc.usage;
        if let Some((kind, message)) = d.finding {
            findings.push(Finding {
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

    let prices = used
        .into_iter()
        .filter_map(|m| book.entry(m))
        .map(|e| PriceUsed {
            meter: meter_name(e.meter),
            price: e.rate.describe(e.unit),
            source: e.source.to_string(),
            basis: e.basis.label().to_string(),
            note: e.basis.note().to_string(),
        })
        .collect();

    Month {
        resources,
        totals,
        findings,
        free_resources,
        warnings,
        prices,
    }
}

/// Kebab-case name of a meter (its JSON form).
pub fn meter_name(m: Meter) -> String {
    serde_json::to_value(m)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{m:?}"))
}
