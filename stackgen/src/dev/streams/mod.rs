//! Stream-driven functions: the DynamoDB stream event source mappings of the stack, run
//! locally.
//!
//! [`event`] is the pure translation (stream records → the event Lambda delivers, filter
//! patterns, the batch response); [`poller`] is the loop against the emulator's stream.

pub mod event;
pub mod poller;

pub use poller::poll;
