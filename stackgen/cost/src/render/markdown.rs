//! Markdown for CI comments: the totals first, then the resources, idle lines, budget
//! headroom and findings; component formulas and assumptions folded in `<details>`.

use super::pct;
use crate::actuals::{Actuals, ForecastSource};
use crate::compare::{Change, CostDiff};
use crate::report::{CostKind, CostReport};

/// Escapes the characters that break a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub(super) fn report(r: &CostReport) -> String {
    let mut out = format!(
        "### Monthly cost estimate: `{}` ({})\n\n**{}** a month under traffic profile `{}`: \
         **{}** idle + **{}** usage. Prices of {}{}, free tier {}.\n\n",
        cell(&r.label),
        r.region,
        r.totals.total.display(),
        cell(&r.profile.name),
        r.totals.idle.display(),
        r.totals.usage.display(),
        r.prices_taken,
        super::checked_phrase(r),
        if r.free_tier {
            "applied"
        } else {
            "not applied"
        }
    );
    if let Some(chart) = super::chart::mermaid(r) {
        out.push_str(&chart);
        out.push('\n');
    }
    resources(&mut out, r);
    idle(&mut out, r);
    budget(&mut out, r);
    notes(&mut out, r);
    details(&mut out, r);
    out
}

/// The resources' table, the total, and the stacks' shares.
fn resources(out: &mut String, r: &CostReport) {
    out.push_str("| Resource | Type | Idle | Usage | Total |\n|---|---|--:|--:|--:|\n");
    for res in &r.resources {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            cell(&res.logical_id),
            cell(&res.resource_type),
            res.idle.display(),
            res.usage.display(),
            res.total.display()
        ));
    }
    out.push_str(&format!(
        "| **Total** | | **{}** | **{}** | **{}** |\n\n",
        r.totals.idle.display(),
        r.totals.usage.display(),
        r.totals.total.display()
    ));
    if !r.stacks.is_empty() {
        out.push_str("**By stack:**\n\n| Stack | Idle | Total |\n|---|--:|--:|\n");
        for st in &r.stacks {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                cell(&st.stack),
                st.idle.display(),
                st.total.display()
            ));
        }
        out.push('\n');
    }
}

/// What the idle cost is made of.
fn idle(out: &mut String, r: &CostReport) {
    out.push_str("**Idle cost is made of:**");
    if r.idle_lines.is_empty() {
        out.push_str(" nothing, the stack costs nothing when unused.\n\n");
    } else {
        out.push('\n');
        for l in &r.idle_lines {
            out.push_str(&format!(
                "- {} — `{}` {}\n",
                l.monthly.display(),
                cell(&l.logical_id),
                cell(&l.component)
            ));
        }
        out.push('\n');
    }
}

/// The budget, and each profile's totals against it.
fn budget(out: &mut String, r: &CostReport) {
    match &r.budget {
        Some(b) => out.push_str(&format!(
            "**Budget** {} a month ({}):\n\n",
            b.monthly_limit.display(),
            cell(&b.source)
        )),
        None => out.push_str("**Totals per profile** (no budget in the template or given):\n\n"),
    }
    out.push_str(
        "| Profile | Idle | Usage | Total | Of budget | Headroom |\n|---|--:|--:|--:|--:|--:|\n",
    );
    for p in &r.profiles {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            cell(&p.profile),
            p.idle.display(),
            p.usage.display(),
            p.total.display(),
            pct(p.budget_used_percent),
            p.headroom.map_or_else(|| "-".into(), |h| h.display())
        ));
    }
    out.push('\n');
}

/// Findings and warnings.
fn notes(out: &mut String, r: &CostReport) {
    if !r.findings.is_empty() {
        out.push_str("**Findings**\n\n");
        for f in &r.findings {
            let amount = f.monthly.map_or_else(
                || "unpriced".to_string(),
                |m| format!("{} a month", m.display()),
            );
            out.push_str(&format!(
                "- `{}` ({}), {amount}: {}\n",
                cell(&f.logical_id),
                cell(&f.resource_type),
                cell(&f.message)
            ));
        }
        out.push('\n');
    }
    if !r.warnings.is_empty() {
        out.push_str("**Warnings**\n\n");
        for w in &r.warnings {
            out.push_str(&format!("- {}\n", cell(w)));
        }
        out.push('\n');
    }
}

/// Folded: each component's formula, the profile's assumptions and the prices used.
fn details(out: &mut String, r: &CostReport) {
    out.push_str("<details><summary>Components and formulas</summary>\n\n");
    out.push_str("| Resource | Component | Kind | Quantity | Price | Monthly | Formula |\n|---|---|---|--:|---|--:|---|\n");
    for res in &r.resources {
        for c in &res.components {
            out.push_str(&format!(
                "| {} | {} | {} | {} {} | {} | {} | {} |\n",
                cell(&res.logical_id),
                cell(&c.name),
                match c.kind {
                    CostKind::Idle => "idle",
                    CostKind::Usage => "usage",
                },
                c.quantity.display(),
                cell(&c.unit),
                cell(&c.unit_price),
                c.monthly.display(),
                cell(&c.formula)
            ));
        }
    }
    out.push_str("\n</details>\n\n");

    if !r.profile.assumptions.is_empty() {
        out.push_str("<details><summary>Assumptions of the traffic profile</summary>\n\n");
        if !r.profile.description.is_empty() {
            out.push_str(&format!("{}\n\n", r.profile.description));
        }
        out.push_str("```text\n");
        for a in &r.profile.assumptions {
            out.push_str(a);
            out.push('\n');
        }
        out.push_str("```\n\n</details>\n\n");
    }

    out.push_str("<details><summary>Prices used</summary>\n\n| Meter | Price | Basis | Source |\n|---|---|---|---|\n");
    for p in &r.prices {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            cell(&p.meter),
            cell(&p.price),
            cell(&p.basis),
            cell(&p.source)
        ));
    }
    out.push_str("\n</details>\n");
}

pub(super) fn diff(d: &CostDiff) -> String {
    let mut out = format!(
        "### Monthly cost change: {} ({})\n\n`{}` → `{}` under traffic profile `{}`: total {} → {}, \
         idle {} → {}.\n\n",
        d.delta.total.display_signed(),
        if d.delta.total.micros() > 0 {
            "more"
        } else if d.delta.total.micros() < 0 {
            "less"
        } else {
            "no change"
        },
        cell(&d.base_label),
        cell(&d.head_label),
        cell(&d.head_profile),
        d.base_totals.total.display(),
        d.head_totals.total.display(),
        d.base_totals.idle.display(),
        d.head_totals.idle.display()
    );
    if d.rows.is_empty() {
        out.push_str("No resource changes cost.\n");
    } else {
        out.push_str(
            "| | Resource | Type | Before | After | Δ idle | Δ usage | Δ total |\n|---|---|---|--:|--:|--:|--:|--:|\n",
        );
        for r in &d.rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                match r.change {
                    Change::Added => "added",
                    Change::Removed => "removed",
                    Change::Changed => "changed",
                },
                cell(&r.logical_id),
                cell(&r.resource_type),
                r.base_total.display(),
                r.head_total.display(),
                r.delta_idle.display_signed(),
                r.delta_usage.display_signed(),
                r.delta_total.display_signed()
            ));
        }
    }
    out.push_str(&format!("\n{} resources unchanged.\n", d.unchanged));
    for w in &d.warnings {
        out.push_str(&format!("\n> Warning: {}\n", cell(w)));
    }
    out
}

pub(super) fn actuals(a: &Actuals) -> String {
    let tags: Vec<String> = a.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut out = format!(
        "### Actual spend: `{}` ({})\n\n{} to {}: **{}** month to date, **{}** forecast for the \
         month ({}).\n\n",
        cell(&a.label),
        cell(&tags.join(", ")),
        a.period_start,
        a.today,
        a.month_to_date.display(),
        a.forecast.display(),
        match &a.forecast_source {
            ForecastSource::CostExplorer => "Cost Explorer forecast".to_string(),
            ForecastSource::LinearProjection { reason } =>
                format!("linear projection: {}", cell(reason)),
        }
    );
    if let Some(b) = a.budget {
        out.push_str(&format!(
            "Budget {}: {} used, {} forecast.\n\n",
            b.display(),
            pct(a.used_percent),
            pct(a.forecast_percent)
        ));
    }
    out.push_str("| Service | Month to date |\n|---|--:|\n");
    for s in &a.by_service {
        out.push_str(&format!(
            "| {} | {} |\n",
            cell(&s.service),
            s.amount.display()
        ));
    }
    out
}
