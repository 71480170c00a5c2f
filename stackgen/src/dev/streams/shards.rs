//! Which shards of a table's stream the local poller reads, and where in each.
//!
//! A stream is not a fixed set of shards. DynamoDB closes each shard after a while (a shard
//! "may split into multiple new shards; this also occurs automatically"), and its children
//! carry on; a closed shard answers `GetRecords` without a `NextShardIterator`. Turning the
//! table's stream off and on, or replacing the table, makes a new stream with a new ARN.
//! (DynamoDB Developer Guide, "Change data capture for DynamoDB Streams", Reading and
//! processing a stream:
//! <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html>.)
//!
//! So the set is looked at again every [`DISCOVER_EVERY`]: the shards open when `stackgen dev`
//! starts are read from their end (`LATEST`, as before: nothing is replayed), every shard that
//! appears later from its start (`TRIM_HORIZON`: none of its records is skipped), and a new
//! stream replaces the old one. An iterator that expired (15 minutes unused, or the emulator
//! restarted) is taken up again after the last record read.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_dynamodbstreams::Client;
use aws_sdk_dynamodbstreams::types::ShardIteratorType;

use super::StreamClients;

/// How often the stream's shards (and the table's stream itself) are listed again.
pub const DISCOVER_EVERY: Duration = Duration::from_secs(5);

/// One shard being read.
#[derive(Debug)]
pub struct Shard {
    pub id: String,
    /// The shard it split from: its records come after all of the parent's, so it is read
    /// once the parent is read to its end (as Lambda does).
    pub parent: Option<String>,
    /// `None` once the shard is closed and read to its end.
    pub iterator: Option<String>,
    /// The sequence number of the last record read, to take up again after.
    pub last_sequence: Option<String>,
    /// Where reading began (`LATEST` at start, `TRIM_HORIZON` for a shard found later): an
    /// iterator that expires before any record was read starts there again.
    start: ShardIteratorType,
}

/// The table's current stream and the shards read from it.
#[derive(Debug)]
pub struct StreamReader {
    pub arn: String,
    pub shards: Vec<Shard>,
    /// Every shard id met, closed ones included (DescribeStream lists a closed shard for a day:
    /// it must not be read again).
    known: HashSet<String>,
}

impl StreamReader {
    /// The table's stream, each of its shards read from its end.
    pub async fn open(clients: &StreamClients, table: &str) -> Result<Self, String> {
        let arn = current_stream(&clients.lookup, table).await?;
        let mut reader = StreamReader {
            arn,
            shards: Vec::new(),
            known: HashSet::new(),
        };
        reader
            .add_new(&clients.read, ShardIteratorType::Latest)
            .await?;
        Ok(reader)
    }

    /// Looks again: a new stream replaces this one (read from its start), new shards are added
    /// (from their start). Returns what changed, for the log.
    pub async fn discover(
        &mut self,
        clients: &StreamClients,
        table: &str,
    ) -> Result<Vec<String>, String> {
        self.shards.retain(|s| s.iterator.is_some());
        let mut news = Vec::new();
        let arn = current_stream(&clients.lookup, table).await?;
        if arn != self.arn {
            news.push(format!(
                "the table's stream is a new one ({arn}); reading it from its start"
            ));
            *self = StreamReader {
                arn,
                shards: Vec::new(),
                known: HashSet::new(),
            };
        }
        for id in self
            .add_new(&clients.read, ShardIteratorType::TrimHorizon)
            .await?
        {
            news.push(format!("new shard {id}; reading it from its start"));
        }
        Ok(news)
    }

    /// Whether `shard` waits for its parent, which is still being read.
    pub fn waits_for_parent(&self, shard: &Shard) -> bool {
        shard.parent.as_ref().is_some_and(|parent| {
            self.shards
                .iter()
                .any(|s| &s.id == parent && s.iterator.is_some())
        })
    }

    /// A new iterator for `shard` after its last record (or where it began, if none was read).
    pub async fn reopen(&self, streams: &Client, shard: &Shard) -> Result<Option<String>, String> {
        let request = streams
            .get_shard_iterator()
            .stream_arn(&self.arn)
            .shard_id(&shard.id);
        let request = match &shard.last_sequence {
            Some(seq) => request
                .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                .sequence_number(seq),
            None => request.shard_iterator_type(shard.start.clone()),
        };
        let out = request
            .send()
            .await
            .map_err(|e| format!("GetShardIterator failed ({})", crate::aws::cause_chain(&e)))?;
        Ok(out.shard_iterator().map(str::to_owned))
    }

    /// Adds the stream's shards not met before, each with an iterator of `at`; their ids.
    async fn add_new(
        &mut self,
        streams: &Client,
        at: ShardIteratorType,
    ) -> Result<Vec<String>, String> {
        let mut added = Vec::new();
        for (id, parent) in shard_ids(streams, &self.arn).await? {
            if self.known.contains(&id) {
                continue;
            }
            let out = streams
                .get_shard_iterator()
                .stream_arn(&self.arn)
                .shard_id(&id)
                .shard_iterator_type(at.clone())
                .send()
                .await
                .map_err(|e| {
                    format!("GetShardIterator failed ({})", crate::aws::cause_chain(&e))
                })?;
            self.known.insert(id.clone());
            self.shards.push(Shard {
                id: id.clone(),
                parent,
                iterator: out.shard_iterator().map(str::to_owned),
                last_sequence: None,
                start: at.clone(),
            });
            added.push(id);
        }
        Ok(added)
    }
}

/// The table's newest stream: `ListStreams` may also list the streams of the last day that
/// were turned off; stream labels are timestamps, so the newest has the greatest.
async fn current_stream(streams: &Client, table: &str) -> Result<String, String> {
    let listed = streams
        .list_streams()
        .table_name(table)
        .send()
        .await
        .map_err(|e| format!("ListStreams failed ({})", crate::aws::cause_chain(&e)))?;
    listed
        .streams()
        .iter()
        .max_by(|a, b| a.stream_label().cmp(&b.stream_label()))
        .and_then(|s| s.stream_arn())
        .map(str::to_owned)
        .ok_or_else(|| format!("the table {table} has no stream (deployed without one?)"))
}

/// Every shard of the stream (its id and its parent's), through DescribeStream's pages.
async fn shard_ids(streams: &Client, arn: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let mut ids = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let out = streams
            .describe_stream()
            .stream_arn(arn)
            .set_exclusive_start_shard_id(after.clone())
            .send()
            .await
            .map_err(|e| format!("DescribeStream failed ({})", crate::aws::cause_chain(&e)))?;
        let Some(description) = out.stream_description() else {
            return Ok(ids);
        };
        ids.extend(description.shards().iter().filter_map(|s| {
            let id = s.shard_id()?.to_owned();
            Some((id, s.parent_shard_id().map(str::to_owned)))
        }));
        match description.last_evaluated_shard_id() {
            Some(last) if after.as_deref() != Some(last) => after = Some(last.to_owned()),
            _ => return Ok(ids),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(id: &str, parent: Option<&str>, open: bool) -> Shard {
        Shard {
            id: id.to_owned(),
            parent: parent.map(str::to_owned),
            iterator: open.then(|| format!("it-{id}")),
            last_sequence: None,
            start: ShardIteratorType::TrimHorizon,
        }
    }

    /// A child's records follow all of its parent's: it is read once the parent is done.
    #[test]
    fn a_child_waits_while_its_parent_is_read() {
        let mut reader = StreamReader {
            arn: "arn".into(),
            shards: vec![
                shard("parent", None, true),
                shard("child", Some("parent"), true),
                shard("orphan", Some("gone"), true),
            ],
            known: HashSet::new(),
        };
        assert!(reader.waits_for_parent(&reader.shards[1]));
        assert!(!reader.waits_for_parent(&reader.shards[0]));
        assert!(
            !reader.waits_for_parent(&reader.shards[2]),
            "a parent no longer listed"
        );
        reader.shards[0].iterator = None; // read to its end
        assert!(!reader.waits_for_parent(&reader.shards[1]));
    }
}
