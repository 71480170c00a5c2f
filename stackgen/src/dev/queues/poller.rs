//! The local event source mapping: long-poll a queue, invoke the function with each batch,
//! delete what succeeded.
//!
//! As Lambda's poller does: `ReceiveMessage` with a 20 s long poll (one request per 20 s per
//! queue while idle), up to `min(batch size, 10)` messages with all system and message
//! attributes; a function error or crash fails the whole batch; with
//! `ReportBatchItemFailures` only the listed messages fail. Failed messages are simply not
//! deleted: they reappear after the queue's visibility timeout, and the queue's redrive policy
//! moves them to the dead-letter queue after `maxReceiveCount` receives. Before the first poll
//! it reads the queue's attributes with the function's key, as Lambda does with its role, and a
//! role that may not has its mapping stopped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_sqs::operation::receive_message::ReceiveMessageOutput;
use aws_sdk_sqs::types::{
    DeleteMessageBatchRequestEntry, Message, MessageSystemAttributeName, QueueAttributeName,
};
use bytes::Bytes;
use tokio_util::sync::CancellationToken;

use super::event::{BatchVerdict, build_event, verdict};
use crate::dev::logs::LogSink;
use crate::dev::plan::QueueMapping;
use crate::dev::runtime::{InvokeRequest, Outcome, Pool};

/// SQS's maximum long-poll wait.
const LONG_POLL_SECONDS: i32 = 20;
/// SQS returns at most 10 messages per receive.
const MAX_RECEIVE: u32 = 10;
/// An emulator that answers an empty long poll at once is not long-polling: wait this long.
const IDLE_PAUSE: Duration = Duration::from_secs(1);
const MAX_ERROR_BACKOFF: Duration = Duration::from_secs(30);

/// Polls `mapping`'s queue for `pool`'s function until `shutdown`.
pub async fn poll(
    mapping: QueueMapping,
    pool: Arc<Pool>,
    sqs: aws_sdk_sqs::Client,
    region: String,
    logs: LogSink,
    shutdown: CancellationToken,
) {
    let poller = Poller::new(mapping, pool, sqs, region, logs);
    if !poller.may_read_the_queue(&shutdown).await {
        return;
    }
    let mut errors: u32 = 0;
    while !shutdown.is_cancelled() {
        let asked = Instant::now();
        let output = match poller.receive(&shutdown, &mut errors).await {
            Step::Go(output) => output,
            Step::Again => continue,
            Step::Stop => break,
        };
        let messages = output.messages();
        if messages.is_empty() {
            if asked.elapsed() < IDLE_PAUSE && !pause(IDLE_PAUSE, &shutdown).await {
                break;
            }
            continue;
        }
        if !poller.deliver(messages, &shutdown).await {
            break;
        }
    }
}

/// One queue's mapping and what it talks to.
struct Poller {
    mapping: QueueMapping,
    pool: Arc<Pool>,
    sqs: aws_sdk_sqs::Client,
    region: String,
    logs: LogSink,
    /// The function's log prefix.
    source: Arc<str>,
    queue_name: String,
    /// Messages per receive.
    max: i32,
}

/// What the poll loop does next.
enum Step<T> {
    Go(T),
    Again,
    Stop,
}

/// Sleeps `duration`; false when `shutdown` came first.
async fn pause(duration: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(duration) => true,
        _ = shutdown.cancelled() => false,
    }
}

impl Poller {
    fn new(
        mapping: QueueMapping,
        pool: Arc<Pool>,
        sqs: aws_sdk_sqs::Client,
        region: String,
        logs: LogSink,
    ) -> Poller {
        let queue_name = mapping
            .queue_url
            .rsplit('/')
            .next()
            .unwrap_or(&mapping.queue_url)
            .to_owned();
        Poller {
            source: Arc::from(mapping.function_id.as_str()),
            max: i32::try_from(mapping.batch_size.clamp(1, MAX_RECEIVE)).unwrap_or(10),
            queue_name,
            mapping,
            pool,
            sqs,
            region,
            logs,
        }
    }

    fn log(&self, line: String) {
        self.logs.line(&self.source, line);
    }

    /// Whether the function's role lets Lambda's poller use the queue, asked as Lambda asks
    /// when it creates the mapping: a `GetQueueAttributes` signed with the function's key. "The
    /// Lambda execution role must include the following permissions: sqs:DeleteMessage,
    /// sqs:GetQueueAttributes, sqs:ReceiveMessage" (Amazon SQS Developer Guide, "Configuring an
    /// Amazon SQS queue to trigger an AWS Lambda function",
    /// <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-lambda-function-trigger.html>).
    /// On a refusal (the emulator holds the key to the role: `dev::roles`) this mapping stops,
    /// as AWS would not create it; any other failure is logged and polling goes on.
    async fn may_read_the_queue(&self, shutdown: &CancellationToken) -> bool {
        use aws_sdk_sqs::error::ProvideErrorMetadata;
        let asked = self
            .sqs
            .get_queue_attributes()
            .queue_url(&self.mapping.queue_url)
            .attribute_names(QueueAttributeName::VisibilityTimeout)
            .send();
        let answer = tokio::select! {
            a = asked => a,
            _ = shutdown.cancelled() => return false,
        };
        let queue_name = &self.queue_name;
        match answer {
            Ok(_) => true,
            Err(e) if e.code().is_some_and(|c| c.starts_with("AccessDenied")) => {
                self.log(format!(
                    "event source {queue_name}: not polled: the function's role does not allow sqs:GetQueueAttributes on the queue ({}); AWS refuses such an event source mapping, so grant it sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueAttributes on {}",
                    crate::aws::cause_chain(&e),
                    self.mapping.queue_arn
                ));
                false
            }
            Err(e) => {
                self.log(format!(
                    "event source {queue_name}: GetQueueAttributes failed ({}); polling anyway",
                    crate::aws::cause_chain(&e)
                ));
                true
            }
        }
    }

    /// One long poll. A failure is logged (the first, then at powers of two) and retried after
    /// a backoff that doubles up to [`MAX_ERROR_BACKOFF`].
    async fn receive(
        &self,
        shutdown: &CancellationToken,
        errors: &mut u32,
    ) -> Step<ReceiveMessageOutput> {
        let receive = self
            .sqs
            .receive_message()
            .queue_url(&self.mapping.queue_url)
            .max_number_of_messages(self.max)
            .wait_time_seconds(LONG_POLL_SECONDS)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send();
        let received = tokio::select! {
            r = receive => r,
            _ = shutdown.cancelled() => return Step::Stop,
        };
        let queue_name = &self.queue_name;
        match received {
            Ok(output) => {
                if *errors > 0 {
                    self.log(format!("event source {queue_name}: receiving again"));
                }
                *errors = 0;
                Step::Go(output)
            }
            Err(e) => {
                *errors += 1;
                if *errors == 1 || errors.is_power_of_two() {
                    self.log(format!(
                        "event source {queue_name}: ReceiveMessage failed ({}); retrying",
                        crate::aws::cause_chain(&e)
                    ));
                }
                let backoff = Duration::from_secs(1 << (*errors).min(5)).min(MAX_ERROR_BACKOFF);
                if pause(backoff, shutdown).await {
                    Step::Again
                } else {
                    Step::Stop
                }
            }
        }
    }

    /// Invokes the function with one batch and deletes what succeeded; false on shutdown.
    async fn deliver(&self, messages: &[Message], shutdown: &CancellationToken) -> bool {
        let queue_name = &self.queue_name;
        let event = build_event(messages, &self.mapping.queue_arn, &self.region);
        let payload = match serde_json::to_vec(&event) {
            Ok(p) => Bytes::from(p),
            Err(e) => {
                self.log(format!(
                    "event source {queue_name}: cannot encode the event: {e}"
                ));
                return true;
            }
        };
        let trace_id = messages.iter().find_map(|m| {
            m.attributes()?
                .get(&MessageSystemAttributeName::AwsTraceHeader)
                .cloned()
        });
        let invoked = tokio::select! {
            i = self.pool.invoke(InvokeRequest { payload, trace_id, ..Default::default() }) => i,
            _ = shutdown.cancelled() => return false,
        };
        let ids: Vec<&str> = messages.iter().filter_map(|m| m.message_id()).collect();
        let verdict = match &invoked.outcome {
            Outcome::Response(body) if self.mapping.report_batch_item_failures => {
                verdict(body, &ids)
            }
            Outcome::Response(_) => BatchVerdict::AllSucceeded,
            other => BatchVerdict::WholeBatchFailed(other.describe()),
        };
        let entries = deletions(messages, &verdict);
        self.delete(&entries).await;
        self.log(summary(
            queue_name,
            messages.len(),
            entries.len(),
            &verdict,
            &invoked.request_id,
        ));
        true
    }

    /// Deletes `entries`, ten per request; a failure is logged (those messages come back).
    async fn delete(&self, entries: &[DeleteMessageBatchRequestEntry]) {
        for chunk in entries.chunks(10) {
            if let Err(e) = self
                .sqs
                .delete_message_batch()
                .queue_url(&self.mapping.queue_url)
                .set_entries(Some(chunk.to_vec()))
                .send()
                .await
            {
                self.log(format!(
                    "event source {}: DeleteMessageBatch failed ({}); those messages will be delivered again",
                    self.queue_name,
                    crate::aws::cause_chain(&e)
                ));
            }
        }
    }
}

/// What to delete after a batch: every message that did not fail (none when the whole batch
/// failed), addressed by its index in the batch.
fn deletions(
    messages: &[aws_sdk_sqs::types::Message],
    verdict: &BatchVerdict,
) -> Vec<DeleteMessageBatchRequestEntry> {
    let failed: &[String] = match verdict {
        BatchVerdict::AllSucceeded => &[],
        BatchVerdict::PartialFailure(ids) => ids,
        BatchVerdict::WholeBatchFailed(_) => return Vec::new(),
    };
    messages
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            !m.message_id()
                .is_some_and(|id| failed.iter().any(|f| f == id))
        })
        .filter_map(|(i, m)| {
            DeleteMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .receipt_handle(m.receipt_handle()?)
                .build()
                .ok()
        })
        .collect()
}

/// The log line of one batch.
fn summary(
    queue_name: &str,
    received: usize,
    deleted: usize,
    verdict: &BatchVerdict,
    request_id: &str,
) -> String {
    match verdict {
        BatchVerdict::AllSucceeded => format!(
            "event source {queue_name}: batch of {received} processed (RequestId: {request_id})"
        ),
        BatchVerdict::PartialFailure(ids) => format!(
            "event source {queue_name}: batch of {received}: {deleted} deleted, {} failed and return after the visibility timeout: {} (RequestId: {request_id})",
            ids.len(),
            ids.join(", "),
        ),
        BatchVerdict::WholeBatchFailed(reason) => format!(
            "event source {queue_name}: batch of {received} failed as a whole ({reason}); the messages return after the visibility timeout (RequestId: {request_id})"
        ),
    }
}
