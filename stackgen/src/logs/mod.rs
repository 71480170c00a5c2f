//! `stackgen logs`: the functions' log lines, oldest first, one line each, wherever the
//! functions run.
//!
//! In AWS each function writes to its log group (`/aws/lambda/<function name>`, declared by the
//! stack with its retention); [`cloudwatch`] reads them with FilterLogEvents. Where the
//! environment's functions only ever run on this machine (`function_code: host`), `stackgen dev`
//! keeps one file per function with the same events (time received, the line); [`local`] reads
//! those. Both give [`Event`]s, which [`line`] renders the same way: time, function, level,
//! message and fields, coloured by level.

pub mod cloudwatch;
pub mod line;
pub mod local;

use std::time::Duration;

pub use line::{Event, Level};

/// One function's log: its id (`orders`) and its log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub function: &'static str,
    pub log_group: String,
}

/// What to read.
#[derive(Debug, Clone)]
pub struct Query {
    pub sources: Vec<Source>,
    /// Only events at or after this time (milliseconds since the epoch).
    pub start_ms: i64,
    /// Only events whose line contains this text.
    pub filter: Option<String>,
}

impl Query {
    /// Whether `line` passes the text filter (case-sensitive, as CloudWatch's terms are).
    pub fn matches(&self, line: &str) -> bool {
        self.filter.as_deref().is_none_or(|f| line.contains(f))
    }
}

/// How often `--follow` asks again.
pub const FOLLOW_EVERY: Duration = Duration::from_secs(2);

/// `--since`: a number and a unit (`30s`, `10m`, `2h`, `1d`).
pub fn parse_since(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().map_err(|_| since_error(text))?;
    let seconds = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(since_error(text)),
    };
    if seconds == 0 {
        return Err(since_error(text));
    }
    Ok(Duration::from_secs(seconds))
}

fn since_error(text: &str) -> String {
    format!(
        "--since {text:?} is not a duration; write a whole number and a unit: 30s, 10m, 2h or 1d"
    )
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_a_number_and_a_unit() {
        assert_eq!(parse_since("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_since("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_since("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_since("1d"), Ok(Duration::from_secs(86_400)));
        for bad in ["", "10", "m", "10 minutes", "-5m", "0m", "1.5h"] {
            let err = parse_since(bad).unwrap_err();
            assert!(err.contains("30s, 10m, 2h or 1d"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_filter_is_a_case_sensitive_substring() {
        let q = Query {
            sources: vec![],
            start_ms: 0,
            filter: Some("order placed".into()),
        };
        assert!(q.matches(r#"{"msg":"order placed"}"#));
        assert!(!q.matches(r#"{"msg":"Order Placed"}"#));
        let all = Query { filter: None, ..q };
        assert!(all.matches("anything"));
    }
}
