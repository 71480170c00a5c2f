//! What AWS's resource schemas do not say, written by hand: which types hold data (and what
//! decides its fate when they go away), and where the schema is looser than AWS's own reference.
//!
//! A schema describes a type's properties, not the meaning of deleting one: nothing in it says
//! that deleting a table loses its items, that `DeletionPolicy: Snapshot` works for an RDS
//! cluster but not a table, or which property makes the service refuse a delete. `stackgen diff`
//! needs exactly that, so it lives here, in one place, next to the generated facts that point
//! to it by type name ([`crate::ResourceFacts::data_store`]). Every type here is named by its
//! generated constant (`dynamodb::TABLE_TYPE_NAME`), so a type missing from `model/allowlist.txt`
//! does not compile.

use crate::generated::{
    backup, cognito, docdb, dynamodb, ec2, ecr, efs, elasticache, events, kinesis, kms, logs,
    memorydb, neptune, opensearchservice, rds, redshift, s3, s3express, secretsmanager, sqs,
};

/// A resource type that holds data, and what CloudFormation does with that data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataStore {
    pub type_name: &'static str,
    /// What is lost when the resource is deleted ("all items in the table").
    pub data: &'static str,
    /// The property that makes the service refuse a delete, and the value that turns it on
    /// (compared ignoring ASCII case; a boolean as `true`).
    pub deletion_protection: Option<(&'static str, &'static str)>,
    /// `DeletionPolicy: Snapshot` is valid for the type (AWS documentation, DeletionPolicy).
    pub snapshot: bool,
    /// The `DeletionPolicy` CloudFormation applies when the template sets none.
    pub default_deletion_policy: DefaultDeletionPolicy,
    /// A limit of CloudFormation worth knowing when the data is deleted.
    pub delete_caveat: Option<&'static str>,
}

/// The `DeletionPolicy` a resource gets when its template writes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultDeletionPolicy {
    Delete,
    Snapshot,
    /// `Snapshot`, unless the named property is set (an RDS instance inside a cluster).
    SnapshotUnless(&'static str),
}

const NOT_EMPTY: &str = "CloudFormation deletes the bucket only if it is empty: while it holds \
                         objects the delete fails during cleanup and the bucket is left outside \
                         the stack";

const fn store(type_name: &'static str, data: &'static str) -> DataStore {
    DataStore {
        type_name,
        data,
        deletion_protection: None,
        snapshot: false,
        default_deletion_policy: DefaultDeletionPolicy::Delete,
        delete_caveat: None,
    }
}

const fn protected(mut s: DataStore, property: &'static str, on: &'static str) -> DataStore {
    s.deletion_protection = Some((property, on));
    s
}

const fn snapshots(mut s: DataStore) -> DataStore {
    s.snapshot = true;
    s
}

const fn caveat(mut s: DataStore, caveat: &'static str) -> DataStore {
    s.delete_caveat = Some(caveat);
    s
}

const fn defaults_to(mut s: DataStore, policy: DefaultDeletionPolicy) -> DataStore {
    s.default_deletion_policy = policy;
    s
}

/// Resource types whose deletion loses data.
pub const DATA_STORES: &[DataStore] = &[
    protected(
        store(dynamodb::TABLE_TYPE_NAME, "all items in the table"),
        "DeletionProtectionEnabled",
        "true",
    ),
    store(
        dynamodb::GLOBAL_TABLE_TYPE_NAME,
        "all items in every replica",
    ),
    caveat(
        store(s3::BUCKET_TYPE_NAME, "all objects in the bucket"),
        NOT_EMPTY,
    ),
    caveat(
        store(
            s3express::DIRECTORY_BUCKET_TYPE_NAME,
            "all objects in the bucket",
        ),
        NOT_EMPTY,
    ),
    store(sqs::QUEUE_TYPE_NAME, "messages waiting in the queue"),
    protected(
        store(logs::LOG_GROUP_TYPE_NAME, "all log events"),
        "DeletionProtectionEnabled",
        "true",
    ),
    store(kinesis::STREAM_TYPE_NAME, "records in the stream"),
    store(events::ARCHIVE_TYPE_NAME, "archived events"),
    defaults_to(
        snapshots(protected(
            store(rds::DB_INSTANCE_TYPE_NAME, "the database"),
            "DeletionProtection",
            "true",
        )),
        DefaultDeletionPolicy::SnapshotUnless("DBClusterIdentifier"),
    ),
    defaults_to(
        snapshots(protected(
            store(rds::DB_CLUSTER_TYPE_NAME, "the database"),
            "DeletionProtection",
            "true",
        )),
        DefaultDeletionPolicy::Snapshot,
    ),
    snapshots(protected(
        store(docdb::DB_CLUSTER_TYPE_NAME, "the database"),
        "DeletionProtection",
        "true",
    )),
    snapshots(protected(
        store(neptune::DB_CLUSTER_TYPE_NAME, "the database"),
        "DeletionProtection",
        "true",
    )),
    snapshots(store(redshift::CLUSTER_TYPE_NAME, "the data warehouse")),
    snapshots(store(
        elasticache::REPLICATION_GROUP_TYPE_NAME,
        "the cached data",
    )),
    snapshots(store(
        elasticache::CACHE_CLUSTER_TYPE_NAME,
        "the cached data",
    )),
    store(memorydb::CLUSTER_TYPE_NAME, "the stored data"),
    store(opensearchservice::DOMAIN_TYPE_NAME, "all indexes"),
    store(efs::FILE_SYSTEM_TYPE_NAME, "all files"),
    snapshots(store(ec2::VOLUME_TYPE_NAME, "the volume's data")),
    store(ecr::REPOSITORY_TYPE_NAME, "all images"),
    store(backup::BACKUP_VAULT_TYPE_NAME, "all recovery points"),
    protected(
        store(cognito::USER_POOL_TYPE_NAME, "all users"),
        "DeletionProtection",
        "ACTIVE",
    ),
    store(
        kms::KEY_TYPE_NAME,
        "the key (anything encrypted with it becomes unreadable)",
    ),
    store(secretsmanager::SECRET_TYPE_NAME, "the secret value"),
];

/// Where the schema is looser than AWS's reference: properties the schema does not mark
/// create-only (or only conditionally) whose change nevertheless replaces the resource. The
/// schema marks a DynamoDB table's `KeySchema` only conditionally create-only and does not list
/// `LocalSecondaryIndexes`, but DynamoDB's UpdateTable API cannot change either, and the
/// CloudFormation reference says "Update requires: Replacement" for both. These only ever
/// upgrade a property to create-only.
pub const STRICTER_CREATE_ONLY: &[(&str, &[&str])] = &[
    (
        dynamodb::TABLE_TYPE_NAME,
        &["/properties/KeySchema", "/properties/LocalSecondaryIndexes"],
    ),
    (
        dynamodb::GLOBAL_TABLE_TYPE_NAME,
        &["/properties/KeySchema", "/properties/LocalSecondaryIndexes"],
    ),
];

/// The data store entry of a type, if it holds data.
pub fn data_store(type_name: &str) -> Option<&'static DataStore> {
    DATA_STORES.iter().find(|s| s.type_name == type_name)
}

/// The stricter create-only pointers of a type (usually none).
pub fn stricter_create_only(type_name: &str) -> &'static [&'static str] {
    STRICTER_CREATE_ONLY
        .iter()
        .find(|(t, _)| *t == type_name)
        .map_or(&[], |(_, pointers)| pointers)
}

/// Handler permissions in AWS's resource schemas that are not IAM actions (API operation names,
/// and one typo), with the IAM action that authorizes the operation where there is one. IAM
/// policies must name actions of the Service Authorization Reference; cfn-lint's W3037 checks
/// the rendered deploy role against it, so a new one shows up in `make test`. S3 authorizes
/// deleting a bucket configuration with the action that puts it ("Amazon S3 API operations and
/// their permissions", <https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html>).
pub const NOT_IAM_ACTIONS: &[(&str, Option<&str>)] = &[
    // API Gateway tags with PUT/DELETE on its `/tags/{arn}` resource.
    ("apigateway:TagResource", Some("apigateway:PUT")),
    ("apigateway:UntagResource", Some("apigateway:DELETE")),
    (
        "cloudfront:CreateDistributionWithTags",
        Some("cloudfront:CreateDistribution"),
    ),
    ("lambda:AssociateRuntimeAlias", None),
    (
        "s3:DeleteBucketAnalyticsConfiguration",
        Some("s3:PutAnalyticsConfiguration"),
    ),
    ("s3:DeleteBucketCors", Some("s3:PutBucketCORS")),
    (
        "s3:DeleteBucketEncryption",
        Some("s3:PutEncryptionConfiguration"),
    ),
    (
        "s3:DeleteBucketLifecycle",
        Some("s3:PutLifecycleConfiguration"),
    ),
    (
        "s3:DeleteBucketMetricsConfiguration",
        Some("s3:PutMetricsConfiguration"),
    ),
    (
        "s3:DeleteBucketReplication",
        Some("s3:PutReplicationConfiguration"),
    ),
    ("s3:GetObjectMetadata", Some("s3:GetObject")),
    (
        "s3:PutBucketReplication",
        Some("s3:PutReplicationConfiguration"),
    ),
    (
        "s3:PutObjectLockConfiguration",
        Some("s3:PutBucketObjectLockConfiguration"),
    ),
    ("s3:REST.PUT.OBJECT", Some("s3:PutObject")),
];

/// The IAM action that authorizes a handler permission: itself, or its [`NOT_IAM_ACTIONS`]
/// replacement (`None` when nothing in IAM corresponds).
pub fn iam_action(handler_permission: &'static str) -> Option<&'static str> {
    match NOT_IAM_ACTIONS
        .iter()
        .find(|(name, _)| *name == handler_permission)
    {
        Some((_, replacement)) => *replacement,
        None => Some(handler_permission),
    }
}
