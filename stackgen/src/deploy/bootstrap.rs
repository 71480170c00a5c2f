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
pub const BOOTSTRAP_VERSION: u32 = 5;

/// The deploy role's actions on the product services: every action the resource schemas'
/// handlers of the stack's types list (`stackgen_model::ResourceFacts::handler_actions`: what
/// CloudFormation calls to create, read, update, delete and list them), for the product
/// services only. No `service:*`: `cognito-idp:*` would let the role mint tokens, `s3:*` change
/// any bucket's policy. Actions of other services some handlers list for properties the stack
/// never sets (a KMS key, a VPC, a Kinesis stream) are left out; IAM is granted separately.
pub fn deploy_role_actions() -> Vec<String> {
    let services = deploy_role_services();
    let mut actions: Vec<&'static str> = product_types()
        .iter()
        .filter_map(|t| stackgen_model::facts(t))
        .flat_map(|f| f.handler_actions.iter().copied())
        .filter_map(stackgen_model::hand::iam_action)
        .filter(|a| {
            a.split_once(':')
                .is_some_and(|(prefix, _)| services.contains(&prefix))
        })
        .collect();
    actions.sort_unstable();
    actions.dedup();
    actions.into_iter().map(str::to_owned).collect()
}

/// The resource types a product stack may hold (the typed model's, without always-on ones).
fn product_types() -> Vec<&'static str> {
    let mut types: Vec<&'static str> = crate::model::RESOURCE_TYPES
        .iter()
        .copied()
        .filter(|t| !crate::guard::ALWAYS_ON_TYPES.contains(t))
        .collect();
    types.sort_unstable();
    types
}

/// The IAM service prefixes the deploy role may act in, in the order of the types' names: the
/// service AWS's resource schema gives (`stackgen_model::facts`) each type the typed model
/// renders ([`crate::model::RESOURCE_TYPES`]). IAM itself is limited to the stacks' roles
/// (`ROLE_ACTIONS`); always-on types, which the no-ghost-spend guardrail refuses, are left out.
pub fn deploy_role_services() -> Vec<&'static str> {
    let types = product_types();
    let mut services: Vec<&'static str> = Vec::new();
    for service in types
        .iter()
        .filter_map(|t| stackgen_model::facts(t).and_then(|f| f.service))
    {
        if service != "iam" && !services.contains(&service) {
            services.push(service);
        }
    }
    services
}

/// What the deploy role may do to the stacks' roles (under `/stackgen/`) only when the request
/// attaches the boundary: IAM evaluates `iam:PermissionsBoundary` for exactly these (Service
/// Authorization Reference, "Actions, resources, and condition keys for AWS Identity and Access
/// Management", <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html>).
/// Only the actions that add permissions need the condition.
const BOUNDED_ROLE_ACTIONS: &[&str] = &[
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
];

/// The rest of what it may do to those roles (never `DeleteRolePermissionsBoundary`).
const ROLE_ACTIONS: &[&str] = &[
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:ListRoleTags",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
];

/// What only takes permissions away, on any role: replacing a stack's roles of before version
/// 5 (path `/`, no boundary) deletes them, and so does destroying such a stack. The same rights
/// the role had before; none of them can grant anything.
const RETIRE_ROLE_ACTIONS: &[&str] = &[
    "iam:DeleteRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
];

/// The services the stacks hand roles to.
const PASSED_TO: &[&str] = crate::stack::boundary::TRUSTED_SERVICES;

const BOUNDARY_LOGICAL_ID: &str = "RoleBoundary";

/// Why the boundary's actions are on every resource (checkov CKV_AWS_108, CKV_AWS_111).
const BOUNDARY_SKIP: &str = "A permissions boundary grants nothing: it caps what a role's own policies can grant, and each role's inline policy scopes these actions to the stack's own tables, queues, topics, buckets, functions and stack. The boundary must hold every action any product role is given, for any resource of any environment.";

/// The deploy role's inline policy.
fn deploy_role_policy() -> Value {
    let roles = json!({"Fn::Sub": format!(
        "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role{}*",
        crate::stack::boundary::ROLE_PATH
    )});
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ProductServices", "Effect": "Allow", "Action": deploy_role_actions(), "Resource": "*"},
            {
                "Sid": "ProductRolesWithBoundary",
                "Effect": "Allow",
                "Action": BOUNDED_ROLE_ACTIONS,
                "Resource": roles,
                "Condition": {"StringEquals": {"iam:PermissionsBoundary": {"Ref": BOUNDARY_LOGICAL_ID}}}
            },
            {"Sid": "ProductRoles", "Effect": "Allow", "Action": ROLE_ACTIONS, "Resource": roles},
            {
                "Sid": "RetireRoles",
                "Effect": "Allow",
                "Action": RETIRE_ROLE_ACTIONS,
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"}
            },
            {
                "Sid": "PassProductRoles",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": roles,
                "Condition": {"StringEquals": {"iam:PassedToService": PASSED_TO}}
            }
        ]
    })
}

/// The permissions boundary of every product role: at most what the store's functions do.
fn boundary_policy() -> Value {
    json!({
        "ManagedPolicyName": {"Fn::Sub": format!("{}-${{AWS::Region}}", crate::stack::boundary::NAME_PREFIX)},
        "Description": "stackgen: the most any role of a product stack may do (its permissions boundary)",
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "StoreFunctions",
                "Effect": "Allow",
                "Action": crate::stack::boundary::ceiling(),
                "Resource": "*"
            }]
        }
    })
}

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
    /// checkov skips, each with its reason (`{"checkov": {"skip": [{"id", "comment"}]}}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
}

/// `Metadata` skipping checkov checks, each with the reason written out.
fn checkov_skips(skips: &[(&str, &str)]) -> Option<Value> {
    let skip: Vec<Value> = skips
        .iter()
        .map(|(id, comment)| json!({"id": id, "comment": comment}))
        .collect();
    Some(json!({"checkov": {"skip": skip}}))
}

const BUCKET_LOGGING_SKIP: &str = "The assets bucket holds only function zips and templates written by stackgen deploy; S3 server access logs would need a further log bucket (which itself cannot log). CloudTrail data events are the audit trail where one is required.";
const DEPLOY_ROLE_SKIP: &str = "This is the CloudFormation service role that creates, updates and deletes the product stacks' resources (IAM roles, buckets, tables, functions…), so it must be able to write them, manage their roles' policies and pass those roles; only cloudformation.amazonaws.com of this account can assume it, and its services are limited to those the product stacks use.";

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
    prefix: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_in_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    noncurrent_version_expiration: Option<NoncurrentExpiration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expired_object_delete_marker: Option<bool>,
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
                    prefix: None,
                    expiration_in_days: None,
                    noncurrent_version_expiration: Some(NoncurrentExpiration {
                        noncurrent_days: NONCURRENT_DAYS,
                    }),
                    // `bootstrap --prune` deletes unreferenced assets; their delete markers
                    // go once the old versions have expired (see model::s3::Bucket::private).
                    expired_object_delete_marker: Some(true),
                    abort_incomplete_multipart_upload: None,
                },
                // A large template is read once, when its change set is created; function
                // zips stay until `stackgen bootstrap --prune` finds no stack using them.
                LifecycleRule {
                    id: "expire-uploaded-templates",
                    status: "Enabled",
                    prefix: Some("templates/"),
                    expiration_in_days: Some(TEMPLATE_DAYS),
                    noncurrent_version_expiration: None,
                    expired_object_delete_marker: None,
                    abort_incomplete_multipart_upload: None,
                },
                LifecycleRule {
                    id: "abort-incomplete-multipart-uploads",
                    status: "Enabled",
                    prefix: None,
                    expiration_in_days: None,
                    noncurrent_version_expiration: None,
                    expired_object_delete_marker: None,
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
    // No `aws:SourceAccount` condition in the trust policy: no AWS document says CloudFormation
    // sets that key when it assumes a stack's service role. AWS documents it only for
    // extension roles (`resources.cloudformation.amazonaws.com`) and the StackSets
    // administration role (CloudFormation User Guide, "Cross-service confused deputy
    // prevention", <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cross-service-confused-deputy-prevention.html>),
    // and "if the key that you specify in a policy condition is not present in the request
    // context, the values do not match" (IAM User Guide, condition operators), so the condition
    // could refuse every deploy. What keeps other accounts out is `iam:PassRole`: only a
    // principal of this account that may pass this role can hand it to CloudFormation.
    let role = json!({
        "Description": "stackgen: the CloudFormation service role product stacks are deployed (and deleted) with",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "cloudformation.amazonaws.com"},
                "Action": "sts:AssumeRole"
            }]
        },
        "Policies": [{
            "PolicyName": "manage-product-stacks",
            "PolicyDocument": deploy_role_policy()
        }],
        "Tags": tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>(),
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
                    metadata: checkov_skips(&[("CKV_AWS_18", BUCKET_LOGGING_SKIP)]),
                },
            ),
            (
                "AssetsBucketPolicy",
                Resource {
                    kind: "AWS::S3::BucketPolicy",
                    properties: policy,
                    metadata: None,
                },
            ),
            (
                BOUNDARY_LOGICAL_ID,
                Resource {
                    kind: "AWS::IAM::ManagedPolicy",
                    properties: boundary_policy(),
                    metadata: checkov_skips(&[
                        ("CKV_AWS_108", BOUNDARY_SKIP),
                        ("CKV_AWS_111", BOUNDARY_SKIP),
                    ]),
                },
            ),
            (
                ROLE_LOGICAL_ID,
                Resource {
                    kind: "AWS::IAM::Role",
                    properties: role,
                    metadata: checkov_skips(&[
                        ("CKV_AWS_108", DEPLOY_ROLE_SKIP),
                        ("CKV_AWS_109", DEPLOY_ROLE_SKIP),
                        ("CKV_AWS_110", DEPLOY_ROLE_SKIP),
                        ("CKV_AWS_111", DEPLOY_ROLE_SKIP),
                    ]),
                },
            ),
        ]),
        outputs: BTreeMap::from([
            (
                BUCKET_OUTPUT,
                Output {
                    description: "Assets bucket (assets/<sha256>.zip, templates/<sha256>.json)",
                    value: json!({"Ref": BUCKET_LOGICAL_ID}),
                },
            ),
            (
                ROLE_OUTPUT,
                Output {
                    description: "CloudFormation service role of the product stacks",
                    value: json!({"Fn::GetAtt": [ROLE_LOGICAL_ID, "Arn"]}),
                },
            ),
            (
                VERSION_OUTPUT,
                Output {
                    description: "Version of this template (stackgen updates older ones)",
                    value: json!(BOOTSTRAP_VERSION.to_string()),
                },
            ),
        ]),
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
        .template_body(template(tags))
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
        let rules = b["LifecycleConfiguration"]["Rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let rule = |id: &str| {
            rules
                .iter()
                .find(|r| r["Id"] == id)
                .cloned()
                .unwrap_or(Value::Null)
        };
        let versions = rule("expire-noncurrent-versions");
        assert_eq!(
            versions["NoncurrentVersionExpiration"]["NoncurrentDays"],
            NONCURRENT_DAYS
        );
        assert_eq!(versions["ExpiredObjectDeleteMarker"], true);
        let templates = rule("expire-uploaded-templates");
        assert_eq!(templates["Prefix"], "templates/");
        assert_eq!(templates["ExpirationInDays"], TEMPLATE_DAYS);
        assert_eq!(
            rule("abort-incomplete-multipart-uploads")["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"],
            1
        );
        assert_eq!(b["Tags"][0]["Key"], "ManagedBy");
        let st =
            &t["Resources"]["AssetsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
        assert_eq!(st["Effect"], "Deny");
        assert_eq!(st["Condition"]["Bool"]["aws:SecureTransport"], "false");
        assert_eq!(t["Outputs"][BUCKET_OUTPUT]["Value"]["Ref"], "AssetsBucket");
    }

    #[test]
    fn only_cloudformation_assumes_the_deploy_role() {
        let t: Value = serde_json::from_str(&template(&default_tags())).unwrap_or(Value::Null);
        let role = &t["Resources"][ROLE_LOGICAL_ID]["Properties"];
        let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
        assert_eq!(
            trust["Principal"]["Service"],
            "cloudformation.amazonaws.com"
        );
        // An undocumented condition key would make every AssumeRole fail (see `template`).
        assert_eq!(trust["Condition"], Value::Null);
        let statements = &role["Policies"][0]["PolicyDocument"]["Statement"];
        let actions: Vec<&str> = statements
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|s| s["Action"].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .collect();
        assert!(!actions.contains(&"*"), "{actions:?}");
        assert!(
            actions
                .iter()
                .all(|a| !a.starts_with("iam:") || !a.ends_with('*')),
            "IAM is limited to named role actions: {actions:?}"
        );
        assert_eq!(
            statements[1]["Resource"]["Fn::Sub"],
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/stackgen/*"
        );
        assert_eq!(
            t["Outputs"][VERSION_OUTPUT]["Value"],
            BOOTSTRAP_VERSION.to_string()
        );
    }
}
