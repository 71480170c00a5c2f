//! The local DynamoDB stream event source mapping: read the table's stream, invoke the function
//! with the records its filters pass, retry from the record it reports as failed.
//!
//! As Lambda's poller does: `GetRecords` on every shard four times a second, up to the batch
//! size; records the filters do not pass are skipped without an invocation; a function error
//! or crash retries the whole batch, a partial batch response retries from the first reported
//! record; after the mapping's `MaximumRetryAttempts` the batch is given up (in AWS it goes to
//! the on-failure destination) and reading goes on. A local run starts at the stream's end
//! (`LATEST`): records written while `stackgen dev` was not running are not replayed. Shards
//! that open later, and a new stream of the table, are found and read from their start
//! ([`super::shards`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::StreamClients;
use super::event::{first_failure, passes, record_event};
use super::shards::{DISCOVER_EVERY, StreamReader};
use crate::dev::logs::LogSink;
use crate::dev::plan::StreamMapping;
use crate::dev::runtime::{InvokeRequest, Outcome, Pool};

/// Lambda polls a DynamoDB stream's shards four times per second.
const POLL_EVERY: Duration = Duration::from_millis(250);
const ERROR_PAUSE: Duration = Duration::from_secs(2);

/// Reads `mapping`'s stream for `pool`'s function until `shutdown`.
pub async fn poll(
    mapping: StreamMapping,
    pool: Arc<Pool>,
    clients: StreamClients,
    region: String,
    logs: LogSink,
    shutdown: CancellationToken,
) {
    let source: Arc<str> = Arc::from(mapping.function_id.as_str());
    let say = |text: String| logs.line(&source, text);
    let table = mapping.table_name.as_str();
    let Some(mut reader) = open(&clients, &mapping, &say, &shutdown).await else {
        return;
    };
    say(format!("event source {table} stream: reading new records"));
    let shards = Shards {
        mapping: &mapping,
        pool: &pool,
        clients: &clients,
        region: &region,
        say: &say,
        shutdown: &shutdown,
    };
    let mut looked = Instant::now();
    let mut discovery_failed = false;
    while !shutdown.is_cancelled() {
        let mut read_any = false;
        for i in 0..reader.shards.len() {
            read_any |= shards.read(&mut reader, i).await;
        }
        if looked.elapsed() >= DISCOVER_EVERY {
            looked = Instant::now();
            shards.discover(&mut reader, &mut discovery_failed).await;
        }
        if !read_any {
            tokio::select! {
                _ = tokio::time::sleep(POLL_EVERY) => {}
                _ = shutdown.cancelled() => break,
            }
        }
    }
}

/// What reading one stream's shards needs.
struct Shards<'a, F: Fn(String)> {
    mapping: &'a StreamMapping,
    pool: &'a Arc<Pool>,
    clients: &'a StreamClients,
    region: &'a str,
    say: &'a F,
    shutdown: &'a CancellationToken,
}

impl<F: Fn(String)> Shards<'_, F> {
    /// One `GetRecords` on shard `i`, its records delivered; whether it read any.
    async fn read(&self, reader: &mut StreamReader, i: usize) -> bool {
        let Some(current) = reader.shards[i].iterator.clone() else {
            return false;
        };
        if reader.waits_for_parent(&reader.shards[i]) {
            return false;
        }
        let limit = i32::try_from(self.mapping.batch_size.clamp(1, 1000)).unwrap_or(100);
        let got = self
            .clients
            .read
            .get_records()
            .shard_iterator(current)
            .limit(limit)
            .send()
            .await;
        let out = match got {
            Ok(out) => out,
            Err(e) => {
                self.failed(reader, i, e).await;
                return false;
            }
        };
        let shard = &mut reader.shards[i];
        shard.iterator = out.next_shard_iterator().map(str::to_owned);
        if let Some(last) = out.records().last().and_then(|r| r.dynamodb()) {
            shard.last_sequence = last.sequence_number().map(str::to_owned);
        }
        let events: Vec<Value> = out
            .records()
            .iter()
            .map(|r| record_event(r, &reader.arn, self.region))
            .filter(|e| passes(&self.mapping.filters, e))
            .collect();
        if !events.is_empty() {
            deliver(self.mapping, self.pool, events, self.say, self.shutdown).await;
        }
        !out.records().is_empty()
    }

    /// A failed `GetRecords`: an expired iterator is taken up again after the last record
    /// read; anything else is retried after a pause.
    async fn failed(
        &self,
        reader: &mut StreamReader,
        i: usize,
        e: aws_sdk_dynamodbstreams::error::SdkError<
            aws_sdk_dynamodbstreams::operation::get_records::GetRecordsError,
        >,
    ) {
        let id = reader.shards[i].id.clone();
        let expired = e
            .as_service_error()
            .is_some_and(|s| s.is_expired_iterator_exception());
        (self.say)(format!(
            "event source {} stream, shard {id}: GetRecords failed ({}); {}",
            self.mapping.table_name,
            crate::aws::cause_chain(&e),
            if expired {
                "taking it up again after the last record read"
            } else {
                "retrying"
            }
        ));
        if expired && let Ok(fresh) = reader.reopen(&self.clients.read, &reader.shards[i]).await {
            reader.shards[i].iterator = fresh;
        } else {
            tokio::time::sleep(ERROR_PAUSE).await;
        }
    }

    /// Looks for new shards and a new stream of the table; a failure is said once until a
    /// look succeeds again.
    async fn discover(&self, reader: &mut StreamReader, failed_before: &mut bool) {
        let table = self.mapping.table_name.as_str();
        match reader.discover(self.clients, table).await {
            Ok(news) => {
                *failed_before = false;
                for news in news {
                    (self.say)(format!("event source {table} stream: {news}"));
                }
            }
            Err(reason) if !*failed_before => {
                *failed_before = true;
                (self.say)(format!(
                    "event source {table} stream: cannot look for new shards ({reason}); reading the ones known"
                ));
            }
            Err(_) => {}
        }
    }
}

/// The table's stream, read from its end, once the emulator has it.
async fn open(
    clients: &StreamClients,
    mapping: &StreamMapping,
    say: &impl Fn(String),
    shutdown: &CancellationToken,
) -> Option<StreamReader> {
    let mut warned = false;
    while !shutdown.is_cancelled() {
        match StreamReader::open(clients, &mapping.table_name).await {
            Ok(reader) => return Some(reader),
            Err(reason) if !warned => {
                say(format!(
                    "event source {} stream: {reason}; retrying",
                    mapping.table_name
                ));
                warned = true;
            }
            Err(_) => {}
        }
        tokio::select! {
            _ = tokio::time::sleep(ERROR_PAUSE) => {}
            _ = shutdown.cancelled() => return None,
        }
    }
    None
}

/// Invokes the function with `events` until it succeeds, the retries are spent, or `shutdown`
/// (the pool's workers are stopping: an invocation then would wait for ever, as the queue
/// poller's would).
async fn deliver(
    mapping: &StreamMapping,
    pool: &Pool,
    mut events: Vec<Value>,
    say: &impl Fn(String),
    shutdown: &CancellationToken,
) {
    let stream = &mapping.table_name;
    for attempt in 0..=mapping.retries {
        let payload = Bytes::from(json!({ "Records": &events }).to_string());
        let request = InvokeRequest {
            payload,
            ..Default::default()
        };
        let invoked = tokio::select! {
            invoked = pool.invoke(request) => invoked,
            _ = shutdown.cancelled() => {
                say(format!(
                    "event source {stream} stream: stopping; {} record(s) not delivered",
                    events.len()
                ));
                return;
            }
        };
        let failed_from = match &invoked.outcome {
            Outcome::Response(body) => match first_failure(body) {
                Ok(failed) => failed,
                // Lambda treats an answer it cannot read as a failure of the whole batch.
                Err(reason) => {
                    say(format!(
                        "event source {stream} stream: the answer is not a batch response ({reason})"
                    ));
                    events.first().and_then(sequence)
                }
            },
            other => {
                say(format!(
                    "event source {stream} stream: batch of {} failed as a whole ({}) (RequestId: {})",
                    events.len(),
                    other.describe(),
                    invoked.request_id
                ));
                events.first().and_then(sequence)
            }
        };
        let Some(from) = failed_from else {
            say(format!(
                "event source {stream} stream: batch of {} processed (RequestId: {})",
                events.len(),
                invoked.request_id
            ));
            return;
        };
        if let Some(at) = events
            .iter()
            .position(|e| sequence(e).as_deref() == Some(&from))
        {
            events.drain(..at);
        }
        if shutdown.is_cancelled() {
            say(format!(
                "event source {stream} stream: stopping; {} record(s) from sequence number {from} not retried",
                events.len()
            ));
            return;
        }
        if attempt < mapping.retries {
            say(format!(
                "event source {stream} stream: retrying {} record(s) from sequence number {from}",
                events.len()
            ));
        }
    }
    say(format!(
        "event source {stream} stream: gave up on {} record(s) after {} retries (in AWS they go to the mapping's on-failure queue)",
        events.len(),
        mapping.retries
    ));
}

fn sequence(event: &Value) -> Option<String> {
    event["dynamodb"]["SequenceNumber"]
        .as_str()
        .map(str::to_owned)
}
