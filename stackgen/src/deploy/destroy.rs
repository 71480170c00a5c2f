//! The kill switch: empty the buckets, delete the stack, then *verify* nothing tagged is left.
//!
//! CloudFormation cannot delete a non-empty bucket (and moto silently leaves it behind), so
//! every bucket of the stack is emptied first — all object versions and delete markers, in
//! DeleteObjects batches of 1,000. After the stack is gone, the Resource Groups Tagging API is
//! asked for anything still tagged `Project=<p>, Env=<e>`. With `purge_leftovers` (every
//! environment that does not retain data), tagged buckets and log groups found that way are
//! deleted too — that is how a re-run after a partial failure finishes the job, and how log
//! groups that moto 5.2 forgets to delete are removed (moto loses track of a log group once a
//! change set updated it, measured). Anything else still tagged is returned for the caller to
//! list. Global and account-level resources (CloudFront, budgets, anomaly monitors, anything
//! tagged in us-east-1) are looked for too ([`super::leftovers`]). Destroying what does not
//! exist is a success.

use stackgen_model::generated::s3;

use super::delete::delete_and_wait;
use super::error::DeployError;
use super::events::{WaitOptions, newest_event_id, wait_for_stack};
use super::leftovers::{self, GlobalNames};
use super::objects::delete_objects;
use super::progress::Progress;
use super::stack::describe_stack;
use super::state::{StackCondition, classify};
use super::tagged::tagged_resources;
use crate::aws::{AwsContext, AwsError};

/// What to destroy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestroyRequest {
    pub stack_name: String,
    /// `Project` tag value of the environment.
    pub project: String,
    /// `Env` tag value of the environment.
    pub env: String,
    /// Turn termination protection off first (`--force-prod`); otherwise a protected stack is
    /// refused.
    pub override_termination_protection: bool,
    /// Delete buckets and log groups still tagged with the environment after the stack is gone.
    /// Must be false where data is retained on purpose (`protection.retain_data`): those
    /// leftovers are the point, and are only reported.
    pub purge_leftovers: bool,
    /// The global and account-level resources the environment's template declares (budgets,
    /// anomaly monitors, CloudFront functions), looked for after the stack is gone.
    pub global_names: GlobalNames,
    /// The environment's other stacks (the global stack in us-east-1), deleted after the main
    /// stack, whose resources use theirs, and before anything is looked for by tag.
    pub companions: Vec<StackAt>,
}

/// A stack by name and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackAt {
    pub name: String,
    pub region: String,
}

/// One emptied bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptiedBucket {
    pub bucket: String,
    /// Object versions and delete markers removed.
    pub deleted: usize,
}

/// What destroy did and found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DestroyReport {
    /// False: there was no stack (already destroyed, or never deployed).
    pub stack_existed: bool,
    pub emptied: Vec<EmptiedBucket>,
    /// Leftovers found by tag after the stack was gone and deleted here (ARNs).
    pub leftovers_deleted: Vec<String>,
    /// ARNs still tagged with this project and environment, and global or account-level
    /// resources of the environment still there (should be empty).
    pub remaining: Vec<String>,
    /// Leftover checks that could not be made, with why (see [`super::leftovers`]).
    pub unchecked: Vec<String>,
}

impl DestroyReport {
    /// True when nothing tagged with the environment is left.
    pub fn is_clean(&self) -> bool {
        self.remaining.is_empty()
    }
}

/// Empties and deletes the stack, then checks by tag that nothing of the environment is left.
pub async fn destroy(
    ctx: &AwsContext,
    request: &DestroyRequest,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<DestroyReport, DeployError> {
    let mut report = DestroyReport::default();
    let protection = request.override_termination_protection;
    report.stack_existed = delete_stack(
        ctx,
        &request.stack_name,
        protection,
        &mut report.emptied,
        wait,
        progress,
    )
    .await?;
    for companion in request.companions.iter().rev() {
        let there = ctx.in_region(&companion.region);
        delete_stack(
            &there,
            &companion.name,
            protection,
            &mut report.emptied,
            wait,
            progress,
        )
        .await?;
    }
    let mut remaining = tagged_resources(ctx, &request.project, &request.env).await?;
    if request.purge_leftovers && !remaining.is_empty() {
        for arn in &remaining {
            if purge(ctx, arn, progress).await? {
                report.leftovers_deleted.push(arn.clone());
            }
        }
        if !report.leftovers_deleted.is_empty() {
            remaining = tagged_resources(ctx, &request.project, &request.env).await?;
        }
    }
    let global = leftovers::find(ctx, &request.global_names, &request.project, &request.env).await;
    remaining.extend(global.remaining);
    report.remaining = remaining;
    report.unchecked = global.unchecked;
    Ok(report)
}

/// Deletes stack `name` when it exists, after emptying its buckets (each recorded in
/// `emptied`); waits for one that is busy first. Whether it existed.
pub(crate) async fn delete_stack(
    ctx: &AwsContext,
    name: &str,
    override_termination_protection: bool,
    emptied: &mut Vec<EmptiedBucket>,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<bool, DeployError> {
    let mut stack = describe_stack(ctx, name).await?;
    if let Some(s) = &stack
        && classify(&s.status) == StackCondition::Busy
    {
        progress.step(&format!(
            "stack `{}` is {}; waiting for it to finish",
            s.name, s.status
        ));
        let watermark = newest_event_id(ctx, &s.id).await?;
        stack = wait_for_stack(ctx, &s.id, watermark.as_deref(), wait, progress)
            .await?
            .stack;
    }
    let Some(s) = stack.filter(|s| classify(&s.status) != StackCondition::Missing) else {
        progress.step(&format!(
            "stack `{name}` does not exist; checking for leftovers"
        ));
        return Ok(false);
    };
    if s.termination_protection {
        if !override_termination_protection {
            return Err(DeployError::TerminationProtected { stack: s.name });
        }
        ctx.cloudformation
            .update_termination_protection()
            .stack_name(&s.id)
            .enable_termination_protection(false)
            .send()
            .await
            .map_err(|e| ctx.fail("cloudformation", "UpdateTerminationProtection", e))?;
    }
    for bucket in stack_buckets(ctx, &s.id).await? {
        progress.step(&format!("emptying bucket {bucket}"));
        if let Some(deleted) = empty_bucket(ctx, &bucket).await? {
            emptied.push(EmptiedBucket { bucket, deleted });
        }
    }
    progress.step(&format!("deleting stack `{}`", s.name));
    delete_and_wait(ctx, &s.id, wait, progress).await?;
    Ok(true)
}

/// Physical ids of the stack's `AWS::S3::Bucket` resources.
async fn stack_buckets(ctx: &AwsContext, stack_id: &str) -> Result<Vec<String>, AwsError> {
    let out = ctx
        .cloudformation
        .describe_stack_resources()
        .stack_name(stack_id)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "DescribeStackResources", e))?;
    Ok(out
        .stack_resources()
        .iter()
        .filter(|r| r.resource_type() == Some(s3::BUCKET_TYPE_NAME))
        .filter_map(|r| r.physical_resource_id())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect())
}

/// Deletes every object version and delete marker; `None` when the bucket does not exist.
pub async fn empty_bucket(ctx: &AwsContext, bucket: &str) -> Result<Option<usize>, AwsError> {
    let mut deleted = 0;
    loop {
        // Always list from the start: what was listed before is gone.
        let page = match ctx.s3.list_object_versions().bucket(bucket).send().await {
            Ok(p) => p,
            Err(e) => {
                let err = ctx.fail("s3", "ListObjectVersions", e);
                if err.is_service("NoSuchBucket", "") {
                    return Ok(None);
                }
                return Err(err);
            }
        };
        let mut ids = Vec::new();
        for v in page.versions() {
            if let Some(key) = v.key() {
                ids.push((key.to_string(), v.version_id().map(str::to_string)));
            }
        }
        for m in page.delete_markers() {
            if let Some(key) = m.key() {
                ids.push((key.to_string(), m.version_id().map(str::to_string)));
            }
        }
        if ids.is_empty() {
            return Ok(Some(deleted));
        }
        deleted += delete_objects(ctx, bucket, &ids).await?;
    }
}

/// Deletes one leftover this module knows how to delete; false for any other kind.
async fn purge(ctx: &AwsContext, arn: &str, progress: &dyn Progress) -> Result<bool, AwsError> {
    if let Some(bucket) = arn.strip_prefix("arn:aws:s3:::") {
        progress.step(&format!("deleting leftover bucket {bucket}"));
        if empty_bucket(ctx, bucket).await?.is_some() {
            delete_bucket(ctx, bucket).await?;
        }
        return Ok(true);
    }
    if let Some((_, name)) = arn.split_once(":log-group:") {
        let name = name.strip_suffix(":*").unwrap_or(name);
        progress.step(&format!("deleting leftover log group {name}"));
        return match ctx
            .logs
            .delete_log_group()
            .log_group_name(name)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Ok(true)
            }
            Err(e) => Err(ctx.fail("logs", "DeleteLogGroup", e)),
        };
    }
    Ok(false)
}

async fn delete_bucket(ctx: &AwsContext, bucket: &str) -> Result<(), AwsError> {
    match ctx.s3.delete_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let err = ctx.fail("s3", "DeleteBucket", e);
            if err.is_service("NoSuchBucket", "") {
                Ok(())
            } else {
                Err(err)
            }
        }
    }
}
