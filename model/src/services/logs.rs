//! CloudWatch Logs: `AWS::Logs::LogGroup` (declared so that retention is ours and nothing is
//! left behind on delete) and `AWS::Logs::QueryDefinition` (the runbooks' saved Logs Insights
//! queries), generated from AWS's schema. `Fn::GetAtt Arn` is
//! `arn:…:log-group:<name>:*`, the form IAM statements want.

use crate::cfn::{Arn, Handle, Name, Pseudo, Value};

pub use crate::generated::logs::log_group::LogGroup;
pub use crate::generated::logs::query_definition::QueryDefinition;

impl Handle<LogGroup> {
    /// `Fn::GetAtt Arn`: `arn:…:log-group:<name>:*`, the form IAM statements want.
    pub fn arn(&self) -> Arn<LogGroup> {
        self.attr_arn()
    }
    /// `Ref`: the log group name.
    pub fn name(&self) -> Name<LogGroup> {
        self.reference_as()
    }
    /// `arn:…:log-group:<name>`, without the `:*` of [`Self::arn`]: what a log delivery's
    /// destination takes (API Gateway's access logs, WAF's logging configuration).
    pub fn delivery_arn(&self) -> Value {
        crate::sub!(
            "arn:",
            Pseudo::Partition,
            ":logs:",
            Pseudo::Region,
            ":",
            Pseudo::AccountId,
            ":log-group:",
            self.name()
        )
    }
}
