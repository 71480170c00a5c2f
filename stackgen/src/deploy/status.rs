//! `stackgen status`: what is deployed, and whether it is what the working tree would deploy.
//!
//! One DescribeStacks (status, last change, outputs, parameters, the last drift detection's
//! result) and one GetTemplate (whether the deployed template differs in meaning from the
//! rendered one; `stackgen diff` gives the property-level detail, `stackgen drift` checks the
//! live resources). The assets compare each function's code key parameter
//! (`assets/<sha256>.zip`) with the local manifest's sha256.

use std::collections::BTreeMap;

use retail_spec::FunctionSpec;

use super::assets::sha_of_key;
use super::error::DeployError;
use super::package::AssetManifest;
use super::stack::describe_stack;
use super::template::same_template;
use crate::aws::AwsContext;
use crate::stack::code_key_parameter;

/// One function's deployed vs local code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetState {
    pub function: String,
    /// sha256 from the stack's code key parameter.
    pub deployed: Option<String>,
    /// sha256 from the local manifest.
    pub local: Option<String>,
}

impl AssetState {
    /// Both known and equal.
    pub fn in_sync(&self) -> bool {
        self.deployed.is_some() && self.deployed == self.local
    }
}

/// The status of one environment's stack.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackStatusReport {
    pub stack_name: String,
    pub exists: bool,
    pub status: Option<String>,
    pub status_reason: Option<String>,
    /// RFC 3339 time of the last create or update.
    pub last_change: Option<String>,
    pub outputs: BTreeMap<String, String>,
    /// `Some(true)` when the deployed template differs from the rendered one.
    pub template_changed: Option<bool>,
    /// The last drift detection (`stackgen drift`): its status and RFC 3339 time.
    pub drift: Option<(String, Option<String>)>,
    pub termination_protection: bool,
    pub assets: Vec<AssetState>,
}

/// Reads the stack's state and compares it with `rendered_template` and `local_assets`.
/// `functions` are the functions whose code keys to compare (the environment's rendered ones).
pub async fn status(
    ctx: &AwsContext,
    stack_name: &str,
    rendered_template: &str,
    functions: &[&'static FunctionSpec],
    local_assets: Option<&AssetManifest>,
) -> Result<StackStatusReport, DeployError> {
    let local = |f: &str| {
        local_assets
            .and_then(|m| m.functions.get(f))
            .map(|a| a.sha256.clone())
    };
    let Some(stack) = describe_stack(ctx, stack_name).await? else {
        return Ok(StackStatusReport {
            stack_name: stack_name.to_string(),
            assets: functions
                .iter()
                .map(|f| AssetState {
                    function: f.id.to_string(),
                    deployed: None,
                    local: local(f.id),
                })
                .collect(),
            ..StackStatusReport::default()
        });
    };
    let deployed = ctx
        .cloudformation
        .get_template()
        .stack_name(&stack.id)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "GetTemplate", e))?;
    let template_changed = deployed
        .template_body()
        .map(|body| !same_template(body, rendered_template));
    let assets = functions
        .iter()
        .map(|f| AssetState {
            function: f.id.to_string(),
            deployed: stack
                .parameters
                .get(&code_key_parameter(f))
                .and_then(|key| sha_of_key(key))
                .map(str::to_string),
            local: local(f.id),
        })
        .collect();
    Ok(StackStatusReport {
        stack_name: stack.name.clone(),
        exists: true,
        last_change: stack.last_change().map(str::to_string),
        status: Some(stack.status),
        status_reason: stack.status_reason,
        outputs: stack.outputs,
        template_changed,
        drift: stack.drift.clone(),
        termination_protection: stack.termination_protection,
        assets,
    })
}
