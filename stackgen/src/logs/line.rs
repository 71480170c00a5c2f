//! One log event and how it is shown: `<time> <function> <LEVEL> <message> <key=value…>`.
//!
//! The functions write one JSON object per line (`{"timestamp","level","msg",…}`, see the
//! functions' `log.rs`); Lambda's own lines are `START`/`END`/`REPORT RequestId: …` in text
//! format, or JSON objects whose `type` is `platform.*` in JSON format (Lambda Developer Guide,
//! "Configuring JSON and plain text log formats",
//! <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html>).
//! Anything else (a panic message on stderr) is shown as written.

use serde::Serialize;
use serde_json::{Map, Value as Json};

/// One line of one function's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// When the line was received, milliseconds since the epoch.
    pub timestamp_ms: i64,
    /// The function id (`orders`).
    pub function: String,
    /// The line as the function (or Lambda) wrote it.
    pub message: String,
    /// CloudWatch's event id, to tell apart events of the same millisecond when following.
    #[serde(skip)]
    pub id: Option<String>,
}

/// How severe a line is; `Platform` for Lambda's own lines, `Other` for text it cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
    Platform,
    Other,
}

impl Level {
    fn label(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Platform => "LAMBDA",
            Level::Other => "-",
        }
    }

    /// ANSI colour of the level label and, for errors, the message.
    fn colour(self) -> &'static str {
        match self {
            Level::Debug | Level::Platform => "2",
            Level::Info => "32",
            Level::Warn => "33",
            Level::Error => "1;31",
            Level::Other => "0",
        }
    }
}

const PLATFORM_PREFIXES: [&str; 5] = ["START ", "END ", "REPORT ", "INIT_START ", "INIT_REPORT "];

impl Event {
    /// The level the line states, or what Lambda's own lines are.
    pub fn level(&self) -> Level {
        match self.json() {
            Some(obj) => level_of(&obj),
            None if PLATFORM_PREFIXES
                .iter()
                .any(|p| self.message.starts_with(p)) =>
            {
                Level::Platform
            }
            None => Level::Other,
        }
    }

    fn json(&self) -> Option<Map<String, Json>> {
        match serde_json::from_str(self.message.trim()) {
            Ok(Json::Object(obj)) => Some(obj),
            _ => None,
        }
    }

    /// `2026-12-02T15:12:53.600Z  orders        INFO   order placed  orderId=… storeId=…`
    pub fn render(&self, width: usize, colour: bool) -> String {
        let level = self.level();
        let paint = |code: &str, text: &str| crate::cli::style::paint(colour, code, text);
        let text = visible(&match self.json() {
            Some(obj) => describe(obj),
            None => self.message.trim_end().to_owned(),
        });
        let text = if level == Level::Error {
            paint(level.colour(), &text)
        } else {
            text
        };
        format!(
            "{}  {:<width$}  {}  {text}",
            paint("2", &rfc3339_ms(self.timestamp_ms)),
            self.function,
            paint(level.colour(), &format!("{:<6}", level.label())),
        )
    }
}

fn level_of(obj: &Map<String, Json>) -> Level {
    if obj
        .get("type")
        .and_then(Json::as_str)
        .is_some_and(|t| t.starts_with("platform."))
    {
        return Level::Platform;
    }
    match obj
        .get("level")
        .and_then(Json::as_str)
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        Some("TRACE" | "DEBUG") => Level::Debug,
        Some("INFO") => Level::Info,
        Some("WARN" | "WARNING") => Level::Warn,
        Some("ERROR" | "FATAL") => Level::Error,
        _ => Level::Other,
    }
}

/// The message, then every other field as `key=value` (strings bare when they have no space).
fn describe(mut obj: Map<String, Json>) -> String {
    // `shift_remove`: the other fields keep the order the function wrote them in.
    for key in ["timestamp", "time", "level"] {
        obj.shift_remove(key);
    }
    let message = ["msg", "message", "type"]
        .iter()
        .find_map(|k| obj.shift_remove(*k))
        .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
        .unwrap_or_default();
    let mut out = message;
    for (key, value) in obj {
        let value = match value {
            Json::String(s) if !s.is_empty() && !s.contains(char::is_whitespace) => s,
            other => other.to_string(),
        };
        out.push_str(&format!("  {key}={value}"));
    }
    out
}

/// The text with every control character but a tab written as an escape (`\u{1b}`): a log line
/// carries what shoppers typed, and raw escape sequences would drive the operator's terminal
/// (clear it, retitle it, hide lines). Lambda's own `REPORT` lines separate fields with tabs.
pub fn visible(text: &str) -> String {
    let hidden = |c: char| c.is_control() && c != '\t';
    if !text.contains(hidden) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if hidden(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `2026-12-02T15:12:53.600Z`
pub fn rfc3339_ms(ms: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else {
        return ms.to_string();
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Reads `2026-12-02T15:12:53.600Z` (any RFC 3339 time) as milliseconds since the epoch.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let t =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(message: &str) -> Event {
        Event {
            timestamp_ms: 1_796_224_439_045,
            function: "orders".into(),
            message: message.into(),
            id: None,
        }
    }

    #[test]
    fn a_functions_json_line_reads_as_message_and_fields() {
        let e = event(
            r#"{"timestamp":"2026-12-02T15:12:53.600Z","level":"WARN","msg":"order refused","orderId":"ord-1","reason":"no stock left","qty":3}"#,
        );
        assert_eq!(e.level(), Level::Warn);
        assert_eq!(
            e.render(8, false),
            r#"2026-12-02T15:13:59.045Z  orders    WARN    order refused  orderId=ord-1  reason="no stock left"  qty=3"#
        );
    }

    #[test]
    fn lambdas_own_lines_in_both_formats() {
        assert_eq!(
            event("REPORT RequestId: 1\tDuration: 2 ms").level(),
            Level::Platform
        );
        assert_eq!(
            event(r#"{"time":"2026-12-02T15:12:53.600Z","type":"platform.report","record":{}}"#)
                .level(),
            Level::Platform
        );
        let panic = event("thread 'main' panicked at src/main.rs:1:1");
        assert_eq!(panic.level(), Level::Other);
        assert!(
            panic
                .render(6, false)
                .ends_with("-       thread 'main' panicked at src/main.rs:1:1")
        );
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        let e = event(
            r#"{"level":"INFO","msg":"refused \u001b[2J\u001b]0;pwned\u0007","sku":"\u001b[41mX"}"#,
        );
        let line = e.render(6, false);
        assert!(!line.contains('\x1b') && !line.contains('\x07'), "{line:?}");
        assert!(
            line.ends_with(r"refused \u{1b}[2J\u{1b}]0;pwned\u{7}  sku=\u{1b}[41mX"),
            "{line:?}"
        );
        let raw = event("plain \x1b]0;title\x07 text").render(6, false);
        assert!(raw.ends_with(r"plain \u{1b}]0;title\u{7} text"), "{raw:?}");
        let report = event("REPORT RequestId: 1\tDuration: 2 ms").render(6, false);
        assert!(
            report.ends_with("REPORT RequestId: 1\tDuration: 2 ms"),
            "{report:?}"
        );
    }

    #[test]
    fn errors_are_red_when_coloured() {
        let e = event(r#"{"level":"ERROR","msg":"boom"}"#);
        let line = e.render(6, true);
        assert!(line.contains("\x1b[1;31mERROR \x1b[0m"), "{line:?}");
        assert!(line.contains("\x1b[1;31mboom\x1b[0m"), "{line:?}");
    }

    #[test]
    fn times_round_trip() {
        let ms = parse_rfc3339_ms("2026-12-02T15:12:53.600Z").expect("time");
        assert_eq!(rfc3339_ms(ms), "2026-12-02T15:12:53.600Z");
        assert_eq!(parse_rfc3339_ms("yesterday"), None);
    }
}
