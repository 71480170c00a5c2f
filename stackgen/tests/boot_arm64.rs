//! The shipped artifact boots: the arm64 `bootstrap` from the zip `stackgen package --env dev`
//! wrote (what Lambda runs) is started under `qemu-aarch64` by `stackgen dev`'s runtime API —
//! one worker per function, each with its `_HANDLER`, against the `local` stack deployed to
//! moto — and every handler answers one event of its kind: each HTTP function a real GET route
//! (DynamoDB round trips included), the queue and stream consumers a batch, the hourly expiry a
//! run, the kill switch an SNS notification that is not its budget's.
//!
//! Ignored in a plain `cargo test` because it needs the arm64 package and Debian's `qemu-user`
//! with the arm64 C library (`libc6-arm64-cross`): `make boot-test` (part of `make test`)
//! packages dev and runs it. `STACKGEN_BOOT_ENV=prod` boots prod's release zip instead (after
//! `stackgen package --env prod`), `STACKGEN_BOOT_ZIP` any zip.

mod dev_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use bytes::Bytes;
use dev_support::{BoxError, Moto, TestResult, workspace};
use retail_spec::{FUNCTIONS, FUNCTIONS_BINARY, FunctionSpec, Method, ROUTES, Trigger};
use serde_json::{Value, json};
use stackgen::deploy::package::AssetManifest;
use stackgen::dev;
use stackgen::dev::runtime::{InvokeRequest, Outcome};

/// Where Debian's `libc6-arm64-cross` puts the arm64 loader and C library (qemu's `-L`).
const ARM64_SYSROOT: &str = "/usr/aarch64-linux-gnu";
/// ELF `e_machine` of AArch64 (EM_AARCH64 = 183), little-endian at offset 18.
const EM_AARCH64: [u8; 2] = [183, 0];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the arm64 package and qemu-user: run `make boot-test` (part of make test)"]
async fn every_handler_of_the_arm64_zip_answers_under_qemu() -> TestResult {
    let dir = scratch()?;
    let bootstrap = unpack(&zip_path()?, &dir.join("zip"))?;
    let bin_dir = qemu_launcher(&bootstrap, &dir.join("bin"))?;

    let moto = Moto::start()?;
    let env = stackgen::env::load_named(&workspace().join("environments"), "local")?;
    let local = dev_support::deploy_local(&moto, &env).await?;
    let config = dev_support::local_config(&env, &local, &moto, bin_dir)?;
    let dev = dev::start(config).await?;
    let mut answered = Vec::new();
    let mut result = Ok(());
    for function in FUNCTIONS {
        let Some(pool) = dev.pool(function.id) else {
            result = Err(format!("`stackgen dev` runs no worker for `{}`", function.id).into());
            break;
        };
        let invoked = pool
            .invoke(InvokeRequest {
                payload: Bytes::from(event(function).to_string()),
                ..InvokeRequest::default()
            })
            .await;
        match check(function, &invoked.outcome) {
            Ok(summary) => {
                println!("{:<15} {summary}", function.id);
                answered.push(function.id);
            }
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    dev.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    assert_eq!(answered.len(), FUNCTIONS.len(), "answered: {answered:?}");
    Ok(())
}

/// The zip `stackgen package --env $STACKGEN_BOOT_ENV` (default dev) recorded in its manifest,
/// or `$STACKGEN_BOOT_ZIP`.
fn zip_path() -> Result<PathBuf, BoxError> {
    if let Some(zip) = std::env::var_os("STACKGEN_BOOT_ZIP") {
        return Ok(PathBuf::from(zip));
    }
    let env = std::env::var("STACKGEN_BOOT_ENV").unwrap_or_else(|_| "dev".to_owned());
    let path = AssetManifest::path_in(&workspace().join("out").join(&env));
    let manifest = AssetManifest::read(&path)?.ok_or_else(|| {
        format!(
            "{} does not exist: run `stackgen package --env {env}` first (make boot-test does)",
            path.display()
        )
    })?;
    let zips: BTreeSet<&Path> = manifest
        .functions
        .values()
        .map(|a| a.zip.as_path())
        .collect();
    match zips.into_iter().collect::<Vec<_>>().as_slice() {
        // Recorded relative to the workspace `stackgen package` ran in.
        [one] => Ok(workspace().join(one)),
        other => Err(format!("{} names {} zips, not one", path.display(), other.len()).into()),
    }
}

fn scratch() -> Result<PathBuf, BoxError> {
    let dir = std::env::temp_dir().join(format!("stackgen-boot-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Extracts `bootstrap` from the zip (Python's zipfile, as any machine with the project's venv
/// has) with the Unix mode the zip records for it, and checks that it is an executable arm64
/// ELF at the zip's root, as Lambda requires.
fn unpack(zip: &Path, into: &Path) -> Result<PathBuf, BoxError> {
    if !zip.is_file() {
        return Err(format!(
            "{} does not exist: run `stackgen package --env dev` first (make boot-test does)",
            zip.display()
        )
        .into());
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, zipfile\n\
             info = zipfile.ZipFile(sys.argv[1]).getinfo('bootstrap')\n\
             zipfile.ZipFile(sys.argv[1]).extract(info, sys.argv[2])\n\
             print(info.external_attr >> 16)",
        )
        .arg(zip)
        .arg(into)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "{}: no `bootstrap` at the zip's root: {}",
            zip.display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let mode: u32 = String::from_utf8_lossy(&out.stdout).trim().parse()?;
    if mode & 0o111 == 0 {
        return Err(format!(
            "{}'s bootstrap is not executable (mode {mode:o}); Lambda could not start it",
            zip.display()
        )
        .into());
    }
    let bootstrap = into.join("bootstrap");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bootstrap, std::fs::Permissions::from_mode(mode & 0o7777))?;
    let bytes = std::fs::read(&bootstrap)?;
    if bytes.get(..4) != Some(b"\x7fELF".as_slice()) || bytes.get(18..20) != Some(&EM_AARCH64) {
        return Err(format!(
            "{}'s bootstrap is not an arm64 ELF executable",
            zip.display()
        )
        .into());
    }
    Ok(bootstrap)
}

/// A directory whose `bootstrap` runs the arm64 one under qemu, so `stackgen dev` starts it
/// exactly as it starts a host build (same environment, same runtime API).
fn qemu_launcher(bootstrap: &Path, dir: &Path) -> Result<PathBuf, BoxError> {
    let qemu = ["/usr/bin/qemu-aarch64", "/usr/bin/qemu-aarch64-static"]
        .into_iter()
        .find(|q| Path::new(q).is_file())
        .ok_or("qemu-aarch64 is not installed: `make tools` installs Debian's qemu-user")?;
    if !Path::new(ARM64_SYSROOT)
        .join("lib/ld-linux-aarch64.so.1")
        .is_file()
    {
        return Err(format!(
            "{ARM64_SYSROOT} has no arm64 loader: `make tools` installs Debian's libc6-arm64-cross"
        )
        .into());
    }
    std::fs::create_dir_all(dir)?;
    let launcher = dir.join(FUNCTIONS_BINARY);
    std::fs::write(
        &launcher,
        format!(
            "#!/bin/sh\nexec {qemu} -L {ARM64_SYSROOT} '{}' \"$@\"\n",
            bootstrap.display()
        ),
    )?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&launcher, std::fs::Permissions::from_mode(0o755))?;
    Ok(dir.to_path_buf())
}

/// One event each function answers without anything else set up than the deployed stack.
fn event(function: &'static FunctionSpec) -> Value {
    match function.trigger {
        Trigger::Http => http_get(function),
        Trigger::Queue { .. } | Trigger::Stream { .. } => json!({ "Records": [] }),
        Trigger::Topic { .. } => json!({ "Records": [{
            "EventSource": "aws:sns",
            "EventVersion": "1.0",
            "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:boot:1",
            "Sns": {
                "Type": "Notification",
                "MessageId": "boot-1",
                "TopicArn": "arn:aws:sns:us-east-1:123456789012:boot",
                "Subject": "boot",
                "Message": "not a budget notification",
                "Timestamp": "2026-12-03T00:00:00.000Z",
                "SignatureVersion": "1",
                "Signature": "",
                "SigningCertUrl": "",
                "UnsubscribeUrl": "",
                "MessageAttributes": {}
            }
        }]}),
        Trigger::Schedule { .. } => json!({}),
    }
}

/// API Gateway's payload 2.0 for the function's first GET route without path parameters, from
/// a signed-in staff member (what the JWT authorizer passes on).
fn http_get(function: &'static FunctionSpec) -> Value {
    let route = ROUTES
        .iter()
        .find(|r| r.function.id == function.id && r.method == Method::Get && !r.path.contains('{'))
        .unwrap_or_else(|| panic!("`{}` has no GET route without parameters", function.id));
    let key = route.route_key();
    json!({
        "version": "2.0",
        "routeKey": key,
        "rawPath": route.path,
        "rawQueryString": "",
        "headers": { "host": "boot.local", "accept": "application/json" },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "boot",
            "authorizer": { "jwt": {
                "claims": {
                    "sub": "boot-staff",
                    "token_use": "access",
                    "cognito:groups": format!("[{}]", retail_spec::STAFF_GROUP)
                },
                "scopes": null
            }},
            "domainName": "boot.local",
            "domainPrefix": "boot",
            "http": {
                "method": "GET",
                "path": route.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "boot-test"
            },
            "requestId": format!("boot-{}", function.id),
            "routeKey": key,
            "stage": "$default",
            "time": "03/Dec/2026:00:00:00 +0000",
            "timeEpoch": 1_796_256_000_000_i64
        },
        "isBase64Encoded": false
    })
}

/// The function's own successful answer, of the shape its trigger expects, summarised.
fn check(function: &'static FunctionSpec, outcome: &Outcome) -> Result<String, BoxError> {
    let Some(body) = outcome.response() else {
        return Err(format!("`{}` did not answer: {outcome:?}", function.id).into());
    };
    let answer: Value = serde_json::from_slice(body)
        .map_err(|e| format!("`{}` answered something that is not JSON: {e}", function.id))?;
    let summary = match function.trigger {
        Trigger::Http => (answer["statusCode"] == json!(200)).then(|| {
            let key = http_get(function)["routeKey"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            format!("{key} → 200")
        }),
        Trigger::Queue { .. } | Trigger::Stream { .. } => (answer["batchItemFailures"]
            == json!([]))
        .then(|| "empty batch → no item failures".to_owned()),
        Trigger::Topic { .. } | Trigger::Schedule { .. } => {
            answer.is_object().then(|| format!("event → {answer}"))
        }
    };
    summary.ok_or_else(|| format!("`{}` answered {answer}", function.id).into())
}
