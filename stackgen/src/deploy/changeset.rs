//! Deploying one stack: plan (no-op check or change set), then execute.
//!
//! [`plan`] first settles the stack (waits for a running operation, clears a failed first
//! create when allowed), then decides whether anything changed *before* creating a change set:
//! DescribeStacks + GetTemplate, compared with the rendered template, parameters, tags and
//! termination protection. An unchanged stack costs those two requests and nothing else.
//! Otherwise it creates a change set, waits for it and returns its [`ChangeSummary`] so the CLI
//! can show it and ask. [`execute`] runs it, streams events to a settled state, explains a
//! failure by its first failing resource, and returns the outputs.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudformation::types::{Capability, Change, ChangeSetType};

use super::delete::delete_and_wait;
use super::error::DeployError;
use super::events::{WaitOptions, newest_event_id, wait_for_stack};
use super::outputs::ensure_outputs;
use super::progress::Progress;
use super::request::{StackRequest, TemplateSource, sdk_tags, template_source};
use super::stack::{StackEvent, StackSnapshot, describe_stack};
use super::state::{DeployDecision, RecoveryPolicy, classify, decide, is_success};
use super::summary::ChangeSummary;
use super::template::{effective_parameters, same_template};
use crate::aws::AwsContext;

/// The result of planning.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Nothing differs from what is deployed; no change set was created.
    UpToDate(StackSnapshot),
    /// A change set is ready for review.
    Changes(PendingChangeSet),
}

/// A created, reviewable change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingChangeSet {
    pub stack_name: String,
    pub stack_id: String,
    pub change_set_id: String,
    /// True for a CREATE change set (a new stack).
    pub creates_stack: bool,
    pub summary: ChangeSummary,
    /// A leftover that `plan` deleted to get here (e.g. `ROLLBACK_COMPLETE`), if any.
    pub recovered_from: Option<String>,
}

/// A finished deploy.
#[derive(Debug, Clone)]
pub struct Deployed {
    pub stack: StackSnapshot,
    /// The events of this deploy, oldest first.
    pub events: Vec<StackEvent>,
    /// True when outputs had to be refreshed after the change set (see `outputs.rs`).
    pub outputs_refreshed: bool,
}

/// How many times `plan` re-examines a stack that changed state under it.
const MAX_SETTLE_ROUNDS: usize = 4;

/// Settles the stack and either proves nothing changed or creates a change set.
pub async fn plan(
    ctx: &AwsContext,
    request: &StackRequest,
    policy: RecoveryPolicy,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<Plan, DeployError> {
    let name = request.stack_name.as_str();
    let mut recovered_from = None;
    let mut current = describe_stack(ctx, name).await?;
    for _ in 0..MAX_SETTLE_ROUNDS {
        let condition = current
            .as_ref()
            .map_or(super::state::StackCondition::Missing, |s| {
                classify(&s.status)
            });
        match decide(condition, policy) {
            DeployDecision::Create => {
                return create_change_set(ctx, request, None, recovered_from, wait, progress).await;
            }
            DeployDecision::Update => {
                let stack = current.take().ok_or_else(|| {
                    DeployError::Invalid(format!("stack `{name}` vanished while planning"))
                })?;
                if is_up_to_date(ctx, request, &stack).await? {
                    return Ok(Plan::UpToDate(stack));
                }
                return create_change_set(ctx, request, Some(&stack), None, wait, progress).await;
            }
            DeployDecision::WaitThenDecide => {
                let stack = current.take().unwrap_or_default();
                current = wait_out(ctx, name, &stack, wait, progress).await?;
            }
            DeployDecision::DeleteThenCreate => {
                let stack = current.take().unwrap_or_default();
                progress.step(&format!(
                    "stack `{name}` is {} and holds no working resources; deleting it to create it afresh",
                    stack.status
                ));
                delete_and_wait(ctx, &stack.id, wait, progress).await?;
                recovered_from = Some(stack.status);
                current = None;
            }
            DeployDecision::RefuseFailedCreate => {
                let stack = current.take().unwrap_or_default();
                return Err(DeployError::FailedCreate {
                    stack: stack.name,
                    reason: reason_suffix(stack.status_reason.as_deref()),
                    status: stack.status,
                    fix: failed_create_fix(policy.protected),
                });
            }
            DeployDecision::RefuseUpdateRollbackFailed => {
                let stack = current.take().unwrap_or_default();
                return Err(DeployError::UpdateRollbackFailed {
                    stack: stack.name,
                    region: ctx.region().to_string(),
                    reason: reason_suffix(stack.status_reason.as_deref()),
                });
            }
            DeployDecision::RefuseDeleteFailed => {
                let stack = current.take().unwrap_or_default();
                return Err(DeployError::DeleteFailed {
                    stack: stack.name,
                    reason: reason_suffix(stack.status_reason.as_deref()),
                });
            }
        }
    }
    Err(DeployError::Invalid(format!(
        "stack `{name}` kept changing state while deploy was preparing; run deploy again"
    )))
}

/// Waits for a stack that an earlier run or someone else is changing to settle; the stack as it
/// then is (None once deleted).
async fn wait_out(
    ctx: &AwsContext,
    name: &str,
    stack: &StackSnapshot,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<Option<StackSnapshot>, DeployError> {
    progress.step(&format!(
        "stack `{name}` is {} (an earlier run or someone else is changing it); waiting for it to finish",
        stack.status
    ));
    let watermark = newest_event_id(ctx, &stack.id).await?;
    Ok(
        wait_for_stack(ctx, &stack.id, watermark.as_deref(), wait, progress)
            .await?
            .stack
            .filter(|s| s.status != "DELETE_COMPLETE"),
    )
}

/// What to do about a stack whose creation failed: stackgen deletes it only when allowed to.
fn failed_create_fix(protected: bool) -> &'static str {
    if protected {
        "This environment is protected, so stackgen does not delete stacks by itself: check what \
         is left, delete the stack (`aws cloudformation delete-stack --stack-name NAME`), then \
         deploy again."
    } else {
        "Re-run deploy with `--yes` to delete the failed stack and create it again (it holds no \
         working resources)."
    }
}

/// The no-op fast path, run before bootstrap and asset upload on the DescribeStacks answer
/// the caller already has: when parameters, tags and protection match, one GetTemplate —
/// nothing else.
///
/// The assets bucket is taken from the deployed stack's own `bucket_parameter` value: when
/// every code key (a zip's sha256) is what the stack already runs, those zips were uploaded
/// before that deploy, so neither the bootstrap stack nor the assets need looking at.
/// `true` means nothing differs; `false` means the full deploy path must run.
pub async fn unchanged(
    ctx: &AwsContext,
    request: &StackRequest,
    deployed: &StackSnapshot,
    bucket_parameter: &str,
) -> Result<bool, DeployError> {
    if classify(&deployed.status) != super::state::StackCondition::Stable {
        return Ok(false);
    }
    let Some(bucket) = deployed.parameters.get(bucket_parameter) else {
        return Ok(false);
    };
    let mut request = request.clone();
    request
        .parameters
        .insert(bucket_parameter.to_string(), bucket.clone());
    request.assets_bucket = Some(bucket.clone());
    is_up_to_date(ctx, &request, deployed).await
}

fn reason_suffix(reason: Option<&str>) -> String {
    reason.map(|r| format!(" ({r})")).unwrap_or_default()
}

/// The no-op check: parameters, tags, termination protection (from the DescribeStacks answer
/// already in hand) and then the template (one GetTemplate).
async fn is_up_to_date(
    ctx: &AwsContext,
    request: &StackRequest,
    stack: &StackSnapshot,
) -> Result<bool, DeployError> {
    if !request.secrets.kept_by(&stack.parameters) {
        return Ok(false);
    }
    let mut wanted = effective_parameters(&request.template_body, &request.parameters);
    for name in request.secrets.names() {
        // Kept as deployed: its value (shown as `****`) is whatever the stack has.
        if let Some(deployed) = stack.parameters.get(name) {
            wanted.insert(name.to_owned(), deployed.clone());
        }
    }
    if stack.parameters != wanted
        || stack.tags != request.tags
        || stack.termination_protection != request.termination_protection
    {
        return Ok(false);
    }
    let deployed = ctx
        .cloudformation
        .get_template()
        .stack_name(&stack.id)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "GetTemplate", e))?;
    Ok(deployed
        .template_body()
        .is_some_and(|body| same_template(body, &request.template_body)))
}

/// True for the two ways "nothing to change" comes back: CloudFormation's FAILED change set
/// ("didn't contain changes") and the ValidationError "No updates are to be performed" (moto
/// answers CreateChangeSet that way when template and parameters are identical).
fn means_no_changes(text: &str) -> bool {
    text.contains("didn't contain changes") || text.contains("No updates are to be performed")
}

async fn create_change_set(
    ctx: &AwsContext,
    request: &StackRequest,
    existing: Option<&StackSnapshot>,
    recovered_from: Option<String>,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<Plan, DeployError> {
    let change_set_name = format!(
        "stackgen-{}",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis())
    );
    let created = match send_create(ctx, request, existing, &change_set_name, progress).await? {
        Sent::Created(created) => created,
        Sent::UpToDate(stack) => return Ok(Plan::UpToDate(*stack)),
    };
    let name = request.stack_name.as_str();
    match await_change_set(ctx, name, &created, wait).await? {
        Settled::Complete(changes) => Ok(Plan::Changes(PendingChangeSet {
            stack_name: name.to_string(),
            stack_id: created.stack_id,
            change_set_id: created.id,
            creates_stack: existing.is_none(),
            summary: ChangeSummary::from_changes(&changes),
            recovered_from,
        })),
        Settled::Failed(reason) => {
            let _ = ctx
                .cloudformation
                .delete_change_set()
                .change_set_name(&created.id)
                .stack_name(&created.stack_id)
                .send()
                .await;
            if let (Some(stack), true) = (existing, means_no_changes(&reason)) {
                return Ok(Plan::UpToDate(stack.clone()));
            }
            Err(DeployError::ChangeSetFailed {
                stack: name.to_string(),
                change_set: change_set_name,
                reason,
            })
        }
    }
}

/// A change set CloudFormation accepted: its ARN and its stack's (or, when the answer names
/// neither, the change set's and the stack's names).
struct Created {
    id: String,
    stack_id: String,
}

/// What CreateChangeSet answered.
enum Sent {
    Created(Created),
    /// It refused because the update changes nothing: the existing stack is current.
    UpToDate(Box<StackSnapshot>),
}

/// Sends CreateChangeSet for `request` (an update of `existing`, or a new stack).
async fn send_create(
    ctx: &AwsContext,
    request: &StackRequest,
    existing: Option<&StackSnapshot>,
    change_set_name: &str,
    progress: &dyn Progress,
) -> Result<Sent, DeployError> {
    let name = request.stack_name.as_str();
    let source = template_source(
        ctx,
        name,
        &request.template_body,
        request.assets_bucket.as_deref(),
    )
    .await?;
    let call = ctx
        .cloudformation
        .create_change_set()
        .stack_name(name)
        .change_set_name(change_set_name)
        .change_set_type(if existing.is_some() {
            ChangeSetType::Update
        } else {
            ChangeSetType::Create
        })
        .capabilities(Capability::CapabilityNamedIam)
        .set_role_arn(request.role_arn.clone())
        .set_parameters(Some(
            request.sdk_parameters(existing.map(|stack| &stack.parameters)),
        ))
        .set_tags(Some(sdk_tags(&request.tags)))
        .description("created by stackgen deploy");
    let call = match source {
        TemplateSource::Body(b) => call.template_body(b),
        TemplateSource::Url(u) => call.template_url(u),
    };
    progress.step(&format!(
        "creating change set {change_set_name} for `{name}`"
    ));
    let created = match call.send().await {
        Ok(out) => out,
        Err(e) => {
            let err = ctx.fail("cloudformation", "CreateChangeSet", e);
            if let (Some(stack), true) = (existing, means_no_changes(&err.to_string())) {
                return Ok(Sent::UpToDate(Box::new(stack.clone())));
            }
            return Err(err.into());
        }
    };
    Ok(Sent::Created(Created {
        id: created.id().unwrap_or(change_set_name).to_string(),
        stack_id: created.stack_id().unwrap_or(name).to_string(),
    }))
}

/// Where a change set's creation ended: its changes, or why it failed.
enum Settled {
    Complete(Vec<Change>),
    Failed(String),
}

/// Polls the change set until CloudFormation has finished computing it, within `wait`.
async fn await_change_set(
    ctx: &AwsContext,
    stack: &str,
    created: &Created,
    wait: WaitOptions,
) -> Result<Settled, DeployError> {
    let started = Instant::now();
    let mut attempt = 0;
    loop {
        let (status, reason, changes) = describe_change_set(ctx, created).await?;
        match status.as_str() {
            "CREATE_COMPLETE" => return Ok(Settled::Complete(changes)),
            "FAILED" => return Ok(Settled::Failed(reason)),
            _ if started.elapsed() >= wait.timeout => {
                return Err(DeployError::WaitTimeout {
                    stack: stack.to_string(),
                    status: format!("change set {status}"),
                    waited_secs: started.elapsed().as_secs(),
                });
            }
            _ => {
                tokio::time::sleep(wait.delay(attempt)).await;
                attempt += 1;
            }
        }
    }
}

/// The change set's status, status reason and (once complete) every page of its changes.
async fn describe_change_set(
    ctx: &AwsContext,
    created: &Created,
) -> Result<(String, String, Vec<Change>), DeployError> {
    let mut changes = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = ctx
            .cloudformation
            .describe_change_set()
            .change_set_name(&created.id)
            .stack_name(&created.stack_id)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| ctx.fail("cloudformation", "DescribeChangeSet", e))?;
        changes.extend(out.changes().iter().cloned());
        let status = out
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        let reason = out.status_reason().unwrap_or_default().to_string();
        match out.next_token() {
            Some(t) if status == "CREATE_COMPLETE" => token = Some(t.to_string()),
            _ => return Ok((status, reason, changes)),
        }
    }
}

/// Executes a reviewed change set, follows the stack to a settled state and returns it with
/// its outputs.
pub async fn execute(
    ctx: &AwsContext,
    request: &StackRequest,
    pending: &PendingChangeSet,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<Deployed, DeployError> {
    let name = pending.stack_name.as_str();
    let watermark = newest_event_id(ctx, &pending.stack_id).await?;
    ctx.cloudformation
        .execute_change_set()
        .change_set_name(&pending.change_set_id)
        .stack_name(&pending.stack_id)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "ExecuteChangeSet", e))?;
    progress.step(&format!("executing change set on `{name}`"));
    let settled =
        wait_for_stack(ctx, &pending.stack_id, watermark.as_deref(), wait, progress).await?;
    let first_failure = settled.first_failure();
    let events = settled.events;
    let mut stack = settled.stack.ok_or_else(|| {
        DeployError::Invalid(format!("stack `{name}` disappeared during execution"))
    })?;
    if !is_success(&stack.status) {
        return Err(failure(ctx, stack, first_failure));
    }
    if stack.termination_protection != request.termination_protection {
        ctx.cloudformation
            .update_termination_protection()
            .stack_name(&stack.id)
            .enable_termination_protection(request.termination_protection)
            .send()
            .await
            .map_err(|e| ctx.fail("cloudformation", "UpdateTerminationProtection", e))?;
        stack.termination_protection = request.termination_protection;
    }
    let (stack, outputs_refreshed) = ensure_outputs(ctx, request, stack, wait, progress).await?;
    Ok(Deployed {
        stack,
        events,
        outputs_refreshed,
    })
}

fn failure(ctx: &AwsContext, stack: StackSnapshot, first_failure: Option<String>) -> DeployError {
    let first_failure = first_failure
        .or(stack.status_reason.clone())
        .unwrap_or_else(|| "no failing resource was reported".to_string());
    match classify(&stack.status) {
        super::state::StackCondition::FailedCreate => DeployError::FailedCreate {
            stack: stack.name,
            status: stack.status,
            reason: format!(" ({first_failure})"),
            fix: "Fix the cause, then re-run deploy with `--yes` (outside production) to delete \
                  the failed stack and create it again.",
        },
        super::state::StackCondition::UpdateRollbackFailed => DeployError::UpdateRollbackFailed {
            stack: stack.name,
            region: ctx.region().to_string(),
            reason: format!(" ({first_failure})"),
        },
        _ => DeployError::UpdateFailed {
            stack: stack.name,
            status: stack.status,
            first_failure,
        },
    }
}

/// Drops a change set the user declined; for a CREATE change set also the empty
/// REVIEW_IN_PROGRESS stack it made, so nothing is left behind.
pub async fn discard(ctx: &AwsContext, pending: &PendingChangeSet) -> Result<(), DeployError> {
    ctx.cloudformation
        .delete_change_set()
        .change_set_name(&pending.change_set_id)
        .stack_name(&pending.stack_id)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "DeleteChangeSet", e))?;
    if pending.creates_stack {
        ctx.cloudformation
            .delete_stack()
            .stack_name(&pending.stack_id)
            .send()
            .await
            .map_err(|e| ctx.fail("cloudformation", "DeleteStack", e))?;
    }
    Ok(())
}
