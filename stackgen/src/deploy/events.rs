//! Following a stack until it settles, streaming its events as they appear.
//!
//! CloudFormation reports progress as stack events (newest first, paged). [`wait_for_stack`]
//! polls DescribeStacks for the status and DescribeStackEvents for new events since a watermark
//! taken before the operation started, and hands each new event (oldest first) to
//! [`Progress`](super::Progress). moto records only stack-level events (no per-resource ones);
//! the loop does not depend on resource events, it ends on the stack status alone.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use aws_smithy_types::date_time::Format;

use super::error::DeployError;
use super::progress::Progress;
use super::stack::{StackEvent, StackSnapshot, describe_stack};
use super::state::is_settled;
use crate::aws::{AwsContext, AwsError};

/// How often to poll and how long to wait before giving up (the stack keeps going regardless).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// The longest pause between two polls.
    pub poll_interval: Duration,
    pub timeout: Duration,
}

/// The first pause between polls; it doubles up to `poll_interval`. A change set of a few
/// resources, or any operation on the local emulator, settles within a second: polling at a
/// fixed 3 s made every such wait cost 3 s. The extra Describe calls of the first seconds are
/// free of charge and far below CloudFormation's request rate limits.
const FIRST_POLL_DELAY: Duration = Duration::from_millis(200);

impl WaitOptions {
    /// The pause after the `attempt`-th poll (0-based): 0.2 s, 0.4 s, 0.8 s, … up to
    /// `poll_interval`.
    pub fn delay(&self, attempt: u32) -> Duration {
        FIRST_POLL_DELAY
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.poll_interval)
    }
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            poll_interval: Duration::from_secs(3),
            timeout: Duration::from_secs(60 * 60),
        }
    }
}

/// The stack's newest event id: the watermark before starting an operation.
pub async fn newest_event_id(ctx: &AwsContext, stack: &str) -> Result<Option<String>, AwsError> {
    let out = ctx
        .cloudformation
        .describe_stack_events()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "DescribeStackEvents", e))?;
    Ok(out
        .stack_events()
        .first()
        .and_then(|e| e.event_id())
        .map(str::to_string))
}

/// What a wait ended with.
#[derive(Debug, Clone)]
pub struct Settled {
    /// The stack in its settled state; `None` when it no longer exists (a finished delete
    /// looked up by name).
    pub stack: Option<StackSnapshot>,
    /// Every event seen after the watermark, oldest first.
    pub events: Vec<StackEvent>,
}

impl Settled {
    /// The first root-cause failure among the events, described.
    pub fn first_failure(&self) -> Option<String> {
        self.events
            .iter()
            .find(|e| e.is_root_failure())
            .map(StackEvent::describe_failure)
    }
}

/// Polls `stack` (name or id) until its status is settled, streaming events newer than
/// `watermark`. Pass the stack *id* to follow a delete to DELETE_COMPLETE.
pub async fn wait_for_stack(
    ctx: &AwsContext,
    stack: &str,
    watermark: Option<&str>,
    options: WaitOptions,
    progress: &dyn Progress,
) -> Result<Settled, DeployError> {
    let started = Instant::now();
    let mut seen: HashSet<String> = HashSet::new();
    let mut events = Vec::new();
    let mut attempt = 0;
    loop {
        let snapshot = describe_stack(ctx, stack).await?;
        if snapshot.is_some() {
            for event in new_events(ctx, stack, watermark, &mut seen).await? {
                progress.stack_event(&event);
                events.push(event);
            }
        }
        match snapshot {
            None => {
                return Ok(Settled {
                    stack: None,
                    events,
                });
            }
            Some(s) if is_settled(&s.status) => {
                return Ok(Settled {
                    stack: Some(s),
                    events,
                });
            }
            Some(s) => {
                if started.elapsed() >= options.timeout {
                    return Err(DeployError::WaitTimeout {
                        stack: s.name,
                        status: s.status,
                        waited_secs: started.elapsed().as_secs(),
                    });
                }
            }
        }
        tokio::time::sleep(options.delay(attempt)).await;
        attempt += 1;
    }
}

/// Events newer than `watermark` not yet in `seen`, oldest first (first page only: a poll
/// interval never produces more than a page of events).
async fn new_events(
    ctx: &AwsContext,
    stack: &str,
    watermark: Option<&str>,
    seen: &mut HashSet<String>,
) -> Result<Vec<StackEvent>, AwsError> {
    let out = ctx
        .cloudformation
        .describe_stack_events()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "DescribeStackEvents", e))?;
    let mut fresh = Vec::new();
    for e in out.stack_events() {
        let id = e.event_id().unwrap_or_default();
        if Some(id) == watermark {
            break;
        }
        if !seen.insert(id.to_string()) {
            continue;
        }
        fresh.push(StackEvent {
            id: id.to_string(),
            timestamp: e
                .timestamp()
                .and_then(|t| t.fmt(Format::DateTime).ok())
                .unwrap_or_default(),
            logical_id: e.logical_resource_id().unwrap_or_default().to_string(),
            resource_type: e.resource_type().unwrap_or_default().to_string(),
            status: e
                .resource_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            reason: e.resource_status_reason().map(str::to_string),
        });
    }
    fresh.reverse();
    Ok(fresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_start_quick_and_back_off_to_the_interval() {
        let wait = WaitOptions::default();
        let delays: Vec<u128> = (0..7).map(|n| wait.delay(n).as_millis()).collect();
        assert_eq!(delays, [200, 400, 800, 1600, 3000, 3000, 3000]);
        assert_eq!(wait.delay(u32::MAX), Duration::from_secs(3));
        let quick = WaitOptions {
            poll_interval: Duration::from_millis(50),
            ..wait
        };
        assert_eq!(quick.delay(0), Duration::from_millis(50));
    }
}
