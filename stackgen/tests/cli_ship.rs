//! The built `stackgen` binary shipping the `local` environment to moto: deploy (create),
//! deploy again (no change), status (JSON), destroy, destroy again (no-op success), plus the
//! refusals (no TTY without --yes, prod without --force-prod) and an unreachable emulator.
//!
//! The functions' zips are the smallest valid zip, used through `--skip-package --lambda-dir`:
//! moto stores code but never runs it, and a real cargo-lambda build takes minutes. The
//! cargo-lambda build itself is covered by the package library's tests, not here.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use support::{Moto, TestResult};

const EMPTY_ZIP: &[u8] = &[
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Cli {
    endpoint: String,
    lambda_dir: PathBuf,
    out: PathBuf,
}

impl Cli {
    fn run(&self, args: &[&str]) -> std::io::Result<Output> {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackgen"));
        cmd.current_dir(repo()).args(args);
        if matches!(args.first(), Some(&"deploy" | &"status")) {
            cmd.arg("--out").arg(&self.out);
        }
        let out = cmd
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("NO_COLOR", "1")
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null())
            .output()?;
        println!(
            "$ stackgen {}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(out)
    }

    fn deploy(&self) -> std::io::Result<Output> {
        let dir = self.lambda_dir.to_string_lossy().to_string();
        self.run(&[
            "deploy",
            "--env",
            "local",
            "--yes",
            "--skip-package",
            "--lambda-dir",
            &dir,
            "--format",
            "json",
        ])
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

#[test]
fn deploy_noop_status_destroy_twice_through_the_binary() -> TestResult {
    let moto = Moto::start()?;
    let tmp = std::env::temp_dir().join(format!("stackgen-cli-ship-{}", std::process::id()));
    let lambda_dir = tmp.join("lambda");
    for f in retail_spec::FUNCTIONS {
        let dir = lambda_dir.join(f.binary);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("bootstrap.zip"), EMPTY_ZIP)?;
    }
    let cli = Cli {
        endpoint: moto.endpoint(),
        lambda_dir,
        out: tmp.join("out"),
    };

    // Create.
    let first = cli.deploy()?;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&first.stdout)?;
    assert_eq!(doc["changed"], true);
    assert_eq!(doc["siteChanged"], true);
    assert!(
        doc["demoProductsInserted"].as_u64().unwrap_or(0) > 0,
        "{doc}"
    );
    assert!(
        doc["smoke"].as_str().unwrap_or("").starts_with("skipped"),
        "moto has no API Gateway: {doc}"
    );
    assert!(doc["outputs"]["SiteBucketName"].is_string(), "{doc}");

    // No change: no change set, site and demo catalog untouched.
    let again = cli.deploy()?;
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&again.stdout)?;
    assert_eq!(doc["changed"], false);
    assert_eq!(doc["siteChanged"], false);
    assert_eq!(doc["demoProductsInserted"], 0);
    assert!(text(&again.stderr).contains("up to date"));
    println!(
        "no-op deploy through the CLI: {} API calls",
        doc["apiCalls"]
    );

    // Status.
    let status = cli.run(&["status", "--env", "local", "--format", "json"])?;
    assert_eq!(status.status.code(), Some(0), "{}", text(&status.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&status.stdout)?;
    assert_eq!(doc["exists"], true);
    assert_eq!(doc["templateDrift"], false);
    assert!(
        doc["assets"]
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|x| x["inSync"] == true)),
        "{doc}"
    );

    // Refusals: no TTY without --yes, prod without --force-prod. Nothing is deleted.
    let no_tty = cli.run(&["destroy", "--env", "local"])?;
    assert_eq!(no_tty.status.code(), Some(1));
    assert!(text(&no_tty.stderr).contains("--yes"));
    let prod = cli.run(&["destroy", "--env", "prod", "--yes"])?;
    assert_eq!(prod.status.code(), Some(1));
    assert!(text(&prod.stderr).contains("--force-prod"));

    // Destroy, then again: the second is a no-op success.
    let destroy = cli.run(&["destroy", "--env", "local", "--yes", "--format", "json"])?;
    assert_eq!(destroy.status.code(), Some(0), "{}", text(&destroy.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&destroy.stdout)?;
    assert_eq!(doc["stackExisted"], true);
    assert_eq!(doc["remaining"], serde_json::json!([]));
    let twice = cli.run(&["destroy", "--env", "local", "--yes"])?;
    assert_eq!(twice.status.code(), Some(0), "{}", text(&twice.stderr));
    assert!(text(&twice.stdout).contains("nothing to destroy"));

    let gone = cli.run(&["status", "--env", "local", "--format", "json"])?;
    let doc: serde_json::Value = serde_json::from_slice(&gone.stdout)?;
    assert_eq!(doc["exists"], false);

    // Emulator down: exit 1 and one paragraph saying what to start.
    drop(moto);
    let down = cli.run(&["status", "--env", "local"])?;
    assert_eq!(down.status.code(), Some(1));
    let err = text(&down.stderr);
    assert!(err.contains("cannot reach"), "{err}");
    assert!(err.contains("AWS_ENDPOINT_URL"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let _ = std::fs::remove_dir_all(tmp);
    Ok(())
}
