//! `stackgen diff`, run as CI and engineers run it: against a saved template with no AWS at
//! all, and against the deployed stack on a real moto server (not deployed, deployed and
//! unchanged, a changed environment value, changed function code, the emulator down). Exit
//! codes are Terraform's `-detailed-exitcode`: 0 no changes, 2 changes, 1 error.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use stackgen::deploy::{self, AssetManifest, FunctionAsset, Plan, RecoveryPolicy, StackRequest};
use stackgen::model::Format;
use support::{Moto, Recorded, TestResult, free_port, map, quick_wait};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh empty directory under the target dir.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-diff-{}-{name}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {e}", dir.display());
    }
    dir
}

/// Runs the binary from the workspace root with dummy credentials, no shared AWS config, and
/// `endpoint` as AWS_ENDPOINT_URL (a dead port when the test must not reach AWS at all).
fn stackgen(args: &[&str], endpoint: &str) -> Output {
    match command(args, endpoint).output() {
        Ok(o) => o,
        Err(e) => panic!("cannot run stackgen: {e}"),
    }
}

/// The command [`stackgen`] runs, for a test that wires its output itself.
fn command(args: &[&str], endpoint: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stackgen"));
    command
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("STACKGEN_ENVIRONMENTS_DIR");
    command
}

/// An endpoint nothing listens on: proves a command made no AWS call, or that it fails well.
fn dead_endpoint() -> String {
    match free_port() {
        Ok(port) => format!("http://127.0.0.1:{port}"),
        Err(e) => panic!("no free port: {e}"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

fn json(o: &Output) -> serde_json::Value {
    match serde_json::from_slice(&o.stdout) {
        Ok(v) => v,
        Err(e) => panic!("not JSON ({e}): {}{}", text(&o.stdout), text(&o.stderr)),
    }
}

/// A copy of the committed environments with `edit` applied to `<name>.yaml`.
fn environments_with(name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dir = scratch("envs");
    for file in ["local", "dev", "prod"] {
        let src = workspace().join(format!("environments/{file}.yaml"));
        let body = match std::fs::read_to_string(&src) {
            Ok(b) => b,
            Err(e) => panic!("{}: {e}", src.display()),
        };
        let body = if file == name { edit(body) } else { body };
        if let Err(e) = std::fs::write(dir.join(format!("{file}.yaml")), body) {
            panic!("{e}");
        }
    }
    dir
}

fn replace(body: String, from: &str, to: &str) -> String {
    assert!(body.contains(from), "`{from}` not in the environment file");
    body.replace(from, to)
}

/// The dev template as `synth` writes it, saved where a CI job would keep it.
fn saved_dev_template() -> PathBuf {
    let out = scratch("saved");
    let o = stackgen(
        &["synth", "--env", "dev", "--out", s(&out)],
        &dead_endpoint(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    out.join("dev/grocer-dev.template.json")
}

/// `diff`'s arguments for dev against `saved`, with `edit` applied to a copy of dev.yaml.
fn edited_dev(saved: &Path, edit: impl Fn(String) -> String) -> Vec<String> {
    let envs = environments_with("dev", edit);
    [
        "diff",
        "--env",
        "dev",
        "--environments-dir",
        s(&envs),
        "--against",
        s(saved),
    ]
    .map(str::to_owned)
    .to_vec()
}

/// `diff`'s arguments for dev, with its log retention changed from 7 to 14 days, against
/// `saved`: a change in every log group, so exit 2.
fn retention_changed(saved: &Path) -> Vec<String> {
    edited_dev(saved, |b| {
        replace(b, "log_retention_days: 7", "log_retention_days: 14")
    })
}

#[test]
fn against_a_saved_file_with_no_aws_unchanged_is_0_and_a_changed_value_is_2() {
    let saved = saved_dev_template();
    // Any AWS call would fail: the endpoint is dead.
    let aws = dead_endpoint();

    let o = stackgen(&["diff", "--env", "dev", "--against", s(&saved)], &aws);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}{}", text(&o.stderr));
    assert!(stdout.contains("No changes."), "{stdout}");
    assert!(!stdout.contains('\x1b'), "NO_COLOR must disable colour");

    let args = retention_changed(&saved);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = stackgen(&args, &aws);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.contains("~ CatalogFunctionLogGroup (AWS::Logs::LogGroup) updated in place"),
        "{stdout}"
    );
    assert!(
        stdout.contains("~ Properties.RetentionInDays: 7 → 14"),
        "{stdout}"
    );
    assert!(
        // One log group per function (the kill switch's included) and the API's access log.
        stdout.contains(&format!(
            "0 to add, {} to change, 0 to replace, 0 to remove.",
            retail_spec::FUNCTIONS.len() + 1
        )),
        "{stdout}"
    );

    let o = stackgen(&[&args[..], &["--format", "json"]].concat(), &aws);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["exit_code"], 2);
    assert_eq!(v["has_changes"], true);
    assert_eq!(v["new_label"], "rendered for dev");
    let change = v["resources"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|r| r["logical_id"] == "OrdersFunctionLogGroup")
        })
        .map(|r| r["changes"][0].clone())
        .unwrap_or_default();
    assert_eq!(change["old"], 7, "{change}");
    assert_eq!(change["new"], 14, "{change}");

    let o = stackgen(&[&args[..], &["--format", "markdown"]].concat(), &aws);
    let md = text(&o.stdout);
    assert_eq!(o.status.code(), Some(2));
    assert!(md.starts_with("### stackgen diff: "), "{md}");
    assert!(md.contains("<details>"), "{md}");
    assert!(md.contains("RetentionInDays"), "{md}");
}

/// A reader that stops reading (`stackgen diff … | head -1` in a pipeline with `set -o
/// pipefail`) neither crashes the command (Rust ignores SIGPIPE, so a write to the closed pipe
/// fails, and `println!` panics with exit 101) nor changes its answer: 2 still says "changes".
#[test]
fn a_reader_that_stops_reading_changes_neither_the_outcome_nor_the_exit_code() -> TestResult {
    let args = retention_changed(&saved_dev_template());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // The pipe's reader is gone before the command writes its first line.
    let (reader, writer) = std::io::pipe()?;
    drop(reader);
    let o = command(&args, &dead_endpoint())
        .stdout(writer.try_clone()?)
        .output()?;
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Both streams closed, as `2>&1 | head -1` leaves them.
    let status = command(&args, &dead_endpoint())
        .stdout(writer.try_clone()?)
        .stderr(writer)
        .status()?;
    assert_eq!(status.code(), Some(2));
    Ok(())
}

/// Output that cannot be written (a full disk under `> report.md`) is an error, not a success
/// with a truncated report: exit 1 and a message saying the output is incomplete.
#[test]
fn output_that_cannot_be_written_is_exit_1_and_says_so() -> TestResult {
    let (code, stderr) = into_full_disk(&["check", "--env", "dev"])?;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output") && stderr.contains("incomplete"),
        "{stderr}"
    );
    // --help too (it exited 0 with nothing written).
    let (code, stderr) = into_full_disk(&["--help"])?;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("cannot write the help"), "{stderr}");
    // A command that fails on its own keeps its code, and also says its report was lost:
    // guardrail violations (3) the reader never saw.
    let envs = environments_with("prod", |b| {
        replace(
            b,
            "point_in_time_recovery: true",
            "point_in_time_recovery: false",
        )
    });
    let dir = envs.to_string_lossy().into_owned();
    let (code, stderr) = into_full_disk(&["check", "--env", "prod", "--environments-dir", &dir])?;
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output") && stderr.contains("guardrail"),
        "{stderr}"
    );
    Ok(())
}

/// Runs `args` with standard output on /dev/full (a disk that is always full): the exit code
/// and standard error.
fn into_full_disk(args: &[&str]) -> std::io::Result<(Option<i32>, String)> {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full")?;
    let o = command(args, &dead_endpoint()).stdout(full).output()?;
    Ok((o.status.code(), text(&o.stderr)))
}

#[test]
fn destructive_changes_come_first_in_text_and_markdown() {
    let saved = saved_dev_template();
    // Renaming the project renames every physical name: tables and buckets are replaced.
    let args = edited_dev(&saved, |b| {
        let b = replace(b, "project: grocer", "project: grocer2");
        replace(b, "Project: grocer", "Project: grocer2")
    });
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = stackgen(&args, &dead_endpoint());
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{stdout}{}", text(&o.stderr));
    let destructive = stdout.find("⚠ Destructive changes");
    let others = stdout.find("Other resource changes");
    assert!(
        matches!((destructive, others), (Some(d), Some(o)) if d < o),
        "{stdout}"
    );
    let table = stdout.find("-/+ OrdersTable").unwrap_or(usize::MAX);
    assert!(table < others.unwrap_or(0), "{stdout}");

    let o = stackgen(
        &[&args[..], &["--format", "markdown"]].concat(),
        &dead_endpoint(),
    );
    let md = text(&o.stdout);
    let destructive = md.find("#### ⚠️ Destructive changes");
    let resources = md.find("#### Resources");
    assert!(
        matches!((destructive, resources), (Some(d), Some(r)) if d < r),
        "{md}"
    );
}

#[test]
fn a_bad_saved_file_is_exit_1_with_one_clear_paragraph() {
    let aws = dead_endpoint();
    let missing = scratch("missing").join("grocer-dev.template.json");
    let o = stackgen(&["diff", "--env", "dev", "--against", s(&missing)], &aws);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(o.stdout.is_empty());
    assert!(
        stderr.starts_with(&format!(
            "error: cannot compare environment `dev` with a saved template: cannot read \
             template file {}: No such file or directory",
            missing.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("Check the path given to --against."),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");

    let broken = scratch("broken").join("old.json");
    if let Err(e) = std::fs::write(&broken, "{\"Resources\": {\"A\": ") {
        panic!("{e}");
    }
    let o = stackgen(&["diff", "--env", "dev", "--against", s(&broken)], &aws);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{} is not valid JSON", broken.display())),
        "{stderr}"
    );
    assert!(stderr.contains("line 1 column"), "{stderr}");

    // A named pipe (opening it would wait for a writer for ever), a device and a directory are
    // refused before they are read.
    let fifo = scratch("fifo").join("old.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    for (path, why) in [
        (fifo, "it is not a regular file"),
        (PathBuf::from("/dev/zero"), "it is not a regular file"),
        (scratch("dir"), "it is a directory"),
    ] {
        let o = stackgen(&["diff", "--env", "dev", "--against", s(&path)], &aws);
        let stderr = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!("{} cannot be a template: {why}", path.display())),
            "{stderr}"
        );
    }
}

/// A saved template with a key written twice (a hand edit) is diffed as CloudFormation would
/// read it, the last value kept, and the duplicate is named in a warning beside the diff.
#[test]
fn a_key_written_twice_in_a_saved_template_is_named() {
    let saved = saved_dev_template();
    let twice = scratch("twice").join("old.json");
    let original = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("{e}"));
    let edited = original.replacen("{\n", "{\n  \"Description\": \"first copy\",\n", 1);
    if let Err(e) = std::fs::write(&twice, edited) {
        panic!("{e}");
    }
    let o = stackgen(
        &["diff", "--env", "dev", "--against", s(&twice)],
        &dead_endpoint(),
    );
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.contains("warning: ")
            && stdout.contains("`Description` is written twice; the diff uses the last one"),
        "{stdout}"
    );
}

#[test]
fn guardrail_violations_are_an_error_not_changes() {
    let envs = environments_with("prod", |b| {
        replace(
            b,
            "termination_protection: true",
            "termination_protection: false",
        )
    });
    let saved = saved_dev_template();
    let o = stackgen(
        &[
            "diff",
            "--env",
            "prod",
            "--environments-dir",
            s(&envs),
            "--against",
            s(&saved),
        ],
        &dead_endpoint(),
    );
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
    assert!(
        stderr.contains("fix: set protection.termination_protection: true"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 guardrail violation in prod") && stderr.contains("nothing to diff"),
        "{stderr}"
    );
}

#[test]
fn an_emulator_that_is_down_is_exit_1_and_says_what_to_start() {
    let aws = dead_endpoint();
    let o = stackgen(&["diff", "--env", "local"], &aws);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(o.stdout.is_empty());
    assert!(
        stderr.starts_with(
            "error: cannot read the deployed stack `grocer-local` in us-east-1 (to diff \
             without AWS, pass `--against PATH` with a saved template): cannot reach the AWS \
             endpoint"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(&aws), "{stderr}");
    assert!(
        stderr.contains("start it (`make run` starts moto)"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

/// `local` names its emulator (`emulator:`), so a shell with no AWS variables at all (no
/// endpoint, no credentials, no profile files) reaches it: here a copy of local.yaml pointing
/// at this test's moto.
#[test]
fn an_environment_on_the_emulator_is_reached_from_a_shell_with_no_aws_settings() -> TestResult {
    let moto = Moto::start()?;
    let envs = environments_with("local", |b| {
        replace(
            b,
            "emulator: http://127.0.0.1:5000",
            &format!("emulator: {}", moto.endpoint()),
        )
    });
    let home = scratch("home");
    let o = Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(["diff", "--env", "local", "--environments-dir", s(&envs)])
        .current_dir(workspace())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()?;
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.contains(&format!(
            "stack grocer-local is not deployed in us-east-1 ({})",
            moto.endpoint()
        )),
        "{stdout}"
    );
    Ok(())
}

#[test]
fn a_stack_that_is_not_deployed_diffs_as_everything_added() -> TestResult {
    let moto = Moto::start()?;
    let o = stackgen(&["diff", "--env", "local"], &moto.endpoint());
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.starts_with(
            "stackgen diff: nothing deployed (stack grocer-local in us-east-1) → rendered for local"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "stack grocer-local is not deployed in us-east-1 ({}): every resource shows as added",
            moto.endpoint()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("+ OrdersTable (AWS::DynamoDB::Table) added"));
    assert!(stdout.contains(" 0 to change, 0 to replace, 0 to remove"));

    let o = stackgen(
        &["diff", "--env", "local", "--format", "json"],
        &moto.endpoint(),
    );
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["counts"]["update"], 0);
    assert_eq!(v["counts"]["remove"], 0);
    assert!(
        v["counts"]["add"].as_u64().unwrap_or(0) > 50,
        "{}",
        v["counts"]
    );
    assert!(
        v["warnings"][0]
            .as_str()
            .is_some_and(|w| w.contains("is not deployed")),
        "{}",
        v["warnings"]
    );
    Ok(())
}

/// The smallest valid zip; moto stores function code but never runs it.
/// One zip per function under `dir`, recorded in a manifest (as `stackgen package` would).
fn zips(dir: &Path) -> Result<AssetManifest, Box<dyn std::error::Error>> {
    let mut manifest = AssetManifest::default();
    for f in retail_spec::FUNCTIONS {
        let zip = dir.join(format!("{}.zip", f.id));
        std::fs::write(&zip, support::placeholder_zip())?;
        let (sha256, size) = deploy::package::hash_file(&zip)?;
        manifest.functions.insert(
            f.id.to_string(),
            FunctionAsset {
                zip,
                sha256,
                size,
                changed: true,
            },
        );
    }
    Ok(manifest)
}

/// Deploys the committed `local` environment to moto through the deploy library.
async fn deploy_local(moto: &Moto, manifest: &AssetManifest) -> TestResult {
    let ctx = moto.context().await;
    let progress = Recorded::default();
    let wait = quick_wait();
    let env = stackgen::env::load(&workspace().join("environments/local.yaml"))?;
    let prepared = stackgen::synth::prepare(&env)?;
    assert!(prepared.report.passed());
    let stack = prepared.stack;
    let boot =
        deploy::ensure_bootstrap(&ctx, &map(&[("ManagedBy", "stackgen")]), wait, &progress).await?;
    deploy::upload_assets(&ctx, &boot.bucket, manifest, &progress).await?;
    let mut parameters = BTreeMap::from([(
        stackgen::stack::ASSETS_BUCKET_PARAMETER.to_string(),
        boot.bucket.clone(),
    )]);
    for f in &stack.functions {
        let asset = manifest
            .functions
            .get(f.spec.id)
            .ok_or("function missing from the manifest")?;
        parameters.insert(
            f.code_key_parameter.clone(),
            deploy::asset_key(&asset.sha256),
        );
    }
    let request = StackRequest {
        stack_name: stack.name.clone(),
        template_body: stack.template.render(Format::Json)?,
        parameters,
        tags: env
            .tags
            .pairs()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        termination_protection: stack.termination_protection,
        assets_bucket: Some(boot.bucket.clone()),
        role_arn: boot.deploy_role.clone(),
        secrets: Default::default(),
    };
    let policy = RecoveryPolicy {
        protected: false,
        confirmed: true,
    };
    let Plan::Changes(pending) = deploy::plan(&ctx, &request, policy, wait, &progress).await?
    else {
        return Err("expected a CREATE change set".into());
    };
    deploy::execute(&ctx, &request, &pending, wait, &progress).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_the_deployed_stack_values_and_function_code_are_compared() -> TestResult {
    let moto = Moto::start()?;
    let aws = moto.endpoint();
    let work = scratch("deployed");
    let manifest = zips(&work)?;
    deploy_local(&moto, &manifest).await?;

    // The manifest `stackgen package` would have left: same code as deployed.
    let out = work.join("out");
    manifest.write(&AssetManifest::path_in(&out.join("local")))?;
    let base = ["diff", "--env", "local", "--out", s(&out)];

    let o = stackgen(&base, &aws);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.starts_with(
            "stackgen diff: deployed stack grocer-local (us-east-1) → rendered for local\nNo changes."
        ),
        "{stdout}"
    );

    // Without a manifest the code keys cannot be compared, and the diff says so.
    let nowhere = work.join("no-out");
    let o = stackgen(&["diff", "--env", "local", "--out", s(&nowhere)], &aws);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}{}", text(&o.stderr));
    assert!(stdout.contains("function code is not compared"), "{stdout}");
    assert!(
        stdout.contains("run `stackgen package --env local`"),
        "{stdout}"
    );

    // New code for one function: its code key parameter changes, and the function with it.
    let mut rebuilt = manifest.clone();
    let catalog = rebuilt
        .functions
        .get_mut("catalog")
        .ok_or("no catalog in the manifest")?;
    catalog.sha256 = "ab".repeat(32);
    rebuilt.write(&AssetManifest::path_in(&out.join("local")))?;
    let o = stackgen(&[&base[..], &["--format", "json"]].concat(), &aws);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let v = json(&o);
    let values = v["sections"]
        .as_array()
        .and_then(|s| {
            s.iter()
                .find(|s| s["section"].as_str() == Some("Parameter values"))
        })
        .cloned()
        .unwrap_or_default();
    let entries = values["entries"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 1, "{v:#}");
    assert_eq!(entries[0]["name"], "CatalogCodeKey", "{v:#}");
    assert_eq!(
        entries[0]["changes"][0]["new"],
        format!("assets/{}.zip", "ab".repeat(32))
    );
    let function = v["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["logical_id"] == "CatalogFunction"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(function["action"], "update", "{v:#}");
    manifest.write(&AssetManifest::path_in(&out.join("local")))?;

    // A changed environment value.
    let envs = environments_with("local", |b| {
        replace(b, "log_retention_days: 1", "log_retention_days: 3")
    });
    let o = stackgen(
        &[&base[..], &["--environments-dir", s(&envs)]].concat(),
        &aws,
    );
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.contains("~ Properties.RetentionInDays: 1 → 3"),
        "{stdout}"
    );
    assert!(!stdout.contains("Parameter"), "{stdout}");
    Ok(())
}

#[test]
fn help_documents_examples_and_the_detailed_exit_codes() {
    let o = stackgen(&["diff", "--help"], &dead_endpoint());
    let help = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        help.contains("Examples:\n  stackgen diff --env dev"),
        "{help}"
    );
    assert!(help.contains("--against <deployed|PATH>"), "{help}");
    for line in ["  0  no changes", "  1  error", "  2  changes present"] {
        assert!(help.contains(line), "`{line}` missing from\n{help}");
    }
    assert!(help.contains("NO_COLOR"), "{help}");
}

/// Turning X-Ray tracing on in an environment file widens every function's role: the diff's
/// security section lists each role's new grant (broadening), in text and in the pull-request
/// comment, and the exit code says "changes".
#[test]
fn a_change_that_widens_roles_is_called_out_in_the_security_section() {
    let saved = saved_dev_template();
    let aws = dead_endpoint();
    let envs = environments_with("dev", |b| replace(b, "tracing: false", "tracing: true"));
    let base = [
        "diff",
        "--env",
        "dev",
        "--environments-dir",
        s(&envs),
        "--against",
        s(&saved),
    ];
    let o = stackgen(&base, &aws);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.contains("Security changes (11 broadening, 0 narrowing)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "+ OrdersFunctionRole (AWS::IAM::Role) allows xray:PutTelemetryRecords, xray:PutTraceSegments on *"
        ),
        "{stdout}"
    );
    let mut md = base.to_vec();
    md.extend(["--format", "markdown"]);
    let o = stackgen(&md, &aws);
    let comment = text(&o.stdout);
    let security = comment
        .find("#### 🔐 Security changes")
        .expect("a security section");
    let resources = comment.find("#### Resources").expect("resources");
    assert!(
        security < resources,
        "security comes before the resource details: {comment}"
    );
}
