//! `stackgen smoke` through the built binary, on the local environment deployed to the emulator,
//! for what goes wrong: a stack not deployed, no API address on the emulator, an unknown store,
//! a store that answers but breaks mid-journey. A failed step exits 1, names the step and what
//! was seen, skips what depends on it, and the clean-up still deletes the smoke customer made in
//! the emulator's user pool. (The passing journey runs in `make ui-test`, against `stackgen dev`
//! serving the real functions.)

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_cognitoidentityprovider::Client;
use support::cli::Cli;
use support::{Moto, TestResult};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A store that serves its page and a catalog of one product, and refuses every cart call (as
/// an API whose authorizer is misconfigured would). Counts the requests it saw.
async fn broken_store() -> std::io::Result<(String, Arc<AtomicUsize>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buf = vec![0u8; 16 * 1024];
            let n = socket.read(&mut buf).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).into_owned();
            let line = head.lines().next().unwrap_or_default().to_owned();
            let (status, body) = if line.starts_with("GET / ") {
                (
                    "200 OK",
                    "<!doctype html><html><body>shop</body></html>".to_owned(),
                )
            } else if line.starts_with("GET /api/catalog") {
                (
                    "200 OK",
                    r#"{"items":[{"sku":"APL-001","stock":5}],"nextCursor":null,"categories":[]}"#
                        .to_owned(),
                )
            } else {
                ("401 Unauthorized", r#"{"error":"UNAUTHORIZED"}"#.to_owned())
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    Ok((url, seen))
}

async fn user_exists(
    moto: &Moto,
    pool: &str,
    email: &str,
) -> Result<bool, Box<dyn std::error::Error>> {
    let ctx = moto.context().await;
    let users = Client::new(ctx.config())
        .list_users()
        .user_pool_id(pool)
        .send()
        .await?;
    Ok(users.users().iter().any(|u| {
        u.attributes()
            .iter()
            .any(|a| a.name() == "email" && a.value() == Some(email))
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_step_exits_1_names_it_and_still_cleans_up() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "smoke")?;

    // Not deployed: says so and how to deploy.
    let out = cli.run(&["smoke", "--env", "local", "--url", "http://127.0.0.1:9"])?;
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = text(&out);
    assert!(
        err.contains("not deployed") && err.contains("stackgen deploy --env local"),
        "{err}"
    );

    cli.deploy()?;

    // The emulator has no API address of its own: the error says what to pass.
    let out = cli.run(&["smoke", "--env", "local"])?;
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = text(&out);
    assert!(
        err.contains("--url") && err.contains("stackgen dev"),
        "{err}"
    );

    // An address the journey may not send a password to is a bad command line (exit 64).
    let out = cli.run(&["smoke", "--env", "local", "--url", "notaurl"])?;
    assert_eq!(out.status.code(), Some(64));
    let (_, err) = text(&out);
    assert!(err.contains("--url"), "{err}");

    // An unknown store is refused before anything is created.
    let out = cli.run(&[
        "smoke",
        "--env",
        "local",
        "--url",
        "http://127.0.0.1:9",
        "--store",
        "store-99",
    ])?;
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = text(&out);
    assert!(
        err.contains("store-99") && err.contains("store-01"),
        "{err}"
    );

    // A store that breaks at the cart: the steps before pass, the cart step fails with what the
    // API said, the rest are skipped, and the clean-up deletes the customer it made.
    let (url, seen) = broken_store().await?;
    let status = cli.json(&["status", "--env", "local", "--format", "json"])?;
    let pool = status["outputs"]["UserPoolId"]
        .as_str()
        .ok_or("no pool")?
        .to_owned();
    let out = cli.run(&["smoke", "--env", "local", "--url", &url, "--format", "json"])?;
    assert_eq!(out.status.code(), Some(1));
    let (stdout, err) = text(&out);
    let report: serde_json::Value = serde_json::from_str(&stdout)?;
    let outcome = |name: &str| {
        report["steps"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["name"] == name))
            .map(|s| s["outcome"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(outcome("storefront"), "passed");
    assert_eq!(outcome("catalog"), "passed");
    assert_eq!(outcome("sign in"), "passed");
    assert_eq!(outcome("empty cart"), "failed");
    assert_eq!(outcome("place order"), "skipped");
    assert_eq!(
        outcome("clean up"),
        "failed",
        "the cart could not be emptied either"
    );
    assert!(
        err.contains("FAILED at empty cart") && err.contains("401"),
        "{err}"
    );
    assert!(seen.load(Ordering::SeqCst) >= 4);
    let email = "success+stackgen-smoke-local@simulator.amazonses.com";
    assert!(
        !user_exists(&moto, &pool, email).await?,
        "the smoke customer must be deleted even though the run failed"
    );
    let steps = report["steps"].to_string();
    assert!(
        steps.contains(&format!("account {email} deleted")),
        "{steps}"
    );

    // Nothing answering at all: every request step fails with the address, nothing is created.
    let out = cli.run(&["smoke", "--env", "local", "--url", "http://127.0.0.1:9"])?;
    assert_eq!(out.status.code(), Some(1));
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("✗ storefront") && stdout.contains("http://127.0.0.1:9/"),
        "{stdout}"
    );
    assert!(stdout.contains("- sign in"), "{stdout}");
    assert!(stdout.contains("no account to delete"), "{stdout}");
    Ok(())
}
