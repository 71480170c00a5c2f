//! What a function's role may do: the action groups a grant in `retail_spec` stands for, and
//! the statement (with the environment variable naming the resource) each grant becomes.

use retail_spec::{Access, FunctionSpec, QueueSpec, STACK_NAME_VAR, TableSpec, TopicSpec};

use super::super::{Ctx, EnvValue, StackError, ids, outputs};
use super::Grantable;
use super::variables::Variables;
use crate::model::{Pseudo, Statement, Value};
use crate::sub;

pub(super) const TABLE_READ: &[&str] = &[
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
];
/// Reading a whole table ([`Access::TableScan`]); its indexes are not scanned.
pub(super) const TABLE_SCAN: &[&str] = &["dynamodb:Scan"];
pub(super) const TABLE_WRITE: &[&str] = &[
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
];
pub(super) const QUEUE_SEND: &[&str] = &["sqs:SendMessage"];
pub(super) const QUEUE_CONSUME: &[&str] = &[
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ChangeMessageVisibility",
];
pub(super) const TOPIC_PUBLISH: &[&str] = &["sns:Publish"];
pub(super) const BUCKET_READ: &[&str] = &["s3:GetObject"];
pub(super) const BUCKET_WRITE: &[&str] = &["s3:GetObject", "s3:PutObject"];
pub(super) const BUCKET_PUT: &[&str] = &["s3:PutObject"];
pub(super) const BUCKET_DELETE: &[&str] = &["s3:DeleteObject"];
pub(super) const BUCKET_LIST: &[&str] = &["s3:ListBucket"];
pub(super) const LOG_WRITE: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];
/// What a DynamoDB stream event source mapping reads with the function's role, on the table's
/// streams (DynamoDB Developer Guide, "IAM policy to allow an AWS Lambda function to access
/// DynamoDB stream records",
/// <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-example-lamda-process-dynamodb-streams.html>).
pub(super) const STREAM_READ: &[&str] = &[
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
];
pub(super) const SEND_EMAIL: &[&str] = &["ses:SendEmail"];
pub(super) const USER_LOOKUP: &[&str] = &["cognito-idp:AdminGetUser"];
/// What Lambda's active tracing sends with the function's role: the permissions of the
/// AWSXRayDaemonWriteAccess policy it asks for (Lambda Developer Guide, "Visualize Lambda
/// function invocations using AWS X-Ray",
/// <https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html>). Neither action takes a
/// resource, so the statement names `*` (see `guard::iam::NO_RESOURCE_ACTIONS`).
pub(crate) const TRACE_WRITE: &[&str] = &["xray:PutTraceSegments", "xray:PutTelemetryRecords"];
/// Read its own stack's resources, and delete it. DeleteStack runs with the stack's
/// CloudFormation service role when it was deployed with one (see stack/finops.rs).
pub(super) const OWN_STACK: &[&str] = &[
    "cloudformation:DescribeStacks",
    "cloudformation:ListStackResources",
];
pub(super) const DELETE_OWN_STACK: &[&str] = &["cloudformation:DeleteStack"];

/// Every action group a function's role may get from its grants (the boundary's ceiling).
pub(crate) const GRANT_ACTIONS: &[&[&str]] = &[
    TABLE_READ,
    TABLE_SCAN,
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

/// A statement's id, actions and resources.
type Grant = (String, &'static [&'static str], Vec<Value>);

/// The error for a grant on a resource the stack does not declare.
pub(super) fn undeclared(
    spec: &FunctionSpec,
    kind: &'static str,
    resource: &'static str,
) -> StackError {
    StackError::UndeclaredResource {
        function: spec.id,
        kind,
        resource,
    }
}

/// The statement `access` gives the function's role, and the variable naming its resource;
/// `None` for the stack-wide grants, which finops adds once the whole stack exists (they name
/// every function and bucket of the stack).
pub(super) fn grant(
    ctx: &Ctx,
    grantable: &Grantable,
    spec: &FunctionSpec,
    access: Access,
    vars: &mut Variables,
) -> Result<Option<Statement>, StackError> {
    let (sid, actions, resources): Grant = match access {
        Access::TableRead(t) | Access::TableWrite(t) => table(grantable, spec, access, t, vars)?,
        Access::QueueSend(q) | Access::QueueConsume(q) => queue(grantable, spec, access, q, vars)?,
        Access::TopicPublish(t) => topic(grantable, spec, t, vars)?,
        Access::BucketRead(b)
        | Access::BucketWrite(b)
        | Access::BucketPut(b)
        | Access::BucketDelete(b)
        | Access::BucketList(b) => bucket(grantable, spec, access, b, vars)?,
        Access::OwnStack => {
            vars.literal(STACK_NAME_VAR, ctx.names.stack().to_owned());
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
        Access::TableScan(t) => {
            let table = grantable
                .data
                .table(t)
                .ok_or_else(|| undeclared(spec, "table", t.id))?;
            (
                format!("Scan{}", ids::table(t)),
                TABLE_SCAN,
                vec![table.arn().into()],
            )
        }
        Access::TableStream(t) => {
            let table = grantable
                .data
                .table(t)
                .ok_or_else(|| undeclared(spec, "table", t.id))?;
            (
                format!("ReadStreamOf{}", ids::table(t)),
                STREAM_READ,
                vec![sub!(table.arn(), "/stream/*")],
            )
        }
        Access::SendEmail | Access::UserLookup => people(grantable, spec, access, vars)?,
        Access::StackFunctionsConcurrency | Access::StackBucketsEmpty => return Ok(None),
    };
    Ok(Some(Statement::allow(&sid, actions, resources)))
}

/// Reading or writing one table and its indexes.
fn table(
    grantable: &Grantable,
    spec: &FunctionSpec,
    access: Access,
    t: &'static TableSpec,
    vars: &mut Variables,
) -> Result<Grant, StackError> {
    let table = grantable
        .data
        .table(t)
        .ok_or_else(|| undeclared(spec, "table", t.id))?;
    vars.set(
        t.env_var,
        table.name().into(),
        EnvValue::Output(outputs::table(t)),
    );
    let write = matches!(access, Access::TableWrite(_));
    Ok((
        format!("{}{}", if write { "Write" } else { "Read" }, ids::table(t)),
        if write { TABLE_WRITE } else { TABLE_READ },
        vec![table.arn().into(), sub!(table.arn(), "/index/*")],
    ))
}

/// Sending to or consuming from one queue.
fn queue(
    grantable: &Grantable,
    spec: &FunctionSpec,
    access: Access,
    q: &'static QueueSpec,
    vars: &mut Variables,
) -> Result<Grant, StackError> {
    let queue = &grantable
        .events
        .queue(q)
        .ok_or_else(|| undeclared(spec, "queue", q.id))?
        .queue;
    vars.set(
        q.env_var,
        queue.url().into(),
        EnvValue::Output(outputs::queue(q)),
    );
    let send = matches!(access, Access::QueueSend(_));
    Ok((
        format!(
            "{}{}",
            if send { "SendTo" } else { "ConsumeFrom" },
            ids::queue(q)
        ),
        if send { QUEUE_SEND } else { QUEUE_CONSUME },
        vec![queue.arn().into()],
    ))
}

/// Publishing to one topic.
fn topic(
    grantable: &Grantable,
    spec: &FunctionSpec,
    t: &'static TopicSpec,
    vars: &mut Variables,
) -> Result<Grant, StackError> {
    let topic = grantable
        .events
        .topic(t)
        .ok_or_else(|| undeclared(spec, "topic", t.id))?;
    vars.set(
        t.env_var,
        topic.arn().into(),
        EnvValue::Output(outputs::topic(t)),
    );
    Ok((
        format!("PublishTo{}", ids::topic(t)),
        TOPIC_PUBLISH,
        vec![topic.arn().into()],
    ))
}

/// A grant on one bucket's objects (or, for listing, on the bucket itself).
fn bucket(
    grantable: &Grantable,
    spec: &FunctionSpec,
    access: Access,
    b: &'static retail_spec::BucketSpec,
    vars: &mut Variables,
) -> Result<Grant, StackError> {
    let bucket = grantable
        .data
        .bucket(b)
        .ok_or_else(|| undeclared(spec, "bucket", b.id))?;
    vars.set(
        b.env_var,
        bucket.name().into(),
        EnvValue::Output(outputs::bucket(b)),
    );
    let (sid, actions, resource) = match access {
        Access::BucketWrite(_) => ("Write", BUCKET_WRITE, sub!(bucket.arn(), "/*")),
        Access::BucketPut(_) => ("Put", BUCKET_PUT, sub!(bucket.arn(), "/*")),
        Access::BucketDelete(_) => ("Delete", BUCKET_DELETE, sub!(bucket.arn(), "/*")),
        // ListBucket is an action on the bucket, not on its objects.
        Access::BucketList(_) => ("List", BUCKET_LIST, bucket.arn().into()),
        _ => ("Read", BUCKET_READ, sub!(bucket.arn(), "/*")),
    };
    Ok((
        format!("{sid}{}Objects", ids::bucket(b)),
        actions,
        vec![resource],
    ))
}

/// The grants about customers: mailing them from the sender identity, and looking them up in
/// the user pool.
fn people(
    grantable: &Grantable,
    spec: &FunctionSpec,
    access: Access,
    vars: &mut Variables,
) -> Result<Grant, StackError> {
    if let Access::SendEmail = access {
        let n = grantable
            .notifications
            .ok_or_else(|| undeclared(spec, "sender", "notifications.sender"))?;
        vars.literal(retail_spec::NOTIFY_SENDER_VAR, n.sender.clone());
        return Ok((
            "SendFromSender".to_owned(),
            SEND_EMAIL,
            vec![n.identity_arn()],
        ));
    }
    let pool = &grantable.identity.pool;
    vars.set(
        retail_spec::USER_POOL_ID_VAR,
        pool.pool_id().into(),
        EnvValue::Output(super::super::outputs::USER_POOL_ID.to_owned()),
    );
    Ok((
        "LookUpUsers".to_owned(),
        USER_LOOKUP,
        vec![pool.arn().into()],
    ))
}
