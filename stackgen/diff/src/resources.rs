//! Comparing the `Resources` of two templates, resource by resource, the way a change set would.
//!
//! For every logical id this decides add / update / replace / remove, classifies each changed
//! property with AWS's create-only data, follows references to replaced resources and changed
//! parameters (values that change at deploy time although the text does not), spots logical-id
//! renames and names that would collide, and says what happens to the data of stateful resources.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::error::DiffError;
use super::model::{
    ChangeCause, ChangeKind, Note, PropertyChange, Replacement, ResourceAction, ResourceDiff,
};
use super::path::PropertyPath;
use super::references::{is_plain_ref, references};
use super::replacement::{ReplacementRules, TypeRules, value_at};
use super::stateful;
use super::values::{RawChange, diff_maps, is_intrinsic, loosely_equal, normalize_depends_on};

/// One resource of one template.
#[derive(Debug, Clone)]
pub(crate) struct Resource<'a> {
    pub resource_type: &'a str,
    pub body: &'a Map<String, Value>,
}

/// The resources of a template by logical id (in template order), validated.
pub(crate) fn resources_of<'a>(
    template: &'a Value,
    origin: &str,
) -> Result<Vec<(&'a str, Resource<'a>)>, DiffError> {
    let Some(top) = template.as_object() else {
        return Err(DiffError::NotATemplate {
            origin: origin.to_owned(),
            detail: "the template is not a mapping.".to_owned(),
        });
    };
    let Some(section) = top.get("Resources") else {
        return Ok(Vec::new());
    };
    let Some(section) = section.as_object() else {
        return Err(DiffError::NotATemplate {
            origin: origin.to_owned(),
            detail: "`Resources` is not a mapping of logical ids to resources.".to_owned(),
        });
    };
    let mut out = Vec::with_capacity(section.len());
    for (logical_id, body) in section {
        let bad = |detail: &str| DiffError::BadResource {
            origin: origin.to_owned(),
            logical_id: logical_id.clone(),
            detail: detail.to_owned(),
        };
        let body = body.as_object().ok_or_else(|| bad("is not a mapping"))?;
        let resource_type = match body.get("Type") {
            Some(Value::String(t)) if !t.is_empty() => t.as_str(),
            Some(_) => return Err(bad("has a `Type` that is not a type name")),
            None => return Err(bad("has no `Type`")),
        };
        out.push((
            logical_id.as_str(),
            Resource {
                resource_type,
                body,
            },
        ));
    }
    Ok(out)
}

/// A resource body prepared for comparison: `Type` left out (compared separately) and
/// `DependsOn` as a sorted set.
fn comparable(body: &Map<String, Value>) -> Map<String, Value> {
    body.iter()
        .filter(|(k, _)| k.as_str() != "Type")
        .map(|(k, v)| {
            let v = if k == "DependsOn" {
                normalize_depends_on(v)
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

fn kind_of(old: Option<&Value>, new: Option<&Value>) -> ChangeKind {
    match (old, new) {
        (None, _) => ChangeKind::Added,
        (_, None) => ChangeKind::Removed,
        _ => ChangeKind::Modified,
    }
}

/// Work-in-progress state of one changed logical id.
struct Draft<'a> {
    logical_id: &'a str,
    old: Option<Resource<'a>>,
    new: Option<Resource<'a>>,
    changes: Vec<PropertyChange>,
    notes: Vec<Note>,
}

impl Draft<'_> {
    fn replacement(&self) -> Replacement {
        let type_changed = matches!((&self.old, &self.new), (Some(o), Some(n)) if o.resource_type != n.resource_type);
        let from_changes = self
            .changes
            .iter()
            .map(|c| c.replacement)
            .max()
            .unwrap_or_default();
        if type_changed {
            Replacement::Always
        } else {
            from_changes
        }
    }
}

/// Compares the resources of two templates. `changed_parameters` are parameters whose effective
/// value differs between the two deployments.
pub(crate) fn diff_resources<'a>(
    old: &[(&'a str, Resource<'a>)],
    new: &[(&'a str, Resource<'a>)],
    changed_parameters: &BTreeSet<String>,
    rules: &ReplacementRules,
) -> Vec<ResourceDiff> {
    let old_map: BTreeMap<&str, &Resource<'a>> = old.iter().map(|(id, r)| (*id, r)).collect();
    let new_map: BTreeMap<&str, &Resource<'a>> = new.iter().map(|(id, r)| (*id, r)).collect();
    let mut drafts: Vec<Draft<'a>> = Vec::new();

    for (id, new_resource) in new {
        match old_map.get(id) {
            Some(old_resource) => {
                if let Some(draft) = compare(id, old_resource, new_resource, rules) {
                    drafts.push(draft);
                }
            }
            None => drafts.push(Draft {
                logical_id: id,
                old: None,
                new: Some(new_resource.clone()),
                changes: Vec::new(),
                notes: Vec::new(),
            }),
        }
    }
    for (id, old_resource) in old {
        if !new_map.contains_key(id) {
            drafts.push(Draft {
                logical_id: id,
                old: Some(old_resource.clone()),
                new: None,
                changes: Vec::new(),
                notes: Vec::new(),
            });
        }
    }

    pair_renames(&mut drafts);
    reevaluate_references(&mut drafts, old, new, changed_parameters, rules);
    flag_name_conflicts(&mut drafts, rules);

    let mut out: Vec<ResourceDiff> = drafts.into_iter().filter_map(finish).collect();
    out.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.logical_id.cmp(&b.logical_id))
    });
    out
}

/// Compares one logical id present on both sides; `None` when nothing differs.
fn compare<'a>(
    logical_id: &'a str,
    old: &Resource<'a>,
    new: &Resource<'a>,
    rules: &ReplacementRules,
) -> Option<Draft<'a>> {
    let mut raw: Vec<RawChange> = Vec::new();
    let type_changed = old.resource_type != new.resource_type;
    if type_changed {
        raw.push(RawChange {
            path: PropertyPath::root().key("Type"),
            old: Some(Value::from(old.resource_type)),
            new: Some(Value::from(new.resource_type)),
        });
    }
    diff_maps(
        &PropertyPath::root(),
        &comparable(old.body),
        &comparable(new.body),
        &mut raw,
    );
    if raw.is_empty() {
        return None;
    }
    let type_rules = rules.for_type(new.resource_type);
    let mut notes = Vec::new();
    if type_changed {
        notes.push(Note::TypeChanged {
            old: old.resource_type.to_owned(),
            new: new.resource_type.to_owned(),
        });
    }
    let changes = raw
        .into_iter()
        .map(|c| {
            let replacement = if type_changed && c.path.to_string() == "Type" {
                Replacement::Always
            } else if type_changed {
                Replacement::Never
            } else {
                type_rules.map_or(Replacement::Never, |r| {
                    r.classify(&c.path, c.old.as_ref(), c.new.as_ref())
                })
            };
            PropertyChange {
                kind: kind_of(c.old.as_ref(), c.new.as_ref()),
                path: c.path,
                old: c.old,
                new: c.new,
                replacement,
                cause: ChangeCause::Template,
            }
        })
        .collect::<Vec<_>>();
    if changes.iter().any(|c| c.path.to_string() == "Condition") {
        notes.push(Note::ConditionChanged);
    }
    let properties = PropertyPath::root().key("Properties");
    let touches_properties = changes.iter().any(|c| properties.is_prefix_of(&c.path));
    if type_rules.is_none() && !type_changed && touches_properties {
        notes.push(Note::UnknownType {
            resource_type: new.resource_type.to_owned(),
        });
    }
    Some(Draft {
        logical_id,
        old: Some(old.clone()),
        new: Some(new.clone()),
        changes,
        notes,
    })
}

/// Share of top-level properties two bodies have in common (1.0 = identical properties).
fn similarity(a: &Map<String, Value>, b: &Map<String, Value>) -> f64 {
    let empty = Map::new();
    let props = |m: &'_ Map<String, Value>| -> Map<String, Value> {
        m.get("Properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone()
    };
    let (pa, pb) = (props(a), props(b));
    let keys: BTreeSet<&String> = pa.keys().chain(pb.keys()).collect();
    if keys.is_empty() {
        return 1.0;
    }
    let same = keys
        .iter()
        .filter(|k| match (pa.get(k.as_str()), pb.get(k.as_str())) {
            (Some(x), Some(y)) => loosely_equal(x, y),
            _ => false,
        })
        .count();
    same as f64 / keys.len() as f64
}

/// Marks a removed and an added resource of the same type as one resource under a new logical
/// id: first identical definitions, then the single most similar pair per type (at least half of
/// the properties equal).
fn pair_renames(drafts: &mut [Draft<'_>]) {
    let removed: Vec<usize> = (0..drafts.len())
        .filter(|&i| drafts[i].new.is_none())
        .collect();
    let added: Vec<usize> = (0..drafts.len())
        .filter(|&i| drafts[i].old.is_none())
        .collect();
    let mut taken: BTreeSet<usize> = BTreeSet::new();
    let mut pairs: Vec<(usize, usize, bool)> = Vec::new();
    for &r in &removed {
        let Some(old) = &drafts[r].old else { continue };
        let found = added.iter().copied().find(|a| {
            !taken.contains(a)
                && drafts[*a].new.as_ref().is_some_and(|new| {
                    new.resource_type == old.resource_type
                        && loosely_equal(
                            &Value::Object(comparable(new.body)),
                            &Value::Object(comparable(old.body)),
                        )
                })
        });
        if let Some(a) = found {
            taken.insert(a);
            taken.insert(r);
            pairs.push((r, a, true));
        }
    }
    for &r in &removed {
        if taken.contains(&r) {
            continue;
        }
        let Some(old) = &drafts[r].old else { continue };
        let mut best: Option<(usize, f64)> = None;
        for &a in &added {
            if taken.contains(&a) {
                continue;
            }
            let Some(new) = &drafts[a].new else { continue };
            if new.resource_type != old.resource_type {
                continue;
            }
            let score = similarity(old.body, new.body);
            if score >= 0.5 && best.is_none_or(|(_, s)| score > s) {
                best = Some((a, score));
            }
        }
        if let Some((a, _)) = best {
            taken.insert(a);
            taken.insert(r);
            pairs.push((r, a, false));
        }
    }
    for (r, a, identical) in pairs {
        let (old_id, new_id) = (drafts[r].logical_id, drafts[a].logical_id);
        drafts[r].notes.push(Note::RenamedTo {
            logical_id: new_id.to_owned(),
            identical,
        });
        drafts[a].notes.push(Note::RenamedFrom {
            logical_id: old_id.to_owned(),
            identical,
        });
    }
}

/// Walks `value` to every intrinsic expression, calling `visit(path, expression)`.
fn each_expression(
    path: &PropertyPath,
    value: &Value,
    visit: &mut dyn FnMut(&PropertyPath, &Value),
) {
    if is_intrinsic(value) {
        visit(path, value);
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                each_expression(&path.key(k), v, visit);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                each_expression(&path.index(i), v, visit);
            }
        }
        _ => {}
    }
}

/// Adds a `Reevaluated` change wherever an unchanged expression refers to a replaced resource
/// or a changed parameter, and repeats while that makes more resources (possibly) replaced.
/// As in change sets, a value that depends on a replacement makes a create-only property
/// "conditional"; a plain `Ref` to a changed parameter changes for certain.
fn reevaluate_references<'a>(
    drafts: &mut Vec<Draft<'a>>,
    old: &[(&'a str, Resource<'a>)],
    new: &[(&'a str, Resource<'a>)],
    changed_parameters: &BTreeSet<String>,
    rules: &ReplacementRules,
) {
    let mut changed: BTreeMap<String, ChangeCause> = changed_parameters
        .iter()
        .map(|p| {
            let cause = ChangeCause::Parameter {
                parameter: p.clone(),
            };
            (p.clone(), cause)
        })
        .collect();
    // Each round adds changes at paths not reported before, so this ends.
    loop {
        for draft in drafts.iter() {
            if draft.old.is_some()
                && draft.new.is_some()
                && draft.replacement() > Replacement::Never
            {
                let id = draft.logical_id.to_owned();
                changed
                    .entry(id.clone())
                    .or_insert(ChangeCause::ReplacedResource { resource: id });
            }
        }
        if changed.is_empty() {
            return;
        }
        let mut added_any = false;
        for (id, resource) in new {
            let Some((_, old_resource)) = old.iter().find(|(oid, _)| oid == id) else {
                continue;
            };
            let position = drafts.iter().position(|d| d.logical_id == *id);
            if position.is_some_and(|p| drafts[p].replacement() == Replacement::Always) {
                continue;
            }
            let Some(properties) = resource.body.get("Properties") else {
                continue;
            };
            let existing: Vec<PropertyPath> = position
                .map(|p| drafts[p].changes.iter().map(|c| c.path.clone()).collect())
                .unwrap_or_default();
            let found = reevaluated(
                properties,
                &existing,
                &changed,
                rules.for_type(resource.resource_type),
            );
            if found.is_empty() {
                continue;
            }
            added_any = true;
            match position {
                Some(p) => drafts[p].changes.extend(found),
                None => drafts.push(Draft {
                    logical_id: id,
                    old: Some(old_resource.clone()),
                    new: Some(resource.clone()),
                    changes: found,
                    notes: Vec::new(),
                }),
            }
        }
        if !added_any {
            return;
        }
    }
}

/// The expressions under `properties` (outside the `existing` changes' paths) that refer to
/// something `changed`: each a `Reevaluated` change, with the replacement it may cause.
fn reevaluated(
    properties: &Value,
    existing: &[PropertyPath],
    changed: &BTreeMap<String, ChangeCause>,
    type_rules: Option<&TypeRules>,
) -> Vec<PropertyChange> {
    let mut found: Vec<PropertyChange> = Vec::new();
    each_expression(
        &PropertyPath::root().key("Properties"),
        properties,
        &mut |path, expression| {
            if existing.iter().any(|p| p.overlaps(path)) {
                return;
            }
            let Some((name, cause)) = references(expression)
                .into_iter()
                .find_map(|name| changed.get(&name).map(|c| (name, c.clone())))
            else {
                return;
            };
            // An expression's value is opaque, so this is the level of any create-only
            // property at or below `path`.
            let schema_level = type_rules.map_or(Replacement::Never, |r| {
                r.classify(path, Some(expression), Some(expression))
            });
            let certain =
                matches!(cause, ChangeCause::Parameter { .. }) && is_plain_ref(expression, &name);
            let replacement = if certain {
                schema_level
            } else {
                schema_level.min(Replacement::Conditional)
            };
            found.push(PropertyChange {
                path: path.clone(),
                kind: ChangeKind::Reevaluated,
                old: Some(expression.clone()),
                new: Some(expression.clone()),
                replacement,
                cause,
            });
        },
    );
    found
}

/// Notes the replacements (and renames) that CloudFormation cannot perform because the
/// physical name stays the same.
fn flag_name_conflicts(drafts: &mut [Draft<'_>], rules: &ReplacementRules) {
    let removed_names: Vec<(String, String, PropertyPath, Value)> = drafts
        .iter()
        .filter_map(|d| {
            let old = d.old.as_ref().filter(|_| d.new.is_none())?;
            let path = rules.for_type(old.resource_type)?.physical_name()?;
            let value = value_at(&Value::Object(old.body.clone()), &path)?.clone();
            Some((
                d.logical_id.to_owned(),
                old.resource_type.to_owned(),
                path,
                value,
            ))
        })
        .collect();
    for draft in drafts.iter_mut() {
        let Some(new) = &draft.new else { continue };
        let Some(path) = rules
            .for_type(new.resource_type)
            .and_then(TypeRules::physical_name)
        else {
            continue;
        };
        let new_body = Value::Object(new.body.clone());
        let Some(new_name) = value_at(&new_body, &path) else {
            continue;
        };
        match &draft.old {
            Some(old) if draft.replacement() > Replacement::Never => {
                let old_body = Value::Object(old.body.clone());
                if value_at(&old_body, &path).is_some_and(|v| loosely_equal(v, new_name)) {
                    draft.notes.push(Note::NameConflict {
                        property: path.clone(),
                        value: new_name.clone(),
                        held_by: None,
                    });
                }
            }
            None => {
                if let Some((holder, ..)) = removed_names.iter().find(|(_, t, p, v)| {
                    t == new.resource_type && *p == path && loosely_equal(v, new_name)
                }) {
                    draft.notes.push(Note::NameConflict {
                        property: path.clone(),
                        value: new_name.clone(),
                        held_by: Some(holder.clone()),
                    });
                }
            }
            Some(_) => {}
        }
    }
}

/// The finished diff of a draft (every draft has at least one side).
fn finish(draft: Draft<'_>) -> Option<ResourceDiff> {
    let replacement = draft.replacement();
    let Draft {
        logical_id,
        old,
        new,
        changes,
        notes,
    } = draft;
    let renamed = notes.iter().any(|n| matches!(n, Note::RenamedTo { .. }));
    match (old, new) {
        (None, Some(new)) => Some(ResourceDiff {
            logical_id: logical_id.to_owned(),
            resource_type: new.resource_type.to_owned(),
            old_resource_type: None,
            action: ResourceAction::Add,
            replacement: Replacement::Never,
            destructive: false,
            stateful: stateful::is_stateful(new.resource_type),
            data: None,
            changes,
            notes,
        }),
        (Some(old), None) => {
            let data = stateful::on_removal(old.resource_type, &Value::Object(old.body.clone()));
            Some(ResourceDiff {
                logical_id: logical_id.to_owned(),
                resource_type: old.resource_type.to_owned(),
                old_resource_type: None,
                action: ResourceAction::Remove,
                replacement: Replacement::Never,
                destructive: data.is_some() || renamed,
                stateful: data.is_some(),
                data,
                changes,
                notes,
            })
        }
        (Some(old), Some(new)) => {
            let action = if replacement == Replacement::Always {
                ResourceAction::Replace
            } else {
                ResourceAction::Update
            };
            let data = if replacement > Replacement::Never {
                stateful::on_replacement(
                    old.resource_type,
                    &Value::Object(old.body.clone()),
                    &Value::Object(new.body.clone()),
                )
            } else {
                None
            };
            Some(ResourceDiff {
                logical_id: logical_id.to_owned(),
                resource_type: new.resource_type.to_owned(),
                old_resource_type: (old.resource_type != new.resource_type)
                    .then(|| old.resource_type.to_owned()),
                action,
                replacement,
                destructive: replacement > Replacement::Never,
                stateful: stateful::is_stateful(new.resource_type)
                    || stateful::is_stateful(old.resource_type),
                data,
                changes,
                notes,
            })
        }
        (None, None) => None,
    }
}

/// Display order: data deleted, then other destructive stateful changes, then other
/// destructive changes, then everything else.
fn rank(diff: &ResourceDiff) -> u8 {
    match (diff.destructive, diff.loses_data(), diff.stateful) {
        (true, true, _) => 0,
        (true, false, true) => 1,
        (true, false, false) => 2,
        (false, ..) => 3,
    }
}
