//! How long-running steps report what they are doing.
//!
//! The library never prints. Waiting for a stack, uploading assets and emptying buckets report
//! through [`Progress`]; the CLI renders that (spinner, colour, `NO_COLOR`, JSON), tests collect it.

use super::stack::StackEvent;

/// Receives progress from long steps. Both methods default to doing nothing.
pub trait Progress: Send + Sync {
    /// A step starts or a notable thing happened ("uploading catalog (3.1 MB)").
    fn step(&self, _message: &str) {}
    /// A new CloudFormation stack event, oldest first.
    fn stack_event(&self, _event: &StackEvent) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
