//! Stream-driven functions: the DynamoDB stream event source mappings of the stack, run
//! locally.
//!
//! [`event`] is the pure translation (stream records → the event Lambda delivers, filter
//! patterns, the batch response); [`poller`] is the loop against the emulator's stream, and
//! [`shards`] which of the stream's shards it reads.

pub mod event;
pub mod poller;
pub mod shards;

pub use poller::poll;

/// The clients a stream poller reads with. Lambda's mapping reads the stream with the
/// function's role, given the stream's ARN: so does `read` here (DescribeStream,
/// GetShardIterator, GetRecords, signed with the function's key, which the emulator holds to
/// that role). Finding the table's current stream (ListStreams) is the local runner's own
/// business, not the function's: `lookup` signs with `stackgen dev`'s key.
#[derive(Debug, Clone)]
pub struct StreamClients {
    pub lookup: aws_sdk_dynamodbstreams::Client,
    pub read: aws_sdk_dynamodbstreams::Client,
}
