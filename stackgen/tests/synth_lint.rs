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

fn synth_all(out: &Path) -> Vec<PathBuf> {
    let _ = std::fs::remove_dir_all(out);
    let o = Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(["synth", "--all", "--out"])
        .arg(out)
        .current_dir(workspace())
        .output();
    match o {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!("synth failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => panic!("cannot run stackgen: {e}"),
    }
    let mut files = Vec::new();
    for env in ["local", "dev", "prod"] {
        let f = out.join(env).join(format!("grocer-{env}.template.json"));
        assert!(f.is_file(), "{} was not written", f.display());
        files.push(f);
    }
    files
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
    let files = synth_all(&out);

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
