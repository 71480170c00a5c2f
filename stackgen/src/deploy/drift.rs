//! Real drift: what changed in AWS behind the stack's back (a queue's timeout raised in the
//! console, a log group deleted), found by CloudFormation's own drift detection.
//!
//! [`detect`] starts DetectStackDrift, waits for DescribeStackDriftDetectionStatus to finish,
//! and reads every MODIFIED or DELETED resource with DescribeStackResourceDrifts: its property
//! paths with the expected and actual values. A detection that fails for some resources still
//! reports the others ("Results will be available for resources on which CloudFormation
//! successfully completed drift detection": AWS CloudFormation API Reference,
//! DescribeStackDriftDetectionStatus, `DetectionStatus`,
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackDriftDetectionStatus.html>).
//! This is not `stackgen diff`, which compares templates: a stack can match its template and
//! still have drifted.

use std::time::Duration;

use aws_sdk_cloudformation::types::{StackDriftDetectionStatus, StackResourceDriftStatus};
use serde::Serialize;

use super::state::{NextStep, StackCondition, StackOf, classify, next_step};
use crate::aws::{AwsContext, AwsError};

/// Why drift could not be detected.
#[derive(Debug, thiserror::Error)]
pub enum DriftError {
    #[error(
        "stack {stack} is not deployed in {region}, so there is nothing to check; `stackgen deploy --env {env}` creates it"
    )]
    NotDeployed {
        stack: String,
        region: String,
        env: String,
    },
    #[error("stack {stack} is in {status}: {why}, so drift cannot be detected now; {next}")]
    Unsettled {
        stack: String,
        status: String,
        why: &'static str,
        next: String,
    },
    #[error(
        "drift detection of {stack} did not finish within {} s; CloudFormation carries on: run `stackgen drift` again later",
        .waited.as_secs()
    )]
    TimedOut { stack: String, waited: Duration },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

/// One property that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyDrift {
    /// JSON pointer into the resource's properties (`/VisibilityTimeout`).
    pub path: String,
    pub expected: String,
    pub actual: String,
    /// `ADD`, `REMOVE` or `NOT_EQUAL`.
    pub kind: String,
}

/// One drifted resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDrift {
    pub logical_id: String,
    pub physical_id: String,
    pub resource_type: String,
    /// `MODIFIED` or `DELETED`.
    pub status: String,
    pub properties: Vec<PropertyDrift>,
}

/// The outcome of one detection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftReport {
    pub stack: String,
    /// `IN_SYNC` or `DRIFTED` (`UNKNOWN` when CloudFormation could not say).
    pub status: String,
    /// Resources CloudFormation could not check, and why (a failed detection's reason).
    pub warnings: Vec<String>,
    pub resources: Vec<ResourceDrift>,
}

impl DriftReport {
    pub fn drifted(&self) -> bool {
        !self.resources.is_empty()
    }
}

/// How often and how long to wait for a detection.
#[derive(Debug, Clone, Copy)]
pub struct DriftWait {
    pub every: Duration,
    pub at_most: Duration,
}

impl Default for DriftWait {
    fn default() -> Self {
        DriftWait {
            every: Duration::from_secs(3),
            at_most: Duration::from_secs(600),
        }
    }
}

/// Detects drift on `stack` (for `env`'s messages) and reads every drifted resource.
pub async fn detect(
    ctx: &AwsContext,
    stack: &str,
    env: &crate::env::Environment,
    wait: DriftWait,
) -> Result<DriftReport, DriftError> {
    settled(ctx, stack, env).await?;
    let env = env.name.as_str();
    let started = ctx
        .cloudformation
        .detect_stack_drift()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "DetectStackDrift", e));
    let id = match started {
        Ok(out) => out
            .stack_drift_detection_id()
            .unwrap_or_default()
            .to_owned(),
        Err(e) if e.is_service("ValidationError", "does not exist") => {
            return Err(DriftError::NotDeployed {
                stack: stack.to_owned(),
                region: ctx.region().to_owned(),
                env: env.to_owned(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let (status, warnings) = finished(ctx, stack, &id, wait).await?;
    Ok(DriftReport {
        stack: stack.to_owned(),
        status,
        warnings,
        resources: drifted_resources(ctx, stack).await?,
    })
}

/// Refuses a stack that has no resources to compare (a create that was never executed or that
/// failed) or that an operation is changing: a detection there would report "in sync" about
/// nothing, or about a stack half way through a change.
async fn settled(
    ctx: &AwsContext,
    stack: &str,
    env: &crate::env::Environment,
) -> Result<(), DriftError> {
    let Some(found) = super::describe_stack(ctx, stack).await? else {
        return Err(DriftError::NotDeployed {
            stack: stack.to_owned(),
            region: ctx.region().to_owned(),
            env: env.name.clone(),
        });
    };
    let of = StackOf {
        env: &env.name,
        stack,
        region: ctx.region(),
        protected: env.is_protected(),
    };
    // UPDATE_ROLLBACK_FAILED is detectable, and drift is what tells why the rollback failed.
    let step = match classify(&found.status) {
        StackCondition::UpdateRollbackFailed => None,
        _ => next_step(&found.status, &of),
    };
    let Some(NextStep { why, next }) = step else {
        return Ok(());
    };
    Err(DriftError::Unsettled {
        stack: stack.to_owned(),
        status: found.status,
        why,
        next,
    })
}

/// Waits for detection `id`; its stack status and any failure reason.
async fn finished(
    ctx: &AwsContext,
    stack: &str,
    id: &str,
    wait: DriftWait,
) -> Result<(String, Vec<String>), DriftError> {
    let started = std::time::Instant::now();
    loop {
        let out = ctx
            .cloudformation
            .describe_stack_drift_detection_status()
            .stack_drift_detection_id(id)
            .send()
            .await
            .map_err(|e| ctx.fail("cloudformation", "DescribeStackDriftDetectionStatus", e))?;
        let status = out
            .stack_drift_status()
            .map_or("UNKNOWN", |s| s.as_str())
            .to_owned();
        match out.detection_status() {
            Some(StackDriftDetectionStatus::DetectionInProgress) | None => {}
            Some(StackDriftDetectionStatus::DetectionFailed) => {
                let reason = out
                    .detection_status_reason()
                    .unwrap_or("no reason given")
                    .to_owned();
                return Ok((
                    status,
                    vec![format!(
                        "drift detection failed for some resources: {reason}"
                    )],
                ));
            }
            _ => return Ok((status, Vec::new())),
        }
        if started.elapsed() >= wait.at_most {
            return Err(DriftError::TimedOut {
                stack: stack.to_owned(),
                waited: wait.at_most,
            });
        }
        tokio::time::sleep(wait.every).await;
    }
}

/// Every MODIFIED or DELETED resource of the last detection, by logical id.
async fn drifted_resources(
    ctx: &AwsContext,
    stack: &str,
) -> Result<Vec<ResourceDrift>, DriftError> {
    let mut out = Vec::new();
    let mut pages = ctx
        .cloudformation
        .describe_stack_resource_drifts()
        .stack_name(stack)
        .stack_resource_drift_status_filters(StackResourceDriftStatus::Modified)
        .stack_resource_drift_status_filters(StackResourceDriftStatus::Deleted)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| ctx.fail("cloudformation", "DescribeStackResourceDrifts", e))?;
        out.extend(page.stack_resource_drifts().iter().map(|d| {
            ResourceDrift {
                logical_id: d.logical_resource_id().unwrap_or_default().to_owned(),
                physical_id: d.physical_resource_id().unwrap_or_default().to_owned(),
                resource_type: d.resource_type().unwrap_or_default().to_owned(),
                status: d
                    .stack_resource_drift_status()
                    .map_or("UNKNOWN", |s| s.as_str())
                    .to_owned(),
                properties: d
                    .property_differences()
                    .iter()
                    .map(|p| {
                        let path = p.property_path().unwrap_or_default();
                        PropertyDrift {
                            path: path.to_owned(),
                            expected: shown(path, p.expected_value().unwrap_or_default()),
                            actual: shown(path, p.actual_value().unwrap_or_default()),
                            kind: p.difference_type().map_or("", |k| k.as_str()).to_owned(),
                        }
                    })
                    .collect(),
            }
        }));
    }
    out.sort_by(|a, b| a.logical_id.cmp(&b.logical_id));
    Ok(out)
}

/// A drifted property's value as reports show it: the CDN's origin secret (a function's
/// `ORIGIN_VERIFY` variable, the distribution's origin headers) masked as CloudFormation masks
/// the NoEcho parameter it comes from, so that a drift report (printed in CI logs, kept as an
/// artifact) never carries it.
fn shown(path: &str, value: &str) -> String {
    let secret = |text: &str| {
        text.contains(retail_spec::ORIGIN_VERIFY_VAR) || text.contains("OriginCustomHeaders")
    };
    if secret(path) || secret(value) {
        stackgen_diff::MASKED_PARAMETER_VALUE.to_owned()
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn the_origin_secret_never_shows_in_a_drift_report() {
        let secret = "6f1c0e5d9b2a4c7e8f3a1b2c3d4e5f60";
        assert_eq!(
            shown("/Environment/Variables/ORIGIN_VERIFY", secret),
            "****"
        );
        assert_eq!(
            shown(
                "/DistributionConfig/Origins/1/OriginCustomHeaders/0/HeaderValue",
                secret
            ),
            "****"
        );
        let variables = format!(r#"{{"ORIGIN_VERIFY":"{secret}","STACKGEN_ENV":"dev"}}"#);
        assert_eq!(shown("/Environment/Variables", &variables), "****");
        assert_eq!(shown("/MemorySize", "256"), "256");
    }
}
