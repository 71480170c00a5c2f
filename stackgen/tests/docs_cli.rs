//! `stackgen docs`: the committed operations pack of every environment is what the stacks
//! generate now (so a stack change that forgets its docs fails here), `--check` names what is
//! out of date and exits 2, writing brings a pack up to date and removes runbooks of alarms
//! that are gone, and the pack covers every alarm, function and resource of the stack.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn stackgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run stackgen: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("docs-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

#[test]
fn the_committed_operations_docs_match_the_stacks() {
    let o = stackgen(&["docs", "--all", "--check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "docs/<env>/ is out of date; run `stackgen docs --all` and commit it\n{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

#[test]
fn check_names_what_is_stale_and_writing_brings_it_up_to_date() {
    let out = scratch("stale");
    let out_arg = out.to_string_lossy().into_owned();
    let written = stackgen(&["docs", "--env", "prod", "--out", &out_arg]);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    let prod = out.join("prod");
    std::fs::write(prod.join("inventory.md"), "edited by hand\n").expect("write");
    std::fs::remove_file(prod.join("runbooks/kill-switch.md")).expect("remove");
    std::fs::write(
        prod.join("runbooks/gone-alarm.md"),
        "an alarm that was removed\n",
    )
    .expect("write");

    let o = stackgen(&["docs", "--env", "prod", "--out", &out_arg, "--check"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    for name in ["inventory.md", "kill-switch.md", "gone-alarm.md"] {
        assert!(err.contains(name), "{name} not named: {err}");
    }
    assert!(err.contains("stackgen docs --env"), "{err}");

    let again = stackgen(&["docs", "--env", "prod", "--out", &out_arg]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(!prod.join("runbooks/gone-alarm.md").exists());
    let ok = stackgen(&["docs", "--env", "prod", "--out", &out_arg, "--check"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
}

#[test]
fn the_pack_covers_every_alarm_function_and_resource() {
    let out = scratch("cover");
    let out_arg = out.to_string_lossy().into_owned();
    let o = stackgen(&["docs", "--env", "prod", "--out", &out_arg]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let synth = scratch("synth");
    let s = stackgen(&["synth", "--env", "prod", "--out", &synth.to_string_lossy()]);
    assert_eq!(s.status.code(), Some(0), "{}", text(&s.stderr));
    let template: serde_json::Value =
        serde_json::from_str(&read(&synth.join("prod/grocer-prod.template.json"))).expect("json");
    let resources = template["Resources"].as_object().expect("resources");
    let prod = out.join("prod");
    let inventory = read(&prod.join("inventory.md"));
    let diagram = read(&prod.join("architecture.md"));
    let index = read(&prod.join("README.md"));
    let mut alarms = 0;
    for (id, r) in resources {
        assert!(
            inventory.contains(&format!("| `{id}` |")),
            "{id} missing from the inventory"
        );
        match r["Type"].as_str() {
            Some("AWS::Lambda::Function") => {
                assert!(diagram.contains(&format!("    {id}[")), "{id} not drawn");
            }
            Some("AWS::CloudWatch::Alarm") => {
                alarms += 1;
                let name = r["Properties"]["AlarmName"].as_str().expect("named");
                let slug = name.trim_start_matches("grocer-prod-");
                let page = read(&prod.join(format!("runbooks/{slug}.md")));
                assert!(
                    page.contains("## First steps") && page.contains("## Escalate"),
                    "{slug}"
                );
                assert!(
                    index.contains(&format!("runbooks/{slug}.md")),
                    "{slug} not indexed"
                );
            }
            _ => {}
        }
    }
    assert!(
        alarms > 10,
        "prod has an alarm per function and more: {alarms}"
    );
    assert!(diagram.contains("```mermaid\nflowchart LR"), "{diagram}");
    assert!(
        diagram.contains("OrdersTable -->|stream| OrderNotifierFunction"),
        "{diagram}"
    );
    // The runbooks name the stack's saved queries (AWS::Logs::QueryDefinition).
    for (runbook, query) in [
        ("api-5xx", "grocer-prod/api/errors"),
        ("orders-errors", "grocer-prod/orders/errors"),
        ("order-events-dlq-depth", "grocer-prod/stock-alerts/errors"),
    ] {
        let page = read(&prod.join(format!("runbooks/{runbook}.md")));
        assert!(
            page.contains(&format!("Saved query `{query}`")),
            "{runbook}: {page}"
        );
        assert!(
            resources
                .values()
                .any(|r| r["Type"] == "AWS::Logs::QueryDefinition"
                    && r["Properties"]["Name"] == query),
            "{query} is not in the template"
        );
    }
    let restore = read(&prod.join("runbooks/restore-table.md"));
    assert!(
        restore.contains("--source-table-name grocer-prod-orders"),
        "{restore}"
    );

    let dev = stackgen(&["docs", "--env", "dev", "--out", &out_arg]);
    assert_eq!(dev.status.code(), Some(0), "{}", text(&dev.stderr));
    let restore = read(&out.join("dev/runbooks/restore-table.md"));
    assert!(restore.contains("no point-in-time recovery"), "{restore}");
}
