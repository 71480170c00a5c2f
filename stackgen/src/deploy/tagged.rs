//! What the Resource Groups Tagging API finds of an environment in one region: every ARN tagged
//! with its `Project` and `Env`. Destroy asks it after the stack is gone (anything still tagged
//! is left over); `leftovers.rs` asks it in us-east-1 as well.

use aws_sdk_resourcegroupstagging::types::TagFilter;

use crate::aws::{AwsContext, AwsError};

/// ARNs tagged `Project=project` and `Env=env` (all pages: the SDK's paginator, which also
/// stops on the empty `PaginationToken` this API returns on its last page).
pub async fn tagged_resources(
    ctx: &AwsContext,
    project: &str,
    env: &str,
) -> Result<Vec<String>, AwsError> {
    let mut mappings = ctx
        .tagging
        .get_resources()
        .tag_filters(TagFilter::builder().key("Project").values(project).build())
        .tag_filters(TagFilter::builder().key("Env").values(env).build())
        .into_paginator()
        .items()
        .send();
    let mut arns = Vec::new();
    while let Some(mapping) = mappings.next().await {
        let mapping = mapping.map_err(|e| ctx.fail("tagging", "GetResources", e))?;
        arns.extend(mapping.resource_arn().map(str::to_string));
    }
    Ok(arns)
}
