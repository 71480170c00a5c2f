//! Photos: what joins the uploads bucket, the image queue and the storefront's browsers.
//!
//! Buckets whose spec names a `notify` queue send their `s3:ObjectCreated:*` events to it. S3
//! may send only where the queue's policy lets `s3.amazonaws.com` do so for this bucket and
//! account, and it checks that when the notification is configured, so the bucket depends on
//! the queue policy ("Walkthrough: Configuring a bucket for notifications (SNS topic or SQS
//! queue)", <https://docs.aws.amazon.com/AmazonS3/latest/userguide/ways-to-add-notification-config-to-bucket.html>).
//! The policy names the bucket by its ARN spelled from its name, not by a reference: a
//! reference would make the bucket depend on the policy and the policy on the bucket.
//!
//! Buckets browsers upload to get one CORS rule: `POST` from the storefront's own origin, so the
//! back office's upload form may read S3's answer ("Using cross-origin resource sharing
//! (CORS)", <https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html>).

use retail_spec::{BUCKETS, UPLOADS_PREFIX};

use super::data::Data;
use super::events::Events;
use super::{Ctx, StackError};
use crate::model::s3::{
    AllowedMethod, CorsConfiguration, CorsRule, FilterRule, NotificationConfiguration,
    NotificationFilter, QueueConfiguration, S3KeyFilter,
};
use crate::model::sqs::QueuePolicy;
use crate::model::{
    Operator, PolicyCondition, PolicyDocument, Principal, Pseudo, Statement, Value,
};
use crate::sub;

/// How long a browser may cache the answer to a CORS preflight.
const CORS_MAX_AGE_SECONDS: i64 = 3000;

pub(super) fn build(
    ctx: &mut Ctx,
    data: &Data,
    events: &Events,
    storefront_origin: Value,
) -> Result<(), StackError> {
    for spec in BUCKETS.iter().copied() {
        let Some(bucket) = data.bucket(spec) else {
            continue;
        };
        if let Some(q) = spec.notify {
            let queue = events.queue(q).ok_or(StackError::UndeclaredResource {
                function: "(bucket notifications)",
                kind: "queue",
                resource: q.id,
            })?;
            let bucket_arn = sub!(
                "arn:",
                Pseudo::Partition,
                ":s3:::",
                ctx.names.bucket(spec.name)
            );
            let s3_sends = Statement::allow(
                "BucketEventsFromS3",
                &["sqs:SendMessage"],
                vec![queue.queue.arn()],
            )
            .principal(Principal::Service(vec!["s3.amazonaws.com".to_owned()]))
            .when(PolicyCondition::new(
                Operator::ArnEquals,
                "aws:SourceArn",
                bucket_arn,
            ))
            .when(PolicyCondition::new(
                Operator::StringEquals,
                "aws:SourceAccount",
                Pseudo::AccountId,
            ));
            let tls_only = Statement::deny_insecure_transport(&["sqs:*"], vec![queue.queue.arn()]);
            let policy = ctx.template.add(
                &format!("{}Policy", queue.queue.id()),
                QueuePolicy::new(
                    PolicyDocument::new(vec![s3_sends, tls_only]),
                    vec![queue.queue.url()],
                ),
            );
            let notifications =
                NotificationConfiguration::new().queue_configurations([QueueConfiguration::new(
                    "s3:ObjectCreated:*",
                    queue.queue.arn(),
                )
                .filter(NotificationFilter::new(S3KeyFilter::new([
                    FilterRule::new("prefix", UPLOADS_PREFIX),
                ])))]);
            if let Some(b) = ctx.template.resource_mut(bucket) {
                *b = std::mem::take(b).notification_configuration(notifications);
            }
            if let Some(entry) = ctx.template.entry_mut(bucket.id()) {
                entry.options.depends_on.push(policy.id().clone());
            }
        }
        if spec.browser_uploads {
            let rule = CorsRule::new([AllowedMethod::Post.into()], [storefront_origin.clone()])
                .allowed_headers(["*".into()])
                .max_age(CORS_MAX_AGE_SECONDS);
            if let Some(b) = ctx.template.resource_mut(bucket) {
                *b = std::mem::take(b).cors_configuration(CorsConfiguration::new([rule]));
            }
        }
    }
    Ok(())
}
