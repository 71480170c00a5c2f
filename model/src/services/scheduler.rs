//! EventBridge Scheduler: `AWS::Scheduler::Schedule` (for the out-of-hours shutdown),
//! generated from AWS's schema.

pub use crate::generated::scheduler::schedule::{
    FlexibleTimeWindow, FlexibleTimeWindowMode, Schedule, ScheduleState, Target,
};
