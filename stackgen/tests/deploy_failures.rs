//! Failure paths on moto: endpoint down, no credentials, wrong account, a stack left behind by
//! a failed create, a stack stuck in progress, a declined change set, an oversized template.
//! The emulator (scripts/emulator.py) rolls a failed change set back as CloudFormation does, so
//! ROLLBACK_COMPLETE and UPDATE_ROLLBACK_COMPLETE are real states here; the remaining rules
//! (UPDATE_ROLLBACK_FAILED, DELETE_FAILED) are unit tests of `deploy::state`.

mod support;

use std::time::Duration;

use stackgen::aws::{AccountGuardError, AwsContext, AwsError, verify_account};
use stackgen::deploy::{self, DeployError, Plan, RecoveryPolicy, StackRequest, WaitOptions};
use support::{Moto, Recorded, TestResult, free_port, map, quick_wait, target};

const OPEN: RecoveryPolicy = RecoveryPolicy {
    protected: false,
    confirmed: true,
};

fn queue_stack(name: &str) -> StackRequest {
    StackRequest {
        stack_name: name.into(),
        template_body: r#"{"Resources":{"Jobs":{"Type":"AWS::SQS::Queue"}},"Outputs":{"JobsUrl":{"Value":{"Ref":"Jobs"}}}}"#.into(),
        parameters: map(&[]),
        tags: map(&[("Project", "failtest"), ("Env", "fail")]),
        termination_protection: false,
        assets_bucket: None,
        role_arn: None,
        secrets: Default::default(),
    }
}

/// A function whose code bucket does not exist: moto fails this create.
const BROKEN: &str = r#"{"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{
  "Runtime":"provided.al2023","Handler":"bootstrap","Role":"arn:aws:iam::123456789012:role/none",
  "Code":{"S3Bucket":"no-such-bucket","S3Key":"none.zip"}}}}}"#;

#[tokio::test]
async fn an_emulator_that_is_down_is_a_clear_error_not_a_panic() -> TestResult {
    let port = free_port()?;
    let ctx = AwsContext::connect(&target(Some(format!("http://127.0.0.1:{port}")))).await;
    let err = verify_account(&ctx, "local", None)
        .await
        .err()
        .ok_or("STS answered on a closed port")?;
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "cannot reach the AWS endpoint http://127.0.0.1:{port}"
        )),
        "{text}"
    );
    assert!(
        text.contains("AWS_ENDPOINT_URL") && text.contains("make run"),
        "{text}"
    );

    let err = deploy::plan(
        &ctx,
        &queue_stack("down"),
        OPEN,
        quick_wait(),
        &Recorded::default(),
    )
    .await
    .err()
    .ok_or("deploy succeeded on a closed port")?;
    assert!(
        matches!(err, DeployError::Aws(AwsError::Unreachable { .. })),
        "{err:?}"
    );
    Ok(())
}

/// An endpoint that takes the connection and never answers: the call ends at the read timeout
/// (the loader sets one for every command; without it such a call waited for ever) and is
/// reported as a timeout of that endpoint. The test shortens the limit to one second.
#[tokio::test]
async fn an_endpoint_that_never_answers_times_out() -> TestResult {
    let defaults = stackgen::aws::config_loader().load().await;
    let limits = defaults
        .timeout_config()
        .ok_or("the loader sets no timeouts")?;
    assert_eq!(limits.read_timeout(), Some(stackgen::aws::READ_TIMEOUT));
    assert_eq!(
        limits.connect_timeout(),
        Some(stackgen::aws::CONNECT_TIMEOUT)
    );

    let silent = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", silent.local_addr()?);
    std::thread::spawn(move || {
        let held: Vec<_> = silent.incoming().take(8).collect();
        std::thread::sleep(Duration::from_secs(60));
        drop(held);
    });
    let config = stackgen::aws::config_loader()
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(&url)
        .credentials_provider(aws_sdk_cloudformation::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .read_timeout(Duration::from_secs(1))
                .build(),
        )
        .load()
        .await;
    let ctx = AwsContext::from_config(config);
    // A bound on the test itself, so that a missing timeout fails it instead of hanging it.
    let refused = tokio::time::timeout(
        Duration::from_secs(30),
        ctx.cloudformation.describe_stacks().send(),
    )
    .await
    .map_err(|_| "the call neither answered nor timed out")?
    .err()
    .ok_or("a silent endpoint answered")?;
    let err = ctx.fail("CloudFormation", "DescribeStacks", refused);
    assert!(matches!(err, AwsError::Timeout { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&url) && text.contains("timed out"), "{text}");
    Ok(())
}

#[tokio::test]
async fn missing_credentials_name_what_to_set() -> TestResult {
    let moto = Moto::start()?;
    // A configuration with no credentials provider at all: what an empty credential chain gives.
    let config = aws_config::SdkConfig::builder()
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(moto.endpoint())
        .behavior_version(aws_config::BehaviorVersion::latest())
        .http_client(stackgen::aws::http_client())
        .build();
    let ctx = AwsContext::from_config(config);
    let err = deploy::describe_stack(&ctx, "any")
        .await
        .err()
        .ok_or("described without credentials")?;
    let text = err.to_string();
    assert!(matches!(err, AwsError::NoCredentials { .. }), "{err:?}");
    assert!(
        text.contains("--profile") && text.contains("AWS_ACCESS_KEY_ID"),
        "{text}"
    );
    Ok(())
}

/// An instance metadata service that refuses every request, as one answers where IMDS is
/// turned off for the caller: the SDK's default chain then stops with "an error occurred while
/// loading credentials: failed to load IMDS session token", not with "no providers in chain".
fn refusing_imds() -> std::io::Result<u16> {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    Ok(port)
}

/// The binary on a machine with no credentials anywhere: no variables, no ~/.aws files. Whether
/// the default chain ends with "no providers in chain provided credentials" (IMDS off) or with
/// a metadata service's refusal, the command says what to set instead of blaming the network.
#[test]
fn no_credentials_anywhere_names_what_to_set_whatever_the_chain_tried_last() -> TestResult {
    let home = std::env::temp_dir().join(format!("stackgen-nocreds-{}", std::process::id()));
    std::fs::create_dir_all(&home)?;
    let imds = format!("http://127.0.0.1:{}", refusing_imds()?);
    let dead = format!("http://127.0.0.1:{}", free_port()?);
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // `status --env <env>` with nothing of AWS in its environment but `extra`.
    let status_with = |env: &str, extra: &[(&str, &str)]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_stackgen"));
        command
            .args(["status", "--env", env])
            .current_dir(&repo)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("NO_COLOR", "1")
            .env("AWS_ENDPOINT_URL", &dead);
        for (name, value) in extra {
            command.env(name, value);
        }
        command.output()
    };
    for imds_setting in [
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.as_str()),
    ] {
        let o = status_with("dev", &[imds_setting])?;
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{imds_setting:?}: {stderr}");
        assert!(
            stderr.contains("no usable AWS credentials")
                && stderr.contains("--profile")
                && stderr.contains("AWS_ACCESS_KEY_ID")
                && !stderr.contains("cannot reach"),
            "{imds_setting:?}: {stderr}"
        );
    }
    // What the chain looked for is named: a key without its secret, a profile that is not there.
    for (name, value, named) in [
        (
            "AWS_ACCESS_KEY_ID",
            "AKIDTESTING",
            "AWS_SECRET_ACCESS_KEY is not",
        ),
        ("AWS_PROFILE", "ghost", "profile `ghost` (AWS_PROFILE)"),
    ] {
        let o = status_with(
            "dev",
            &[("AWS_EC2_METADATA_DISABLED", "true"), (name, value)],
        )?;
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains("no usable AWS credentials") && stderr.contains(named),
            "{name}: {stderr}"
        );
    }
    // An environment that names its account: the guard cannot ask STS, and says so, rather
    // than call the credentials' account wrong.
    let o = status_with("prod", &[("AWS_EC2_METADATA_DISABLED", "true")])?;
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot check which AWS account")
            && stderr.contains("no usable AWS credentials")
            && !stderr.contains("wrong AWS account"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&home);
    Ok(())
}

/// The profiles people sign in with resolve: a `credential_process` profile (aws-vault, granted,
/// 1Password) gets its keys from the process, so the command goes as far as the endpoint; an IAM
/// Identity Center profile without a session says to run `aws sso login`. Without the SDK's
/// `credentials-process` and `sso` features both failed with "requires cargo feature(s)".
#[test]
fn credential_process_and_sso_profiles_resolve() -> TestResult {
    let home = std::env::temp_dir().join(format!("stackgen-profiles-{}", std::process::id()));
    std::fs::create_dir_all(&home)?;
    let script = home.join("creds.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIDTESTING\",\"SecretAccessKey\":\"testing\"}'\n",
    )?;
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    let config = home.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile vault]\ncredential_process = {}\n\n[profile sso]\nsso_start_url = \
             https://example.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = \
             111122223333\nsso_role_name = Deployer\n",
            script.display()
        ),
    )?;
    let dead = format!("http://127.0.0.1:{}", free_port()?);
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let run = |profile: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_stackgen"))
            .args(["status", "--env", "dev", "--profile", profile])
            .current_dir(&repo)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("NO_COLOR", "1")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_ENDPOINT_URL", &dead)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
    };
    let o = run("vault")?;
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot reach the AWS endpoint") && !stderr.contains("credentials"),
        "the process's keys were not used: {stderr}"
    );
    let o = run("sso")?;
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("no usable AWS credentials")
            && stderr.contains("sso/cache")
            && stderr.contains("aws sso login --profile NAME")
            && !stderr.contains("cargo feature"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&home);
    Ok(())
}

/// An `AWS_ENDPOINT_URL` that is not an endpoint (no scheme) is refused before any request,
/// naming the variable; the SDK took it and blamed AWS's own endpoint, with a dump of the request.
#[test]
fn a_shell_endpoint_that_is_not_a_url_is_named() -> TestResult {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for env in ["dev", "local"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_stackgen"))
            .args(["status", "--env", env])
            .current_dir(&repo)
            .env("NO_COLOR", "1")
            .env("AWS_ENDPOINT_URL", "127.0.0.1:5999")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .output()?;
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{env}: {stderr}");
        assert!(
            stderr.contains("AWS_ENDPOINT_URL=127.0.0.1:5999 is not an endpoint")
                && !stderr.contains("amazonaws.com")
                && !stderr.contains("Request {"),
            "{env}: {stderr}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_account_guard_refuses_another_account_before_any_change() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let me = verify_account(&ctx, "dev", None).await?;
    assert_eq!(me.account, "123456789012", "moto's fixed account");
    verify_account(&ctx, "dev", Some("123456789012")).await?;
    let err = verify_account(&ctx, "dev", Some("111122223333"))
        .await
        .err()
        .ok_or("wrong account accepted")?;
    assert!(matches!(err, AccountGuardError::Mismatch { .. }));
    let text = err.to_string();
    assert!(
        text.contains("111122223333") && text.contains("123456789012") && text.contains("`dev`"),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn a_stack_left_by_a_failed_create_is_cleaned_up_and_recreated() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let progress = Recorded::default();
    let mut request = queue_stack("leftover");
    request.template_body = BROKEN.into();
    let Plan::Changes(pending) =
        deploy::plan(&ctx, &request, OPEN, quick_wait(), &progress).await?
    else {
        return Err("expected a change set".into());
    };
    // The create fails and rolls back (scripts/emulator.py gives moto CloudFormation's
    // rollback); the error names the failing resource and its reason.
    let failed = deploy::execute(&ctx, &request, &pending, quick_wait(), &progress).await;
    let err = failed.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("Fn"), "{err}");
    assert!(err.contains("ROLLBACK_COMPLETE"), "{err}");
    let left = deploy::describe_stack(&ctx, "leftover")
        .await?
        .ok_or("no leftover stack")?;
    assert_eq!(left.status, "ROLLBACK_COMPLETE");

    // Without --yes (or in a protected environment) deploy explains and stops.
    let refused = deploy::plan(
        &ctx,
        &queue_stack("leftover"),
        RecoveryPolicy {
            protected: false,
            confirmed: false,
        },
        quick_wait(),
        &progress,
    )
    .await;
    let err = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        err.contains("ROLLBACK_COMPLETE") && err.contains("--yes"),
        "{err}"
    );

    // The next deploy with a working template converges.
    let request = queue_stack("leftover");
    let Plan::Changes(pending) =
        deploy::plan(&ctx, &request, OPEN, quick_wait(), &progress).await?
    else {
        return Err("expected a change set".into());
    };
    assert_eq!(pending.recovered_from.as_deref(), Some("ROLLBACK_COMPLETE"));
    assert!(pending.creates_stack);
    let done = deploy::execute(&ctx, &request, &pending, quick_wait(), &progress).await?;
    assert!(
        done.stack.outputs.contains_key("JobsUrl"),
        "{:?}",
        done.stack.outputs
    );
    Ok(())
}

#[tokio::test]
async fn a_failed_update_names_the_failing_resource_and_rolls_back() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let progress = Recorded::default();
    let request = queue_stack("rollsback");
    let Plan::Changes(pending) =
        deploy::plan(&ctx, &request, OPEN, quick_wait(), &progress).await?
    else {
        return Err("expected a change set".into());
    };
    deploy::execute(&ctx, &request, &pending, quick_wait(), &progress).await?;

    // The update adds a function whose code bucket does not exist.
    let mut broken = queue_stack("rollsback");
    broken.template_body = r#"{"Resources":{"Jobs":{"Type":"AWS::SQS::Queue"},
  "Fn":{"Type":"AWS::Lambda::Function","Properties":{"Runtime":"provided.al2023",
  "Handler":"bootstrap","Role":"arn:aws:iam::123456789012:role/none",
  "Code":{"S3Bucket":"no-such-bucket","S3Key":"none.zip"}}}},
  "Outputs":{"JobsUrl":{"Value":{"Ref":"Jobs"}}}}"#
        .into();
    let Plan::Changes(pending) = deploy::plan(&ctx, &broken, OPEN, quick_wait(), &progress).await?
    else {
        return Err("expected a change set for the broken update".into());
    };
    let err = deploy::execute(&ctx, &broken, &pending, quick_wait(), &progress)
        .await
        .err()
        .map(|e| e.to_string())
        .ok_or("the broken update succeeded")?;
    assert!(err.contains("UPDATE_ROLLBACK_COMPLETE"), "{err}");
    assert!(
        err.contains("Fn"),
        "the first failing resource is named: {err}"
    );
    let stack = deploy::describe_stack(&ctx, "rollsback")
        .await?
        .ok_or("stack gone")?;
    assert_eq!(stack.status, "UPDATE_ROLLBACK_COMPLETE");

    // The stack still works and the next deploy of a good template converges.
    let mut fixed = queue_stack("rollsback");
    fixed.template_body = r#"{"Resources":{"Jobs":{"Type":"AWS::SQS::Queue"},
  "More":{"Type":"AWS::SQS::Queue"}},"Outputs":{"JobsUrl":{"Value":{"Ref":"Jobs"}}}}"#
        .into();
    let Plan::Changes(pending) = deploy::plan(&ctx, &fixed, OPEN, quick_wait(), &progress).await?
    else {
        return Err("expected a change set for the fixed template".into());
    };
    let done = deploy::execute(&ctx, &fixed, &pending, quick_wait(), &progress).await?;
    assert_eq!(done.stack.status, "UPDATE_COMPLETE");

    Ok(())
}

#[tokio::test]
async fn a_stack_stuck_in_progress_is_waited_for_then_reported() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    // moto leaves a CreateStack whose resource fails in CREATE_IN_PROGRESS for good.
    let _ = ctx
        .cloudformation
        .create_stack()
        .stack_name("stuck")
        .template_body(BROKEN)
        .send()
        .await;
    let stuck = deploy::describe_stack(&ctx, "stuck")
        .await?
        .ok_or("no stuck stack")?;
    assert_eq!(stuck.status, "CREATE_IN_PROGRESS");
    let progress = Recorded::default();
    let wait = WaitOptions {
        poll_interval: Duration::from_millis(50),
        timeout: Duration::from_millis(300),
    };
    let err = deploy::plan(&ctx, &queue_stack("stuck"), OPEN, wait, &progress)
        .await
        .err()
        .ok_or("deploy went ahead on a stack in progress")?;
    assert!(matches!(err, DeployError::WaitTimeout { .. }), "{err:?}");
    assert!(
        err.to_string().contains("still CREATE_IN_PROGRESS"),
        "{err}"
    );
    assert!(
        progress
            .steps()
            .iter()
            .any(|s| s.contains("waiting for it to finish"))
    );
    Ok(())
}

#[tokio::test]
async fn a_declined_change_set_leaves_nothing_behind() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let request = queue_stack("declined");
    let Plan::Changes(pending) =
        deploy::plan(&ctx, &request, OPEN, quick_wait(), &Recorded::default()).await?
    else {
        return Err("expected a change set".into());
    };
    deploy::discard(&ctx, &pending).await?;
    assert!(deploy::describe_stack(&ctx, "declined").await?.is_none());
    Ok(())
}

#[tokio::test]
async fn a_template_over_51200_bytes_goes_through_the_assets_bucket() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let progress = Recorded::default();
    let padding = "x".repeat(60_000);
    let mut request = queue_stack("big");
    request.template_body = format!(
        r#"{{"Metadata":{{"Padding":"{padding}"}},"Resources":{{"Jobs":{{"Type":"AWS::SQS::Queue"}}}},"Outputs":{{"JobsUrl":{{"Value":{{"Ref":"Jobs"}}}}}}}}"#
    );
    let err = deploy::plan(&ctx, &request, OPEN, quick_wait(), &progress)
        .await
        .err()
        .ok_or("no bucket, yet planned")?;
    assert!(
        matches!(err, DeployError::NeedsAssetsBucket { .. }),
        "{err:?}"
    );

    let boot = deploy::ensure_bootstrap(&ctx, &map(&[]), quick_wait(), &progress).await?;
    request.assets_bucket = Some(boot.bucket.clone());
    let Plan::Changes(pending) =
        deploy::plan(&ctx, &request, OPEN, quick_wait(), &progress).await?
    else {
        return Err("expected a change set".into());
    };
    deploy::execute(&ctx, &request, &pending, quick_wait(), &progress).await?;
    let listed = ctx
        .s3
        .list_objects_v2()
        .bucket(&boot.bucket)
        .prefix("templates/")
        .send()
        .await?;
    assert!(!listed.contents().is_empty(), "template not uploaded");
    let before = ctx.api_calls();
    let again = deploy::plan(&ctx, &request, OPEN, quick_wait(), &progress).await?;
    assert!(matches!(again, Plan::UpToDate(_)));
    assert!(ctx.counter().since(before) <= 3);
    Ok(())
}

#[tokio::test]
async fn bootstrap_is_created_once_then_found() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    let progress = Recorded::default();
    let first = deploy::ensure_bootstrap(
        &ctx,
        &map(&[("ManagedBy", "stackgen")]),
        quick_wait(),
        &progress,
    )
    .await?;
    assert!(first.created);
    let before = ctx.api_calls();
    let second = deploy::ensure_bootstrap(
        &ctx,
        &map(&[("ManagedBy", "stackgen")]),
        quick_wait(),
        &progress,
    )
    .await?;
    assert!(!second.created);
    assert_eq!(first.bucket, second.bucket);
    assert_eq!(
        ctx.counter().since(before),
        1,
        "finding the bootstrap is one DescribeStacks"
    );
    let enc = ctx
        .s3
        .get_bucket_encryption()
        .bucket(&first.bucket)
        .send()
        .await?;
    let rule = enc
        .server_side_encryption_configuration()
        .and_then(|c| c.rules().first())
        .and_then(|r| r.apply_server_side_encryption_by_default())
        .map(|d| d.sse_algorithm().as_str().to_string());
    assert_eq!(rule.as_deref(), Some("AES256"));
    Ok(())
}

/// A server on 127.0.0.1 that answers every request with `status`, `content_type` and `body`.
fn answering(status: &str, content_type: &str, body: &[u8]) -> std::io::Result<u16> {
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(&response);
            // Read what is left of the request before closing: closing a socket with unread
            // data resets the connection, and the client may lose the answer.
            let _ = stream.shutdown(std::net::Shutdown::Write);
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(1)));
            let _ = std::io::copy(&mut stream, &mut std::io::sink());
        }
    });
    Ok(port)
}

/// `status --env dev` against `endpoint`, with keys that resolve: its stderr.
fn status_against(endpoint: &str) -> std::io::Result<(Option<i32>, String)> {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(["status", "--env", "dev"])
        .current_dir(&repo)
        .env("NO_COLOR", "1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .output()?;
    Ok((
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    ))
}

/// What is not AWS (a proxy's or a captive portal's HTML page, a binary body) is named with its
/// HTTP status and what to check; the SDK alone said "Unknown: service error: unhandled error".
/// A throttled or expired-credentials refusal says what to do next.
#[test]
fn answers_that_are_not_aws_or_say_wait_are_explained() -> TestResult {
    let html = answering(
        "500 Internal Server Error",
        "text/html",
        b"<html>oops</html>",
    )?;
    let (code, stderr) = status_against(&format!("http://127.0.0.1:{html}"))?;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("answered HTTP 500 with something that is not an AWS answer")
            && stderr.contains("AWS_ENDPOINT_URL")
            && !stderr.contains("unhandled error: Error."),
        "{stderr}"
    );
    let binary = answering("200 OK", "application/octet-stream", b"\0\x01\x02\x03")?;
    let (_, stderr) = status_against(&format!("http://127.0.0.1:{binary}"))?;
    assert!(!stderr.contains('\0'), "a raw NUL byte: {stderr:?}");
    let throttled = answering(
        "400 Bad Request",
        "text/xml",
        b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
          <Message>Rate exceeded</Message></Error><RequestId>1-2-3</RequestId></ErrorResponse>",
    )?;
    let (_, stderr) = status_against(&format!("http://127.0.0.1:{throttled}"))?;
    assert!(
        stderr.contains("Throttling: Rate exceeded") && stderr.contains("wait a minute"),
        "{stderr}"
    );
    Ok(())
}

/// A workspace without ui/ is refused before anything is asked of AWS: found after the change
/// set, it left the stack changed and the storefront not uploaded.
#[test]
fn a_workspace_without_the_storefront_is_refused_before_any_change() -> TestResult {
    let dead = format!("http://127.0.0.1:{}", free_port()?);
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let empty = std::env::temp_dir().join(format!("stackgen-no-ui-{}", std::process::id()));
    std::fs::create_dir_all(&empty)?;
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(["deploy", "--env", "local", "--yes", "--workspace"])
        .arg(&empty)
        .current_dir(&repo)
        .env("NO_COLOR", "1")
        .env("AWS_ENDPOINT_URL", &dead)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()?;
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("ui is not a directory")
            && stderr.contains("--skip-site")
            && stderr.contains("Nothing was deployed")
            && !stderr.contains("cannot reach"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&empty);
    Ok(())
}
