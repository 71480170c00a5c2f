//! Structured logs: one JSON object per line on stdout (what CloudWatch Logs ingests).
//!
//! HTTP functions write exactly one line per request (route, status, latency, request id);
//! queue consumers one per batch plus one per failed message. Nothing else is logged on the
//! happy path, so logs stay cheap.

use serde_json::{Map, Value};

/// Severity of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }
}

/// Writes one line: `{"ts","level","msg",...fields}`.
pub fn emit(level: Level, msg: &str, fields: Value) {
    let mut line = Map::new();
    line.insert(
        "ts".into(),
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

pub fn info(msg: &str, fields: Value) {
    emit(Level::Info, msg, fields);
}

pub fn warn(msg: &str, fields: Value) {
    emit(Level::Warn, msg, fields);
}

pub fn error(msg: &str, fields: Value) {
    emit(Level::Error, msg, fields);
}
