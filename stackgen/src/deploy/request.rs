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
    /// The template's generated secrets (`Template::secret`).
    pub secrets: GeneratedSecrets,
}

/// The template's secrets with a fresh random value each, sent only where the stack does not
/// have the parameter yet (a new stack, or one deployed before the secret existed) or when
/// rotating; a stack that has it keeps its value (`UsePreviousValue`), which nobody reads back
/// (NoEcho: CloudFormation answers `****`). So the value is generated once, by whoever deploys
/// first, and lives only in the stack.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct GeneratedSecrets {
    fresh: BTreeMap<String, String>,
    rotate: bool,
}

impl std::fmt::Debug for GeneratedSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedSecrets")
            .field("names", &self.fresh.keys().collect::<Vec<_>>())
            .field("rotate", &self.rotate)
            .finish()
    }
}

impl GeneratedSecrets {
    /// A fresh value for each of `names`: 32 bytes from the operating system's CSPRNG, as
    /// lower-case hex (the parameter's `AllowedPattern`). `rotate` sends them even to a stack
    /// that has its own.
    pub fn generate<'a>(
        names: impl IntoIterator<Item = &'a str>,
        rotate: bool,
    ) -> Result<Self, DeployError> {
        use ring::rand::{SecureRandom, SystemRandom};
        let random = SystemRandom::new();
        let mut fresh = BTreeMap::new();
        for name in names {
            let mut bytes = [0u8; stackgen_model::all::SECRET_HEX_LEN / 2];
            random
                .fill(&mut bytes)
                .map_err(|_| DeployError::NoRandomness {
                    parameter: name.to_owned(),
                })?;
            fresh.insert(name.to_owned(), hex::encode(bytes));
        }
        Ok(GeneratedSecrets { fresh, rotate })
    }

    /// Whether a deploy with `deployed` as the stack's parameters leaves every secret as it is.
    pub fn kept_by(&self, deployed: &BTreeMap<String, String>) -> bool {
        !self.rotate && self.fresh.keys().all(|k| deployed.contains_key(k))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fresh.keys().map(String::as_str)
    }

    /// The parameters for a stack with `deployed` parameters (`None`: a stack to create).
    fn sdk_parameters(&self, deployed: Option<&BTreeMap<String, String>>) -> Vec<Parameter> {
        self.fresh
            .iter()
            .map(|(name, value)| {
                let keep = !self.rotate && deployed.is_some_and(|d| d.contains_key(name));
                let parameter = Parameter::builder().parameter_key(name);
                match keep {
                    true => parameter.use_previous_value(true).build(),
                    false => parameter.parameter_value(value).build(),
                }
            })
            .collect()
    }
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
