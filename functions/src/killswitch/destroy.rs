//! `destroy`: empty every bucket of the stack, then delete the stack.
//!
//! CloudFormation cannot delete a bucket that holds objects, so every object version and delete
//! marker goes first (versioned buckets keep both). The summary is published to ops-alerts
//! *before* DeleteStack, since that topic is part of the stack. CloudFormation deletes this
//! function too; it returns before that happens.

use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use serde_json::json;
use stackgen_facts::generated::s3::BUCKET_TYPE_NAME as BUCKET_TYPE;

use super::{KillSwitch, KillSwitchError, Outcome, describe, stack_resources};
use crate::killswitch::notification::Action;

/// DeleteObjects takes at most 1000 keys.
const DELETE_BATCH: usize = 1000;

pub(crate) async fn run(ks: &KillSwitch) -> Result<Outcome, KillSwitchError> {
    if let Some(detail) = already_going(ks).await? {
        return Ok(Outcome::AlreadyDone {
            action: Action::Destroy,
            detail,
        });
    }
    let buckets = stack_resources(ks, BUCKET_TYPE).await?;
    let mut objects_deleted = 0;
    for bucket in &buckets {
        objects_deleted += empty(ks, bucket).await?;
    }
    let summary = format!(
        "Kill switch: stack {} is being deleted ({}). Its {} bucket(s) were emptied first ({} object version(s) and delete marker(s) removed: {}). Nothing of this environment keeps billing once CloudFormation finishes; redeploy with `stackgen deploy` when wanted.",
        ks.stack,
        if ks.action == Action::Destroy {
            "the budget's kill threshold was reached or its schedule fired"
        } else {
            "invoked with `destroy`"
        },
        buckets.len(),
        objects_deleted,
        if buckets.is_empty() {
            "none".to_owned()
        } else {
            buckets.join(", ")
        },
    );
    ks.report(
        &format!("Kill switch deleting {}", ks.stack),
        &summary,
        json!({"action": "destroy", "stack": ks.stack, "buckets": buckets, "objectsDeleted": objects_deleted}),
    )
    .await;
    ks.cfn
        .delete_stack()
        .stack_name(&ks.stack)
        .send()
        .await
        .map_err(|e| KillSwitchError::Stack {
            stack: ks.stack.clone(),
            call: "DeleteStack",
            message: describe(&e),
        })?;
    Ok(Outcome::Destroyed {
        buckets,
        objects_deleted,
    })
}

/// `Some(why)` when the stack is gone or already being deleted.
async fn already_going(ks: &KillSwitch) -> Result<Option<String>, KillSwitchError> {
    let out = match ks.cfn.describe_stacks().stack_name(&ks.stack).send().await {
        Ok(out) => out,
        Err(e) => {
            let message = describe(&e);
            if message.contains("does not exist") {
                return Ok(Some(format!("stack {} does not exist", ks.stack)));
            }
            return Err(KillSwitchError::Stack {
                stack: ks.stack.clone(),
                call: "DescribeStacks",
                message,
            });
        }
    };
    let status = out
        .stacks()
        .first()
        .and_then(|s| s.stack_status())
        .map(|s| s.as_str().to_owned());
    Ok(match status.as_deref() {
        None => Some(format!("stack {} does not exist", ks.stack)),
        Some(s @ ("DELETE_IN_PROGRESS" | "DELETE_COMPLETE")) => {
            Some(format!("stack {} is {s}", ks.stack))
        }
        Some(_) => None,
    })
}

/// Deletes every object version and delete marker of `bucket`; returns how many.
async fn empty(ks: &KillSwitch, bucket: &str) -> Result<usize, KillSwitchError> {
    let err = |call: &'static str, e: String| KillSwitchError::Bucket {
        bucket: bucket.to_owned(),
        call,
        message: e,
    };
    let mut deleted = 0;
    loop {
        // Always list from the start: what was deleted is gone, so this converges, and no
        // marker is needed across deletions.
        let listed = match ks.s3.list_object_versions().bucket(bucket).send().await {
            Ok(l) => l,
            Err(e) => {
                let message = describe(&e);
                if message.contains("NoSuchBucket") {
                    return Ok(deleted);
                }
                return Err(err("ListObjectVersions", message));
            }
        };
        let mut ids = Vec::new();
        for v in listed.versions() {
            if let Some(key) = v.key() {
                ids.push((key.to_owned(), v.version_id().map(str::to_owned)));
            }
        }
        for m in listed.delete_markers() {
            if let Some(key) = m.key() {
                ids.push((key.to_owned(), m.version_id().map(str::to_owned)));
            }
        }
        if ids.is_empty() {
            return Ok(deleted);
        }
        for chunk in ids.chunks(DELETE_BATCH) {
            let objects = chunk
                .iter()
                .map(|(key, version)| {
                    ObjectIdentifier::builder()
                        .key(key)
                        .set_version_id(version.clone())
                        .build()
                        .map_err(|e| err("DeleteObjects", e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let delete = Delete::builder()
                .set_objects(Some(objects))
                .quiet(true)
                .build()
                .map_err(|e| err("DeleteObjects", e.to_string()))?;
            let out = ks
                .s3
                .delete_objects()
                .bucket(bucket)
                .delete(delete)
                .send()
                .await
                .map_err(|e| err("DeleteObjects", describe(&e)))?;
            if let Some(first) = out.errors().first() {
                return Err(err(
                    "DeleteObjects",
                    format!(
                        "{} object(s) were not deleted, first `{}`: {}",
                        out.errors().len(),
                        first.key().unwrap_or("?"),
                        first.message().unwrap_or("no message")
                    ),
                ));
            }
            deleted += chunk.len();
        }
    }
}
