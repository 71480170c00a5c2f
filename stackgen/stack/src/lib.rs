//! The retail stack for one environment, defined once in Rust.
//!
//! The modules follow the architecture diagram: `edge` (site bucket, CDN), `identity` (user pool
//! and app client), `api` (HTTP API with its JWT authorizer),
//! `functions` (Lambda functions with their roles and log groups), `data` (tables, reports
//! bucket), `events` (queues, topics), `observability` (alarms, dashboard) and `finops`
//! (budget, anomaly detection). Names, keys, routes and grants all come from `retail_spec`.
//!
//! ```no_run
//! # fn demo(env: &stackgen_env::Environment) -> Result<(), Box<dyn std::error::Error>> {
//! let stack = stackgen_stack::build(env)?;
//! let json = stack.template.render(stackgen_model::all::Format::Json)?;
//! # Ok(()) }
//! ```
//!
//! The guardrails (`stackgen::guard::check`) then judge the built stack before anything is
//! written or deployed.

mod api;
pub mod boundary;
pub mod ceiling;
mod data;
mod edge;
mod events;
mod finops;
mod functions;
pub mod global;
mod identity;
mod kill_switch;
pub mod notifications;
mod observability;
mod photos;
mod schedules;
pub mod storefront;
pub mod waf;

#[cfg(test)]
mod tests;

use retail_spec::{BucketSpec, FunctionSpec, QueueSpec, TableSpec, TopicSpec};

// The names the stack's modules write (`crate::model::sqs::Queue`, `crate::env::Environment`),
// as in the CLI crate they came from.
use stackgen_env as env;
use stackgen_model::all as model;
use stackgen_model::sub;

use crate::env::Environment;
use crate::model::{LogicalId, Output, Tags, Template, TemplateError, Value, pascal_case};

/// The template parameter naming the bucket that holds the function zips.
pub const ASSETS_BUCKET_PARAMETER: &str = "AssetsBucket";

/// The template parameter with the S3 key of one function's zip (`CatalogCodeKey`).
/// The functions an environment's stack has, in `retail_spec::FUNCTIONS` order: every one, except
/// the kill switch when `kill_switch.enabled` is off and the order notifier without
/// `notifications`. `stackgen dev` and `status` read this too.
pub fn rendered_functions(env: &Environment) -> Vec<&'static FunctionSpec> {
    retail_spec::FUNCTIONS
        .iter()
        .copied()
        .filter(|f| renders(env, f))
        .collect()
}

fn renders(env: &Environment, spec: &FunctionSpec) -> bool {
    kill_switch::renders(env, spec) && notifications::renders(env, spec)
}

pub fn code_key_parameter(function: &FunctionSpec) -> String {
    format!("{}CodeKey", pascal_case(function.id))
}

/// Logical ids of the stack's resources that other commands look up.
pub mod ids {
    use super::*;

    pub fn function(f: &FunctionSpec) -> String {
        format!("{}Function", pascal_case(f.id))
    }
    pub fn table(t: &TableSpec) -> String {
        format!("{}Table", pascal_case(t.id))
    }
    pub fn queue(q: &QueueSpec) -> String {
        format!("{}Queue", pascal_case(q.id))
    }
    pub fn dead_letter_queue(q: &QueueSpec) -> String {
        format!("{}Dlq", pascal_case(q.id))
    }
    pub fn topic(t: &TopicSpec) -> String {
        format!("{}Topic", pascal_case(t.id))
    }
    pub fn bucket(b: &BucketSpec) -> String {
        format!("{}Bucket", pascal_case(b.id))
    }
    pub const SITE_BUCKET: &str = "SiteBucket";
    pub const DISTRIBUTION: &str = "Distribution";
    pub const HTTP_API: &str = "HttpApi";
    pub const API_STAGE: &str = "HttpApiStage";
}

/// Output keys of the stack.
pub mod outputs {
    use super::*;

    /// Where the storefront is served (the CDN domain, or the site bucket without a CDN).
    pub const UI_URL: &str = "UiUrl";
    /// API base URL: `https://<api>.execute-api.<region>.<suffix>/api`.
    pub const API_URL: &str = "ApiUrl";
    pub const SITE_BUCKET: &str = "SiteBucketName";
    /// Only when the environment has a CDN.
    pub const DISTRIBUTION_ID: &str = "DistributionId";
    /// The Cognito user pool id (`<region>_<id>`): staff management, the pages' sign-in.
    pub const USER_POOL_ID: &str = "UserPoolId";
    /// The storefront's app client id: the tokens' audience.
    pub const USER_POOL_CLIENT_ID: &str = "UserPoolClientId";

    pub fn table(t: &TableSpec) -> String {
        format!("{}TableName", pascal_case(t.id))
    }
    pub fn queue(q: &QueueSpec) -> String {
        format!("{}QueueUrl", pascal_case(q.id))
    }
    pub fn topic(t: &TopicSpec) -> String {
        format!("{}TopicArn", pascal_case(t.id))
    }
    pub fn bucket(b: &BucketSpec) -> String {
        format!("{}BucketName", pascal_case(b.id))
    }

    /// What the stack's outputs are read from.
    pub(super) struct Parts<'a> {
        pub edge: &'a edge::Edge,
        pub api: &'a api::ApiRes,
        pub identity: &'a identity::Identity,
        pub data: &'a data::Data,
        pub events: &'a events::Events,
    }

    /// Declares the stack's outputs: what the UI, deploy and `stackgen dev` read back.
    pub(super) fn declare(t: &mut Template, p: &Parts) {
        t.output(UI_URL, Output::new("Storefront URL", p.edge.ui_url.clone()));
        t.output(API_URL, Output::new("API base URL", p.api.base_url()));
        t.output(
            SITE_BUCKET,
            Output::new("Bucket the UI is uploaded to", p.edge.site_bucket.name()),
        );
        if let Some(d) = &p.edge.distribution {
            t.output(
                DISTRIBUTION_ID,
                Output::new(
                    "CloudFront distribution to invalidate after a UI upload",
                    d.distribution_id(),
                ),
            );
        }
        t.output(
            USER_POOL_ID,
            Output::new(
                "Cognito user pool of customers and staff",
                p.identity.pool.pool_id(),
            ),
        );
        t.output(
            USER_POOL_CLIENT_ID,
            Output::new(
                "App client of the storefront and back office",
                p.identity.client.client_id(),
            ),
        );
        for (spec, handle) in &p.data.tables {
            t.output(
                &table(spec),
                Output::new(&format!("{} table", spec.name), handle.name()),
            );
        }
        for (spec, handle) in &p.data.buckets {
            t.output(
                &bucket(spec),
                Output::new(&format!("{} bucket", spec.name), handle.name()),
            );
        }
        for q in &p.events.queues {
            t.output(
                &queue(q.spec),
                Output::new(&format!("{} queue URL", q.spec.name), q.queue.url()),
            );
        }
        for (spec, handle) in &p.events.topics {
            t.output(
                &topic(spec),
                Output::new(&format!("{} topic ARN", spec.name), handle.arn()),
            );
        }
    }
}

/// The rendered stack's facts that deploy, diff, destroy and dev need besides the template.
#[derive(Debug)]
pub struct RetailStack {
    /// CloudFormation stack name: `<project>-<env>`.
    pub name: String,
    /// Environment name.
    pub environment: String,
    pub template: Template,
    /// Whether the stack must have termination protection on.
    pub termination_protection: bool,
    pub functions: Vec<FunctionInfo>,
    /// The environment's region.
    pub region: String,
    /// The environment's other stacks, deployed before this one (which takes their outputs as
    /// parameters, `template.imports()`) and deleted after it.
    pub companions: Vec<CompanionStack>,
}

/// One stack of an environment as deploy, diff and synth walk it.
#[derive(Debug, Clone, Copy)]
pub struct StackRef<'a> {
    pub name: &'a str,
    pub region: &'a str,
    pub template: &'a Template,
    /// Whether this is the environment's main stack (functions, data, API).
    pub main: bool,
}

impl RetailStack {
    /// Every stack of the environment in deploy order: the companions, then the main stack.
    pub fn stacks(&self) -> Vec<StackRef<'_>> {
        let mut all: Vec<StackRef<'_>> = self
            .companions
            .iter()
            .map(|c| StackRef {
                name: &c.name,
                region: &c.region,
                template: &c.template,
                main: false,
            })
            .collect();
        all.push(StackRef {
            name: &self.name,
            region: &self.region,
            template: &self.template,
            main: true,
        });
        all
    }
}

/// A stack of the environment besides the main one (the global stack in us-east-1).
#[derive(Debug)]
pub struct CompanionStack {
    /// CloudFormation stack name (`<project>-<env>-global`).
    pub name: String,
    pub region: String,
    pub template: Template,
    /// What it holds, in a few words.
    pub purpose: &'static str,
}

/// One deployed function.
#[derive(Debug, Clone)]
pub struct FunctionInfo {
    pub spec: &'static FunctionSpec,
    pub logical_id: LogicalId,
    /// Physical name (`<project>-<env>-<id>`).
    pub function_name: String,
    /// Template parameter with its code's S3 key.
    pub code_key_parameter: String,
    /// The environment variables the template gives it.
    pub environment: Vec<EnvVar>,
}

/// An environment variable of a function, as `stackgen dev` must reproduce it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: EnvValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// Known at synth time.
    Literal(String),
    /// Resolved at deploy time: the value of this stack output.
    Output(String),
}

/// Why a stack cannot be built for an environment.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error(
        "environment `{env}`: budget.emails lists {count} addresses but an AWS budget notification takes at most 10 email subscribers; keep the 10 that matter (or use a mailing list)"
    )]
    TooManyBudgetEmails { env: String, count: usize },
    #[error(
        "environment `{env}`: budget.thresholds_percent has {count} thresholds; each becomes an actual and a forecasted notification, and an enabled kill switch adds one actual notification at kill_switch.threshold_percent unless that percent is in the list too. An AWS budget takes at most 10 notifications, so list at most 5 thresholds (4 when the kill threshold is not one of them)"
    )]
    TooManyThresholds { env: String, count: usize },
    #[error(
        "function `{function}` is granted access to {kind} `{resource}`, which the stack does not declare; add it to retail_spec's list of {kind}s"
    )]
    UndeclaredResource {
        function: &'static str,
        kind: &'static str,
        resource: &'static str,
    },
    #[error("could not serialise {what}: {message}")]
    Serialize { what: String, message: String },
    #[error("the stack's template is inconsistent: {0}")]
    Template(#[from] TemplateError),
}

/// Why log groups are not encrypted with a customer-managed key (checkov CKV_AWS_158).
pub(crate) const LOG_KMS_SKIP: &str = "CloudWatch Logs encrypts every log group at rest with service-managed keys. A customer-managed KMS key would add $1/month per environment of idle cost and a key policy for the logs service; these logs carry request metadata, no secrets.";

/// Options of a log group: deleted with the stack, default encryption.
pub(crate) fn log_group_options() -> crate::model::Options {
    crate::model::Options::new()
        .data_policy(crate::model::DeletionPolicy::Delete)
        .skip_checkov("CKV_AWS_158", LOG_KMS_SKIP)
}

/// Physical names: `<project>-<env>-<name>`.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    prefix: String,
}

impl Names {
    pub(crate) fn new(env: &Environment) -> Self {
        Names {
            prefix: format!("{}-{}", env.project, env.name),
        }
    }

    pub(crate) fn physical(&self, name: &str) -> String {
        format!("{}-{}", self.prefix, name)
    }

    /// Bucket names are global: `<project>-<env>-<name>-<account id>`.
    pub(crate) fn bucket(&self, name: &str) -> Value {
        sub!(
            format!("{}-{}-", self.prefix, name),
            crate::model::Pseudo::AccountId
        )
    }

    pub(crate) fn stack(&self) -> &str {
        &self.prefix
    }
}

/// The CloudFormation stack name of an environment.
/// The concurrent Lambda executions the stack admits at once: the API stage's burst plus
/// every queue consumer's event source mapping maximum concurrency. `deploy` warns when the
/// account's concurrency quota is below it.
pub fn admitted_concurrency(stack: &RetailStack) -> u32 {
    let consumers: u32 = stack
        .functions
        .iter()
        .filter_map(|f| match f.spec.trigger {
            retail_spec::Trigger::Queue { queue, .. } => Some(queue.max_concurrency),
            _ => None,
        })
        .sum();
    api::BURST_LIMIT + consumers
}

pub fn stack_name(env: &Environment) -> String {
    Names::new(env).stack().to_owned()
}

/// Shared state while the stack is built.
pub(crate) struct Ctx<'a> {
    pub env: &'a Environment,
    pub names: Names,
    pub template: Template,
}

/// The stack-level tags of `env`.
fn stack_tags(env: &Environment) -> Tags {
    let mut tags = Tags::new();
    tags.set("Project", &env.tags.project);
    tags.set("Env", &env.name);
    tags.set("Owner", &env.tags.owner);
    tags.set("CostCenter", &env.tags.cost_center);
    tags
}

/// Every companion stack an environment can have, by name and region, whether `env` has it now
/// or not: deploy deletes one that `env` no longer has (a domain and web ACL removed from the
/// file would otherwise leave the web ACL billing), and destroy deletes each that exists.
pub fn companion_slots(env: &Environment) -> Vec<(String, &'static str)> {
    vec![(global::stack_name(env), global::REGION)]
}

/// Builds the retail stack for `env` and validates its template (every reference resolves, no
/// logical id twice).
pub fn build(env: &Environment) -> Result<RetailStack, StackError> {
    let stack = assemble(env)?;
    stack.template.validate()?;
    Ok(stack)
}

/// Builds the retail stack for `env` without validating its template, for a caller that renders
/// it next: rendering validates the same way (`Template::render`) and reports a property that
/// cannot be serialized, which validating alone does not (it walks the typed values for their
/// references and writes nothing).
pub fn assemble(env: &Environment) -> Result<RetailStack, StackError> {
    let names = Names::new(env);
    let (companions, exports) = match global::build(env, &names, stack_tags(env)) {
        Some((stack, exports)) => (vec![stack], Some(exports)),
        None => (Vec::new(), None),
    };
    let tags = stack_tags(env);
    let template = Template::new(
        &format!(
            "Retail platform ({}), environment {}: storefront, HTTP API, functions, data, events, alarms and budget. Generated by stackgen; do not edit.",
            env.project, env.name
        ),
        tags,
    );
    let mut ctx = Ctx {
        env,
        names,
        template,
    };

    let data = data::build(&mut ctx);
    let events = events::build(&mut ctx)?;
    let identity = identity::build(&mut ctx);
    let notifications = notifications::build(&ctx);
    let functions = functions::build(
        &mut ctx,
        &functions::Grantable {
            data: &data,
            events: &events,
            identity: &identity,
            notifications: notifications.as_ref(),
        },
    )?;
    if let Some(requests) = events.queue(&retail_spec::REPORT_REQUESTS) {
        schedules::daily_report(&mut ctx, &requests.queue);
    }
    let api = api::build(&mut ctx, &functions, &identity);
    let edge = edge::build(&mut ctx, &api, &data, exports.as_ref());
    photos::build(&mut ctx, &data, &events, edge.origin.clone())?;
    if env.waf_enabled() {
        identity::protect(&mut ctx, &identity);
    }
    observability::build(&mut ctx, &functions, &api, &events)?;
    finops::build(&mut ctx, &events, &functions)?;

    outputs::declare(
        &mut ctx.template,
        &outputs::Parts {
            edge: &edge,
            api: &api,
            identity: &identity,
            data: &data,
            events: &events,
        },
    );

    Ok(RetailStack {
        name: ctx.names.stack().to_owned(),
        environment: env.name.clone(),
        template: ctx.template,
        termination_protection: env.protection.termination_protection,
        functions: functions.into_iter().map(|f| f.info).collect(),
        region: env.region.clone(),
        companions,
    })
}
