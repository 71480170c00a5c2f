//! Typed attributes and the properties that take them.
//!
//! Every read-only attribute of a typed resource gets a kind: one of the kinds most types share
//! (`Arn`, `Id`, `Name`, `Url`: the attribute is named so, or so after a tail of the resource's
//! name, as `QueueUrl` on a queue or `ClientId` on a user pool client), or a marker type of its
//! own (`dynamodb::table::attribute::StreamArn`). The model renders an attribute as
//! `Attr<Resource, Kind>` (`Arn<Queue>`, …).
//!
//! A property that takes one resource's attribute is typed with it. Two sources say which:
//! the schema's own annotation (`"format": "AWS::IAM::Role.Arn"`, or a `relationshipRef`) when
//! the target type is typed too, and the `[references]` section of `model/allowlist.txt` for
//! what the schemas leave unsaid:
//!
//! ```text
//! AWS::Lambda::Function.Role = AWS::IAM::Role.Arn
//! AWS::Scheduler::Schedule.Target.RoleArn = AWS::IAM::Role.Arn    # a nested struct's property
//! ```
//!
//! A property that takes several kinds of resource (an event source mapping's `EventSourceArn`
//! takes a queue's, a stream's or a Kafka cluster's) stays a plain `Value`.

use std::path::Path;

use serde_json::Value;

use crate::GenError;
use crate::allowlist::{Section, TypeName, lines};
use crate::naming::type_name;

/// The kinds most resource types share, in the order they are tried.
pub const COMMON: [&str; 4] = ["Arn", "Id", "Name", "Url"];

/// What kind of value an attribute is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `crate::cfn::kind::Arn`, …
    Common(&'static str),
    /// A marker in the resource's `attribute` module, named after the attribute.
    Own(String),
}

/// The kind of `attribute` (`Arn`, `StreamArn`, `Endpoint.Address`) of `resource` (`Table`).
pub fn kind_of(resource: &str, attribute: &str) -> Kind {
    if !attribute.contains('.') {
        for k in COMMON {
            let Some(prefix) = attribute.len().checked_sub(k.len()).and_then(|n| {
                attribute
                    .get(n..)
                    .filter(|tail| tail.eq_ignore_ascii_case(k))
                    .and(attribute.get(..n))
            }) else {
                continue;
            };
            if prefix.is_empty() || resource.ends_with(prefix) {
                return Kind::Common(k);
            }
        }
    }
    Kind::Own(type_name(&attribute.replace('.', "")))
}

/// A typed property: `owner`'s struct `strukt` (the resource's own struct when `None`) has the
/// property `property`, which takes the `kind` attribute of a `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub owner: String,
    pub strukt: Option<String>,
    pub property: String,
    pub target: String,
    pub kind: String,
    /// The allowlist line (0 for a schema's own annotation).
    pub line: usize,
}

/// Parses `AWS::A::B[.Struct].Property = AWS::C::D.Kind`.
fn parse(text: &str, line: usize) -> Result<Reference, String> {
    let (left, right) = text
        .split_once('=')
        .ok_or("expected `AWS::A::B.Property = AWS::C::D.Kind`")?;
    let (owner, path) = split_type(left.trim())?;
    let (target, kind) = split_type(right.trim())?;
    let (strukt, property) = match path.as_slice() {
        [p] => (None, p.clone()),
        [s, p] => (Some(s.clone()), p.clone()),
        _ => {
            return Err(format!(
                "`{}`: one property, or one struct and its property",
                left.trim()
            ));
        }
    };
    let kind = match kind.as_slice() {
        [k] => k.clone(),
        _ => {
            return Err(format!(
                "`{}`: one attribute kind after the type",
                right.trim()
            ));
        }
    };
    Ok(Reference {
        owner,
        strukt,
        property,
        target,
        kind,
        line,
    })
}

/// `AWS::A::B.X.Y` → (`AWS::A::B`, [X, Y]).
fn split_type(text: &str) -> Result<(String, Vec<String>), String> {
    let mut parts = text.split('.');
    let type_part = parts.next().unwrap_or_default();
    let t = TypeName::parse(type_part)
        .ok_or_else(|| format!("`{type_part}` is not a resource type (AWS::Service::Resource)"))?;
    let path: Vec<String> = parts.map(str::to_owned).collect();
    if path.is_empty() || path.iter().any(|p| p.is_empty()) {
        return Err(format!("`{text}` names no property after the type"));
    }
    Ok((t.full, path))
}

/// Reads the `[references]` section of the allowlist.
pub fn read_references(path: &Path) -> Result<Vec<Reference>, GenError> {
    let text = std::fs::read_to_string(path).map_err(|e| GenError::io(path, e))?;
    lines(&text)
        .filter(|l| l.section == Section::References)
        .map(|l| {
            parse(l.text, l.number).map_err(|message| GenError::Allowlist {
                line: l.number,
                message,
            })
        })
        .collect()
}

/// The reference a schema annotates on a property: `"format": "AWS::IAM::Role.Arn"` or
/// `"relationshipRef": {"typeName": …, "propertyPath": "/properties/Arn"}`, on the property or
/// its items.
pub fn annotated(property: &Value) -> Option<(String, String)> {
    let own = |p: &Value| -> Option<(String, String)> {
        if let Some(format) = p.get("format").and_then(Value::as_str) {
            let (t, kind) = format.rsplit_once('.')?;
            return TypeName::parse(t).map(|t| (t.full, kind.to_owned()));
        }
        let rel = p.get("relationshipRef")?;
        let t = rel.get("typeName").and_then(Value::as_str)?;
        let kind = rel
            .get("propertyPath")
            .and_then(Value::as_str)?
            .strip_prefix("/properties/")?;
        Some((t.to_owned(), kind.to_owned()))
    };
    own(property).or_else(|| property.get("items").and_then(own))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_attribute_and_resource_names() {
        assert_eq!(kind_of("Queue", "Arn"), Kind::Common("Arn"));
        assert_eq!(kind_of("Queue", "QueueUrl"), Kind::Common("Url"));
        assert_eq!(kind_of("UserPoolClient", "ClientId"), Kind::Common("Id"));
        assert_eq!(kind_of("Function", "FunctionARN"), Kind::Common("Arn"));
        assert_eq!(kind_of("Table", "StreamArn"), Kind::Own("StreamArn".into()));
        assert_eq!(
            kind_of("UserPool", "ProviderURL"),
            Kind::Own("ProviderURL".into())
        );
        assert_eq!(
            kind_of("Distribution", "DomainName"),
            Kind::Own("DomainName".into())
        );
        assert_eq!(
            kind_of("DBCluster", "Endpoint.Address"),
            Kind::Own("EndpointAddress".into())
        );
    }

    #[test]
    fn reference_lines_parse_strictly() {
        let r = parse("AWS::Lambda::Function.Role = AWS::IAM::Role.Arn", 3).expect("valid");
        assert_eq!(
            (r.owner.as_str(), r.strukt, r.property.as_str()),
            ("AWS::Lambda::Function", None, "Role")
        );
        assert_eq!(
            (r.target.as_str(), r.kind.as_str()),
            ("AWS::IAM::Role", "Arn")
        );
        let nested = parse(
            "AWS::Scheduler::Schedule.Target.RoleArn = AWS::IAM::Role.Arn",
            4,
        )
        .expect("valid");
        assert_eq!(nested.strukt.as_deref(), Some("Target"));
        for bad in [
            "AWS::Lambda::Function.Role",
            "AWS::Lambda::Function = AWS::IAM::Role.Arn",
            "AWS::Lambda::Function.Role = AWS::IAM::Role",
            "Lambda::Function.Role = AWS::IAM::Role.Arn",
            "AWS::A::B.C.D.E = AWS::IAM::Role.Arn",
        ] {
            assert!(parse(bad, 1).is_err(), "{bad}");
        }
    }

    #[test]
    fn schema_annotations_name_a_type_and_an_attribute() {
        let f = serde_json::json!({"type": "string", "format": "AWS::SNS::Topic.Arn"});
        assert_eq!(
            annotated(&f),
            Some(("AWS::SNS::Topic".into(), "Arn".into()))
        );
        let items = serde_json::json!({"type": "array", "items": {"relationshipRef":
            {"typeName": "AWS::EC2::RouteTable", "propertyPath": "/properties/RouteTableId"}}});
        assert_eq!(
            annotated(&items),
            Some(("AWS::EC2::RouteTable".into(), "RouteTableId".into()))
        );
        assert_eq!(annotated(&serde_json::json!({"format": "uri"})), None);
    }
}
