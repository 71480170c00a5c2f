//! Snapshots of the three environments' rendered templates (from `environments/*.yaml`), and of
//! prod's us-east-1 companion (its certificate and the CDN's web ACL).
//!
//! A change to the stack shows up here as a reviewable diff of the template CloudFormation
//! will receive; `cargo insta review` accepts it.

use std::path::PathBuf;

use stackgen::model::Format;

fn environments_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../environments")
}

fn prepare(name: &str) -> stackgen::synth::Prepared {
    let env = match stackgen::env::load_named(&environments_dir(), name) {
        Ok(env) => env,
        Err(e) => panic!("environments/{name}.yaml does not load: {e}"),
    };
    let prepared = match stackgen::synth::prepare(&env) {
        Ok(p) => p,
        Err(e) => panic!("the {name} stack does not build: {e}"),
    };
    assert!(
        prepared.report.passed(),
        "{}",
        prepared.report.render(false)
    );
    prepared
}

fn render(name: &str) -> String {
    match prepare(name).stack.template.render(Format::Json) {
        Ok(text) => text,
        Err(e) => panic!("the {name} template does not render: {e}"),
    }
}

#[test]
fn local_template() {
    insta::assert_snapshot!("local", render("local"));
}

#[test]
fn dev_template() {
    insta::assert_snapshot!("dev", render("dev"));
}

#[test]
fn prod_template() {
    insta::assert_snapshot!("prod", render("prod"));
}

#[test]
fn prod_global_template() {
    let prepared = prepare("prod");
    let [global] = prepared.stack.companions.as_slice() else {
        panic!("prod has one companion stack, the us-east-1 one");
    };
    match global.template.render(Format::Json) {
        Ok(text) => insta::assert_snapshot!("prod_global", text),
        Err(e) => panic!("the {} template does not render: {e}", global.name),
    }
}
