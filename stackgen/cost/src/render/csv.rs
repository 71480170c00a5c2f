//! CSV: one row per cost component (a resource without components gets one row), amounts as
//! exact six-decimal dollars, RFC 4180 quoting.

use crate::actuals::Actuals;
use crate::compare::{Change, CostDiff};
use crate::report::{CostKind, CostReport};

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn line(fields: &[String]) -> String {
    let mut l = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    l.push_str("\r\n");
    l
}

pub(super) fn report(r: &CostReport) -> String {
    let mut out = line(
        &[
            "profile",
            "logical_id",
            "resource_type",
            "component",
            "kind",
            "quantity",
            "unit",
            "free_quantity",
            "unit_price",
            "monthly_usd",
            "formula",
        ]
        .map(String::from),
    );
    for res in &r.resources {
        if res.components.is_empty() {
            out.push_str(&line(&[
                r.profile.name.clone(),
                res.logical_id.clone(),
                res.resource_type.clone(),
                String::new(),
                String::new(),
                "0".into(),
                String::new(),
                "0".into(),
                String::new(),
                res.total.to_decimal_string(),
                "no usage in this profile".into(),
            ]));
        }
        for c in &res.components {
            out.push_str(&line(&[
                r.profile.name.clone(),
                res.logical_id.clone(),
                res.resource_type.clone(),
                c.name.clone(),
                match c.kind {
                    CostKind::Idle => "idle",
                    CostKind::Usage => "usage",
                }
                .into(),
                c.quantity.to_decimal_string(),
                c.unit.clone(),
                c.free_quantity.to_decimal_string(),
                c.unit_price.clone(),
                c.monthly.to_decimal_string(),
                c.formula.clone(),
            ]));
        }
    }
    out
}

pub(super) fn diff(d: &CostDiff) -> String {
    let mut out = line(
        &[
            "change",
            "logical_id",
            "resource_type",
            "before_usd",
            "after_usd",
            "delta_idle_usd",
            "delta_usage_usd",
            "delta_total_usd",
        ]
        .map(String::from),
    );
    for r in &d.rows {
        out.push_str(&line(&[
            match r.change {
                Change::Added => "added",
                Change::Removed => "removed",
                Change::Changed => "changed",
            }
            .into(),
            r.logical_id.clone(),
            r.resource_type.clone(),
            r.base_total.to_decimal_string(),
            r.head_total.to_decimal_string(),
            r.delta_idle.to_decimal_string(),
            r.delta_usage.to_decimal_string(),
            r.delta_total.to_decimal_string(),
        ]));
    }
    out
}

pub(super) fn actuals(a: &Actuals) -> String {
    let mut out = line(&["period_start", "today", "service", "amount_usd"].map(String::from));
    for s in &a.by_service {
        out.push_str(&line(&[
            a.period_start.clone(),
            a.today.clone(),
            s.service.clone(),
            s.amount.to_decimal_string(),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_and_quotes_are_quoted() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain"), "plain");
    }
}
