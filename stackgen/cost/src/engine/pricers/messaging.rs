//! Messaging and schedules: queues, topics and their subscriptions, schedules, rules.

use super::super::SQS_REQUESTS_PER_MESSAGE;
use super::super::context::{Context, Notes};
use super::super::draft::{Draft, q};
use crate::money::Qty;
use crate::prices::Meter;
use crate::report::{CostKind, FreeResource};
use crate::schedule::invocations_per_month;
use crate::template::{Facts, Resource};

/// `Facts::Queue`.
pub(super) fn queue(c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    let Facts::Queue { fifo, .. } = &r.facts else {
        return;
    };
    if let Some(u) = c.usage.queues.by_resource.get(&r.logical_id) {
        let n = Qty::units(u.messages.saturating_mul(SQS_REQUESTS_PER_MESSAGE));
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
            out.warnings.push(format!(
                "{}: FIFO queue priced at standard-queue rates",
                r.logical_id
            ));
        }
    }
}

/// `Facts::Topic`.
pub(super) fn topic(c: &Context, r: &Resource, d: &mut Draft, _out: &mut Notes) {
    if let Some(u) = c.usage.topics.by_resource.get(&r.logical_id) {
        d.add(
            CostKind::Usage,
            "publishes",
            Meter::SnsPublishes,
            u.publishes,
            format!("{} publishes", q(u.publishes)),
        );
        let protocols = c.subs.get(&r.logical_id).cloned().unwrap_or_default();
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

/// `Facts::Subscription`.
pub(super) fn subscription(_c: &Context, r: &Resource, _d: &mut Draft, out: &mut Notes) {
    out.free_resources.push(FreeResource {
        logical_id: r.logical_id.clone(),
        resource_type: r.resource_type.clone(),
        why: "subscriptions are free; deliveries are priced on the topic".into(),
    });
}

/// `Facts::Schedule`.
pub(super) fn schedule(_c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    let Facts::Schedule {
        expression,
        enabled,
        target_function,
    } = &r.facts
    else {
        return;
    };
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
            None => out.warnings.push(format!(
                "{}: schedule expression {:?} not understood; not priced",
                r.logical_id, expression
            )),
        }
    }
}

/// `Facts::EmailIdentity`: the identity is free; the profile's emails are priced on it when no
/// function of the template sends them (`Context::email_target`).
pub(super) fn email_identity(c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    if c.email_target.as_deref() == Some(r.logical_id.as_str()) {
        emails_sent(c, d);
    } else {
        out.free_resources.push(FreeResource {
            logical_id: r.logical_id.clone(),
            resource_type: r.resource_type.clone(),
            why: "SES identities are free; emails are priced on the function that sends them"
                .into(),
        });
    }
}

/// The profile's customer emails, at SES's price per message.
pub(super) fn emails_sent(c: &Context, d: &mut Draft) {
    let emails = Qty::units(c.traffic.emails);
    d.add(
        CostKind::Usage,
        "emails sent",
        Meter::SesEmails,
        emails,
        format!(
            "{} customer emails (ready for pickup, cancelled)",
            q(emails)
        ),
    );
}

/// `Facts::EventsRule`.
pub(super) fn events_rule(_c: &Context, r: &Resource, _d: &mut Draft, out: &mut Notes) {
    out.free_resources.push(FreeResource {
        logical_id: r.logical_id.clone(),
        resource_type: r.resource_type.clone(),
        why: "rules on AWS events and scheduled rules are free; targets are billed".into(),
    });
}
