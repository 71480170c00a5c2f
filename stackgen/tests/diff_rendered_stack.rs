//! The diff engine on the real thing: the retail stack rendered from `environments/dev.yaml`,
//! against itself (as JSON and as the YAML stackgen writes), and against renders of edited
//! copies of the environment, the way `stackgen diff --env` will use it.

use std::path::PathBuf;

use stackgen::diff::{
    ChangeKind, DiffExit, DiffInput, Replacement, ResourceAction, TemplateDiff, diff_templates,
    parse_template,
};
use stackgen::env::Environment;
use stackgen::model::Format;

fn dev() -> Environment {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../environments");
    match stackgen::env::load_named(&dir, "dev") {
        Ok(env) => env,
        Err(e) => panic!("environments/dev.yaml does not load: {e}"),
    }
}

fn render(env: &Environment, format: Format) -> String {
    let prepared = match stackgen::synth::prepare(env) {
        Ok(p) => p,
        Err(e) => panic!("the {} stack does not build: {e}", env.name),
    };
    match prepared.stack.template.render(format) {
        Ok(text) => text,
        Err(e) => panic!("the {} template does not render: {e}", env.name),
    }
}

fn diff(old: &Environment, new: &Environment) -> TemplateDiff {
    let old = parse_template(&render(old, Format::Json), "deployed").expect("valid JSON");
    let new = parse_template(&render(new, Format::Json), "rendered").expect("valid JSON");
    diff_templates(
        &DiffInput::new("deployed", old),
        &DiffInput::new("rendered", new),
    )
    .expect("rendered templates are valid")
}

#[test]
fn the_rendered_stack_has_no_diff_with_itself_in_json_or_yaml() {
    let env = dev();
    let json = parse_template(&render(&env, Format::Json), "dev.json").expect("JSON parses");
    let yaml = parse_template(&render(&env, Format::Yaml), "dev.yaml").expect("YAML parses");
    let resources = json["Resources"].as_object().map_or(0, |r| r.len());
    assert!(resources > 20, "the dev stack has {resources} resources");
    let d = diff_templates(&DiffInput::new("yaml", yaml), &DiffInput::new("json", json))
        .expect("valid");
    assert_eq!(d.exit(), DiffExit::NoChanges, "{}", d.summary_line());
}

#[test]
fn a_log_retention_edit_is_named_and_harmless() {
    let old = dev();
    let mut new = dev();
    new.log_retention_days = 14;
    let d = diff(&old, &new);
    assert_eq!(d.exit(), DiffExit::Changes);
    assert_eq!(d.destructive().count(), 0, "{}", d.summary_line());
    let groups: Vec<&str> = d
        .resources
        .iter()
        .filter(|r| r.resource_type == "AWS::Logs::LogGroup")
        .map(|r| r.logical_id.as_str())
        .collect();
    assert!(!groups.is_empty());
    for resource in &d.resources {
        assert_eq!(
            resource.action,
            ResourceAction::Update,
            "{}",
            resource.logical_id
        );
        assert_eq!(
            resource.replacement,
            Replacement::Never,
            "{}",
            resource.logical_id
        );
    }
    assert!(d.resources.iter().any(|r| r.changes.iter().any(|c| {
        c.path.to_string() == "Properties.RetentionInDays"
            && c.kind == ChangeKind::Modified
            && c.new.as_ref().is_some_and(|v| v.to_string().contains("14"))
    })));
}

#[test]
fn renaming_the_project_replaces_every_named_data_store() {
    let old = dev();
    let mut new = dev();
    new.project = "grocer2".into();
    new.tags.project = "grocer2".into();
    let d = diff(&old, &new);
    let tables: Vec<_> = d
        .resources
        .iter()
        .filter(|r| r.resource_type == "AWS::DynamoDB::Table")
        .collect();
    assert!(!tables.is_empty());
    for table in &tables {
        assert!(table.destructive, "{} must be called out", table.logical_id);
        assert!(
            table.loses_data(),
            "dev does not retain data: {}",
            table.logical_id
        );
    }
    // Destructive changes come first, data loss before the rest.
    let first_safe = d.resources.iter().position(|r| !r.destructive);
    let last_destructive = d.resources.iter().rposition(|r| r.destructive);
    if let (Some(safe), Some(destructive)) = (first_safe, last_destructive) {
        assert!(destructive < safe);
    }
}

#[test]
fn turning_on_retention_changes_policies_without_replacing_anything() {
    let old = dev();
    let mut new = dev();
    new.protection.retain_data = true;
    let d = diff(&old, &new);
    assert_eq!(d.exit(), DiffExit::Changes);
    assert!(
        d.resources
            .iter()
            .all(|r| r.replacement == Replacement::Never),
        "{}",
        stackgen::diff::render(&d, stackgen::diff::Format::Text, false)
    );
    assert!(d.resources.iter().any(|r| {
        r.changes
            .iter()
            .any(|c| c.path.to_string() == "DeletionPolicy")
    }));
}
