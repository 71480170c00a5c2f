//! What reviewers and engineers actually read: snapshots of the Markdown (pull-request comment)
//! and text (terminal) renderings of a typical pull request's diff, plus the JSON contract.

use std::collections::BTreeMap;

use serde_json::{Value, json};

mod diff_fixture;
use diff_fixture::{deployed, resources_mut};
use stackgen::diff::{DiffInput, Format, TemplateDiff, diff_templates, render};

/// A pull request that does a bit of everything: re-keys the orders table (keeping its name),
/// drops the reports bucket, gives the catalog function more memory, renames the queue's
/// logical id, adds a function, ships a new asset and changes an output.
fn pull_request_diff() -> TemplateDiff {
    let mut new = deployed();
    new["Resources"]["OrdersTable"]["Properties"]["KeySchema"][1]["AttributeName"] =
        json!("createdAt");
    new["Resources"]["OrdersTable"]["Properties"]["AttributeDefinitions"][1]["AttributeName"] =
        json!("createdAt");
    new["Resources"]["OrdersTable"]["Properties"]["Tags"][1]["Value"] = json!("dev2");
    new["Resources"]["CatalogFunction"]["Properties"]["MemorySize"] = json!(256);
    let resources = resources_mut(&mut new);
    resources.remove("ReportsBucket");
    let queue = resources.remove("OrderEventsQueue").expect("queue");
    resources.insert("OrderEvents".into(), queue);
    resources.insert(
        "CartFunctionLogs".into(),
        json!({
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": "/aws/lambda/retail-dev-cart", "RetentionInDays": 7}
        }),
    );
    new["Outputs"]["ApiUrl"]["Value"] =
        json!({"Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.amazonaws.com/v2"});
    let old =
        DiffInput::new("deployed stack retail-dev", deployed()).with_parameters(BTreeMap::from([
            ("AssetKey".into(), "assets/3f1a.zip".into()),
        ]));
    let new = DiffInput::new("rendered for dev", new).with_parameters(BTreeMap::from([(
        "AssetKey".into(),
        "assets/9c2e.zip".into(),
    )]));
    diff_templates(&old, &new).expect("valid templates")
}

fn small_diff() -> TemplateDiff {
    let mut new = deployed();
    new["Resources"]["CatalogFunction"]["Properties"]["MemorySize"] = json!(512);
    diff_templates(
        &DiffInput::new("out/dev/template.json", deployed()),
        &DiffInput::new("rendered for dev", new),
    )
    .expect("valid templates")
}

#[test]
fn markdown_pull_request_comment() {
    insta::assert_snapshot!(
        "markdown_pull_request",
        render(&pull_request_diff(), Format::Markdown, false)
    );
}

#[test]
fn text_plan() {
    insta::assert_snapshot!(
        "text_pull_request",
        render(&pull_request_diff(), Format::Text, false)
    );
}

#[test]
fn small_change_renderings() {
    let d = small_diff();
    insta::assert_snapshot!("text_small", render(&d, Format::Text, false));
    insta::assert_snapshot!("markdown_small", render(&d, Format::Markdown, false));
}

#[test]
fn no_change_renderings() {
    let d = diff_templates(
        &DiffInput::new("deployed stack retail-dev", deployed()),
        &DiffInput::new("rendered for dev", deployed()),
    )
    .expect("valid");
    insta::assert_snapshot!("text_none", render(&d, Format::Text, false));
    insta::assert_snapshot!("markdown_none", render(&d, Format::Markdown, false));
}

#[test]
fn json_contract() {
    let d = pull_request_diff();
    let report: Value = serde_json::from_str(&render(&d, Format::Json, false)).expect("valid JSON");
    assert_eq!(report["schema_version"], json!(1));
    assert_eq!(report["has_changes"], json!(true));
    assert_eq!(report["exit_code"], json!(2));
    assert_eq!(report["old_label"], json!("deployed stack retail-dev"));
    let destructive: Vec<&str> = report["destructive"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    // Data loss first (by logical id), then other replacements.
    assert_eq!(
        destructive,
        ["OrderEventsQueue", "OrdersTable", "ReportsBucket"]
    );
    for resource in report["resources"].as_array().expect("list") {
        for key in [
            "logical_id",
            "resource_type",
            "action",
            "replacement",
            "destructive",
            "stateful",
            "changes",
            "notes",
        ] {
            assert!(resource.get(key).is_some(), "{key} missing in {resource}");
        }
    }
    let sections: Vec<&str> = report["sections"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["section"].as_str())
        .collect();
    assert_eq!(sections, ["Outputs", "Parameter values"]);
    insta::assert_json_snapshot!("json_counts", report["counts"]);
}

#[test]
fn colour_only_when_asked() {
    let d = pull_request_diff();
    let plain = render(&d, Format::Text, false);
    let coloured = render(&d, Format::Text, true);
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b[1;31m"));
    let stripped = strip_ansi(&coloured);
    assert_eq!(stripped, plain);
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
