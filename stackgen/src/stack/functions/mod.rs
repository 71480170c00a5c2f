//! Functions: one Lambda function per `retail_spec::FUNCTIONS`, each with its own role, its own
//! log group and exactly the permissions and environment variables its access grants imply.
//!
//! Code comes from S3 through template parameters (`AssetsBucket`, `<Fn>CodeKey`): the deploy
//! step uploads content-addressed zips and passes their keys, so changed code is a parameter
//! change and unchanged code is no change at all.

use std::collections::BTreeMap;

use retail_spec::{
    Access, ENV_NAME_VAR, FUNCTIONS, FunctionSpec, STACK_NAME_VAR, STORES_VAR, Trigger,
};

use super::data::Data;
use super::events::Events;
use super::identity::Identity;
use super::notifications::Notifications;
use super::{
    ASSETS_BUCKET_PARAMETER, Ctx, EnvValue, EnvVar, FunctionInfo, StackError, code_key_parameter,
    ids, log_group_options, outputs,
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
    Handle, Name, Options, Parameter, PolicyDocument, Principal, Pseudo, Statement, Value,
};
use crate::sub;

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

const TABLE_READ: &[&str] = &[
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
];
const TABLE_WRITE: &[&str] = &[
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
];
const QUEUE_SEND: &[&str] = &["sqs:SendMessage"];
const QUEUE_CONSUME: &[&str] = &[
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ChangeMessageVisibility",
];
const TOPIC_PUBLISH: &[&str] = &["sns:Publish"];
const BUCKET_READ: &[&str] = &["s3:GetObject"];
const BUCKET_WRITE: &[&str] = &["s3:GetObject", "s3:PutObject"];
const BUCKET_PUT: &[&str] = &["s3:PutObject"];
const BUCKET_DELETE: &[&str] = &["s3:DeleteObject"];
const BUCKET_LIST: &[&str] = &["s3:ListBucket"];
const LOG_WRITE: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];
/// What a DynamoDB stream event source mapping reads with the function's role, on the table's
/// streams (DynamoDB Developer Guide, "IAM policy to allow an AWS Lambda function to access
/// DynamoDB stream records",
/// <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-example-lamda-process-dynamodb-streams.html>).
const STREAM_READ: &[&str] = &[
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
];
const SEND_EMAIL: &[&str] = &["ses:SendEmail"];
const USER_LOOKUP: &[&str] = &["cognito-idp:AdminGetUser"];
/// What Lambda's active tracing sends with the function's role: the permissions of the
/// AWSXRayDaemonWriteAccess policy it asks for (Lambda Developer Guide, "Visualize Lambda
/// function invocations using AWS X-Ray",
/// <https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html>). Neither action takes a
/// resource, so the statement names `*` (see `guard::iam::NO_RESOURCE_ACTIONS`).
pub(crate) const TRACE_WRITE: &[&str] = &["xray:PutTraceSegments", "xray:PutTelemetryRecords"];
/// Read its own stack's resources, and delete it. DeleteStack runs with the stack's
/// CloudFormation service role when it was deployed with one (see stack/finops.rs).
const OWN_STACK: &[&str] = &[
    "cloudformation:DescribeStacks",
    "cloudformation:ListStackResources",
];
const DELETE_OWN_STACK: &[&str] = &["cloudformation:DeleteStack"];

/// Every action group a function's role may get from its grants (the boundary's ceiling).
pub(super) const GRANT_ACTIONS: &[&[&str]] = &[
    TABLE_READ,
    TABLE_WRITE,
    QUEUE_SEND,
    QUEUE_CONSUME,
    TOPIC_PUBLISH,
    BUCKET_READ,
    BUCKET_WRITE,
    BUCKET_PUT,
    BUCKET_DELETE,
    BUCKET_LIST,
    LOG_WRITE,
    OWN_STACK,
    DELETE_OWN_STACK,
    STREAM_READ,
    SEND_EMAIL,
    USER_LOOKUP,
    TRACE_WRITE,
];

/// What the stack has that a function may be granted.
pub(super) struct Grantable<'a> {
    pub data: &'a Data,
    pub events: &'a Events,
    pub identity: &'a Identity,
    pub notifications: Option<&'a Notifications>,
}

const VPC_SKIP: &str = "Not in a VPC on purpose: the function only calls AWS APIs, and reaching them from private subnets needs a NAT gateway or interface endpoints, which bill by the hour (ghost spend) for no security gain here.";
const CONCURRENCY_SKIP: &str = "Reserved concurrency is not set: it would carve capacity out of small accounts' 10-execution pool. Spend is capped by the API stage's throttling, and the kill switch sets reserved concurrency to 0 when the budget is breached.";
const DLQ_SKIP: &str = "Invoked synchronously (HTTP API) or by an SQS event source mapping, whose queue has its own dead-letter queue; a function DLQ only applies to asynchronous invocations.";
const TOPIC_DLQ_SKIP: &str = "Invoked asynchronously by SNS and EventBridge Scheduler, which retry on their own; every outcome (done, already done, failed) is logged and published to ops-alerts, and a failure counts in the function's Errors metric. A dead-letter queue would hold a copy of a budget notification that nobody reads.";
const STREAM_DLQ_SKIP: &str = "Invoked by a DynamoDB stream event source mapping, which sends the batches it gives up on to its own on-failure queue (with an alarm); a function DLQ only applies to asynchronous invocations.";
const ENV_KMS_SKIP: &str = "Environment variables hold resource names only (tables, queues, topics), no secrets; they are encrypted at rest with the AWS-managed Lambda key.";

pub(super) fn build(ctx: &mut Ctx, grantable: &Grantable) -> Result<Vec<Built>, StackError> {
    let Grantable { data, events, .. } = *grantable;
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
        if !super::renders(ctx.env, spec) {
            continue;
        }
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

        let mut statements = vec![Statement::allow(
            "WriteOwnLogs",
            LOG_WRITE,
            vec![log_group.arn()],
        )];
        if ctx.env.features.tracing {
            statements.push(Statement::allow(
                "WriteTraces",
                TRACE_WRITE,
                vec![Value::from("*")],
            ));
        }
        let failures = stream_failures(ctx, spec);
        if let Some(queue) = &failures {
            // The mapping sends a failed batch's description there with the function's role.
            statements.push(Statement::allow(
                "RecordStreamFailures",
                QUEUE_SEND,
                vec![queue.arn()],
            ));
        }
        let mut variables: BTreeMap<String, Value> = BTreeMap::new();
        let mut env_vars: Vec<EnvVar> = Vec::new();
        let mut set_var = |name: &str, value: Value, from: EnvValue| {
            if variables.insert(name.to_owned(), value).is_none() {
                env_vars.push(EnvVar {
                    name: name.to_owned(),
                    value: from,
                });
            }
        };
        set_var(
            ENV_NAME_VAR,
            ctx.env.name.clone().into(),
            EnvValue::Literal(ctx.env.name.clone()),
        );
        if spec.needs_stores {
            let stores = ctx
                .env
                .stores
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(",");
            set_var(STORES_VAR, stores.clone().into(), EnvValue::Literal(stores));
        }
        if spec.id == retail_spec::ORDERS_FN.id {
            let limits = &ctx.env.orders;
            let value = limits.max_units_per_order.to_string();
            set_var(
                retail_spec::ORDER_MAX_UNITS_VAR,
                value.clone().into(),
                EnvValue::Literal(value),
            );
            let open = limits.max_open_orders.to_string();
            set_var(
                retail_spec::ORDER_MAX_OPEN_VAR,
                open.clone().into(),
                EnvValue::Literal(open),
            );
        }
        if spec.id == retail_spec::ORDER_EXPIRY.id || spec.id == retail_spec::ORDER_NOTIFIER.id {
            let hours = ctx.env.orders.pickup_window_hours.to_string();
            set_var(
                retail_spec::ORDER_PICKUP_WINDOW_VAR,
                hours.clone().into(),
                EnvValue::Literal(hours),
            );
        }
        if spec.id == retail_spec::ORDER_NOTIFIER.id {
            let names: serde_json::Map<String, serde_json::Value> = ctx
                .env
                .stores
                .iter()
                .map(|s| (s.id.clone(), s.name.clone().into()))
                .collect();
            let names = serde_json::Value::Object(names).to_string();
            set_var(
                retail_spec::STORE_NAMES_VAR,
                names.clone().into(),
                EnvValue::Literal(names),
            );
        }
        if spec.id == retail_spec::INVENTORY.id || spec.id == retail_spec::IMAGES_FN.id {
            let bytes = ctx.env.images.max_upload_bytes().to_string();
            set_var(
                retail_spec::IMAGE_MAX_UPLOAD_VAR,
                bytes.clone().into(),
                EnvValue::Literal(bytes),
            );
        }
        if spec.id == retail_spec::REPORT_BUILDER.id {
            let keep = ctx.env.is_protected().to_string();
            set_var(
                retail_spec::KEEP_DAILY_REPORTS_VAR,
                keep.clone().into(),
                EnvValue::Literal(keep),
            );
        }
        for (name, value) in super::finops::variables(ctx, spec) {
            set_var(name, value.clone().into(), EnvValue::Literal(value));
        }

        let undeclared = |kind, resource| StackError::UndeclaredResource {
            function: spec.id,
            kind,
            resource,
        };
        for access in super::finops::granted(ctx.env, spec) {
            let (sid, actions, resources) = match access {
                Access::TableRead(t) | Access::TableWrite(t) => {
                    let table = data.table(t).ok_or_else(|| undeclared("table", t.id))?;
                    set_var(
                        t.env_var,
                        table.name().into(),
                        EnvValue::Output(outputs::table(t)),
                    );
                    let write = matches!(access, Access::TableWrite(_));
                    (
                        format!("{}{}", if write { "Write" } else { "Read" }, ids::table(t)),
                        if write { TABLE_WRITE } else { TABLE_READ },
                        vec![table.arn().into(), sub!(table.arn(), "/index/*")],
                    )
                }
                Access::QueueSend(q) | Access::QueueConsume(q) => {
                    let queue = &events
                        .queue(q)
                        .ok_or_else(|| undeclared("queue", q.id))?
                        .queue;
                    set_var(
                        q.env_var,
                        queue.url().into(),
                        EnvValue::Output(outputs::queue(q)),
                    );
                    let send = matches!(access, Access::QueueSend(_));
                    (
                        format!(
                            "{}{}",
                            if send { "SendTo" } else { "ConsumeFrom" },
                            ids::queue(q)
                        ),
                        if send { QUEUE_SEND } else { QUEUE_CONSUME },
                        vec![queue.arn().into()],
                    )
                }
                Access::TopicPublish(t) => {
                    let topic = events.topic(t).ok_or_else(|| undeclared("topic", t.id))?;
                    set_var(
                        t.env_var,
                        topic.arn().into(),
                        EnvValue::Output(outputs::topic(t)),
                    );
                    (
                        format!("PublishTo{}", ids::topic(t)),
                        TOPIC_PUBLISH,
                        vec![topic.arn().into()],
                    )
                }
                Access::BucketRead(b)
                | Access::BucketWrite(b)
                | Access::BucketPut(b)
                | Access::BucketDelete(b)
                | Access::BucketList(b) => {
                    let bucket = data.bucket(b).ok_or_else(|| undeclared("bucket", b.id))?;
                    set_var(
                        b.env_var,
                        bucket.name().into(),
                        EnvValue::Output(outputs::bucket(b)),
                    );
                    let (sid, actions, resource) = match access {
                        Access::BucketWrite(_) => ("Write", BUCKET_WRITE, sub!(bucket.arn(), "/*")),
                        Access::BucketPut(_) => ("Put", BUCKET_PUT, sub!(bucket.arn(), "/*")),
                        Access::BucketDelete(_) => {
                            ("Delete", BUCKET_DELETE, sub!(bucket.arn(), "/*"))
                        }
                        // ListBucket is an action on the bucket, not on its objects.
                        Access::BucketList(_) => ("List", BUCKET_LIST, bucket.arn().into()),
                        _ => ("Read", BUCKET_READ, sub!(bucket.arn(), "/*")),
                    };
                    (
                        format!("{sid}{}Objects", ids::bucket(b)),
                        actions,
                        vec![resource],
                    )
                }
                Access::OwnStack => {
                    let stack = ctx.names.stack().to_owned();
                    set_var(
                        STACK_NAME_VAR,
                        stack.clone().into(),
                        EnvValue::Literal(stack),
                    );
                    (
                        "OwnStack".to_owned(),
                        OWN_STACK,
                        vec![Pseudo::StackId.into()],
                    )
                }
                Access::OwnStackDelete => (
                    "DeleteOwnStack".to_owned(),
                    DELETE_OWN_STACK,
                    vec![Pseudo::StackId.into()],
                ),
                Access::TableStream(t) => {
                    let table = data.table(t).ok_or_else(|| undeclared("table", t.id))?;
                    (
                        format!("ReadStreamOf{}", ids::table(t)),
                        STREAM_READ,
                        vec![sub!(table.arn(), "/stream/*")],
                    )
                }
                Access::SendEmail => {
                    let n = grantable
                        .notifications
                        .ok_or_else(|| undeclared("sender", "notifications.sender"))?;
                    set_var(
                        retail_spec::NOTIFY_SENDER_VAR,
                        n.sender.clone().into(),
                        EnvValue::Literal(n.sender.clone()),
                    );
                    (
                        "SendFromSender".to_owned(),
                        SEND_EMAIL,
                        vec![n.identity_arn()],
                    )
                }
                Access::UserLookup => {
                    let pool = &grantable.identity.pool;
                    set_var(
                        retail_spec::USER_POOL_ID_VAR,
                        pool.pool_id().into(),
                        EnvValue::Output(super::outputs::USER_POOL_ID.to_owned()),
                    );
                    (
                        "LookUpUsers".to_owned(),
                        USER_LOOKUP,
                        vec![pool.arn().into()],
                    )
                }
                // Stack-wide grants name every function and bucket of the stack, so they are
                // added to this role by finops once the whole stack exists.
                Access::StackFunctionsConcurrency | Access::StackBucketsEmpty => continue,
            };
            statements.push(Statement::allow(&sid, actions, resources));
        }

        let role = ctx.template.add(
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
        );

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
                .environment(FunctionEnvironment::new().variables(variables))
                .logging_config(logging(ctx.env, &log_group)),
            ),
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
                .skip_checkov("CKV_AWS_173", ENV_KMS_SKIP),
        );

        if let Trigger::Queue { queue, batch_size } = spec.trigger {
            let q = events
                .queue(queue)
                .ok_or_else(|| undeclared("queue", queue.id))?;
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

        if let (Trigger::Stream { table, .. }, Some(failures)) = (spec.trigger, &failures) {
            let source = data
                .table(table)
                .ok_or_else(|| undeclared("table", table.id))?;
            stream_mapping(ctx, spec, &function, source, failures);
        }

        if let Trigger::Schedule { expression } = spec.trigger {
            super::schedules::invoke(
                ctx,
                super::schedules::Aim::Function(&function),
                super::schedules::Invocation {
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
                },
            );
        }

        built.push(Built {
            spec,
            role,
            failures,
            log_group,
            info: FunctionInfo {
                spec,
                logical_id: function.id().clone(),
                function_name,
                code_key_parameter: code_key.id().as_str().to_owned(),
                environment: env_vars,
            },
            function,
        });
    }
    Ok(built)
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
