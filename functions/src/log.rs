//! Structured logs: one JSON object per line on stdout (what CloudWatch Logs ingests).
//!
//! Each line is `{"timestamp","level","msg",…}`: with the function's log format JSON, Lambda
//! reads `level` and the RFC 3339 `timestamp` and drops lines below the function's application
//! log level, which it also passes to the function as `AWS_LAMBDA_LOG_LEVEL` (Lambda Developer
//! Guide, "Log-level filtering",
//! <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html>).
//! Lines below that level are not even written here, so they cost nothing.
//!
//! HTTP functions write exactly one line per request (route, status, latency, request id);
//! queue consumers one per batch plus one per failed message. Nothing else is logged on the
//! happy path, so logs stay cheap.

use serde_json::{Map, Value};

/// Severity of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

/// The environment variable Lambda sets to the function's application log level.
pub const LOG_LEVEL_VAR: &str = "AWS_LAMBDA_LOG_LEVEL";

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }

    fn rank(self) -> u8 {
        match self {
            Level::Debug => 1,
            Level::Info => 2,
            Level::Warn => 3,
            Level::Error => 4,
        }
    }

    /// A level as Lambda names it (`TRACE` and `DEBUG` both mean everything here, `FATAL` only
    /// errors); anything else is `None`.
    pub fn parse(text: &str) -> Option<Level> {
        match text.trim().to_ascii_uppercase().as_str() {
            "TRACE" | "DEBUG" => Some(Level::Debug),
            "INFO" => Some(Level::Info),
            "WARN" => Some(Level::Warn),
            "ERROR" | "FATAL" => Some(Level::Error),
            _ => None,
        }
    }
}

/// The lowest level written: [`LOG_LEVEL_VAR`], INFO when it is unset or unreadable.
fn threshold() -> Level {
    static LEVEL: std::sync::OnceLock<Level> = std::sync::OnceLock::new();
    *LEVEL.get_or_init(|| {
        std::env::var(LOG_LEVEL_VAR)
            .ok()
            .and_then(|v| Level::parse(&v))
            .unwrap_or(Level::Info)
    })
}

/// Writes one line, `{"timestamp","level","msg",...fields}`, when `level` is at or above the
/// function's log level.
pub fn emit(level: Level, msg: &str, fields: Value) {
    if level.rank() < threshold().rank() {
        return;
    }
    let mut line = Map::new();
    line.insert(
        "timestamp".into(),
        Value::from(crate::clock::timestamp(crate::clock::now())),
    );
    line.insert("level".into(), Value::from(level.as_str()));
    line.insert("msg".into(), Value::from(msg));
    if let Value::Object(extra) = fields {
        line.extend(extra);
    }
    // `println!` rather than a raw stdout handle so test harnesses capture the lines.
    println!("{}", Value::Object(line));
}

pub fn debug(msg: &str, fields: Value) {
    emit(Level::Debug, msg, fields);
}

pub fn info(msg: &str, fields: Value) {
    emit(Level::Info, msg, fields);
}

pub fn warn(msg: &str, fields: Value) {
    emit(Level::Warn, msg, fields);
}

pub fn error(msg: &str, fields: Value) {
    emit(Level::Error, msg, fields);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lambdas_level_names() {
        assert_eq!(Level::parse("debug"), Some(Level::Debug));
        assert_eq!(Level::parse("TRACE"), Some(Level::Debug));
        assert_eq!(Level::parse(" WARN "), Some(Level::Warn));
        assert_eq!(Level::parse("FATAL"), Some(Level::Error));
        assert_eq!(Level::parse("loud"), None);
        assert!(Level::Warn.rank() > Level::Info.rank());
        assert!(Level::Debug.rank() < Level::Info.rank());
    }
}
