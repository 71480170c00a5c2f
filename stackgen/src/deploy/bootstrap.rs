//! The bootstrap stack: one private assets bucket per account and region, like `cdk bootstrap`.
//!
//! Function zips and large templates need a bucket before the product stack exists. The first
//! deploy into an account/region creates `stackgen-bootstrap`; later deploys find it (one
//! DescribeStacks). The bucket is private, SSE-S3 encrypted, versioned, TLS-only, and
//! lifecycle-managed (noncurrent versions expire, incomplete multipart uploads are aborted).
//!
//! The template is a small typed struct serialised with serde, written here because the typed
//! model (`crate::model`) was not yet committed when this was built; it can be ported to the
//! model's `Bucket::private` + `BucketPolicy` without changing the rendered JSON's meaning.
//! The bootstrap stack is created with CreateStack (not a change set): there is nothing to
//! review, and moto reports Outputs only for stacks created that way.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::error::DeployError;
use super::events::{WaitOptions, newest_event_id, wait_for_stack};
use super::progress::Progress;
use super::stack::describe_stack;
use super::state::{StackCondition, classify, is_success};
use crate::aws::AwsContext;

/// The bootstrap stack's name (one per account and region).
pub const BOOTSTRAP_STACK_NAME: &str = "stackgen-bootstrap";
/// Its output with the bucket name.
pub const BUCKET_OUTPUT: &str = "AssetsBucketName";
const BUCKET_LOGICAL_ID: &str = "AssetsBucket";
/// Days an overwritten or deleted asset version is kept.
pub const NONCURRENT_DAYS: u32 = 30;

/// The bootstrap stack as found or created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bootstrap {
    pub bucket: String,
    /// True when this call created the stack.
    pub created: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BootstrapTemplate {
    #[serde(rename = "AWSTemplateFormatVersion")]
    format_version: &'static str,
    description: &'static str,
    resources: BTreeMap<&'static str, Resource>,
    outputs: BTreeMap<&'static str, Output>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Resource {
    #[serde(rename = "Type")]
    kind: &'static str,
    properties: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    description: &'static str,
    value: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BucketProperties {
    bucket_encryption: Value,
    public_access_block_configuration: PublicAccessBlock,
    ownership_controls: Value,
    versioning_configuration: Versioning,
    lifecycle_configuration: Lifecycle,
    tags: Vec<Tag>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PublicAccessBlock {
    block_public_acls: bool,
    block_public_policy: bool,
    ignore_public_acls: bool,
    restrict_public_buckets: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Versioning {
    status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Lifecycle {
    rules: Vec<LifecycleRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LifecycleRule {
    id: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    noncurrent_version_expiration: Option<NoncurrentExpiration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    abort_incomplete_multipart_upload: Option<AbortMultipart>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct NoncurrentExpiration {
    noncurrent_days: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AbortMultipart {
    days_after_initiation: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Tag {
    key: String,
    value: String,
}

/// The bootstrap template (deterministic JSON) with `tags` on the bucket.
pub fn template(tags: &BTreeMap<String, String>) -> String {
    let bucket = BucketProperties {
        bucket_encryption: json!({"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": true}
        ]}),
        public_access_block_configuration: PublicAccessBlock {
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
        },
        ownership_controls: json!({"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}),
        versioning_configuration: Versioning { status: "Enabled" },
        lifecycle_configuration: Lifecycle {
            rules: vec![
                LifecycleRule {
                    id: "expire-noncurrent-versions",
                    status: "Enabled",
                    noncurrent_version_expiration: Some(NoncurrentExpiration {
                        noncurrent_days: NONCURRENT_DAYS,
                    }),
                    abort_incomplete_multipart_upload: None,
                },
                LifecycleRule {
                    id: "abort-incomplete-multipart-uploads",
                    status: "Enabled",
                    noncurrent_version_expiration: None,
                    abort_incomplete_multipart_upload: Some(AbortMultipart {
                        days_after_initiation: 1,
                    }),
                },
            ],
        },
        tags: tags
            .iter()
            .map(|(k, v)| Tag {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
    };
    let bucket_arn = json!({"Fn::GetAtt": [BUCKET_LOGICAL_ID, "Arn"]});
    let policy = json!({
        "Bucket": {"Ref": BUCKET_LOGICAL_ID},
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, {"Fn::Sub": format!("${{{BUCKET_LOGICAL_ID}.Arn}}/*")}],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }]
        }
    });
    let template = BootstrapTemplate {
        format_version: "2010-09-09",
        description: "stackgen bootstrap: content-addressed assets bucket for function zips and large templates",
        resources: BTreeMap::from([
            (
                BUCKET_LOGICAL_ID,
                Resource {
                    kind: "AWS::S3::Bucket",
                    properties: serde_json::to_value(bucket).unwrap_or(Value::Null),
                },
            ),
            (
                "AssetsBucketPolicy",
                Resource {
                    kind: "AWS::S3::BucketPolicy",
                    properties: policy,
                },
            ),
        ]),
        outputs: BTreeMap::from([(
            BUCKET_OUTPUT,
            Output {
                description: "Assets bucket (assets/<sha256>.zip, templates/<sha256>.json)",
                value: json!({"Ref": BUCKET_LOGICAL_ID}),
            },
        )]),
    };
    serde_json::to_string_pretty(&template).unwrap_or_default()
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
    let mut stack = describe_stack(ctx, BOOTSTRAP_STACK_NAME).await?;
    if let Some(s) = &stack
        && classify(&s.status) == StackCondition::Busy
    {
        progress.step(&format!("{BOOTSTRAP_STACK_NAME} is {}; waiting", s.status));
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
        // A bootstrap that never came up holds nothing (the bucket was not created or was
        // rolled back); recreating it is always safe.
        progress.step(&format!(
            "{BOOTSTRAP_STACK_NAME} is {}; deleting it to start over",
            s.status
        ));
        delete_and_wait(ctx, &s.id, wait, progress).await?;
        stack = None;
    }
    let stack = match stack.filter(|s| classify(&s.status) != StackCondition::Missing) {
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
    let bucket = match stack.outputs.get(BUCKET_OUTPUT) {
        Some(b) => b.clone(),
        // Outputs are the contract; the resource's physical id is the same name when an
        // endpoint does not report outputs.
        None => bucket_resource(ctx).await?,
    };
    Ok(Bootstrap { bucket, created })
}

async fn create(ctx: &AwsContext, tags: &BTreeMap<String, String>) -> Result<String, DeployError> {
    let sdk_tags = tags
        .iter()
        .map(|(k, v)| {
            aws_sdk_cloudformation::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
        })
        .collect::<Vec<_>>();
    let out = ctx
        .cloudformation
        .create_stack()
        .stack_name(BOOTSTRAP_STACK_NAME)
        .template_body(template(tags))
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

/// Deletes a stack by id and waits until it is gone.
pub(crate) async fn delete_and_wait(
    ctx: &AwsContext,
    stack_id: &str,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<(), DeployError> {
    let watermark = newest_event_id(ctx, stack_id).await?;
    ctx.cloudformation
        .delete_stack()
        .stack_name(stack_id)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "DeleteStack", e))?;
    let settled = wait_for_stack(ctx, stack_id, watermark.as_deref(), wait, progress).await?;
    let first_failure = settled.first_failure();
    match settled.stack {
        Some(s) if s.status == "DELETE_FAILED" => Err(DeployError::DeleteFailed {
            stack: s.name,
            reason: first_failure.map(|f| format!(" ({f})")).unwrap_or_default(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_is_private_encrypted_versioned_tls_only_and_lifecycle_managed() {
        let tags = BTreeMap::from([("ManagedBy".to_string(), "stackgen".to_string())]);
        let t: Value = serde_json::from_str(&template(&tags)).unwrap_or(Value::Null);
        let b = &t["Resources"]["AssetsBucket"]["Properties"];
        assert_eq!(
            b["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
                ["SSEAlgorithm"],
            "AES256"
        );
        for k in [
            "BlockPublicAcls",
            "BlockPublicPolicy",
            "IgnorePublicAcls",
            "RestrictPublicBuckets",
        ] {
            assert_eq!(b["PublicAccessBlockConfiguration"][k], true, "{k}");
        }
        assert_eq!(b["VersioningConfiguration"]["Status"], "Enabled");
        let rules = &b["LifecycleConfiguration"]["Rules"];
        assert_eq!(
            rules[0]["NoncurrentVersionExpiration"]["NoncurrentDays"],
            NONCURRENT_DAYS
        );
        assert_eq!(
            rules[1]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"],
            1
        );
        assert_eq!(b["Tags"][0]["Key"], "ManagedBy");
        let st =
            &t["Resources"]["AssetsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
        assert_eq!(st["Effect"], "Deny");
        assert_eq!(st["Condition"]["Bool"]["aws:SecureTransport"], "false");
        assert_eq!(t["Outputs"][BUCKET_OUTPUT]["Value"]["Ref"], "AssetsBucket");
    }
}
