//! `stackgen bootstrap --github OWNER/REPO` on the emulator: the CI stack's OIDC provider and
//! two roles, whose trust names one repository exactly, and whose permissions cover what the
//! commands really call — measured, not listed by hand: the emulator logs the IAM action of
//! every request it answers (`EMULATOR_ACTION_LOG`, scripts/emulator.py), and each action
//! `deploy` sent must be one the deploy role holds, each one `status`, `diff`, `cost-report
//! --actuals` and `drift` sent one the review role holds, and the review role holds no write.
//!
//! The emulator does not evaluate trust policies against a token (moto's
//! AssumeRoleWithWebIdentity accepts any), so the trust is read from the deployed template and
//! evaluated here as IAM evaluates `StringEquals` ("a condition key with several values matches
//! if any value matches; several keys must all match": IAM User Guide, "Creating a condition
//! with multiple keys or values",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>).

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use stackgen::aws::AwsContext;
use stackgen::deploy::bootstrap::is_read_action;
use support::cli::Cli;
use support::{Moto, TestResult, target};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The actions the emulator logged since the last call, each once.
fn take_actions(log: &std::path::Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let _ = std::fs::write(log, "");
    // `service:Action<TAB>access key id`: the action only.
    text.lines()
        .map(|l| l.split('\t').next().unwrap_or(l).to_owned())
        .collect()
}

/// Every action the role's inline policies allow.
fn allowed(template: &Value, role: &str) -> BTreeSet<String> {
    stackgen::dev::roles::inline_statements(&template["Resources"][role]["Properties"])
        .filter(|s| s["Effect"] == "Allow")
        .flat_map(|s| match &s["Action"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => vec![],
        })
        .collect()
}

/// Whether `role`'s trust lets a GitHub token with these claims assume it (StringEquals).
fn trusts(template: &Value, role: &str, aud: &str, sub: &str) -> bool {
    let statements =
        template["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
            .as_array()
            .cloned()
            .unwrap_or_default();
    statements.iter().any(|s| {
        let claims = [("aud", aud), ("sub", sub)];
        s["Effect"] == "Allow"
            && s["Action"] == "sts:AssumeRoleWithWebIdentity"
            && s["Condition"]
                .as_object()
                .is_some_and(|c| c.keys().all(|k| k == "StringEquals"))
            && claims.iter().all(|(claim, value)| {
                match &s["Condition"]["StringEquals"]
                    [format!("token.actions.githubusercontent.com:{claim}")]
                {
                    Value::String(v) => v == value,
                    Value::Array(vs) => vs.iter().any(|v| v == value),
                    _ => false,
                }
            })
    })
}

async fn deployed_template(
    endpoint: &str,
    region: &str,
    stack: &str,
) -> Result<Value, Box<dyn std::error::Error>> {
    let mut t = target(Some(endpoint.to_owned()));
    t.region = region.to_owned();
    let ctx = AwsContext::connect(&t).await;
    let body = ctx
        .cloudformation
        .get_template()
        .stack_name(stack)
        .send()
        .await?
        .template_body()
        .unwrap_or_default()
        .to_owned();
    Ok(serde_json::from_str(&body)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ci_roles_trust_one_repository_and_cover_what_the_commands_call() -> TestResult {
    let log = std::env::temp_dir().join(format!("stackgen-ci-actions-{}.log", std::process::id()));
    std::fs::write(&log, "")?;
    let log_path = log.to_string_lossy().to_string();
    let moto = Moto::start_with(&[("EMULATOR_ACTION_LOG", &log_path)])?;
    let cli = Cli::new(&moto, "ci-roles")?;

    // Bad input: one clear message each, exit 64, nothing sent.
    for (args, says) in [
        (vec!["--github", "grocer-co"], "OWNER/REPO"),
        (vec!["--github", "grocer-co/*"], "OWNER/REPO"),
        (
            vec![
                "--github",
                "grocer-co/store",
                "--github-branch",
                "release/*",
            ],
            "branch",
        ),
        (
            vec![
                "--github",
                "grocer-co/store",
                "--github-environment",
                "prod*",
            ],
            "GitHub environment",
        ),
        (vec!["--github-environment", "prod"], "--github"),
    ] {
        let mut all = vec!["bootstrap", "--env", "local"];
        all.extend(args.iter().copied());
        let out = cli.run(&all)?;
        assert_eq!(out.status.code(), Some(64), "{all:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{all:?}: {}", stderr(&out));
    }
    assert!(
        take_actions(&log).is_empty(),
        "a refused command line sent nothing"
    );

    let ci = cli.json(&[
        "bootstrap",
        "--env",
        "local",
        "--github",
        "grocer-co/store",
        "--format",
        "json",
    ])?;
    let roles = &ci["ciRoles"];
    assert_eq!(roles["stack"], "stackgen-github-grocer-local");
    assert_eq!(roles["outcome"], "created");
    assert_eq!(roles["providerCreatedHere"], true);
    assert_eq!(
        roles["oidcProvider"],
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    );
    for key in ["reviewRole", "deployRole"] {
        assert!(
            roles[key]
                .as_str()
                .is_some_and(|a| a.starts_with("arn:aws:iam::123456789012:role/")),
            "{roles}"
        );
    }

    let template = deployed_template(
        &moto.endpoint(),
        "us-east-1",
        "stackgen-github-grocer-local",
    )
    .await?;
    let aud = "sts.amazonaws.com";
    for (role, yes, no) in [
        (
            "ReviewRole",
            vec![
                "repo:grocer-co/store:pull_request",
                "repo:grocer-co/store:ref:refs/heads/main",
            ],
            vec![
                "repo:grocer-co/store-fork:pull_request",
                "repo:someone/store:pull_request",
                "repo:grocer-co/store:ref:refs/heads/feature",
                "repo:grocer-co/store:environment:local",
                "repo:grocer-co/*:pull_request",
            ],
        ),
        (
            "DeployRole",
            vec!["repo:grocer-co/store:environment:local"],
            vec![
                "repo:grocer-co/store:pull_request",
                "repo:grocer-co/store:ref:refs/heads/main",
                "repo:grocer-co/store:environment:prod",
                "repo:grocer-co/other:environment:local",
            ],
        ),
    ] {
        for sub in yes {
            assert!(trusts(&template, role, aud, sub), "{role} must trust {sub}");
            assert!(
                !trusts(&template, role, "sigstore", sub),
                "{role}: another audience"
            );
        }
        for sub in no {
            assert!(
                !trusts(&template, role, aud, sub),
                "{role} must not trust {sub}"
            );
        }
    }
    let review = allowed(&template, "ReviewRole");
    let deploy = allowed(&template, "DeployRole");
    let writes: Vec<&String> = review.iter().filter(|a| !is_read_action(a)).collect();
    assert!(writes.is_empty(), "the review role may write: {writes:?}");
    assert!(
        !deploy
            .iter()
            .any(|a| a.starts_with("iam:") && a != "iam:PassRole"),
        "{deploy:?}"
    );

    // What deploy sends, the deploy role holds (sts:GetCallerIdentity needs no permission).
    let _ = take_actions(&log);
    cli.deploy()?;
    let sent = take_actions(&log);
    assert!(sent.contains("cloudformation:ExecuteChangeSet"), "{sent:?}");
    let missing: Vec<&String> = sent
        .iter()
        .filter(|a| *a != "sts:GetCallerIdentity" && !deploy.contains(*a))
        .collect();
    assert!(
        missing.is_empty(),
        "deploy called what the deploy role may not: {missing:?}"
    );
    assert!(
        sent.iter()
            .any(|a| !is_read_action(a) && !review.contains(a)),
        "deploy writes"
    );

    // What the review commands send, the review role holds.
    for args in [
        vec!["status", "--env", "local"],
        vec!["diff", "--env", "local"],
        vec!["cost-report", "--env", "local", "--actuals"],
        vec!["drift", "--env", "local"],
    ] {
        let out = cli.run(&args)?;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {} {}",
            stderr(&out),
            String::from_utf8_lossy(&out.stdout)
        );
        let sent = take_actions(&log);
        assert!(!sent.is_empty(), "{args:?} sent nothing?");
        let missing: Vec<&String> = sent
            .iter()
            .filter(|a| *a != "sts:GetCallerIdentity" && !review.contains(*a))
            .collect();
        assert!(
            missing.is_empty(),
            "{args:?} called what the review role may not: {missing:?}"
        );
    }

    // Nothing changed: the stack is left as it is.
    let again = cli.json(&[
        "bootstrap",
        "--env",
        "local",
        "--github",
        "grocer-co/store",
        "--format",
        "json",
    ])?;
    assert_eq!(again["ciRoles"]["outcome"], "unchanged");

    // Another environment of the account (dev, in eu-west-1) uses the provider that exists.
    let dev = cli.json(&[
        "bootstrap",
        "--env",
        "dev",
        "--github",
        "grocer-co/store",
        "--github-environment",
        "dev",
        "--github-environment",
        "dev-eu",
        "--format",
        "json",
    ])?;
    let roles = &dev["ciRoles"];
    assert_eq!(roles["stack"], "stackgen-github-grocer-dev");
    assert_eq!(roles["outcome"], "created");
    assert_eq!(roles["providerCreatedHere"], false, "{roles}");
    assert_eq!(
        roles["oidcProvider"],
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    );
    assert_eq!(
        roles["deploySubjects"],
        serde_json::json!([
            "repo:grocer-co/store:environment:dev",
            "repo:grocer-co/store:environment:dev-eu"
        ])
    );
    let template =
        deployed_template(&moto.endpoint(), "eu-west-1", "stackgen-github-grocer-dev").await?;
    assert!(template["Resources"]["OidcProvider"]["Condition"] == "CreateOidcProvider");
    assert!(trusts(
        &template,
        "DeployRole",
        aud,
        "repo:grocer-co/store:environment:dev-eu"
    ));
    assert!(!trusts(
        &template,
        "DeployRole",
        aud,
        "repo:grocer-co/store:environment:local"
    ));
    let _ = std::fs::remove_file(&log);
    Ok(())
}
