//! AWS Budgets: `AWS::Budgets::Budget` with its notifications.

use serde::Serialize;

use super::ce::Expression;
use crate::cfn::tags::Tags;
use crate::cfn::template::resource;
use crate::cfn::value::Value;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Budget {
    pub budget: BudgetData,
    pub notifications_with_subscribers: Vec<NotificationWithSubscribers>,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub resource_tags: Tags,
}
resource!(Budget, "AWS::Budgets::Budget", tags = resource_tags);

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BudgetData {
    pub budget_name: String,
    pub budget_type: &'static str,
    pub time_unit: &'static str,
    pub budget_limit: Spend,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_expression: Option<Expression>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Spend {
    pub amount: f64,
    pub unit: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotificationWithSubscribers {
    pub notification: Notification,
    pub subscribers: Vec<Subscriber>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Notification {
    pub notification_type: NotificationType,
    pub comparison_operator: &'static str,
    pub threshold: f64,
    pub threshold_type: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum NotificationType {
    Actual,
    Forecasted,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subscriber {
    pub subscription_type: SubscriptionType,
    pub address: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SubscriptionType {
    Email,
    Sns,
}
