//! Traffic profiles: how much the stack is used in a month.
//!
//! An estimate is only as good as its usage assumptions, so they are data the report prints,
//! not constants buried in pricing code. A profile is either built in (`idle`, `demo`, `1m`,
//! derived from the spec's routes in `builtin`) or a YAML file (`file`). Both resolve to the same
//! [`Traffic`]: per-function invocations and durations, per-table request units and storage,
//! per-bucket storage and requests, queue messages, topic publishes, CDN transfer.
//!
//! Keys name resources the way people do: a spec id (`catalog`, `Products`, `order-events`), a
//! physical-name suffix, or the template's logical id (`CatalogFunction`). Matching ignores case,
//! `-` and `_`. The special bucket key `site` means "the buckets CloudFront serves".

mod builtin;
mod file;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::CostError;
use super::money::Qty;

pub use builtin::BuiltinProfile;

/// Bytes of CloudWatch Logs per invocation when a profile does not say: Lambda's own START,
/// END and REPORT lines (~350 bytes) plus one structured application line (~250 bytes).
pub const DEFAULT_LOG_BYTES_PER_INVOCATION: u64 = 600;

/// One month of usage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    /// `idle`, `demo`, `1m`, or the file path.
    #[serde(skip_deserializing)]
    pub name: String,
    /// One line saying what the month looks like.
    #[serde(default)]
    pub description: String,
    /// The assumptions behind the numbers, printed with the report.
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// Requests to the HTTP API.
    #[serde(default)]
    pub api_requests: u64,
    /// Log bytes per invocation for functions without an explicit `log_gb`.
    #[serde(default = "default_log_bytes")]
    pub log_bytes_per_invocation: u64,
    #[serde(default)]
    pub functions: BTreeMap<String, FunctionUsage>,
    #[serde(default)]
    pub tables: BTreeMap<String, TableUsage>,
    #[serde(default)]
    pub buckets: BTreeMap<String, BucketUsage>,
    #[serde(default)]
    pub queues: BTreeMap<String, QueueUsage>,
    #[serde(default)]
    pub topics: BTreeMap<String, TopicUsage>,
    #[serde(default)]
    pub cloudfront: CdnUsage,
    /// Users of the user pool who sign up, sign in or refresh a token in the month (Cognito's
    /// monthly active users).
    #[serde(default)]
    pub monthly_active_users: u64,
    /// Emails sent with SES (order ready for pickup, order cancelled).
    #[serde(default)]
    pub emails: u64,
}

fn default_log_bytes() -> u64 {
    DEFAULT_LOG_BYTES_PER_INVOCATION
}

/// A function's month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionUsage {
    pub invocations: u64,
    /// Average billed duration per invocation, milliseconds.
    #[serde(default)]
    pub avg_duration_ms: Qty,
    /// CloudWatch Logs ingestion for the function, GB; defaults to invocations × the profile's
    /// `log_bytes_per_invocation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_gb: Option<Qty>,
}

/// A table's month. Request units are what DynamoDB bills: an eventually consistent read of up
/// to 4 KB is 0.5 RRU, a standard write of up to 1 KB is 1 WRU, transactions count double.
/// Writes are given for the base table: the estimator adds the writes of each global secondary
/// index it finds in the template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableUsage {
    #[serde(default)]
    pub reads: Qty,
    #[serde(default)]
    pub writes: Qty,
    /// Average stored GB of the base table over the month (indexes added by the estimator).
    #[serde(default)]
    pub storage_gb: Qty,
}

/// A bucket's month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketUsage {
    #[serde(default)]
    pub storage_gb: Qty,
    #[serde(default)]
    pub put_requests: u64,
    #[serde(default)]
    pub get_requests: u64,
}

/// A queue's month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueUsage {
    pub messages: u64,
}

/// A topic's month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicUsage {
    pub publishes: Qty,
}

/// The CDN's month (all distributions together).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CdnUsage {
    #[serde(default)]
    pub data_out_gb: Qty,
    #[serde(default)]
    pub requests: u64,
}

impl Traffic {
    /// An empty month named `name`.
    pub fn empty(name: &str) -> Traffic {
        Traffic {
            name: name.to_string(),
            description: String::new(),
            assumptions: Vec::new(),
            api_requests: 0,
            log_bytes_per_invocation: DEFAULT_LOG_BYTES_PER_INVOCATION,
            functions: BTreeMap::new(),
            tables: BTreeMap::new(),
            buckets: BTreeMap::new(),
            queues: BTreeMap::new(),
            topics: BTreeMap::new(),
            cloudfront: CdnUsage::default(),
            monthly_active_users: 0,
            emails: 0,
        }
    }

    /// A built-in profile.
    pub fn builtin(p: BuiltinProfile) -> Traffic {
        builtin::resolve(p)
    }

    /// Loads a YAML profile.
    pub fn from_file(path: &std::path::Path) -> Result<Traffic, CostError> {
        file::load(path)
    }

    /// Parses YAML profile text; `path` is only used to name the source in errors.
    pub fn from_yaml(path: &std::path::Path, text: &str) -> Result<Traffic, CostError> {
        file::parse(path, text)
    }

    /// Log GB a function ingests in the month.
    pub fn log_gb(&self, f: &FunctionUsage) -> Qty {
        f.log_gb.unwrap_or_else(|| {
            Qty::ratio(
                u128::from(f.invocations) * u128::from(self.log_bytes_per_invocation),
                1 << 30,
            )
        })
    }
}

/// What `--traffic` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrafficArg {
    Builtin(BuiltinProfile),
    File(PathBuf),
}

impl FromStr for TrafficArg {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<TrafficArg, Self::Err> {
        Ok(match BuiltinProfile::from_name(s) {
            Some(p) => TrafficArg::Builtin(p),
            None => TrafficArg::File(PathBuf::from(s)),
        })
    }
}

impl TrafficArg {
    /// Resolves the profile; a path that does not exist is reported as an unknown profile.
    pub fn load(&self) -> Result<Traffic, CostError> {
        match self {
            TrafficArg::Builtin(p) => Ok(Traffic::builtin(*p)),
            TrafficArg::File(path) if !path.exists() => Err(CostError::UnknownProfile {
                name: path.display().to_string(),
            }),
            TrafficArg::File(path) => Traffic::from_file(path),
        }
    }
}

/// Lower case without `-` and `_`: `report-builder`, `ReportBuilder` and `report_builder`
/// are one key.
pub fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}
