//! CloudWatch Logs: `AWS::Logs::LogGroup` (declared so that retention is ours and nothing is
//! left behind on delete).

use serde::Serialize;

use crate::cfn::tags::Tags;
use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogGroup {
    pub log_group_name: Value,
    pub retention_in_days: u32,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
resource!(LogGroup, "AWS::Logs::LogGroup", tags = tags);

impl Handle<LogGroup> {
    /// `Ref`: the log group name.
    pub fn name(&self) -> Value {
        self.reference()
    }
    /// `arn:…:log-group:<name>:*` (the form IAM statements want).
    pub fn arn(&self) -> Value {
        self.attribute("Arn")
    }
}
