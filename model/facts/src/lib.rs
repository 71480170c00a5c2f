//! What stackgen knows of each CloudFormation resource type, as data: what AWS's resource
//! schemas say, generated, and what they do not say, written by hand.
//!
//! Why a crate of its own: every part of stackgen that needs to know something about a resource
//! type — which types take tags, which IAM service manages them, which property changes replace
//! a resource, which types hold data, which bill by the hour, how a property is spelt — reads it
//! here, instead of keeping its own string table. It is data, not code: nothing here depends on
//! the typed CloudFormation of `stackgen-model` (which re-exports this crate), so an edit there
//! does not rebuild the ~15,000 generated lines of facts and names. Adding a type is one line in
//! `model/allowlist.txt` and a regeneration (README: "Adding a resource type").
//!
//! - [`generated`]: one [`ResourceFacts`] static per allowlisted type, its type name as a
//!   constant (`sqs::QUEUE_TYPE_NAME`) and its property names as constants
//!   (`sqs::props::queue::QUEUE_NAME`), written by the generator (`model/gen`) from the vendored
//!   schemas in `model/schemas/`. Committed; a test regenerates it and fails on any difference.
//! - [`hand`]: what the schemas do not say (which types hold data, and where AWS's reference is
//!   stricter than the schema), written by hand.
//! - [`billing`]: which types bill by the hour whether used or not, and which have no charge of
//!   their own, written by hand; read by the no-ghost-spend guardrail, the deploy role and the
//!   cost estimator alike.

pub mod billing;
mod facts;
pub mod generated;
pub mod hand;

pub use billing::{AlwaysOn, Free, always_on, free_type};
pub use facts::{ResourceFacts, TagShape, Tagging};
pub use generated::ALL;
pub use hand::{DataStore, DefaultDeletionPolicy, data_store};

/// The facts of a resource type (`AWS::SQS::Queue`), or `None` when it is not allowlisted.
pub fn facts(type_name: &str) -> Option<&'static ResourceFacts> {
    ALL.binary_search_by(|f| f.type_name.cmp(type_name))
        .ok()
        .and_then(|i| ALL.get(i).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_sorted_and_unique_so_lookups_find_every_type() {
        assert!(ALL.windows(2).all(|w| w[0].type_name < w[1].type_name));
        for f in ALL {
            assert_eq!(facts(f.type_name).map(|g| g.type_name), Some(f.type_name));
        }
        assert!(facts("AWS::Made::Up").is_none());
    }

    #[test]
    fn facts_read_from_the_schemas() {
        let queue = facts("AWS::SQS::Queue").expect("allowlisted");
        assert_eq!(queue.service, Some("sqs"));
        assert_eq!(queue.physical_name, Some("/properties/QueueName"));
        assert!(queue.create_only.contains(&"/properties/FifoQueue"));
        assert!(queue.read_only.contains(&"/properties/Arn"));
        assert_eq!(
            queue.tagging,
            Tagging::Taggable {
                property: "/properties/Tags",
                shape: TagShape::List
            }
        );
        let api = facts("AWS::ApiGatewayV2::Api").expect("allowlisted");
        assert!(matches!(
            api.tagging,
            Tagging::Taggable {
                shape: TagShape::Map,
                ..
            }
        ));
        let budget = facts("AWS::Budgets::Budget").expect("allowlisted");
        assert!(matches!(
            budget.tagging,
            Tagging::Taggable {
                property: "/properties/ResourceTags",
                ..
            }
        ));
        assert_eq!(
            facts("AWS::Lambda::Permission").map(|f| f.tagging),
            Some(Tagging::NotTaggable)
        );
        assert_eq!(
            facts("AWS::Cognito::UserPool").and_then(|f| f.service),
            Some("cognito-idp")
        );
    }

    #[test]
    fn the_stricter_reference_upgrades_a_tables_key_schema() {
        let table = facts("AWS::DynamoDB::Table").expect("allowlisted");
        assert!(table.replacing().contains(&"/properties/KeySchema"));
        assert!(!table.maybe_replacing().contains(&"/properties/KeySchema"));
        let data = table.data_store().expect("a data store");
        assert_eq!(data.data, "all items in the table");
        assert!(
            facts("AWS::Lambda::Function")
                .and_then(ResourceFacts::data_store)
                .is_none()
        );
    }
}
