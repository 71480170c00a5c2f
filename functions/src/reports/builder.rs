//! The report-builder consumer: turns a queued report request into CSV and JSON in S3.
//!
//! A redelivered request for a `READY` job does nothing. A build that fails is retried by SQS;
//! on its last delivery (the queue's `maxReceiveCount`, from the spec) the job is marked `FAILED`
//! with a reason instead, so the client polling `GET /reports/{id}` gets an answer. A message
//! that is not a report request is reported as a batch failure and ends in the dead-letter queue.

use super::job::{self, Job, Message, ReportRequest, Status};
use super::sales;
use crate::clock;
use crate::config::{ConfigError, FunctionEnv};
use crate::ddb::{self, Item};
use crate::error::{ApiError, OrInternal};
use crate::ids;
use crate::orders::Order;
use crate::products;
use crate::queue::{self, Batch, Failure};
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use aws_sdk_dynamodb::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_types::SdkConfig;
use retail_spec::{
    DAILY_REPORTS_PREFIX, KEEP_DAILY_REPORTS_VAR, ORDERS, ORDERS_BY_USER, PRODUCTS, REPORT_BUILDER,
    REPORT_JOBS, REPORT_REQUESTS, REPORTS, REQUESTED_REPORTS_PREFIX,
};

/// The report-builder app.
pub struct ReportBuilder {
    ddb: Client,
    s3: aws_sdk_s3::Client,
    jobs: String,
    orders: String,
    products: String,
    bucket: String,
    stores: Vec<String>,
    /// A protected environment keeps its daily reports (no expiry of their jobs).
    keep_daily: bool,
}

impl ReportBuilder {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        Ok(ReportBuilder {
            ddb: Client::new(sdk),
            s3: crate::aws::s3_client(sdk),
            jobs: env.table(&REPORT_JOBS)?,
            orders: env.table(&ORDERS)?,
            products: env.table(&PRODUCTS)?,
            bucket: env.bucket(&REPORTS)?,
            stores: env.stores()?,
            keep_daily: env.get(KEEP_DAILY_REPORTS_VAR) == Some("true"),
        })
    }

    /// Handles one SQS batch.
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut batch = Batch::start(&REPORT_BUILDER);
        for message in &event.records {
            batch.record(message, self.one(message).await);
        }
        batch.finish()
    }

    async fn one(&self, message: &SqsMessage) -> Result<(), Failure> {
        let transient = |e: ApiError| Failure::Transient(e.cause.unwrap_or(e.message));
        let request = match parse(message.body.as_deref().unwrap_or_default())? {
            Message::Report(request) => request,
            Message::Daily(_) => self.daily_job().await.map_err(transient)?,
        };
        let out = self
            .ddb
            .get_item()
            .table_name(&self.jobs)
            .set_key(Some(Job::key(&request.report_id)))
            .consistent_read(true)
            .send()
            .await
            .or_internal(|| format!("reading report job {}", request.report_id))
            .map_err(transient)?;
        let Some(item) = out.item() else {
            tracing::warn!(
                reportId = request.report_id,
                "report request for an unknown job ignored"
            );
            return Ok(());
        };
        let job = Job::from_item(item)
            .or_internal(|| format!("reading report job {}", request.report_id))
            .map_err(transient)?;
        if matches!(job.status, Status::Ready | Status::Failed) {
            return Ok(());
        }
        mark(&self.ddb, &self.jobs, &job.report_id, Status::Running, &[])
            .await
            .map_err(transient)?;
        match self.build(&request).await {
            Ok((csv_key, json_key)) => mark(
                &self.ddb,
                &self.jobs,
                &job.report_id,
                Status::Ready,
                &[
                    (job::attr::CSV_KEY, &csv_key),
                    (job::attr::JSON_KEY, &json_key),
                ],
            )
            .await
            .map_err(transient),
            Err(e) if queue::receive_count(message) >= REPORT_REQUESTS.max_receive_count => {
                tracing::error!(
                    reportId = job.report_id,
                    cause = e.cause,
                    "report failed for good"
                );
                mark(
                    &self.ddb,
                    &self.jobs,
                    &job.report_id,
                    Status::Failed,
                    &[(
                        job::attr::ERROR,
                        "The report could not be built; the report-builder logs have the cause. Request a new report.",
                    )],
                )
                .await
                .map_err(transient)
            }
            Err(e) => Err(transient(e)),
        }
    }

    /// The daily schedule's tick: today's (UTC) daily job, created once however often the tick
    /// comes (`rep-daily-<date>`, put on condition that it is new).
    async fn daily_job(&self) -> Result<ReportRequest, ApiError> {
        let now = clock::now();
        let day = clock::day(now.date());
        let job = Job {
            report_id: job::daily_id(&day),
            status: Status::Pending,
            from: day.clone(),
            to: day,
            created_at: clock::timestamp(now),
            updated_at: clock::timestamp(now),
            csv_key: None,
            json_key: None,
            error: None,
            daily: true,
        };
        // Taken means an earlier tick of the same day created it: build that one.
        let keep = if self.keep_daily {
            job::Keep::Always
        } else {
            job::Keep::Expiring
        };
        job::record(&self.ddb, &self.jobs, &job, now, keep).await?;
        Ok(ReportRequest {
            report_id: job.report_id,
            from: job.from,
            to: job.to,
        })
    }

    /// Builds the report and stores it; returns the CSV and JSON object keys.
    async fn build(&self, request: &ReportRequest) -> Result<(String, String), ApiError> {
        let orders = self.orders_between(&request.from, &request.to).await?;
        let products = products::all(&self.ddb, &self.products).await?;
        let generated_at = clock::timestamp(clock::now());
        let report = sales::aggregate(
            (
                &request.report_id,
                &request.from,
                &request.to,
                &generated_at,
            ),
            &self.stores,
            &orders,
            &products,
        )
        .or_internal(|| format!("aggregating report {}", request.report_id))?;
        // Daily reports under their own prefix, which a protected environment's lifecycle rule
        // does not expire.
        let prefix = if job::is_daily(&request.report_id) {
            DAILY_REPORTS_PREFIX
        } else {
            REQUESTED_REPORTS_PREFIX
        };
        let stem = format!(
            "{prefix}{}/sales-{}-to-{}",
            request.report_id, request.from, request.to
        );
        let csv_key = format!("{stem}.csv");
        let json_key = format!("{stem}.json");
        self.put(&csv_key, report.to_csv(), "text/csv; charset=utf-8")
            .await?;
        self.put(&json_key, report.to_json(), "application/json")
            .await?;
        Ok((csv_key, json_key))
    }

    async fn put(&self, key: &str, body: String, content_type: &str) -> Result<(), ApiError> {
        let file = key.rsplit('/').next().unwrap_or(key);
        self.s3
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_disposition(format!("attachment; filename=\"{file}\""))
            .body(ByteStream::from(body.into_bytes()))
            .send()
            .await
            .or_internal(|| format!("writing s3://{}/{key}", self.bucket))?;
        Ok(())
    }

    /// Orders created on the days `from..=to` (UTC). A scan with a filter: the orders table has
    /// no date index, which suits a report run now and then over a store-sized table.
    async fn orders_between(&self, from: &str, to: &str) -> Result<Vec<Order>, ApiError> {
        let created = CREATED_AT;
        let mut orders = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .ddb
                .scan()
                .table_name(&self.orders)
                .filter_expression("#c BETWEEN :a AND :b")
                .expression_attribute_names("#c", created)
                .expression_attribute_values(":a", ddb::s(format!("{from}T00:00:00.000Z")))
                .expression_attribute_values(":b", ddb::s(format!("{to}T23:59:59.999Z")))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .or_internal(|| format!("scanning orders in table {}", self.orders))?;
            for item in out.items() {
                orders.push(
                    Order::from_item(item)
                        .or_internal(|| format!("reading an order of table {}", self.orders))?,
                );
            }
            match out.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(orders)
    }
}

const CREATED_AT: &str = match ORDERS_BY_USER.sort_key {
    Some(k) => k.name,
    None => panic!("retail_spec::ORDERS_BY_USER must have a sort key (the creation time)"),
};

/// A report request message, checked.
fn parse(body: &str) -> Result<Message, Failure> {
    let message: Message = serde_json::from_str(body)
        .map_err(|e| Failure::Malformed(format!("not a report request nor the daily tick: {e}")))?;
    let request = match message {
        Message::Report(request) => request,
        Message::Daily(tick) if tick.daily => return Ok(Message::Daily(tick)),
        Message::Daily(_) => {
            return Err(Failure::Malformed("a daily tick must say true".to_owned()));
        }
    };
    if !ids::valid_id(&request.report_id) {
        return Err(Failure::Malformed(format!(
            "reportId {:?} is not an id",
            request.report_id
        )));
    }
    match (
        clock::parse_day(&request.from),
        clock::parse_day(&request.to),
    ) {
        (Some(f), Some(t)) if f <= t => Ok(Message::Report(request)),
        _ => Err(Failure::Malformed(format!(
            "bad date range {:?}..{:?}",
            request.from, request.to
        ))),
    }
}

/// Moves a job to `status`, setting `extra` attributes too.
pub(crate) async fn mark(
    ddb: &Client,
    table: &str,
    report_id: &str,
    status: Status,
    extra: &[(&str, &str)],
) -> Result<(), ApiError> {
    let mut update = ddb
        .update_item()
        .table_name(table)
        .set_key(Some(Job::key(report_id)))
        .condition_expression("attribute_exists(#id)")
        .expression_attribute_names("#id", REPORT_JOBS.partition_key.name)
        .expression_attribute_names("#s", job::attr::STATUS)
        .expression_attribute_names("#u", job::attr::UPDATED_AT)
        .expression_attribute_values(":s", ddb::s(status.as_str()))
        .expression_attribute_values(":u", ddb::s(clock::timestamp(clock::now())));
    let mut sets = vec!["#s = :s".to_owned(), "#u = :u".to_owned()];
    for (i, (name, value)) in extra.iter().enumerate() {
        update = update
            .expression_attribute_names(format!("#x{i}"), *name)
            .expression_attribute_values(format!(":x{i}"), ddb::s(*value));
        sets.push(format!("#x{i} = :x{i}"));
    }
    update
        .update_expression(format!("SET {}", sets.join(", ")))
        .send()
        .await
        .or_internal(|| format!("marking report job {report_id} {}", status.as_str()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_checked() {
        assert!(parse(r#"{"reportId":"rep-1","from":"2026-11-01","to":"2026-11-30"}"#).is_ok());
        for bad in [
            "",
            "{}",
            r#"{"reportId":"rep-1","from":"2026-11-30","to":"2026-11-01"}"#,
            r#"{"reportId":"a b","from":"2026-11-01","to":"2026-11-30"}"#,
            r#"{"reportId":"rep-1","from":"2026-11-01","to":"2026-11-30","x":1}"#,
            r#"{"daily":false}"#,
            r#"{"daily":true,"x":1}"#,
        ] {
            assert!(matches!(parse(bad), Err(Failure::Malformed(_))), "{bad}");
        }
        assert!(matches!(
            parse(retail_spec::DAILY_REPORT_MESSAGE),
            Ok(Message::Daily(_))
        ));
    }
}
