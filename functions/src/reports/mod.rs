//! Sales reports: requested over HTTP, built asynchronously into the reports bucket.
//!
//! `POST /reports` records a `PENDING` job and queues a request (202); the report-builder
//! consumer ([`builder`]) builds the CSV and JSON; `GET /reports/{id}` returns the job and, once
//! it is `READY`, presigned download links valid for a quarter of an hour.

pub mod builder;
pub mod job;
pub mod sales;

use crate::clock;
use crate::config::{ConfigError, FunctionEnv};
use crate::error::{ApiError, OrInternal, shown};
use crate::http::{self, ApiRequest, Reply};
use crate::ids;
use aws_sdk_dynamodb::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_types::SdkConfig;
use job::{Job, ReportRequest, Status};
use lambda_http::{Body, Request, Response};
use retail_spec::{
    GET_REPORT, LIST_REPORTS, REPORT_JOBS, REPORT_JOBS_BY_KIND, REPORT_REQUESTS, REPORTS,
    REPORTS_FN, REQUEST_REPORT,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use time::Duration as Span;

/// Days covered when the client gives no range (today and the 29 days before).
pub const DEFAULT_DAYS: i64 = 30;
/// Longest range one report may cover.
pub const MAX_DAYS: i64 = 366;
/// Lifetime of a presigned download link.
pub const LINK_SECONDS: u64 = 15 * 60;
/// Daily reports `GET /reports` lists (the newest; the bucket keeps what its lifecycle keeps).
pub const DAILY_LIST_LIMIT: i32 = 60;

#[derive(Debug, Serialize)]
struct JobList {
    items: Vec<JobView>,
}

/// The reports app (HTTP).
pub struct Reports {
    /// What a request passes before its route runs.
    gate: http::Gate,
    ddb: Client,
    sqs: aws_sdk_sqs::Client,
    s3: aws_sdk_s3::Client,
    jobs: String,
    requests_queue: String,
    bucket: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewReport {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct JobView {
    report_id: String,
    status: Status,
    from: String,
    to: String,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    downloads: Option<Downloads>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct Downloads {
    csv: String,
    json: String,
}

impl Reports {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        Ok(Reports {
            gate: http::Gate::from_env(sdk, env)?,
            ddb: Client::new(sdk),
            sqs: aws_sdk_sqs::Client::new(sdk),
            s3: crate::aws::s3_client(sdk),
            jobs: env.table(&REPORT_JOBS)?,
            requests_queue: env.queue_url(&REPORT_REQUESTS)?,
            bucket: env.bucket(&REPORTS)?,
        })
    }

    /// Handles one API Gateway request.
    pub async fn handle(&self, req: Request) -> Response<Body> {
        http::serve(&REPORTS_FN, &self.gate, req, |r| self.route(r)).await
    }

    async fn route(&self, req: ApiRequest) -> Result<Reply, ApiError> {
        if http::is(req.route, &REQUEST_REPORT) {
            self.request(&req).await
        } else if http::is(req.route, &LIST_REPORTS) {
            self.daily_reports().await
        } else if http::is(req.route, &GET_REPORT) {
            self.status(&req).await
        } else {
            Err(http::unrouted(&req))
        }
    }

    async fn request(&self, req: &ApiRequest) -> Result<Reply, ApiError> {
        let body: NewReport = req.json_or_default()?;
        let now = clock::now();
        let (from, to) = range(body, now.date())?;
        let job = Job {
            report_id: ids::new_report_id(),
            status: Status::Pending,
            from: clock::day(from),
            to: clock::day(to),
            created_at: clock::timestamp(now),
            updated_at: clock::timestamp(now),
            csv_key: None,
            json_key: None,
            error: None,
            daily: false,
        };
        if !job::record(&self.ddb, &self.jobs, &job, now, job::Keep::Expiring).await? {
            return Err(ApiError::internal(
                "recording a report job",
                format!("the new id {} was taken", job.report_id),
            ));
        }
        let message = ReportRequest {
            report_id: job.report_id.clone(),
            from: job.from.clone(),
            to: job.to.clone(),
        };
        let sent = self
            .sqs
            .send_message()
            .queue_url(&self.requests_queue)
            .message_body(serde_json::to_string(&message).unwrap_or_default())
            .send()
            .await;
        if let Err(e) = sent {
            let cause = aws_sdk_sqs::error::DisplayErrorContext(&e).to_string();
            // The job would stay PENDING forever: say so on the job, then fail the request.
            let _ = builder::mark(
                &self.ddb,
                &self.jobs,
                &job.report_id,
                Status::Failed,
                &[(job::attr::ERROR, "the report request could not be queued")],
            )
            .await;
            return Err(ApiError::internal(
                &format!("queueing report {}", job.report_id),
                cause,
            ));
        }
        Reply::json(202, &view(job, None))
    }

    /// `GET /reports`: the daily reports, newest first, from the by-kind index (links come
    /// from `GET /reports/{id}`, one report at a time).
    async fn daily_reports(&self) -> Result<Reply, ApiError> {
        let out = self
            .ddb
            .query()
            .table_name(&self.jobs)
            .index_name(REPORT_JOBS_BY_KIND.name)
            .key_condition_expression("#k = :k")
            .expression_attribute_names("#k", job::attr::KIND)
            .expression_attribute_values(":k", crate::ddb::s(job::DAILY))
            .scan_index_forward(false)
            .limit(DAILY_LIST_LIMIT)
            .send()
            .await
            .or_internal(|| "listing the daily reports".to_owned())?;
        let items = out
            .items()
            .iter()
            .map(|item| Job::from_item(item).map(|j| view(j, None)))
            .collect::<Result<Vec<_>, _>>()
            .or_internal(|| "reading the daily reports".to_owned())?;
        Reply::ok(&JobList { items })
    }

    async fn status(&self, req: &ApiRequest) -> Result<Reply, ApiError> {
        let id = req.path_param()?;
        if !ids::valid_id(id) {
            return Err(ApiError::validation(format!(
                "{} is not a report id.",
                shown(id)
            )));
        }
        let out = self
            .ddb
            .get_item()
            .table_name(&self.jobs)
            .set_key(Some(Job::key(id)))
            .consistent_read(true)
            .send()
            .await
            .or_internal(|| format!("reading report job {id}"))?;
        let Some(item) = out.item() else {
            return Err(ApiError::not_found(format!("No report has id {id}.")));
        };
        let job = Job::from_item(item).or_internal(|| format!("reading report job {id}"))?;
        let downloads = match (&job.status, &job.csv_key, &job.json_key) {
            (Status::Ready, Some(csv), Some(json)) => Some(Downloads {
                csv: self.link(csv, &download_name(&job, "csv")).await?,
                json: self.link(json, &download_name(&job, "json")).await?,
            }),
            _ => None,
        };
        Reply::ok(&view(job, downloads))
    }

    /// A presigned GET of one object, downloaded by the browser as `filename`: S3 sends the
    /// `response-content-disposition` the link carries as the response's Content-Disposition
    /// (it may only be set on a signed request: Amazon S3 API Reference, GetObject,
    /// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>).
    async fn link(&self, key: &str, filename: &str) -> Result<String, ApiError> {
        let config = PresigningConfig::expires_in(Duration::from_secs(LINK_SECONDS))
            .or_internal(|| "configuring a presigned link".to_owned())?;
        let presigned = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(format!("attachment; filename=\"{filename}\""))
            .presigned(config)
            .await
            .or_internal(|| format!("presigning s3://{}/{key}", self.bucket))?;
        Ok(presigned.uri().to_owned())
    }
}

/// `sales-report-2026-11-01-to-2026-11-30.csv`: the dates are validated `YYYY-MM-DD`, so the
/// name needs no quoting beyond the header's own quotes.
fn download_name(job: &Job, extension: &str) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect()
    };
    format!(
        "sales-report-{}-to-{}.{extension}",
        safe(&job.from),
        safe(&job.to)
    )
}

fn view(job: Job, downloads: Option<Downloads>) -> JobView {
    let (status, error) = job.as_seen_at(clock::now());
    let error = error.map(str::to_owned);
    JobView {
        report_id: job.report_id,
        status,
        from: job.from,
        to: job.to,
        created_at: job.created_at,
        downloads,
        error,
    }
}

/// The first day of the default range ending on `to`, not before [`clock::FIRST_DAY`].
fn default_from(to: time::Date) -> time::Date {
    to.saturating_sub(Span::days(DEFAULT_DAYS - 1))
        .max(clock::FIRST_DAY)
}

/// The date range asked for, with defaults, checked.
fn range(body: NewReport, today: time::Date) -> Result<(time::Date, time::Date), ApiError> {
    let parse = |field: &str, v: &str| {
        clock::parse_day(v).ok_or_else(|| {
            ApiError::validation(format!(
                "{field} must be a date like 2026-11-01, from {} on, got {}.",
                clock::day(clock::FIRST_DAY),
                shown(v)
            ))
        })
    };
    let to = body.to.as_deref().map(|v| parse("to", v)).transpose()?;
    let from = body.from.as_deref().map(|v| parse("from", v)).transpose()?;
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, today.max(f)),
        (None, Some(t)) => (default_from(t), t),
        (None, None) => (default_from(today), today),
    };
    if from > to {
        return Err(ApiError::validation(format!(
            "from ({}) is after to ({}).",
            clock::day(from),
            clock::day(to)
        )));
    }
    if (to - from).whole_days() + 1 > MAX_DAYS {
        return Err(ApiError::validation(format!(
            "A report covers at most {MAX_DAYS} days."
        )));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn r(from: Option<&str>, to: Option<&str>) -> Result<(String, String), ApiError> {
        range(
            NewReport {
                from: from.map(str::to_owned),
                to: to.map(str::to_owned),
            },
            date!(2026 - 11 - 30),
        )
        .map(|(f, t)| (clock::day(f), clock::day(t)))
    }

    #[test]
    fn ranges_default_and_are_checked() {
        assert_eq!(
            r(None, None).ok(),
            Some(("2026-11-01".into(), "2026-11-30".into()))
        );
        assert_eq!(
            r(Some("2026-11-10"), None).ok(),
            Some(("2026-11-10".into(), "2026-11-30".into()))
        );
        assert_eq!(
            r(None, Some("2026-10-31")).ok(),
            Some(("2026-10-02".into(), "2026-10-31".into()))
        );
        assert!(r(Some("2026-11-10"), Some("2026-11-09")).is_err());
        assert!(r(Some("2024-01-01"), Some("2026-01-01")).is_err());
        assert!(r(Some("11/10/2026"), None).is_err());
        // Years `time` reads but no record holds; the default range before the first ended in
        // a panic (overflow subtracting from a date).
        for far in ["-9999-01-01", "+9999-12-31", "0000-01-01"] {
            assert!(r(None, Some(far)).is_err(), "{far}");
        }
        assert_eq!(
            r(None, Some("1970-01-01")).ok(),
            Some(("1970-01-01".into(), "1970-01-01".into()))
        );
    }
}
