//! `stackgen diff` engine, end to end on a realistic slice of the retail stack: a deployed
//! template (JSON, or YAML with short-form tags as someone would save it) against a rendered one.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};

mod diff_fixture;
use diff_fixture::{DEPLOYED_YAML, deployed, resources_mut};
use stackgen::diff::{
    ChangeCause, ChangeKind, DataOutcome, DiffExit, DiffInput, Format, Note, PolicyAttribute,
    Replacement, ResourceAction, Section, diff_templates, load_template, parse_template, render,
};

fn run(old: Value, new: Value) -> stackgen::diff::TemplateDiff {
    diff_templates(
        &DiffInput::new("deployed stack retail-dev", old),
        &DiffInput::new("rendered for dev", new),
    )
    .expect("both templates are valid")
}

#[test]
fn no_change_is_empty_and_exits_0() {
    let d = run(deployed(), deployed());
    assert!(!d.has_changes());
    assert!(d.resources.is_empty() && d.sections.is_empty());
    assert_eq!(d.exit(), DiffExit::NoChanges);
    assert_eq!(
        render(&d, Format::Text, false).lines().nth(1),
        Some("No changes.")
    );
}

#[test]
fn table_key_change_is_flagged_destructive_and_listed_first() {
    let mut new = deployed();
    new["Resources"]["CatalogFunction"]["Properties"]["MemorySize"] = json!(256);
    new["Resources"]["OrdersTable"]["Properties"]["KeySchema"][1]["AttributeName"] =
        json!("createdAt");
    new["Resources"]["OrdersTable"]["Properties"]["AttributeDefinitions"][1]["AttributeName"] =
        json!("createdAt");
    let d = run(deployed(), new);
    assert_eq!(d.exit(), DiffExit::Changes);
    let first = &d.resources[0];
    assert_eq!(first.logical_id, "OrdersTable");
    assert!(first.destructive);
    assert_eq!(first.action, ResourceAction::Replace);
    assert!(first.changes.iter().any(|c| {
        c.path.to_string() == "Properties.KeySchema[1].AttributeName"
            && c.old == Some(json!("sk"))
            && c.new == Some(json!("createdAt"))
            && c.replacement == Replacement::Always
    }));
    let fate = first.data.as_ref().expect("a table holds data");
    assert_eq!(fate.outcome, DataOutcome::Deleted);
    assert_eq!(fate.attribute, PolicyAttribute::UpdateReplacePolicy);
    assert!(
        first.is_blocked(),
        "TableName is kept, so CloudFormation cannot replace it: {:?}",
        first.notes
    );
    // Everything that references the table may see a new ARN / name.
    for dependent in ["CatalogFunctionRole", "CatalogFunction"] {
        let r = d.resource(dependent).expect("re-evaluated");
        assert!(r.changes.iter().any(|c| c.kind == ChangeKind::Reevaluated
            && c.cause
                == ChangeCause::ReplacedResource {
                    resource: "OrdersTable".into()
                }));
    }
    let memory = d.resource("CatalogFunction").expect("changed");
    assert!(!memory.destructive);
    let text = render(&d, Format::Text, false);
    let destructive_at = text.find("Destructive changes").expect("section");
    let memory_at = text.find("Properties.MemorySize").expect("memory line");
    assert!(destructive_at < memory_at, "{text}");
}

#[test]
fn bucket_removal_is_destructive() {
    let mut new = deployed();
    resources_mut(&mut new).remove("ReportsBucket");
    let d = run(deployed(), new);
    let r = d.resource("ReportsBucket").expect("removed");
    assert_eq!(r.action, ResourceAction::Remove);
    assert!(r.destructive && r.loses_data());
    assert_eq!(d.destructive().count(), 1);
    let md = render(&d, Format::Markdown, false);
    assert!(md.contains("⚠️ **`ReportsBucket`**"), "{md}");
}

#[test]
fn lambda_memory_change_is_an_update_without_replacement() {
    let mut new = deployed();
    new["Resources"]["CatalogFunction"]["Properties"]["MemorySize"] = json!(512);
    let d = run(deployed(), new);
    assert_eq!(d.resources.len(), 1);
    let r = &d.resources[0];
    assert_eq!(
        (r.action, r.replacement),
        (ResourceAction::Update, Replacement::Never)
    );
    assert!(!r.destructive);
    assert_eq!(d.destructive().count(), 0);
    assert_eq!(r.changes[0].path.to_string(), "Properties.MemorySize");
}

#[test]
fn logical_id_rename_replaces_the_physical_resource() {
    let mut new = deployed();
    let queue = resources_mut(&mut new)
        .remove("OrderEventsQueue")
        .expect("queue exists");
    resources_mut(&mut new).insert("OrderEvents".into(), queue);
    let d = run(deployed(), new);
    let removed = d.resource("OrderEventsQueue").expect("removed");
    let added = d.resource("OrderEvents").expect("added");
    assert_eq!(removed.action, ResourceAction::Remove);
    assert_eq!(added.action, ResourceAction::Add);
    assert!(removed.destructive, "messages in the old queue are lost");
    assert!(
        removed.notes.iter().any(
            |n| matches!(n, Note::RenamedTo { logical_id, .. } if logical_id == "OrderEvents")
        )
    );
    let text = render(&d, Format::Text, false);
    assert!(text.contains("logical id renamed to OrderEvents"), "{text}");
}

#[test]
fn parameter_value_change_is_listed_and_reaches_the_function() {
    let old =
        DiffInput::new("deployed stack retail-dev", deployed()).with_parameters(BTreeMap::from([
            ("AssetKey".into(), "assets/aaa.zip".into()),
        ]));
    let new = DiffInput::new("rendered for dev", deployed()).with_parameters(BTreeMap::from([
        ("AssetKey".into(), "assets/bbb.zip".into()),
        ("LogRetentionDays".into(), "7".into()),
    ]));
    let d = diff_templates(&old, &new).expect("valid");
    assert_eq!(d.exit(), DiffExit::Changes);
    let values = d
        .section(&Section::ParameterValues)
        .expect("values changed");
    assert_eq!(values.entries.len(), 1, "7 equals the default: {values:?}");
    assert_eq!(values.entries[0].name, "AssetKey");
    let f = d.resource("CatalogFunction").expect("code re-evaluated");
    assert_eq!(f.changes[0].path.to_string(), "Properties.Code.S3Key");
    assert_eq!(f.replacement, Replacement::Never);
    assert!(!f.destructive);
}

#[test]
fn parameter_declaration_change_is_listed() {
    let mut new = deployed();
    new["Parameters"]["LogRetentionDays"]["Default"] = json!(14);
    let d = run(deployed(), new);
    let params = d
        .section(&Section::Parameters)
        .expect("declaration changed");
    assert_eq!(params.entries[0].name, "LogRetentionDays");
    assert_eq!(params.entries[0].changes[0].path.to_string(), "Default");
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stackgen-diff-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

#[test]
fn saved_yaml_with_short_form_tags_equals_the_rendered_json() {
    let path = temp_file("deployed.yaml", DEPLOYED_YAML);
    let old = load_template(&path).expect("YAML with short-form tags loads");
    let d = diff_templates(
        &DiffInput::new(path.display().to_string(), old),
        &DiffInput::new("rendered for dev", deployed()),
    )
    .expect("valid");
    assert!(!d.has_changes(), "{}", render(&d, Format::Text, false));
}

#[test]
fn saved_yaml_against_a_changed_render_names_the_change() {
    let old = parse_template(DEPLOYED_YAML, "deployed.yaml").expect("loads");
    let mut new = deployed();
    new["Resources"]["CatalogFunction"]["Properties"]["Role"] =
        json!({"Fn::GetAtt": ["CatalogRole", "Arn"]});
    let d = run(old, new);
    let f = d.resource("CatalogFunction").expect("changed");
    assert_eq!(f.changes.len(), 1);
    assert_eq!(f.changes[0].path.to_string(), "Properties.Role");
    assert_eq!(
        f.changes[0].old,
        Some(json!({"Fn::GetAtt": ["CatalogFunctionRole", "Arn"]}))
    );
}

#[test]
fn a_broken_saved_file_is_an_error_with_exit_1() {
    let path = temp_file("broken.yaml", "Resources:\n  Orders:\n    Properties: {}\n");
    let old = load_template(&path).expect("valid YAML");
    let result = diff_templates(
        &DiffInput::new(path.display().to_string(), old),
        &DiffInput::new("rendered", deployed()),
    );
    assert_eq!(DiffExit::of(&result), DiffExit::Error);
    let message = result.expect_err("no Type").to_string();
    assert!(
        message.contains("broken.yaml") && message.contains("Orders"),
        "{message}"
    );
    let missing = load_template(&path.with_file_name("missing.json")).expect_err("missing file");
    assert!(missing.to_string().contains("missing.json"));
}
