//! FinOps: budgets, budget actions, anomaly detection.

use super::super::context::{Context, Notes};
use super::super::draft::{Draft, q};
use crate::money::Qty;
use crate::prices::Meter;
use crate::report::CostKind;
use crate::template::{Facts, Resource};

/// `Facts::Budget`.
pub(super) fn budget(_c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    d.add_free(
        "budget and notifications",
        "budget",
        "AWS Budgets charges nothing for budgets and their notifications; only \
     action-enabled budgets beyond the account's first two cost $0.10 a day",
    );
}

/// `Facts::BudgetsAction`.
pub(super) fn budgets_action(_c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    let Facts::BudgetsAction { budget } = &r.facts else {
        return;
    };
    let key = budget.clone().unwrap_or_else(|| r.logical_id.clone());
    if out.action_budgets_seen.insert(key.clone()) {
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

/// `Facts::AnomalyMonitor | Facts::AnomalySubscription`.
pub(super) fn anomaly_monitor(_c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    d.add_free(
        "cost anomaly detection",
        "monitor",
        "AWS Cost Anomaly Detection is free",
    );
}
