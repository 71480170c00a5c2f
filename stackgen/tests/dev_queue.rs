//! The local SQS event source mapping against moto, with the real `lambda_runtime` echo
//! function: messages the function reports as failed (partial batch response) are not
//! deleted, come back after the visibility timeout, and end in the dead-letter queue through
//! the queue's redrive policy; the others are deleted. Without `ReportBatchItemFailures` a
//! successful invocation deletes the whole batch. A function whose role may not read the
//! queue's attributes gets no polling, as AWS creates no mapping for it.

mod dev_support;

use std::time::Duration;

use aws_sdk_sqs::types::{MessageAttributeValue, QueueAttributeName};
use dev_support::{BoxError, Moto, TestResult, echo_binary, echo_config, eventually};
use stackgen::dev::roles::{Allowed, KeyPolicy, RolePolicies};
use stackgen::dev::{self, QueueMapping};

struct Queue {
    url: String,
    arn: String,
}

async fn queue(
    sqs: &aws_sdk_sqs::Client,
    name: &str,
    redrive_to: Option<&Queue>,
) -> Result<Queue, BoxError> {
    let mut create = sqs
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::VisibilityTimeout, "1");
    if let Some(dlq) = redrive_to {
        create = create.attributes(
            QueueAttributeName::RedrivePolicy,
            serde_json::json!({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": "2"}).to_string(),
        );
    }
    let url = create
        .send()
        .await?
        .queue_url()
        .unwrap_or_default()
        .to_owned();
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await?
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .ok_or("no QueueArn")?;
    Ok(Queue { url, arn })
}

/// (visible, in flight) message counts.
async fn counts(sqs: &aws_sdk_sqs::Client, url: &str) -> Option<(u64, u64)> {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .ok()?;
    let attrs = out.attributes()?;
    let n = |k: &QueueAttributeName| attrs.get(k).and_then(|v| v.parse().ok());
    Some((
        n(&QueueAttributeName::ApproximateNumberOfMessages)?,
        n(&QueueAttributeName::ApproximateNumberOfMessagesNotVisible)?,
    ))
}

async fn send(sqs: &aws_sdk_sqs::Client, url: &str, body: &str) -> TestResult {
    sqs.send_message()
        .queue_url(url)
        .message_body(body)
        .message_attributes(
            "kind",
            MessageAttributeValue::builder()
                .data_type("String")
                .string_value("order.created")
                .build()?,
        )
        .send()
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_batch_failures_return_and_reach_the_dead_letter_queue() -> TestResult {
    let moto = Moto::start()?;
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk_config().await);
    let dlq = queue(&sqs, "order-events-dlq", None).await?;
    let events = queue(&sqs, "order-events", Some(&dlq)).await?;
    let plain = queue(&sqs, "report-requests", None).await?;
    for body in ["ok one", "please fail", "ok two"] {
        send(&sqs, &events.url, body).await?;
    }
    for body in ["also fail", "fine"] {
        send(&sqs, &plain.url, body).await?;
    }

    let mut config = echo_config(
        &echo_binary()?,
        &moto.endpoint(),
        1,
        Duration::from_secs(10),
        &[],
    );
    config.queues = vec![
        stock_alerts(&events),
        QueueMapping {
            logical_id: "ReportBuilderEventSource".into(),
            function_id: "report-builder".into(),
            queue_url: plain.url.clone(),
            queue_arn: plain.arn.clone(),
            batch_size: 1,
            report_batch_item_failures: false,
            enabled: true,
            deployed_uuid: None,
        },
    ];
    let dev = dev::start(config).await?;

    // The failed message moves to the DLQ after two receives; the others are deleted.
    let settled = eventually(Duration::from_secs(90), || async {
        let main = counts(&sqs, &events.url).await?;
        let dead = counts(&sqs, &dlq.url).await?;
        (main == (0, 0) && dead.0 == 1).then_some(())
    })
    .await;
    let plain_empty = eventually(Duration::from_secs(30), || async {
        (counts(&sqs, &plain.url).await? == (0, 0)).then_some(())
    })
    .await;
    dev.stop().await;
    assert!(
        settled.is_some(),
        "order-events: {:?}, dead letters: {:?}",
        counts(&sqs, &events.url).await,
        counts(&sqs, &dlq.url).await
    );
    let dead = sqs
        .receive_message()
        .queue_url(&dlq.url)
        .max_number_of_messages(10)
        .send()
        .await?;
    let bodies: Vec<&str> = dead.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(bodies, vec!["please fail"]);
    assert!(
        plain_empty.is_some(),
        "without ReportBatchItemFailures a successful invocation deletes its batch: {:?}",
        counts(&sqs, &plain.url).await
    );
    Ok(())
}

/// The stock alerts' mapping, on `queue`.
fn stock_alerts(queue: &Queue) -> QueueMapping {
    QueueMapping {
        logical_id: "StockAlertsEventSource".into(),
        function_id: "stock-alerts".into(),
        queue_url: queue.url.clone(),
        queue_arn: queue.arn.clone(),
        batch_size: 10,
        report_batch_item_failures: true,
        enabled: true,
        deployed_uuid: None,
    }
}

/// Lambda needs sqs:GetQueueAttributes besides ReceiveMessage and DeleteMessage in the
/// function's role (`dev/queues/poller.rs` cites AWS). `stackgen dev` asks with the function's
/// key, as Lambda asks with its role: a role without it gets no polling, and the message stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_that_may_not_read_the_queue_attributes_gets_no_polling() -> TestResult {
    let (actions, moto) = dev_support::grants::ActionLog::start("queue-attributes")?;
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk_config().await);
    let events = queue(&sqs, "order-events", None).await?;
    send(&sqs, &events.url, "waits").await?;
    let mut config = echo_config(
        &echo_binary()?,
        &moto.endpoint(),
        1,
        Duration::from_secs(10),
        &[],
    );
    config.queues = vec![stock_alerts(&events)];
    let key = dev::function_key_id(&config.emulator, "stock-alerts");
    let without_attributes = KeyPolicy {
        principal: "arn:aws:sts::123456789012:assumed-role/stock-alerts-role/stock-alerts".into(),
        statements: vec![Allowed {
            actions: vec!["sqs:ReceiveMessage".into(), "sqs:DeleteMessage".into()],
            resources: vec![events.arn.clone()],
        }],
    };
    config.roles = RolePolicies {
        keys: [(key.clone(), without_attributes)].into(),
        notes: Vec::new(),
    };
    let dev = dev::start(config).await?;
    let refused = format!("sqs:GetQueueAttributes\t{key}\t{}\tdenied", events.arn);
    let seen = eventually(Duration::from_secs(30), || async {
        actions.read().contains(&refused).then_some(())
    })
    .await;
    // A poller that went on would long-poll at once.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let log = actions.read();
    dev.stop().await;
    assert!(seen.is_some(), "no refused GetQueueAttributes: {log}");
    assert!(
        !log.contains(&format!("sqs:ReceiveMessage\t{key}")),
        "the mapping polled although its role may not read the queue: {log}"
    );
    assert_eq!(counts(&sqs, &events.url).await, Some((1, 0)));
    Ok(())
}
