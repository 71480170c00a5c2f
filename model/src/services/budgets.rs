//! AWS Budgets: `AWS::Budgets::Budget` with its notifications, generated from AWS's schema.
//! The schema leaves the notification and subscriber kinds free strings; the enums here name
//! the values AWS Budgets accepts.

use super::ce;
use crate::cfn::Value;

pub use crate::generated::budgets::budget::{
    Budget, BudgetData, Expression, Notification, NotificationWithSubscribers, Spend, Subscriber,
    TagValues,
};

impl Budget {
    /// The notifications (none when unset).
    pub fn notifications(&self) -> &[NotificationWithSubscribers] {
        self.notifications_with_subscribers
            .as_deref()
            .unwrap_or_default()
    }
}

impl Notification {
    /// Whether it fires on `kind` of spend at `percent` of the budget.
    pub fn is(&self, kind: NotificationType, percent: f64) -> bool {
        self.notification_type == Value::from(kind) && self.threshold.as_lit() == Some(&percent)
    }
}

/// When a notification fires: on actual or on forecasted spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationType {
    Actual,
    Forecasted,
}

impl From<NotificationType> for Value {
    fn from(t: NotificationType) -> Value {
        match t {
            NotificationType::Actual => "ACTUAL".into(),
            NotificationType::Forecasted => "FORECASTED".into(),
        }
    }
}

/// Where a notification goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionType {
    Email,
    Sns,
}

impl From<SubscriptionType> for Value {
    fn from(t: SubscriptionType) -> Value {
        match t {
            SubscriptionType::Email => "EMAIL".into(),
            SubscriptionType::Sns => "SNS".into(),
        }
    }
}

/// A Cost Explorer expression as a budget's `FilterExpression`.
impl From<&ce::Expression> for Expression {
    fn from(e: &ce::Expression) -> Expression {
        let values = |kv: &ce::KeyValues| TagValues {
            key: Some(kv.key.as_str().into()),
            match_options: Some(kv.match_options.iter().map(|&m| m.into()).collect()),
            values: Some(kv.values.iter().map(Value::from).collect()),
        };
        let mut out = Expression::new();
        if !e.and.is_empty() {
            out.and = Some(e.and.iter().map(Expression::from).collect());
        }
        out.tags = e.tags.as_ref().map(values);
        out.dimensions = e.dimensions.as_ref().map(|kv| {
            let v = values(kv);
            crate::generated::budgets::budget::ExpressionDimensionValues {
                key: v.key,
                match_options: v.match_options,
                values: v.values,
            }
        });
        out
    }
}
