//! The retail stack is what the spec says: one function, role and log group per function;
//! routes, grants and environment variables from `retail_spec`; retention and CDN per
//! environment; a local template that moto can create.

use retail_spec::{Access, FUNCTIONS, ROUTES, STORES_VAR, TABLES, Trigger};

use super::*;
use crate::env::fixtures::{dev, local, prod};
use crate::model::apigw::{Integration, Route};
use crate::model::cloudfront::Distribution;
use crate::model::dynamodb::Table;
use crate::model::iam::Role;
use crate::model::lambda::{EventSourceMapping, Function};
use crate::model::{DeletionPolicy, Format};
use serde_json::json;

fn stack(env: &Environment) -> RetailStack {
    match build(env) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn one_function_role_and_log_group_per_spec_function() {
    let s = stack(&dev());
    assert_eq!(s.name, "grocer-dev");
    assert_eq!(s.functions.len(), FUNCTIONS.len());
    for f in FUNCTIONS {
        let id = ids::function(f);
        let func = s
            .template
            .entry_named(&id)
            .and_then(|e| e.downcast::<Function>());
        let Some(func) = func else {
            panic!("{id} missing")
        };
        assert_eq!(
            func.function_name.as_ref().and_then(|n| n.literal_text()),
            Some(format!("grocer-dev-{}", f.id).as_str())
        );
        assert_eq!(
            (rendered(&func.runtime), rendered(&func.handler)),
            (json!("provided.al2023"), json!(f.handler()))
        );
        assert_eq!(rendered(&func.architectures), json!(["arm64"]));
        assert_eq!(
            func.role.as_get_att().map(|(r, _)| r.as_str().to_owned()),
            Some(format!("{id}Role"))
        );
        let lg = func
            .logging_config
            .as_ref()
            .and_then(|l| l.log_group.as_ref()?.as_ref_id());
        assert_eq!(
            lg.map(|l| l.as_str().to_owned()),
            Some(format!("{id}LogGroup"))
        );
        assert!(
            s.template
                .parameters()
                .any(|(p, _)| p.as_str() == code_key_parameter(f))
        );
    }
    assert!(
        s.template
            .parameters()
            .any(|(p, _)| p.as_str() == ASSETS_BUCKET_PARAMETER)
    );
    // The code keys, the assets bucket and the CDN's origin secret (two slots and the one in
    // use).
    assert_eq!(s.template.parameters().count(), FUNCTIONS.len() + 4);
}

#[test]
fn routes_integrations_and_event_sources_follow_the_spec() {
    let s = stack(&dev());
    let keys: Vec<&str> = s
        .template
        .resources::<Route>()
        .filter_map(|(_, r)| r.route_key.literal_text())
        .collect();
    assert_eq!(keys.len(), ROUTES.len());
    for r in ROUTES {
        assert!(keys.contains(&r.route_key().as_str()), "{}", r.route_key());
    }
    let http = FUNCTIONS
        .iter()
        .filter(|f| f.trigger == Trigger::Http)
        .count();
    assert_eq!(s.template.resources::<Integration>().count(), http);
    let mappings: Vec<_> = s.template.resources::<EventSourceMapping>().collect();
    let queued = FUNCTIONS
        .iter()
        .filter(|f| matches!(f.trigger, Trigger::Queue { .. } | Trigger::Stream { .. }))
        .count();
    assert_eq!(mappings.len(), queued);
    for (_, m) in mappings {
        assert_eq!(
            rendered(&m.function_response_types),
            json!(["ReportBatchItemFailures"])
        );
    }
}

#[test]
fn grants_become_scoped_statements_and_environment_variables() {
    let s = stack(&dev());
    for info in &s.functions {
        let f = info.spec;
        let role = s
            .template
            .entry_named(&format!("{}Role", ids::function(f)))
            .and_then(|e| e.downcast::<Role>());
        let Some(role) = role else {
            panic!("no role for {}", f.id)
        };
        let doc = &role.inline_policies()[0].policy_document;
        let names: Vec<&str> = info.environment.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names.contains(&STORES_VAR), f.needs_stores, "{}", f.id);
        for a in f.access {
            let (var, target) = match a {
                Access::TableRead(t) | Access::TableWrite(t) => (t.env_var, ids::table(t)),
                // IAM only: the read or write grant of the same table names it.
                Access::TableScan(_) => continue,
                Access::QueueSend(q) | Access::QueueConsume(q) => (q.env_var, ids::queue(q)),
                Access::TopicPublish(t) => (t.env_var, ids::topic(t)),
                Access::BucketRead(b)
                | Access::BucketWrite(b)
                | Access::BucketPut(b)
                | Access::BucketDelete(b)
                | Access::BucketList(b) => (b.env_var, ids::bucket(b)),
                // The sender is the account's SES identity, not a resource of the stack: the
                // statement names its ARN.
                Access::SendEmail => {
                    assert!(names.contains(&retail_spec::NOTIFY_SENDER_VAR), "{}", f.id);
                    let sender = dev().notifications.map(|n| n.sender).unwrap_or_default();
                    let arn = format!(":identity/{sender}");
                    assert!(
                        doc.statement
                            .iter()
                            .any(|st| st.action.contains(&"ses:SendEmail".into())
                                && serde_json::to_string(&st.resource)
                                    .unwrap_or_default()
                                    .contains(&arn)),
                        "{} has no ses:SendEmail statement on {arn}",
                        f.id
                    );
                    continue;
                }
                Access::UserLookup => (retail_spec::USER_POOL_ID_VAR, "UserPool".into()),
                // The stream's reader: no variable (the mapping names the stream), the table's
                // ARN in the statement.
                Access::TableStream(t) => {
                    let target = ids::table(t);
                    assert!(
                        doc.statement.iter().any(|st| st
                            .resource
                            .iter()
                            .any(|r| r.references().iter().any(|id| id.as_str() == target))),
                        "{} has no statement on {target}'s stream",
                        f.id
                    );
                    continue;
                }
                // The kill switch's stack-wide grants: checked in stack/finops.rs's tests.
                Access::OwnStack
                | Access::OwnStackDelete
                | Access::StackFunctionsConcurrency
                | Access::StackBucketsEmpty => continue,
            };
            assert!(names.contains(&var), "{} lacks {var}", f.id);
            let scoped = doc.statement.iter().any(|st| {
                st.resource
                    .iter()
                    .any(|r| r.references().iter().any(|id| id.as_str() == target))
            });
            assert!(scoped, "{} has no statement on {target}", f.id);
        }
        for st in &doc.statement {
            assert!(st.action.iter().all(|a| !a.contains('*')), "{st:?}");
        }
        let func = s
            .template
            .entry_named(&info.logical_id)
            .and_then(|e| e.downcast::<Function>());
        let vars = func.map(|f| f.variables().count());
        assert_eq!(vars, Some(info.environment.len()));
    }
    // Table grants include the indexes.
    let orders_role = s
        .template
        .entry_named("OrdersFunctionRole")
        .and_then(|e| e.downcast::<Role>());
    let text = orders_role
        .map(|r| serde_json::to_string(&r.inline_policies()[0].policy_document).unwrap_or_default())
        .unwrap_or_default();
    assert!(
        text.contains(r#"{"Fn::Sub":"${OrdersTable.Arn}/index/*"}"#),
        "{text}"
    );
}

#[test]
fn data_is_retained_in_prod_only_for_business_tables() {
    let prod = stack(&prod());
    for t in TABLES {
        let e = prod.template.entry_named(&ids::table(t));
        let policy = e.and_then(|e| e.options.deletion_policy);
        // A failed first create must not leave a named table behind (every retry would hit
        // "already exists"); once created, it is kept on delete and on replacement.
        let (want, want_replace) = if t.business_data {
            (DeletionPolicy::RetainExceptOnCreate, DeletionPolicy::Retain)
        } else {
            (DeletionPolicy::Delete, DeletionPolicy::Delete)
        };
        assert_eq!(policy, Some(want), "{}", t.id);
        let replace = e.and_then(|e| e.options.update_replace_policy);
        assert_eq!(replace, Some(want_replace), "{}", t.id);
        let table = e.and_then(|e| e.downcast::<Table>());
        assert_eq!(table.map(Table::point_in_time_recovery), Some(true));
    }
    assert!(prod.termination_protection);
    let dev = stack(&dev());
    assert!(dev.template.entries().iter().all(|e| {
        !e.options
            .deletion_policy
            .is_some_and(DeletionPolicy::keeps_data)
    }));
    assert!(!dev.termination_protection);
}

#[test]
fn cdn_only_where_enabled_and_local_outputs_are_moto_safe() {
    assert_eq!(
        stack(&dev()).template.resources::<Distribution>().count(),
        1
    );
    let local = stack(&local());
    assert_eq!(local.template.resources::<Distribution>().count(), 0);
    // moto skips these types; a GetAtt of one in Outputs fails create_stack with HTTP 500.
    const SKIPPED_BY_MOTO: &[&str] = &[
        "AWS::ApiGatewayV2::Api",
        "AWS::ApiGatewayV2::Stage",
        "AWS::CloudFront::Distribution",
        "AWS::Budgets::Budget",
        "AWS::CloudWatch::Alarm",
        "AWS::S3::BucketPolicy",
        "AWS::SNS::Subscription",
        "AWS::CE::AnomalyMonitor",
    ];
    let doc = local.template.document().unwrap_or_default();
    let outputs = doc["Outputs"].to_string();
    for e in local.template.entries() {
        if SKIPPED_BY_MOTO.contains(&e.resource_type()) {
            let id = e.id().as_str();
            assert!(
                !outputs.contains(&format!("[\"{id}\"")),
                "GetAtt of {id} in outputs"
            );
            assert!(
                !outputs.contains(&format!("${{{id}.")),
                "GetAtt of {id} in outputs"
            );
        }
    }
}

#[test]
fn budget_limits_are_stack_errors_naming_the_field() {
    let mut env = dev();
    env.budget.thresholds_percent = vec![10, 20, 30, 40, 50, 60];
    let err = build(&env).map(|_| ()).map_err(|e| e.to_string());
    assert!(
        err.as_ref()
            .is_err_and(|e| e.contains("budget.thresholds_percent")),
        "{err:?}"
    );
    let mut env = dev();
    env.budget.emails = (0..11).map(|i| format!("f{i}@example.com")).collect();
    let err = build(&env).map(|_| ()).map_err(|e| e.to_string());
    assert!(
        err.as_ref().is_err_and(|e| e.contains("budget.emails")),
        "{err:?}"
    );
}

#[test]
fn every_output_and_env_var_output_exists() {
    let s = stack(&dev());
    let outputs: Vec<&str> = s.template.outputs().map(|(k, _)| k.as_str()).collect();
    for o in [
        outputs::UI_URL,
        outputs::API_URL,
        outputs::SITE_BUCKET,
        outputs::DISTRIBUTION_ID,
    ] {
        assert!(outputs.contains(&o), "{o}");
    }
    for f in &s.functions {
        for v in &f.environment {
            if let EnvValue::Output(o) = &v.value {
                assert!(
                    outputs.contains(&o.as_str()),
                    "{} needs output {o}",
                    f.spec.id
                );
            }
        }
    }
    let api = s
        .template
        .outputs()
        .find(|(k, _)| k.as_str() == outputs::API_URL)
        .map(|(_, o)| o.value.describe());
    assert_eq!(
        api.as_deref(),
        Some("https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api")
    );
}

#[test]
fn rendering_is_byte_identical_across_builds() {
    for env in [local(), dev(), prod()] {
        for f in [Format::Json, Format::Yaml] {
            let a = stack(&env).template.render(f);
            let b = stack(&env).template.render(f);
            assert!(a.is_ok());
            assert_eq!(a, b);
        }
    }
}

/// The JSON text is written straight from the typed template (model `cfn/render.rs`) in
/// serde_json's pretty format: read back, it pretty-prints to the same bytes, for every stack
/// of every fixture (a writer that broke an escape, an indent or a number would differ).
#[test]
fn json_text_is_the_documents_pretty_print() {
    for env in [local(), dev(), prod()] {
        let s = stack(&env);
        for st in s.stacks() {
            let doc = st.template.document().expect("document");
            let want = serde_json::to_string_pretty(&doc).expect("pretty") + "\n";
            let got = st.template.render(Format::Json).expect("render");
            assert!(got == want, "{} of {} differs", st.name, env.name);
        }
    }
}

#[test]
fn rendered_functions_follow_the_kill_switch_switch() {
    let mut env = local();
    let on: Vec<&str> = rendered_functions(&env).iter().map(|f| f.id).collect();
    assert!(on.contains(&retail_spec::KILL_SWITCH_FN.id), "{on:?}");
    env.kill_switch.enabled = false;
    let off: Vec<&str> = rendered_functions(&env).iter().map(|f| f.id).collect();
    assert!(!off.contains(&retail_spec::KILL_SWITCH_FN.id), "{off:?}");
    assert_eq!(off.len() + 1, on.len());
    let built: Vec<&str> = stack(&env).functions.iter().map(|f| f.spec.id).collect();
    assert_eq!(
        built, off,
        "what `stackgen dev` plans is what the stack renders"
    );
}

/// A property as the template renders it.
fn rendered<T: serde::Serialize>(property: &T) -> serde_json::Value {
    serde_json::to_value(property).unwrap_or_default()
}

/// Requested reports expire everywhere; a protected environment keeps its daily reports (its
/// rule expires only the requested ones' prefix) and tells the report builder to keep their jobs.
#[test]
fn protected_environments_keep_daily_reports() {
    let rules = |env: &Environment| {
        let s = stack(env);
        let json = s.template.render(Format::Json).expect("render");
        let t: serde_json::Value = serde_json::from_str(&json).expect("json");
        let builder = s
            .functions
            .iter()
            .find(|f| f.spec.id == retail_spec::REPORT_BUILDER.id)
            .and_then(|f| {
                f.environment
                    .iter()
                    .find(|v| v.name == retail_spec::KEEP_DAILY_REPORTS_VAR)
                    .map(|v| v.value.clone())
            });
        (
            t["Resources"]["ReportsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
                .clone(),
            builder,
        )
    };
    let (dev_rules, dev_keep) = rules(&dev());
    assert!(
        dev_rules.as_array().is_some_and(|r| r
            .iter()
            .any(|r| r["Id"] == "expire-after-30-days" && r.get("Prefix").is_none())),
        "{dev_rules}"
    );
    assert_eq!(dev_keep, Some(EnvValue::Literal("false".into())));
    let (prod_rules, prod_keep) = rules(&prod());
    let expiring: Vec<&serde_json::Value> = prod_rules
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r.get("ExpirationInDays").is_some())
        .collect();
    assert_eq!(expiring.len(), 1, "{prod_rules}");
    assert_eq!(expiring[0]["Prefix"], retail_spec::REQUESTED_REPORTS_PREFIX);
    assert_eq!(prod_keep, Some(EnvValue::Literal("true".into())));
}

/// Every function logs JSON at the environment's level, which Lambda filters on.
#[test]
fn functions_log_json_at_the_environments_level() {
    let mut env = dev();
    env.log_level = crate::env::LogLevel::Warn;
    let json = stack(&env).template.render(Format::Json).expect("render");
    let t: serde_json::Value = serde_json::from_str(&json).expect("json");
    let functions: Vec<&serde_json::Value> = t["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, r)| r["Type"] == "AWS::Lambda::Function")
        .map(|(_, r)| &r["Properties"]["LoggingConfig"])
        .collect();
    assert!(!functions.is_empty());
    for logging in functions {
        assert_eq!(logging["LogFormat"], "JSON", "{logging}");
        assert_eq!(logging["ApplicationLogLevel"], "WARN", "{logging}");
        assert_eq!(logging["SystemLogLevel"], "INFO", "{logging}");
    }
}

/// Behind a CDN, the API answers only requests the CDN forwarded: the distribution's API origin
/// sends the generated secret's slot in use, and every HTTP function (and only those) gets it and
/// the other slot to compare, and is updated after the distribution.
#[test]
fn the_cdn_sends_the_api_a_secret_every_http_function_checks() {
    use retail_spec::{
        ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_PREVIOUS_VAR, ORIGIN_VERIFY_VAR, routes_of,
    };
    let s = stack(&dev());
    let secrets: Vec<&str> = s
        .template
        .secrets()
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(secrets, [ORIGIN_SECRET_PARAMETER]);
    let doc = s.template.document().unwrap_or_default();
    // Slot A keeps the secret's bare name (what a stack deployed with one value has).
    let slot = |letter: &str| match letter {
        "A" => ORIGIN_SECRET_PARAMETER.to_owned(),
        other => format!("{ORIGIN_SECRET_PARAMETER}{other}"),
    };
    let active = format!("{ORIGIN_SECRET_PARAMETER}AIsActive");
    assert_eq!(doc["Parameters"][slot("A")]["NoEcho"], true);
    assert_eq!(doc["Parameters"][slot("B")]["NoEcho"], true);
    let current = json!({"Fn::If": [active, {"Ref": slot("A")}, {"Ref": slot("B")}]});
    let previous = json!({"Fn::If": [active, {"Ref": slot("B")}, {"Ref": slot("A")}]});
    let origins =
        &doc["Resources"][ids::DISTRIBUTION]["Properties"]["DistributionConfig"]["Origins"];
    let with_header: Vec<&str> = origins
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| {
            o["OriginCustomHeaders"]
                == json!([{"HeaderName": ORIGIN_VERIFY_HEADER, "HeaderValue": current}])
        })
        .filter_map(|o| o["Id"].as_str())
        .collect();
    assert_eq!(with_header, ["api"], "only the API origin gets the header");
    for info in &s.functions {
        let http = routes_of(info.spec).next().is_some();
        let from: Vec<(&str, &EnvValue)> = info
            .environment
            .iter()
            .filter(|v| v.name.starts_with(ORIGIN_VERIFY_VAR))
            .map(|v| (v.name.as_str(), &v.value))
            .collect();
        let secret = EnvValue::Secret(ORIGIN_SECRET_PARAMETER.into());
        let expected = match http {
            true => vec![
                (ORIGIN_VERIFY_VAR, &secret),
                (ORIGIN_VERIFY_PREVIOUS_VAR, &secret),
            ],
            false => vec![],
        };
        assert_eq!(from, expected, "{}", info.spec.id);
        let rendered =
            &doc["Resources"][info.logical_id.as_str()]["Properties"]["Environment"]["Variables"];
        let none = serde_json::Value::Null;
        let (now, before) = if http {
            (&current, &previous)
        } else {
            (&none, &none)
        };
        assert_eq!(&rendered[ORIGIN_VERIFY_VAR], now, "{}", info.spec.id);
        assert_eq!(
            &rendered[ORIGIN_VERIFY_PREVIOUS_VAR], before,
            "{}",
            info.spec.id
        );
        // Updated after the distribution, so the edges send a value before it is asked for.
        let depends = &doc["Resources"][info.logical_id.as_str()]["DependsOn"];
        let waits = depends
            .as_array()
            .is_some_and(|d| d.contains(&json!(ids::DISTRIBUTION)));
        assert_eq!(waits, http, "{}", info.spec.id);
    }
    // No CDN, nothing to go around: no secret, no check.
    let local = stack(&local());
    assert!(local.template.secrets().is_empty());
    assert!(
        local
            .functions
            .iter()
            .all(|f| f.environment.iter().all(|v| v.name != ORIGIN_VERIFY_VAR))
    );
}

/// `staff.mfa: required` (the default): every function serving a staff route is told so (it asks
/// the pool with the caller's own token, so needs no grant); no other function is. With
/// `optional` (local) none is.
#[test]
fn staff_route_functions_check_the_second_factor_where_required() {
    use retail_spec::{Caller, STAFF_MFA_VAR, USER_POOL_ID_VAR, routes_of};
    let s = stack(&dev());
    let doc = s.template.document().unwrap_or_default();
    for info in &s.functions {
        let staff = routes_of(info.spec).any(|r| r.caller == Caller::Staff);
        let vars =
            &doc["Resources"][info.logical_id.as_str()]["Properties"]["Environment"]["Variables"];
        assert_eq!(vars[STAFF_MFA_VAR] == "required", staff, "{}", info.spec.id);
        if staff {
            // The check asks the pool with the caller's token (GetUser): no pool id, no grant.
            assert!(vars[USER_POOL_ID_VAR].is_null(), "{}", info.spec.id);
            let role = format!("{}Role", info.logical_id.as_str());
            let policy = doc["Resources"][role.as_str()]["Properties"]["Policies"].to_string();
            assert!(
                !policy.contains("cognito-idp:AdminGetUser"),
                "{}",
                info.spec.id
            );
        }
    }
    let pool = &doc["Resources"]["UserPool"]["Properties"];
    assert_eq!(pool["MfaConfiguration"], "OPTIONAL");
    assert_eq!(pool["EnabledMfas"], json!(["SOFTWARE_TOKEN_MFA"]));
    let local = stack(&local());
    let local_doc = local.template.document().unwrap_or_default();
    assert!(!local_doc.to_string().contains(STAFF_MFA_VAR));
}

/// Only the functions that list a whole table may Scan it, and each names the table through its
/// read or write grant; no read or write grant includes Scan.
#[test]
fn scanning_is_granted_apart_and_only_with_a_read_or_write_of_the_table() {
    let mut scanners = Vec::new();
    for f in FUNCTIONS {
        for a in f.access {
            if let Access::TableScan(t) = a {
                scanners.push(format!("{}:{}", f.id, t.id));
                let named = f.access.iter().any(
                    |b| matches!(b, Access::TableRead(u) | Access::TableWrite(u) if u.id == t.id),
                );
                assert!(named, "{} scans {} without reading it", f.id, t.id);
            }
        }
    }
    assert_eq!(
        scanners,
        [
            "catalog:Products",
            "inventory:Products",
            "report-builder:Orders",
            "report-builder:Products"
        ]
    );
    let doc = stack(&dev()).template.document().unwrap_or_default();
    for info in &stack(&dev()).functions {
        let role = format!("{}Role", info.logical_id.as_str());
        let policy = doc["Resources"][role.as_str()]["Properties"]["Policies"].to_string();
        let scans = info
            .spec
            .access
            .iter()
            .any(|a| matches!(a, Access::TableScan(_)));
        assert_eq!(policy.contains("dynamodb:Scan"), scans, "{}", info.spec.id);
    }
}
