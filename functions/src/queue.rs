//! Consuming SQS batches with partial batch responses.
//!
//! A consumer processes each message of a batch independently and reports only the failed ones
//! (`batchItemFailures`): SQS deletes the rest, redelivers the failed ones, and after the queue's
//! `maxReceiveCount` moves them to the dead-letter queue. One poisoned message therefore neither
//! blocks its batch nor is retried forever.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsMessage};
use retail_spec::FunctionSpec;
use std::time::Instant;

/// SQS's attribute with the number of times a message was received.
const RECEIVE_COUNT: &str = "ApproximateReceiveCount";

/// Why one message was not processed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The message can never be processed; after the redrive count it lands in the DLQ.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// Something we depend on failed; the message is retried.
    #[error("transient failure: {0}")]
    Transient(String),
}

/// The outcome of one batch, logged as one line.
pub struct Batch {
    function: &'static FunctionSpec,
    started: Instant,
    processed: usize,
    response: SqsBatchResponse,
}

impl Batch {
    pub fn start(function: &'static FunctionSpec) -> Self {
        Batch {
            function,
            started: Instant::now(),
            processed: 0,
            response: SqsBatchResponse::default(),
        }
    }

    /// Records the outcome of one message.
    pub fn record(&mut self, message: &SqsMessage, outcome: Result<(), Failure>) {
        let Err(failure) = outcome else {
            self.processed += 1;
            return;
        };
        let id = message.message_id.clone().unwrap_or_default();
        tracing::warn!(
            function = self.function.id,
            messageId = id,
            receiveCount = receive_count(message),
            error = %failure,
            "message failed"
        );
        self.response.add_failure(id);
    }

    /// The response for Lambda, after logging the batch.
    pub fn finish(self) -> SqsBatchResponse {
        let latency_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        tracing::info!(
            function = self.function.id,
            processed = self.processed,
            failed = self.response.batch_item_failures.len(),
            latencyMs = (latency_ms * 1000.0).round() / 1000.0,
            "batch"
        );
        self.response
    }
}

/// How many times SQS has delivered this message (1 on the first delivery).
pub fn receive_count(message: &SqsMessage) -> u32 {
    message
        .attributes
        .get(RECEIVE_COUNT)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}
