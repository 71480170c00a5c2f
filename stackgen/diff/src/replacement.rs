//! Which property changes make CloudFormation replace a resource.
//!
//! AWS states it in every resource provider schema: `createOnlyProperties` cannot be updated in
//! place (a change creates a new physical resource and deletes the old one), and
//! `conditionalCreateOnlyProperties` may force that, depending on the change. The rules here are
//! built from stackgen-facts, generated from those schemas (`model/allowlist.txt` lists
//! the types), so the answer comes from AWS's own data, not from a hand-kept list.

use stackgen_facts::generated::cloudformation;
use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::Value;
use stackgen_facts::ResourceFacts;

use super::model::Replacement;
use super::path::{PropertyPath, Segment};
use super::values::{is_intrinsic, loosely_equal};

/// One step of a schema property pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PointerStep {
    Key(String),
    /// `*`: any element of a list (or any value of a map).
    Any,
}

/// One create-only (or conditionally create-only) property of a resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    pointer: Vec<PointerStep>,
    level: Replacement,
    physical_name: bool,
}

/// What AWS's schema says about updating one resource type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeRules {
    rules: Vec<Rule>,
}

/// Every resource type stackgen knows (the facts crate).
#[derive(Debug, Clone, Default)]
pub struct ReplacementRules {
    types: HashMap<&'static str, TypeRules>,
}

static RULES: LazyLock<ReplacementRules> =
    LazyLock::new(|| ReplacementRules::from_facts(stackgen_facts::ALL.iter().copied()));

/// `/properties/KeySchema/*/AttributeName` → `KeySchema`, any element, `AttributeName`.
fn pointer_steps(pointer: &str) -> Vec<PointerStep> {
    let below = pointer.strip_prefix("/properties/").unwrap_or(pointer);
    below
        .split('/')
        .map(|step| match step {
            "*" => PointerStep::Any,
            key => PointerStep::Key(key.replace("~1", "/").replace("~0", "~")),
        })
        .collect()
}

impl ReplacementRules {
    /// The rules of every allowlisted type, built once.
    pub fn embedded() -> &'static ReplacementRules {
        &RULES
    }

    /// The rules of the given types.
    pub fn from_facts(facts: impl IntoIterator<Item = &'static ResourceFacts>) -> Self {
        let types = facts
            .into_iter()
            .map(|f| (f.type_name, TypeRules::from_facts(f)))
            .collect();
        Self { types }
    }

    /// The rules for a resource type; custom resources (`Custom::X`) share
    /// `AWS::CloudFormation::CustomResource`'s. `None` when the type is not allowlisted.
    pub fn for_type(&self, resource_type: &str) -> Option<&TypeRules> {
        if resource_type.starts_with("Custom::") {
            return self.types.get(cloudformation::CUSTOM_RESOURCE_TYPE_NAME);
        }
        self.types.get(resource_type)
    }

    /// How many resource types the rules cover.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    /// True when no type is covered.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }
}

impl TypeRules {
    /// The schema's create-only properties (plus the stricter ones of AWS's reference, see
    /// `stackgen_facts::hand`) replace always, the conditional ones may replace; the physical
    /// name is marked on its create-only rule.
    pub fn from_facts(facts: &ResourceFacts) -> Self {
        let always = facts.replacing().into_iter().map(|pointer| Rule {
            pointer: pointer_steps(pointer),
            level: Replacement::Always,
            physical_name: facts.physical_name == Some(pointer),
        });
        let maybe = facts.maybe_replacing().into_iter().map(|pointer| Rule {
            pointer: pointer_steps(pointer),
            level: Replacement::Conditional,
            physical_name: false,
        });
        Self {
            rules: always.chain(maybe).collect(),
        }
    }
}

/// Values found by following a pointer, or `Opaque` when an intrinsic function stands in the way
/// (its value is only known at deploy time).
enum Selected<'a> {
    Values(Vec<&'a Value>),
    Opaque,
}

fn select<'a>(value: Option<&'a Value>, steps: &[PointerStep]) -> Selected<'a> {
    let Some(value) = value else {
        return Selected::Values(Vec::new());
    };
    let Some((first, rest)) = steps.split_first() else {
        return Selected::Values(vec![value]);
    };
    if is_intrinsic(value) {
        return Selected::Opaque;
    }
    let children: Vec<&Value> = match (first, value) {
        (PointerStep::Key(key), Value::Object(map)) => map.get(key).into_iter().collect(),
        (PointerStep::Any, Value::Array(items)) => items.iter().collect(),
        (PointerStep::Any, Value::Object(map)) => map.values().collect(),
        _ => Vec::new(),
    };
    let mut found = Vec::new();
    for child in children {
        match select(Some(child), rest) {
            Selected::Values(values) => found.extend(values),
            Selected::Opaque => return Selected::Opaque,
        }
    }
    Selected::Values(found)
}

fn step_matches(step: &PointerStep, segment: &Segment) -> bool {
    match (step, segment) {
        (PointerStep::Any, _) => true,
        (PointerStep::Key(key), Segment::Key(name)) => key == name,
        _ => false,
    }
}

/// The path below `Properties`, or `None` for resource attributes (`DependsOn`, `Metadata`, …),
/// which never replace a resource.
fn below_properties(path: &PropertyPath) -> Option<&[Segment]> {
    match path.segments().split_first() {
        Some((Segment::Key(first), rest)) if first == "Properties" => Some(rest),
        _ => None,
    }
}

impl TypeRules {
    /// Classifies a change at `path` (from the resource root, e.g.
    /// `Properties.KeySchema[0].AttributeName`) whose old and new values are `old` and `new`.
    ///
    /// A change inside a create-only property takes that property's level. A change above one
    /// (say the whole `Budget` object, when only `Budget/BudgetName` is create-only) takes its
    /// level only when the create-only part itself differs.
    pub fn classify(
        &self,
        path: &PropertyPath,
        old: Option<&Value>,
        new: Option<&Value>,
    ) -> Replacement {
        let Some(relative) = below_properties(path) else {
            return Replacement::Never;
        };
        let mut level = Replacement::Never;
        for rule in &self.rules {
            if rule.level <= level {
                continue;
            }
            let shared = rule.pointer.len().min(relative.len());
            let prefix_matches = rule.pointer[..shared]
                .iter()
                .zip(&relative[..shared])
                .all(|(step, segment)| step_matches(step, segment));
            if !prefix_matches {
                continue;
            }
            let applies = if relative.len() >= rule.pointer.len() {
                true
            } else if relative.is_empty() && old.is_none() && new.is_none() {
                false
            } else {
                let remainder = &rule.pointer[relative.len()..];
                match (select(old, remainder), select(new, remainder)) {
                    (Selected::Values(a), Selected::Values(b)) => {
                        a.len() != b.len() || a.iter().zip(&b).any(|(x, y)| !loosely_equal(x, y))
                    }
                    _ => true,
                }
            };
            if applies {
                level = rule.level;
            }
        }
        level
    }

    /// The property that names the physical resource (`TableName`, `BucketName`, …), as a path
    /// from the resource root, when the type has one.
    pub fn physical_name(&self) -> Option<PropertyPath> {
        let rule = self.rules.iter().find(|rule| rule.physical_name)?;
        let mut path = PropertyPath::root().key("Properties");
        for step in &rule.pointer {
            match step {
                PointerStep::Key(key) => path = path.key(key),
                PointerStep::Any => return None,
            }
        }
        Some(path)
    }

    /// The create-only properties (as `/properties/...` pointers) and their level, for display.
    pub fn create_only(&self) -> Vec<(String, Replacement)> {
        self.rules
            .iter()
            .map(|rule| {
                let steps: Vec<&str> = rule
                    .pointer
                    .iter()
                    .map(|step| match step {
                        PointerStep::Key(key) => key.as_str(),
                        PointerStep::Any => "*",
                    })
                    .collect();
                (format!("/properties/{}", steps.join("/")), rule.level)
            })
            .collect()
    }
}

/// Reads the value at `path` (keys only) inside a resource body.
pub(crate) fn value_at<'a>(resource: &'a Value, path: &PropertyPath) -> Option<&'a Value> {
    let mut current = resource;
    for segment in path.segments() {
        current = match segment {
            Segment::Key(key) => current.as_object()?.get(key)?,
            Segment::Index(index) => current.as_array()?.get(*index)?,
            Segment::Keyed { .. } => return None,
        };
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(resource_type: &str) -> &'static TypeRules {
        ReplacementRules::embedded()
            .for_type(resource_type)
            .unwrap_or_else(|| panic!("{resource_type} is allowlisted"))
    }

    /// A made-up type whose only create-only property is `Peers/*/Asn`.
    static PEERS: ResourceFacts = ResourceFacts {
        type_name: "AWS::X::Y",
        service: None,
        iam_prefixes: &[],
        handler_actions: &[],
        read_actions: &[],
        tagging: stackgen_facts::Tagging::NotTaggable,
        create_only: &["/properties/Peers/*/Asn"],
        conditional_create_only: &["/properties/Peers/*/Asn", "/properties/B"],
        read_only: &[],
        write_only: &[],
        primary_identifier: &[],
        required: &[],
        physical_name: None,
    };

    fn props(keys: &[&str]) -> PropertyPath {
        PropertyPath::from_keys(std::iter::once("Properties").chain(keys.iter().copied()))
    }

    #[test]
    fn the_rules_cover_the_products_types() {
        let table = ReplacementRules::embedded();
        for resource_type in [
            "AWS::S3::Bucket",
            "AWS::S3::BucketPolicy",
            "AWS::CloudFront::Distribution",
            "AWS::CloudFront::OriginAccessControl",
            "AWS::ApiGatewayV2::Api",
            "AWS::ApiGatewayV2::Stage",
            "AWS::Lambda::Function",
            "AWS::Lambda::Permission",
            "AWS::Lambda::EventSourceMapping",
            "AWS::IAM::Role",
            "AWS::Logs::LogGroup",
            "AWS::DynamoDB::Table",
            "AWS::SQS::Queue",
            "AWS::SNS::Topic",
            "AWS::SNS::Subscription",
            "AWS::CloudWatch::Alarm",
            "AWS::CloudWatch::Dashboard",
            "AWS::Budgets::Budget",
            "AWS::CE::AnomalyMonitor",
            "AWS::CE::AnomalySubscription",
            "AWS::Scheduler::Schedule",
            "AWS::Events::Rule",
            "AWS::EC2::NatGateway",
            "AWS::EC2::Instance",
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
        ] {
            assert!(table.for_type(resource_type).is_some(), "{resource_type}");
        }
        assert_eq!(table.len(), stackgen_facts::ALL.len());
        assert!(table.for_type("AWS::Made::Up").is_none());
        assert!(table.for_type("Custom::Seeder").is_some());
    }

    #[test]
    fn conditional_rules_skip_what_is_create_only_anyway() {
        let rules = TypeRules::from_facts(&PEERS);
        let levels: Vec<_> = rules.create_only();
        assert_eq!(
            levels,
            [
                ("/properties/Peers/*/Asn".to_owned(), Replacement::Always),
                ("/properties/B".to_owned(), Replacement::Conditional)
            ]
        );
    }

    #[test]
    fn table_name_replaces_and_memory_does_not() {
        let table = rules("AWS::DynamoDB::Table");
        let name = props(&["TableName"]);
        assert_eq!(
            table.classify(&name, Some(&json!("a")), Some(&json!("b"))),
            Replacement::Always
        );
        let key = props(&["KeySchema"]).index(0).key("AttributeName");
        assert_eq!(
            table.classify(&key, Some(&json!("pk")), Some(&json!("id"))),
            Replacement::Always,
            "the schema says conditional; the generator's documented override makes it create-only"
        );
        let bus = props(&["EventBusName"]);
        assert_eq!(
            rules("AWS::Events::Rule").classify(
                &bus,
                Some(&json!("default")),
                Some(&json!("orders"))
            ),
            Replacement::Conditional
        );
        let billing = props(&["BillingMode"]);
        assert_eq!(
            table.classify(
                &billing,
                Some(&json!("PROVISIONED")),
                Some(&json!("PAY_PER_REQUEST"))
            ),
            Replacement::Never
        );
        let memory = props(&["MemorySize"]);
        assert_eq!(
            rules("AWS::Lambda::Function").classify(&memory, Some(&json!(128)), Some(&json!(256))),
            Replacement::Never
        );
    }

    #[test]
    fn attributes_outside_properties_never_replace() {
        let table = rules("AWS::DynamoDB::Table");
        let path = PropertyPath::from_keys(["DeletionPolicy"]);
        assert_eq!(
            table.classify(&path, Some(&json!("Delete")), Some(&json!("Retain"))),
            Replacement::Never
        );
    }

    #[test]
    fn change_above_a_nested_create_only_property_looks_inside() {
        let budget = rules("AWS::Budgets::Budget");
        let path = props(&["Budget"]);
        let same_name_other_limit = budget.classify(
            &path,
            Some(&json!({"BudgetName": "b", "BudgetLimit": {"Amount": 10}})),
            Some(&json!({"BudgetName": "b", "BudgetLimit": {"Amount": 20}})),
        );
        assert_eq!(same_name_other_limit, Replacement::Never);
        let renamed = budget.classify(
            &path,
            Some(&json!({"BudgetName": "a"})),
            Some(&json!({"BudgetName": "b"})),
        );
        assert_eq!(renamed, Replacement::Always);
        let opaque = budget.classify(
            &path,
            Some(&json!({"BudgetName": "a"})),
            Some(&json!({"Fn::If": ["C", {"BudgetName": "a"}, {"BudgetName": "b"}]})),
        );
        assert_eq!(opaque, Replacement::Always);
        let whole_properties = budget.classify(
            &PropertyPath::from_keys(["Properties"]),
            Some(&json!({"Budget": {"BudgetName": "a"}})),
            Some(&json!({"Budget": {"BudgetName": "a"}, "NotificationsWithSubscribers": []})),
        );
        assert_eq!(whole_properties, Replacement::Always);
    }

    #[test]
    fn wildcards_match_list_elements() {
        let table = ReplacementRules::from_facts([&PEERS]);
        let rules = table.for_type("AWS::X::Y").expect("listed");
        let path = props(&["Peers"]).index(3).key("Asn");
        assert_eq!(
            rules.classify(&path, Some(&json!(1)), Some(&json!(2))),
            Replacement::Always
        );
        let other = props(&["Peers"]).index(3).key("Name");
        assert_eq!(
            rules.classify(&other, Some(&json!("a")), Some(&json!("b"))),
            Replacement::Never
        );
        let added_peer = props(&["Peers"]).index(1);
        assert_eq!(
            rules.classify(&added_peer, None, Some(&json!({"Asn": 5}))),
            Replacement::Always
        );
    }

    #[test]
    fn physical_names_come_from_the_facts() {
        let name = |t: &str| rules(t).physical_name().map(|p| p.to_string());
        assert_eq!(
            name("AWS::DynamoDB::Table").as_deref(),
            Some("Properties.TableName")
        );
        assert_eq!(
            name("AWS::S3::Bucket").as_deref(),
            Some("Properties.BucketName")
        );
        assert_eq!(
            name("AWS::SQS::Queue").as_deref(),
            Some("Properties.QueueName")
        );
        assert_eq!(
            name("AWS::Budgets::Budget").as_deref(),
            Some("Properties.Budget.BudgetName")
        );
        assert_eq!(name("AWS::Lambda::Permission"), None);
        assert_eq!(name("AWS::IAM::Policy"), None);
    }

    #[test]
    fn value_at_follows_keys_and_indexes() {
        let body = json!({"Properties": {"A": [{"B": 1}]}});
        let path = PropertyPath::from_keys(["Properties", "A"])
            .index(0)
            .key("B");
        assert_eq!(value_at(&body, &path), Some(&json!(1)));
        assert_eq!(value_at(&body, &PropertyPath::from_keys(["Nope"])), None);
    }
}
