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
