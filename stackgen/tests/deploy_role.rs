//! The bootstrap's deploy role (the CloudFormation service role every product stack is deployed
//! and deleted with) may manage every kind of resource the product stacks hold: a resource type
//! added to the stack without widening the role would fail its first real deploy.

use std::path::Path;

use stackgen::deploy::bootstrap::deploy_role_services;
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
