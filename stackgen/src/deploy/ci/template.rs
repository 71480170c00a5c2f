//! The CI stack's template (`stackgen-github-<project>-<env>`), built with the typed model: GitHub
//! Actions' OIDC identity provider (once per account) and the environment's two roles.
//!
//! * The **review role** reads: the environment's stack and the bootstrap stack, CloudFormation
//!   drift detection, the read handlers of every product resource type (drift detection reads
//!   each resource "with the caller's credentials": CloudFormation User Guide, "Detect
//!   unmanaged configuration changes to stacks and resources with drift detection",
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html>)
//!   and the environment's costs and budget. Every action it holds is a read (checked by
//!   `super::check_ci_roles`).
//! * The **deploy role** does what `stackgen deploy` does and nothing else: change sets on the
//!   environment's own stack, handed to the bootstrap's CloudFormation service role (the only
//!   role it may pass), the assets it uploads, the storefront's files, the demo catalog, the CDN
//!   invalidation, the smoke test's throwaway customer. It cannot touch IAM, the bootstrap
//!   stack or another environment's resources.
//!
//! Both trust GitHub's OIDC provider only, for tokens whose `aud` is `sts.amazonaws.com` and
//! whose `sub` is one of the subjects of [`GitHubTrust`], compared with `StringEquals`.

use crate::deploy::bootstrap::{BOOTSTRAP_STACK_NAME, product_read_actions};
use crate::env::Environment;
use crate::model::iam::{InlinePolicy, OIDCProvider, Role};
use crate::model::{
    Condition, DeletionPolicy, Draft, Operator, Options, Output, Parameter, PolicyCondition,
    PolicyDocument, Pseudo, Statement, Tags, Template, Value,
};
use crate::sub;

use super::trust::{AUDIENCE, GitHubTrust, ISSUER_HOST};

/// Parameter: the bootstrap's assets bucket (its `AssetsBucketName` output).
pub const ASSETS_BUCKET_PARAM: &str = "AssetsBucketName";
/// Parameter: the bootstrap's CloudFormation service role (its `DeployRoleArn` output).
pub const SERVICE_ROLE_PARAM: &str = "CloudFormationRoleArn";
/// The us-east-1 bootstrap's service role, when the environment has a global stack there.
pub const GLOBAL_SERVICE_ROLE_PARAM: &str = "GlobalCloudFormationRoleArn";
/// Parameter: `create` the account's GitHub OIDC provider here, or use the `existing` one.
pub const PROVIDER_PARAM: &str = "GitHubOidcProvider";
/// Outputs.
pub const REVIEW_ROLE_OUTPUT: &str = "ReviewRoleArn";
pub const DEPLOY_ROLE_OUTPUT: &str = "DeployRoleArn";
pub const PROVIDER_OUTPUT: &str = "OidcProviderArn";
/// Logical ids.
pub const REVIEW_ROLE_ID: &str = "ReviewRole";
pub const DEPLOY_ROLE_ID: &str = "DeployRole";
const PROVIDER_ID: &str = "OidcProvider";

/// CloudFormation's read calls on a stack (DescribeStackDriftDetectionStatus and
/// BatchDescribeTypeConfigurations have no resource type: [`DRIFT_STATUS_ACTIONS`]).
const STACK_READ_ACTIONS: &[&str] = &[
    "cloudformation:DescribeStackEvents",
    "cloudformation:DescribeStackResource",
    "cloudformation:DescribeStackResourceDrifts",
    "cloudformation:DescribeStackResources",
    "cloudformation:DescribeStacks",
    "cloudformation:DetectStackDrift",
    "cloudformation:DetectStackResourceDrift",
    "cloudformation:GetTemplate",
    "cloudformation:GetTemplateSummary",
    "cloudformation:ListStackResources",
];
const DRIFT_STATUS_ACTIONS: &[&str] = &[
    "cloudformation:BatchDescribeTypeConfigurations",
    "cloudformation:DescribeStackDriftDetectionStatus",
];
/// What `cost-report --actuals` and `status` read of the bill and the account (none of these
/// has a resource type).
const COST_READ_ACTIONS: &[&str] = &[
    "ce:GetCostAndUsage",
    "ce:GetCostForecast",
    "ce:ListCostAllocationTags",
    "lambda:GetAccountSettings",
    "ses:GetAccount",
];
/// What `deploy` does to its own stack.
const CHANGE_SET_ACTIONS: &[&str] = &[
    "cloudformation:CreateChangeSet",
    "cloudformation:DeleteChangeSet",
    "cloudformation:DescribeChangeSet",
    "cloudformation:DescribeStackEvents",
    "cloudformation:DescribeStackResource",
    "cloudformation:DescribeStackResources",
    "cloudformation:DescribeStacks",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:GetTemplate",
    "cloudformation:ListStackResources",
    // Recomputes outputs CloudFormation did not report after a change set (deploy/outputs.rs).
    "cloudformation:UpdateStack",
    "cloudformation:UpdateTerminationProtection",
];
/// What `deploy` does to a global stack the environment no longer has: look, then delete it
/// (deploy/destroy.rs `delete_stack`).
const RETIRE_ACTIONS: &[&str] = &[
    "cloudformation:DeleteStack",
    "cloudformation:DescribeStackEvents",
    "cloudformation:DescribeStackResources",
    "cloudformation:DescribeStacks",
    "cloudformation:UpdateTerminationProtection",
];
/// What `deploy` checks of the account before it starts (deploy/readiness.rs) and `status`
/// shows: Lambda's concurrency quota, which cost allocation tags are active and whether SES is
/// still in the sandbox (deploy/sender.rs). None has a resource type (Service Authorization
/// Reference, "Amazon Simple Email Service v2": GetAccount,
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsimpleemailservicev2.html>).
const ACCOUNT_READ_ACTIONS: &[&str] = &[
    "ce:ListCostAllocationTags",
    "lambda:GetAccountSettings",
    "ses:GetAccount",
];
/// The smoke test's throwaway customer (smoke/customer.rs, deploy/staff.rs).
const SMOKE_CUSTOMER_ACTIONS: &[&str] = &[
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminDeleteUser",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminSetUserPassword",
];

/// The environment's CI stack: provider (when `create`), review role, deploy role.
pub fn typed(env: &Environment, trust: &GitHubTrust, tags: Tags) -> Template {
    Template::build(
        &format!(
            "stackgen CI roles of `{}`: GitHub Actions of {} may review (read-only) and deploy \
             it, with short-lived credentials",
            env.name, trust.repository
        ),
        tags,
        &(env, trust),
        roles,
    )
    .0
}

/// The CI template's builder: the OIDC provider, the review role and the deploy role.
fn roles(t: &mut Draft, (env, trust): &(&Environment, &GitHubTrust)) {
    let bucket = t.parameter(
        ASSETS_BUCKET_PARAM,
        Parameter::string("The bootstrap stack's assets bucket (its AssetsBucketName output)"),
    );
    let service_role = t.parameter(
        SERVICE_ROLE_PARAM,
        Parameter::string(
            "The bootstrap stack's CloudFormation service role (its DeployRoleArn output)",
        ),
    );
    // The global stack (certificate, the CDN's web ACL) is deployed in us-east-1 with that
    // region's bootstrap role.
    let global = crate::stack::global::needed(env).then(|| {
        let role = t.parameter(
            GLOBAL_SERVICE_ROLE_PARAM,
            Parameter::string(&format!(
                "The {} bootstrap stack's CloudFormation service role (for the environment's global stack)",
                crate::stack::global::REGION
            )),
        );
        (crate::stack::global::stack_name(env), role.value())
    });
    let provider_arn = oidc_provider(t);
    let stack = crate::stack::stack_name(env);
    let review = t.add(
        REVIEW_ROLE_ID,
        role(
            &provider_arn,
            trust.review_subjects(),
            &format!(
                "stackgen: read-only review of `{stack}` from GitHub Actions of {}",
                trust.repository
            ),
            review_policy(env, &stack),
            "review",
        ),
    );
    let deploy = t.add(
        DEPLOY_ROLE_ID,
        role(
            &provider_arn,
            trust.deploy_subjects(),
            &format!(
                "stackgen: deploys `{stack}` from GitHub Actions of {}",
                trust.repository
            ),
            deploy_policy(env, &bucket.value(), &service_role.value(), global.as_ref()),
            "deploy",
        ),
    );
    t.output(
        REVIEW_ROLE_OUTPUT,
        Output::new(
            "Role for pull requests and drift checks (repository secret AWS_REVIEW_ROLE_ARN_<ENV>)",
            review.arn(),
        ),
    );
    t.output(
        DEPLOY_ROLE_OUTPUT,
        Output::new(
            "Role for deploys (GitHub environment secret AWS_DEPLOY_ROLE_ARN)",
            deploy.arn(),
        ),
    );
    t.output(
        PROVIDER_OUTPUT,
        Output::new("GitHub Actions' OIDC identity provider", provider_arn),
    );
}

/// GitHub's OIDC identity provider: made here when the [`PROVIDER_PARAM`] parameter says `create`,
/// else the account's existing one. Returns its ARN either way.
fn oidc_provider(t: &mut Draft) -> Value {
    let mut provider_param = Parameter::string(
        "create: make the account's GitHub OIDC provider in this stack; existing: another stack or a person made it",
    );
    provider_param.default = Some("create".to_owned());
    provider_param.allowed_pattern = Some("^(create|existing)$".to_owned());
    provider_param.constraint_description = Some("create or existing".to_owned());
    let provider_mode = t.parameter(PROVIDER_PARAM, provider_param);
    let create = t.condition(
        "CreateOidcProvider",
        Condition::Equals(provider_mode.value(), "create".into()),
    );
    let provider = t.add_with(
        PROVIDER_ID,
        OIDCProvider::new()
            .url(format!("https://{ISSUER_HOST}"))
            .client_id_list(vec![Value::from(AUDIENCE)]),
        // One per account: kept when this stack goes, since other regions' and environments'
        // CI stacks use it (as `existing`).
        Options::new()
            .condition(&create)
            .data_policy(DeletionPolicy::Retain),
    );
    let existing = sub!(
        "arn:",
        Pseudo::Partition,
        ":iam::",
        Pseudo::AccountId,
        format!(":oidc-provider/{ISSUER_HOST}")
    );
    Value::if_(&create, provider.arn().into(), existing)
}

fn role(
    provider: &Value,
    subjects: Vec<String>,
    description: &str,
    policy: PolicyDocument,
    name: &str,
) -> Role {
    let trust = Statement::trust_web_identity(
        provider.clone(),
        ISSUER_HOST,
        AUDIENCE,
        subjects.into_iter().map(Value::from).collect(),
    );
    Role::new(PolicyDocument::new(vec![trust]))
        .description(description)
        .max_session_duration(3600)
        .policies([InlinePolicy::new(policy, name)])
}

fn stack_arn(name: &str) -> Value {
    sub!(
        "arn:",
        Pseudo::Partition,
        ":cloudformation:",
        Pseudo::Region,
        ":",
        Pseudo::AccountId,
        format!(":stack/{name}/*")
    )
}

/// [`stack_arn`] in the global stack's region.
fn global_stack_arn(name: &str) -> Value {
    sub!(
        "arn:",
        Pseudo::Partition,
        format!(":cloudformation:{}:", crate::stack::global::REGION),
        Pseudo::AccountId,
        format!(":stack/{name}/*")
    )
}

/// `arn:…:<service>:<region>:<account>:<kind><project>-<env>-*`: the environment's resources of
/// one kind, by the physical names `crate::stack` gives them (`<project>-<env>-<name>`).
fn named(service: &str, kind: &str, stack: &str) -> Value {
    sub!(
        "arn:",
        Pseudo::Partition,
        format!(":{service}:"),
        Pseudo::Region,
        ":",
        Pseudo::AccountId,
        format!(":{kind}{stack}-*")
    )
}

/// The environment's global stack is read whether the environment has one now or not (`diff`
/// shows one it no longer has as removed).
fn review_policy(env: &Environment, stack: &str) -> PolicyDocument {
    let global = &crate::stack::global::stack_name(env);
    let reads = product_read_actions();
    let reads: Vec<&str> = reads.iter().map(String::as_str).collect();
    let stacks = vec![
        stack_arn(stack),
        stack_arn(BOOTSTRAP_STACK_NAME),
        global_stack_arn(global),
    ];
    let mut doc = PolicyDocument::new(vec![
        Statement::allow("ReadStacks", STACK_READ_ACTIONS, stacks),
        Statement::allow("DriftDetectionStatus", DRIFT_STATUS_ACTIONS, ["*"]),
        Statement::allow("ReadResourcesForDrift", &reads, ["*"]),
        Statement::allow("ReadCostsAndQuotas", COST_READ_ACTIONS, ["*"]),
        // `status` shows e-mail subscriptions still waiting for their confirmation.
        Statement::allow(
            "ReadSubscriptions",
            &["sns:ListSubscriptionsByTopic"],
            [named("sns", "", stack)],
        ),
        Statement::allow(
            "ReadBudget",
            &["budgets:ViewBudget"],
            [sub!(
                "arn:",
                Pseudo::Partition,
                ":budgets::",
                Pseudo::AccountId,
                format!(":budget/{stack}-*")
            )],
        ),
    ]);
    if let Some(n) = &env.notifications {
        // `status` says whether the sender is verified (deploy/sender.rs).
        doc.statement.push(Statement::allow(
            "ReadTheSender",
            &["ses:GetEmailIdentity"],
            [crate::stack::notifications::identity_arn(&n.sender)],
        ));
    }
    doc
}

/// `global`: the environment's global stack and the us-east-1 bootstrap role it is deployed with.
fn deploy_policy(
    env: &Environment,
    bucket: &Value,
    service_role: &Value,
    global: Option<&(String, Value)>,
) -> PolicyDocument {
    let stack = crate::stack::stack_name(env);
    let mut statements = stack_statements(env, service_role, global);
    statements.extend(sender_statement(env));
    statements.extend(asset_statements(bucket));
    statements.extend(storefront_statements(&stack));
    statements.extend(after_deploy_statements(env, &stack));
    PolicyDocument::new(statements)
}

/// Changing the environment's stacks through change sets, with the bootstrap's service roles.
fn stack_statements(
    env: &Environment,
    service_role: &Value,
    global: Option<&(String, Value)>,
) -> Vec<Statement> {
    let stack = crate::stack::stack_name(env);
    let mut roles = vec![service_role.clone()];
    let mut change_sets = vec![stack_arn(&stack)];
    let mut bootstraps = vec![stack_arn(BOOTSTRAP_STACK_NAME)];
    if let Some((name, role)) = global {
        roles.push(role.clone());
        change_sets.push(global_stack_arn(name));
        bootstraps.push(global_stack_arn(BOOTSTRAP_STACK_NAME));
    }
    let mut pass = Statement::allow("PassTheServiceRole", &["iam:PassRole"], roles);
    pass.condition = vec![PolicyCondition::new(
        Operator::StringEquals,
        "iam:PassedToService",
        "cloudformation.amazonaws.com",
    )];
    vec![
        Statement::allow("ChangeSets", CHANGE_SET_ACTIONS, change_sets),
        // A global stack the environment no longer has (domain and web ACLs taken out of the
        // file) is deleted by deploy (deploy/companions.rs). CloudFormation deletes its
        // resources with the service role the stack was created with ("If you specify a
        // service role, CloudFormation uses that role's credentials", "CloudFormation service
        // role": <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html>),
        // so this role needs no rights on them.
        Statement::allow(
            "RetireTheGlobalStack",
            RETIRE_ACTIONS,
            [global_stack_arn(&crate::stack::global::stack_name(env))],
        ),
        Statement::allow(
            "FindTheBootstrap",
            &[
                "cloudformation:DescribeStackResource",
                "cloudformation:DescribeStacks",
            ],
            bootstraps,
        ),
        pass,
    ]
}

/// deploy/sender.rs: the SES identity customer emails come from, made when missing
/// (CreateEmailIdentity with tags needs ses:TagResource too: Service Authorization Reference,
/// "Amazon Simple Email Service v2",
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_sesv2.html>).
fn sender_statement(env: &Environment) -> Option<Statement> {
    let n = env.notifications.as_ref()?;
    Some(Statement::allow(
        "TheSender",
        &[
            "ses:CreateEmailIdentity",
            "ses:GetEmailIdentity",
            "ses:TagResource",
        ],
        [crate::stack::notifications::identity_arn(&n.sender)],
    ))
}

/// What deploy does once the stack is up: the demo catalog (only where the environment loads
/// one: prod's role may not write its tables of orders and carts), the CDN's invalidation, the
/// account checks and the smoke test's customer.
fn after_deploy_statements(env: &Environment, stack: &str) -> Vec<Statement> {
    let demo = env.features.demo_data.then(|| {
        Statement::allow(
            "LoadTheDemoCatalog",
            &[
                "dynamodb:BatchGetItem",
                "dynamodb:BatchWriteItem",
                // The demo photos: whether a product has one, and marking it for its upload.
                "dynamodb:GetItem",
                "dynamodb:UpdateItem",
            ],
            [named("dynamodb", "table/", stack)],
        )
    });
    demo.into_iter()
        .chain([
            // Distribution ids are CloudFront's, not named by the stack; an invalidation only makes
            // the CDN fetch files again.
            Statement::allow(
                "InvalidateTheCdn",
                &["cloudfront:CreateInvalidation"],
                [sub!(
                    "arn:",
                    Pseudo::Partition,
                    ":cloudfront::",
                    Pseudo::AccountId,
                    ":distribution/*"
                )],
            ),
            Statement::allow("CheckTheAccount", ACCOUNT_READ_ACTIONS, ["*"]),
            smoke_customer(env),
        ])
        .collect()
}

/// Reading the packaged functions in the bootstrap's asset bucket, and adding new ones: a put
/// must be conditional (`If-None-Match: *`, deploy/assets.rs), so that no environment's pipeline
/// can replace a zip, content-addressed and shared, that another environment runs ("Enforce
/// conditional writes on Amazon S3 buckets", Amazon S3 User Guide,
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html>).
fn asset_statements(bucket: &Value) -> [Statement; 3] {
    let objects = || sub!("arn:", Pseudo::Partition, ":s3:::", bucket.clone(), "/*");
    let mut add = Statement::allow("AddAssets", &["s3:PutObject"], [objects()]);
    add.condition = vec![PolicyCondition::new(
        Operator::StringEquals,
        "s3:if-none-match",
        "*",
    )];
    [
        Statement::allow("ReadAssets", &["s3:GetObject"], [objects()]),
        add,
        Statement::allow(
            "ListAssets",
            &["s3:ListBucket"],
            [sub!("arn:", Pseudo::Partition, ":s3:::", bucket.clone())],
        ),
    ]
}

/// Uploading the storefront's files to the stack's site bucket.
fn storefront_statements(stack: &str) -> [Statement; 2] {
    let site_objects = sub!("arn:", Pseudo::Partition, format!(":s3:::{stack}-*/*"));
    let site_buckets = sub!("arn:", Pseudo::Partition, format!(":s3:::{stack}-*"));
    [
        Statement::allow(
            "PublishTheStorefront",
            &["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            [site_objects],
        ),
        Statement::allow("ListTheStorefront", &["s3:ListBucket"], [site_buckets]),
    ]
}

/// The smoke test's customer, in the environment's own user pool only: pool ids are Cognito's,
/// so the pool is told apart by its tags ("In an IAM policy, you can constrain permissions for
/// user pools based on specific tags or tag values": Amazon Cognito API Reference,
/// TagResource, <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TagResource.html>).
fn smoke_customer(env: &Environment) -> Statement {
    let mut s = Statement::allow(
        "SmokeTestCustomer",
        SMOKE_CUSTOMER_ACTIONS,
        [sub!(
            "arn:",
            Pseudo::Partition,
            ":cognito-idp:",
            Pseudo::Region,
            ":",
            Pseudo::AccountId,
            ":userpool/*"
        )],
    );
    s.condition = vec![
        PolicyCondition::new(
            Operator::StringEquals,
            "aws:ResourceTag/Project",
            env.project.as_str(),
        ),
        PolicyCondition::new(
            Operator::StringEquals,
            "aws:ResourceTag/Env",
            env.name.as_str(),
        ),
    ];
    s
}
