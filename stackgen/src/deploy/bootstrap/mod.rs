//! The bootstrap stack: one private assets bucket and one deploy role per account and region,
//! like `cdk bootstrap`.
//!
//! Function zips and large templates need a bucket before the product stack exists. The first
//! deploy into an account/region creates `stackgen-bootstrap`; later deploys find it (one
//! DescribeStacks). The bucket is private, SSE-S3 encrypted, versioned, TLS-only, and
//! lifecycle-managed (noncurrent versions expire, incomplete multipart uploads are aborted).
//!
//! The deploy role is the CloudFormation service role every product stack is created and updated
//! with (`RoleARN`). CloudFormation then uses it for the stack's later operations too — above all
//! DeleteStack — whoever asks: the kill switch, whose own role may only call DeleteStack on its
//! stack, can delete the whole environment without holding the rights to delete each resource
//! (rights that its role, itself a resource of the stack, would lose halfway through). The role
//! may manage exactly the services the product stacks use ([`deploy_role_services`]: the IAM
//! service prefix AWS's resource schema gives each type of the typed model; a test checks every
//! resource type of every environment is covered), IAM only for roles, and only CloudFormation
//! may assume it, from this account.
//!
//! An older bootstrap (its `BootstrapVersion` output below [`BOOTSTRAP_VERSION`]) is updated in
//! place on the next deploy that needs the bootstrap.
//!
//! The template (`template.rs`) is built with the typed model, and the bootstrap guardrails
//! (`guard.rs`: `check_bootstrap`) check it before it is sent. The bootstrap stack is created
//! with CreateStack (not a change set): there is nothing to review, and moto reports Outputs
//! only for stacks created that way.

use std::collections::BTreeMap;

use super::delete::delete_and_wait;
use super::error::DeployError;
use super::events::{WaitOptions, newest_event_id, wait_for_stack};
use super::progress::Progress;
use super::stack::describe_stack;
use super::state::{StackCondition, classify, is_success};
use crate::aws::AwsContext;

pub mod guard;
mod template;

pub use template::{
    deploy_role_actions, deploy_role_services, is_read_action, product_read_actions, template,
    typed,
};

/// The bootstrap template, rendered once its guardrails pass ([`guard::check_bootstrap`]).
fn checked_template(tags: &BTreeMap<String, String>) -> Result<String, DeployError> {
    let t = typed(tags);
    let report = guard::check_bootstrap(&t);
    if !report.passed() {
        let problems: Vec<String> = report
            .violations()
            .map(|v| format!("{} ({}): {}", v.resource, v.rule, v.problem))
            .collect();
        return Err(DeployError::Invalid(format!(
            "the bootstrap template fails its guardrails: {}. This is a bug in stackgen; \
             nothing was deployed",
            problems.join("; ")
        )));
    }
    t.render(crate::model::Format::Json)
        .map_err(|e| DeployError::Invalid(format!("cannot render the bootstrap template: {e}")))
}

/// The bootstrap stack's name (one per account and region).
pub const BOOTSTRAP_STACK_NAME: &str = "stackgen-bootstrap";
/// Its output with the bucket name.
pub const BUCKET_OUTPUT: &str = "AssetsBucketName";
const BUCKET_LOGICAL_ID: &str = "AssetsBucket";
/// Days an uploaded template is kept (it is read when its change set is created).
const TEMPLATE_DAYS: u32 = 7;

/// Days an overwritten or deleted asset version is kept.
pub const NONCURRENT_DAYS: u32 = 30;
/// Its output with the deploy role's ARN.
pub const ROLE_OUTPUT: &str = "DeployRoleArn";
const ROLE_LOGICAL_ID: &str = "DeployRole";
/// Its output with the template's version; raise [`BOOTSTRAP_VERSION`] when the template changes.
pub const VERSION_OUTPUT: &str = "BootstrapVersion";
/// 1: assets bucket. 2: + deploy role. 3: template expiry, no SourceAccount in the trust.
/// 4: + Cognito user pools. 5: the handlers' actions instead of `service:*`, the roles'
/// permissions boundary, roles only under `/stackgen/`, PassRole only to Lambda and Scheduler.
/// 6: + CloudFront response headers policies (the storefront's security headers).
/// 7: + SES email identities (the sender of customer emails).
/// 8: + CloudWatch Logs query definitions (the runbooks' saved queries).
/// 9: the roles' boundary allows X-Ray's trace writes (`features.tracing`).
/// 10: + ACM certificates, Route 53 alias records and WAF web ACLs (`domain`, `features.waf`).
/// 11: the roles' boundary allows `s3:ListBucket` (the image function tells an upload already
/// handled, 404, from a refusal, 403) and PutObject and DeleteObject as grants of their own.
/// 12: + WAF logging (each web ACL's decisions to a log group: WAF's logging configuration and
/// the CloudWatch Logs log delivery it sets up).
pub const BOOTSTRAP_VERSION: u32 = 12;

/// The bootstrap stack as found or created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bootstrap {
    pub bucket: String,
    /// The CloudFormation service role product stacks are deployed with (`None` only when the
    /// endpoint reports no outputs).
    pub deploy_role: Option<String>,
    /// True when this call created the stack.
    pub created: bool,
}

/// The tags of the bootstrap stack and its bucket: shared by every environment of the account
/// and region, so no `Env` (see [`ensure_bootstrap`]).
pub fn default_tags() -> BTreeMap<String, String> {
    BTreeMap::from([("ManagedBy".to_string(), "stackgen".to_string())])
}

/// Finds the bootstrap stack's bucket, creating the stack first if there is none.
///
/// `tags` go on the stack and the bucket. Do not include the environment's `Env` tag: the
/// bootstrap is shared by every environment of the account and region, and destroy's tag
/// check must not count it as an environment's leftover.
pub async fn ensure_bootstrap(
    ctx: &AwsContext,
    tags: &BTreeMap<String, String>,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<Bootstrap, DeployError> {
    let mut created = false;
    // A bootstrap that never came up holds nothing (the bucket was not created or was rolled
    // back); recreating it is always safe.
    let stack = match settled_or_cleared(ctx, BOOTSTRAP_STACK_NAME, wait, progress).await? {
        Some(s) => s,
        None => {
            progress.step(&format!("creating {BOOTSTRAP_STACK_NAME} (assets bucket)"));
            let id = create(ctx, tags).await?;
            created = true;
            let settled = wait_for_stack(ctx, &id, None, wait, progress).await?;
            let first_failure = settled.first_failure();
            let s = settled.stack.ok_or_else(|| {
                DeployError::Invalid(format!(
                    "{BOOTSTRAP_STACK_NAME} disappeared while being created"
                ))
            })?;
            if !is_success(&s.status) {
                return Err(DeployError::Invalid(format!(
                    "creating {BOOTSTRAP_STACK_NAME} ended in {}: {}. Look at `aws cloudformation \
                     describe-stack-events --stack-name {BOOTSTRAP_STACK_NAME}`; deploy deletes a \
                     failed bootstrap and retries on its next run.",
                    s.status,
                    first_failure.unwrap_or_else(|| "no failure event".into())
                )));
            }
            s
        }
    };
    let outdated = stack
        .outputs
        .get(VERSION_OUTPUT)
        .and_then(|v| v.parse::<u32>().ok())
        .is_none_or(|v| v < BOOTSTRAP_VERSION);
    let stack = if outdated && !created && !stack.outputs.is_empty() {
        progress.step(&format!(
            "updating {BOOTSTRAP_STACK_NAME} to version {BOOTSTRAP_VERSION} (adds the deploy role)"
        ));
        upgrade(ctx, &stack.id, tags, wait, progress).await?
    } else {
        stack
    };
    let deploy_role = stack.outputs.get(ROLE_OUTPUT).cloned();
    let bucket = match stack.outputs.get(BUCKET_OUTPUT) {
        Some(b) => b.clone(),
        // Outputs are the contract; the resource's physical id is the same name when an
        // endpoint does not report outputs.
        None => bucket_resource(ctx).await?,
    };
    Ok(Bootstrap {
        bucket,
        deploy_role,
        created,
    })
}

/// Updates an older bootstrap stack to the current template and returns it settled.
async fn upgrade(
    ctx: &AwsContext,
    stack_id: &str,
    tags: &BTreeMap<String, String>,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<super::stack::StackSnapshot, DeployError> {
    let watermark = newest_event_id(ctx, stack_id).await?;
    ctx.cloudformation
        .update_stack()
        .stack_name(stack_id)
        .template_body(checked_template(tags)?)
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityIam)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "UpdateStack", e))?;
    let settled = wait_for_stack(ctx, stack_id, watermark.as_deref(), wait, progress).await?;
    let first_failure = settled.first_failure();
    match settled.stack {
        Some(s) if is_success(&s.status) => Ok(s),
        Some(s) => Err(DeployError::Invalid(format!(
            "updating {BOOTSTRAP_STACK_NAME} ended in {}: {}. It keeps working as before; look at \
             `aws cloudformation describe-stack-events --stack-name {BOOTSTRAP_STACK_NAME}` and \
             deploy again",
            s.status,
            first_failure.unwrap_or_else(|| "no failure event".into())
        ))),
        None => Err(DeployError::Invalid(format!(
            "{BOOTSTRAP_STACK_NAME} disappeared while being updated"
        ))),
    }
}

async fn create(ctx: &AwsContext, tags: &BTreeMap<String, String>) -> Result<String, DeployError> {
    let sdk_tags = super::request::sdk_tags(tags);
    let out = ctx
        .cloudformation
        .create_stack()
        .stack_name(BOOTSTRAP_STACK_NAME)
        .template_body(checked_template(tags)?)
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityIam)
        .set_tags(Some(sdk_tags))
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "CreateStack", e))?;
    Ok(out.stack_id().unwrap_or(BOOTSTRAP_STACK_NAME).to_string())
}

async fn bucket_resource(ctx: &AwsContext) -> Result<String, DeployError> {
    let out = ctx
        .cloudformation
        .describe_stack_resource()
        .stack_name(BOOTSTRAP_STACK_NAME)
        .logical_resource_id(BUCKET_LOGICAL_ID)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "DescribeStackResource", e))?;
    out.stack_resource_detail()
        .and_then(|d| d.physical_resource_id())
        .map(str::to_string)
        .ok_or_else(|| {
            DeployError::Invalid(format!(
                "{BOOTSTRAP_STACK_NAME} has no {BUCKET_LOGICAL_ID}; delete the stack and deploy again"
            ))
        })
}

/// A stack stackgen keeps for the account (the bootstrap, the CI roles), as found: waited for
/// when an operation holds it, deleted when its first create failed or it only ever held a
/// change set (it holds nothing then, and cannot be updated), `None` when there is none.
pub(crate) async fn settled_or_cleared(
    ctx: &AwsContext,
    name: &str,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<Option<super::stack::StackSnapshot>, DeployError> {
    let mut stack = describe_stack(ctx, name).await?;
    if let Some(s) = &stack
        && classify(&s.status) == StackCondition::Busy
    {
        progress.step(&format!("{name} is {}; waiting", s.status));
        stack = wait_for_stack(ctx, &s.id, None, wait, progress)
            .await?
            .stack;
    }
    if let Some(s) = &stack
        && matches!(
            classify(&s.status),
            StackCondition::FailedCreate | StackCondition::ReviewOnly
        )
    {
        progress.step(&format!(
            "{name} is {}; deleting it to start over",
            s.status
        ));
        delete_and_wait(ctx, &s.id, wait, progress).await?;
        stack = None;
    }
    Ok(stack.filter(|s| classify(&s.status) != StackCondition::Missing))
}
