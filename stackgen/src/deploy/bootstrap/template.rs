//! The bootstrap template, built with the typed model like the product stacks (so the
//! bootstrap guardrails, `guard.rs` beside this file, read the same values that are
//! rendered): the assets bucket and its TLS-only policy, the deploy role, and the permissions
//! boundary of every product role.

use std::collections::BTreeMap;

use super::{
    BOOTSTRAP_VERSION, BUCKET_LOGICAL_ID, BUCKET_OUTPUT, NONCURRENT_DAYS, ROLE_LOGICAL_ID,
    ROLE_OUTPUT, TEMPLATE_DAYS, VERSION_OUTPUT,
};
use crate::model::iam::{InlinePolicy, ManagedPolicy, Role};
use crate::model::s3::{
    AbortIncompleteMultipartUpload, Bucket, BucketPolicy, LifecycleConfiguration, LifecycleRule,
    NoncurrentVersionExpiration, RuleStatus,
};
use crate::model::{
    Draft, Format, Handle, Operator, Options, Output, PolicyCondition, PolicyDocument, Principal,
    Pseudo, Statement, Tags, Template, TemplateError, Value,
};
use crate::sub;

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

/// What CloudFormation's drift detection reads of the product stacks' resources: the read
/// handlers' actions of every type a product stack may hold (`ResourceFacts::read_actions`),
/// keeping only reads ([`is_read_action`]). A read handler also lists what it needs for
/// properties the stacks never set: `kms:Decrypt` for a customer-managed key, `s3:GetObject`
/// for an API imported from a bucket. Those would let a reader decrypt or download data, and
/// are left out.
pub fn product_read_actions() -> Vec<String> {
    let mut actions: Vec<&'static str> = product_types()
        .iter()
        .filter_map(|t| stackgen_model::facts(t))
        .flat_map(|f| f.read_actions.iter().copied())
        .filter_map(stackgen_model::hand::iam_action)
        .filter(|a| is_read_action(a))
        .collect();
    actions.sort_unstable();
    actions.dedup();
    actions.into_iter().map(str::to_owned).collect()
}

/// Whether an IAM action only reads: its verb is `Describe`, `Get`, `List`, `View` or
/// `BatchGet` (the "Read" and "List" access levels of the Service Authorization Reference name
/// their actions so), or API Gateway's `GET` (its actions are HTTP methods). CloudFormation's
/// drift detection (`DetectStackDrift`, `DetectStackResourceDrift`) counts as a read: it changes
/// no resource, only records what it found.
pub fn is_read_action(action: &str) -> bool {
    let Some((service, verb)) = action.split_once(':') else {
        return false;
    };
    if service == "apigateway" {
        return verb == "GET";
    }
    if service == "cloudformation" && verb.starts_with("Detect") {
        return true;
    }
    [
        "Describe",
        "Get",
        "List",
        "View",
        "BatchGet",
        "BatchDescribe",
    ]
    .iter()
    .any(|v| verb.starts_with(v) && verb[v.len()..].starts_with(|c: char| c.is_ascii_uppercase()))
}

/// The resource types a product stack may hold (the typed model's, without always-on ones).
fn product_types() -> Vec<&'static str> {
    let mut types: Vec<&'static str> = crate::model::RESOURCE_TYPES
        .iter()
        .copied()
        .filter(|t| stackgen_model::always_on(t).is_none())
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

/// The ARN pattern of the product stacks' roles (`role/stackgen/*`).
fn product_roles() -> Value {
    sub!(
        "arn:",
        Pseudo::Partition,
        ":iam::",
        Pseudo::AccountId,
        ":role",
        crate::stack::boundary::ROLE_PATH,
        "*"
    )
}

/// The deploy role's inline policy.
fn deploy_role_policy(boundary: &Handle<ManagedPolicy>) -> PolicyDocument {
    let roles = product_roles();
    let mut with_boundary = Statement::allow(
        "ProductRolesWithBoundary",
        BOUNDED_ROLE_ACTIONS,
        vec![roles.clone()],
    );
    with_boundary.condition = vec![PolicyCondition::new(
        Operator::StringEquals,
        "iam:PermissionsBoundary",
        boundary.arn(),
    )];
    let mut pass = Statement::allow("PassProductRoles", &["iam:PassRole"], vec![roles.clone()]);
    pass.condition = vec![PolicyCondition {
        operator: Operator::StringEquals,
        key: "iam:PassedToService".to_owned(),
        values: PASSED_TO.iter().map(|&s| s.into()).collect(),
    }];
    let actions = deploy_role_actions();
    let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
    PolicyDocument::new(vec![
        Statement::allow("ProductServices", &actions, ["*"]),
        with_boundary,
        Statement::allow("ProductRoles", ROLE_ACTIONS, vec![roles.clone()]),
        Statement::allow(
            "RetireRoles",
            RETIRE_ROLE_ACTIONS,
            vec![sub!(
                "arn:",
                Pseudo::Partition,
                ":iam::",
                Pseudo::AccountId,
                ":role/*"
            )],
        ),
        pass,
    ])
}

/// The permissions boundary of every product role: at most what the store's functions do.
fn boundary_policy() -> ManagedPolicy {
    let ceiling = crate::stack::ceiling::actions();
    ManagedPolicy::new(PolicyDocument::new(vec![Statement::allow(
        "StoreFunctions",
        &ceiling,
        ["*"],
    )]))
    .managed_policy_name(sub!(
        crate::stack::boundary::NAME_PREFIX,
        "-",
        Pseudo::Region
    ))
    .description("stackgen: the most any role of a product stack may do (its permissions boundary)")
}

/// The assets bucket: private, SSE-S3, versioned, with three lifecycle rules.
fn assets_bucket() -> Bucket {
    let rules = vec![
        LifecycleRule::new(RuleStatus::Enabled)
            .id("expire-noncurrent-versions")
            .noncurrent_version_expiration(NoncurrentVersionExpiration::new(i64::from(
                NONCURRENT_DAYS,
            )))
            // `bootstrap --prune` deletes unreferenced assets; their delete markers go once the
            // old versions have expired (see model::s3::Bucket::private).
            .expired_object_delete_marker(true),
        // A large template is read once, when its change set is created; function zips stay
        // until `stackgen bootstrap --prune` finds no stack using them.
        LifecycleRule::new(RuleStatus::Enabled)
            .id("expire-uploaded-templates")
            .prefix("templates/")
            .expiration_in_days(i64::from(TEMPLATE_DAYS)),
        LifecycleRule::new(RuleStatus::Enabled)
            .id("abort-incomplete-multipart-uploads")
            .abort_incomplete_multipart_upload(AbortIncompleteMultipartUpload::new(1)),
    ];
    // Named by CloudFormation (the stack's output says which).
    let mut bucket = Bucket::private_unnamed(NONCURRENT_DAYS);
    bucket.lifecycle_configuration = Some(LifecycleConfiguration::new(rules));
    bucket
}

/// The deploy role: only CloudFormation of this account assumes it.
//
// No `aws:SourceAccount` condition in the trust policy: no AWS document says CloudFormation
// sets that key when it assumes a stack's service role. AWS documents it only for extension
// roles (`resources.cloudformation.amazonaws.com`) and the StackSets administration role
// (CloudFormation User Guide, "Cross-service confused deputy prevention",
// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cross-service-confused-deputy-prevention.html>),
// and "if the key that you specify in a policy condition is not present in the request
// context, the values do not match" (IAM User Guide, condition operators), so the condition
// could refuse every deploy. What keeps other accounts out is `iam:PassRole`: only a principal
// of this account that may pass this role can hand it to CloudFormation.
fn deploy_role(boundary: &Handle<ManagedPolicy>) -> Role {
    let trust = Statement::trust(Principal::Service(vec![
        "cloudformation.amazonaws.com".to_owned(),
    ]));
    Role::new(PolicyDocument::new(vec![trust]))
        .description(
            "stackgen: the CloudFormation service role product stacks are deployed (and deleted) with",
        )
        .policies([InlinePolicy::new(
            deploy_role_policy(boundary),
            "manage-product-stacks",
        )])
}

/// The bootstrap template as typed values, with `tags` on every taggable resource.
pub fn typed(tags: &BTreeMap<String, String>) -> Template {
    let mut required = Tags::new();
    for (k, v) in tags {
        required.set(k, v);
    }
    Template::build(
        "stackgen bootstrap: content-addressed assets bucket for function zips and large templates",
        required,
        &(),
        bootstrap,
    )
    .0
}

/// The bootstrap template's builder: the assets bucket, the deploy role and its boundary.
fn bootstrap(t: &mut Draft, _: &()) {
    let bucket = t.add_with(
        BUCKET_LOGICAL_ID,
        assets_bucket(),
        Options::new().skip_checkov("CKV_AWS_18", BUCKET_LOGGING_SKIP),
    );
    t.add(
        "AssetsBucketPolicy",
        BucketPolicy::new(
            bucket.name(),
            PolicyDocument::new(vec![Statement::deny_insecure_transport(
                &["s3:*"],
                [bucket.arn().into(), sub!(bucket.arn(), "/*")],
            )]),
        ),
    );
    let boundary = t.add_with(
        BOUNDARY_LOGICAL_ID,
        boundary_policy(),
        Options::new()
            .skip_checkov("CKV_AWS_108", BOUNDARY_SKIP)
            .skip_checkov("CKV_AWS_111", BOUNDARY_SKIP),
    );
    let role = t.add_with(
        ROLE_LOGICAL_ID,
        deploy_role(&boundary),
        Options::new()
            .skip_checkov("CKV_AWS_108", DEPLOY_ROLE_SKIP)
            .skip_checkov("CKV_AWS_109", DEPLOY_ROLE_SKIP)
            .skip_checkov("CKV_AWS_110", DEPLOY_ROLE_SKIP)
            .skip_checkov("CKV_AWS_111", DEPLOY_ROLE_SKIP),
    );
    t.output(
        BUCKET_OUTPUT,
        Output::new(
            "Assets bucket (assets/<sha256>.zip, templates/<sha256>.json)",
            bucket.name(),
        ),
    );
    t.output(
        ROLE_OUTPUT,
        Output::new(
            "CloudFormation service role of the product stacks",
            role.arn(),
        ),
    );
    t.output(
        VERSION_OUTPUT,
        Output::new(
            "Version of this template (stackgen updates older ones)",
            BOOTSTRAP_VERSION.to_string(),
        ),
    );
}

/// The bootstrap template (deterministic JSON) with `tags` on every taggable resource.
pub fn template(tags: &BTreeMap<String, String>) -> Result<String, TemplateError> {
    typed(tags).render(Format::Json)
}

const BUCKET_LOGGING_SKIP: &str = "The assets bucket holds only function zips and templates written by stackgen deploy; S3 server access logs would need a further log bucket (which itself cannot log). CloudTrail data events are the audit trail where one is required.";
const DEPLOY_ROLE_SKIP: &str = "This is the CloudFormation service role that creates, updates and deletes the product stacks' resources (IAM roles, buckets, tables, functions…), so it must be able to write them, manage their roles' policies and pass those roles; only cloudformation.amazonaws.com of this account can assume it, and its services are limited to those the product stacks use.";

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn the_bucket_is_private_encrypted_versioned_tls_only_and_lifecycle_managed() {
        let tags = BTreeMap::from([("ManagedBy".to_string(), "stackgen".to_string())]);
        let t: Value =
            serde_json::from_str(&template(&tags).unwrap_or_default()).unwrap_or(Value::Null);
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
        let t: Value =
            serde_json::from_str(&template(&super::super::default_tags()).unwrap_or_default())
                .unwrap_or(Value::Null);
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

    #[test]
    fn the_bootstrap_passes_its_guardrails_and_a_wildcard_or_a_foreign_trust_does_not() {
        let clean = typed(&super::super::default_tags());
        let report = crate::deploy::bootstrap::guard::check_bootstrap(&clean);
        assert!(report.passed(), "{}", report.render(false));
        assert!(
            report.results.iter().all(|r| r.checked > 0),
            "every rule saw something"
        );

        let broken = |change: fn(&mut Role)| {
            let mut t = typed(&super::super::default_tags());
            let id = t
                .resources::<Role>()
                .next()
                .map(|(id, _)| id.as_str().to_owned());
            assert!(t.change::<Role, _>(&id.unwrap_or_default(), &change, |r, change| change(r)));
            crate::deploy::bootstrap::guard::check_bootstrap(&t)
                .violations()
                .map(|v| v.rule)
                .collect::<Vec<_>>()
        };
        let wildcard = broken(|r| {
            r.inline_policies_mut()[0].policy_document.statement[0]
                .action
                .push("s3:*".to_owned())
        });
        assert_eq!(wildcard, ["bootstrap-named-actions"]);
        let foreign = broken(|r| {
            r.assume_role_policy_document.statement[0].principal = Some(Principal::Aws(vec![
                "arn:aws:iam::999999999999:root".into(),
            ]))
        });
        assert_eq!(foreign, ["bootstrap-deploy-role-trust"]);
    }
}
