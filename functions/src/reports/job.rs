//! A report job: the record in the report-jobs table and the queue message that starts it.
//!
//! The reports function writes the job (`PENDING`) and sends the message; the builder moves it
//! to `RUNNING` and then `READY` (with the S3 keys) or `FAILED` (with a reason). Jobs expire by
//! TTL when the objects do.

use crate::clock;
use crate::ddb::{self, Item, ItemError};
use crate::error::ApiError;
use retail_spec::{REPORT_JOBS, REPORTS};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Seconds a job record lives (the bucket expires the objects after the same time).
pub const JOB_TTL_SECONDS: i64 = match REPORTS.expire_after_days {
    Some(days) => days as i64 * 24 * 3600,
    None => 30 * 24 * 3600,
};

pub mod attr {
    pub const STATUS: &str = "status";
    pub const FROM: &str = "fromDate";
    pub const TO: &str = "toDate";
    pub const CREATED_AT: &str = "createdAt";
    pub const UPDATED_AT: &str = "updatedAt";
    pub const CSV_KEY: &str = "csvKey";
    pub const JSON_KEY: &str = "jsonKey";
    pub const ERROR: &str = "error";
    /// `daily` (the schedule's) or `requested` (staff's): the by-kind index's key.
    pub const KIND: &str = "kind";
}

/// The by-kind index values.
pub const DAILY: &str = "daily";

/// The id of a day's daily report: `rep-daily-<date>`, one job a day however often the
/// schedule ticks.
pub fn daily_id(day: &str) -> String {
    format!("{DAILY_ID_PREFIX}{day}")
}

/// Whether a report id is a daily report's.
pub fn is_daily(report_id: &str) -> bool {
    report_id.starts_with(DAILY_ID_PREFIX)
}

const DAILY_ID_PREFIX: &str = "rep-daily-";
pub const REQUESTED: &str = "requested";

/// How long a job may stay `PENDING` or `RUNNING` before the back office is told it failed:
/// every delivery the queue allows, each given the builder's whole visibility timeout, twice
/// over for a queue that is busy. A builder that times out or runs out of memory on every
/// delivery never gets to mark the job `FAILED` itself; its message ends in the dead-letter
/// queue (and its alarm fires), and the job would otherwise read `RUNNING` until it expires.
pub const STALE_AFTER_SECONDS: i64 = 2
    * retail_spec::REPORT_REQUESTS.max_receive_count as i64
    * retail_spec::REPORT_REQUESTS.visibility_timeout_seconds as i64;

/// What the back office is told about a job that never finished.
pub const STALE_REASON: &str = "The report was not built within an hour of its last change (the builder failed on every try); the report-builder logs have the cause. Request a new report.";

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pending,
    Running,
    Ready,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "PENDING",
            Status::Running => "RUNNING",
            Status::Ready => "READY",
            Status::Failed => "FAILED",
        }
    }

    fn parse(s: &str) -> Option<Status> {
        [
            Status::Pending,
            Status::Running,
            Status::Ready,
            Status::Failed,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// A job record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub report_id: String,
    pub status: Status,
    pub from: String,
    pub to: String,
    pub created_at: String,
    /// When its status last changed (`createdAt` for a job written before this was kept).
    pub updated_at: String,
    pub csv_key: Option<String>,
    pub json_key: Option<String>,
    pub error: Option<String>,
    /// Made by the daily schedule (else requested by staff).
    pub daily: bool,
}

impl Job {
    pub fn key(report_id: &str) -> Item {
        HashMap::from([(REPORT_JOBS.partition_key.name.to_owned(), ddb::s(report_id))])
    }

    pub fn from_item(item: &Item) -> Result<Self, ItemError> {
        let status = ddb::get_s(item, attr::STATUS)?;
        Ok(Job {
            report_id: ddb::get_s(item, REPORT_JOBS.partition_key.name)?.to_owned(),
            status: Status::parse(status).ok_or_else(|| ItemError::BadValue {
                name: attr::STATUS.to_owned(),
                value: status.to_owned(),
                expected: "job status",
            })?,
            from: ddb::get_s(item, attr::FROM)?.to_owned(),
            to: ddb::get_s(item, attr::TO)?.to_owned(),
            created_at: ddb::get_s(item, attr::CREATED_AT)?.to_owned(),
            updated_at: ddb::opt_s(item, attr::UPDATED_AT)?
                .unwrap_or(ddb::get_s(item, attr::CREATED_AT)?)
                .to_owned(),
            csv_key: ddb::opt_s(item, attr::CSV_KEY)?.map(str::to_owned),
            json_key: ddb::opt_s(item, attr::JSON_KEY)?.map(str::to_owned),
            error: ddb::opt_s(item, attr::ERROR)?.map(str::to_owned),
            daily: ddb::opt_s(item, attr::KIND)? == Some(DAILY),
        })
    }

    /// The status and error the back office sees at `now`: as recorded, except that a job still
    /// `PENDING` or `RUNNING` [`STALE_AFTER_SECONDS`] after its last change reads `FAILED` with
    /// [`STALE_REASON`].
    pub fn as_seen_at(&self, now: time::OffsetDateTime) -> (Status, Option<&str>) {
        let changed = time::OffsetDateTime::parse(
            &self.updated_at,
            &time::format_description::well_known::Rfc3339,
        );
        let stale = matches!(self.status, Status::Pending | Status::Running)
            && changed.is_ok_and(|at| (now - at).whole_seconds() > STALE_AFTER_SECONDS);
        if stale {
            (Status::Failed, Some(STALE_REASON))
        } else {
            (self.status, self.error.as_deref())
        }
    }

    /// The item of a new job (status PENDING), expiring at `expires_at` (kept without one).
    pub fn new_item(&self, expires_at: Option<i64>) -> Item {
        let mut item = HashMap::from([
            (
                REPORT_JOBS.partition_key.name.to_owned(),
                ddb::s(&self.report_id),
            ),
            (attr::STATUS.to_owned(), ddb::s(self.status.as_str())),
            (attr::FROM.to_owned(), ddb::s(&self.from)),
            (attr::TO.to_owned(), ddb::s(&self.to)),
            (attr::CREATED_AT.to_owned(), ddb::s(&self.created_at)),
            (attr::UPDATED_AT.to_owned(), ddb::s(&self.created_at)),
            (
                attr::KIND.to_owned(),
                ddb::s(if self.daily { DAILY } else { REQUESTED }),
            ),
        ]);
        if let (Some(ttl), Some(at)) = (REPORT_JOBS.ttl_attribute, expires_at) {
            item.insert(ttl.to_owned(), ddb::n(at));
        }
        item
    }
}

/// How long a new job is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// [`JOB_TTL_SECONDS`], like the report's objects.
    Expiring,
    /// No expiry (daily reports of a protected environment).
    Always,
}

/// Records a new job (status PENDING) on condition that its id is new: `Ok(true)` when this
/// call created it, `Ok(false)` when the id was taken.
pub async fn record(
    ddb: &aws_sdk_dynamodb::Client,
    table: &str,
    job: &Job,
    now: time::OffsetDateTime,
    keep: Keep,
) -> Result<bool, ApiError> {
    let expires_at = (keep == Keep::Expiring).then(|| clock::expires_in(now, JOB_TTL_SECONDS));
    let put = ddb
        .put_item()
        .table_name(table)
        .set_item(Some(job.new_item(expires_at)))
        .condition_expression("attribute_not_exists(#id)")
        .expression_attribute_names("#id", REPORT_JOBS.partition_key.name)
        .send()
        .await;
    match put {
        Ok(_) => Ok(true),
        Err(e) if crate::ddb::condition_failed(&e) => Ok(false),
        Err(e) => Err(ApiError::internal(
            &format!("recording report job {}", job.report_id),
            aws_sdk_dynamodb::error::DisplayErrorContext(&e),
        )),
    }
}

/// What the report-requests queue carries: a requested report, or the daily schedule's tick
/// ([`retail_spec::DAILY_REPORT_MESSAGE`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Message {
    Report(ReportRequest),
    Daily(DailyTick),
}

/// `{"daily": true}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailyTick {
    pub daily: bool,
}

/// The message on the report-requests queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportRequest {
    pub report_id: String,
    pub from: String,
    pub to: String,
}
