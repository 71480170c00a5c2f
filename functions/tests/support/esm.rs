//! An SQS event source mapping, as Lambda runs one, for driving queue consumers in-process.
//!
//! Receives a batch (with system attributes such as ApproximateReceiveCount), hands it to the
//! handler as the SQS event JSON Lambda sends, deletes what succeeded and — because
//! `ReportBatchItemFailures` is on — leaves the reported failures on the queue. Lambda would let
//! their visibility timeout run out; this makes them visible again at once, so a test does not
//! wait a minute per redelivery. The queue's own redrive policy moves a message to its DLQ.

use super::QueueRefs;
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use serde_json::{Map, Value, json};
use std::future::Future;

/// What a run of the mapping did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Run {
    pub invocations: usize,
    /// Message ids reported as failed, once per report.
    pub failures: Vec<String>,
    /// Bodies handed to the handler, once per delivery.
    pub deliveries: Vec<String>,
}

/// Polls `queue` and invokes `handler` until the queue is empty or `max_invocations` is reached.
pub async fn run<F, Fut>(
    sqs: &aws_sdk_sqs::Client,
    queue: &QueueRefs,
    batch_size: i32,
    max_invocations: usize,
    mut handler: F,
) -> Run
where
    F: FnMut(SqsEvent) -> Fut,
    Fut: Future<Output = SqsBatchResponse>,
{
    let mut run = Run::default();
    while run.invocations < max_invocations {
        let out = sqs
            .receive_message()
            .queue_url(&queue.url)
            .max_number_of_messages(batch_size)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .wait_time_seconds(0)
            .send()
            .await
            .unwrap_or_else(|e| panic!("receive from {}: {e:?}", queue.url));
        let messages = out.messages();
        if messages.is_empty() {
            break;
        }
        let records: Vec<Value> = messages
            .iter()
            .map(|m| {
                let attributes: Map<String, Value> = m
                    .attributes()
                    .map(|a| {
                        a.iter()
                            .map(|(k, v)| (k.as_str().to_owned(), Value::from(v.as_str())))
                            .collect()
                    })
                    .unwrap_or_default();
                json!({
                    "messageId": m.message_id(),
                    "receiptHandle": m.receipt_handle(),
                    "body": m.body(),
                    "attributes": attributes,
                    "messageAttributes": {},
                    "md5OfBody": m.md5_of_body(),
                    "eventSource": "aws:sqs",
                    "eventSourceARN": queue.arn,
                    "awsRegion": super::moto::REGION,
                })
            })
            .collect();
        let event: SqsEvent = serde_json::from_value(json!({ "Records": records }))
            .unwrap_or_else(|e| panic!("not an SQS event: {e}"));
        run.deliveries.extend(
            messages
                .iter()
                .map(|m| m.body().unwrap_or_default().to_owned()),
        );
        run.invocations += 1;
        let response = handler(event).await;
        let failed: Vec<String> = response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.clone())
            .collect();
        for m in messages {
            let id = m.message_id().unwrap_or_default();
            let receipt = m.receipt_handle().unwrap_or_default();
            if failed.iter().any(|f| f == id) {
                sqs.change_message_visibility()
                    .queue_url(&queue.url)
                    .receipt_handle(receipt)
                    .visibility_timeout(0)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("change visibility: {e:?}"));
            } else {
                sqs.delete_message()
                    .queue_url(&queue.url)
                    .receipt_handle(receipt)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("delete: {e:?}"));
            }
        }
        run.failures.extend(failed);
    }
    run
}

/// The queue's redrive policy as SQS reports it (to show the DLQ wiring in tests).
pub async fn redrive_policy(sqs: &aws_sdk_sqs::Client, url: &str) -> Value {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::RedrivePolicy)
        .send()
        .await
        .unwrap_or_else(|e| panic!("attributes of {url}: {e:?}"));
    let raw = out
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::RedrivePolicy))
        .cloned()
        .unwrap_or_default();
    serde_json::from_str(&raw).unwrap_or(Value::Null)
}
