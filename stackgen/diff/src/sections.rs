//! Comparing everything in a template that is not a resource, and the parameter values.
//!
//! A changed output, condition or mapping does not touch a resource by itself, but it is a
//! change CloudFormation will apply (and an export in use by another stack can block it).
//! Parameter values are not part of the template at all, yet changing one changes every
//! resource that refers to it; this module computes which parameters really change.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::model::{ChangeKind, EntryAction, EntryDiff, Section, SectionDiff, ValueChange};
use super::path::PropertyPath;
use super::values::{RawChange, diff_values, loosely_equal};

/// Sections whose entries are named (a parameter, an output, …) and compared one by one.
fn is_named(section: &Section) -> bool {
    matches!(
        section,
        Section::Parameters
            | Section::Outputs
            | Section::Conditions
            | Section::Mappings
            | Section::Rules
            | Section::Metadata
    )
}

fn to_change(raw: RawChange) -> ValueChange {
    let kind = match (&raw.old, &raw.new) {
        (None, _) => ChangeKind::Added,
        (_, None) => ChangeKind::Removed,
        _ => ChangeKind::Modified,
    };
    ValueChange {
        path: raw.path,
        kind,
        old: raw.old,
        new: raw.new,
    }
}

fn entry(name: &str, old: Option<&Value>, new: Option<&Value>) -> Option<EntryDiff> {
    let (action, changes) = match (old, new) {
        (Some(o), Some(n)) => {
            let mut raw = Vec::new();
            diff_values(&PropertyPath::root(), o, n, &mut raw);
            if raw.is_empty() {
                return None;
            }
            (
                EntryAction::Modify,
                raw.into_iter().map(to_change).collect(),
            )
        }
        (None, Some(n)) => (
            EntryAction::Add,
            vec![to_change(RawChange {
                path: PropertyPath::root(),
                old: None,
                new: Some(n.clone()),
            })],
        ),
        (Some(o), None) => (
            EntryAction::Remove,
            vec![to_change(RawChange {
                path: PropertyPath::root(),
                old: Some(o.clone()),
                new: None,
            })],
        ),
        (None, None) => return None,
    };
    Some(EntryDiff {
        name: name.to_owned(),
        action,
        changes,
    })
}

fn ordered_keys<'a>(old: &'a Map<String, Value>, new: &'a Map<String, Value>) -> Vec<&'a String> {
    let mut keys: Vec<&String> = new.keys().collect();
    keys.extend(old.keys().filter(|k| !new.contains_key(*k)));
    keys
}

/// Differences in every top-level section except `Resources`, in template order.
pub(crate) fn diff_sections(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
) -> Vec<SectionDiff> {
    let mut out = Vec::new();
    for key in ordered_keys(old, new) {
        if key == "Resources" {
            continue;
        }
        let section = Section::from_key(key);
        let (o, n) = (old.get(key), new.get(key));
        let entries: Vec<EntryDiff> =
            match (o.and_then(Value::as_object), n.and_then(Value::as_object)) {
                (o_map, n_map) if is_named(&section) && (o_map.is_some() || n_map.is_some()) => {
                    let empty = Map::new();
                    let (o_map, n_map) = (o_map.unwrap_or(&empty), n_map.unwrap_or(&empty));
                    ordered_keys(o_map, n_map)
                        .into_iter()
                        .filter_map(|name| entry(name, o_map.get(name), n_map.get(name)))
                        .collect()
                }
                _ => entry(section.name(), o, n).into_iter().collect(),
            };
        if !entries.is_empty() {
            out.push(SectionDiff { section, entries });
        }
    }
    out
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(text).collect();
            parts.map(|p| p.join(","))
        }
        _ => None,
    }
}

/// What CloudFormation masks NoEcho parameter values with in DescribeStacks.
pub const MASKED: &str = "****";

/// The value each declared parameter takes: the given value, else the declared `Default`.
fn effective(
    template: &Map<String, Value>,
    given: &BTreeMap<String, String>,
) -> BTreeMap<String, Option<String>> {
    let mut out: BTreeMap<String, Option<String>> = BTreeMap::new();
    if let Some(declared) = template.get("Parameters").and_then(Value::as_object) {
        for (name, declaration) in declared {
            let default = declaration.get("Default").and_then(text);
            out.insert(name.clone(), given.get(name).cloned().or(default));
        }
    }
    for (name, value) in given {
        out.entry(name.clone())
            .or_insert_with(|| Some(value.clone()));
    }
    out
}

/// Parameter values that differ between the deployments, and the names of the parameters that
/// change. Values masked by NoEcho (`****`) cannot be compared and are reported in `warnings`.
pub(crate) fn diff_parameter_values(
    old_template: &Map<String, Value>,
    old_values: &BTreeMap<String, String>,
    new_template: &Map<String, Value>,
    new_values: &BTreeMap<String, String>,
    warnings: &mut Vec<String>,
) -> (Option<SectionDiff>, BTreeSet<String>) {
    let old_effective = effective(old_template, old_values);
    let new_effective = effective(new_template, new_values);
    let mut entries = Vec::new();
    let mut changed = BTreeSet::new();
    for (name, new_value) in &new_effective {
        let Some(old_value) = old_effective.get(name) else {
            continue; // a newly declared parameter: reported under Parameters
        };
        if old_value.as_deref() == Some(MASKED) {
            if new_value.as_deref() == Some(MASKED) {
                continue; // kept as deployed (a secret deploy generated once)
            }
            warnings.push(format!(
                "parameter {name} is NoEcho, so its deployed value is hidden (`****`) and cannot be \
                 compared; a change to it is not shown"
            ));
            continue;
        }
        let (o, n) = (
            old_value.as_ref().map(|v| Value::String(v.clone())),
            new_value.as_ref().map(|v| Value::String(v.clone())),
        );
        let same = match (&o, &n) {
            (Some(a), Some(b)) => loosely_equal(a, b),
            (None, None) => true,
            _ => false,
        };
        if same {
            continue;
        }
        changed.insert(name.clone());
        if let Some(e) = entry(name, o.as_ref(), n.as_ref()) {
            entries.push(EntryDiff {
                action: EntryAction::Modify,
                ..e
            });
        }
    }
    let section = (!entries.is_empty()).then_some(SectionDiff {
        section: Section::ParameterValues,
        entries,
    });
    (section, changed)
}

/// Warnings about outputs whose export another stack may import: CloudFormation refuses to
/// change or remove an export that is in use.
pub(crate) fn export_warnings(sections: &[SectionDiff], old: &Map<String, Value>) -> Vec<String> {
    let Some(outputs) = sections.iter().find(|s| s.section == Section::Outputs) else {
        return Vec::new();
    };
    let old_outputs = old.get("Outputs").and_then(Value::as_object);
    let mut out = Vec::new();
    for entry in &outputs.entries {
        let Some(export) = old_outputs
            .and_then(|o| o.get(&entry.name))
            .and_then(|o| o.get("Export"))
        else {
            continue;
        };
        let touches_export = entry.action == EntryAction::Remove
            || entry.changes.iter().any(|c| {
                let path = c.path.to_string();
                path.is_empty() || path == "Value" || path.starts_with("Export")
            });
        if touches_export {
            let name = export
                .get("Name")
                .map(|n| n.to_string())
                .unwrap_or_default();
            out.push(format!(
                "output {} is exported as {name}: if another stack imports it, CloudFormation \
                 refuses to {} it (\"Export … cannot be updated as it is in use\")",
                entry.name,
                if entry.action == EntryAction::Remove {
                    "remove"
                } else {
                    "change"
                }
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn named_sections_compare_entry_by_entry() {
        let old =
            obj(json!({"Outputs": {"A": {"Value": 1}, "B": {"Value": 2}}, "Description": "x"}));
        let new =
            obj(json!({"Outputs": {"A": {"Value": 3}, "C": {"Value": 4}}, "Description": "x"}));
        let got = diff_sections(&old, &new);
        assert_eq!(got.len(), 1);
        let names: Vec<(&str, EntryAction)> = got[0]
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.action))
            .collect();
        assert_eq!(
            names,
            [
                ("A", EntryAction::Modify),
                ("C", EntryAction::Add),
                ("B", EntryAction::Remove)
            ]
        );
        assert_eq!(got[0].entries[0].changes[0].path.to_string(), "Value");
    }

    #[test]
    fn single_valued_sections_are_one_entry() {
        let got = diff_sections(
            &obj(json!({"Description": "a"})),
            &obj(json!({"Description": "b"})),
        );
        assert_eq!(got[0].section, Section::Description);
        assert_eq!(got[0].entries[0].name, "Description");
        assert!(diff_sections(&obj(json!({"Resources": {}})), &obj(json!({}))).is_empty());
    }

    #[test]
    fn parameter_values_fall_back_to_defaults_and_skip_masked_values() {
        let old_t = obj(
            json!({"Parameters": {"Days": {"Type": "Number", "Default": 7}, "Secret": {"Type": "String", "NoEcho": true}}}),
        );
        let new_t = old_t.clone();
        let old_v = BTreeMap::from([("Secret".to_owned(), MASKED.to_owned())]);
        let new_v = BTreeMap::from([
            ("Days".to_owned(), "14".to_owned()),
            ("Secret".to_owned(), "s3cret".to_owned()),
        ]);
        let mut warnings = Vec::new();
        let (section, changed) =
            diff_parameter_values(&old_t, &old_v, &new_t, &new_v, &mut warnings);
        let section = section.expect("a change");
        assert_eq!(section.entries.len(), 1);
        assert_eq!(section.entries[0].name, "Days");
        assert_eq!(section.entries[0].changes[0].old, Some(json!("7")));
        assert_eq!(changed, BTreeSet::from(["Days".to_owned()]));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("Secret"));
        let same = BTreeMap::from([("Days".to_owned(), "7".to_owned())]);
        let (section, changed) =
            diff_parameter_values(&old_t, &BTreeMap::new(), &new_t, &same, &mut Vec::new());
        assert!(section.is_none() && changed.is_empty());
        // A secret deploy keeps as it is (`****` on both sides): no change and no warning.
        let kept = BTreeMap::from([("Secret".to_owned(), MASKED.to_owned())]);
        let mut warnings = Vec::new();
        let (section, changed) = diff_parameter_values(&old_t, &kept, &new_t, &kept, &mut warnings);
        assert!(section.is_none() && changed.is_empty() && warnings.is_empty());
    }

    #[test]
    fn removing_an_export_warns() {
        let old =
            obj(json!({"Outputs": {"Api": {"Value": "x", "Export": {"Name": "retail-api"}}}}));
        let new = obj(json!({"Outputs": {}}));
        let sections = diff_sections(&old, &new);
        let warnings = export_warnings(&sections, &old);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("retail-api"), "{}", warnings[0]);
    }
}
