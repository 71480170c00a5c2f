//! `stackgen bootstrap --prune`: delete the function zips in the bootstrap bucket that no stack
//! uses any more, so content-addressed assets do not pile up (and bill) forever.
//!
//! An asset is in use when a stack in the region passes its key (`assets/<sha256>.zip`) as a
//! parameter while naming this bucket as its `AssetsBucket` — every stackgen stack does. A
//! zip is only deleted when it is also older than `min_age`, so a deploy that has uploaded its
//! zips but not yet created its change set (or a change set waiting for review) keeps them.
//! Deleting makes a delete marker in the versioned bucket; the bucket's lifecycle rules expire
//! the old version and then the marker. Templates uploaded for large stacks
//! (`templates/<sha256>.json`) are read once, at change set creation, and expire by a lifecycle
//! rule instead.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use super::assets::sha_of_key;
use super::objects::delete_objects;
use crate::aws::{AwsContext, AwsError};
use crate::stack::ASSETS_BUCKET_PARAMETER;

/// What a prune found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PruneReport {
    /// Zips some stack still uses.
    pub in_use: usize,
    /// Unused zips kept because they are younger than the minimum age.
    pub too_young: usize,
    /// Keys deleted (or, with `dry_run`, that would be).
    pub deleted: Vec<String>,
    pub dry_run: bool,
}

/// Deletes the unused zips older than `min_age` from `bucket`.
pub async fn prune_assets(
    ctx: &AwsContext,
    bucket: &str,
    min_age: Duration,
    dry_run: bool,
) -> Result<PruneReport, AwsError> {
    let used = keys_in_use(ctx, bucket).await?;
    let mut report = PruneReport {
        dry_run,
        ..PruneReport::default()
    };
    let cutoff = SystemTime::now()
        .checked_sub(min_age)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut pages = ctx
        .s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix("assets/")
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| ctx.fail("s3", "ListObjectsV2", e))?;
        for object in page.contents() {
            let Some(key) = object.key().filter(|k| sha_of_key(k).is_some()) else {
                continue;
            };
            let modified = object
                .last_modified()
                .and_then(|t| SystemTime::try_from(*t).ok())
                .unwrap_or_else(SystemTime::now);
            if used.contains(key) {
                report.in_use += 1;
            } else if modified > cutoff {
                report.too_young += 1;
            } else {
                report.deleted.push(key.to_owned());
            }
        }
    }
    if !dry_run && !report.deleted.is_empty() {
        let ids: Vec<(String, Option<String>)> =
            report.deleted.iter().map(|k| (k.clone(), None)).collect();
        delete_objects(ctx, bucket, &ids).await?;
    }
    Ok(report)
}

/// Every asset key a stack of the region passes as a parameter along with this bucket.
async fn keys_in_use(ctx: &AwsContext, bucket: &str) -> Result<BTreeSet<String>, AwsError> {
    let mut used = BTreeSet::new();
    let mut pages = ctx.cloudformation.describe_stacks().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| ctx.fail("cloudformation", "DescribeStacks", e))?;
        for stack in page.stacks() {
            let params = stack.parameters();
            let ours = params.iter().any(|p| {
                p.parameter_key() == Some(ASSETS_BUCKET_PARAMETER)
                    && p.parameter_value() == Some(bucket)
            });
            if !ours {
                continue;
            }
            used.extend(
                params
                    .iter()
                    .filter_map(|p| p.parameter_value())
                    .filter(|v| sha_of_key(v).is_some())
                    .map(str::to_owned),
            );
        }
    }
    Ok(used)
}
