//! Property names as constants: for every allowlisted type (typed or not), the names its schema
//! declares, and the names of each of its definitions (the schema's nested property types).
//!
//! Why: code that reads a rendered template by key (the cost estimator reads any template, as
//! Infracost reads a plan) names a property with `props::function::MEMORY_SIZE` instead of the
//! text `"MemorySize"`, so a property the schema does not declare, or a type that is not
//! allowlisted, does not compile. A definition's module is named after the definition
//! (`props::distribution::origin::DOMAIN_NAME` is `Origin.DomainName` in the schema).

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use crate::allowlist::TypeName;
use crate::naming::field_name;

/// The property names of one object of a schema: the resource itself (`definition: None`) or
/// one of its definitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub definition: Option<String>,
    /// Sorted.
    pub names: Vec<String>,
}

/// The groups of a schema: the resource's own properties first, then each definition that is an
/// object with properties, sorted by name.
pub fn read(schema: &Value) -> Vec<Group> {
    let names = |object: &Value| -> Vec<String> {
        let mut names: Vec<String> = object
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    };
    let mut groups = vec![Group {
        definition: None,
        names: names(schema),
    }];
    let definitions: BTreeMap<&String, &Value> = schema
        .get("definitions")
        .and_then(Value::as_object)
        .map(|d| d.iter().collect())
        .unwrap_or_default();
    for (name, definition) in definitions {
        let names = names(definition);
        if !names.is_empty() {
            groups.push(Group {
                definition: Some(name.clone()),
                names,
            });
        }
    }
    groups
}

/// `MemorySize` → `MEMORY_SIZE`, `WebACLId` → `WEB_ACL_ID`.
pub fn const_name(property: &str) -> String {
    field_name(property)
        .trim_start_matches("r#")
        .to_ascii_uppercase()
}

/// The `props` module of one service's file: one module per type, one per definition inside it.
/// Fails, with the type and why, when two names of one object make the same constant, or two
/// definitions the same module.
pub fn module(types: &[(&TypeName, &[Group])]) -> Result<String, (String, String)> {
    let service = types
        .first()
        .map(|(t, _)| t.service.as_str())
        .unwrap_or_default();
    let mut out = format!(
        "\n/// The property names of each `AWS::{service}::*` type, and of its schema's definitions \
         (nested property types), as their schemas spell them: what a reader of a rendered \
         template looks up.\npub mod props {{\n"
    );
    for (t, groups) in types {
        let _ = writeln!(
            out,
            "/// The properties of `{}`, then its definitions'.\npub mod {} {{",
            t.full,
            field_name(&t.resource)
        );
        let mut modules = BTreeMap::new();
        for g in *groups {
            if let Some(d) = &g.definition {
                let module = field_name(d);
                if let Some(other) = modules.insert(module.clone(), d.clone()) {
                    return Err((
                        t.full.clone(),
                        format!("definitions {other} and {d} both make module {module}"),
                    ));
                }
                let _ = writeln!(
                    out,
                    "/// `{d}` in the schema's definitions.\npub mod {module} {{"
                );
            }
            out.push_str(&constants(g).map_err(|m| (t.full.clone(), m))?);
            if g.definition.is_some() {
                out.push_str("}\n");
            }
        }
        out.push_str("}\n");
    }
    out.push_str("}\n");
    Ok(out)
}

fn constants(g: &Group) -> Result<String, String> {
    let mut seen = BTreeMap::new();
    let mut out = String::new();
    for name in &g.names {
        let constant = const_name(name);
        if let Some(other) = seen.insert(constant.clone(), name) {
            return Err(format!(
                "properties {other} and {name} both make constant {constant}"
            ));
        }
        let _ = writeln!(out, "pub const {constant}: &str = {name:?};");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_gives_its_own_names_then_each_definitions() {
        let schema = json!({
            "properties": {"MemorySize": {}, "LoggingConfig": {"$ref": "#/definitions/LoggingConfig"}},
            "definitions": {
                "LoggingConfig": {"type": "object", "properties": {"LogGroup": {}}},
                "Arn": {"type": "string"}
            }
        });
        let groups = read(&schema);
        assert_eq!(
            groups.len(),
            2,
            "a definition without properties has no group"
        );
        assert_eq!(groups[0].names, ["LoggingConfig", "MemorySize"]);
        assert_eq!(groups[1].definition.as_deref(), Some("LoggingConfig"));
        assert_eq!(const_name("WebACLId"), "WEB_ACL_ID");
        assert_eq!(const_name("Type"), "TYPE");
    }

    #[test]
    fn two_names_that_make_one_constant_are_refused() {
        let g = Group {
            definition: None,
            names: vec!["SseEnabled".into(), "SSEEnabled".into()],
        };
        let err = constants(&g).expect_err("a clash");
        assert!(err.contains("SSE_ENABLED"), "{err}");
    }
}
