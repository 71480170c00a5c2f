//! Queue-driven functions: the SQS event source mappings of the stack, run locally.
//!
//! [`event`] is the pure translation (messages → event, batch response → what to delete);
//! [`poller`] is the loop against the emulator; [`handover`] pauses the deployed mappings
//! meanwhile.

pub mod event;
pub mod handover;
pub mod poller;

pub use event::{BatchVerdict, SqsEvent, build_event, verdict};
pub use handover::Handover;
pub use poller::poll;
