//! Engine tests: small templates exercising one CloudFormation rule each.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::*;

fn diff(old: Value, new: Value) -> TemplateDiff {
    diff_templates(&DiffInput::new("old", old), &DiffInput::new("new", new)).expect("diffs")
}

fn template(resources: Value) -> Value {
    json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})
}

fn table(name: &str, key: &str) -> Value {
    json!({
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "TableName": name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}]
        }
    })
}

fn function(memory: u32) -> Value {
    json!({
        "Type": "AWS::Lambda::Function",
        "DependsOn": ["FnLogs", "FnRole"],
        "Properties": {
            "FunctionName": "retail-dev-catalog",
            "Runtime": "provided.al2023",
            "Handler": "bootstrap",
            "MemorySize": memory,
            "Role": {"Fn::GetAtt": ["FnRole", "Arn"]}
        }
    })
}

#[test]
fn identical_templates_have_no_changes_and_exit_0() {
    let t = template(json!({"Orders": table("retail-dev-orders", "pk"), "Fn": function(128)}));
    let d = diff(t.clone(), t);
    assert!(!d.has_changes());
    assert_eq!(d.exit(), DiffExit::NoChanges);
    assert_eq!(d.exit().code(), 0);
    assert_eq!(d.summary_line(), "No changes.");
}

#[test]
fn formatting_differences_cloudformation_ignores_are_not_changes() {
    let mut new_fn = function(128);
    new_fn["Properties"]["MemorySize"] = json!("128");
    new_fn["DependsOn"] = json!(["FnRole", "FnLogs"]);
    let d = diff(
        template(json!({"Fn": function(128)})),
        template(json!({"Fn": new_fn})),
    );
    assert!(!d.has_changes(), "{d:#?}");
}

#[test]
fn memory_change_updates_in_place() {
    let d = diff(
        template(json!({"Fn": function(128)})),
        template(json!({"Fn": function(256)})),
    );
    assert_eq!(d.exit(), DiffExit::Changes);
    let r = d.resource("Fn").expect("changed");
    assert_eq!(r.action, ResourceAction::Update);
    assert_eq!(r.replacement, Replacement::Never);
    assert!(!r.destructive);
    assert_eq!(r.changes.len(), 1);
    assert_eq!(r.changes[0].path.to_string(), "Properties.MemorySize");
    assert_eq!(r.changes[0].old, Some(json!(128)));
    assert_eq!(r.changes[0].new, Some(json!(256)));
}

#[test]
fn key_schema_change_replaces_the_table_and_its_data_is_deleted() {
    let d = diff(
        template(json!({"Orders": table("retail-dev-orders", "pk"), "Fn": function(128)})),
        template(json!({"Orders": table("retail-dev-orders", "id"), "Fn": function(256)})),
    );
    let first = &d.resources[0];
    assert_eq!(first.logical_id, "Orders", "destructive first");
    assert!(first.destructive);
    assert_eq!(first.action, ResourceAction::Replace);
    let key = first
        .changes
        .iter()
        .find(|c| c.path.to_string() == "Properties.KeySchema[0].AttributeName")
        .expect("key change");
    assert_eq!(key.replacement, Replacement::Always);
    let fate = first.data.as_ref().expect("stateful");
    assert_eq!(fate.outcome, DataOutcome::Deleted);
    assert_eq!(fate.attribute, PolicyAttribute::UpdateReplacePolicy);
    assert!(first.loses_data());
    assert!(
        first
            .notes
            .iter()
            .any(|n| matches!(n, Note::NameConflict { held_by: None, .. })),
        "same TableName cannot be replaced: {:?}",
        first.notes
    );
    assert_eq!(d.counts().destructive, 1);
}

#[test]
fn renaming_the_table_replaces_it_and_update_replace_policy_retains_the_data() {
    let mut old = table("retail-dev-orders", "pk");
    old["UpdateReplacePolicy"] = json!("Retain");
    let mut new = table("retail-dev-orders-v2", "pk");
    new["UpdateReplacePolicy"] = json!("Retain");
    let d = diff(
        template(json!({"Orders": old})),
        template(json!({"Orders": new})),
    );
    let r = d.resource("Orders").expect("changed");
    assert_eq!(r.action, ResourceAction::Replace);
    assert_eq!(r.replacement, Replacement::Always);
    let fate = r.data.as_ref().expect("stateful");
    assert_eq!(fate.outcome, DataOutcome::Retained);
    assert!(r.destructive && !r.loses_data());
    assert!(
        r.notes.is_empty(),
        "the name changes, so no conflict: {:?}",
        r.notes
    );
}

#[test]
fn bucket_removal_is_destructive_unless_retained() {
    let bucket =
        json!({"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "retail-dev-reports"}});
    let d = diff(
        template(json!({"Reports": bucket.clone(), "Fn": function(128)})),
        template(json!({"Fn": function(128)})),
    );
    let r = d.resource("Reports").expect("removed");
    assert_eq!(r.action, ResourceAction::Remove);
    assert!(r.destructive && r.loses_data());
    assert_eq!(
        r.data.as_ref().map(|f| f.attribute),
        Some(PolicyAttribute::DeletionPolicy)
    );

    let mut retained = bucket;
    retained["DeletionPolicy"] = json!("Retain");
    let d = diff(template(json!({"Reports": retained})), template(json!({})));
    let r = d.resource("Reports").expect("removed");
    assert!(r.destructive && !r.loses_data());
}

#[test]
fn removing_a_stateless_resource_is_not_destructive() {
    let topic = json!({"Type": "AWS::SNS::Topic", "Properties": {}});
    let d = diff(template(json!({"Alerts": topic})), template(json!({})));
    let r = d.resource("Alerts").expect("removed");
    assert!(!r.destructive);
    assert_eq!(d.exit(), DiffExit::Changes);
}

#[test]
fn logical_id_rename_is_remove_plus_add_and_a_kept_name_collides() {
    let d = diff(
        template(json!({"OrdersTable": table("retail-dev-orders", "pk")})),
        template(json!({"OrderTable": table("retail-dev-orders", "pk")})),
    );
    let removed = d.resource("OrdersTable").expect("removed");
    let added = d.resource("OrderTable").expect("added");
    assert_eq!(removed.action, ResourceAction::Remove);
    assert_eq!(added.action, ResourceAction::Add);
    assert!(removed.destructive && removed.loses_data());
    assert!(removed.notes.contains(&Note::RenamedTo {
        logical_id: "OrderTable".into(),
        identical: true
    }));
    assert!(added.notes.iter().any(|n| matches!(n, Note::RenamedFrom { logical_id, identical: true } if logical_id == "OrdersTable")));
    assert!(
        added.notes.iter().any(
            |n| matches!(n, Note::NameConflict { held_by: Some(h), .. } if h == "OrdersTable")
        )
    );
    assert!(added.is_blocked());
}

#[test]
fn a_similar_resource_under_a_new_id_is_a_probable_rename() {
    let d = diff(
        template(json!({"CatalogFn": function(128)})),
        template(json!({"CatalogFunction": function(256)})),
    );
    let removed = d.resource("CatalogFn").expect("removed");
    assert!(removed.destructive, "the physical function is replaced");
    assert!(removed.notes.contains(&Note::RenamedTo {
        logical_id: "CatalogFunction".into(),
        identical: false
    }));
}

#[test]
fn type_change_is_a_replacement_cloudformation_rejects() {
    let d = diff(
        template(json!({"Jobs": {"Type": "AWS::SQS::Queue", "Properties": {}}})),
        template(json!({"Jobs": {"Type": "AWS::SNS::Topic", "Properties": {}}})),
    );
    let r = d.resource("Jobs").expect("changed");
    assert_eq!(r.action, ResourceAction::Replace);
    assert_eq!(r.old_resource_type.as_deref(), Some("AWS::SQS::Queue"));
    assert!(r.is_blocked());
    assert_eq!(r.changes[0].path.to_string(), "Type");
    assert_eq!(
        r.data.as_ref().map(|f| f.data),
        Some("messages waiting in the queue")
    );
}

#[test]
fn replacing_a_function_reevaluates_references_to_it() {
    let mut new_fn = function(128);
    new_fn["Properties"]["FunctionName"] = json!("retail-dev-catalog-v2");
    let permission = json!({
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Ref": "Fn"},
            "Principal": "apigateway.amazonaws.com"
        }
    });
    let alarm = json!({
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {"Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Fn"}}]}
    });
    let d = diff(
        template(json!({"Fn": function(128), "FnPermission": permission, "FnErrors": alarm})),
        template(json!({"Fn": new_fn, "FnPermission": permission, "FnErrors": alarm})),
    );
    assert_eq!(
        d.resource("Fn").map(|r| r.action),
        Some(ResourceAction::Replace)
    );
    let p = d.resource("FnPermission").expect("re-evaluated");
    assert_eq!(p.replacement, Replacement::Conditional);
    assert!(p.destructive);
    assert_eq!(p.changes[0].kind, ChangeKind::Reevaluated);
    assert_eq!(
        p.changes[0].cause,
        ChangeCause::ReplacedResource {
            resource: "Fn".into()
        }
    );
    let a = d.resource("FnErrors").expect("re-evaluated");
    assert_eq!(a.action, ResourceAction::Update);
    assert_eq!(a.replacement, Replacement::Never);
    assert_eq!(
        a.changes[0].path.to_string(),
        "Properties.Dimensions[0].Value"
    );
}

#[test]
fn parameter_value_changes_flow_into_resources() {
    let t = json!({
        "Parameters": {
            "TableName": {"Type": "String"},
            "Retention": {"Type": "Number", "Default": 7}
        },
        "Resources": {
            "Orders": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": {"Ref": "TableName"}}},
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {
                "LogGroupName": {"Fn::Sub": "/aws/lambda/${TableName}"},
                "RetentionInDays": {"Ref": "Retention"}
            }}
        }
    });
    let old = DiffInput::new("deployed", t.clone())
        .with_parameters(BTreeMap::from([("TableName".into(), "orders".into())]));
    let new = DiffInput::new("rendered", t).with_parameters(BTreeMap::from([
        ("TableName".into(), "orders-v2".into()),
        ("Retention".into(), "14".into()),
    ]));
    let d = diff_templates(&old, &new).expect("diffs");
    let values = d
        .section(&Section::ParameterValues)
        .expect("values changed");
    let names: Vec<&str> = values.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["Retention", "TableName"]);
    assert_eq!(
        d.resource("Orders").map(|r| r.replacement),
        Some(Replacement::Always),
        "a plain Ref to a changed parameter changes for certain"
    );
    let logs = d.resource("Logs").expect("re-evaluated");
    assert_eq!(logs.replacement, Replacement::Conditional);
    assert!(
        logs.changes
            .iter()
            .any(|c| c.path.to_string() == "Properties.RetentionInDays"
                && c.replacement == Replacement::Never)
    );
}

#[test]
fn parameter_values_are_ignored_when_one_side_has_none() {
    let t = json!({"Parameters": {"P": {"Type": "String"}}, "Resources": {}});
    let new = DiffInput::new("rendered", t.clone())
        .with_parameters(BTreeMap::from([("P".into(), "x".into())]));
    let d = diff_templates(&DiffInput::new("file", t), &new).expect("diffs");
    assert!(!d.has_changes());
}

#[test]
fn sections_and_resource_attributes_are_listed() {
    let mut old = template(json!({"Orders": table("t", "pk")}));
    old["Outputs"] = json!({"ApiUrl": {"Value": "https://a"}});
    old["Conditions"] = json!({"IsProd": {"Fn::Equals": ["a", "b"]}});
    let mut new = template(json!({"Orders": table("t", "pk")}));
    new["Resources"]["Orders"]["DeletionPolicy"] = json!("Retain");
    new["Resources"]["Orders"]["Condition"] = json!("IsProd");
    new["Outputs"] = json!({"ApiUrl": {"Value": "https://b"}, "UiUrl": {"Value": "https://c"}});
    new["Mappings"] = json!({"Sizes": {"dev": {"Memory": 128}}});
    let d = diff(old, new);
    let r = d.resource("Orders").expect("attributes changed");
    let paths: Vec<String> = r.changes.iter().map(|c| c.path.to_string()).collect();
    assert_eq!(paths, ["DeletionPolicy", "Condition"]);
    assert_eq!(r.replacement, Replacement::Never);
    assert!(r.notes.contains(&Note::ConditionChanged));
    let outputs = d.section(&Section::Outputs).expect("outputs");
    assert_eq!(outputs.entries.len(), 2);
    assert!(d.section(&Section::Mappings).is_some());
    assert_eq!(
        d.section(&Section::Conditions).map(|s| s.entries[0].action),
        Some(EntryAction::Remove)
    );
}

#[test]
fn conditionally_create_only_properties_may_replace() {
    let rule = |bus: &str| json!({"Type": "AWS::Events::Rule", "Properties": {"EventBusName": bus, "State": "ENABLED"}});
    let d = diff(
        template(json!({"LowStock": rule("default")})),
        template(json!({"LowStock": rule("retail-dev")})),
    );
    let r = d.resource("LowStock").expect("changed");
    assert_eq!(
        (r.action, r.replacement),
        (ResourceAction::Update, Replacement::Conditional)
    );
    assert!(r.destructive && !r.stateful);
    assert_eq!(d.counts().may_replace, 1);
    assert!(
        d.summary_line().contains("(1 may be replaced)"),
        "{}",
        d.summary_line()
    );
}

#[test]
fn unknown_types_say_so() {
    let d = diff(
        template(json!({"X": {"Type": "AWS::Made::Up", "Properties": {"A": 1}}})),
        template(json!({"X": {"Type": "AWS::Made::Up", "Properties": {"A": 2}}})),
    );
    let r = d.resource("X").expect("changed");
    assert!(matches!(&r.notes[..], [Note::UnknownType { .. }]));
    assert_eq!(r.replacement, Replacement::Never);
}

#[test]
fn transform_and_empty_old_template() {
    let new = json!({"Transform": "AWS::Serverless-2016-10-31", "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}});
    let d = diff(json!({}), new);
    assert_eq!(d.resource("Q").map(|r| r.action), Some(ResourceAction::Add));
    assert!(d.warnings.iter().any(|w| w.contains("Transform")));
}

#[test]
fn malformed_templates_are_errors_naming_the_resource() {
    let bad = json!({"Resources": {"Orders": {"Properties": {}}}});
    let err = diff_templates(
        &DiffInput::new("deployed stack s", bad),
        &DiffInput::new("new", json!({})),
    )
    .expect_err("no Type");
    let message = err.to_string();
    assert!(
        message.contains("deployed stack s") && message.contains("Orders"),
        "{message}"
    );
    let result = diff_templates(
        &DiffInput::new("old", json!({"Resources": []})),
        &DiffInput::new("new", json!({})),
    );
    assert_eq!(DiffExit::of(&result), DiffExit::Error);
    assert_eq!(DiffExit::of(&result).code(), 1);
}

#[test]
fn destructive_changes_come_first_and_data_loss_before_the_rest() {
    let mut retained_bucket = json!({"Type": "AWS::S3::Bucket"});
    retained_bucket["DeletionPolicy"] = json!("Retain");
    let d = diff(
        template(json!({
            "A": function(128),
            "B": retained_bucket,
            "C": {"Type": "AWS::SQS::Queue"},
            "D": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "a"}}
        })),
        template(json!({
            "A": function(256),
            "D": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "b"}},
            "E": {"Type": "AWS::SNS::Topic"}
        })),
    );
    let order: Vec<&str> = d.resources.iter().map(|r| r.logical_id.as_str()).collect();
    assert_eq!(order, ["C", "B", "D", "A", "E"]);
    let destructive: Vec<&str> = d.destructive().map(|r| r.logical_id.as_str()).collect();
    assert_eq!(destructive, ["C", "B", "D"]);
}

#[test]
fn json_output_is_stable_and_complete() {
    let d = diff(
        template(json!({"Orders": table("t", "pk")})),
        template(json!({"Orders": table("t", "id")})),
    );
    let parsed: Value = serde_json::from_str(&render(&d, Format::Json, false)).expect("valid json");
    assert_eq!(parsed["schema_version"], json!(1));
    assert_eq!(parsed["exit_code"], json!(2));
    assert_eq!(parsed["destructive"], json!(["Orders"]));
    let r = &parsed["resources"][0];
    assert_eq!(r["action"], json!("replace"));
    assert_eq!(r["replacement"], json!("always"));
    assert_eq!(r["data"]["outcome"], json!("deleted"));
    assert_eq!(
        r["changes"][0]["path"],
        json!("Properties.AttributeDefinitions[0].AttributeName")
    );
    assert_eq!(r["changes"][0]["cause"], json!({"kind": "template"}));
    assert_eq!(r["notes"][0]["code"], json!("name_conflict"));
    assert_eq!(r["notes"][0]["blocking"], json!(true));
}

#[test]
fn text_colour_is_optional() {
    let d = diff(
        template(json!({"Fn": function(128)})),
        template(json!({"Fn": function(256)})),
    );
    assert!(!render(&d, Format::Text, false).contains('\x1b'));
    assert!(render(&d, Format::Text, true).contains("\x1b["));
}

// ---------------------------------------------------------------- security section

fn role(actions: &[&str], boundary: bool) -> Value {
    let mut props = json!({
        "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": "least-privilege", "PolicyDocument": {"Statement": [
            {"Sid": "Orders", "Effect": "Allow", "Action": actions,
             "Resource": [{"Fn::GetAtt": ["OrdersTable", "Arn"]}]}]}}]
    });
    if boundary {
        props["PermissionsBoundary"] = json!("arn:aws:iam::123456789012:policy/boundary");
    }
    json!({"Type": "AWS::IAM::Role", "Properties": props})
}

fn route(key: &str, auth: &str) -> Value {
    json!({"Type": "AWS::ApiGatewayV2::Route",
           "Properties": {"ApiId": {"Ref": "Api"}, "RouteKey": key, "AuthorizationType": auth}})
}

fn tls_only_policy() -> Value {
    json!({"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": "Site"},
        "PolicyDocument": {"Statement": [{"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": [{"Fn::GetAtt": ["Site", "Arn"]}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}})
}

#[test]
fn a_widened_role_is_broadening_and_a_narrowed_one_is_not() {
    let old = template(json!({"FnRole": role(&["dynamodb:GetItem"], true)}));
    let new = template(json!({"FnRole": role(&["dynamodb:GetItem", "dynamodb:DeleteItem"], true)}));
    let d = diff(old.clone(), new.clone());
    assert_eq!(d.security.len(), 1, "{:?}", d.security);
    let c = &d.security[0];
    assert!(c.broadening);
    assert_eq!(c.resource, "FnRole");
    assert_eq!(c.resource_type, "AWS::IAM::Role");
    assert_eq!(c.what, "allows dynamodb:DeleteItem on OrdersTable.Arn");

    let back = diff(new, old);
    assert_eq!(back.security.len(), 1);
    assert!(!back.security[0].broadening);
    assert_eq!(
        back.security[0].what,
        "no longer allows dynamodb:DeleteItem on OrdersTable.Arn"
    );
}

#[test]
fn public_routes_open_buckets_lost_boundaries_and_removed_denies_broaden() {
    let bucket = |private: bool| {
        json!({"Type": "AWS::S3::Bucket", "Properties": {"PublicAccessBlockConfiguration": {
            "BlockPublicAcls": true, "BlockPublicPolicy": private,
            "IgnorePublicAcls": true, "RestrictPublicBuckets": true}}})
    };
    let old = template(json!({
        "Orders": route("GET /orders", "JWT"),
        "Site": bucket(true),
        "SitePolicy": tls_only_policy(),
        "FnRole": role(&["dynamodb:GetItem"], true),
    }));
    let new = template(json!({
        "Orders": route("GET /orders", "NONE"),
        "Admin": route("PUT /inventory", "NONE"),
        "Site": bucket(false),
        "FnRole": role(&["dynamodb:GetItem"], false),
    }));
    let d = diff(old, new);
    let lines: Vec<(bool, &str, &str)> = d
        .security
        .iter()
        .map(|c| (c.broadening, c.resource.as_str(), c.what.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (
                true,
                "Admin",
                "`PUT /inventory` is a new route without an authorizer: anyone can call it"
            ),
            (
                true,
                "FnRole",
                "has no permissions boundary: its policies are no longer capped"
            ),
            (
                true,
                "Orders",
                "`GET /orders` no longer requires an authorizer: anyone can call it"
            ),
            (
                true,
                "Site",
                "blocks public access no more (PublicAccessBlockConfiguration not all true)"
            ),
            (
                true,
                "SitePolicy",
                "no longer denies s3:* on Site.Arn to * when {\"Bool\":{\"aws:SecureTransport\":\"false\"}}"
            ),
        ]
    );
}

#[test]
fn lambda_permissions_and_trust_name_their_principal() {
    let permission = |source: Option<&str>| {
        let mut p = json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Fn"},
                           "Principal": "apigateway.amazonaws.com"});
        if let Some(s) = source {
            p["SourceArn"] = json!(s);
        }
        json!({"Type": "AWS::Lambda::Permission", "Properties": p})
    };
    let old =
        template(json!({"Invoke": permission(Some("arn:aws:execute-api:eu-west-1:1:api/*"))}));
    let new = template(json!({"Invoke": permission(None)}));
    let d = diff(old, new);
    let broad: Vec<&str> = d
        .security
        .iter()
        .filter(|c| c.broadening)
        .map(|c| c.what.as_str())
        .collect();
    assert_eq!(
        broad,
        ["allows lambda:InvokeFunction on Fn to apigateway.amazonaws.com"]
    );
    assert_eq!(
        d.security.len(),
        2,
        "the scoped grant goes away: {:?}",
        d.security
    );
}

#[test]
fn no_permission_change_means_no_security_section() {
    let t = template(json!({"FnRole": role(&["dynamodb:GetItem"], true), "Fn": function(128)}));
    let mut changed = t.clone();
    changed["Resources"]["Fn"]["Properties"]["MemorySize"] = json!(256);
    let d = diff(t, changed);
    assert!(d.has_changes());
    assert!(d.security.is_empty(), "{:?}", d.security);
    let text = render(&d, Format::Markdown, false);
    assert!(!text.contains("Security changes"), "{text}");
}

#[test]
fn the_security_section_is_rendered_after_the_destructive_changes() {
    let old = template(json!({"FnRole": role(&["dynamodb:GetItem"], true)}));
    let new = template(json!({"FnRole": role(&["dynamodb:GetItem", "dynamodb:Scan"], true)}));
    let d = diff(old, new);
    let md = render(&d, Format::Markdown, false);
    assert!(
        md.contains("#### 🔐 Security changes (1 broadening, 0 narrowing)"),
        "{md}"
    );
    assert!(
        md.contains(
            "- ⚠️ <code>FnRole</code> (AWS::IAM::Role) allows dynamodb:Scan on OrdersTable.Arn"
        ),
        "{md}"
    );
    let text = render(&d, Format::Text, false);
    assert!(
        text.contains("Security changes (1 broadening, 0 narrowing)"),
        "{text}"
    );
    assert!(
        text.contains("  + FnRole (AWS::IAM::Role) allows dynamodb:Scan on OrdersTable.Arn"),
        "{text}"
    );
    let json: Value = serde_json::from_str(&render(&d, Format::Json, false)).expect("json");
    assert_eq!(json["security"][0]["broadening"], true);
}
