//! What a template expression refers to.
//!
//! When a resource is replaced, every `Ref`/`Fn::GetAtt`/`${…}` pointing at it evaluates to a new
//! value on deploy, even though the referencing template text is unchanged; the same holds for
//! a parameter whose value changes. CloudFormation's change sets call this a "dynamic"
//! evaluation; this module finds those references so the diff can report them.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::model::parse_sub;

/// The logical ids and parameter names `value` refers to (pseudo parameters like
/// `AWS::Region` excluded).
pub(crate) fn references(value: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect(value, &BTreeSet::new(), &mut out);
    out
}

fn add(name: &str, locals: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    if !name.is_empty() && !name.starts_with("AWS::") && !locals.contains(name) {
        out.insert(name.to_owned());
    }
}

fn collect(value: &Value, locals: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, locals, out)),
        Value::Object(map) if map.len() == 1 => {
            let Some((key, arg)) = map.iter().next() else {
                return;
            };
            match (key.as_str(), arg) {
                ("Ref", Value::String(name)) => add(name, locals, out),
                ("Fn::GetAtt", Value::Array(parts)) => match parts.first() {
                    Some(Value::String(name)) => add(name, locals, out),
                    _ => parts.iter().for_each(|v| collect(v, locals, out)),
                },
                ("Fn::GetAtt", Value::String(dotted)) => {
                    add(dotted.split('.').next().unwrap_or_default(), locals, out);
                }
                ("Fn::Sub", Value::String(text)) => sub_names(text, locals, out),
                ("Fn::Sub", Value::Array(parts)) => {
                    let mut inner = locals.clone();
                    if let Some(Value::Object(vars)) = parts.get(1) {
                        for (name, expr) in vars {
                            collect(expr, locals, out);
                            inner.insert(name.clone());
                        }
                    }
                    if let Some(Value::String(text)) = parts.first() {
                        sub_names(text, &inner, out);
                    }
                }
                _ => collect(arg, locals, out),
            }
        }
        Value::Object(map) => map.values().for_each(|v| collect(v, locals, out)),
        _ => {}
    }
}

/// Names in `${Name}` / `${Name.Attribute}` placeholders; `${!Literal}` is an escape.
fn sub_names(text: &str, locals: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    for part in parse_sub(text).parts {
        if let Some(name) = part.target() {
            add(name, locals, out);
        }
    }
}

/// True when `value` is exactly `{"Ref": name}` (its value is the referenced value itself).
pub(crate) fn is_plain_ref(value: &Value, name: &str) -> bool {
    value
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("Ref"))
        .and_then(Value::as_str)
        == Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(value: Value) -> Vec<String> {
        references(&value).into_iter().collect()
    }

    #[test]
    fn finds_ref_getatt_and_sub_placeholders() {
        assert_eq!(names(json!({"Ref": "Table"})), ["Table"]);
        assert_eq!(names(json!({"Fn::GetAtt": ["Fn", "Arn"]})), ["Fn"]);
        assert_eq!(names(json!({"Fn::GetAtt": "Db.Endpoint.Address"})), ["Db"]);
        assert_eq!(
            names(json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Fn.Arn}"})),
            ["Bucket", "Fn"]
        );
    }

    #[test]
    fn sub_variables_shadow_and_their_values_count() {
        let value = json!({"Fn::Sub": ["${Name}-${Other}", {"Name": {"Ref": "Param"}}]});
        assert_eq!(names(value), ["Other", "Param"]);
    }

    #[test]
    fn nested_expressions_and_plain_values() {
        let value = json!({"Fn::If": ["C", {"Ref": "A"}, {"Fn::Join": ["", [{"Ref": "B"}, "x"]]}]});
        assert_eq!(names(value), ["A", "B"]);
        assert!(names(json!({"Key": "Value", "List": [1, 2]})).is_empty());
        assert!(names(json!({"Ref": "AWS::Region"})).is_empty());
    }

    #[test]
    fn plain_ref() {
        assert!(is_plain_ref(&json!({"Ref": "P"}), "P"));
        assert!(!is_plain_ref(&json!({"Fn::Sub": "${P}"}), "P"));
    }
}
