//! EventBridge Scheduler: `AWS::Scheduler::Schedule` (for the out-of-hours shutdown).

use serde::Serialize;

use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Schedule {
    pub name: Value,
    pub description: String,
    pub schedule_expression: String,
    pub schedule_expression_timezone: String,
    pub flexible_time_window: FlexibleTimeWindow,
    pub state: &'static str,
    pub target: Target,
}
resource!(Schedule, "AWS::Scheduler::Schedule");

impl Handle<Schedule> {
    pub fn arn(&self) -> Value {
        self.attribute("Arn")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FlexibleTimeWindow {
    pub mode: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Target {
    pub arn: Value,
    pub role_arn: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
}
