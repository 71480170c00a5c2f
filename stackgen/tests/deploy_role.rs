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
        let text = s.template.render(Format::Json).unwrap_or_default();
        let t: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let resources = t["Resources"].as_object().cloned().unwrap_or_default();
        assert!(!resources.is_empty(), "{name}: no resources");
        for (logical, r) in resources {
            let kind = r["Type"].as_str().unwrap_or_default();
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
            "cloudfront",
            "cloudwatch",
            "cognito-idp",
            "dynamodb",
            "lambda",
            "logs",
            "s3",
            "sns",
            "sqs",
            "scheduler"
        ],
        "the deploy role changed: raise BOOTSTRAP_VERSION in deploy/bootstrap.rs so existing \
         bootstrap stacks are updated, then update this list"
    );
    for t in stackgen::model::RESOURCE_TYPES {
        assert!(
            stackgen_model::facts(t).is_some(),
            "{t} is in the typed model but not in model/allowlist.txt"
        );
    }
}

/// Where a service gets named actions instead of `service:*`, they are exactly what
/// CloudFormation's handlers of the stack's types of that service call, as AWS's resource
/// schemas (vendored in model/schemas) list them.
#[test]
fn narrowed_services_get_every_action_their_handlers_need_and_no_wildcard() {
    let actions = deploy_role_actions();
    assert!(!actions.iter().any(|a| a == "cognito-idp:*"), "{actions:?}");
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/schemas");
    for t in ["UserPool", "UserPoolClient", "UserPoolGroup"] {
        let path = schemas.join(format!("Cognito_{t}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let handlers = schema["handlers"].as_object().cloned().unwrap_or_default();
        assert!(!handlers.is_empty(), "{t}: no handlers in the schema");
        for (handler, h) in handlers {
            for p in h["permissions"].as_array().into_iter().flatten() {
                let p = p.as_str().unwrap_or_default();
                if p.starts_with("cognito-idp:") {
                    assert!(
                        actions.iter().any(|a| a == p),
                        "{t} {handler} needs {p}, which the deploy role lacks"
                    );
                }
            }
        }
    }
}
