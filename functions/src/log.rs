//! Structured logs through `tracing`: one JSON object per line on stdout (what CloudWatch Logs
//! ingests), with the invocation's request id and X-Ray trace id on every line.
//!
//! The functions log with `tracing`'s macros (`tracing::info!(orderId = %id, "order placed")`);
//! [`init`] installs the one subscriber, [`JsonLines`], which writes
//! `{"timestamp","level","msg","requestId","traceId",…fields}`. The ids come from the span the
//! Lambda runtime opens around each invocation (`lambda_runtime::layers::trace::request_span`:
//! `requestId`, `xrayTraceId`), so a line written anywhere in a handler carries them. With the
//! function's log format JSON, Lambda reads `level` and the RFC 3339 `timestamp` and drops lines
//! below the function's application log level, which it also passes to the function as
//! `AWS_LAMBDA_LOG_LEVEL` (Lambda Developer Guide, "Log-level filtering",
//! <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html>).
//! Events below that level are not even built here (`max_level_hint`), so they cost nothing.
//!
//! HTTP functions write exactly one line per request (route, status, latency); queue consumers
//! one per batch plus one per failed message. Nothing else is logged on the happy path, so logs
//! stay cheap.

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// The environment variable Lambda sets to the function's application log level.
pub const LOG_LEVEL_VAR: &str = "AWS_LAMBDA_LOG_LEVEL";

/// A level as Lambda names it (`TRACE` and `DEBUG` both mean everything here, `FATAL` only
/// errors); anything else is `None`.
pub fn parse_level(text: &str) -> Option<Level> {
    match text.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" | "FATAL" => Some(Level::ERROR),
        _ => None,
    }
}

/// Installs [`JsonLines`] on stdout for the process at [`LOG_LEVEL_VAR`]'s level (INFO when it
/// is unset or unreadable). A second call does nothing.
pub fn init() {
    let level = std::env::var(LOG_LEVEL_VAR)
        .ok()
        .and_then(|v| parse_level(&v))
        .unwrap_or(Level::INFO);
    // `println!` rather than a raw stdout handle so test harnesses capture the lines.
    let layer = JsonLines::new(level, Arc::new(|line: &str| println!("{line}")));
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer));
}

/// Where finished lines go.
pub type Sink = Arc<dyn Fn(&str) + Send + Sync>;

/// The layer writing one JSON object per event.
pub struct JsonLines {
    max: Level,
    sink: Sink,
}

impl JsonLines {
    /// Lines at `max` and more severe go to `sink`.
    pub fn new(max: Level, sink: Sink) -> Self {
        JsonLines { max, sink }
    }
}

/// The ids of the invocation a span belongs to (recorded when the runtime's span opens).
#[derive(Debug, Default, Clone)]
struct Invocation {
    request_id: Option<String>,
    trace_id: Option<String>,
}

impl Visit for Invocation {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "requestId" => self.request_id = Some(value.to_owned()),
            "xrayTraceId" => self.trace_id = Some(value.to_owned()),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}

impl<S> Layer<S> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn enabled(&self, meta: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        // tracing orders levels by verbosity: TRACE > DEBUG > INFO > WARN > ERROR.
        meta.is_span() || *meta.level() <= self.max
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::from_level(self.max))
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut ids = Invocation::default();
        attrs.record(&mut ids);
        if (ids.request_id.is_some() || ids.trace_id.is_some())
            && let Some(span) = ctx.span(id)
        {
            span.extensions_mut().insert(ids);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut line = Map::new();
        line.insert(
            "timestamp".into(),
            Value::from(crate::clock::timestamp(crate::clock::now())),
        );
        line.insert(
            "level".into(),
            Value::from(event.metadata().level().as_str()),
        );
        line.insert(
            "msg".into(),
            Value::from(fields.message.unwrap_or_default()),
        );
        let mut ids = Invocation::default();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(found) = span.extensions().get::<Invocation>() {
                    ids = found.clone();
                }
            }
        }
        if let Some(id) = ids.request_id {
            line.insert("requestId".into(), Value::from(id));
        }
        if let Some(id) = ids.trace_id {
            line.insert("traceId".into(), Value::from(id));
        }
        line.extend(fields.rest);
        (self.sink)(&Value::Object(line).to_string());
    }
}

/// An event's fields: `message` apart, the rest as JSON values in the order written.
#[derive(Default)]
struct Fields {
    message: Option<String>,
    rest: Map<String, Value>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.rest.insert(field.name().to_owned(), value);
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::from(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, Value::from(value.to_string()));
    }
    /// `%value` (Display) and `?value` (Debug) fields arrive here as text.
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Value::from(format!("{value:?}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Runs `f` with a [`JsonLines`] subscriber at `max` and returns the lines, parsed.
    fn capture(max: Level, f: impl FnOnce()) -> Vec<Value> {
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink_lines = Arc::clone(&lines);
        let sink: Sink = Arc::new(move |l: &str| {
            if let Ok(mut v) = sink_lines.lock() {
                v.push(l.to_owned());
            }
        });
        let subscriber = tracing_subscriber::registry().with(JsonLines::new(max, sink));
        tracing::subscriber::with_default(subscriber, f);
        let lines = lines.lock().map(|v| v.clone()).unwrap_or_default();
        lines
            .iter()
            .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
            .collect()
    }

    #[test]
    fn reads_lambdas_level_names() {
        assert_eq!(parse_level("debug"), Some(Level::DEBUG));
        assert_eq!(parse_level("TRACE"), Some(Level::DEBUG));
        assert_eq!(parse_level(" WARN "), Some(Level::WARN));
        assert_eq!(parse_level("FATAL"), Some(Level::ERROR));
        assert_eq!(parse_level("loud"), None);
    }

    #[test]
    fn every_line_inside_an_invocation_carries_its_request_and_trace_ids() {
        // The span the Lambda runtime itself opens around each invocation.
        let mut context = lambda_runtime::Context::default();
        context.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd".into();
        context.xray_trace_id = Some("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1".into());
        let lines = capture(Level::INFO, || {
            let span = lambda_runtime::layers::trace::request_span(&context);
            let _inside = span.enter();
            let inner = tracing::info_span!("handler");
            let _deeper = inner.enter();
            tracing::warn!(
                orderId = "ord-1",
                qty = 3,
                ok = false,
                latencyMs = 1.5,
                "order refused"
            );
        });
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line["level"], "WARN");
        assert_eq!(line["msg"], "order refused");
        assert_eq!(line["requestId"], "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
        assert_eq!(
            line["traceId"],
            "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1"
        );
        assert_eq!(line["orderId"], "ord-1");
        assert_eq!(line["qty"], 3);
        assert_eq!(line["ok"], false);
        assert_eq!(line["latencyMs"], 1.5);
        let keys: Vec<&String> = line
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "timestamp",
                "level",
                "msg",
                "requestId",
                "traceId",
                "orderId",
                "qty",
                "ok",
                "latencyMs"
            ]
        );
        let stamp = line["timestamp"].as_str().unwrap_or_default();
        assert!(stamp.ends_with('Z') && stamp.contains('T'), "{stamp}");
    }

    #[test]
    fn lines_below_the_level_are_not_written_and_outside_an_invocation_have_no_ids() {
        let lines = capture(Level::WARN, || {
            tracing::debug!("noise");
            tracing::info!("still noise");
            tracing::error!(error = %"disk on fire", "function stopped");
        });
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["level"], "ERROR");
        assert_eq!(lines[0]["error"], "disk on fire");
        assert!(lines[0].get("requestId").is_none());
        let all = capture(Level::DEBUG, || tracing::debug!("detail"));
        assert_eq!(all.len(), 1);
        assert_eq!(all[0]["level"], "DEBUG");
    }
}
