//! Reads the facts stackgen needs out of one resource provider schema.
//!
//! The schema format is AWS's resource provider definition schema
//! (<https://github.com/aws-cloudformation/cloudformation-resource-schema>). Where it leaves a
//! choice open, the rule used here is written on the function that makes it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::GenError;
use crate::allowlist::TypeName;

const PROPERTIES: &str = "/properties/";

/// One type's facts, as the generator emits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub type_name: TypeName,
    pub description: String,
    pub service: Option<String>,
    pub iam_prefixes: Vec<String>,
    /// Every IAM action the handlers list, sorted, each once.
    pub handler_actions: Vec<String>,
    /// The IAM actions of the read handler alone, sorted: what CloudFormation calls, with the
    /// caller's credentials, to read a resource during drift detection.
    pub read_actions: Vec<String>,
    /// `(tag property pointer, true for a map / false for a list)` when taggable.
    pub tagging: Option<(String, bool)>,
    pub create_only: Vec<String>,
    pub conditional_create_only: Vec<String>,
    pub read_only: Vec<String>,
    pub write_only: Vec<String>,
    pub primary_identifier: Vec<String>,
    pub required: Vec<String>,
    pub physical_name: Option<String>,
    /// The property names of the type and of each of its definitions (`crate::props`).
    pub properties: Vec<crate::props::Group>,
}

impl Facts {
    /// Reads the facts of `type_name` from its schema.
    pub fn from_schema(type_name: &TypeName, schema: &Value) -> Result<Facts, GenError> {
        let fail = |message: String| GenError::Schema {
            type_name: type_name.full.clone(),
            message,
        };
        let declared = schema.get("typeName").and_then(Value::as_str);
        if declared != Some(type_name.full.as_str()) {
            return Err(fail(format!("the schema declares typeName {declared:?}")));
        }
        let pointers = |key: &str| pointer_list(schema, key).map_err(&fail);
        let create_only = pointers("createOnlyProperties")?;
        let primary_identifier = pointers("primaryIdentifier")?;
        let (service, iam_prefixes) = iam(schema);
        Ok(Facts {
            description: text(schema, "description"),
            service,
            iam_prefixes,
            handler_actions: handler_actions(schema),
            read_actions: read_actions(schema),
            tagging: tagging(schema).map_err(&fail)?,
            physical_name: physical_name(&type_name.resource, &create_only, &primary_identifier),
            conditional_create_only: pointers("conditionalCreateOnlyProperties")?,
            read_only: pointers("readOnlyProperties")?,
            write_only: pointers("writeOnlyProperties")?,
            required: strings(schema, "required"),
            create_only,
            primary_identifier,
            properties: crate::props::read(schema),
            type_name: type_name.clone(),
        })
    }
}

fn text(schema: &Value, key: &str) -> String {
    schema
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn strings(schema: &Value, key: &str) -> Vec<String> {
    schema
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// A list of property pointers; each must point below `/properties/`.
fn pointer_list(schema: &Value, key: &str) -> Result<Vec<String>, String> {
    let list = strings(schema, key);
    match list.iter().find(|p| !p.starts_with(PROPERTIES)) {
        Some(bad) => Err(format!("{key}: `{bad}` is not below {PROPERTIES}")),
        None => Ok(list),
    }
}

/// Every permission the schema's handlers (create, read, update, delete, list) list.
fn handler_actions(schema: &Value) -> Vec<String> {
    let handlers = schema.get("handlers").and_then(Value::as_object);
    let all: BTreeSet<String> = handlers
        .into_iter()
        .flat_map(|h| h.values())
        .flat_map(|h| strings(h, "permissions"))
        .collect();
    all.into_iter().collect()
}

/// The permissions of the schema's read handler (sorted, each once).
fn read_actions(schema: &Value) -> Vec<String> {
    let read = schema
        .pointer("/handlers/read")
        .cloned()
        .unwrap_or(Value::Null);
    let all: BTreeSet<String> = strings(&read, "permissions").into_iter().collect();
    all.into_iter().collect()
}

/// The IAM service prefixes of the handlers' permissions (`sqs:CreateQueue` → `sqs`).
///
/// The type's own service is the prefix every handler with permissions uses (the list handler
/// of a Cognito user pool calls only `cognito-idp`, though its create handler calls `kms` more
/// often); among several such, the most used, then the first alphabetically. When no prefix is
/// common to all handlers, the most used overall.
fn iam(schema: &Value) -> (Option<String>, Vec<String>) {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut common: Option<BTreeSet<String>> = None;
    let handlers = schema.get("handlers").and_then(Value::as_object);
    for handler in handlers.into_iter().flat_map(|h| h.values()) {
        let prefixes: BTreeSet<String> = strings(handler, "permissions")
            .iter()
            .filter_map(|p| p.split_once(':').map(|(prefix, _)| prefix.to_owned()))
            .collect();
        for p in strings(handler, "permissions") {
            if let Some((prefix, _)) = p.split_once(':') {
                *counts.entry(prefix.to_owned()).or_default() += 1;
            }
        }
        if prefixes.is_empty() {
            continue;
        }
        common = Some(match common {
            None => prefixes,
            Some(c) => c.intersection(&prefixes).cloned().collect(),
        });
    }
    let candidates = match common {
        Some(c) if !c.is_empty() => c,
        _ => counts.keys().cloned().collect(),
    };
    let used = |p: &String| counts.get(p).copied().unwrap_or_default();
    let service = candidates
        .into_iter()
        .max_by(|a, b| used(a).cmp(&used(b)).then_with(|| b.cmp(a)));
    (service, counts.into_keys().collect())
}

/// The tag property's pointer, when the type is taggable (see [`tagging`]).
pub(crate) fn tag_pointer(schema: &Value) -> Option<String> {
    tagging(schema).ok().flatten().map(|(pointer, _)| pointer)
}

/// Whether the type takes tags, where and in which shape.
///
/// The `tagging` block decides (`taggable`, `tagProperty`, default `/properties/Tags`). Older
/// schemas without the block are taken as taggable when they have a `Tags` property. The shape
/// comes from the tag property's schema: `array` (of `{Key, Value}`) or `object` (a map).
fn tagging(schema: &Value) -> Result<Option<(String, bool)>, String> {
    let block = schema.get("tagging");
    let pointer = match block {
        Some(b) if b.get("taggable").and_then(Value::as_bool) == Some(false) => return Ok(None),
        Some(b) => b
            .get("tagProperty")
            .and_then(Value::as_str)
            .unwrap_or("/properties/Tags")
            .to_owned(),
        None if schema.pointer("/properties/Tags").is_some() => "/properties/Tags".to_owned(),
        None => return Ok(None),
    };
    let mut property = schema
        .pointer(&pointer)
        .ok_or_else(|| format!("tagProperty {pointer} is not a property"))?;
    if let Some(target) = property.get("$ref").and_then(Value::as_str) {
        property = target
            .strip_prefix('#')
            .and_then(|p| schema.pointer(p))
            .ok_or_else(|| format!("tag property {pointer}: cannot follow $ref {target}"))?;
    }
    match property.get("type").and_then(Value::as_str) {
        Some("array") => Ok(Some((pointer, false))),
        Some("object") => Ok(Some((pointer, true))),
        other => Err(format!(
            "tag property {pointer} has type {other:?}; expected a list or a map"
        )),
    }
}

/// The create-only property that names the physical resource: named `<Resource>Name` or
/// `Name`, or the single primary identifier when it ends in `Name` or `Identifier`; never one
/// inside a list.
fn physical_name(resource: &str, create_only: &[String], primary: &[String]) -> Option<String> {
    let own_name = format!("{resource}Name");
    create_only
        .iter()
        .filter(|p| !p.split('/').any(|step| step == "*"))
        .find(|p| {
            let leaf = p.rsplit('/').next().unwrap_or_default();
            leaf == own_name
                || leaf == "Name"
                || (primary == [p.to_string()]
                    && (leaf.ends_with("Name") || leaf.ends_with("Identifier")))
        })
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn queue() -> TypeName {
        TypeName::parse("AWS::SQS::Queue").expect("a type")
    }

    #[test]
    fn reads_the_facts_of_a_small_schema() {
        let schema = json!({
            "typeName": "AWS::SQS::Queue",
            "description": "A queue.",
            "properties": {"Tags": {"type": "array"}, "QueueName": {"type": "string"}},
            "createOnlyProperties": ["/properties/FifoQueue", "/properties/QueueName"],
            "primaryIdentifier": ["/properties/QueueUrl"],
            "required": ["X"],
            "tagging": {"taggable": true, "tagProperty": "/properties/Tags"},
            "handlers": {
                "create": {"permissions": ["sqs:CreateQueue", "kms:Decrypt", "kms:Encrypt"]},
                "read": {"permissions": ["sqs:GetQueueAttributes"]}
            }
        });
        let f = Facts::from_schema(&queue(), &schema).expect("facts");
        assert_eq!(f.service.as_deref(), Some("sqs"));
        assert_eq!(f.iam_prefixes, ["kms", "sqs"]);
        assert_eq!(
            f.handler_actions,
            [
                "kms:Decrypt",
                "kms:Encrypt",
                "sqs:CreateQueue",
                "sqs:GetQueueAttributes"
            ]
        );
        assert_eq!(f.read_actions, ["sqs:GetQueueAttributes"]);
        assert_eq!(f.tagging, Some(("/properties/Tags".into(), false)));
        assert_eq!(f.physical_name.as_deref(), Some("/properties/QueueName"));
        assert_eq!(f.required, ["X"]);
    }

    #[test]
    fn refuses_a_schema_of_another_type_or_a_pointer_outside_properties() {
        let other = json!({"typeName": "AWS::SNS::Topic"});
        assert!(Facts::from_schema(&queue(), &other).is_err());
        let bad = json!({"typeName": "AWS::SQS::Queue", "readOnlyProperties": ["/Arn"]});
        assert!(Facts::from_schema(&queue(), &bad).is_err());
    }

    #[test]
    fn without_a_tagging_block_a_tags_property_means_taggable() {
        let old = json!({"properties": {"Tags": {"type": "array"}}});
        assert_eq!(tagging(&old), Ok(Some(("/properties/Tags".into(), false))));
        assert_eq!(tagging(&json!({"properties": {}})), Ok(None));
        let off = json!({"tagging": {"taggable": false, "tagProperty": "/properties/Tags"}});
        assert_eq!(tagging(&off), Ok(None));
    }
}
