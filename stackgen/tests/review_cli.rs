//! `stackgen review` through the built binary, as a pull-request job runs it: against the base
//! branch's templates (`stackgen synth --out`), no AWS. The document of a change that widens
//! roles, one that removes a table, one that only changes cost, and one with no change are
//! snapshots; the exit codes are `diff`'s (0 none, 2 changes, 1 an environment not reviewed).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("review-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn stackgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        // Any AWS call would fail: nothing listens there.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .expect("stackgen runs")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The committed environment files, with `edit` applied to `dev.yaml`.
fn environments(name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dir = scratch(name);
    for entry in std::fs::read_dir(workspace().join("environments")).expect("environments") {
        let path = entry.expect("entry").path();
        let mut text = std::fs::read_to_string(&path).expect("readable");
        if path.file_name().is_some_and(|n| n == "dev.yaml") {
            text = edit(text);
        }
        std::fs::write(dir.join(path.file_name().expect("name")), text).expect("written");
    }
    dir
}

/// The base branch: every environment as `synth` renders it from the committed files.
fn base(name: &str) -> PathBuf {
    let dir = scratch(name);
    let o = stackgen(&["synth", "--all", "--out", s(&dir)]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    dir
}

fn review(envs: &Path, base: &Path) -> (Option<i32>, String) {
    let o = stackgen(&[
        "review",
        "--env",
        "dev",
        "--env",
        "prod",
        "--environments-dir",
        s(envs),
        "--against",
        s(base),
    ]);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn no_change_is_exit_0() {
    let (code, doc) = review(&environments("same", |t| t), &base("same-base"));
    assert_eq!(code, Some(0), "{doc}");
    assert!(doc.starts_with("<!-- stackgen-review -->\n"));
    insta::assert_snapshot!("no_change", doc);
}

#[test]
fn widened_roles_lead_with_the_security_section() {
    let envs = environments("widen", |t| t.replace("tracing: false", "tracing: true"));
    let (code, doc) = review(&envs, &base("widen-base"));
    assert_eq!(code, Some(2), "{doc}");
    assert!(
        doc.contains(
            "| `dev` | 0 to add, 22 to change, 0 to replace, 0 to remove. | 0 | ⚠️ 11 broadening |"
        ),
        "{doc}"
    );
    insta::assert_snapshot!("widened_roles", doc);
}

#[test]
fn a_removed_table_is_destructive_with_its_data() {
    let base = base("remove-base");
    // The base had a table this branch no longer declares.
    let file = base.join("dev/grocer-dev.template.json");
    let mut t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("saved")).expect("json");
    t["Resources"]["LegacyTable"] = serde_json::json!({
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Delete",
        "Properties": {"TableName": "grocer-dev-legacy", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
    });
    std::fs::write(&file, serde_json::to_string_pretty(&t).expect("json")).expect("written");
    let (code, doc) = review(&environments("remove", |t| t), &base);
    assert_eq!(code, Some(2), "{doc}");
    assert!(doc.contains("#### ⚠️ Destructive changes"), "{doc}");
    insta::assert_snapshot!("removed_table", doc);
}

#[test]
fn a_cost_only_change_has_no_security_section() {
    let envs = environments("cost", |t| {
        t.replace("  dashboard: false", "  dashboard: true")
    });
    let (code, doc) = review(&envs, &base("cost-base"));
    assert_eq!(code, Some(2), "{doc}");
    assert!(!doc.contains("Security changes"), "{doc}");
    assert!(doc.contains("+$3.00"), "{doc}");
    insta::assert_snapshot!("cost_only", doc);
}

#[test]
fn an_environment_that_cannot_be_reviewed_is_exit_1_and_says_why() {
    let base = base("error-base");
    let envs = environments("error", |t| {
        t.replace("log_retention_days: 7", "log_retention_days: 8")
    });
    let (code, doc) = review(&envs, &base);
    assert_eq!(code, Some(1), "{doc}");
    assert!(doc.contains("| `dev` | ❌ not reviewed |"), "{doc}");
    assert!(doc.contains("log_retention_days"), "{doc}");
    assert!(
        doc.contains("| `prod` | No changes. |"),
        "the other environment is still reviewed: {doc}"
    );
    let o = stackgen(&["review", "--env", "dev", "--against", "/nonexistent/base"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("no such directory"));
    // A directory synth did not write (it once reviewed as "every resource added", exit 2).
    let empty = std::env::temp_dir().join(format!("stackgen-review-empty-{}", std::process::id()));
    std::fs::create_dir_all(empty.join("dev")).expect("mkdir");
    let o = stackgen(&[
        "review",
        "--env",
        "dev",
        "--against",
        &empty.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("holds no template"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let _ = std::fs::remove_dir_all(&empty);
}

/// A pull request that gives dev a web ACL adds dev's us-east-1 stack: the document shows that
/// stack as added and prices its web ACL; taking the web ACL out again shows it removed (deploy
/// then deletes it). The base branch's synth output has no such stack in the first case.
#[test]
fn a_global_stack_added_or_removed_is_reviewed_and_priced() {
    let with_waf = |t: String| {
        t.replace("  cdn: true", "  cdn: true\n  waf: true")
            .replace("  action: destroy", "  action: throttle")
            .replace("  schedule: cron(0 22 * * ? *)", "")
    };
    let (code, doc) = review(&environments("waf", with_waf), &base("waf-base"));
    assert_eq!(code, Some(2), "{doc}");
    assert!(
        // The web ACL, its log group, logging configuration and two saved queries.
        doc.contains("`grocer-dev-global`: 5 to add"),
        "the summary row names the new stack: {doc}"
    );
    assert!(
        doc.contains("### stackgen diff: nothing saved → rendered for dev (grocer-dev-global)")
            && doc.contains("the base has no dev/grocer-dev-global.template.json"),
        "{doc}"
    );
    assert!(
        doc.contains("| added | grocer-dev-global/CdnWebAcl | AWS::WAFv2::WebACL |"),
        "the web ACL is priced: {doc}"
    );

    // The other way: the base has the web ACL, the pull request takes it out.
    let waf_envs = environments("waf-again", with_waf);
    let base_dir = scratch("waf-base-with");
    let o = stackgen(&[
        "synth",
        "--all",
        "--environments-dir",
        s(&waf_envs),
        "--out",
        s(&base_dir),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (code, doc) = review(&environments("plain", |t| t), &base_dir);
    assert_eq!(code, Some(2), "{doc}");
    assert!(
        doc.contains("0 to add, 0 to change, 0 to replace, 5 to remove")
            && doc.contains("no longer has stack grocer-dev-global (no domain or web ACL)"),
        "{doc}"
    );
    assert!(
        doc.contains("| removed | grocer-dev-global/CdnWebAcl | AWS::WAFv2::WebACL |"),
        "{doc}"
    );
}

/// `--against` a file (a template, say) is told apart from a directory that does not exist.
#[test]
fn against_a_file_says_it_is_a_file() {
    let dir = scratch("against-file");
    let file = dir.join("grocer-dev.template.json");
    std::fs::write(&file, "{}").expect("written");
    let (code, doc) = review(&environments("against-file-envs", |t| t), &file);
    assert_eq!(code, Some(1), "{doc}");
    assert!(doc.contains("that is a file, not a directory"), "{doc}");
}
