//! Data: the DynamoDB tables of `retail_spec::TABLES` and the functions' S3 buckets.
//!
//! Tables are on demand (no idle cost), encrypted, with TTL where the spec names an expiry
//! attribute and point-in-time recovery as the environment's protection says. Business tables
//! are retained on delete and replacement where the environment retains data (prod); everything
//! else is deletable so that an environment can be destroyed completely.

use retail_spec::{AttrType, BUCKETS, BucketSpec, KeyAttr, TABLES, TableSpec};

use super::{Ctx, ids};
use crate::model::dynamodb::{
    AttributeDefinition, AttributeType, BillingMode, GlobalSecondaryIndex, KeySchema, KeyType,
    PointInTimeRecoverySpecification, Projection, ProjectionType, SseSpecification,
    StreamSpecification, StreamViewType, Table, TimeToLiveSpecification,
};
use crate::model::s3::{Bucket, BucketPolicy, LifecycleRule, RuleStatus};
use crate::model::{DeletionPolicy, Handle, Options, PolicyDocument, Statement};
use crate::sub;

pub(super) struct Data {
    pub tables: Vec<(&'static TableSpec, Handle<Table>)>,
    pub buckets: Vec<(&'static BucketSpec, Handle<Bucket>)>,
}

impl Data {
    pub fn table(&self, spec: &TableSpec) -> Option<&Handle<Table>> {
        self.tables
            .iter()
            .find(|(s, _)| s.id == spec.id)
            .map(|(_, h)| h)
    }

    pub fn bucket(&self, spec: &BucketSpec) -> Option<&Handle<Bucket>> {
        self.buckets
            .iter()
            .find(|(s, _)| s.id == spec.id)
            .map(|(_, h)| h)
    }
}

const CUSTOMER_MANAGED_KEY_SKIP: &str = "Encrypted at rest with the AWS-managed key (SSEEnabled, alias/aws/dynamodb). A customer-managed key would add $1/month per environment of idle cost and key administration without adding a control this data needs.";
const PITR_SKIP: &str = "Point-in-time recovery is off in this non-production environment: its data is disposable demo data and the environment is destroyable. Production enables PITR on every table (enforced by stackgen's guardrails).";

fn key(k: KeyAttr, key_type: KeyType) -> KeySchema {
    KeySchema::new(k.name, key_type)
}

fn attribute_type(kind: AttrType) -> AttributeType {
    match kind {
        AttrType::S => AttributeType::S,
        AttrType::N => AttributeType::N,
    }
}

fn keys(pk: KeyAttr, sk: Option<KeyAttr>) -> Vec<KeySchema> {
    let mut out = vec![key(pk, KeyType::Hash)];
    if let Some(sk) = sk {
        out.push(key(sk, KeyType::Range));
    }
    out
}

/// Whether this table's data is kept when the stack deletes or replaces it.
pub(crate) fn retains(ctx_retain_data: bool, spec: &TableSpec) -> bool {
    ctx_retain_data && spec.business_data
}

/// Whether a function of the stack reads this table's stream (a stream costs nothing until it is
/// read, but a table without a reader does not need one).
fn streamed(env: &crate::env::Environment, spec: &TableSpec) -> bool {
    super::rendered_functions(env).iter().any(
        |f| matches!(f.trigger, retail_spec::Trigger::Stream { table, .. } if table.id == spec.id),
    )
}

pub(super) fn build(ctx: &mut Ctx) -> Data {
    let tables = TABLES
        .iter()
        .map(|&spec| (spec, table(ctx, spec)))
        .collect();
    let buckets = BUCKETS
        .iter()
        .map(|&spec| (spec, bucket(ctx, spec)))
        .collect();
    Data { tables, buckets }
}

/// One table of the spec: on demand, encrypted, with its indexes, stream and expiry.
fn table(ctx: &mut Ctx, spec: &'static TableSpec) -> Handle<Table> {
    let protection = &ctx.env.protection;
    let retain = retains(protection.retain_data, spec);
    let indexes: Vec<GlobalSecondaryIndex> = spec
        .indexes
        .iter()
        .map(|ix| {
            GlobalSecondaryIndex::new(
                ix.name,
                keys(ix.partition_key, ix.sort_key),
                Projection::new().projection_type(ProjectionType::All),
            )
        })
        .collect();
    let mut table = Table::new(keys(spec.partition_key, spec.sort_key))
        .table_name(ctx.names.physical(spec.name))
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            spec.key_attributes()
                .into_iter()
                .map(|k| AttributeDefinition::new(k.name, attribute_type(k.kind)))
                .collect::<Vec<_>>(),
        )
        .point_in_time_recovery_specification(
            PointInTimeRecoverySpecification::new()
                .point_in_time_recovery_enabled(protection.point_in_time_recovery),
        )
        .sse_specification(SseSpecification::new(true))
        .deletion_protection_enabled(retain);
    if !indexes.is_empty() {
        table = table.global_secondary_indexes(indexes);
    }
    if streamed(ctx.env, spec) {
        // New images only: the consumer reads the record as it is after the change.
        table = table.stream_specification(StreamSpecification::new(StreamViewType::NewImage));
    }
    if let Some(a) = spec.ttl_attribute {
        table =
            table.time_to_live_specification(TimeToLiveSpecification::new(true).attribute_name(a));
    }
    let options = if retain {
        Options::new().retain_data()
    } else {
        Options::new().data_policy(DeletionPolicy::Delete)
    };
    let mut options = options.skip_checkov("CKV_AWS_119", CUSTOMER_MANAGED_KEY_SKIP);
    if !protection.point_in_time_recovery {
        options = options.skip_checkov("CKV_AWS_28", PITR_SKIP);
    }
    ctx.template.add_with(&ids::table(spec), table, options)
}

/// One bucket of the spec: private, TLS only, with its expiry rule.
fn bucket(ctx: &mut Ctx, spec: &'static BucketSpec) -> Handle<Bucket> {
    let mut bucket = Bucket::private(ctx.names.bucket(spec.name), 1);
    if let Some(days) = spec.expire_after_days {
        let rule = LifecycleRule::new(RuleStatus::Enabled).expiration_in_days(i64::from(days));
        let rule = match spec.protected_expiry_prefix {
            // A protected environment keeps what is outside the prefix (daily reports).
            Some(prefix) if ctx.env.is_protected() => rule
                .id(format!(
                    "expire-{}-after-{days}-days",
                    prefix.trim_end_matches('/')
                ))
                .prefix(prefix),
            _ => rule.id(format!("expire-after-{days}-days")),
        };
        bucket.lifecycle_rules_mut().push(rule);
    }
    // A bucket the CDN serves gets its policy from the edge, which names the distribution.
    if spec.cdn_prefix.is_some() && ctx.env.features.cdn {
        add_bucket(ctx, &ids::bucket(spec), bucket)
    } else {
        private_bucket(ctx, &ids::bucket(spec), bucket, Vec::new())
    }
}

pub(super) const ACCESS_LOG_SKIP: &str = "S3 server access logs would need a further log bucket (which itself cannot log) for objects that are only written by this stack's functions and deploy step; CloudTrail data events are the audit trail where one is required.";

/// Adds a private bucket (see [`Bucket::private`]) and its TLS-only bucket policy, with
/// `extra` statements (e.g. CloudFront's read access).
pub(super) fn private_bucket(
    ctx: &mut Ctx,
    name: &str,
    bucket: Bucket,
    extra: Vec<Statement>,
) -> Handle<Bucket> {
    let handle = add_bucket(ctx, name, bucket);
    bucket_policy(ctx, &handle, extra);
    handle
}

/// Adds a bucket without its policy.
fn add_bucket(ctx: &mut Ctx, name: &str, bucket: Bucket) -> Handle<Bucket> {
    ctx.template.add_with(
        name,
        bucket,
        Options::new()
            .data_policy(DeletionPolicy::Delete)
            .skip_checkov("CKV_AWS_18", ACCESS_LOG_SKIP),
    )
}

/// The bucket policy: `extra` statements plus a deny of any request without TLS.
pub(super) fn bucket_policy(ctx: &mut Ctx, bucket: &Handle<Bucket>, extra: Vec<Statement>) {
    let mut statements = extra;
    statements.push(Statement::deny_insecure_transport(
        &["s3:*"],
        [bucket.arn().into(), sub!(bucket.arn(), "/*")],
    ));
    ctx.template.add(
        &format!("{}Policy", bucket.id()),
        BucketPolicy::new(bucket.name(), PolicyDocument::new(statements)),
    );
}
