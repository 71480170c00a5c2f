//! The functions' log groups in CloudWatch Logs, read with FilterLogEvents.
//!
//! `--filter TEXT` becomes the filter pattern `"TEXT"`: a quoted term matches the exact text,
//! spaces and punctuation included (CloudWatch Logs User Guide, "Filter pattern syntax",
//! "Matching terms in unstructured log events",
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>).
//! Following asks again from the newest event's millisecond and drops the event ids already
//! printed, as `aws logs tail --follow` does.

use std::collections::HashSet;

use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsError;

use super::{Event, Query, Source};
use crate::aws::{AwsContext, AwsError};

/// At most this many events per function per read (a screenful many times over; `--since`
/// narrows it).
const MAX_EVENTS: usize = 10_000;

/// Why a log group could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    #[error(
        "log group {group} (function `{function}`) does not exist: the stack is not deployed here, or was deployed before the log group was part of it; `stackgen status --env {env}` shows the stack"
    )]
    NoLogGroup {
        group: String,
        function: String,
        env: String,
    },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

/// The filter pattern for a plain text: the text as one quoted term.
pub fn pattern(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Reads the query's log groups from `start_ms` on, oldest first.
#[derive(Debug)]
pub struct Reader<'a> {
    ctx: &'a AwsContext,
    env: String,
    /// Ids of the events at the newest millisecond read so far.
    seen: HashSet<String>,
}

impl<'a> Reader<'a> {
    pub fn new(ctx: &'a AwsContext, env: &str) -> Self {
        Reader {
            ctx,
            env: env.to_owned(),
            seen: HashSet::new(),
        }
    }

    /// Every event of every source at or after `start_ms` not returned before, oldest first.
    pub async fn read(&mut self, query: &Query, start_ms: i64) -> Result<Vec<Event>, LogsError> {
        let mut events = Vec::new();
        for source in &query.sources {
            events.extend(self.read_group(source, query, start_ms).await?);
        }
        events.sort_by_key(|e| e.timestamp_ms);
        events.retain(|e| e.id.as_ref().is_none_or(|id| !self.seen.contains(id)));
        if let Some(newest) = events.last().map(|e| e.timestamp_ms) {
            self.seen = events
                .iter()
                .filter(|e| e.timestamp_ms == newest)
                .filter_map(|e| e.id.clone())
                .collect();
        }
        Ok(events)
    }

    async fn read_group(
        &self,
        source: &Source,
        query: &Query,
        start_ms: i64,
    ) -> Result<Vec<Event>, LogsError> {
        let mut events = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .ctx
                .logs
                .filter_log_events()
                .log_group_name(&source.log_group)
                .start_time(start_ms)
                .set_filter_pattern(query.filter.as_deref().map(pattern))
                .set_next_token(token.take())
                .send()
                .await;
            let page = match page {
                Ok(p) => p,
                Err(e)
                    if matches!(
                        e.as_service_error(),
                        Some(FilterLogEventsError::ResourceNotFoundException(_))
                    ) =>
                {
                    return Err(LogsError::NoLogGroup {
                        group: source.log_group.clone(),
                        function: source.function.to_owned(),
                        env: self.env.clone(),
                    });
                }
                Err(e) => return Err(self.ctx.fail("logs", "FilterLogEvents", e).into()),
            };
            events.extend(page.events().iter().map(|e| Event {
                timestamp_ms: e.timestamp().unwrap_or_default(),
                function: source.function.to_owned(),
                message: e.message().unwrap_or_default().to_owned(),
                id: e.event_id().map(str::to_owned),
            }));
            token = page.next_token().map(str::to_owned);
            if token.is_none() || events.len() >= MAX_EVENTS {
                return Ok(events);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_one_quoted_term() {
        assert_eq!(pattern("order placed"), r#""order placed""#);
        assert_eq!(pattern(r#"say "hi""#), r#""say \"hi\"""#);
    }
}
