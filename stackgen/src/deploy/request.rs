//! What a stack deploy sends: the stack's request (name, template, parameters, tags, service
//! role), where CloudFormation reads the template from (inline, or uploaded to the assets
//! bucket past the inline limit), and the SDK's parameter and tag lists.
//!
//! Change sets (`changeset.rs`) and the outputs' UpdateStack (`outputs.rs`) send a
//! [`StackRequest`]; the bootstrap's and the CI roles' CreateStack and UpdateStack send their
//! template inline and use only the parameter and tag lists. So these live apart from any one
//! of them.

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::{Parameter, Tag};

use super::assets::{INLINE_TEMPLATE_LIMIT, upload_template};
use super::error::DeployError;
pub use super::secrets::{GeneratedSecrets, Rotation};
use crate::aws::AwsContext;

/// What to deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackRequest {
    pub stack_name: String,
    /// The rendered template (JSON or YAML).
    pub template_body: String,
    pub parameters: BTreeMap<String, String>,
    /// Stack-level tags (CloudFormation also passes them to resources that support it).
    pub tags: BTreeMap<String, String>,
    pub termination_protection: bool,
    /// Where a template over 51,200 bytes is uploaded (the bootstrap bucket).
    pub assets_bucket: Option<String>,
    /// The CloudFormation service role to deploy with (the bootstrap's deploy role); the stack
    /// keeps it for later operations, DeleteStack included.
    pub role_arn: Option<String>,
    /// The template's generated secrets (`Draft::secret`).
    pub secrets: GeneratedSecrets,
}

impl StackRequest {
    /// Every parameter to send for a stack whose parameters are `deployed` (`None`: a stack to
    /// create): the given values and the secrets.
    pub(crate) fn sdk_parameters(
        &self,
        deployed: Option<&BTreeMap<String, String>>,
    ) -> Vec<Parameter> {
        let mut out = sdk_parameters(&self.parameters);
        out.extend(self.secrets.sdk_parameters(deployed));
        out
    }
}

/// The body or URL CloudFormation reads the template from.
pub(crate) enum TemplateSource {
    Body(String),
    Url(String),
}

/// Inline when small enough, else uploaded to the assets bucket.
pub(crate) async fn template_source(
    ctx: &AwsContext,
    stack_name: &str,
    body: &str,
    bucket: Option<&str>,
) -> Result<TemplateSource, DeployError> {
    if body.len() <= INLINE_TEMPLATE_LIMIT {
        return Ok(TemplateSource::Body(body.to_string()));
    }
    let bucket = bucket.ok_or_else(|| DeployError::NeedsAssetsBucket {
        stack: stack_name.to_string(),
        size: body.len(),
    })?;
    Ok(TemplateSource::Url(
        upload_template(ctx, bucket, body).await?,
    ))
}

pub(crate) fn sdk_parameters(values: &BTreeMap<String, String>) -> Vec<Parameter> {
    values
        .iter()
        .map(|(k, v)| {
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        })
        .collect()
}

pub(crate) fn sdk_tags(values: &BTreeMap<String, String>) -> Vec<Tag> {
    values
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}
