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
    let hint = "write a whole number and a unit: 30s, 10m, 2h or 1d";
    if text.is_empty() {
        return Err(format!("--since needs a duration; {hint}"));
    }
    if text.starts_with("--") {
        // `--since --follow`: the value was left out and the next option taken for it.
        return Err(format!(
            "--since needs a duration before {text}, which is an option; {hint}"
        ));
    }
    if let Some(rest) = text.strip_prefix('-') {
        return Err(format!(
            "--since {text:?} counts back from now already; write {rest:?}, without the minus ({hint})"
        ));
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit_seconds: u64 = match unit {
        _ if number.is_empty() => {
            return Err(format!("--since {text:?} is not a duration; {hint}"));
        }
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "" => return Err(format!("--since {text:?} has no unit; {hint}")),
        _ => return Err(format!("--since {text:?} is not a duration; {hint}")),
    };
    let longest = Duration::from_secs(MAX_SINCE_DAYS * 86_400);
    let seconds = number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit_seconds))
        .filter(|s| *s <= longest.as_secs())
        .ok_or_else(|| {
            format!(
                "--since {text:?} reaches back more than {MAX_SINCE_DAYS}d, further than CloudWatch \
                 Logs keeps any event (its longest retention is {MAX_SINCE_DAYS} days); {hint}"
            )
        })?;
    if seconds == 0 {
        return Err(format!(
            "--since {text:?} covers no time; give at least 1s ({hint})"
        ));
    }
    Ok(Duration::from_secs(seconds))
}

/// The longest retention CloudWatch Logs offers: PutRetentionPolicy's `retentionInDays` goes up
/// to 3653 (CloudWatch Logs API Reference, PutRetentionPolicy:
/// <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html>).
pub const MAX_SINCE_DAYS: u64 = 3653;

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
        assert_eq!(parse_since("3653d"), Ok(Duration::from_secs(3653 * 86_400)));
        for (bad, says) in [
            ("", "needs a duration"),
            ("10", "has no unit"),
            ("m", "is not a duration"),
            ("10 minutes", "is not a duration"),
            ("1.5h", "is not a duration"),
            ("-5m", "write \"5m\", without the minus"),
            (
                "--follow",
                "needs a duration before --follow, which is an option",
            ),
            ("0m", "covers no time"),
            ("3654d", "further than CloudWatch Logs keeps"),
            // Once an overflow: 10^15 days in seconds is past u64.
            ("1000000000000000d", "further than CloudWatch Logs keeps"),
            (
                "99999999999999999999999s",
                "further than CloudWatch Logs keeps",
            ),
        ] {
            let err = parse_since(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
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
