//! A typed snapshot of one stack as DescribeStacks reports it, and one of its events as
//! DescribeStackEvents does (`events.rs` follows them; `Progress` receives them).
//!
//! Deploy, destroy and status all start by asking "does the stack exist, in what state, with
//! which parameters, tags and outputs" — one request, read into [`StackSnapshot`].

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::Stack;
use aws_smithy_types::date_time::Format;
use stackgen_model::generated::cloudformation;

use crate::aws::{AwsContext, AwsError};

/// One stack, as last described.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackSnapshot {
    pub name: String,
    /// The stack ARN; stays valid (and describable) after the stack is deleted.
    pub id: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub parameters: BTreeMap<String, String>,
    pub outputs: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub termination_protection: bool,
    /// The CloudFormation service role the stack operates with, if any.
    pub role_arn: Option<String>,
    /// RFC 3339.
    pub created: Option<String>,
    /// RFC 3339; the last update, or `None` if never updated.
    pub last_updated: Option<String>,
    /// The last drift detection's result (`IN_SYNC`, `DRIFTED`, …) and its RFC 3339 time;
    /// `None` when drift was never checked.
    pub drift: Option<(String, Option<String>)>,
}

impl StackSnapshot {
    /// The time of the last change (update, else creation), RFC 3339.
    pub fn last_change(&self) -> Option<&str> {
        self.last_updated.as_deref().or(self.created.as_deref())
    }

    fn from_sdk(stack: &Stack) -> StackSnapshot {
        let time =
            |t: Option<&aws_smithy_types::DateTime>| t.and_then(|t| t.fmt(Format::DateTime).ok());
        StackSnapshot {
            name: stack.stack_name().unwrap_or_default().to_string(),
            id: stack.stack_id().unwrap_or_default().to_string(),
            status: stack
                .stack_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            status_reason: stack.stack_status_reason().map(str::to_string),
            parameters: stack
                .parameters()
                .iter()
                .filter_map(|p| {
                    Some((
                        p.parameter_key()?.to_string(),
                        p.parameter_value().unwrap_or_default().to_string(),
                    ))
                })
                .collect(),
            outputs: stack
                .outputs()
                .iter()
                .filter_map(|o| {
                    Some((
                        o.output_key()?.to_string(),
                        o.output_value().unwrap_or_default().to_string(),
                    ))
                })
                .collect(),
            tags: stack
                .tags()
                .iter()
                .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                .collect(),
            termination_protection: stack.enable_termination_protection().unwrap_or(false),
            role_arn: stack.role_arn().map(str::to_string),
            created: time(stack.creation_time()),
            last_updated: time(stack.last_updated_time()),
            drift: stack
                .drift_information()
                .map(|d| {
                    let status = d.stack_drift_status().map_or("NOT_CHECKED", |s| s.as_str());
                    (status.to_owned(), time(d.last_check_timestamp()))
                })
                .filter(|(status, _)| status != "NOT_CHECKED"),
        }
    }
}

/// Describes `name_or_id`; `Ok(None)` when there is no such stack (CloudFormation answers
/// "Stack with id … does not exist" as a ValidationError, which is not an error here).
pub async fn describe_stack(
    ctx: &AwsContext,
    name_or_id: &str,
) -> Result<Option<StackSnapshot>, AwsError> {
    let result = ctx
        .cloudformation
        .describe_stacks()
        .stack_name(name_or_id)
        .send()
        .await;
    match result {
        Ok(out) => Ok(out.stacks().first().map(StackSnapshot::from_sdk)),
        Err(err) => {
            let err = ctx.fail("cloudformation", "DescribeStacks", err);
            if err.is_service("ValidationError", "does not exist") {
                Ok(None)
            } else {
                Err(err)
            }
        }
    }
}

/// One stack event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackEvent {
    pub id: String,
    /// RFC 3339.
    pub timestamp: String,
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
}

impl StackEvent {
    /// True for a resource-level failure with a reason worth showing (not the cascade of
    /// "Resource creation cancelled" that follows the first real failure).
    pub fn is_root_failure(&self) -> bool {
        self.status.ends_with("_FAILED")
            && self.resource_type != cloudformation::STACK_TYPE_NAME
            && self
                .reason
                .as_deref()
                .is_some_and(|r| !r.contains("cancelled"))
    }

    /// `Logical (Type): reason`.
    pub fn describe_failure(&self) -> String {
        format!(
            "{} ({}) {}: {}",
            self.logical_id,
            self.resource_type,
            self.status,
            self.reason.as_deref().unwrap_or("no reason given")
        )
    }
}
