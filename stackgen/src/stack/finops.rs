//! FinOps: the environment's monthly cost budget (filtered to its tags, notifying at each
//! threshold on actual and forecasted spend) and Cost Explorer anomaly detection.

use super::events::Events;
use super::{Ctx, StackError};
use crate::model::Tags;
use crate::model::budgets::{
    Budget, BudgetData, Notification, NotificationType, NotificationWithSubscribers, Spend,
    Subscriber, SubscriptionType,
};
use crate::model::ce::{AnomalyMonitor, AnomalySubscriber, AnomalySubscription, Expression};

/// AWS limits: 10 notifications per budget, 10 email subscribers per notification.
const MAX_NOTIFICATIONS: usize = 10;
const MAX_EMAILS: usize = 10;

pub(super) fn build(ctx: &mut Ctx, events: &Events) -> Result<(), StackError> {
    let env = ctx.env;
    let project_and_env = Expression::all(vec![
        Expression::tag("Project", &env.tags.project),
        Expression::tag("Env", &env.name),
    ]);

    if env.features.budget {
        if env.budget.emails.len() > MAX_EMAILS {
            return Err(StackError::TooManyBudgetEmails {
                env: env.name.clone(),
                count: env.budget.emails.len(),
            });
        }
        if env.budget.thresholds_percent.len() * 2 > MAX_NOTIFICATIONS {
            return Err(StackError::TooManyThresholds {
                env: env.name.clone(),
                count: env.budget.thresholds_percent.len(),
            });
        }
        let mut subscribers: Vec<Subscriber> = env
            .budget
            .emails
            .iter()
            .map(|e| Subscriber {
                subscription_type: SubscriptionType::Email,
                address: e.into(),
            })
            .collect();
        subscribers.push(Subscriber {
            subscription_type: SubscriptionType::Sns,
            address: events.ops_alerts.arn(),
        });
        let mut notifications = Vec::new();
        for &threshold in &env.budget.thresholds_percent {
            for kind in [NotificationType::Actual, NotificationType::Forecasted] {
                notifications.push(NotificationWithSubscribers {
                    notification: Notification {
                        notification_type: kind,
                        comparison_operator: "GREATER_THAN",
                        threshold: f64::from(threshold),
                        threshold_type: "PERCENTAGE",
                    },
                    subscribers: subscribers.clone(),
                });
            }
        }
        ctx.template.add(
            "MonthlyBudget",
            Budget {
                budget: BudgetData {
                    budget_name: ctx.names.physical("monthly"),
                    budget_type: "COST",
                    time_unit: "MONTHLY",
                    budget_limit: Spend {
                        amount: f64::from(env.budget.monthly_usd),
                        unit: "USD",
                    },
                    filter_expression: Some(project_and_env.clone()),
                },
                notifications_with_subscribers: notifications,
                resource_tags: Tags::new(),
            },
        );
    }

    if env.features.anomaly_detection {
        let spec = Expression::tag("Env", &env.name);
        let serialize_err = |e: serde_json::Error| StackError::Serialize {
            what: "the anomaly monitor".to_owned(),
            message: e.to_string(),
        };
        let monitor = ctx.template.add(
            "CostAnomalyMonitor",
            AnomalyMonitor::custom(&ctx.names.physical("cost"), &spec).map_err(serialize_err)?,
        );
        // An anomaly worth an email: a tenth of the monthly budget, at least one dollar.
        let impact = (env.budget.monthly_usd / 10).max(1);
        let subscribers: Vec<AnomalySubscriber> = env
            .budget
            .emails
            .iter()
            .take(MAX_EMAILS)
            .map(|e| AnomalySubscriber {
                address: e.into(),
                kind: "EMAIL",
            })
            .collect();
        if !subscribers.is_empty() {
            ctx.template.add(
                "CostAnomalySubscription",
                AnomalySubscription {
                    subscription_name: ctx.names.physical("cost-anomalies"),
                    frequency: "DAILY",
                    monitor_arn_list: vec![monitor.arn()],
                    subscribers,
                    threshold_expression: AnomalySubscription::impact_at_least(impact)
                        .map_err(serialize_err)?,
                    resource_tags: Tags::new(),
                },
            );
        }
    }
    Ok(())
}
