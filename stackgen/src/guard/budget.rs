//! Every environment has a budget with notifications, and anomaly detection where the
//! environment enables it: nobody learns about spend from the invoice.

use super::{Outcome, Rule, RuleResult, Subject};
use crate::model::budgets::{Budget, NotificationType};
use crate::model::ce::{AnomalyMonitor, AnomalySubscription};

pub const RULE: Rule = Rule {
    id: "budget",
    title: "a monthly budget with notifications, and anomaly detection where enabled",
};

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    let file = s.env.file_name();
    if s.env.features.budget {
        check_budgets(s, &file, &mut o);
    } else {
        o.note(format!("budget waived: features.budget is false in {file}"));
    }
    if s.env.features.anomaly_detection {
        check_anomaly_detection(s, &file, &mut o);
    } else {
        o.note(format!(
            "anomaly detection off: features.anomaly_detection is false in {file}"
        ));
    }
    o.finish()
}

/// A budget exists, and each notifies someone at every threshold of the environment file.
fn check_budgets(s: &Subject, file: &str, o: &mut Outcome) {
    let budgets: Vec<_> = s.template.resources::<Budget>().collect();
    o.checked();
    if budgets.is_empty() {
        o.violation(
            "(stack)",
            "the stack declares no AWS::Budgets::Budget",
            "add the environment's monthly budget (stack/finops.rs builds it from the budget section)",
        );
    }
    for (id, b) in budgets {
        o.checked();
        if b.notifications().is_empty() {
            o.violation(
                id.as_str(),
                "the budget has no notifications",
                format!("list thresholds_percent and emails under budget in {file}"),
            );
        }
        for n in b.notifications() {
            if n.subscribers.is_empty() {
                let at = n
                    .notification
                    .threshold
                    .as_lit()
                    .copied()
                    .unwrap_or_default();
                o.violation(
                    id.as_str(),
                    format!("the notification at {at}% has no subscribers"),
                    format!("add budget.emails in {file}"),
                );
            }
        }
        for &t in &s.env.budget.thresholds_percent {
            let covered = b
                .notifications()
                .iter()
                .any(|n| n.notification.is(NotificationType::Actual, f64::from(t)));
            if !covered {
                o.violation(
                    id.as_str(),
                    format!("no notification on actual spend at the {t}% threshold"),
                    "notify at every threshold of the environment file",
                );
            }
        }
    }
}

/// An anomaly monitor exists, and a subscription with subscribers watches each.
fn check_anomaly_detection(s: &Subject, file: &str, o: &mut Outcome) {
    o.checked();
    let monitors: Vec<_> = s
        .template
        .resources::<AnomalyMonitor>()
        .map(|(id, _)| id)
        .collect();
    if monitors.is_empty() {
        o.violation(
            "(stack)",
            "anomaly detection is enabled but the stack declares no AWS::CE::AnomalyMonitor",
            format!("add the monitor, or set features.anomaly_detection: false in {file}"),
        );
    }
    for m in monitors {
        let subscribed = s
            .template
            .resources::<AnomalySubscription>()
            .any(|(_, sub)| {
                sub.monitor_arn_list
                    .iter()
                    .any(|v| v.as_ref_id() == Some(m))
                    && !sub.subscribers.is_empty()
            });
        if !subscribed {
            o.violation(
                m.as_str(),
                "no anomaly subscription with subscribers watches this monitor",
                format!("add an AWS::CE::AnomalySubscription for it (budget.emails in {file})"),
            );
        }
    }
}
