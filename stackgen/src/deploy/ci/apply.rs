//! Creating or updating an environment's CI stack, and finding the account's OIDC provider.
//!
//! An account holds one OIDC provider per issuer URL ("If you try to create an OIDC provider
//! with a URL that already exists in your account, you receive an error": IAM API Reference,
//! CreateOpenIDConnectProvider, EntityAlreadyExists). The first CI stack of an account creates
//! it (`create`); a later one, in another region or for another environment, finds the create
//! refused, deletes its rolled-back stack and makes it again with `existing`, which names the
//! provider by its fixed ARN. The provider is kept when a stack that made it is deleted.

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::{Capability, OnFailure, Parameter};

use super::template::{
    ASSETS_BUCKET_PARAM, DEPLOY_ROLE_OUTPUT, GLOBAL_SERVICE_ROLE_PARAM, PROVIDER_OUTPUT,
    PROVIDER_PARAM, REVIEW_ROLE_OUTPUT, SERVICE_ROLE_PARAM,
};
use super::{GitHubTrust, stack_name};
use crate::aws::AwsContext;
use crate::deploy::bootstrap::{Bootstrap, settled_or_cleared};
use crate::deploy::delete::delete_and_wait;
use crate::deploy::error::DeployError;
use crate::deploy::events::{WaitOptions, newest_event_id, wait_for_stack};
use crate::deploy::progress::Progress;
use crate::deploy::request::{sdk_parameters, sdk_tags};
use crate::deploy::state::is_success;
use crate::env::Environment;
use crate::model::{Format, Tags};

/// The CI stack as deployed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CiRoles {
    pub stack: String,
    pub review_role: String,
    pub deploy_role: String,
    pub oidc_provider: String,
    /// True when this stack made the provider (false: it uses the account's existing one).
    pub provider_created_here: bool,
    pub review_subjects: Vec<String>,
    pub deploy_subjects: Vec<String>,
    /// `created`, `updated` or `unchanged`.
    pub outcome: &'static str,
}

/// Creates or updates `env`'s CI stack for `trust`, using the bootstrap's bucket and role
/// (and, for an environment with a global stack, the us-east-1 bootstrap's role: `global`).
pub async fn ensure(
    ctx: &AwsContext,
    env: &Environment,
    trust: &GitHubTrust,
    boots: (&Bootstrap, Option<&Bootstrap>),
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<CiRoles, DeployError> {
    let (boot, global) = boots;
    let name = stack_name(env);
    let role_of = |b: &Bootstrap| {
        b.deploy_role.clone().ok_or_else(|| {
            DeployError::Invalid(format!(
                "the bootstrap stack reports no {} output, so the CI deploy role has no \
                 CloudFormation service role to pass; run `stackgen deploy --env {}` once to \
                 upgrade the bootstrap, then bootstrap again",
                crate::deploy::bootstrap::ROLE_OUTPUT,
                env.name
            ))
        })
    };
    let mut base = BTreeMap::from([
        (ASSETS_BUCKET_PARAM.to_owned(), boot.bucket.clone()),
        (SERVICE_ROLE_PARAM.to_owned(), role_of(boot)?),
    ]);
    if let Some(global) = global {
        base.insert(GLOBAL_SERVICE_ROLE_PARAM.to_owned(), role_of(global)?);
    }
    let body = checked_template(env, trust)?;
    let current = settled_or_cleared(ctx, &name, wait, progress).await?;
    let (stack, outcome) = match current {
        Some(s) => {
            let mode = s
                .parameters
                .get(PROVIDER_PARAM)
                .cloned()
                .unwrap_or_else(|| "create".to_owned());
            let params = parameters(&base, &mode);
            match update(ctx, &s.id, &body, params, wait, progress).await? {
                Some(updated) => (updated, "updated"),
                None => (s, "unchanged"),
            }
        }
        None => (
            create_finding_provider(ctx, &name, &body, &base, wait, progress).await?,
            "created",
        ),
    };
    let out = |key: &str| stack.outputs.get(key).cloned().unwrap_or_default();
    Ok(CiRoles {
        stack: name,
        review_role: out(REVIEW_ROLE_OUTPUT),
        deploy_role: out(DEPLOY_ROLE_OUTPUT),
        oidc_provider: out(PROVIDER_OUTPUT),
        provider_created_here: stack.parameters.get(PROVIDER_PARAM).map(String::as_str)
            != Some("existing"),
        review_subjects: trust.review_subjects(),
        deploy_subjects: trust.deploy_subjects(),
        outcome,
    })
}

/// The CI template, rendered once the CI guardrails pass.
fn checked_template(env: &Environment, trust: &GitHubTrust) -> Result<String, DeployError> {
    let t = super::typed(env, trust, tags());
    let report = super::check_ci_roles(&t, trust);
    if !report.passed() {
        let problems: Vec<String> = report
            .violations()
            .map(|v| format!("{} ({}): {}", v.resource, v.rule, v.problem))
            .collect();
        return Err(DeployError::Invalid(format!(
            "the CI roles' template fails its guardrails: {}. This is a bug in stackgen; nothing \
             was deployed",
            problems.join("; ")
        )));
    }
    t.render(Format::Json)
        .map_err(|e| DeployError::Invalid(format!("cannot render the CI roles' template: {e}")))
}

/// The CI stack's tags: shared infrastructure like the bootstrap (no `Env`, so `destroy`'s
/// leftover check does not count it; the roles cost nothing).
pub fn tags() -> Tags {
    let mut t = Tags::new();
    for (k, v) in crate::deploy::bootstrap::default_tags() {
        t.set(&k, &v);
    }
    t
}

/// The stack's parameters: the bootstraps' bucket and roles (`base`) and the provider mode.
fn parameters(base: &BTreeMap<String, String>, provider: &str) -> Vec<Parameter> {
    let mut all = base.clone();
    all.insert(PROVIDER_PARAM.to_owned(), provider.to_owned());
    sdk_parameters(&all)
}

/// Creates the stack making the provider; when the account has one already, again using it.
async fn create_finding_provider(
    ctx: &AwsContext,
    name: &str,
    body: &str,
    base: &BTreeMap<String, String>,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<crate::deploy::StackSnapshot, DeployError> {
    progress.step(&format!(
        "creating {name} (GitHub OIDC provider, review and deploy roles)"
    ));
    match create(ctx, name, body, parameters(base, "create"), wait, progress).await? {
        Ok(s) => Ok(s),
        Err((id, failure))
            if failure.contains("OidcProvider")
                || failure.to_ascii_lowercase().contains("already exists") =>
        {
            progress.step("the account has a GitHub OIDC provider already; using it");
            delete_and_wait(ctx, &id, wait, progress).await?;
            match create(
                ctx,
                name,
                body,
                parameters(base, "existing"),
                wait,
                progress,
            )
            .await?
            {
                Ok(s) => Ok(s),
                Err((_, failure)) => Err(failed(name, "creating", &failure)),
            }
        }
        Err((_, failure)) => Err(failed(name, "creating", &failure)),
    }
}

fn failed(name: &str, doing: &str, failure: &str) -> DeployError {
    DeployError::Invalid(format!(
        "{doing} {name} failed: {failure}. Look at `aws cloudformation describe-stack-events \
         --stack-name {name}`; `stackgen bootstrap --github` deletes a failed CI stack and \
         retries on its next run"
    ))
}

/// CreateStack and wait: the settled stack, or its id and first failure.
async fn create(
    ctx: &AwsContext,
    name: &str,
    body: &str,
    params: Vec<Parameter>,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<Result<crate::deploy::StackSnapshot, (String, String)>, DeployError> {
    let tags = sdk_tags(&crate::deploy::bootstrap::default_tags());
    let out = ctx
        .cloudformation
        .create_stack()
        .stack_name(name)
        .template_body(body)
        .set_parameters(Some(params))
        .capabilities(Capability::CapabilityIam)
        // AWS's default, said out loud: the emulator rolls back only when asked.
        .on_failure(OnFailure::Rollback)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "CreateStack", e))?;
    let id = out.stack_id().unwrap_or(name).to_owned();
    let settled = wait_for_stack(ctx, &id, None, wait, progress).await?;
    let failure = settled.first_failure();
    match settled.stack {
        Some(s) if is_success(&s.status) => Ok(Ok(s)),
        Some(s) => Ok(Err((
            id,
            failure.unwrap_or_else(|| format!("the stack ended in {}", s.status)),
        ))),
        None => Ok(Err((
            id,
            "the stack disappeared while being created".to_owned(),
        ))),
    }
}

/// UpdateStack and wait; `None` when there was nothing to update.
async fn update(
    ctx: &AwsContext,
    id: &str,
    body: &str,
    params: Vec<Parameter>,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<Option<crate::deploy::StackSnapshot>, DeployError> {
    let watermark = newest_event_id(ctx, id).await?;
    let sent = ctx
        .cloudformation
        .update_stack()
        .stack_name(id)
        .template_body(body)
        .set_parameters(Some(params))
        .capabilities(Capability::CapabilityIam)
        .send()
        .await;
    if let Err(e) = sent {
        let text = aws_sdk_cloudformation::error::DisplayErrorContext(&e).to_string();
        // CloudFormation refuses an update that changes nothing with this ValidationError.
        if text.contains("No updates are to be performed") {
            return Ok(None);
        }
        return Err(ctx.fail("cloudformation", "UpdateStack", e).into());
    }
    let settled = wait_for_stack(ctx, id, watermark.as_deref(), wait, progress).await?;
    let failure = settled.first_failure();
    match settled.stack {
        Some(s) if is_success(&s.status) => Ok(Some(s)),
        Some(s) => Err(failed(
            &s.name,
            "updating",
            &failure.unwrap_or_else(|| s.status.clone()),
        )),
        None => Err(failed(id, "updating", "the stack disappeared")),
    }
}
