//! Making sure a deployed stack reports the outputs its template declares.
//!
//! CloudFormation computes Outputs as part of every create or update, so after a change set
//! they are simply there. moto (5.2.x, measured) does not: a stack created by a CREATE change
//! set has no Outputs at all, and a change set never recomputes them; only UpdateStack does.
//! The rule here is endpoint-agnostic: *if the stack lacks outputs that the template declares,
//! ask CloudFormation to recompute them by resubmitting the same template and parameters with
//! UpdateStack*. On AWS the rule never fires (outputs are present). On moto it fires once per
//! stack creation. The resubmitted body is the rendered body plus one trailing newline — the
//! same template by meaning (the no-op check compares parsed templates, not bytes) — because
//! moto refuses an UpdateStack whose body is byte-identical ("No updates are to be performed").
//! Known limit on moto: an existing output whose *value* changes in a later change set keeps
//! its old value until a stack update adds or removes an output.

use super::error::DeployError;
use super::events::{WaitOptions, newest_event_id, wait_for_stack};
use super::progress::Progress;
use super::request::{StackRequest, TemplateSource, sdk_tags, template_source};
use super::stack::StackSnapshot;
use super::state::is_success;
use super::template::declared_outputs;
use crate::aws::AwsContext;

/// Declared output keys the stack does not report.
pub fn missing_outputs(template_body: &str, stack: &StackSnapshot) -> Vec<String> {
    declared_outputs(template_body)
        .into_iter()
        .filter(|k| !stack.outputs.contains_key(k))
        .collect()
}

/// Returns the stack with its outputs, refreshing them (see the module doc) when some declared
/// ones are missing; the flag says whether a refresh ran.
pub async fn ensure_outputs(
    ctx: &AwsContext,
    request: &StackRequest,
    stack: StackSnapshot,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<(StackSnapshot, bool), DeployError> {
    let missing = missing_outputs(&request.template_body, &stack);
    if missing.is_empty() {
        return Ok((stack, false));
    }
    progress.step(&format!(
        "stack `{}` reports no value for output(s) {}; asking CloudFormation to recompute them",
        stack.name,
        missing.join(", ")
    ));
    let body = format!("{}\n", request.template_body);
    let watermark = newest_event_id(ctx, &stack.id).await?;
    let call = ctx
        .cloudformation
        .update_stack()
        .stack_name(&stack.id)
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityNamedIam)
        .set_role_arn(request.role_arn.clone())
        .set_parameters(Some(request.sdk_parameters(Some(&stack.parameters))))
        .set_tags(Some(sdk_tags(&request.tags)));
    let call =
        match template_source(ctx, &stack.name, &body, request.assets_bucket.as_deref()).await? {
            TemplateSource::Body(b) => call.template_body(b),
            TemplateSource::Url(u) => call.template_url(u),
        };
    if let Err(e) = call.send().await {
        let err = ctx.fail("cloudformation", "UpdateStack", e);
        if err.is_service("ValidationError", "No updates are to be performed") {
            return Ok((stack, false));
        }
        return Err(err.into());
    }
    let settled = wait_for_stack(ctx, &stack.id, watermark.as_deref(), wait, progress).await?;
    let first_failure = settled.first_failure();
    match settled.stack {
        Some(s) if is_success(&s.status) => Ok((s, true)),
        Some(s) => Err(DeployError::UpdateFailed {
            stack: s.name.clone(),
            status: s.status.clone(),
            first_failure: first_failure
                .unwrap_or_else(|| "recomputing outputs failed".to_string()),
        }),
        None => Err(DeployError::Invalid(format!(
            "stack `{}` disappeared while its outputs were recomputed",
            stack.name
        ))),
    }
}
