//! The bootstrap's deploy role (the CloudFormation service role every product stack is deployed
//! and deleted with) may manage every kind of resource the product stacks hold: a resource type
//! added to the stack without widening the role would fail its first real deploy.

use std::path::Path;

use stackgen::deploy::bootstrap::{deploy_role_actions, deploy_role_services};
use stackgen::model::Format;
use stackgen::{env, stack};

#[test]
fn the_deploy_role_covers_every_resource_type_of_every_environment() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
    let services = deploy_role_services();
    for name in ["local", "dev", "prod"] {
        let e = env::load_named(&dir, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let s = stack::build(&e).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Every stack of the environment (prod's global stack in us-east-1 too).
        let resources: Vec<(String, serde_json::Value)> = s
            .stacks()
            .iter()
            .flat_map(|stack| {
                let text = stack.template.render(Format::Json).unwrap_or_default();
                let t: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                t["Resources"].as_object().cloned().unwrap_or_default()
            })
            .collect();
        assert!(!resources.is_empty(), "{name}: no resources");
        for (logical, r) in resources {
            let kind = r["Type"].as_str().unwrap_or_default();
            // The role holds the actions of the typed model's types' handlers: a type of the same
            // service that is not listed would lack its own actions (CreateResponseHeadersPolicy
            // is not CreateDistribution).
            assert!(
                stackgen::model::RESOURCE_TYPES.contains(&kind),
                "{name}: {logical} ({kind}) is not in stackgen::model::RESOURCE_TYPES, so the \
                 deploy role lacks its handlers' actions; add it there and raise BOOTSTRAP_VERSION"
            );
            let service = stackgen_model::facts(kind).and_then(|f| f.service);
            assert!(
                kind == "AWS::IAM::Role" || service.is_some_and(|s| services.contains(&s)),
                "{name}: {logical} ({kind}, service {service:?}) is not covered by the deploy \
                 role; add the type to stackgen::model::RESOURCE_TYPES (and model/allowlist.txt) \
                 and raise BOOTSTRAP_VERSION"
            );
        }
    }
}

#[test]
fn the_deploy_role_manages_the_services_of_the_typed_model() {
    assert_eq!(
        deploy_role_services(),
        [
            "apigateway",
            "budgets",
            "ce",
            "acm",
            "cloudfront",
            "cloudwatch",
            "cognito-idp",
            "dynamodb",
            "lambda",
            "logs",
            "route53",
            "s3",
            "ses",
            "sns",
            "sqs",
            "scheduler",
            "wafv2"
        ],
        "the deploy role changed: raise BOOTSTRAP_VERSION in deploy/bootstrap/mod.rs so existing \
         bootstrap stacks are updated, then update this list"
    );
    for t in stackgen::model::RESOURCE_TYPES {
        assert!(
            stackgen_model::facts(t).is_some(),
            "{t} is in the typed model but not in model/allowlist.txt"
        );
    }
}

/// The deploy role gets, for each product service, exactly the actions CloudFormation's handlers
/// of the stack's types list (AWS's resource schemas, vendored in model/schemas): no `service:*`.
#[test]
fn the_deploy_role_has_the_handlers_actions_and_no_wildcard() {
    let actions = deploy_role_actions();
    assert!(
        actions.iter().all(|a| !a.contains('*')),
        "a wildcard action: {:?}",
        actions
            .iter()
            .filter(|a| a.contains('*'))
            .collect::<Vec<_>>()
    );
    let services = deploy_role_services();
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/schemas");
    for t in [
        "Cognito_UserPool",
        "Lambda_Function",
        "DynamoDB_Table",
        "S3_Bucket",
    ] {
        let path = schemas.join(format!("{t}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let handlers = schema["handlers"].as_object().cloned().unwrap_or_default();
        assert!(!handlers.is_empty(), "{t}: no handlers in the schema");
        for (handler, h) in handlers {
            for p in h["permissions"].as_array().into_iter().flatten() {
                let Some(p) = p.as_str() else { continue };
                // A permission that is not an IAM action counts as the one authorizing it.
                let p = match stackgen_model::hand::NOT_IAM_ACTIONS
                    .iter()
                    .find(|(n, _)| *n == p)
                {
                    Some((_, Some(iam))) => *iam,
                    Some((_, None)) => continue,
                    None => p,
                };
                let prefix = p.split(':').next().unwrap_or_default();
                if services.contains(&prefix) {
                    assert!(
                        actions.iter().any(|a| a == p),
                        "{t} {handler} needs {p}, which the deploy role lacks"
                    );
                } else {
                    assert!(
                        !actions.iter().any(|a| a == p),
                        "{p} is not a product service's"
                    );
                }
            }
        }
    }
}

/// What the bootstrap template gives the deploy role: the handlers' actions, roles only under
/// /stackgen/ and with the boundary, PassRole only to Lambda and Scheduler; and the policy fits
/// IAM's 10,240-character limit for a role's inline policies (IAM User Guide, "IAM and AWS STS
/// quotas": whitespace not counted).
#[test]
fn the_deploy_role_manages_only_bounded_roles_and_fits_iam_s_size_limit() {
    let text = stackgen::deploy::bootstrap::template(&std::collections::BTreeMap::new())
        .expect("the bootstrap template renders");
    let t: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let role = &t["Resources"]["DeployRole"]["Properties"];
    let doc = &role["Policies"][0]["PolicyDocument"];
    let compact = serde_json::to_string(doc).unwrap_or_default();
    assert!(compact.len() < 10_240, "{} characters", compact.len());
    let statements = doc["Statement"].as_array().cloned().unwrap_or_default();
    let find = |sid: &str| {
        statements
            .iter()
            .find(|s| s["Sid"] == sid)
            .cloned()
            .unwrap_or_else(|| panic!("no statement {sid}"))
    };
    let bounded = find("ProductRolesWithBoundary");
    assert_eq!(
        bounded["Condition"]["StringEquals"]["iam:PermissionsBoundary"],
        serde_json::json!({"Ref": "RoleBoundary"})
    );
    assert!(
        bounded["Action"]
            .as_array()
            .is_some_and(|a| a.contains(&"iam:CreateRole".into()))
    );
    let pass = find("PassProductRoles");
    assert_eq!(
        pass["Condition"]["StringEquals"]["iam:PassedToService"],
        serde_json::json!(["lambda.amazonaws.com", "scheduler.amazonaws.com"])
    );
    let retire = find("RetireRoles");
    for a in retire["Action"].as_array().into_iter().flatten() {
        let a = a.as_str().unwrap_or_default();
        assert!(
            a.starts_with("iam:Delete")
                || a.starts_with("iam:Detach")
                || a.starts_with("iam:Get")
                || a.starts_with("iam:List"),
            "{a} on any role must only take permissions away"
        );
    }
    for s in &statements {
        if s["Sid"] != "ProductServices" && s["Sid"] != "RetireRoles" {
            assert_eq!(
                s["Resource"],
                serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/stackgen/*"}),
                "{s}"
            );
        }
        let actions = s["Action"].as_array().cloned().unwrap_or_default();
        assert!(
            !actions.contains(&"iam:DeleteRolePermissionsBoundary".into()),
            "the boundary can never be taken off"
        );
    }
    // The boundary itself: exactly the ceiling of the stacks' roles.
    let boundary = &t["Resources"]["RoleBoundary"];
    assert_eq!(boundary["Type"], "AWS::IAM::ManagedPolicy");
    let allowed: Vec<String> = boundary["Properties"]["PolicyDocument"]["Statement"][0]["Action"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        allowed,
        stackgen::stack::ceiling::actions()
            .iter()
            .map(|a| (*a).to_owned())
            .collect::<Vec<_>>()
    );
}

/// Every action any role of any environment's stack holds is within the boundary, so the
/// boundary never takes away what a function needs.
#[test]
fn every_role_of_every_environment_is_within_the_boundary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
    let ceiling = stackgen::stack::ceiling::actions();
    for name in ["local", "dev", "prod"] {
        let e = env::load_named(&dir, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let s = stack::build(&e).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = s.template.render(Format::Json).unwrap_or_default();
        let t: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        for (logical, r) in t["Resources"].as_object().cloned().unwrap_or_default() {
            if r["Type"] != "AWS::IAM::Role" {
                continue;
            }
            for policy in r["Properties"]["Policies"].as_array().into_iter().flatten() {
                for st in policy["PolicyDocument"]["Statement"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let actions: Vec<&str> = match &st["Action"] {
                        serde_json::Value::String(a) => vec![a.as_str()],
                        serde_json::Value::Array(a) => {
                            a.iter().filter_map(|x| x.as_str()).collect()
                        }
                        _ => Vec::new(),
                    };
                    for a in actions {
                        assert!(
                            ceiling.contains(&a),
                            "{name}: {logical} has {a}, outside the boundary"
                        );
                    }
                }
            }
        }
    }
}
