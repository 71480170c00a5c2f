//! `stackgen drift` and the drift line of `stackgen status` through the built binary, on the
//! local environment deployed to the emulator (which answers CloudFormation's drift detection
//! API, as moto does not: scripts/emulator.py). Changes made behind the stack's back through
//! the services' own APIs (a queue's visibility timeout, a log group deleted) are found, named
//! with the property and its expected and actual values, and exit 2; in sync is exit 0.

mod support;

use support::cli::Cli;
use support::{Moto, TestResult};

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_behind_the_stacks_back_is_found_and_named() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "drift")?;

    let out = cli.run(&["drift", "--env", "local"])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("stackgen deploy --env local"),
        "{}",
        text(&out).1
    );

    cli.deploy()?;
    let status = cli.json(&["status", "--env", "local", "--format", "json"])?;
    assert_eq!(
        status["drift"],
        serde_json::Value::Null,
        "never checked yet: {status}"
    );

    let out = cli.run(&["drift", "--env", "local"])?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out).0,
        text(&out).1
    );
    assert!(
        text(&out)
            .0
            .contains("grocer-local is in sync with its template")
    );

    // Someone raises a queue's visibility timeout in the console and deletes a log group.
    let ctx = moto.context().await;
    let sqs = aws_sdk_sqs::Client::new(ctx.config());
    let url = sqs
        .get_queue_url()
        .queue_name("grocer-local-order-events")
        .send()
        .await?
        .queue_url()
        .unwrap_or_default()
        .to_owned();
    sqs.set_queue_attributes()
        .queue_url(&url)
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "301",
        )
        .send()
        .await?;
    ctx.logs
        .delete_log_group()
        .log_group_name("/aws/lambda/grocer-local-catalog")
        .send()
        .await?;

    let out = cli.run(&["drift", "--env", "local"])?;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains("grocer-local has drifted: 2 resources changed outside CloudFormation"),
        "{stdout}"
    );
    assert!(
        stdout.contains("MODIFIED OrderEventsQueue (AWS::SQS::Queue)"),
        "{stdout}"
    );
    assert!(stdout.contains("/VisibilityTimeout: expected "), "{stdout}");
    assert!(stdout.contains(", actual 301"), "{stdout}");
    assert!(
        stdout.contains("DELETED CatalogFunctionLogGroup (AWS::Logs::LogGroup)"),
        "{stdout}"
    );

    let report = cli.run(&["drift", "--env", "local", "--format", "json"])?;
    assert_eq!(report.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_str(&text(&report).0)?;
    assert_eq!(report["status"], "DRIFTED");
    let queue = report["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["logicalId"] == "OrderEventsQueue"))
        .ok_or("the queue's drift")?;
    assert_eq!(queue["properties"][0]["path"], "/VisibilityTimeout");
    assert_eq!(queue["properties"][0]["actual"], "301");

    let status = cli.json(&["status", "--env", "local", "--format", "json"])?;
    assert_eq!(status["drift"]["status"], "DRIFTED", "{status}");
    let out = cli.run(&["status", "--env", "local"])?;
    assert!(
        text(&out)
            .0
            .contains("drift: DRIFTED: run `stackgen drift` for what changed"),
        "{}",
        text(&out).0
    );
    Ok(())
}
