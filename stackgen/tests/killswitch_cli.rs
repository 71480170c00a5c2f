//! `stackgen kill-switch` and `stackgen bootstrap` through the built binary against the
//! emulator. The local environment is deployed to moto (tiny zips through `--skip-package
//! --lambda-dir`: moto stores code without running it); the kill-switch function's own code
//! (`retail_functions::killswitch`) handles a budget notification at the kill threshold and
//! throttles every other function of that stack; `kill-switch status` sees it, `kill-switch
//! reset` restores the template's reserved concurrency (none declared: unreserved again) and a
//! second reset changes nothing.
//! `bootstrap` creates the assets bucket's stack and, since moto does not implement Cost
//! Explorer's UpdateCostAllocationTagsStatus, warns and names the tags to activate by hand.

mod support;

use std::process::{Command, Stdio};

use serde_json::Value;
use support::cli::{Cli, repo};
use support::{Moto, TestResult};

/// The SDK configuration of the test's emulator.
async fn sdk(moto: &Moto) -> aws_config::SdkConfig {
    stackgen::aws::config_loader()
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(moto.endpoint())
        .credentials_provider(aws_sdk_lambda::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await
}

async fn lambda(moto: &Moto) -> aws_sdk_lambda::Client {
    aws_sdk_lambda::Client::new(&sdk(moto).await)
}

fn physical(id: &str) -> String {
    format!("grocer-local-{id}")
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_undoes_a_throttle_and_status_shows_it() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "reset")?;

    // Not deployed yet: a clear error, exit 1.
    let out = cli.run(&["kill-switch", "status", "--env", "local"])?;
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not deployed"), "{err}");

    let cli2 = Cli {
        endpoint: cli.endpoint.clone(),
        dir: cli.dir.clone(),
    };
    tokio::task::spawn_blocking(move || cli2.deploy().map_err(|e| e.to_string())).await??;

    // The kill switch itself (the function's code, run here: moto stores Lambda code but cannot
    // run it) receives the budget's notification at the kill threshold, with the environment
    // the template gives it, and throttles every other function of the deployed stack.
    let client = lambda(&moto).await;
    let throttled: Vec<&str> = retail_spec::FUNCTIONS
        .iter()
        .filter(|f| f.id != retail_spec::KILL_SWITCH_FN.id)
        .map(|f| f.id)
        .collect();
    let sdk = sdk(&moto).await;
    let budget = "grocer-local-monthly";
    let env = retail_functions::config::FunctionEnv::new(
        &retail_spec::KILL_SWITCH_FN,
        [
            (retail_spec::STACK_NAME_VAR, "grocer-local".to_owned()),
            (retail_spec::KILL_ACTION_VAR, "throttle".to_owned()),
            (retail_spec::BUDGET_NAME_VAR, budget.to_owned()),
            (
                retail_spec::OPS_ALERTS.env_var,
                "arn:aws:sns:us-east-1:123456789012:grocer-local-ops-alerts".to_owned(),
            ),
            (
                "AWS_LAMBDA_FUNCTION_NAME",
                physical(retail_spec::KILL_SWITCH_FN.id),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v)),
    );
    let kill_switch = retail_functions::killswitch::KillSwitch::new(&sdk, &env)?;
    let notification = format!(
        "AWS Budget Notification November 22, 2026\nAWS Account 123456789012\n\nDear AWS Customer,\n\n\
         You requested that we alert you when the ACTUAL Cost associated with your {budget} budget \
         is greater than $5.00 for the current month. The ACTUAL Cost associated with this budget \
         is $5.12.\n\nBudget Name: {budget}\nBudget Type: Cost\nBudgeted Amount: $5.00\n\
         Alert Type: ACTUAL\nAlert Threshold: > $5.00\nACTUAL Amount: $5.12\n"
    );
    let event = serde_json::json!({"Records": [{
        "EventSource": "aws:sns",
        "Sns": {
            "Type": "Notification",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:grocer-local-kill-switch",
            "Subject": "AWS Budgets: budget has exceeded your alert threshold",
            "Message": notification,
        }
    }]});
    kill_switch.handle(event).await?;
    for id in &throttled {
        let reserved = client
            .get_function_concurrency()
            .function_name(physical(id))
            .send()
            .await?
            .reserved_concurrent_executions();
        assert_eq!(reserved, Some(0), "{id} after the budget notification");
    }

    let status = cli.json(&[
        "kill-switch",
        "status",
        "--env",
        "local",
        "--format",
        "json",
    ])?;
    assert_eq!(status["throttled"], throttled.len());
    assert_eq!(status["stack"], "grocer-local");
    // The deployed queue consumers are paused, so queued messages wait instead of being
    // received (and dead-lettered) for functions that cannot run.
    let consumers = retail_spec::FUNCTIONS
        .iter()
        .filter(|f| matches!(f.trigger, retail_spec::Trigger::Queue { .. }))
        .count();
    assert_eq!(status["pausedMappings"], consumers, "{status}");
    let text = cli.run(&["kill-switch", "status", "--env", "local"])?;
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(text.contains("throttled"), "{text}");
    assert!(!text.contains('\u{1b}'), "NO_COLOR is honoured: {text:?}");

    let reset = cli.json(&["kill-switch", "reset", "--env", "local", "--format", "json"])?;
    assert_eq!(reset["throttled"], 0);
    assert_eq!(reset["pausedMappings"], 0, "{reset}");
    let resumed = reset["mappings"]
        .as_array()
        .map_or(0, |a| a.iter().filter(|m| m["changed"] == true).count());
    assert_eq!(resumed, consumers, "{reset}");
    for m in reset["mappings"].as_array().into_iter().flatten() {
        assert_eq!(m["after"], "Enabled", "{m}");
    }
    let changed: Vec<&str> = reset["functions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["changed"] == true)
                .filter_map(|f| f["function"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(changed, throttled);
    for f in retail_spec::FUNCTIONS {
        let now = client
            .get_function_concurrency()
            .function_name(physical(f.id))
            .send()
            .await?
            .reserved_concurrent_executions();
        assert_eq!(
            now, None,
            "{} is unreserved again (the template declares none)",
            f.id
        );
    }

    // `status` reads the account too: the emulator's default Lambda quota (1000) covers the
    // stack, the cost allocation tags were never activated here, and an on-call address
    // subscribed to ops-alerts has not confirmed yet (moto's CloudFormation creates no
    // subscriptions, so the test subscribes one; the emulator keeps email subscriptions
    // pending, as SNS does).
    let sns = aws_sdk_sns::Client::new(&sdk);
    sns.subscribe()
        .topic_arn("arn:aws:sns:us-east-1:123456789012:grocer-local-ops-alerts")
        .protocol("email")
        .endpoint("oncall@grocer.invalid")
        .send()
        .await?;
    let status = cli.json(&["status", "--env", "local", "--format", "json"])?;
    assert_eq!(
        status["account"]["unconfirmedSubscriptions"],
        serde_json::json!([{
            "topicArn": "arn:aws:sns:us-east-1:123456789012:grocer-local-ops-alerts",
            "protocol": "email",
            "endpoint": "oncall@grocer.invalid"
        }]),
        "{status}"
    );
    let text = cli.run(&["status", "--env", "local"])?;
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(
        text.contains("unconfirmed: oncall@grocer.invalid (email) on grocer-local-ops-alerts"),
        "{text}"
    );

    assert_eq!(
        status["account"]["lambdaConcurrency"]["state"], "ready",
        "{status}"
    );
    // local.yaml emails customers: its sender was made (and, here, verified) by the deploy, and
    // the emulated account has production access unless EMULATOR_SES_SANDBOX says otherwise.
    assert_eq!(
        status["account"]["emailSender"]["state"], "ready",
        "{status}"
    );
    assert_eq!(
        status["account"]["emailSending"]["state"], "ready",
        "{status}"
    );
    assert!(
        text.contains("SES in us-east-1: production access"),
        "{text}"
    );
    assert_eq!(
        status["account"]["costAllocationTags"]["state"], "warning",
        "{status}"
    );
    assert!(
        status["account"]["costAllocationTags"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Project, Env are NOT ACTIVE")),
        "{status}"
    );

    // Nothing throttled: a second reset changes nothing and still succeeds.
    let again = cli.json(&["kill-switch", "reset", "--env", "local", "--format", "json"])?;
    let any_changed = again["functions"]
        .as_array()
        .is_some_and(|a| a.iter().any(|f| f["changed"] == true));
    assert!(!any_changed, "{again}");

    // The account guard holds for every command, not only deploy: the same file naming another
    // account (and, as such a file must, real function code and no `emulator:`) refuses the
    // emulator's credentials before anything is read or deleted.
    let file = cli.dir.join("environments").join("local.yaml");
    let local = std::fs::read_to_string(&file)?;
    let elsewhere: String = local
        .lines()
        .filter(|l| !l.starts_with("emulator:"))
        .map(|l| match l {
            "function_code: host" => "function_code: lambda-quick\naccount: \"111122223333\"",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(elsewhere.contains("account:"), "local.yaml changed shape");
    std::fs::write(&file, elsewhere)?;
    for args in [
        vec!["destroy", "--env", "local", "--yes"],
        vec!["kill-switch", "reset", "--env", "local"],
        vec!["status", "--env", "local"],
    ] {
        let out = cli.run(&args)?;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("111122223333") && err.contains("123456789012"),
            "{args:?}: {err}"
        );
    }
    let stacks = aws_sdk_cloudformation::Client::new(&sdk)
        .describe_stacks()
        .stack_name("grocer-local")
        .send()
        .await?;
    assert_eq!(
        stacks.stacks().len(),
        1,
        "the refused destroy deleted nothing"
    );
    std::fs::write(&file, local)?;

    // Emulator down: exit 1 and the same "cannot reach … AWS_ENDPOINT_URL" paragraph as every
    // other command, not an SDK dump.
    drop(moto);
    let down = cli.run(&["kill-switch", "status", "--env", "local"])?;
    assert_eq!(down.status.code(), Some(1));
    let err = String::from_utf8_lossy(&down.stderr);
    assert!(err.contains("cannot reach"), "{err}");
    assert!(err.contains("AWS_ENDPOINT_URL"), "{err}");
    assert!(!err.contains("DispatchFailure"), "{err}");
    Ok(())
}

#[test]
fn help_has_examples_and_exit_codes() -> TestResult {
    for args in [
        vec!["kill-switch", "--help"],
        vec!["kill-switch", "reset", "--help"],
        vec!["bootstrap", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_stackgen"))
            .args(&args)
            .env("NO_COLOR", "1")
            .output()?;
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Examples:"), "{args:?}: {text}");
        assert!(text.contains("Exit codes:"), "{args:?}: {text}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(["kill-switch", "explode", "--env", "local"])
        .output()?;
    assert_eq!(out.status.code(), Some(64));
    Ok(())
}

#[test]
fn bootstrap_creates_the_assets_stack_activates_the_tags_and_requests_a_backfill() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "bootstrap")?;
    let out = cli.run(&["bootstrap", "--env", "local", "--format", "json"])?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(doc["bootstrapStack"], "stackgen-bootstrap");
    assert_eq!(doc["created"], true);
    assert!(doc["assetsBucket"].as_str().is_some_and(|b| !b.is_empty()));
    assert_eq!(doc["costAllocationTags"]["status"], "activated", "{doc}");
    assert_eq!(doc["backfill"]["outcome"], "requested", "{doc}");
    let from = doc["backfill"]["from"].as_str().unwrap_or_default();
    assert!(
        from.ends_with("-01T00:00:00Z"),
        "a first of the month: {from}"
    );

    // Again: the stack is found, not created; AWS allows one backfill a day, so none now.
    let out = cli.run(&["bootstrap", "--env", "local"])?;
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("stackgen-bootstrap found"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no cost allocation tag backfill: one was requested in the last 24 hours"),
        "{stderr}"
    );
    Ok(())
}

/// A tag billing has not seen yet cannot be activated: bootstrap names it and still succeeds.
#[test]
fn bootstrap_names_the_tags_billing_has_not_seen_yet() -> TestResult {
    let moto = Moto::start_with(&[("EMULATOR_COST_TAGS_SEEN", "Project,Owner")])?;
    let cli = Cli::new(&moto, "bootstrap-unseen")?;
    let out = cli.run(&["bootstrap", "--env", "local", "--format", "json"])?;
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(doc["costAllocationTags"]["status"], "partial", "{doc}");
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(warning.contains("Env"), "{warning}");
    assert!(warning.contains("CostCenter"), "{warning}");
    Ok(())
}

/// A new account's Lambda quota (the emulator's `EMULATOR_LAMBDA_CONCURRENCY=10`) is below
/// what the stack admits: deploy goes ahead and says so, with the number and the request to
/// make; inactive cost allocation tags and the SES sandbox (`EMULATOR_SES_SANDBOX=1`) are
/// called out too.
#[test]
fn deploy_warns_of_a_low_concurrency_quota_and_inactive_cost_tags() -> TestResult {
    let moto = Moto::start_with(&[
        ("EMULATOR_LAMBDA_CONCURRENCY", "10"),
        ("EMULATOR_SES_SANDBOX", "1"),
    ])?;
    let cli = Cli::new(&moto, "quota")?;
    let lambda = cli.dir.join("lambda").to_string_lossy().to_string();
    let out_dir = cli.dir.join("out").to_string_lossy().to_string();
    let args = [
        "deploy",
        "--env",
        "local",
        "--skip-package",
        "--lambda-dir",
        &lambda,
        "--out",
        &out_dir,
        "--yes",
    ];
    let out = cli.run(&args)?;
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Lambda concurrency quota in us-east-1 is 10, below the 106"),
        "{stderr}"
    );
    assert!(stderr.contains("L-B99A9384"), "{stderr}");
    assert!(
        stderr.contains("cost allocation tags Project, Env are NOT ACTIVE"),
        "{stderr}"
    );
    // A new account's SES sandbox: order emails would reach verified addresses only.
    assert!(
        stderr.contains("the account is in the SES sandbox in us-east-1"),
        "{stderr}"
    );
    // A no-op deploy stays a no-op: no account checks, no warnings.
    let again = cli.run(&args)?;
    assert_eq!(again.status.code(), Some(0));
    assert!(
        !String::from_utf8_lossy(&again.stderr).contains("WARNING"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    Ok(())
}

/// `function_code: host` (the local environment) only ever goes to the emulator on this
/// machine. local.yaml names it (`emulator:`), so an AWS_ENDPOINT_URL elsewhere is refused
/// before any call; and a host-code environment that names no emulator, with no
/// AWS_ENDPOINT_URL either, is refused by deploy rather than sent to AWS.
#[test]
fn the_local_environment_deploys_only_to_a_loopback_endpoint() -> TestResult {
    let dir = std::env::temp_dir().join(format!("stackgen-loopback-{}", std::process::id()));
    let envs = dir.join("environments");
    std::fs::create_dir_all(&envs)?;
    let local = std::fs::read_to_string(repo().join("environments/local.yaml"))?;
    let emulator_line = "emulator: http://127.0.0.1:5000\n";
    assert!(
        local.contains(emulator_line),
        "local.yaml names its emulator"
    );
    std::fs::write(envs.join("local.yaml"), local.replace(emulator_line, ""))?;
    let deploy = |endpoint: Option<&str>, environments: &std::path::Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackgen"));
        cmd.current_dir(repo())
            .args(["deploy", "--env", "local", "--yes", "--skip-package"])
            .args(["--out", &dir.to_string_lossy()])
            .args(["--environments-dir", &environments.to_string_lossy()])
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("NO_COLOR", "1")
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null());
        match endpoint {
            Some(url) => cmd.env("AWS_ENDPOINT_URL", url),
            None => cmd.env_remove("AWS_ENDPOINT_URL"),
        };
        cmd.output()
    };
    for endpoint in ["http://10.255.255.1:5000", "https://example.com"] {
        let out = deploy(Some(endpoint), &repo().join("environments"))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{endpoint}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "AWS_ENDPOINT_URL is `{endpoint}`, which is not an http(s) URL on this machine"
            )) && stderr.contains("nothing was sent"),
            "{stderr}"
        );
    }
    let out = deploy(None, &envs)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("function_code: host"), "{stderr}");
    assert!(
        stderr.contains("emulator: http://127.0.0.1:5000"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// A protected environment whose alarm and budget recipients are placeholders is refused
/// before anything is built or called: nobody would hear its alarms.
#[test]
fn a_protected_environment_with_placeholder_recipients_is_not_deployed() -> TestResult {
    let out = Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .current_dir(repo())
        .args(["deploy", "--env", "prod", "--yes", "--skip-package"])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("NO_COLOR", "1")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("environment `prod` is protected"),
        "{stderr}"
    );
    assert!(stderr.contains("`finops@example.com`"), "{stderr}");
    assert!(stderr.contains("`prod-oncall@example.com`"), "{stderr}");
    Ok(())
}

/// `stackgen bootstrap --env local --prune <extra> --format json`.
fn prune(cli: &Cli, extra: &[&str]) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let args = [
        &["bootstrap", "--env", "local", "--prune"][..],
        extra,
        &["--format", "json"],
    ]
    .concat();
    cli.json(&args)
}

/// `bootstrap --prune --dry-run` in a region never bootstrapped creates nothing (it once
/// created the bootstrap stack and its bucket to list an empty bucket).
#[test]
fn a_dry_prune_creates_nothing() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "dry-prune")?;
    let dry = prune(&cli, &["--dry-run"])?;
    assert_eq!(dry["prune"], serde_json::Value::Null, "{dry}");
    let rt = tokio::runtime::Runtime::new()?;
    let stacks = rt.block_on(async {
        let cfn = aws_sdk_cloudformation::Client::new(&sdk(&moto).await);
        cfn.list_stacks().send().await
    })?;
    assert!(stacks.stack_summaries().is_empty(), "{stacks:?}");
    Ok(())
}

/// `bootstrap --prune` deletes the zips no stack uses and keeps the deployed stack's.
#[test]
fn bootstrap_prune_deletes_only_the_zips_no_stack_uses() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "prune")?;
    cli.deploy()?;
    let boot = cli.json(&["bootstrap", "--env", "local", "--format", "json"])?;
    let bucket = boot["assetsBucket"].as_str().unwrap_or_default().to_owned();
    let orphan = format!("assets/{}.zip", "0".repeat(64));
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let sdk = sdk(&moto).await;
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        s3.put_object()
            .bucket(&bucket)
            .key(&orphan)
            .body(support::placeholder_zip().into())
            .send()
            .await
    })?;

    // Young: kept by the default age guard.
    let kept = prune(&cli, &["--dry-run"])?;
    assert_eq!(kept["prune"]["deleted"], serde_json::json!([]), "{kept}");
    assert!(kept["prune"]["tooYoung"].as_u64() >= Some(1), "{kept}");
    // Old enough: a dry run lists it and deletes nothing (the prune below still finds it).
    let listed = prune(&cli, &["--prune-older-than-days", "0", "--dry-run"])?;
    assert_eq!(
        listed["prune"]["deleted"],
        serde_json::json!([orphan]),
        "{listed}"
    );
    assert_eq!(listed["prune"]["dryRun"], true, "{listed}");

    let pruned = prune(&cli, &["--prune-older-than-days", "0"])?;
    assert_eq!(
        pruned["prune"]["deleted"],
        serde_json::json!([orphan]),
        "{pruned}"
    );
    // Every function zip the deployed stack names is still in use and still there.
    let in_use = pruned["prune"]["inUse"].as_u64().unwrap_or_default();
    assert!(in_use >= 1, "{pruned}");
    let again = prune(&cli, &["--prune-older-than-days", "0"])?;
    assert_eq!(again["prune"]["deleted"], serde_json::json!([]), "{again}");
    assert_eq!(again["prune"]["inUse"].as_u64(), Some(in_use), "{again}");
    Ok(())
}

/// destroy looks beyond the region's tagging API: a budget of the environment still there
/// (here made by hand, as moto's CloudFormation skips budgets) is reported, exit 1, and once
/// it is gone destroy is clean.
#[test]
fn destroy_reports_an_account_level_leftover_by_name() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "leftover")?;
    cli.deploy()?;
    let rt = tokio::runtime::Runtime::new()?;
    let sdk = rt.block_on(sdk(&moto));
    let budgets = aws_sdk_budgets::Client::new(&sdk);
    let budget = aws_sdk_budgets::types::Budget::builder()
        .budget_name("grocer-local-monthly")
        .budget_type(aws_sdk_budgets::types::BudgetType::Cost)
        .time_unit(aws_sdk_budgets::types::TimeUnit::Monthly)
        .budget_limit(
            aws_sdk_budgets::types::Spend::builder()
                .amount("5")
                .unit("USD")
                .build()?,
        )
        .build()?;
    rt.block_on(
        budgets
            .create_budget()
            .account_id("123456789012")
            .budget(budget)
            .send(),
    )?;

    let out = cli.run(&["destroy", "--env", "local", "--yes"])?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("budget grocer-local-monthly"), "{stderr}");

    rt.block_on(
        budgets
            .delete_budget()
            .account_id("123456789012")
            .budget_name("grocer-local-monthly")
            .send(),
    )?;
    let out = cli.run(&["destroy", "--env", "local", "--yes"])?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to destroy"));
    Ok(())
}
