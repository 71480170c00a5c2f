//! The bootstrap's deploy role (the CloudFormation service role every product stack is deployed
//! and deleted with) may manage every kind of resource the product stacks hold: a resource type
//! added to the stack without widening the role would fail its first real deploy.

use std::path::Path;

use stackgen::deploy::bootstrap::DEPLOY_ROLE_SERVICES;
use stackgen::model::Format;
use stackgen::{env, stack};

#[test]
fn the_deploy_role_covers_every_resource_type_of_every_environment() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
    for name in ["local", "dev", "prod"] {
        let e = env::load_named(&dir, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let s = stack::build(&e).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = s.template.render(Format::Json).unwrap_or_default();
        let t: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let resources = t["Resources"].as_object().cloned().unwrap_or_default();
        assert!(!resources.is_empty(), "{name}: no resources");
        for (logical, r) in resources {
            let kind = r["Type"].as_str().unwrap_or_default();
            let namespace = kind.split("::").nth(1).unwrap_or_default();
            assert!(
                namespace == "IAM" && kind == "AWS::IAM::Role"
                    || DEPLOY_ROLE_SERVICES.iter().any(|(ns, _)| *ns == namespace),
                "{name}: {logical} ({kind}) is not covered by the deploy role; add its service to \
                 DEPLOY_ROLE_SERVICES in deploy/bootstrap.rs and raise BOOTSTRAP_VERSION"
            );
        }
    }
}
