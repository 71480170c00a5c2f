//! Which resources hold data, and what CloudFormation does with that data when they go away.
//!
//! Removing or replacing a Lambda function costs a few seconds; removing or replacing a table
//! deletes every item in it. This module is the one place that knows which resource types hold
//! data, and how `DeletionPolicy` / `UpdateReplacePolicy` decide whether that data survives.

use serde::Serialize;
use serde_json::Value;

/// Resource types whose deletion loses data, with what is lost.
const STATEFUL: &[(&str, &str)] = &[
    ("AWS::DynamoDB::Table", "all items in the table"),
    ("AWS::DynamoDB::GlobalTable", "all items in every replica"),
    ("AWS::S3::Bucket", "all objects in the bucket"),
    (
        "AWS::S3Express::DirectoryBucket",
        "all objects in the bucket",
    ),
    ("AWS::SQS::Queue", "messages waiting in the queue"),
    ("AWS::Logs::LogGroup", "all log events"),
    ("AWS::Kinesis::Stream", "records in the stream"),
    ("AWS::Events::Archive", "archived events"),
    ("AWS::RDS::DBInstance", "the database"),
    ("AWS::RDS::DBCluster", "the database"),
    ("AWS::DocDB::DBCluster", "the database"),
    ("AWS::Neptune::DBCluster", "the database"),
    ("AWS::Redshift::Cluster", "the data warehouse"),
    ("AWS::ElastiCache::ReplicationGroup", "the cached data"),
    ("AWS::ElastiCache::CacheCluster", "the cached data"),
    ("AWS::MemoryDB::Cluster", "the stored data"),
    ("AWS::OpenSearchService::Domain", "all indexes"),
    ("AWS::EFS::FileSystem", "all files"),
    ("AWS::EC2::Volume", "the volume's data"),
    ("AWS::ECR::Repository", "all images"),
    ("AWS::Backup::BackupVault", "all recovery points"),
    ("AWS::Cognito::UserPool", "all users"),
    (
        "AWS::KMS::Key",
        "the key (anything encrypted with it becomes unreadable)",
    ),
    ("AWS::SecretsManager::Secret", "the secret value"),
];

/// Properties that make the service itself refuse a delete, with the value that turns them on.
/// With one of them on, CloudFormation's delete of the old resource fails during cleanup and
/// the resource stays in the account, outside the stack.
const DELETION_PROTECTION: &[(&str, &str, &str)] = &[
    ("AWS::DynamoDB::Table", "DeletionProtectionEnabled", "true"),
    ("AWS::Logs::LogGroup", "DeletionProtectionEnabled", "true"),
    ("AWS::RDS::DBInstance", "DeletionProtection", "true"),
    ("AWS::RDS::DBCluster", "DeletionProtection", "true"),
    ("AWS::DocDB::DBCluster", "DeletionProtection", "true"),
    ("AWS::Neptune::DBCluster", "DeletionProtection", "true"),
    ("AWS::Cognito::UserPool", "DeletionProtection", "ACTIVE"),
];

/// Types CloudFormation cannot delete while they hold data, whatever the policy says.
const DELETE_FAILS_WHEN_NOT_EMPTY: &[(&str, &str)] = &[
    (
        "AWS::S3::Bucket",
        "CloudFormation deletes the bucket only if it is empty: while it holds objects the delete \
         fails during cleanup and the bucket is left outside the stack",
    ),
    (
        "AWS::S3Express::DirectoryBucket",
        "CloudFormation deletes the bucket only if it is empty: while it holds objects the delete \
         fails during cleanup and the bucket is left outside the stack",
    ),
];

/// Types for which `DeletionPolicy: Snapshot` is valid (AWS documentation, DeletionPolicy attribute).
const SNAPSHOT_CAPABLE: &[&str] = &[
    "AWS::EC2::Volume",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Neptune::DBCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster",
    "AWS::DocDB::DBCluster",
];

/// What is lost when a resource of this type is deleted, or `None` for stateless types.
pub fn data_held(resource_type: &str) -> Option<&'static str> {
    STATEFUL
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, what)| *what)
}

/// True when deleting a resource of this type loses data.
pub fn is_stateful(resource_type: &str) -> bool {
    data_held(resource_type).is_some()
}

/// Which policy attribute governs the old physical resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PolicyAttribute {
    /// The resource is removed from the template: the deployed template's `DeletionPolicy` applies.
    DeletionPolicy,
    /// The resource is replaced: `UpdateReplacePolicy` applies to the old physical resource.
    UpdateReplacePolicy,
}

/// What happens to the data of a resource that is removed or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataOutcome {
    /// The old resource and its data are deleted.
    Deleted,
    /// A final snapshot is taken, then the resource is deleted.
    Snapshot,
    /// Deletion protection is on in the deployed resource: CloudFormation's delete fails during
    /// cleanup and the old resource stays in the account, outside the stack.
    Protected,
    /// The old resource is left in the account, outside the stack (a new one starts empty).
    Retained,
}

/// The fate of a stateful resource's data, and the policy that decides it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataFate {
    /// What is lost if the data is deleted ("all items in the table").
    pub data: &'static str,
    pub outcome: DataOutcome,
    /// The attribute that decides (`DeletionPolicy` on removal, `UpdateReplacePolicy` on replacement).
    pub attribute: PolicyAttribute,
    /// The attribute's effective value (`Delete` when not set, `Snapshot` for RDS defaults).
    pub policy: String,
    /// The deletion-protection property that blocks the delete, when `outcome` is `protected`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protected_by: Option<&'static str>,
    /// A limit of CloudFormation worth knowing (a non-empty bucket cannot be deleted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caveat: Option<&'static str>,
}

impl DataFate {
    /// True when the data survives (retained or snapshotted).
    pub fn is_protected(&self) -> bool {
        self.outcome != DataOutcome::Deleted
    }
}

/// The value of a policy attribute as written, or CloudFormation's default when absent.
fn effective_policy(resource_type: &str, body: &Value, attribute: PolicyAttribute) -> String {
    let key = match attribute {
        PolicyAttribute::DeletionPolicy => "DeletionPolicy",
        PolicyAttribute::UpdateReplacePolicy => "UpdateReplacePolicy",
    };
    if let Some(policy) = body.get(key).and_then(Value::as_str) {
        return policy.to_owned();
    }
    // AWS documentation: for AWS::RDS::DBCluster, and AWS::RDS::DBInstance without
    // DBClusterIdentifier, the default DeletionPolicy is Snapshot.
    let in_cluster = body
        .get("Properties")
        .and_then(|p| p.get("DBClusterIdentifier"))
        .is_some();
    let rds_default = resource_type == "AWS::RDS::DBCluster"
        || (resource_type == "AWS::RDS::DBInstance" && !in_cluster);
    if attribute == PolicyAttribute::DeletionPolicy && rds_default {
        "Snapshot".to_owned()
    } else {
        "Delete".to_owned()
    }
}

/// The deletion-protection property that is on in `body`, if any.
fn protection(resource_type: &str, body: &Value) -> Option<&'static str> {
    DELETION_PROTECTION
        .iter()
        .find(|(t, property, on)| {
            *t == resource_type
                && body
                    .get("Properties")
                    .and_then(|p| p.get(*property))
                    .is_some_and(|v| match v {
                        Value::String(s) => s.eq_ignore_ascii_case(on),
                        Value::Bool(b) => b.to_string() == *on,
                        _ => false,
                    })
        })
        .map(|(_, property, _)| *property)
}

fn caveat(resource_type: &str) -> Option<&'static str> {
    DELETE_FAILS_WHEN_NOT_EMPTY
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, caveat)| *caveat)
}

/// Builds the fate from the policy, then lets deletion protection of the deployed resource
/// override a delete.
fn fate(
    resource_type: &str,
    data: &'static str,
    attribute: PolicyAttribute,
    policy: String,
    old_body: &Value,
) -> DataFate {
    let mut outcome = outcome(resource_type, &policy);
    let protected_by = match outcome {
        DataOutcome::Deleted | DataOutcome::Snapshot => protection(resource_type, old_body),
        _ => None,
    };
    if protected_by.is_some() {
        outcome = DataOutcome::Protected;
    }
    DataFate {
        data,
        outcome,
        attribute,
        policy,
        protected_by,
        caveat: (outcome == DataOutcome::Deleted)
            .then(|| caveat(resource_type))
            .flatten(),
    }
}

fn outcome(resource_type: &str, policy: &str) -> DataOutcome {
    match policy {
        // RetainExceptOnCreate only deletes when the stack operation that created it fails; on
        // removal or replacement during an update it retains.
        "Retain" | "RetainExceptOnCreate" => DataOutcome::Retained,
        "Snapshot" if SNAPSHOT_CAPABLE.contains(&resource_type) => DataOutcome::Snapshot,
        _ => DataOutcome::Deleted,
    }
}

/// The fate of a stateful resource removed from the template: the deployed (old) template's
/// `DeletionPolicy` decides. `None` for stateless types.
pub fn on_removal(resource_type: &str, old_body: &Value) -> Option<DataFate> {
    let data = data_held(resource_type)?;
    let attribute = PolicyAttribute::DeletionPolicy;
    let policy = effective_policy(resource_type, old_body, attribute);
    Some(fate(resource_type, data, attribute, policy, old_body))
}

/// The fate of the old physical resource when a stateful resource is replaced:
/// `UpdateReplacePolicy` decides. When the old and new templates disagree, the less protective
/// of the two is reported, so the diff never promises a retention that may not happen.
/// Deletion protection counts as written in the deployed (old) template: that is the setting
/// the old physical resource has.
pub fn on_replacement(resource_type: &str, old_body: &Value, new_body: &Value) -> Option<DataFate> {
    let data = data_held(resource_type)?;
    let attribute = PolicyAttribute::UpdateReplacePolicy;
    let old_policy = effective_policy(resource_type, old_body, attribute);
    let new_policy = effective_policy(resource_type, new_body, attribute);
    let (old_outcome, new_outcome) = (
        outcome(resource_type, &old_policy),
        outcome(resource_type, &new_policy),
    );
    let policy = if new_outcome <= old_outcome {
        new_policy
    } else {
        old_policy
    };
    Some(fate(resource_type, data, attribute, policy, old_body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_stateful_set_covers_the_products_data_stores() {
        for t in [
            "AWS::DynamoDB::Table",
            "AWS::S3::Bucket",
            "AWS::SQS::Queue",
            "AWS::Logs::LogGroup",
        ] {
            assert!(is_stateful(t), "{t}");
        }
        for t in [
            "AWS::Lambda::Function",
            "AWS::IAM::Role",
            "AWS::SNS::Topic",
            "AWS::CloudFront::Distribution",
        ] {
            assert!(!is_stateful(t), "{t}");
        }
    }

    #[test]
    fn removal_follows_the_deployed_deletion_policy() {
        let deleted = on_removal("AWS::S3::Bucket", &json!({"Type": "AWS::S3::Bucket"}));
        let deleted = deleted.expect("stateful");
        assert_eq!(deleted.outcome, DataOutcome::Deleted);
        assert_eq!(deleted.policy, "Delete");
        let kept = on_removal("AWS::DynamoDB::Table", &json!({"DeletionPolicy": "Retain"}))
            .expect("stateful");
        assert!(kept.is_protected());
        assert_eq!(kept.attribute, PolicyAttribute::DeletionPolicy);
        assert!(on_removal("AWS::Lambda::Function", &json!({})).is_none());
    }

    #[test]
    fn snapshot_only_protects_types_that_support_it_and_rds_defaults_to_it() {
        let table = on_removal(
            "AWS::DynamoDB::Table",
            &json!({"DeletionPolicy": "Snapshot"}),
        );
        assert_eq!(table.expect("stateful").outcome, DataOutcome::Deleted);
        let db = on_removal("AWS::RDS::DBInstance", &json!({"Properties": {}}));
        assert_eq!(db.expect("stateful").outcome, DataOutcome::Snapshot);
        let member = on_removal(
            "AWS::RDS::DBInstance",
            &json!({"Properties": {"DBClusterIdentifier": "c"}}),
        );
        assert_eq!(member.expect("stateful").outcome, DataOutcome::Deleted);
    }

    #[test]
    fn deletion_protection_of_the_deployed_resource_blocks_the_delete() {
        let protected = json!({"Properties": {"DeletionProtectionEnabled": true}});
        let fate = on_removal("AWS::DynamoDB::Table", &protected).expect("stateful");
        assert_eq!(fate.outcome, DataOutcome::Protected);
        assert_eq!(fate.protected_by, Some("DeletionProtectionEnabled"));
        assert!(fate.is_protected());
        let off = json!({"Properties": {"DeletionProtectionEnabled": "false"}});
        let fate = on_replacement("AWS::DynamoDB::Table", &off, &protected).expect("stateful");
        assert_eq!(
            fate.outcome,
            DataOutcome::Deleted,
            "the old table is not protected"
        );
        let pool = json!({"Properties": {"DeletionProtection": "ACTIVE"}});
        let fate = on_removal("AWS::Cognito::UserPool", &pool).expect("stateful");
        assert_eq!(fate.outcome, DataOutcome::Protected);
        let retained =
            json!({"DeletionPolicy": "Retain", "Properties": {"DeletionProtectionEnabled": true}});
        let fate = on_removal("AWS::DynamoDB::Table", &retained).expect("stateful");
        assert_eq!(
            fate.outcome,
            DataOutcome::Retained,
            "Retain wins: no delete is attempted"
        );
    }

    #[test]
    fn buckets_carry_the_non_empty_caveat() {
        let fate = on_removal("AWS::S3::Bucket", &json!({})).expect("stateful");
        assert!(
            fate.caveat
                .is_some_and(|c| c.contains("only if it is empty"))
        );
        let fate =
            on_removal("AWS::S3::Bucket", &json!({"DeletionPolicy": "Retain"})).expect("stateful");
        assert!(fate.caveat.is_none());
        let fate = on_removal("AWS::SQS::Queue", &json!({})).expect("stateful");
        assert!(fate.caveat.is_none());
    }

    #[test]
    fn replacement_uses_update_replace_policy_and_the_weaker_side() {
        let retained = json!({"UpdateReplacePolicy": "Retain", "DeletionPolicy": "Retain"});
        let only_deletion = json!({"DeletionPolicy": "Retain"});
        let fate = on_replacement("AWS::DynamoDB::Table", &only_deletion, &only_deletion);
        let fate = fate.expect("stateful");
        assert_eq!(
            fate.outcome,
            DataOutcome::Deleted,
            "DeletionPolicy does not cover replacement"
        );
        let fate = on_replacement("AWS::DynamoDB::Table", &retained, &only_deletion);
        assert_eq!(fate.expect("stateful").outcome, DataOutcome::Deleted);
        let fate = on_replacement("AWS::DynamoDB::Table", &retained, &retained);
        let fate = fate.expect("stateful");
        assert_eq!(fate.outcome, DataOutcome::Retained);
        assert_eq!(fate.policy, "Retain");
    }
}
