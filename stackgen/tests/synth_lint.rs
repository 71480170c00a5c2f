//! Every rendered template passes cfn-lint (AWS's resource schemas) with no error and no
//! warning, and checkov with no failed check (skips only with a reason in the template).
//!
//! The tools live in the project venv (`make` installs them). Without them this test prints
//! why it did not run and passes; `make test` always has them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn tool(name: &str) -> Option<PathBuf> {
    let p = workspace().join(".venv/bin").join(name);
    p.is_file().then_some(p)
}

/// Renders every environment as JSON and as YAML into `out`.
fn synth_all(out: &Path) -> Vec<PathBuf> {
    let _ = std::fs::remove_dir_all(out);
    for format in ["json", "yaml"] {
        let o = Command::new(env!("CARGO_BIN_EXE_stackgen"))
            .args(["synth", "--all", "--format", format, "--out"])
            .arg(out)
            .current_dir(workspace())
            .output();
        match o {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic!("synth failed: {}", String::from_utf8_lossy(&o.stderr)),
            Err(e) => panic!("cannot run stackgen: {e}"),
        }
    }
    let mut files = Vec::new();
    // prod has a domain and web ACLs: its global stack (us-east-1) is linted too.
    for stack in [
        "local/grocer-local",
        "dev/grocer-dev",
        "prod/grocer-prod",
        "prod/grocer-prod-global",
    ] {
        for ext in ["json", "yaml"] {
            let f = out.join(format!("{stack}.template.{ext}"));
            assert!(f.is_file(), "{} was not written", f.display());
            files.push(f);
        }
    }
    files
}

/// A template with the model types the retail stack does not use yet (schedule, queue policy,
/// NAT gateway, conditions), so their property names are checked against AWS's schemas too.
fn model_coverage_template() -> String {
    use stackgen::model::iam::{InlinePolicy, Role};
    use stackgen::model::scheduler::{
        FlexibleTimeWindow, FlexibleTimeWindowMode, Schedule, ScheduleState, Target,
    };
    use stackgen::model::sqs::{Queue, QueuePolicy};
    use stackgen::model::{
        Condition, Format, Options, Parameter, PolicyDocument, Principal, Statement, Tags,
        Template, Value,
    };

    let mut tags = Tags::new();
    tags.set("Project", "grocer");
    tags.set("Env", "test");
    let (t, ()) = Template::build("model coverage", tags, &(), |t, _| {
        let suffix = t.parameter("Suffix", Parameter::string("Optional queue name suffix."));
        let has_suffix = t.condition(
            "HasSuffix",
            Condition::Not(Box::new(Condition::Equals(suffix.value(), "".into()))),
        );
        let queue = t.add_with(
            "Jobs",
            Queue::new()
                .queue_name(Value::if_(
                    &has_suffix,
                    stackgen::sub!("jobs-", suffix.value()),
                    "jobs".into(),
                ))
                .message_retention_period(3600)
                .visibility_timeout(30)
                .kms_master_key_id("alias/aws/sqs")
                .kms_data_key_reuse_period_seconds(300),
            Options::new().data_policy(stackgen::model::DeletionPolicy::Delete),
        );
        t.add(
            "JobsPolicy",
            QueuePolicy {
                queues: vec![queue.url()],
                policy_document: PolicyDocument::new(vec![Statement::deny_insecure_transport(
                    &["sqs:SendMessage"],
                    vec![queue.arn()],
                )]),
            },
        );
        let role = t.add(
            "SchedulerRole",
            Role::new(PolicyDocument::new(vec![Statement::trust(
                Principal::Service(vec!["scheduler.amazonaws.com".into()]),
            )]))
            .description("Lets the schedule send to the queue")
            .policies([InlinePolicy::new(
                PolicyDocument::new(vec![Statement::allow(
                    "Send",
                    &["sqs:SendMessage"],
                    vec![queue.arn()],
                )]),
                "send",
            )]),
        );
        t.add(
            "Nightly",
            Schedule::new(
                FlexibleTimeWindow::new(FlexibleTimeWindowMode::Off),
                "cron(0 22 * * ? *)",
                Target::new(queue.arn(), role.arn()).input("{}"),
            )
            .name("grocer-test-nightly")
            .description("Nightly job")
            .schedule_expression_timezone("UTC")
            .state(ScheduleState::Enabled),
        );
        t.add(
            "Nat",
            stackgen::model::ec2::NatGateway::new()
                .subnet_id("subnet-0123456789abcdef0")
                .allocation_id("eipalloc-0123456789abcdef0"),
        );
    });
    match t.render(Format::Yaml) {
        Ok(text) => text,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn cfn_lint_and_checkov_are_clean_on_every_environment() {
    let (Some(cfn_lint), Some(checkov)) = (tool("cfn-lint"), tool("checkov")) else {
        println!(
            "SKIPPED: cfn-lint/checkov not found in {}/.venv/bin; run `make test` (it installs them) to lint the templates",
            workspace().display()
        );
        return;
    };
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("synth-lint");
    let mut files = synth_all(&out);
    let coverage =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("synth-lint-model-coverage.yaml");
    if let Err(e) = std::fs::write(&coverage, model_coverage_template()) {
        panic!("cannot write {}: {e}", coverage.display());
    }
    files.push(coverage);
    // The bootstrap stack (assets bucket, deploy role) is a template stackgen deploys too; it
    // goes under `out` so that checkov's directory scan covers it.
    let bootstrap = out.join("bootstrap/stackgen-bootstrap.template.json");
    let body = stackgen::deploy::bootstrap::template(&stackgen::deploy::bootstrap::default_tags())
        .unwrap_or_else(|e| panic!("the bootstrap template does not render: {e}"));
    if let Err(e) = std::fs::create_dir_all(out.join("bootstrap"))
        .and_then(|()| std::fs::write(&bootstrap, body))
    {
        panic!("cannot write {}: {e}", bootstrap.display());
    }
    files.push(bootstrap);
    // The CI roles' stack (`bootstrap --github`), as prod's would be.
    let ci = out.join("bootstrap/stackgen-github-grocer-prod.template.json");
    let prod = stackgen::env::load_named(&workspace().join("environments"), "prod")
        .unwrap_or_else(|e| panic!("prod: {e}"));
    let trust = stackgen::deploy::ci::GitHubTrust::new(
        stackgen::deploy::ci::Repository::parse("grocer-co/store")
            .unwrap_or_else(|e| panic!("{e}")),
        "main",
        vec!["prod".to_owned()],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let body = stackgen::deploy::ci::template(&prod, &trust)
        .unwrap_or_else(|e| panic!("the CI roles' template does not render: {e}"));
    if let Err(e) = std::fs::write(&ci, body) {
        panic!("cannot write {}: {e}", ci.display());
    }
    files.push(ci);

    // Both tools take ~20 s; run them side by side.
    let scan = Command::new(&checkov)
        .args([
            "--framework",
            "cloudformation",
            "--skip-download",
            "--output",
            "json",
            "-d",
        ])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let scan = match scan {
        Ok(child) => child,
        Err(e) => panic!("cannot run {}: {e}", checkov.display()),
    };
    let lint = Command::new(&cfn_lint)
        .arg("--format")
        .arg("parseable")
        .arg("--")
        .args(&files)
        .output();
    let lint = match lint {
        Ok(o) => o,
        Err(e) => panic!("cannot run {}: {e}", cfn_lint.display()),
    };
    let scan = match scan.wait_with_output() {
        Ok(o) => o,
        Err(e) => panic!("checkov did not finish: {e}"),
    };
    let findings = String::from_utf8_lossy(&lint.stdout);
    assert!(
        lint.status.success() && findings.trim().is_empty(),
        "cfn-lint found errors or warnings (exit {:?}):\n{findings}{}",
        lint.status.code(),
        String::from_utf8_lossy(&lint.stderr)
    );

    let report: serde_json::Value = match serde_json::from_slice(&scan.stdout) {
        Ok(v) => v,
        Err(e) => panic!(
            "checkov printed no JSON report ({e}):\n{}\n{}",
            String::from_utf8_lossy(&scan.stdout),
            String::from_utf8_lossy(&scan.stderr)
        ),
    };
    let reports: Vec<&serde_json::Value> = match &report {
        serde_json::Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let mut failed = Vec::new();
    let mut passed = 0;
    for r in reports {
        passed += r["summary"]["passed"].as_u64().unwrap_or(0);
        for f in r["results"]["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            failed.push(format!(
                "{} {} {}",
                f["check_id"], f["resource"], f["file_path"]
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "checkov failed checks:\n{}",
        failed.join("\n")
    );
    assert!(
        passed > 100,
        "checkov passed only {passed} checks: did it scan the templates?"
    );
    // Every skip carries a reason.
    for f in &files {
        let t: serde_json::Value =
            serde_json::from_slice(&std::fs::read(f).unwrap_or_default()).unwrap_or_default();
        for (id, r) in t["Resources"].as_object().into_iter().flatten() {
            for skip in r["Metadata"]["checkov"]["skip"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let reason = skip["comment"].as_str().unwrap_or_default();
                assert!(
                    reason.len() > 30,
                    "{id} skips {} without a real reason",
                    skip["id"]
                );
            }
        }
    }
}
