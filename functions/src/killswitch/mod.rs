//! The automatic kill switch: the function AWS Budgets wakes (through the kill-switch topic)
//! when actual spend reaches the environment's kill threshold, and the schedule wakes for an
//! out-of-hours shutdown.
//!
//! - `throttle` ([`throttle`]): reserved concurrency 0 on every other function of the stack and
//!   its queue event source mappings disabled. Spend stops at once, queued messages wait, and
//!   no data is lost; `stackgen kill-switch reset` undoes it.
//! - `destroy` ([`destroy`]): empties every bucket of the stack (all object versions and delete
//!   markers), then deletes the stack.
//!
//! Both are idempotent: when there is nothing left to do (every function already at 0, the
//! stack already deleting or gone) the function logs "already done" and publishes nothing.
//! Otherwise it publishes one paragraph to ops-alerts saying what it did, and logs it.

pub mod destroy;
pub mod notification;
pub mod throttle;

use crate::config::{ConfigError, FunctionEnv};
use aws_types::SdkConfig;
use notification::{Action, Invocation};
use retail_spec::{BUDGET_NAME_VAR, KILL_ACTION_VAR, KILL_SWITCH_FN, OPS_ALERTS, STACK_NAME_VAR};
use serde::Serialize;

/// Lambda sets this to the function's own name; the throttle leaves that function alone.
const OWN_NAME_VAR: &str = "AWS_LAMBDA_FUNCTION_NAME";

/// The kill switch could not do its job. Each variant names the resource and the call.
#[derive(Debug, thiserror::Error)]
pub enum KillSwitchError {
    #[error(
        "the kill switch could not {call} for stack `{stack}`: {message}. Check that the function's role allows it (the stack grants it from retail_spec's kill-switch access) and that the stack exists"
    )]
    Stack {
        stack: String,
        call: &'static str,
        message: String,
    },
    #[error(
        "the kill switch could not {call} on `{function}`: {message}. Its role must allow lambda:{call} on the stack's functions and event source mappings"
    )]
    Function {
        function: String,
        call: &'static str,
        message: String,
    },
    #[error(
        "the kill switch could not empty bucket `{bucket}` ({call}): {message}. Its role must allow s3:ListBucketVersions, s3:DeleteObject and s3:DeleteObjectVersion on the stack's buckets; the stack was NOT deleted"
    )]
    Bucket {
        bucket: String,
        call: &'static str,
        message: String,
    },
    #[error(
        "the kill switch was invoked with a payload it does not understand: {0}. It takes an SNS event from the kill-switch topic or {{\"action\":\"destroy\"|\"throttle\",\"source\":\"…\"}}"
    )]
    Payload(String),
    #[error(
        "the kill switch of stack `{stack}` is configured to {configured} (kill_switch.action in the environment file); an invocation asking to {asked} is refused and nothing was done"
    )]
    OtherAction {
        stack: String,
        configured: &'static str,
        asked: &'static str,
    },
}

/// What one invocation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "outcome"
)]
pub enum Outcome {
    /// These functions were set to reserved concurrency 0 (`already` were at 0 before) and
    /// these event source mappings (UUIDs) disabled.
    Throttled {
        functions: Vec<String>,
        already: usize,
        mappings_disabled: Vec<String>,
    },
    /// The buckets were emptied and the stack's deletion started.
    Destroyed {
        buckets: Vec<String>,
        objects_deleted: usize,
    },
    /// Nothing left to do: a repeated notification.
    AlreadyDone { action: Action, detail: String },
    /// Not a notification the kill switch acts on.
    Ignored { reason: String },
}

/// The kill-switch app.
pub struct KillSwitch {
    pub(crate) cfn: aws_sdk_cloudformation::Client,
    pub(crate) lambda: aws_sdk_lambda::Client,
    pub(crate) s3: aws_sdk_s3::Client,
    pub(crate) sns: aws_sdk_sns::Client,
    pub(crate) stack: String,
    pub(crate) action: Action,
    pub(crate) budget_name: String,
    pub(crate) ops_topic_arn: String,
    /// This function's own name, never throttled.
    pub(crate) own_name: Option<String>,
}

impl KillSwitch {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        let missing = |var: &'static str, what: &str| ConfigError::Missing {
            function: KILL_SWITCH_FN.id,
            var,
            what: what.to_owned(),
        };
        let stack = env
            .get(STACK_NAME_VAR)
            .ok_or_else(|| missing(STACK_NAME_VAR, "its own CloudFormation stack name"))?
            .to_owned();
        let action_text = env.get(KILL_ACTION_VAR).ok_or_else(|| {
            missing(
                KILL_ACTION_VAR,
                "the kill switch's action (`throttle` or `destroy`)",
            )
        })?;
        let action = Action::parse(action_text).ok_or_else(|| {
            missing(
                KILL_ACTION_VAR,
                &format!("`throttle` or `destroy` (got `{action_text}`)"),
            )
        })?;
        let budget_name = env
            .get(BUDGET_NAME_VAR)
            .ok_or_else(|| missing(BUDGET_NAME_VAR, "the name of the environment's budget"))?
            .to_owned();
        Ok(KillSwitch {
            cfn: aws_sdk_cloudformation::Client::new(sdk),
            lambda: aws_sdk_lambda::Client::new(sdk),
            s3: crate::aws::s3_client(sdk),
            sns: aws_sdk_sns::Client::new(sdk),
            ops_topic_arn: env.topic_arn(&OPS_ALERTS)?,
            own_name: env.get(OWN_NAME_VAR).map(str::to_owned),
            stack,
            action,
            budget_name,
        })
    }

    /// The action of the environment file.
    pub fn action(&self) -> Action {
        self.action
    }

    /// Handles one Lambda payload (an SNS event or a direct invocation).
    pub async fn handle(&self, payload: serde_json::Value) -> Result<Outcome, KillSwitchError> {
        let invocation: Invocation =
            serde_json::from_value(payload).map_err(|e| KillSwitchError::Payload(e.to_string()))?;
        let action = match invocation {
            Invocation::Direct(d) => {
                tracing::info!(
                    action = d.action.as_str(),
                    source = d.source,
                    stack = self.stack,
                    "kill switch invoked directly"
                );
                // The environment decides what the kill switch does; a payload only triggers it.
                if d.action != self.action {
                    return Err(KillSwitchError::OtherAction {
                        stack: self.stack.clone(),
                        configured: self.action.as_str(),
                        asked: d.action.as_str(),
                    });
                }
                d.action
            }
            Invocation::Sns { records } => {
                let mut acted_on = None;
                for r in &records {
                    let alert = notification::parse_budget_alert(&r.sns.message);
                    match notification::reason_to_ignore(alert.as_ref(), &self.budget_name) {
                        Some(reason) => tracing::warn!(
                            reason,
                            messageId = r.sns.message_id,
                            topic = r.sns.topic_arn,
                            "kill switch ignored a message"
                        ),
                        None => acted_on = alert,
                    }
                }
                let Some(alert) = acted_on else {
                    return Ok(Outcome::Ignored {
                        reason:
                            "no record is an actual-spend notification of this environment's budget"
                                .to_owned(),
                    });
                };
                tracing::info!(
                    budget = alert.budget_name,
                    threshold = alert.threshold,
                    actual = alert.actual,
                    action = self.action.as_str(),
                    stack = self.stack,
                    "budget kill threshold reached"
                );
                self.action
            }
        };
        let outcome = match action {
            Action::Throttle => throttle::run(self).await?,
            Action::Destroy => destroy::run(self).await?,
        };
        if let Outcome::AlreadyDone { detail, .. } = &outcome {
            tracing::info!(
                action = action.as_str(),
                stack = self.stack,
                detail,
                "already done"
            );
        }
        Ok(outcome)
    }

    /// Publishes `summary` to ops-alerts and logs it. A failed publish is logged, not fatal:
    /// the action itself has been taken.
    pub(crate) async fn report(&self, subject: &str, summary: &str, fields: serde_json::Value) {
        tracing::info!(details = %fields, "{summary}");
        let sent = self
            .sns
            .publish()
            .topic_arn(&self.ops_topic_arn)
            .subject(subject)
            .message(summary)
            .send()
            .await;
        if let Err(e) = sent {
            tracing::error!(
                topic = self.ops_topic_arn,
                error = %aws_sdk_sns::error::DisplayErrorContext(&e),
                "kill switch could not publish its summary to ops-alerts"
            );
        }
    }
}

/// The text of an SDK error with its cause chain.
pub(crate) fn describe<E: std::error::Error>(e: &E) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// The stack's resources of one type, by physical id (what CloudFormation created).
pub(crate) async fn stack_resources(
    ks: &KillSwitch,
    resource_type: &str,
) -> Result<Vec<String>, KillSwitchError> {
    let mut out = Vec::new();
    let mut pages = ks
        .cfn
        .list_stack_resources()
        .stack_name(&ks.stack)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| KillSwitchError::Stack {
            stack: ks.stack.clone(),
            call: "ListStackResources",
            message: describe(&e),
        })?;
        for r in page.stack_resource_summaries() {
            if r.resource_type() == Some(resource_type)
                && let Some(id) = r.physical_resource_id().filter(|id| !id.is_empty())
            {
                out.push(id.to_owned());
            }
        }
    }
    Ok(out)
}
