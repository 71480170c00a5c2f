//! `stackgen logs` through the built binary: CloudWatch Logs on the emulator for an environment
//! whose functions run in AWS (log lines put into the function's real log group name), `stackgen
//! dev`'s files for one whose functions run here, and each mistake with its own error and exit 1.

mod support;

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use support::cli::Cli;
use support::{Moto, TestResult};

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or_default()
}

/// Puts `lines` (offset in ms from now, line) into `group` in dev's region, creating it.
async fn put(moto: &Moto, group: &str, lines: &[(i64, &str)]) -> TestResult {
    let mut target = support::target(Some(moto.endpoint()));
    target.region = "eu-west-1".into();
    let ctx = stackgen::aws::AwsContext::connect(&target).await;
    ctx.logs
        .create_log_group()
        .log_group_name(group)
        .send()
        .await?;
    ctx.logs
        .create_log_stream()
        .log_group_name(group)
        .log_stream_name("2026/12/02/[$LATEST]abc")
        .send()
        .await?;
    let mut put = ctx
        .logs
        .put_log_events()
        .log_group_name(group)
        .log_stream_name("2026/12/02/[$LATEST]abc");
    for (offset, line) in lines {
        put = put.log_events(
            InputLogEvent::builder()
                .timestamp(now_ms() + offset)
                .message(*line)
                .build()?,
        );
    }
    put.send().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudwatch_logs_are_read_filtered_and_merged() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "logs")?;
    put(
        &moto,
        "/aws/lambda/grocer-dev-orders",
        &[
            (
                -3 * 3_600_000,
                r#"{"level":"INFO","msg":"request","route":"GET /orders","status":200}"#,
            ),
            (
                -60_000,
                r#"{"level":"WARN","msg":"order refused","reason":"no stock left"}"#,
            ),
            (-30_000, "REPORT RequestId: 1f\tDuration: 12.00 ms"),
        ],
    )
    .await?;
    put(
        &moto,
        "/aws/lambda/grocer-dev-cart",
        &[(
            -45_000,
            r#"{"level":"ERROR","msg":"request","route":"POST /cart","status":500}"#,
        )],
    )
    .await?;

    // Two functions, the last 10 minutes, merged oldest first; the 3-hour-old line is out.
    let out = cli.run(&["logs", "--env", "dev", "-f", "orders", "-f", "cart"])?;
    assert_eq!(out.status.code(), Some(0));
    let (stdout, _) = text(&out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].contains("orders")
            && lines[0].contains("WARN")
            && lines[0].contains("order refused  reason=\"no stock left\""),
        "{stdout}"
    );
    assert!(
        lines[1].contains("cart")
            && lines[1].contains("ERROR")
            && lines[1].contains("route=\"POST /cart\""),
        "{stdout}"
    );
    assert!(
        lines[2].contains("LAMBDA") && lines[2].contains("REPORT RequestId: 1f"),
        "{stdout}"
    );

    // --since reaches the old line; --filter keeps only the exact text.
    let out = cli.run(&[
        "logs",
        "--env",
        "dev",
        "-f",
        "orders",
        "--since",
        "4h",
        "--filter",
        "GET /orders",
    ])?;
    let (stdout, _) = text(&out);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("status=200"), "{stdout}");

    // JSON lines carry the raw message.
    let out = cli.run(&["logs", "--env", "dev", "-f", "cart", "--format", "json"])?;
    let (stdout, _) = text(&out);
    let event: serde_json::Value = serde_json::from_str(stdout.trim())?;
    assert_eq!(event["function"], "cart");
    assert!(
        event["message"]
            .as_str()
            .unwrap_or_default()
            .contains("POST /cart")
    );

    // Nothing matched: exit 0, said on stderr.
    let out = cli.run(&[
        "logs",
        "--env",
        "dev",
        "-f",
        "orders",
        "--filter",
        "never written",
    ])?;
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out)
            .1
            .contains("no log lines containing \"never written\"")
    );

    // Mistakes: each with its own message; a --since that is not a duration is a usage error
    // (64, as every malformed flag value), the others exit 1.
    for (args, says, code) in [
        (&["-f", "ordres"][..], "did you mean `orders`?", 1),
        (&["--since", "10 minutes"][..], "30s, 10m, 2h or 1d", 64),
        (
            &["-f", "catalog"][..],
            "/aws/lambda/grocer-dev-catalog (function `catalog`) does not exist",
            1,
        ),
    ] {
        let mut all = vec!["logs", "--env", "dev"];
        all.extend_from_slice(args);
        let out = cli.run(&all)?;
        assert_eq!(out.status.code(), Some(code), "{all:?}");
        assert!(text(&out).1.contains(says), "{all:?}: {}", text(&out).1);
    }
    Ok(())
}

#[test]
fn local_logs_come_from_stackgen_devs_files_and_follow() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "logs-local")?;
    let dir = cli.dir.join("logs");
    std::fs::create_dir_all(&dir)?;
    let stamp = |offset_ms: i64| {
        let t = time::OffsetDateTime::now_utc() + time::Duration::milliseconds(offset_ms);
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    std::fs::write(
        dir.join("orders.log"),
        format!(
            "{}\t{{\"level\":\"INFO\",\"msg\":\"request\",\"status\":201}}\n",
            stamp(-1_000)
        ),
    )?;
    let dir_arg = dir.to_string_lossy().to_string();
    let out = cli.run(&["logs", "--env", "local", "--log-dir", &dir_arg])?;
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).0.contains("status=201"), "{}", text(&out).0);

    // A file that breaks a guardrail (prod without point-in-time recovery) stops deploy, not
    // the reading of logs: the report and a warning on stderr, then the lines.
    let prod = std::fs::read_to_string(cli.dir.join("environments/prod.yaml"))?;
    let broken = prod
        .replace("name: prod", "name: pnp")
        .replace("Env: prod", "Env: pnp")
        .replace(
            "point_in_time_recovery: true",
            "point_in_time_recovery: false",
        );
    std::fs::write(cli.dir.join("environments/pnp.yaml"), broken)?;
    let out = cli.run(&["logs", "--env", "pnp", "--log-dir", &dir_arg])?;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("status=201"), "{stdout}");
    assert!(
        stderr.contains("warning: environment `pnp` breaks the guardrails above"),
        "{stderr}"
    );

    // No directory: says where stackgen dev writes.
    let missing = cli.dir.join("nowhere").to_string_lossy().to_string();
    let out = cli.run(&["logs", "--env", "local", "--log-dir", &missing])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("stackgen dev"), "{}", text(&out).1);

    // --follow prints a line appended while it runs, then stops on SIGINT with exit 0.
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .current_dir(support::cli::repo())
        .args(["logs", "--env", "local", "--log-dir", &dir_arg, "--follow"])
        .env("STACKGEN_ENVIRONMENTS_DIR", cli.dir.join("environments"))
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    std::thread::sleep(std::time::Duration::from_millis(800));
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("orders.log"))?;
    use std::io::Write;
    writeln!(
        f,
        "{}\t{{\"level\":\"WARN\",\"msg\":\"appended\"}}",
        stamp(0)
    )?;
    std::thread::sleep(std::time::Duration::from_millis(3_000));
    // SAFETY: plain kill(2) on our own child's pid.
    unsafe { libc::kill(i32::try_from(child.id())?, libc::SIGINT) };
    let out = child.wait_with_output()?;
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("status=201") && stdout.contains("WARN    appended"),
        "{stdout}"
    );
    Ok(())
}
