//! Observability: log groups, alarms, dashboards.

use super::super::context::{Context, Notes};
use super::super::draft::{Draft, q};
use crate::money::Qty;
use crate::prices::Meter;
use crate::report::{CostKind, Finding, FindingKind};
use crate::template::{Facts, Resource};

/// `Facts::LogGroup`.
pub(super) fn log_group(c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    let Facts::LogGroup {
        retention_days,
        infrequent_access,
        ..
    } = &r.facts
    else {
        return;
    };
    let fns = c.group_fns.get(&r.logical_id).cloned().unwrap_or_default();
    let ingest: Qty = fns
        .iter()
        .filter_map(|f| c.fn_month.get(f))
        .map(|m| m.logs)
        .sum();
    if *infrequent_access {
        out.warnings.push(format!(
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
                format!(
                    "{} GB a month kept {days} days = {} GB-month (uncompressed, an upper bound)",
                    q(ingest),
                    q(stored)
                ),
            );
        }
        None => {
            out.findings.push(Finding {
                kind: FindingKind::NeverExpiringLogs,
                logical_id: r.logical_id.clone(),
                resource_type: r.resource_type.clone(),
                monthly: None,
                message: "no RetentionInDays: logs are kept for ever and storage grows \
                          every month; set the environment's retention"
                    .into(),
            });
            d.add_never_expiring_logs(ingest);
        }
    }
}

/// `Facts::Alarm`.
pub(super) fn alarm(_c: &Context, r: &Resource, d: &mut Draft, _out: &mut Notes) {
    let Facts::Alarm {
        metrics,
        high_resolution,
    } = &r.facts
    else {
        return;
    };
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

/// `Facts::CompositeAlarm`.
pub(super) fn composite_alarm(_c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    d.add(
        CostKind::Idle,
        "composite alarm",
        Meter::CloudWatchCompositeAlarms,
        Qty::units(1),
        "1 composite alarm".into(),
    );
}

/// `Facts::Dashboard`.
pub(super) fn dashboard(_c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    d.add(
        CostKind::Idle,
        "dashboard",
        Meter::CloudWatchDashboards,
        Qty::units(1),
        "1 dashboard".into(),
    );
}
