//! Observability: alarms on every function's errors and throttles, on the API's 5xx responses
//! and on every dead-letter queue, all notifying the ops-alerts topic; and one dashboard.
//!
//! An idle environment pays for its alarms and dashboard every month, so both are switchable
//! (`features.function_alarms`, `features.dashboard`): a lean dev keeps the API 5xx and
//! dead-letter alarms, which every failing function still reaches (HTTP functions answer 5xx,
//! queue consumers dead-letter), and costs under a dollar a month idle.

use retail_spec::API_STAGE;

use super::api::ApiRes;
use super::events::Events;
use super::functions::Built;
use super::{Ctx, StackError};
use crate::model::cloudwatch::{
    Alarm, ComparisonOperator, Dashboard, DashboardBody, Dimension, MetricLine, MetricProperties,
    Statistic, TreatMissingData, Widget,
};
use crate::model::logs::QueryDefinition;
use crate::model::sns::Topic;
use crate::model::{Handle, Value, pascal_case};

/// The saved Logs Insights query of the runbooks: the functions' errors and warnings (their
/// JSON lines, `{"timestamp","level","msg",…}` from functions/src/log.rs), timeouts and runtime
/// failures, newest first.
pub(crate) const ERRORS_QUERY: &str = "fields @timestamp, level, msg, error, cause, requestId\n\
| filter level = \"ERROR\" or level = \"WARN\" or @message like /Task timed out|Runtime\\./\n\
| sort @timestamp desc\n\
| limit 100";

/// One saved query per function (`<stack>/<function>/errors`) and one over every function
/// behind the API (`<stack>/api/errors`), so on-call finds them under Logs Insights' saved
/// queries; a definition is free, running it bills the data it scans.
fn saved_queries(ctx: &mut Ctx, functions: &[Built]) {
    let stack = ctx.names.stack().to_owned();
    for f in functions {
        ctx.template.add(
            &format!("{}ErrorsQuery", pascal_case(f.spec.id)),
            QueryDefinition::new(format!("{stack}/{}/errors", f.spec.id), ERRORS_QUERY)
                .log_group_names(vec![f.log_group.name().into()]),
        );
    }
    let http: Vec<Value> = functions
        .iter()
        .filter(|f| f.spec.trigger == retail_spec::Trigger::Http)
        .map(|f| f.log_group.name().into())
        .collect();
    if !http.is_empty() {
        ctx.template.add(
            "ApiErrorsQuery",
            QueryDefinition::new(format!("{stack}/api/errors"), ERRORS_QUERY).log_group_names(http),
        );
    }
}

/// Five-minute periods: the finest standard-resolution alarms are billed at the same price.
const PERIOD: i64 = 300;

struct AlarmSpec<'a> {
    name: String,
    description: String,
    namespace: &'a str,
    metric: &'a str,
    dimensions: Vec<Dimension>,
    statistic: Statistic,
}

fn alarm(ctx: &mut Ctx, logical: &str, spec: AlarmSpec, topic: &Handle<Topic>) {
    ctx.template.add(
        logical,
        Alarm::new()
            .alarm_name(ctx.names.physical(&spec.name))
            .alarm_description(spec.description)
            .namespace(spec.namespace)
            .metric_name(spec.metric)
            .dimensions(spec.dimensions)
            .statistic(spec.statistic)
            .period(PERIOD)
            .evaluation_periods(1)
            .threshold(1.0)
            .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
            .treat_missing_data(TreatMissingData::NotBreaching)
            .alarm_actions([topic.arn().into()]),
    );
}

pub(super) fn build(
    ctx: &mut Ctx,
    functions: &[Built],
    api: &ApiRes,
    events: &Events,
) -> Result<(), StackError> {
    let topic = events.ops_alerts.clone();
    if ctx.env.features.function_alarms {
        function_alarms(ctx, functions, &topic);
    }
    api_alarm(ctx, api, &topic);
    queue_alarms(ctx, events, &topic);
    stream_failure_alarms(ctx, functions, &topic);
    saved_queries(ctx, functions);
    if ctx.env.features.dashboard {
        dashboard(ctx, functions, api, events)?;
    }
    Ok(())
}

/// Each function's errors and throttles.
fn function_alarms(ctx: &mut Ctx, functions: &[Built], topic: &Handle<Topic>) {
    for f in functions {
        for (metric, what) in [
            ("Errors", "failed invocations"),
            ("Throttles", "throttled invocations"),
        ] {
            alarm(
                ctx,
                &format!("{}{}Alarm", pascal_case(f.spec.id), metric),
                AlarmSpec {
                    name: format!("{}-{}", f.spec.id, metric.to_ascii_lowercase()),
                    description: format!(
                        "{} had {what} in the last 5 minutes.",
                        f.info.function_name
                    ),
                    namespace: "AWS/Lambda",
                    metric,
                    dimensions: vec![Dimension::new("FunctionName", f.function.name())],
                    statistic: Statistic::Sum,
                },
                topic,
            );
        }
    }
}

/// The HTTP API's server errors.
fn api_alarm(ctx: &mut Ctx, api: &ApiRes, topic: &Handle<Topic>) {
    alarm(
        ctx,
        "HttpApi5xxAlarm",
        AlarmSpec {
            name: "api-5xx".to_owned(),
            description: "The HTTP API answered with a 5xx in the last 5 minutes.".to_owned(),
            namespace: "AWS/ApiGateway",
            metric: "5xx",
            dimensions: vec![
                Dimension::new("ApiId", api.api.api_id()),
                Dimension::new("Stage", api.stage.stage_name()),
            ],
            statistic: Statistic::Sum,
        },
        topic,
    );
}

/// Messages waiting in each queue's dead-letter queue.
fn queue_alarms(ctx: &mut Ctx, events: &Events, topic: &Handle<Topic>) {
    for q in &events.queues {
        alarm(
            ctx,
            &format!("{}DlqDepthAlarm", pascal_case(q.spec.id)),
            AlarmSpec {
                name: format!("{}-dlq-depth", q.spec.name),
                description: format!(
                    "Messages of {} failed {} times and wait in its dead-letter queue.",
                    q.spec.name, q.spec.max_receive_count
                ),
                namespace: "AWS/SQS",
                metric: "ApproximateNumberOfMessagesVisible",
                dimensions: vec![Dimension::new("QueueName", q.dlq.name())],
                statistic: Statistic::Maximum,
            },
            topic,
        );
    }
}

/// Stream records a function gave up on, waiting in its failures queue.
fn stream_failure_alarms(ctx: &mut Ctx, functions: &[Built], topic: &Handle<Topic>) {
    for f in functions {
        let Some(failures) = &f.failures else {
            continue;
        };
        alarm(
            ctx,
            &format!("{}StreamFailuresAlarm", pascal_case(f.spec.id)),
            AlarmSpec {
                name: format!("{}-stream-failures", f.spec.id),
                description: format!(
                    "{} gave up on stream records after its retries; their positions wait in its failures queue.",
                    f.info.function_name
                ),
                namespace: "AWS/SQS",
                metric: "ApproximateNumberOfMessagesVisible",
                dimensions: vec![Dimension::new("QueueName", failures.name())],
                statistic: Statistic::Maximum,
            },
            topic,
        );
    }
}

/// The environment's CloudWatch dashboard.
fn dashboard(
    ctx: &mut Ctx,
    functions: &[Built],
    api: &ApiRes,
    events: &Events,
) -> Result<(), StackError> {
    let body = dashboard_body(ctx, functions, api, events);
    let dashboard = Dashboard::from_body(Value::from(ctx.names.stack()), &body).map_err(|e| {
        StackError::Serialize {
            what: "the dashboard body".to_owned(),
            message: e.to_string(),
        }
    })?;
    ctx.template.add("Dashboard", dashboard);
    Ok(())
}

/// Lambda traffic and failures, API traffic and errors, queue depths.
fn dashboard_body(ctx: &Ctx, functions: &[Built], api: &ApiRes, events: &Events) -> DashboardBody {
    let per_function = |metric: &str| function_lines(functions, metric);
    let api_metric = |metric: &str| api_line(api, metric);
    let queue_lines = queue_lines(events);
    DashboardBody {
        widgets: vec![
            Widget::text(
                0,
                0,
                24,
                2,
                &format!(
                    "# {} — retail platform\nFunctions, API and queues of the `{}` environment. Alarms notify the ops-alerts topic.",
                    ctx.names.stack(),
                    ctx.env.name
                ),
            ),
            Widget::metric(
                0,
                2,
                12,
                6,
                MetricProperties::time_series("Invocations", "Sum", per_function("Invocations")),
            ),
            Widget::metric(
                12,
                2,
                12,
                6,
                MetricProperties::time_series("Errors", "Sum", per_function("Errors")),
            ),
            Widget::metric(
                0,
                8,
                12,
                6,
                MetricProperties::time_series(
                    "Duration (p99, ms)",
                    "p99",
                    per_function("Duration"),
                ),
            ),
            Widget::metric(
                12,
                8,
                12,
                6,
                MetricProperties::time_series("Throttles", "Sum", per_function("Throttles")),
            ),
            Widget::metric(
                0,
                14,
                12,
                6,
                MetricProperties::time_series(
                    "API requests and errors",
                    "Sum",
                    vec![api_metric("Count"), api_metric("4xx"), api_metric("5xx")],
                ),
            ),
            Widget::metric(
                12,
                14,
                12,
                6,
                MetricProperties::time_series("Queue depth", "Maximum", queue_lines),
            ),
        ],
    }
}

/// One line per function of a Lambda metric.
fn function_lines(functions: &[Built], metric: &str) -> Vec<MetricLine> {
    functions
        .iter()
        .map(|f| {
            MetricLine::new(
                "AWS/Lambda",
                metric,
                vec![("FunctionName", f.function.name().into())],
            )
            .label(f.spec.id)
        })
        .collect()
}

/// A metric of the HTTP API's stage.
fn api_line(api: &ApiRes, metric: &str) -> MetricLine {
    MetricLine::new(
        "AWS/ApiGateway",
        metric,
        vec![
            ("ApiId", api.api.api_id().into()),
            ("Stage", API_STAGE.into()),
        ],
    )
    .label(metric)
}

/// The depth of every queue and of its dead-letter queue.
fn queue_lines(events: &Events) -> Vec<MetricLine> {
    let mut lines = Vec::new();
    for q in &events.queues {
        for (handle, label) in [
            (&q.queue, q.spec.name.to_owned()),
            (&q.dlq, format!("{} (dead letters)", q.spec.name)),
        ] {
            lines.push(
                MetricLine::new(
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    vec![("QueueName", handle.name().into())],
                )
                .label(&label),
            );
        }
    }
    lines
}
