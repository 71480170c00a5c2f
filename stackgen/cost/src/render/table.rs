//! The terminal table: resources with their components indented below, totals, what the idle
//! cost is made of, budget headroom per profile, findings and warnings.

use super::{grid, pct};
use crate::actuals::{Actuals, ForecastSource};
use crate::compare::{Change, CostDiff};
use crate::report::{CostKind, CostReport};

pub(super) fn report(r: &CostReport) -> String {
    let mut out = header(r);
    resources(&mut out, r);
    idle(&mut out, r);
    budget(&mut out, r);
    notes(&mut out, r);
    out.push_str(&format!(
        "\nPrices: embedded table of {} for {} ({} prices used; `--format json` gives each one's \
         source page and how it was checked).\n",
        r.prices_taken,
        r.region,
        r.prices.len()
    ));
    out
}

/// What was estimated: the environment, region, profile, the prices' date and the free tier.
fn header(r: &CostReport) -> String {
    let mut out = format!(
        "Monthly cost estimate: {} ({}), traffic profile `{}`, prices of {}{}, free tier {}\n",
        r.label,
        r.region,
        r.profile.name,
        r.prices_taken,
        super::checked_phrase(r),
        if r.free_tier {
            "applied"
        } else {
            "not applied"
        }
    );
    if !r.profile.description.is_empty() {
        out.push_str(&format!("Profile: {}\n", r.profile.description));
    }
    out.push('\n');
    out
}

/// Each resource with its components below it, the total, and the stacks' shares.
fn resources(out: &mut String, r: &CostReport) {
    let mut rows = vec![vec![
        "RESOURCE".to_string(),
        "TYPE / COMPONENT".into(),
        "QUANTITY".into(),
        "IDLE/MO".into(),
        "USAGE/MO".into(),
        "TOTAL/MO".into(),
    ]];
    for res in &r.resources {
        rows.push(vec![
            res.logical_id.clone(),
            res.resource_type.clone(),
            String::new(),
            res.idle.display(),
            res.usage.display(),
            res.total.display(),
        ]);
        for c in &res.components {
            let (idle, usage) = match c.kind {
                CostKind::Idle => (c.monthly.display(), String::new()),
                CostKind::Usage => (String::new(), c.monthly.display()),
            };
            rows.push(vec![
                String::new(),
                format!("  {} ({})", c.name, c.unit_price),
                format!("{} {}", c.quantity.display(), c.unit),
                idle,
                usage,
                String::new(),
            ]);
        }
    }
    rows.push(vec![
        "TOTAL".into(),
        String::new(),
        String::new(),
        r.totals.idle.display(),
        r.totals.usage.display(),
        r.totals.total.display(),
    ]);
    out.push_str(&grid(&rows, &[false, false, true, true, true, true]));
    if !r.stacks.is_empty() {
        out.push_str("\nBy stack:\n");
        let rows: Vec<Vec<String>> = r
            .stacks
            .iter()
            .map(|s| {
                vec![
                    format!("  {}", s.stack),
                    format!("idle {}", s.idle.display()),
                    format!("total {}", s.total.display()),
                ]
            })
            .collect();
        out.push_str(&grid(&rows, &[false, true, true]));
    }
}

/// What the idle cost is made of.
fn idle(out: &mut String, r: &CostReport) {
    out.push_str(&format!(
        "\nIdle cost {} a month is made of:\n",
        r.totals.idle.display()
    ));
    if r.idle_lines.is_empty() {
        out.push_str("  nothing: the stack costs nothing when unused\n");
        return;
    }
    let rows: Vec<Vec<String>> = r
        .idle_lines
        .iter()
        .map(|l| {
            vec![
                format!("  {}", l.monthly.display()),
                l.logical_id.clone(),
                l.component.clone(),
            ]
        })
        .collect();
    out.push_str(&grid(&rows, &[true, false, false]));
}

/// The budget, and each profile's totals against it.
fn budget(out: &mut String, r: &CostReport) {
    out.push('\n');
    match &r.budget {
        Some(b) => out.push_str(&format!(
            "Budget {} a month ({}):\n",
            b.monthly_limit.display(),
            b.source
        )),
        None => out.push_str("No budget in the template or given: totals per profile:\n"),
    }
    let mut rows = vec![vec![
        "  PROFILE".to_string(),
        "IDLE".into(),
        "USAGE".into(),
        "TOTAL".into(),
        "OF BUDGET".into(),
        "HEADROOM".into(),
    ]];
    for p in &r.profiles {
        rows.push(vec![
            format!("  {}", p.profile),
            p.idle.display(),
            p.usage.display(),
            p.total.display(),
            pct(p.budget_used_percent),
            p.headroom.map_or_else(|| "-".into(), |h| h.display()),
        ]);
    }
    out.push_str(&grid(&rows, &[false, true, true, true, true, true]));
}

/// Findings, warnings, the free resources left out, and the profile's assumptions.
fn notes(out: &mut String, r: &CostReport) {
    if !r.findings.is_empty() {
        out.push_str("\nFindings:\n");
        for f in &r.findings {
            let amount = f.monthly.map_or_else(
                || "unpriced".to_string(),
                |m| format!("{} a month", m.display()),
            );
            out.push_str(&format!(
                "  [{}] {} ({}), {amount}: {}\n",
                serde_json::to_value(f.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                f.logical_id,
                f.resource_type,
                f.message
            ));
        }
    }
    if !r.warnings.is_empty() {
        out.push_str("\nWarnings:\n");
        for w in &r.warnings {
            out.push_str(&format!("  - {w}\n"));
        }
    }
    if !r.free_resources.is_empty() {
        let n = r.free_resources.len();
        out.push_str(&format!(
            "\n{n} {} with no charge of {} own (IAM, permissions, routes, policies, …) not \
             listed; `--format json` lists them.\n",
            if n == 1 { "resource" } else { "resources" },
            if n == 1 { "its" } else { "their" },
        ));
    }
    if !r.profile.assumptions.is_empty() {
        out.push_str("\nAssumptions of the profile:\n");
        for a in &r.profile.assumptions {
            out.push_str(&format!("  {a}\n"));
        }
    }
}

pub(super) fn diff(d: &CostDiff) -> String {
    let mut out = format!(
        "Monthly cost change: {} → {} (profile `{}`)\n\n",
        d.base_label, d.head_label, d.head_profile
    );
    if d.rows.is_empty() {
        out.push_str("No resource changes cost.\n");
    } else {
        let mut rows = vec![vec![
            "CHANGE".to_string(),
            "RESOURCE".into(),
            "TYPE".into(),
            "BEFORE".into(),
            "AFTER".into(),
            "Δ IDLE".into(),
            "Δ USAGE".into(),
            "Δ TOTAL".into(),
        ]];
        for r in &d.rows {
            rows.push(vec![
                match r.change {
                    Change::Added => "+ added",
                    Change::Removed => "- removed",
                    Change::Changed => "~ changed",
                }
                .to_string(),
                r.logical_id.clone(),
                r.resource_type.clone(),
                r.base_total.display(),
                r.head_total.display(),
                r.delta_idle.display_signed(),
                r.delta_usage.display_signed(),
                r.delta_total.display_signed(),
            ]);
        }
        out.push_str(&grid(
            &rows,
            &[false, false, false, true, true, true, true, true],
        ));
    }
    out.push_str(&format!(
        "\nTotal {} → {} ({}); idle {} → {} ({}); {} resources unchanged\n",
        d.base_totals.total.display(),
        d.head_totals.total.display(),
        d.delta.total.display_signed(),
        d.base_totals.idle.display(),
        d.head_totals.idle.display(),
        d.delta.idle.display_signed(),
        d.unchanged
    ));
    for w in &d.warnings {
        out.push_str(&format!("Warning: {w}\n"));
    }
    out
}

pub(super) fn actuals(a: &Actuals) -> String {
    let tags: Vec<String> = a.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut out = format!(
        "Actual spend of {} ({}), {} to {}{}\n\n",
        a.label,
        tags.join(", "),
        a.period_start,
        a.today,
        if a.estimated {
            " (recent days estimated by Cost Explorer)"
        } else {
            ""
        }
    );
    let mut rows = vec![vec!["SERVICE".to_string(), "MONTH TO DATE".into()]];
    for s in &a.by_service {
        rows.push(vec![s.service.clone(), s.amount.display()]);
    }
    rows.push(vec!["TOTAL".into(), a.month_to_date.display()]);
    out.push_str(&grid(&rows, &[false, true]));
    out.push_str(&format!(
        "\nForecast for the month: {} ({})\n",
        a.forecast.display(),
        match &a.forecast_source {
            ForecastSource::CostExplorer => "Cost Explorer forecast".to_string(),
            ForecastSource::LinearProjection { reason } => format!("linear projection: {reason}"),
        }
    ));
    if let Some(b) = a.budget {
        out.push_str(&format!(
            "Budget {}: {} used, {} forecast\n",
            b.display(),
            pct(a.used_percent),
            pct(a.forecast_percent)
        ));
    }
    out.push_str(&format!(
        "Cost Explorer API requests made: {} ($0.01 each)\n",
        a.api_requests
    ));
    out
}
