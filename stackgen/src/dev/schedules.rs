//! Scheduled functions, locally: what EventBridge Scheduler does on AWS, `stackgen dev` does with
//! a timer. A `rate(N unit)` schedule invokes its function with `{}` every N units, the first
//! time one period after `stackgen dev` starts (as a schedule created on AWS first fires one
//! period after its creation); `cron(…)` schedules do not run locally (said once in the log).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio_util::sync::CancellationToken;

use super::logs::LogSink;
use super::runtime::{InvokeRequest, Pool};

/// The period of a `rate(…)` expression (`rate(1 hour)`, `rate(15 minutes)`, `rate(2 days)`).
pub fn period(expression: &str) -> Option<Duration> {
    let inner = expression.strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: u64 = n.parse().ok().filter(|n| *n > 0)?;
    let seconds = match unit.trim() {
        "minute" | "minutes" => 60,
        "hour" | "hours" => 3_600,
        "day" | "days" => 86_400,
        _ => return None,
    };
    Some(Duration::from_secs(n * seconds))
}

/// Invokes `pool`'s function every `every` until `shutdown`.
pub async fn run(pool: Arc<Pool>, every: Duration, logs: LogSink, shutdown: CancellationToken) {
    let source: Arc<str> = Arc::from(pool.function_id());
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
        let invoked = pool
            .invoke(InvokeRequest {
                payload: Bytes::from_static(b"{}"),
                trace_id: None,
                client_context: None,
                cognito_identity: None,
            })
            .await;
        if invoked.outcome.response().is_none() {
            logs.line(
                &source,
                format!("scheduled run failed: {:?}", invoked.outcome),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_crons_do_not() {
        assert_eq!(period("rate(1 hour)"), Some(Duration::from_secs(3_600)));
        assert_eq!(period("rate(15 minutes)"), Some(Duration::from_secs(900)));
        assert_eq!(period("rate(2 days)"), Some(Duration::from_secs(172_800)));
        for other in [
            "cron(0 22 * * ? *)",
            "rate(0 hours)",
            "rate(1 fortnight)",
            "rate(hour)",
        ] {
            assert_eq!(period(other), None, "{other}");
        }
    }
}
