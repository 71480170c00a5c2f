//! Functions: one Lambda function per `retail_spec::FUNCTIONS`, each with its own role, its own
//! log group and exactly the permissions and environment variables its access grants imply.
//!
//! Code comes from S3 through template parameters (`AssetsBucket`, `<Fn>CodeKey`): the deploy
//! step uploads content-addressed zips and passes their keys, so changed code is a parameter
//! change and unchanged code is no change at all.
//!
//! - [`grants`]: the action groups a grant stands for and the statement each grant becomes;
//! - [`variables`]: the environment variables, and where `stackgen dev` reads each from.

mod grants;
mod variables;

use retail_spec::{FUNCTIONS, FunctionSpec, Trigger};

use super::data::Data;
use super::events::Events;
use super::identity::Identity;
use super::notifications::Notifications;
use super::{
    ASSETS_BUCKET_PARAMETER, Ctx, FunctionInfo, StackError, code_key_parameter, ids,
    log_group_options,
};
use crate::model::iam::{InlinePolicy, Role};
use crate::model::lambda::{
    ApplicationLogLevel, Architecture, Code, DestinationConfig, EventSourceMapping, Filter,
    FilterCriteria, Function, FunctionEnvironment, FunctionResponseType, LogFormat, LoggingConfig,
    OnFailure, Runtime, ScalingConfig, SystemLogLevel, TracingConfig, TracingConfigMode,
};
use crate::model::logs::LogGroup;
use crate::model::s3::Bucket;
use crate::model::sqs::Queue;
use crate::model::{
    Handle, Name, Options, ParamHandle, Parameter, PolicyDocument, Principal, Secret, Statement,
    Value,
};
pub(crate) use grants::{GRANT_ACTIONS, TRACE_WRITE};
use variables::Variables;

pub(super) struct Built {
    pub spec: &'static FunctionSpec,
    pub function: Handle<Function>,
    /// Its role (finops adds the kill switch's stack-wide grants once the stack is complete).
    pub role: Handle<Role>,
    /// Where a stream mapping records the batches it gave up on (stream-triggered only).
    pub failures: Option<Handle<Queue>>,
    pub log_group: Handle<LogGroup>,
    pub info: FunctionInfo,
}

/// What the stack has that a function may be granted.
pub(super) struct Grantable<'a> {
    pub data: &'a Data,
    pub events: &'a Events,
    pub identity: &'a Identity,
    pub notifications: Option<&'a Notifications>,
    /// The CDN's origin secret, which every HTTP function checks (`edge::origin_secret`).
    pub origin_secret: Option<&'a Secret>,
}

const VPC_SKIP: &str = "Not in a VPC on purpose: the function only calls AWS APIs, and reaching them from private subnets needs a NAT gateway or interface endpoints, which bill by the hour (ghost spend) for no security gain here.";
const CONCURRENCY_SKIP: &str = "Reserved concurrency is not set: it would carve capacity out of small accounts' 10-execution pool. Spend is capped by the API stage's throttling, and the kill switch sets reserved concurrency to 0 when the budget is breached.";
const DLQ_SKIP: &str = "Invoked synchronously (HTTP API) or by an SQS event source mapping, whose queue has its own dead-letter queue; a function DLQ only applies to asynchronous invocations.";
const TOPIC_DLQ_SKIP: &str = "Invoked asynchronously by SNS and EventBridge Scheduler, which retry on their own; every outcome (done, already done, failed) is logged and published to ops-alerts, and a failure counts in the function's Errors metric. A dead-letter queue would hold a copy of a budget notification that nobody reads.";
const STREAM_DLQ_SKIP: &str = "Invoked by a DynamoDB stream event source mapping, which sends the batches it gives up on to its own on-failure queue (with an alarm); a function DLQ only applies to asynchronous invocations.";
const ENV_KMS_SKIP: &str = "Environment variables hold resource names and settings, and on HTTP functions behind the CDN the origin-verify value, which only proves a request came through the CDN (whoever may read a function's configuration may invoke it directly anyway). They are encrypted at rest with the AWS-managed Lambda key; a customer-managed key would add $1/month of idle cost per environment and no protection against a reader allowed to call GetFunctionConfiguration.";

pub(super) fn build(ctx: &mut Ctx, grantable: &Grantable) -> Result<Vec<Built>, StackError> {
    let assets = ctx.template.parameter(
        ASSETS_BUCKET_PARAMETER,
        Parameter {
            allowed_pattern: Some("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$".to_owned()),
            constraint_description: Some("an S3 bucket name".to_owned()),
            ..Parameter::string(
                "Bucket holding the functions' code zips (the bootstrap stack's assets bucket).",
            )
        },
    );
    let mut built = Vec::new();
    for spec in FUNCTIONS.iter().copied() {
        if super::renders(ctx.env, spec) {
            built.push(build_one(ctx, grantable, &assets, spec)?);
        }
    }
    Ok(built)
}

/// One function: its code parameter, log group, role, the function itself and its trigger.
fn build_one(
    ctx: &mut Ctx,
    grantable: &Grantable,
    assets: &ParamHandle,
    spec: &'static FunctionSpec,
) -> Result<Built, StackError> {
    let function_name = ctx.names.physical(spec.id);
    let code_key = ctx.template.parameter(
        &code_key_parameter(spec),
        Parameter {
            allowed_pattern: Some("^[A-Za-z0-9!_.*'()/-]+\\.zip$".to_owned()),
            constraint_description: Some("the S3 key of a .zip".to_owned()),
            ..Parameter::string(&format!(
                "S3 key of the `{}` function's zip (content-addressed, set by deploy).",
                spec.id
            ))
        },
    );
    let log_group = ctx.template.add_with(
        &format!("{}LogGroup", ids::function(spec)),
        LogGroup::new()
            .log_group_name(format!("/aws/lambda/{function_name}"))
            .retention_in_days(i64::from(ctx.env.log_retention_days)),
        log_group_options(),
    );
    let failures = stream_failures(ctx, spec);
    let mut statements = own_statements(ctx, &log_group, failures.as_ref());
    let mut variables = Variables::default();
    variables::settings(ctx, spec, &mut variables);
    variables::origin_check(spec, grantable.origin_secret, &mut variables);
    for access in super::kill_switch::granted(ctx.env, spec) {
        statements.extend(grants::grant(ctx, grantable, spec, access, &mut variables)?);
    }
    let role = role(ctx, spec, &function_name, statements);
    let function = ctx.template.add_with(
        &ids::function(spec),
        traced(
            ctx.env,
            Function::new(
                Code::new()
                    // The bootstrap stack's bucket, passed in as a parameter.
                    .s3_bucket(Name::<Bucket>::external(assets.value()))
                    .s3_key(code_key.value()),
                role.arn(),
            )
            .function_name(function_name.clone())
            .description(spec.description)
            .runtime(Runtime::ProvidedAl2023)
            .architectures([Architecture::Arm64.into()])
            // Every function is an entry point of the one `bootstrap` binary in the zip;
            // Lambda passes Handler to it as `_HANDLER` (retail_spec::FunctionSpec::handler).
            .handler(spec.handler())
            .memory_size(i64::from(spec.memory_mb))
            .timeout(i64::from(spec.timeout_seconds))
            .environment(FunctionEnvironment::new().variables(variables.values))
            .logging_config(logging(ctx.env, &log_group)),
        ),
        function_options(spec),
    );
    trigger(ctx, grantable, spec, &function, failures.as_ref())?;
    Ok(Built {
        spec,
        role,
        failures,
        log_group,
        info: FunctionInfo {
            spec,
            logical_id: function.id().as_str().to_owned(),
            function_name,
            code_key_parameter: code_key.id().as_str().to_owned(),
            environment: variables.declared,
        },
        function,
    })
}

/// What every role has before its grants: its own log group, traces when tracing is on, and
/// the stream failures queue of a stream-triggered function.
fn own_statements(
    ctx: &Ctx,
    log_group: &Handle<LogGroup>,
    failures: Option<&Handle<Queue>>,
) -> Vec<Statement> {
    let mut statements = vec![Statement::allow(
        "WriteOwnLogs",
        grants::LOG_WRITE,
        vec![log_group.arn()],
    )];
    if ctx.env.features.tracing {
        statements.push(Statement::allow(
            "WriteTraces",
            TRACE_WRITE,
            vec![Value::from("*")],
        ));
    }
    if let Some(queue) = failures {
        // The mapping sends a failed batch's description there with the function's role.
        statements.push(Statement::allow(
            "RecordStreamFailures",
            grants::QUEUE_SEND,
            vec![queue.arn()],
        ));
    }
    statements
}

/// The function's role: only Lambda assumes it, inside the stack's permissions boundary.
fn role(
    ctx: &mut Ctx,
    spec: &FunctionSpec,
    function_name: &str,
    statements: Vec<Statement>,
) -> Handle<Role> {
    ctx.template.add(
        &format!("{}Role", ids::function(spec)),
        Role::new(PolicyDocument::new(vec![Statement::trust(
            Principal::Service(vec!["lambda.amazonaws.com".to_owned()]),
        )]))
        .description(format!("Least-privilege role of {function_name}"))
        .path(super::boundary::ROLE_PATH)
        .policies([InlinePolicy::new(
            PolicyDocument::new(statements),
            "least-privilege",
        )])
        .permissions_boundary(super::boundary::arn()),
    )
}

/// The checkov checks a function skips, each with its reason.
fn function_options(spec: &FunctionSpec) -> Options {
    Options::new()
        .skip_checkov("CKV_AWS_117", VPC_SKIP)
        .skip_checkov("CKV_AWS_115", CONCURRENCY_SKIP)
        .skip_checkov(
            "CKV_AWS_116",
            match spec.trigger {
                Trigger::Topic { .. } => TOPIC_DLQ_SKIP,
                Trigger::Stream { .. } => STREAM_DLQ_SKIP,
                _ => DLQ_SKIP,
            },
        )
        .skip_checkov("CKV_AWS_173", ENV_KMS_SKIP)
}

/// What invokes the function, besides the API and topics (which their own modules wire): a
/// queue's or a table stream's event source mapping, or a schedule.
fn trigger(
    ctx: &mut Ctx,
    grantable: &Grantable,
    spec: &'static FunctionSpec,
    function: &Handle<Function>,
    failures: Option<&Handle<Queue>>,
) -> Result<(), StackError> {
    match (spec.trigger, failures) {
        (Trigger::Queue { queue, batch_size }, _) => {
            let q = grantable
                .events
                .queue(queue)
                .ok_or_else(|| grants::undeclared(spec, "queue", queue.id))?;
            ctx.template.add(
                &format!("{}{}Mapping", ids::function(spec), ids::queue(queue)),
                EventSourceMapping::new(function.name())
                    .event_source_arn(q.queue.arn())
                    .batch_size(i64::from(batch_size))
                    .enabled(true)
                    .function_response_types([FunctionResponseType::ReportBatchItemFailures.into()])
                    .scaling_config(
                        ScalingConfig::new().maximum_concurrency(i64::from(q.spec.max_concurrency)),
                    ),
            );
        }
        (Trigger::Stream { table, .. }, Some(failures)) => {
            let source = grantable
                .data
                .table(table)
                .ok_or_else(|| grants::undeclared(spec, "table", table.id))?;
            stream_mapping(ctx, spec, function, source, failures);
        }
        (Trigger::Schedule { expression }, _) => scheduled(ctx, spec, function, expression),
        _ => {}
    }
    Ok(())
}

/// An EventBridge Scheduler schedule that invokes the function.
fn scheduled(
    ctx: &mut Ctx,
    spec: &'static FunctionSpec,
    function: &Handle<Function>,
    expression: &'static str,
) {
    let invocation = super::schedules::Invocation {
        stem: &ids::function(spec).replace("Function", ""),
        target_id: spec.id,
        name: spec.id,
        expression,
        input: None,
        description: format!(
            "{} ({expression}, UTC): {}",
            spec.description,
            ctx.names.stack()
        ),
        role_description: format!(
            "Lets the {} schedule of {} invoke the function",
            spec.id,
            ctx.names.stack()
        ),
    };
    super::schedules::invoke(ctx, super::schedules::Aim::Function(function), invocation);
}

/// Tries of a failing stream batch before it is given up (bisected on each failure, so one bad
/// record does not hold back the others) and recorded on the failures queue.
const STREAM_RETRIES: i64 = 5;
/// A record older than a day is given up: the stream keeps records 24 hours.
const STREAM_RECORD_AGE_SECONDS: i64 = 24 * 3600;

/// The on-failure destination of a stream-triggered function: an encrypted queue that keeps
/// what the mapping gave up on for 14 days (an alarm watches it).
fn stream_failures(ctx: &mut Ctx, spec: &FunctionSpec) -> Option<Handle<Queue>> {
    let Trigger::Stream { .. } = spec.trigger else {
        return None;
    };
    Some(
        ctx.template.add_with(
            &format!("{}StreamFailures", ids::function(spec)),
            Queue::new()
                .queue_name(ctx.names.physical(&format!("{}-failures", spec.id)))
                .message_retention_period(14 * 24 * 3600)
                .kms_master_key_id("alias/aws/sqs")
                .kms_data_key_reuse_period_seconds(86_400),
            Options::new().data_policy(crate::model::DeletionPolicy::Delete),
        ),
    )
}

/// The DynamoDB stream event source mapping of a stream-triggered function: only the records
/// its filter matches, partial batch responses, bisection on failure, bounded retries and age,
/// and the failures queue as on-failure destination (Lambda Developer Guide, "Using AWS Lambda
/// with Amazon DynamoDB", error handling:
/// <https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html>).
fn stream_mapping(
    ctx: &mut Ctx,
    spec: &FunctionSpec,
    function: &Handle<Function>,
    table: &Handle<crate::model::dynamodb::Table>,
    failures: &Handle<Queue>,
) {
    let Trigger::Stream {
        table: source,
        batch_size,
        filter,
    } = spec.trigger
    else {
        return;
    };
    ctx.template.add(
        &format!("{}{}StreamMapping", ids::function(spec), ids::table(source)),
        EventSourceMapping::new(function.name())
            .event_source_arn(table.attr_stream_arn())
            .starting_position("TRIM_HORIZON")
            .batch_size(i64::from(batch_size))
            .enabled(true)
            .bisect_batch_on_function_error(true)
            .maximum_retry_attempts(STREAM_RETRIES)
            .maximum_record_age_in_seconds(STREAM_RECORD_AGE_SECONDS)
            .function_response_types([FunctionResponseType::ReportBatchItemFailures.into()])
            .filter_criteria(FilterCriteria::new().filters(vec![Filter::new().pattern(filter)]))
            .destination_config(
                DestinationConfig::new().on_failure(OnFailure::new().destination(failures.arn())),
            ),
    );
}

/// X-Ray active tracing when the environment asks for it (`features.tracing`): Lambda records
/// sampled invocations (Lambda Developer Guide, "Visualize Lambda function invocations using AWS
/// X-Ray", <https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html>).
fn traced(env: &crate::env::Environment, function: Function) -> Function {
    if env.features.tracing {
        function.tracing_config(TracingConfig::new().mode(TracingConfigMode::Active))
    } else {
        function
    }
}

/// JSON logs into the declared group, filtered at the environment's level: the functions write
/// JSON lines with `level` and `timestamp`, which Lambda reads to drop what is below the
/// application log level (Lambda Developer Guide, "Log-level filtering",
/// <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html>).
/// Lambda's own START/END/REPORT lines stay (system level INFO).
fn logging(env: &crate::env::Environment, group: &Handle<LogGroup>) -> LoggingConfig {
    let level = match env.log_level {
        crate::env::LogLevel::Debug => ApplicationLogLevel::Debug,
        crate::env::LogLevel::Info => ApplicationLogLevel::Info,
        crate::env::LogLevel::Warn => ApplicationLogLevel::Warn,
        crate::env::LogLevel::Error => ApplicationLogLevel::Error,
    };
    LoggingConfig::new()
        .log_group(group.name())
        .log_format(LogFormat::Json)
        .application_log_level(level)
        .system_log_level(SystemLogLevel::Info)
}
