//! What the Resource Groups Tagging API finds of an environment in one region: every ARN tagged
//! with its `Project` and `Env`. Destroy asks it after the stack is gone (anything still tagged
//! is left over); `leftovers.rs` asks it in us-east-1 as well.

use aws_sdk_resourcegroupstagging::types::TagFilter;

use crate::aws::{AwsContext, AwsError};

/// ARNs tagged `Project=project` and `Env=env` (all pages).
pub async fn tagged_resources(
    ctx: &AwsContext,
    project: &str,
    env: &str,
) -> Result<Vec<String>, AwsError> {
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = ctx
            .tagging
            .get_resources()
            .tag_filters(TagFilter::builder().key("Project").values(project).build())
            .tag_filters(TagFilter::builder().key("Env").values(env).build())
            .set_pagination_token(token.take())
            .send()
            .await
            .map_err(|e| ctx.fail("tagging", "GetResources", e))?;
        arns.extend(
            out.resource_tag_mapping_list()
                .iter()
                .filter_map(|m| m.resource_arn())
                .map(str::to_string),
        );
        match out.pagination_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(arns),
        }
    }
}
