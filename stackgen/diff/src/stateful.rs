//! Which resources hold data, and what CloudFormation does with that data when they go away.
//!
//! Removing or replacing a Lambda function costs a few seconds; removing or replacing a table
//! deletes every item in it. Which types hold data (what is lost, deletion protection, snapshot
//! support, default policy) is one hand-written table, `stackgen_facts::hand::DATA_STORES`;
//! this module decides from it and a resource's `DeletionPolicy` / `UpdateReplacePolicy`
//! whether the data survives.

use serde::Serialize;
use serde_json::Value;
use stackgen_facts::{DataStore, DefaultDeletionPolicy, data_store};

/// What is lost when a resource of this type is deleted, or `None` for stateless types.
pub fn data_held(resource_type: &str) -> Option<&'static str> {
    data_store(resource_type).map(|s| s.data)
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
fn effective_policy(store: &DataStore, body: &Value, attribute: PolicyAttribute) -> String {
    let key = match attribute {
        PolicyAttribute::DeletionPolicy => "DeletionPolicy",
        PolicyAttribute::UpdateReplacePolicy => "UpdateReplacePolicy",
    };
    if let Some(policy) = body.get(key).and_then(Value::as_str) {
        return policy.to_owned();
    }
    // AWS documentation: for AWS::RDS::DBCluster, and AWS::RDS::DBInstance without
    // DBClusterIdentifier, the default DeletionPolicy is Snapshot.
    let snapshot = match store.default_deletion_policy {
        DefaultDeletionPolicy::Delete => false,
        DefaultDeletionPolicy::Snapshot => true,
        DefaultDeletionPolicy::SnapshotUnless(property) => body
            .get("Properties")
            .and_then(|p| p.get(property))
            .is_none(),
    };
    if attribute == PolicyAttribute::DeletionPolicy && snapshot {
        "Snapshot".to_owned()
    } else {
        "Delete".to_owned()
    }
}

/// The deletion-protection property that is on in `body`, if any.
fn protection(store: &DataStore, body: &Value) -> Option<&'static str> {
    let (property, on) = store.deletion_protection?;
    let value = body.get("Properties").and_then(|p| p.get(property))?;
    let is_on = match value {
        Value::String(s) => s.eq_ignore_ascii_case(on),
        Value::Bool(b) => b.to_string() == on,
        _ => false,
    };
    is_on.then_some(property)
}

/// Builds the fate from the policy, then lets deletion protection of the deployed resource
/// override a delete.
fn fate(
    store: &DataStore,
    attribute: PolicyAttribute,
    policy: String,
    old_body: &Value,
) -> DataFate {
    let mut outcome = outcome(store, &policy);
    let protected_by = match outcome {
        DataOutcome::Deleted | DataOutcome::Snapshot => protection(store, old_body),
        _ => None,
    };
    if protected_by.is_some() {
        outcome = DataOutcome::Protected;
    }
    DataFate {
        data: store.data,
        outcome,
        attribute,
        policy,
        protected_by,
        caveat: (outcome == DataOutcome::Deleted)
            .then_some(store.delete_caveat)
            .flatten(),
    }
}

fn outcome(store: &DataStore, policy: &str) -> DataOutcome {
    match policy {
        // RetainExceptOnCreate only deletes when the stack operation that created it fails; on
        // removal or replacement during an update it retains.
        "Retain" | "RetainExceptOnCreate" => DataOutcome::Retained,
        "Snapshot" if store.snapshot => DataOutcome::Snapshot,
        _ => DataOutcome::Deleted,
    }
}

/// The fate of a stateful resource removed from the template: the deployed (old) template's
/// `DeletionPolicy` decides. `None` for stateless types.
pub fn on_removal(resource_type: &str, old_body: &Value) -> Option<DataFate> {
    let store = data_store(resource_type)?;
    let attribute = PolicyAttribute::DeletionPolicy;
    let policy = effective_policy(store, old_body, attribute);
    Some(fate(store, attribute, policy, old_body))
}

/// The fate of the old physical resource when a stateful resource is replaced:
/// `UpdateReplacePolicy` decides. When the old and new templates disagree, the less protective
/// of the two is reported, so the diff never promises a retention that may not happen.
/// Deletion protection counts as written in the deployed (old) template: that is the setting
/// the old physical resource has.
pub fn on_replacement(resource_type: &str, old_body: &Value, new_body: &Value) -> Option<DataFate> {
    let store = data_store(resource_type)?;
    let attribute = PolicyAttribute::UpdateReplacePolicy;
    let old_policy = effective_policy(store, old_body, attribute);
    let new_policy = effective_policy(store, new_body, attribute);
    let (old_outcome, new_outcome) = (outcome(store, &old_policy), outcome(store, &new_policy));
    let policy = if new_outcome <= old_outcome {
        new_policy
    } else {
        old_policy
    };
    Some(fate(store, attribute, policy, old_body))
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
