//! Compute: functions, their queue event sources, provisioned concurrency, state machines.

use super::super::context::{Context, FnMonth, Notes};
use super::super::draft::{Draft, gb_seconds, q};
use super::super::{SQS_IDLE_POLLERS, SQS_POLLS_PER_MINUTE};
use crate::money::Qty;
use crate::prices::{HOURS_PER_MONTH, Meter};
use crate::report::{CostKind, Finding, FindingKind};
use crate::template::{Arch, Facts, Piece, Resource, literal};

/// `Facts::Function`.
pub(super) fn function(c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    let Facts::Function {
        memory_mb,
        arch,
        ephemeral_mb,
        name,
        traced,
        ..
    } = &r.facts
    else {
        return;
    };
    let m = c.fn_month.get(&r.logical_id).copied().unwrap_or_default();
    invocations(&m, *arch, *memory_mb, d);
    if *traced {
        traces(&m, d);
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
    if !c.fn_group.contains_key(&r.logical_id) {
        undeclared_log_group(r, name.as_deref(), m.logs, d, out);
    }
    if c.email_target.as_deref() == Some(r.logical_id.as_str()) {
        super::messaging::emails_sent(c, d);
    }
}

/// Requests and GB-seconds of duration, for traffic (usage) and for schedules (idle).
fn invocations(m: &FnMonth, arch: Arch, memory_mb: u64, d: &mut Draft) {
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
        let gb_s = gb_seconds(micro_ms, memory_mb);
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
}

/// The X-Ray traces Lambda's default sampling records of a traced function's invocations.
fn traces(m: &FnMonth, d: &mut Draft) {
    for (kind, label, requests) in [
        (CostKind::Usage, "", m.requests),
        (CostKind::Idle, "scheduled ", m.sched_requests),
    ] {
        let traces = sampled_traces(requests);
        d.add(
            kind,
            &format!("X-Ray traces of {label}invocations"),
            Meter::XRayTracesRecorded,
            traces,
            format!(
                "default sampling of {} {label}invocations: the first each second (at most \
                 {} s a month), then 5% of the rest = {} traces",
                q(requests),
                q(Qty::units(SECONDS_PER_MONTH)),
                q(traces)
            ),
        );
    }
}

/// Seconds in the billing month.
const SECONDS_PER_MONTH: u64 = HOURS_PER_MONTH * 3600;

/// The traces X-Ray records of `requests` invocations a month under Lambda's fixed sampling
/// rule, "1 request per second and 5 percent of additional requests" (Lambda Developer Guide,
/// "Visualize Lambda function invocations using AWS X-Ray",
/// <https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html>): spread evenly, every
/// invocation up to one a second is traced, and 5% of those beyond. Bursts trace fewer, so
/// this is the most the month can record.
fn sampled_traces(requests: Qty) -> Qty {
    let seconds = Qty::units(SECONDS_PER_MONTH);
    requests.min(seconds) + requests.saturating_sub(seconds).mul_ratio(5, 100)
}

/// A function whose log group the template does not declare: Lambda's own, kept for ever.
fn undeclared_log_group(
    r: &Resource,
    name: Option<&[Piece]>,
    logs: Qty,
    d: &mut Draft,
    out: &mut Notes,
) {
    let shown = name
        .and_then(literal)
        .unwrap_or_else(|| "<function name>".into());
    out.findings.push(Finding {
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
    d.add_never_expiring_logs(logs);
}

/// `Facts::EventSourceMapping`.
pub(super) fn event_source_mapping(_c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    let Facts::EventSourceMapping {
        queue,
        enabled,
        provisioned_pollers,
        ..
    } = &r.facts
    else {
        return;
    };
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
        out.findings.push(Finding {
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

/// `Facts::StateMachine`.
pub(super) fn state_machine(_c: &Context, r: &Resource, _d: &mut Draft, out: &mut Notes) {
    let Facts::StateMachine { express } = &r.facts else {
        return;
    };
    out.warnings.push(format!(
        "{}: {} state machine executions are not part of traffic profiles; priced at zero",
        r.logical_id,
        if *express { "Express" } else { "Standard" }
    ));
}

/// `Facts::ProvisionedConcurrency`.
pub(super) fn provisioned_concurrency(c: &Context, r: &Resource, d: &mut Draft, _out: &mut Notes) {
    let Facts::ProvisionedConcurrency {
        function,
        executions,
    } = &r.facts
    else {
        return;
    };
    let (mem, arch) = function
        .as_deref()
        .and_then(|f| c.inv.get(f))
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
        format!(
            "{executions} environments × {mem} MB ÷ 1024 × {HOURS_PER_MONTH} h × 3600 s = {} GB-s",
            q(gb_s)
        ),
    );
    d.finding = Some((
        FindingKind::GhostSpend,
        "provisioned concurrency is billed by the hour whether invoked or not".into(),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xray_samples_one_a_second_then_five_percent() {
        assert_eq!(sampled_traces(Qty::ZERO), Qty::ZERO);
        // Under one a second on average: every invocation.
        assert_eq!(sampled_traces(Qty::units(300_000)), Qty::units(300_000));
        // 10M a month: 2,628,000 + 5% × 7,372,000 = 2,996,600.
        assert_eq!(
            sampled_traces(Qty::units(10_000_000)),
            Qty::units(2_996_600)
        );
    }
}
