//! Events: the queues of `retail_spec::QUEUES` (each with a dead-letter queue) and the topics
//! of `retail_spec::TOPICS` with their email subscriptions and policies.
//!
//! `ops-alerts` is the topic AWS services publish to (CloudWatch alarms, AWS Budgets); its
//! policy lets exactly those services publish, for this account only.

use retail_spec::{BUCKETS, OPS_ALERTS, QUEUES, QueueSpec, TOPICS, TopicSpec};

use super::{Ctx, StackError, ids};
use crate::model::sns::{Subscription, Topic, TopicPolicy};
use crate::model::sqs::{Queue, RedrivePolicy};
use crate::model::{
    DeletionPolicy, Handle, Operator, Options, PolicyCondition, PolicyDocument, Principal, Pseudo,
    Statement, pascal_case,
};

pub(super) struct QueueRes {
    pub spec: &'static QueueSpec,
    pub queue: Handle<Queue>,
    pub dlq: Handle<Queue>,
}

pub(super) struct Events {
    pub queues: Vec<QueueRes>,
    pub topics: Vec<(&'static TopicSpec, Handle<Topic>)>,
    pub ops_alerts: Handle<Topic>,
    /// The policy that lets AWS Budgets and CloudWatch publish to ops-alerts.
    pub ops_alerts_policy: Handle<TopicPolicy>,
}

impl Events {
    pub fn queue(&self, spec: &QueueSpec) -> Option<&QueueRes> {
        self.queues.iter().find(|q| q.spec.id == spec.id)
    }

    pub fn topic(&self, spec: &TopicSpec) -> Option<&Handle<Topic>> {
        self.topics
            .iter()
            .find(|(s, _)| s.id == spec.id)
            .map(|(_, h)| h)
    }
}

/// Four days: SQS's default; a consumer that is down over a long weekend loses nothing.
const RETENTION_SECONDS: i64 = 4 * 24 * 3600;
/// Fourteen days (the maximum) for dead letters, so someone can look at them.
const DLQ_RETENTION_SECONDS: i64 = 14 * 24 * 3600;
/// The AWS-managed SQS key: no monthly fee; data keys reused for a day keep KMS calls rare.
const SQS_KEY: &str = "alias/aws/sqs";
const SNS_KEY: &str = "alias/aws/sns";
const DATA_KEY_REUSE_SECONDS: i64 = 86_400;

const SQS_OWNED_KEY_SKIP: &str = "Encrypted at rest with SQS-owned keys (SqsManagedSseEnabled: true), which this check does not recognise. S3 event notifications cannot be sent to a queue under the AWS-managed SQS key, and a customer-managed key adds $1/month per environment of idle cost.";
const OPS_TOPIC_KMS_SKIP: &str = "CloudWatch alarms and AWS Budgets cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key adds $1/month per environment of idle cost. The topic carries alarm and budget state changes only, no customer data.";

pub(super) fn build(ctx: &mut Ctx) -> Result<Events, StackError> {
    let queues = QUEUES
        .iter()
        .copied()
        .map(|spec| queue(ctx, spec))
        .collect();
    let mut topics = Vec::new();
    let mut ops_alerts_policy = None;
    for spec in TOPICS.iter().copied() {
        let (handle, policy) = topic(ctx, spec);
        if spec.id == OPS_ALERTS.id {
            ops_alerts_policy = Some(policy);
        }
        topics.push((spec, handle));
    }
    let ops_alerts = topics
        .iter()
        .find(|(s, _)| s.id == OPS_ALERTS.id)
        .map(|(_, h)| h.clone())
        .ok_or(StackError::UndeclaredResource {
            function: "(alarms and budget)",
            kind: "topic",
            resource: OPS_ALERTS.id,
        })?;
    let ops_alerts_policy = ops_alerts_policy.ok_or(StackError::UndeclaredResource {
        function: "(alarms and budget)",
        kind: "topic policy",
        resource: OPS_ALERTS.id,
    })?;
    Ok(Events {
        queues,
        topics,
        ops_alerts,
        ops_alerts_policy,
    })
}

/// A queue and its dead-letter queue, encrypted at rest.
fn queue(ctx: &mut Ctx, spec: &'static QueueSpec) -> QueueRes {
    let dlq = ctx.template.add_with(
        &ids::dead_letter_queue(spec),
        Queue::new()
            .queue_name(ctx.names.physical(&format!("{}-dlq", spec.name)))
            .message_retention_period(DLQ_RETENTION_SECONDS)
            .visibility_timeout(30)
            .kms_master_key_id(SQS_KEY)
            .kms_data_key_reuse_period_seconds(DATA_KEY_REUSE_SECONDS),
        Options::new().data_policy(DeletionPolicy::Delete),
    );
    let queue = Queue::new()
        .queue_name(ctx.names.physical(spec.name))
        .message_retention_period(RETENTION_SECONDS)
        .visibility_timeout(i64::from(spec.visibility_timeout_seconds));
    // S3 cannot send to a queue under the AWS-managed SQS key (its key policy cannot let
    // S3 use it), so a queue a bucket notifies is encrypted with SQS-owned keys instead:
    // "the default key policy of the AWS managed key for Amazon SQS … cannot be modified"
    // (Amazon S3 User Guide, "Walkthrough: Configuring a bucket for notifications",
    // <https://docs.aws.amazon.com/AmazonS3/latest/userguide/ways-to-add-notification-config-to-bucket.html>).
    let options = Options::new().data_policy(DeletionPolicy::Delete);
    let (queue, options) = if BUCKETS
        .iter()
        .any(|b| b.notify.is_some_and(|q| q.id == spec.id))
    {
        (
            queue.sqs_managed_sse_enabled(true),
            options.skip_checkov("CKV_AWS_27", SQS_OWNED_KEY_SKIP),
        )
    } else {
        let queue = queue
            .kms_master_key_id(SQS_KEY)
            .kms_data_key_reuse_period_seconds(DATA_KEY_REUSE_SECONDS);
        (queue, options)
    };
    let queue = ctx.template.add_with(
        &ids::queue(spec),
        queue.redrive_policy(RedrivePolicy {
            dead_letter_target_arn: dlq.arn(),
            max_receive_count: spec.max_receive_count,
        }),
        options,
    );
    QueueRes { spec, queue, dlq }
}

/// A topic, its policy (TLS only; alarms and budgets may publish to ops-alerts) and the on-call
/// addresses' email subscriptions.
fn topic(ctx: &mut Ctx, spec: &'static TopicSpec) -> (Handle<Topic>, Handle<TopicPolicy>) {
    let service_published = spec.id == OPS_ALERTS.id;
    let mut topic = Topic::new()
        .topic_name(ctx.names.physical(spec.name))
        .display_name(format!("{} {}", ctx.names.stack(), spec.name));
    if !service_published {
        topic = topic.kms_master_key_id(SNS_KEY);
    }
    let options = if service_published {
        Options::new().skip_checkov("CKV_AWS_26", OPS_TOPIC_KMS_SKIP)
    } else {
        Options::new()
    };
    let handle = ctx.template.add_with(&ids::topic(spec), topic, options);

    let mut statements = Vec::new();
    if service_published {
        statements.push(
            Statement::allow(
                "AlarmsAndBudgetsPublish",
                &["sns:Publish"],
                vec![handle.arn()],
            )
            .principal(Principal::Service(vec![
                "cloudwatch.amazonaws.com".to_owned(),
                "budgets.amazonaws.com".to_owned(),
            ]))
            .when(PolicyCondition::new(
                Operator::StringEquals,
                "aws:SourceAccount",
                Pseudo::AccountId,
            )),
        );
    }
    statements.push(Statement::deny_insecure_transport(
        &["sns:Publish"],
        vec![handle.arn()],
    ));
    let policy = ctx.template.add(
        &format!("{}Policy", handle.id()),
        TopicPolicy {
            topics: vec![handle.arn()],
            policy_document: PolicyDocument::new(statements),
        },
    );
    // Alarm recipients get both operational and stock alerts (the environment file has one
    // list of on-call addresses).
    for email in &ctx.env.alarm_emails {
        ctx.template.add(
            &format!("{}Email{}", handle.id(), pascal_case(email)),
            Subscription::new("email", handle.arn()).endpoint(email),
        );
    }
    (handle, policy)
}
