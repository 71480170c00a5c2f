//! The ship-it path end to end, through the built `stackgen` binary against the emulator, as
//! issue #4 lays it out: deploy (create) → deploy again (no-op: exit 0, ≤ 3 API calls, counted)
//! → change a value in a copy of the environment → `diff` exits 2 and names it → deploy
//! (update) → `diff` exits 0 → destroy → stack gone, buckets gone, tag query empty → destroy
//! again (a no-op success). Then the failure paths: a stack left in ROLLBACK_COMPLETE by a
//! failed create is explained, then recovered with `--yes`; an emulator that is down is a clear
//! error with exit 1.
//!
//! The functions' zips are the smallest valid zip, used through `--skip-package --lambda-dir`:
//! moto stores code but never runs it, and a real cargo-lambda build takes minutes. The
//! cargo-lambda build itself is covered by the package library's tests, not here.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use aws_sdk_cloudformation::types::ChangeSetType;
use aws_sdk_resourcegroupstagging::types::TagFilter;
use support::{Moto, TestResult};

/// A function whose code bucket does not exist: its create fails and the stack rolls back.
const BROKEN: &str = r#"{"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{
  "Runtime":"provided.al2023","Handler":"bootstrap","Role":"arn:aws:iam::123456789012:role/none",
  "Code":{"S3Bucket":"no-such-bucket","S3Key":"none.zip"}}}}}"#;

const STACK: &str = "grocer-local";
/// `notifications.sender` of environments/local.yaml.
const SENDER: &str = "orders@grocer.example";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Cli {
    endpoint: String,
    lambda_dir: PathBuf,
    out: PathBuf,
    environments: PathBuf,
}

impl Cli {
    fn run(&self, args: &[&str]) -> std::io::Result<Output> {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackgen"));
        cmd.current_dir(repo()).args(args);
        if matches!(args.first(), Some(&"deploy" | &"status" | &"diff")) {
            cmd.arg("--out").arg(&self.out);
        }
        let out = cmd
            .env("STACKGEN_ENVIRONMENTS_DIR", &self.environments)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("NO_COLOR", "1")
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null())
            .output()?;
        println!(
            "$ stackgen {}\n--- exit {:?}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(out)
    }

    fn deploy(&self, extra: &[&str]) -> std::io::Result<Output> {
        let dir = self.lambda_dir.to_string_lossy().to_string();
        let mut args = vec![
            "deploy",
            "--env",
            "local",
            "--skip-package",
            "--lambda-dir",
            &dir,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Starts a deploy, sends it SIGINT once its progress shows `marker`, and collects it.
    fn deploy_interrupted_while(&self, marker: &str) -> Result<Output, Box<dyn std::error::Error>> {
        use std::io::{BufRead, BufReader, Read};
        let dir = self.lambda_dir.to_string_lossy().to_string();
        let mut child = Command::new(env!("CARGO_BIN_EXE_stackgen"))
            .current_dir(repo())
            .args([
                "deploy",
                "--env",
                "local",
                "--yes",
                "--skip-package",
                "--lambda-dir",
                &dir,
            ])
            .arg("--out")
            .arg(&self.out)
            .env("STACKGEN_ENVIRONMENTS_DIR", &self.environments)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stderr = BufReader::new(child.stderr.take().ok_or("no stderr")?);
        let mut seen = String::new();
        loop {
            let mut line = String::new();
            if stderr.read_line(&mut line)? == 0 {
                return Err(format!("deploy ended before `{marker}`: {seen}").into());
            }
            seen.push_str(&line);
            if line.contains(marker) {
                break;
            }
        }
        let pid = i32::try_from(child.id())?;
        // SAFETY: kill(2) on the PID of a child this test spawned and has not reaped yet.
        if unsafe { libc::kill(pid, libc::SIGINT) } != 0 {
            return Err("kill(SIGINT) failed".into());
        }
        stderr.read_to_string(&mut seen)?;
        let mut out = child.wait_with_output()?;
        out.stderr = seen.into_bytes();
        println!(
            "$ stackgen deploy (interrupted)\n--- exit {:?}\n{}",
            out.status.code(),
            text(&out.stderr)
        );
        Ok(out)
    }

    fn deploy_json(&self) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
        let out = self.deploy(&["--yes"])?;
        if out.status.code() != Some(0) {
            return Err(format!("deploy failed: {}", text(&out.stderr)).into());
        }
        Ok(serde_json::from_slice(&out.stdout)?)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// A scratch directory with a copy of every environment file and a tiny functions zip.
fn scratch(endpoint: String) -> std::io::Result<Cli> {
    let tmp = std::env::temp_dir().join(format!("stackgen-cli-ship-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let lambda_dir = tmp.join("lambda");
    let dir = lambda_dir.join(retail_spec::FUNCTIONS_BINARY);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("bootstrap.zip"), support::placeholder_zip())?;
    let environments = tmp.join("environments");
    std::fs::create_dir_all(&environments)?;
    for entry in std::fs::read_dir(repo().join("environments"))? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, environments.join(name))?;
        }
    }
    Ok(Cli {
        endpoint,
        lambda_dir,
        out: tmp.join("out"),
        environments,
    })
}

/// Everything the tagging API still knows for project `grocer`, environment `local`.
async fn tagged_leftovers(moto: &Moto) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let ctx = moto.context().await;
    let page = ctx
        .tagging
        .get_resources()
        .tag_filters(TagFilter::builder().key("Project").values("grocer").build())
        .tag_filters(TagFilter::builder().key("Env").values("local").build())
        .send()
        .await?;
    Ok(page
        .resource_tag_mapping_list()
        .iter()
        .filter_map(|m| m.resource_arn().map(str::to_string))
        .collect())
}

async fn environment_buckets(moto: &Moto) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let ctx = moto.context().await;
    let out = ctx.s3.list_buckets().send().await?;
    Ok(out
        .buckets()
        .iter()
        .filter_map(|b| b.name())
        .filter(|n| n.starts_with(STACK))
        .map(str::to_string)
        .collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_noop_change_diff_update_destroy_through_the_binary() -> TestResult {
    let moto = Moto::start()?;
    let cli = scratch(moto.endpoint())?;

    // 1. Create.
    let doc = cli.deploy_json()?;
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
    assert!(!environment_buckets(&moto).await?.is_empty());
    // The sender is the account's SES identity, made by the deploy (the emulator verifies at
    // once what AWS verifies when someone follows the link it emails).
    assert_eq!(
        doc["sender"],
        serde_json::json!({"identity": SENDER, "created": true, "verified": true}),
        "{doc}"
    );

    // 2. Again, unchanged: exit 0, no change set, at most three API calls (counted by the CLI's
    //    own SDK interceptor), site and demo catalog untouched.
    let ctx = moto.context().await;
    let change_sets = || async {
        ctx.cloudformation
            .list_change_sets()
            .stack_name(STACK)
            .send()
            .await
            .map(|out| out.summaries().len())
    };
    let before = change_sets().await?;
    let out = cli.deploy(&["--yes"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(doc["changed"], false);
    assert_eq!(doc["siteChanged"], false);
    assert!(doc["demoProductsInserted"].is_null(), "{doc}");
    assert!(
        doc["sender"].is_null(),
        "a no-op looked at the sender: {doc}"
    );
    let calls = doc["apiCalls"].as_u64().ok_or("no apiCalls")?;
    assert!(calls <= 3, "a no-op deploy made {calls} API calls");
    assert!(text(&out.stderr).contains("up to date"));
    assert_eq!(
        change_sets().await?,
        before,
        "the no-op created a change set"
    );

    // 3. Change a value in the (copied) environment file: diff exits 2 and names it.
    let file = cli.environments.join("local.yaml");
    let yaml = std::fs::read_to_string(&file)?;
    assert!(yaml.contains("log_retention_days: 1\n"));
    std::fs::write(
        &file,
        yaml.replace("log_retention_days: 1\n", "log_retention_days: 3\n"),
    )?;
    let diff = cli.run(&["diff", "--env", "local"])?;
    assert_eq!(diff.status.code(), Some(2), "{}", text(&diff.stderr));
    let shown = text(&diff.stdout);
    assert!(shown.contains("RetentionInDays"), "{shown}");
    assert!(shown.contains("LogGroup"), "{shown}");
    // Without --yes and with no terminal to ask on, the deploy stops at its change set and
    // leaves none behind.
    let refused = cli.deploy(&[])?;
    assert_eq!(refused.status.code(), Some(1));
    let err = text(&refused.stderr);
    assert!(err.contains("--yes") && err.contains("discarded"), "{err}");
    assert_eq!(
        change_sets().await?,
        before,
        "the refused deploy left its change set"
    );

    // 4. Deploy the change (an update), then diff has nothing left to say. The log groups are
    //    changed in place and stay the stack's.
    let doc = cli.deploy_json()?;
    assert_eq!(doc["changed"], true);
    assert_eq!(doc["status"], "UPDATE_COMPLETE");
    let resources = ctx
        .cloudformation
        .describe_stack_resources()
        .stack_name(STACK)
        .send()
        .await?;
    let in_stack: Vec<&str> = resources
        .stack_resources()
        .iter()
        .filter(|r| r.resource_type() == Some("AWS::Logs::LogGroup"))
        .filter_map(|r| r.physical_resource_id())
        .collect();
    assert!(in_stack.len() > 1, "the log groups stay in the stack");
    let groups = aws_sdk_cloudwatchlogs::Client::new(ctx.config())
        .describe_log_groups()
        .send()
        .await?;
    for name in &in_stack {
        let retention = groups
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(*name))
            .and_then(|g| g.retention_in_days());
        assert_eq!(retention, Some(3), "{name}");
    }
    let diff = cli.run(&["diff", "--env", "local"])?;
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff.stdout));

    // 5. Refusals: no TTY without --yes, prod without --force-prod. Nothing is deleted.
    let no_tty = cli.run(&["destroy", "--env", "local"])?;
    assert_eq!(no_tty.status.code(), Some(1));
    assert!(text(&no_tty.stderr).contains("--yes"));
    let prod = cli.run(&["destroy", "--env", "prod", "--yes"])?;
    assert_eq!(prod.status.code(), Some(1));
    assert!(text(&prod.stderr).contains("--force-prod"));

    // 6. Destroy: stack gone, buckets gone, nothing tagged with the environment left.
    let out = cli.run(&["destroy", "--env", "local", "--yes", "--format", "json"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(doc["stackExisted"], true);
    assert_eq!(doc["remaining"], serde_json::json!([]));
    let status = cli.run(&["status", "--env", "local", "--format", "json"])?;
    let doc: serde_json::Value = serde_json::from_slice(&status.stdout)?;
    assert_eq!(doc["exists"], false);
    assert_eq!(environment_buckets(&moto).await?, Vec::<String>::new());
    assert_eq!(tagged_leftovers(&moto).await?, Vec::<String>::new());
    // The sender outlives the environment: verified once, shared, free.
    let ses = aws_sdk_sesv2::Client::new(ctx.config());
    let kept = ses
        .get_email_identity()
        .email_identity(SENDER)
        .send()
        .await?;
    assert!(kept.verified_for_sending_status());

    // 7. Destroy again: a success that says there was nothing to do.
    let twice = cli.run(&["destroy", "--env", "local", "--yes"])?;
    assert_eq!(twice.status.code(), Some(0), "{}", text(&twice.stderr));
    assert!(text(&twice.stdout).contains("nothing to destroy"));

    // 8. A failed first create leaves ROLLBACK_COMPLETE: explained without --yes, recovered
    //    with it.
    let created = ctx
        .cloudformation
        .create_change_set()
        .stack_name(STACK)
        .change_set_name("broken")
        .change_set_type(ChangeSetType::Create)
        .template_body(BROKEN)
        .send()
        .await?;
    ctx.cloudformation
        .execute_change_set()
        .change_set_name(created.id().ok_or("no change set id")?)
        .send()
        .await?;
    let described = ctx
        .cloudformation
        .describe_stacks()
        .stack_name(STACK)
        .send()
        .await?;
    let status = described
        .stacks()
        .first()
        .and_then(|s| s.stack_status())
        .map(|s| s.as_str().to_string());
    assert_eq!(status.as_deref(), Some("ROLLBACK_COMPLETE"));
    // drift has nothing to compare (the emulator would answer "in sync"), and status says what
    // moves the stack on.
    let drift = cli.run(&["drift", "--env", "local"])?;
    assert_eq!(drift.status.code(), Some(1));
    let err = text(&drift.stderr);
    assert!(
        err.contains("ROLLBACK_COMPLETE")
            && err.contains("no resources")
            && !err.contains("in sync"),
        "{err}"
    );
    let shown = cli.run(&["status", "--env", "local", "--format", "json"])?;
    let doc: serde_json::Value = serde_json::from_slice(&shown.stdout)?;
    assert!(
        doc["nextStep"]["command"]
            .as_str()
            .is_some_and(|c| c.contains("stackgen deploy --env local --yes")),
        "{doc}"
    );
    let refused = cli.deploy(&[])?;
    assert_eq!(refused.status.code(), Some(1));
    let err = text(&refused.stderr);
    assert!(err.contains("ROLLBACK_COMPLETE"), "{err}");
    assert!(err.contains("--yes"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let recovered = cli.deploy(&["--yes"])?;
    assert_eq!(
        recovered.status.code(),
        Some(0),
        "{}",
        text(&recovered.stderr)
    );
    assert!(text(&recovered.stderr).contains("ROLLBACK_COMPLETE"));
    let doc: serde_json::Value = serde_json::from_slice(&recovered.stdout)?;
    assert_eq!(doc["changed"], true);
    // A create ends in CREATE_COMPLETE; on moto, whose CREATE change sets leave no outputs,
    // deploy's output refresh (deploy/outputs.rs) turns it into UPDATE_COMPLETE.
    assert!(
        doc["status"]
            .as_str()
            .is_some_and(|s| s.ends_with("_COMPLETE")),
        "{doc}"
    );
    let out = cli.run(&["destroy", "--env", "local", "--yes"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // 9. Ctrl-C while deploy waits on a stack another operation holds (moto leaves a
    //    CreateStack whose resource fails in CREATE_IN_PROGRESS for good): exit 130 and a
    //    message that CloudFormation carries on and a re-run converges.
    ctx.cloudformation
        .create_stack()
        .stack_name(STACK)
        .template_body(BROKEN)
        .send()
        .await
        .ok();
    let interrupted = cli.deploy_interrupted_while("waiting for it to finish")?;
    assert_eq!(interrupted.status.code(), Some(130));
    let err = text(&interrupted.stderr);
    assert!(err.contains("carries on"), "{err}");
    assert!(err.contains("stackgen deploy --env local"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // 10. Emulator down: exit 1 and one paragraph saying what to start, for each command.
    drop(moto);
    for args in [
        &["status", "--env", "local"][..],
        &["destroy", "--env", "local", "--yes"][..],
        &["diff", "--env", "local"][..],
    ] {
        let down = cli.run(args)?;
        assert_eq!(down.status.code(), Some(1), "{args:?}");
        let err = text(&down.stderr);
        assert!(err.contains("cannot reach"), "{err}");
        assert!(err.contains("AWS_ENDPOINT_URL"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let down = cli.deploy(&["--yes"])?;
    assert_eq!(down.status.code(), Some(1));
    let err = text(&down.stderr);
    assert!(err.contains("cannot reach"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let _ = std::fs::remove_dir_all(cli.out.parent().unwrap_or(&cli.out));
    Ok(())
}
