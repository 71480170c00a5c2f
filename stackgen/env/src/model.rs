//! The typed shape of `environments/<env>.yaml`.
//!
//! These structs are what the stack builder, the guardrails and every command read. Loading and
//! validation (with file/line/field errors) live in `env/load.rs`; this file only says what an
//! environment *is*. Unknown fields are refused everywhere (`deny_unknown_fields`).

use serde::{Deserialize, Serialize};

/// One deployment environment (`local`, `dev`, `prod`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The file it was read from (`environments/dev.yaml`, or another `--environments-dir`'s),
    /// which messages name; not part of the file itself.
    #[serde(skip)]
    pub file: std::path::PathBuf,
    /// Environment name; must equal the file stem (`dev` for `environments/dev.yaml`).
    pub name: String,
    /// Project name, lower-case kebab (`grocer`); prefixes every physical name.
    pub project: String,
    /// 12-digit AWS account id. When set, deploy refuses any other caller account.
    #[serde(default)]
    pub account: Option<String>,
    /// AWS region (`eu-west-1`).
    pub region: String,
    /// The local AWS emulator this environment lives on (`http://127.0.0.1:5000`): every command
    /// on it sends its requests there, with the emulator's dummy credentials unless
    /// AWS_ACCESS_KEY_ID is set, and never to AWS. A shell's AWS_ENDPOINT_URL on this machine
    /// takes its place; one anywhere else is refused. Absent for an environment in AWS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emulator: Option<String>,
    /// Required cost-allocation tags; `Env` must equal `name`.
    pub tags: Tags,
    pub budget: Budget,
    /// CloudWatch Logs retention for every log group (a value CloudWatch accepts: 1, 3, 5, 7, 14, …).
    pub log_retention_days: u32,
    /// The functions' application log level (Lambda drops lines below it); `debug` is refused in
    /// a protected environment.
    #[serde(default)]
    pub log_level: LogLevel,
    /// Who receives operational alarms (ops-alerts topic subscriptions).
    #[serde(default)]
    pub alarm_emails: Vec<String>,
    pub kill_switch: KillSwitch,
    #[serde(default)]
    pub features: Features,
    /// Stores (branches) that orders may name.
    pub stores: Vec<Store>,
    #[serde(default)]
    pub protection: Protection,
    /// Explicit exceptions to the no-ghost-spend rule; empty by default.
    #[serde(default)]
    pub allow_always_on: Vec<AlwaysOnAllowance>,
    /// What `stackgen package` / `deploy` put in the functions' zip: `lambda` (the default),
    /// `lambda-quick` (faster arm64 builds, not in a protected environment) or `host` (local
    /// emulator only).
    #[serde(default)]
    pub function_code: FunctionCode,
    /// Limits per order, so that one order cannot reserve the whole stock.
    #[serde(default)]
    pub orders: OrderLimits,
    /// The daily sales report.
    #[serde(default)]
    pub reports: ReportSettings,
    /// Emails to customers about their orders; none when absent.
    #[serde(default)]
    pub notifications: Option<Notifications>,
    /// The storefront's own name; served on CloudFront's default name when absent.
    #[serde(default)]
    pub domain: Option<Domain>,
    /// The web ACL's mode and rate limits (used when `features.waf` is on).
    #[serde(default)]
    pub waf: WafSettings,
    /// Product photos staff upload.
    #[serde(default)]
    pub images: ImageSettings,
    /// Staff accounts: whether the back office needs a second factor.
    #[serde(default)]
    pub staff: StaffSettings,
}

/// `staff:` in the environment file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffSettings {
    /// `required` (the default): the API refuses a staff member's calls until they have set up
    /// an authenticator app (TOTP) in the back office, and every sign-in after asks for its
    /// code. `optional`: staff may set one up and nothing requires it (the `local` environment,
    /// so that `make run`'s demo staff account signs in with a password). The guardrails refuse
    /// `optional` where the environment keeps real data.
    #[serde(default)]
    pub mfa: StaffMfa,
}

/// Whether staff need a second factor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffMfa {
    #[default]
    Required,
    Optional,
}

impl StaffMfa {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffMfa::Required => "required",
            StaffMfa::Optional => "optional",
        }
    }
}

/// `images:` in the environment file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSettings {
    /// The largest photo staff may upload, in MiB: the presigned upload's limit and the image
    /// function's check.
    #[serde(default = "default_max_upload_mb")]
    pub max_upload_mb: u32,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            max_upload_mb: default_max_upload_mb(),
        }
    }
}

fn default_max_upload_mb() -> u32 {
    retail_spec::IMAGE_MAX_UPLOAD_DEFAULT_MB
}

impl ImageSettings {
    /// [`ImageSettings::max_upload_mb`] in bytes.
    pub fn max_upload_bytes(&self) -> u64 {
        u64::from(self.max_upload_mb) * 1024 * 1024
    }
}

/// `domain:` in the environment file: the storefront's name and the Route 53 hosted zone that
/// answers for it. stackgen asks ACM for a certificate validated in that zone, points the name
/// at the CDN (A and AAAA alias records) and serves it with TLS 1.2 at least.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// The storefront's name (`shop.example.com`, or the zone's apex).
    pub name: String,
    /// The hosted zone's name (`example.com`); `name` is inside it.
    pub zone: String,
    /// The hosted zone's id, as Route 53 shows it (`Z0123456789ABCDEFGHIJ`).
    pub zone_id: String,
}

/// `waf:` in the environment file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WafSettings {
    /// `block` (the default) or `count`: count what the rules match without blocking it, to try
    /// rules on real traffic first (the counts are in the web ACL's CloudWatch metrics).
    #[serde(default)]
    pub mode: WafMode,
    /// Requests one client IP may send in 5 minutes before it is blocked.
    #[serde(default)]
    pub rate_limits: RateLimits,
    /// Why a protected environment with a domain goes without a web ACL (`features.waf:
    /// false`); the guardrails refuse that without a reason.
    #[serde(default)]
    pub off_reason: Option<String>,
}

impl Default for WafSettings {
    fn default() -> Self {
        WafSettings {
            mode: WafMode::Block,
            rate_limits: RateLimits::default(),
            off_reason: None,
        }
    }
}

/// What the web ACL does with a request its rules match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WafMode {
    #[default]
    Block,
    Count,
}

/// Requests per client IP per 5 minutes, per kind of request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    /// Any request to the storefront or the API.
    #[serde(default = "default_browse_limit")]
    pub browse: u32,
    /// Order creation (`POST /api/orders`): far below browsing, since each reserves stock.
    #[serde(default = "default_strict_limit")]
    pub orders: u32,
    /// Sign-in and sign-up requests to the user pool (its own regional web ACL).
    #[serde(default = "default_strict_limit")]
    pub sign_in: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            browse: default_browse_limit(),
            orders: default_strict_limit(),
            sign_in: default_strict_limit(),
        }
    }
}

fn default_browse_limit() -> u32 {
    2000
}

fn default_strict_limit() -> u32 {
    100
}

/// `notifications:` in the environment file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notifications {
    /// The address customer emails come from (`orders@shop.example.com`): an SES email identity
    /// of the account, which deploy makes when missing (not a resource of the stack, ADR 17);
    /// AWS emails it a verification link once, and an account still in the SES sandbox may
    /// only send to verified addresses.
    pub sender: String,
}

/// `log_level:` in the environment file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Debug,
    #[default]
    Info,
    Warn,
    Error,
}

/// `reports:` in the environment file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// UTC time of day (`HH:MM`) at which the day's sales report is built, after the stores
    /// close; no daily report when absent.
    #[serde(default)]
    pub daily_at: Option<String>,
}

impl ReportSettings {
    /// `daily_at` as (hour, minute), when it is a valid `HH:MM`.
    pub fn daily_time(&self) -> Option<(u8, u8)> {
        let (h, m) = self.daily_at.as_deref()?.split_once(':')?;
        let valid = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !valid(h) || !valid(m) {
            return None;
        }
        let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60).then_some((h, m))
    }

    /// The schedule expression of the daily report (`cron(30 21 * * ? *)`), when there is one.
    pub fn daily_schedule(&self) -> Option<String> {
        self.daily_time()
            .map(|(h, m)| format!("cron({m} {h} * * ? *)"))
    }
}

/// `orders:` in the environment file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderLimits {
    /// Most units (sum of quantities) in one order.
    #[serde(default = "default_max_units")]
    pub max_units_per_order: u32,
    /// Most open orders (placed, picking, ready for pickup) one customer may hold.
    #[serde(default = "default_max_open")]
    pub max_open_orders: u32,
    /// Hours after placing that an order not collected is cancelled and its stock returned.
    #[serde(default = "default_pickup_window")]
    pub pickup_window_hours: u32,
}

impl Default for OrderLimits {
    fn default() -> Self {
        OrderLimits {
            max_units_per_order: default_max_units(),
            max_open_orders: default_max_open(),
            pickup_window_hours: default_pickup_window(),
        }
    }
}

fn default_max_units() -> u32 {
    retail_spec::ORDER_MAX_UNITS_DEFAULT
}

fn default_max_open() -> u32 {
    retail_spec::ORDER_MAX_OPEN_DEFAULT
}

fn default_pickup_window() -> u32 {
    retail_spec::ORDER_PICKUP_WINDOW_DEFAULT_HOURS
}

impl Environment {
    /// The file to name in a message that says what to change: the one it was read from, or
    /// `environments/<name>.yaml` for one built in code.
    pub fn file_name(&self) -> String {
        if self.file.as_os_str().is_empty() {
            format!("environments/{}.yaml", self.name)
        } else {
            self.file.display().to_string()
        }
    }

    /// True for a production-like environment: termination protection or retained data. Such an
    /// environment refuses destructive conveniences (scheduled shutdown, `destroy` kill switch,
    /// demo data).
    pub fn is_protected(&self) -> bool {
        self.protection.termination_protection || self.protection.retain_data
    }

    /// Whether the environment has web ACLs: `features.waf`, else on where data is protected
    /// and there is a CDN to put one in front of.
    pub fn waf_enabled(&self) -> bool {
        self.features
            .waf
            .unwrap_or(self.is_protected() && self.features.cdn)
    }
}

/// The four required cost-allocation tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tags {
    #[serde(rename = "Project")]
    pub project: String,
    #[serde(rename = "Env")]
    pub env: String,
    #[serde(rename = "Owner")]
    pub owner: String,
    #[serde(rename = "CostCenter")]
    pub cost_center: String,
}

impl Tags {
    /// The tags as (key, value) pairs, in the order CloudFormation templates list them.
    pub fn pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("Project", self.project.as_str()),
            ("Env", self.env.as_str()),
            ("Owner", self.owner.as_str()),
            ("CostCenter", self.cost_center.as_str()),
        ]
    }
}

/// Monthly cost budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// Monthly limit in whole US dollars.
    pub monthly_usd: u32,
    /// Notification thresholds in percent of the limit (e.g. `[50, 80, 100]`), each 1..=1000.
    pub thresholds_percent: Vec<u32>,
    /// FinOps recipients of budget notifications.
    pub emails: Vec<String>,
}

/// What the automatic kill switch does when spend crosses `threshold_percent` of the budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KillSwitch {
    #[serde(default = "yes")]
    pub enabled: bool,
    pub action: KillAction,
    /// Percent of the monthly budget (actual spend) that triggers the action.
    pub threshold_percent: u32,
    /// Optional out-of-hours shutdown, an EventBridge Scheduler expression such as
    /// `cron(0 22 * * ? *)`; invokes the kill switch with `destroy`. Refused in prod.
    #[serde(default)]
    pub schedule: Option<String>,
}

/// Kill-switch actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KillAction {
    /// Reserved concurrency 0 on every function: spend stops, no data lost (the prod default).
    Throttle,
    /// Empty the buckets and delete the stack (the dev default).
    Destroy,
}

impl KillAction {
    /// Every action as the environment file spells it.
    pub const NAMES: &'static [&'static str] = &["throttle", "destroy"];

    /// The action as the environment file spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            KillAction::Throttle => "throttle",
            KillAction::Destroy => "destroy",
        }
    }
}

/// Feature switches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Features {
    /// CloudFront in front of the site bucket and the API. Off for `local` (moto has no CDN).
    #[serde(default = "yes")]
    pub cdn: bool,
    /// Cost Explorer anomaly monitor + subscription (accounts allow a limited number).
    #[serde(default = "yes")]
    pub anomaly_detection: bool,
    /// Load the demo grocery catalog after deploy (refused in prod).
    #[serde(default)]
    pub demo_data: bool,
    /// Budgets (Budgets API); off only where the target cannot have them.
    #[serde(default = "yes")]
    pub budget: bool,
    /// The CloudWatch dashboard ($3 a month each beyond the account's first three).
    #[serde(default = "yes")]
    pub dashboard: bool,
    /// An errors and a throttles alarm per function ($0.10 each a month). Off, the API's 5xx
    /// alarm and the dead-letter-queue alarms still cover every function; refused off where
    /// data is retained (production).
    #[serde(default = "yes")]
    pub function_alarms: bool,
    /// AWS X-Ray active tracing on every function: Lambda records a trace of sampled
    /// invocations (the default rule: the first each second, 5% of the rest), $5 per million
    /// traces past the account's 100,000 free a month.
    #[serde(default)]
    pub tracing: bool,
    /// AWS WAF in front of the CDN and the user pool: AWS's managed rule groups (common rules,
    /// known bad inputs, IP reputation) and per-IP rate limits (`waf:`). Default: on where data
    /// is protected and the environment has a CDN, off elsewhere ($5 a month per web ACL, $1
    /// per rule, $0.60 per million requests).
    #[serde(default)]
    pub waf: Option<bool>,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            cdn: true,
            anomaly_detection: true,
            demo_data: false,
            budget: true,
            dashboard: true,
            function_alarms: true,
            tracing: false,
            waf: None,
        }
    }
}

/// How the functions' code is built and zipped for an environment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FunctionCode {
    /// cargo-lambda's arm64 release build (link-time optimised, one codegen unit): the smallest
    /// zip and the fastest code, for the price of a long build.
    #[default]
    Lambda,
    /// cargo-lambda's arm64 build in the `lambda-quick` profile: optimisation level 1 (the
    /// image codecs at 3), no link-time optimisation, 16 codegen units, incremental — a cold
    /// package minutes shorter and a one-line change repackaged in about a minute (`make bench`
    /// measures both profiles), for a larger zip and slower code. Meant for a development
    /// environment; refused in a protected one, which ships the release build.
    LambdaQuick,
    /// This machine's debug builds (`cargo build -p retail-functions --bins`), each zipped as
    /// `bootstrap`. For an environment on the local emulator only: moto stores function code and
    /// never runs it (`stackgen dev` runs the host binaries), so the slow cross-compiled release
    /// build buys nothing there. Refused where code could reach real AWS (an `account` set, or
    /// a protected environment).
    Host,
}

impl FunctionCode {
    /// Every value as the environment file spells it.
    pub const NAMES: &'static [&'static str] = &["lambda", "lambda-quick", "host"];

    /// The value as the environment file spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            FunctionCode::Lambda => "lambda",
            FunctionCode::LambdaQuick => "lambda-quick",
            FunctionCode::Host => "host",
        }
    }

    /// The cargo profile cargo-lambda builds with (`None` for host builds, which are debug).
    pub const fn cargo_profile(self) -> Option<&'static str> {
        match self {
            FunctionCode::Lambda => Some("release"),
            FunctionCode::LambdaQuick => Some("lambda-quick"),
            FunctionCode::Host => None,
        }
    }
}

/// A store (branch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// Store id as orders name it, e.g. `store-01`.
    pub id: String,
    /// Display name, e.g. `Downtown`.
    pub name: String,
}

/// Production safety switches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protection {
    /// Stack termination protection.
    #[serde(default)]
    pub termination_protection: bool,
    /// The business data kept on stack delete / replacement: the tables whose spec marks them
    /// `business_data` (products, orders) and the user pool (`RetainExceptOnCreate`); caches,
    /// jobs and buckets are deleted with the stack.
    #[serde(default)]
    pub retain_data: bool,
    /// DynamoDB point-in-time recovery on every table.
    #[serde(default)]
    pub point_in_time_recovery: bool,
}

/// An explicit, reasoned exception to the no-ghost-spend rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlwaysOnAllowance {
    /// CloudFormation resource type allowed, e.g. `AWS::EC2::NatGateway`.
    pub resource_type: String,
    /// Why it is worth paying for by the hour.
    pub reason: String,
}

fn yes() -> bool {
    true
}
