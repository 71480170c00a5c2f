//! Reading a rendered template body just enough to compare it and to know what it declares.
//!
//! The no-op check compares the deployed template with the rendered one by *meaning*
//! (parsed JSON/YAML values), not by bytes, so that formatting never triggers a change set.
//! Outputs and parameter defaults are read from the body so the check and the outputs rule
//! know what the template promises.

use std::collections::BTreeMap;

use serde_json::Value;

/// A template body parsed to a JSON value (JSON first, then YAML); `None` if neither parses.
pub fn parse(body: &str) -> Option<Value> {
    serde_json::from_str(body)
        .ok()
        .or_else(|| serde_norway::from_str::<Value>(body).ok())
}

/// True when both bodies mean the same template (byte equality when either does not parse).
pub fn same_template(deployed: &str, rendered: &str) -> bool {
    if deployed == rendered {
        return true;
    }
    match (parse(deployed), parse(rendered)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The output keys the template declares.
pub fn declared_outputs(body: &str) -> Vec<String> {
    parse(body)
        .and_then(|t| {
            t.get("Outputs")
                .and_then(Value::as_object)
                .map(|o| o.keys().cloned().collect())
        })
        .unwrap_or_default()
}

/// The parameter values the stack will have: the template's defaults overlaid with `given`.
/// Parameters the template does not declare are kept as given (CloudFormation rejects them,
/// which is the right error to surface).
pub fn effective_parameters(
    body: &str,
    given: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    if let Some(params) = parse(body)
        .as_ref()
        .and_then(|t| t.get("Parameters"))
        .and_then(Value::as_object)
    {
        for (name, decl) in params {
            let default = match decl.get("Default") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::Bool(b)) => Some(b.to_string()),
                Some(Value::Array(items)) => Some(
                    items
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                _ => None,
            };
            if let Some(d) = default {
                values.insert(name.clone(), d);
            }
        }
    }
    for (k, v) in given {
        values.insert(k.clone(), v.clone());
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_is_not_a_change_but_a_value_is() {
        let pretty = "{\n  \"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\"}}\n}\n";
        let compact = r#"{"Resources":{"Q":{"Type":"AWS::SQS::Queue"}}}"#;
        let yaml = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n";
        assert!(same_template(pretty, compact));
        assert!(same_template(yaml, compact));
        assert!(!same_template(
            compact,
            r#"{"Resources":{"Q":{"Type":"AWS::SNS::Topic"}}}"#
        ));
        assert!(!same_template("not a template {", compact));
    }

    #[test]
    fn outputs_and_parameter_defaults_are_read_from_the_body() {
        let body = r#"{"Parameters":{"A":{"Type":"String","Default":"x"},"B":{"Type":"Number","Default":5},"C":{"Type":"String"}},
                      "Resources":{},"Outputs":{"Url":{"Value":"u"},"Name":{"Value":"n"}}}"#;
        assert_eq!(
            declared_outputs(body),
            vec!["Url".to_string(), "Name".to_string()]
        );
        let given = BTreeMap::from([
            ("C".to_string(), "c".to_string()),
            ("A".to_string(), "y".to_string()),
        ]);
        let eff = effective_parameters(body, &given);
        assert_eq!(eff.get("A").map(String::as_str), Some("y"));
        assert_eq!(eff.get("B").map(String::as_str), Some("5"));
        assert_eq!(eff.get("C").map(String::as_str), Some("c"));
    }
}
