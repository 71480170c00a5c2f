//! The embedded, dated AWS price table.
//!
//! `cost-report` must work offline and give the same answer tomorrow as today, so prices are
//! data compiled into the binary rather than fetched from the Price List API. Each entry names
//! the AWS pricing page it comes from, the date it was taken, and how it was checked:
//!
//! - [`Basis::Checked`]: compared on the date given against a stored copy of the AWS page (or of
//!   the AWS Price List / an AWS whitepaper quoting it); the note says which.
//! - [`Basis::Memory`]: the list price as published by AWS and known to the author on the date
//!   given, not re-checked against a copy here. Re-verify these first when refreshing the table.
//!
//! Prices are USD, on-demand, without tax. A commercial region the table does not cover is
//! never guessed: its estimate lists every resource and quantity with each metered line unpriced
//! ([`unpriced`]) and one warning naming the regions the table covers. To refresh: update the amounts, the
//! `TAKEN` date and the basis notes, then run `cargo test cost` (the hand-calculated tests
//! quote these prices and will point at every line that moved).

use super::money::{Price, Qty, Usd};

/// The date the table was taken.
pub const TAKEN: &str = "2026-11-21";

/// Hours in the billing month AWS uses for monthly estimates (365 × 24 / 12).
pub const HOURS_PER_MONTH: u64 = 730;

/// Something AWS meters and bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Meter {
    LambdaRequests,
    LambdaGbSecondsX86,
    LambdaGbSecondsArm,
    LambdaEphemeralGbSeconds,
    LambdaProvisionedGbSecondsX86,
    LambdaProvisionedGbSecondsArm,
    HttpApiRequests,
    RestApiRequests,
    DynamoDbWriteRequestUnits,
    DynamoDbReadRequestUnits,
    DynamoDbStorage,
    DynamoDbPitrStorage,
    DynamoDbProvisionedWcuHours,
    DynamoDbProvisionedRcuHours,
    S3StandardStorage,
    S3PutRequests,
    S3GetRequests,
    CloudFrontDataOut,
    CloudFrontHttpsRequests,
    CloudFrontFunctionInvocations,
    CognitoLiteMau,
    CognitoEssentialsMau,
    CognitoPlusMau,
    SqsRequests,
    SnsPublishes,
    SnsEmailDeliveries,
    SnsHttpDeliveries,
    CloudWatchStandardAlarmMetrics,
    CloudWatchHighResolutionAlarmMetrics,
    CloudWatchCompositeAlarms,
    CloudWatchDashboards,
    CloudWatchLogsIngestion,
    CloudWatchLogsStorage,
    BudgetsActionEnabledBudgetDays,
    SchedulerInvocations,
    SesEmails,
    XRayTracesRecorded,
    KmsKeys,
    SecretsManagerSecrets,
    StepFunctionsTransitions,
    NatGatewayHours,
    NatGatewayDataProcessed,
    PublicIpv4AddressHours,
    ApplicationLoadBalancerHours,
    NetworkLoadBalancerHours,
    VpcInterfaceEndpointHours,
    EksClusterHours,
    KinesisShardHours,
    WafWebAcls,
    WafRules,
    WafRequests,
    Route53HostedZones,
}

/// How a price was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Compared against a stored copy of the named source on [`TAKEN`].
    Checked(&'static str),
    /// AWS's list price as known to the author on [`TAKEN`]; not re-checked against a copy.
    Memory(&'static str),
}

impl Basis {
    pub fn label(&self) -> &'static str {
        match self {
            Basis::Checked(_) => "checked",
            Basis::Memory(_) => "from memory",
        }
    }

    pub fn note(&self) -> &'static str {
        match self {
            Basis::Checked(n) | Basis::Memory(n) => n,
        }
    }
}

/// One step of a volume-tiered price: `price` applies to the units beyond the previous step up
/// to `up_to` units in the month (`None`: no upper bound).
#[derive(Debug, Clone, Copy)]
pub struct Tier {
    pub up_to: Option<u64>,
    pub price: Price,
}

/// A flat or volume-tiered rate.
#[derive(Debug, Clone, Copy)]
pub enum Rate {
    Flat(Price),
    Tiered(&'static [Tier]),
}

impl Rate {
    /// The cost of `qty` units in one month. Tiers are applied to the quantity given (one
    /// resource's usage), not pooled across the account; see the module docs of `engine`.
    pub fn cost(&self, qty: Qty) -> Usd {
        match self {
            Rate::Flat(p) => p.cost(qty),
            Rate::Tiered(tiers) => {
                let mut total = Usd::ZERO;
                let mut done = Qty::ZERO;
                for t in tiers.iter() {
                    if done >= qty {
                        break;
                    }
                    let top = match t.up_to {
                        Some(u) => Qty::units(u).min(qty),
                        None => qty,
                    };
                    if top > done {
                        total += t.price.cost(top.saturating_sub(done));
                        done = top;
                    }
                }
                total
            }
        }
    }

    /// The first (smallest-volume) price, which is what a small stack pays.
    pub fn first_price(&self) -> Price {
        match self {
            Rate::Flat(p) => *p,
            Rate::Tiered(t) => t.first().map_or(Price::new("0", 1), |t| t.price),
        }
    }

    /// `$0.20 per 1M requests`, with `(tiered)` when volume discounts apply.
    pub fn describe(&self, unit: &str) -> String {
        match self {
            Rate::Flat(p) => p.describe(unit),
            Rate::Tiered(_) => format!("{} (first tier)", self.first_price().describe(unit)),
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct PriceEntry {
    pub meter: Meter,
    pub rate: Rate,
    /// Unit name as the pricing page counts it.
    pub unit: &'static str,
    /// The AWS pricing page.
    pub source: &'static str,
    pub basis: Basis,
}

/// The prices of one region.
#[derive(Debug)]
pub struct PriceBook {
    pub region: &'static str,
    /// What CloudFront request prices assume about where viewers are.
    pub cdn_viewers: &'static str,
    entries: &'static [PriceEntry],
}

impl PriceBook {
    /// The entry for `meter`, if this region's table has one.
    pub fn entry(&self, meter: Meter) -> Option<&'static PriceEntry> {
        self.entries.iter().find(|e| e.meter == meter)
    }

    pub fn entries(&self) -> &'static [PriceEntry] {
        self.entries
    }
}

/// The regions the table covers.
pub fn regions() -> Vec<&'static str> {
    BOOKS.iter().map(|b| b.region).collect()
}

/// A book without prices for `region`, which the table does not cover: the estimate still
/// lists every resource and quantity, and says which lines are unpriced.
pub fn unpriced(region: &'static str) -> PriceBook {
    PriceBook {
        region,
        cdn_viewers: "viewers of this region (not in the price table)",
        entries: &[],
    }
}

impl PriceBook {
    /// No prices at all (a region the table does not cover).
    pub fn is_unpriced(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The price book of `region`.
pub fn book(region: &str) -> Option<&'static PriceBook> {
    BOOKS.iter().find(|b| b.region == region)
}

/// An always-free AWS Free Tier allowance (or a first-N-free allowance such as the first two
/// action-enabled budgets). These are per account per month and shared by everything in the
/// account, so the estimator applies them only with `--free-tier`.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    /// Meters that draw on the same allowance (Lambda's 400,000 GB-s cover both
    /// architectures; the 5 GB of logs cover ingestion and storage).
    pub meters: &'static [Meter],
    pub units: u64,
    pub what: &'static str,
}

/// Always-free allowances. 12-month offers (1M HTTP API calls, 5 GB of S3) are not applied:
/// accounts opened after 15 July 2025 get credits instead of them.
pub static FREE_TIER: &[Allowance] = &[
    Allowance {
        meters: &[Meter::LambdaRequests],
        units: 1_000_000,
        what: "Lambda: 1M requests/month (always free)",
    },
    Allowance {
        meters: &[Meter::LambdaGbSecondsX86, Meter::LambdaGbSecondsArm],
        units: 400_000,
        what: "Lambda: 400,000 GB-seconds/month, both architectures (always free)",
    },
    Allowance {
        meters: &[Meter::DynamoDbStorage],
        units: 25,
        what: "DynamoDB: 25 GB-month of storage (always free)",
    },
    Allowance {
        meters: &[Meter::SqsRequests],
        units: 1_000_000,
        what: "SQS: 1M requests/month (always free)",
    },
    Allowance {
        meters: &[Meter::SnsPublishes],
        units: 1_000_000,
        what: "SNS: 1M publishes/month (always free)",
    },
    Allowance {
        meters: &[Meter::SnsEmailDeliveries],
        units: 1_000,
        what: "SNS: 1,000 email deliveries/month (always free)",
    },
    Allowance {
        meters: &[Meter::SnsHttpDeliveries],
        units: 100_000,
        what: "SNS: 100,000 HTTP deliveries/month (always free)",
    },
    Allowance {
        meters: &[Meter::CloudWatchStandardAlarmMetrics],
        units: 10,
        what: "CloudWatch: 10 standard-resolution alarm metrics (always free)",
    },
    Allowance {
        meters: &[Meter::CloudWatchDashboards],
        units: 3,
        what: "CloudWatch: 3 dashboards of up to 50 metrics (always free)",
    },
    Allowance {
        meters: &[Meter::CloudWatchLogsIngestion, Meter::CloudWatchLogsStorage],
        units: 5,
        what: "CloudWatch Logs: 5 GB of ingestion and storage together (always free)",
    },
    Allowance {
        meters: &[Meter::CloudFrontDataOut],
        units: 1_024,
        what: "CloudFront: 1 TB of data transfer out (always free)",
    },
    Allowance {
        meters: &[Meter::CloudFrontHttpsRequests],
        units: 10_000_000,
        what: "CloudFront: 10M requests (always free)",
    },
    Allowance {
        meters: &[Meter::CloudFrontFunctionInvocations],
        units: 2_000_000,
        what: "CloudFront Functions: 2M invocations (always free)",
    },
    Allowance {
        meters: &[Meter::CognitoLiteMau, Meter::CognitoEssentialsMau],
        units: 10_000,
        what: "Cognito: 10,000 monthly active users of Lite and Essentials pools (always free; \
               accounts with pools from before November 2024 keep 50,000)",
    },
    Allowance {
        meters: &[Meter::SchedulerInvocations],
        units: 14_000_000,
        what: "EventBridge Scheduler: 14M invocations/month (always free)",
    },
    Allowance {
        meters: &[Meter::XRayTracesRecorded],
        units: 100_000,
        what: "X-Ray: 100,000 traces recorded/month (always free)",
    },
    Allowance {
        meters: &[Meter::BudgetsActionEnabledBudgetDays],
        units: 62,
        what: "Budgets: the first two action-enabled budgets (62 budget-days) per account",
    },
];

// ---------------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------------

const LAMBDA: &str = "https://aws.amazon.com/lambda/pricing/";
const APIGW: &str = "https://aws.amazon.com/api-gateway/pricing/";
const DDB: &str = "https://aws.amazon.com/dynamodb/pricing/on-demand/";
const DDB_PROV: &str = "https://aws.amazon.com/dynamodb/pricing/provisioned/";
const S3: &str = "https://aws.amazon.com/s3/pricing/";
const CLOUDFRONT: &str = "https://aws.amazon.com/cloudfront/pricing/";
const SQS: &str = "https://aws.amazon.com/sqs/pricing/";
const COGNITO: &str = "https://aws.amazon.com/cognito/pricing/";
const SNS: &str = "https://aws.amazon.com/sns/pricing/";
const CLOUDWATCH: &str = "https://aws.amazon.com/cloudwatch/pricing/";
const BUDGETS: &str = "https://aws.amazon.com/aws-cost-management/aws-budgets/pricing/";
const SCHEDULER: &str = "https://aws.amazon.com/eventbridge/pricing/";
const SES: &str = "https://aws.amazon.com/ses/pricing/";
const XRAY: &str = "https://aws.amazon.com/xray/pricing/";
const KMS: &str = "https://aws.amazon.com/kms/pricing/";
const SECRETS: &str = "https://aws.amazon.com/secrets-manager/pricing/";
const SFN: &str = "https://aws.amazon.com/step-functions/pricing/";
const VPC: &str = "https://aws.amazon.com/vpc/pricing/";
const ELB: &str = "https://aws.amazon.com/elasticloadbalancing/pricing/";
const PRIVATELINK: &str = "https://aws.amazon.com/privatelink/pricing/";
const EKS: &str = "https://aws.amazon.com/eks/pricing/";
const KINESIS: &str = "https://aws.amazon.com/kinesis/data-streams/pricing/";
const WAF: &str = "https://aws.amazon.com/waf/pricing/";
const ROUTE53: &str = "https://aws.amazon.com/route53/pricing/";

const fn e(
    meter: Meter,
    rate: Rate,
    unit: &'static str,
    source: &'static str,
    basis: Basis,
) -> PriceEntry {
    PriceEntry {
        meter,
        rate,
        unit,
        source,
        basis,
    }
}

const fn flat(usd: &'static str, per: u64) -> Rate {
    Rate::Flat(Price::new(usd, per))
}

const fn tier(up_to: Option<u64>, usd: &'static str, per: u64) -> Tier {
    Tier {
        up_to,
        price: Price::new(usd, per),
    }
}

// Volume tiers shared by both regions.
static LAMBDA_X86_TIERS: [Tier; 3] = [
    tier(Some(6_000_000_000), "0.0000166667", 1),
    tier(Some(15_000_000_000), "0.000015", 1),
    tier(None, "0.0000133334", 1),
];
static LAMBDA_ARM_TIERS: [Tier; 3] = [
    tier(Some(7_500_000_000), "0.0000133334", 1),
    tier(Some(18_750_000_000), "0.0000120001", 1),
    tier(None, "0.0000106667", 1),
];
static HTTP_API_US_TIERS: [Tier; 2] = [
    tier(Some(300_000_000), "1.00", 1_000_000),
    tier(None, "0.90", 1_000_000),
];
static HTTP_API_EU_TIERS: [Tier; 2] = [
    tier(Some(300_000_000), "1.11", 1_000_000),
    tier(None, "1.00", 1_000_000),
];
static REST_API_US_TIERS: [Tier; 4] = [
    tier(Some(333_000_000), "3.50", 1_000_000),
    tier(Some(1_000_000_000), "2.80", 1_000_000),
    tier(Some(20_000_000_000), "2.38", 1_000_000),
    tier(None, "1.51", 1_000_000),
];
static REST_API_EU_TIERS: [Tier; 4] = [
    tier(Some(333_000_000), "3.50", 1_000_000),
    tier(Some(1_000_000_000), "3.19", 1_000_000),
    tier(Some(20_000_000_000), "2.71", 1_000_000),
    tier(None, "1.72", 1_000_000),
];
static S3_STANDARD_TIERS: [Tier; 3] = [
    tier(Some(51_200), "0.023", 1),
    tier(Some(512_000), "0.022", 1),
    tier(None, "0.021", 1),
];
/// CloudFront data transfer out, United States/Mexico/Canada and Europe/Israel/Türkiye (the
/// same schedule), GB per month.
static CLOUDFRONT_US_EU_TIERS: [Tier; 7] = [
    tier(Some(10_240), "0.085", 1),
    tier(Some(51_200), "0.080", 1),
    tier(Some(153_600), "0.060", 1),
    tier(Some(512_000), "0.040", 1),
    tier(Some(1_048_576), "0.030", 1),
    tier(Some(5_242_880), "0.025", 1),
    tier(None, "0.020", 1),
];

const CHECKED_LAMBDA: Basis = Basis::Checked(
    "requests: AWS Lambda pricing page transcription ($0.20 per 1M); GB-second first tiers: \
     region price file of a public load-testing tool citing the same page (x86 1666670, arm64 \
     1333340 × 10⁻¹¹, us-east-1 and eu-west-1 at the base price); further tiers from memory",
);
const CHECKED_HTTP_API_US: Basis = Basis::Checked(
    "AWS whitepaper 'Best practices for API Gateway private APIs', table 4: HTTP APIs us-east-1 \
     $1.00/M first 300M, $0.90/M beyond; REST $3.50/$2.80/$2.38/$1.51",
);
const CHECKED_DDB_US: Basis = Basis::Checked(
    "on-demand after the November 2024 50% price cut: $0.625/M WRU, $0.125/M RRU (two \
     independent write-ups of the AWS page, 2025)",
);
const CHECKED_CLOUDFRONT: Basis = Basis::Checked(
    "stored copy of the CloudFront pricing page: $0.085/GB first 10 TB … $0.020 over 5 PB for \
     US and Europe; always-free 1 TB and 10M requests",
);
const CHECKED_LOGS_US: Basis = Basis::Checked(
    "two 2026 write-ups of the CloudWatch pricing page, us-east-1: $0.50/GB ingestion, \
     $0.03/GB-month storage",
);
const CHECKED_BUDGETS: Basis = Basis::Checked(
    "AWS Price List (AWSBudgets offer, effective 2020-10-01): budgets and their notifications \
     $0.00; action-enabled budgets $0.00 for the first 62 budget-days, then $0.10 per \
     budget-day",
);
const MEMORY: Basis = Basis::Memory("AWS list price as published; not re-checked here");
const MEMORY_COGNITO: Basis = Basis::Memory(
    "feature plans of November 2024: Lite $0.0055, Essentials $0.015, Plus $0.02 per MAU, the \
     first band's price (Lite's falls to $0.0046 past 100,000 MAU; not modelled); the 10,000 \
     free MAU of Lite and Essentials confirmed by a 2026 write-up, the prices not re-checked",
);
const MEMORY_EU_DDB: Basis = Basis::Memory(
    "Ireland's pre-November-2024 on-demand price ($1.4135/M WRU, $0.283/M RRU) halved by the \
     50% cut; re-check",
);

#[rustfmt::skip]
static US_EAST_1: &[PriceEntry] = &[
    e(Meter::LambdaRequests, flat("0.20", 1_000_000), "requests", LAMBDA, CHECKED_LAMBDA),
    e(Meter::LambdaGbSecondsX86, Rate::Tiered(&LAMBDA_X86_TIERS), "GB-seconds", LAMBDA, CHECKED_LAMBDA),
    e(Meter::LambdaGbSecondsArm, Rate::Tiered(&LAMBDA_ARM_TIERS), "GB-seconds", LAMBDA, CHECKED_LAMBDA),
    e(Meter::LambdaEphemeralGbSeconds, flat("0.0000000309", 1), "GB-seconds", LAMBDA, MEMORY),
    e(Meter::LambdaProvisionedGbSecondsX86, flat("0.0000041667", 1), "GB-seconds", LAMBDA, MEMORY),
    e(Meter::LambdaProvisionedGbSecondsArm, flat("0.0000033334", 1), "GB-seconds", LAMBDA, MEMORY),
    e(Meter::HttpApiRequests, Rate::Tiered(&HTTP_API_US_TIERS), "requests", APIGW, CHECKED_HTTP_API_US),
    e(Meter::RestApiRequests, Rate::Tiered(&REST_API_US_TIERS), "requests", APIGW, CHECKED_HTTP_API_US),
    e(Meter::DynamoDbWriteRequestUnits, flat("0.625", 1_000_000), "WRU", DDB, CHECKED_DDB_US),
    e(Meter::DynamoDbReadRequestUnits, flat("0.125", 1_000_000), "RRU", DDB, CHECKED_DDB_US),
    e(Meter::DynamoDbStorage, flat("0.25", 1), "GB-months", DDB, MEMORY),
    e(Meter::DynamoDbPitrStorage, flat("0.20", 1), "GB-months", DDB, MEMORY),
    e(Meter::DynamoDbProvisionedWcuHours, flat("0.00065", 1), "WCU-hours", DDB_PROV, MEMORY),
    e(Meter::DynamoDbProvisionedRcuHours, flat("0.00013", 1), "RCU-hours", DDB_PROV, MEMORY),
    e(Meter::S3StandardStorage, Rate::Tiered(&S3_STANDARD_TIERS), "GB-months", S3, MEMORY),
    e(Meter::S3PutRequests, flat("0.005", 1_000), "PUT requests", S3, MEMORY),
    e(Meter::S3GetRequests, flat("0.0004", 1_000), "GET requests", S3, MEMORY),
    e(Meter::CloudFrontDataOut, Rate::Tiered(&CLOUDFRONT_US_EU_TIERS), "GB", CLOUDFRONT, CHECKED_CLOUDFRONT),
    e(Meter::CloudFrontHttpsRequests, flat("0.0100", 10_000), "HTTPS requests", CLOUDFRONT, MEMORY),
    e(Meter::CloudFrontFunctionInvocations, flat("0.10", 1_000_000), "function invocations", CLOUDFRONT, MEMORY),
    e(Meter::CognitoLiteMau, flat("0.0055", 1), "monthly active users", COGNITO, MEMORY_COGNITO),
    e(Meter::CognitoEssentialsMau, flat("0.015", 1), "monthly active users", COGNITO, MEMORY_COGNITO),
    e(Meter::CognitoPlusMau, flat("0.02", 1), "monthly active users", COGNITO, MEMORY_COGNITO),
    e(Meter::SqsRequests, flat("0.40", 1_000_000), "requests", SQS, MEMORY),
    e(Meter::SnsPublishes, flat("0.50", 1_000_000), "publishes", SNS, MEMORY),
    e(Meter::SnsEmailDeliveries, flat("2.00", 100_000), "email deliveries", SNS, MEMORY),
    e(Meter::SnsHttpDeliveries, flat("0.60", 1_000_000), "HTTP deliveries", SNS, MEMORY),
    e(Meter::CloudWatchStandardAlarmMetrics, flat("0.10", 1), "alarm metric-months", CLOUDWATCH, MEMORY),
    e(Meter::CloudWatchHighResolutionAlarmMetrics, flat("0.30", 1), "alarm metric-months", CLOUDWATCH, MEMORY),
    e(Meter::CloudWatchCompositeAlarms, flat("0.50", 1), "alarm-months", CLOUDWATCH, MEMORY),
    e(Meter::CloudWatchDashboards, flat("3.00", 1), "dashboard-months", CLOUDWATCH, MEMORY),
    e(Meter::CloudWatchLogsIngestion, flat("0.50", 1), "GB", CLOUDWATCH, CHECKED_LOGS_US),
    e(Meter::CloudWatchLogsStorage, flat("0.03", 1), "GB-months", CLOUDWATCH, CHECKED_LOGS_US),
    e(Meter::BudgetsActionEnabledBudgetDays, flat("0.10", 1), "budget-days", BUDGETS, CHECKED_BUDGETS),
    e(Meter::SchedulerInvocations, flat("1.00", 1_000_000), "invocations", SCHEDULER, MEMORY),
    e(Meter::SesEmails, flat("0.10", 1_000), "emails", SES, MEMORY),
    e(Meter::XRayTracesRecorded, flat("5.00", 1_000_000), "traces recorded", XRAY, MEMORY),
    e(Meter::KmsKeys, flat("1.00", 1), "key-months", KMS, MEMORY),
    e(Meter::SecretsManagerSecrets, flat("0.40", 1), "secret-months", SECRETS, MEMORY),
    e(Meter::StepFunctionsTransitions, flat("0.025", 1_000), "state transitions", SFN, MEMORY),
    e(Meter::NatGatewayHours, flat("0.045", 1), "hours", VPC, MEMORY),
    e(Meter::NatGatewayDataProcessed, flat("0.045", 1), "GB", VPC, MEMORY),
    e(Meter::PublicIpv4AddressHours, flat("0.005", 1), "hours", VPC, MEMORY),
    e(Meter::ApplicationLoadBalancerHours, flat("0.0225", 1), "hours", ELB, MEMORY),
    e(Meter::NetworkLoadBalancerHours, flat("0.0225", 1), "hours", ELB, MEMORY),
    e(Meter::VpcInterfaceEndpointHours, flat("0.01", 1), "endpoint-AZ-hours", PRIVATELINK, MEMORY),
    e(Meter::EksClusterHours, flat("0.10", 1), "hours", EKS, MEMORY),
    e(Meter::KinesisShardHours, flat("0.015", 1), "shard-hours", KINESIS, MEMORY),
    e(Meter::WafWebAcls, flat("5.00", 1), "web ACL-months", WAF, MEMORY),
    e(Meter::WafRules, flat("1.00", 1), "rule-months", WAF, MEMORY),
    e(Meter::WafRequests, flat("0.60", 1_000_000), "requests", WAF, MEMORY),
    e(Meter::Route53HostedZones, flat("0.50", 1), "hosted zone-months", ROUTE53, MEMORY),
];

#[rustfmt::skip]
static EU_WEST_1: &[PriceEntry] = &[
    e(Meter::LambdaRequests, flat("0.20", 1_000_000), "requests", LAMBDA, CHECKED_LAMBDA),
    e(Meter::LambdaGbSecondsX86, Rate::Tiered(&LAMBDA_X86_TIERS), "GB-seconds", LAMBDA, CHECKED_LAMBDA),
    e(Meter::LambdaGbSecondsArm, Rate::Tiered(&LAMBDA_ARM_TIERS), "GB-seconds", LAMBDA, CHECKED_LAMBDA),
    e(Meter::LambdaEphemeralGbSeconds, flat("0.0000000309", 1), "GB-seconds", LAMBDA, MEMORY),
    e(Meter::LambdaProvisionedGbSecondsX86, flat("0.0000041667", 1), "GB-seconds", LAMBDA, MEMORY),
    e(Meter::LambdaProvisionedGbSecondsArm, flat("0.0000033334", 1), "GB-seconds", LAMBDA, MEMORY),
    e(Meter::HttpApiRequests, Rate::Tiered(&HTTP_API_EU_TIERS), "requests", APIGW, MEMORY),
    e(Meter::RestApiRequests, Rate::Tiered(&REST_API_EU_TIERS), "requests", APIGW, MEMORY),
    e(Meter::DynamoDbWriteRequestUnits, flat("0.7068", 1_000_000), "WRU", DDB, MEMORY_EU_DDB),
    e(Meter::DynamoDbReadRequestUnits, flat("0.1415", 1_000_000), "RRU", DDB, MEMORY_EU_DDB),
    e(Meter::DynamoDbStorage, flat("0.283", 1), "GB-months", DDB, MEMORY),
    e(Meter::DynamoDbPitrStorage, flat("0.22", 1), "GB-months", DDB, MEMORY),
    e(Meter::DynamoDbProvisionedWcuHours, flat("0.000735", 1), "WCU-hours", DDB_PROV, MEMORY),
    e(Meter::DynamoDbProvisionedRcuHours, flat("0.000147", 1), "RCU-hours", DDB_PROV, MEMORY),
    e(Meter::S3StandardStorage, Rate::Tiered(&S3_STANDARD_TIERS), "GB-months", S3, MEMORY),
    e(Meter::S3PutRequests, flat("0.005", 1_000), "PUT requests", S3, MEMORY),
    e(Meter::S3GetRequests, flat("0.0004", 1_000), "GET requests", S3, MEMORY),
    e(Meter::CloudFrontDataOut, Rate::Tiered(&CLOUDFRONT_US_EU_TIERS), "GB", CLOUDFRONT, CHECKED_CLOUDFRONT),
    e(Meter::CloudFrontHttpsRequests, flat("0.0120", 10_000), "HTTPS requests", CLOUDFRONT, MEMORY),
    e(Meter::CloudFrontFunctionInvocations, flat("0.10", 1_000_000), "function invocations", CLOUDFRONT, MEMORY),
    e(Meter::CognitoLiteMau, flat("0.0055", 1), "monthly active users", COGNITO, MEMORY_COGNITO),
    e(Meter::CognitoEssentialsMau, flat("0.015", 1), "monthly active users", COGNITO, MEMORY_COGNITO),
    e(Meter::CognitoPlusMau, flat("0.02", 1), "monthly active users", COGNITO, MEMORY_COGNITO),
    e(Meter::SqsRequests, flat("0.40", 1_000_000), "requests", SQS, MEMORY),
    e(Meter::SnsPublishes, flat("0.50", 1_000_000), "publishes", SNS, MEMORY),
    e(Meter::SnsEmailDeliveries, flat("2.00", 100_000), "email deliveries", SNS, MEMORY),
    e(Meter::SnsHttpDeliveries, flat("0.60", 1_000_000), "HTTP deliveries", SNS, MEMORY),
    e(Meter::CloudWatchStandardAlarmMetrics, flat("0.10", 1), "alarm metric-months", CLOUDWATCH, MEMORY),
    e(Meter::CloudWatchHighResolutionAlarmMetrics, flat("0.30", 1), "alarm metric-months", CLOUDWATCH, MEMORY),
    e(Meter::CloudWatchCompositeAlarms, flat("0.50", 1), "alarm-months", CLOUDWATCH, MEMORY),
    e(Meter::CloudWatchDashboards, flat("3.00", 1), "dashboard-months", CLOUDWATCH, MEMORY),
    e(Meter::CloudWatchLogsIngestion, flat("0.57", 1), "GB", CLOUDWATCH, MEMORY),
    e(Meter::CloudWatchLogsStorage, flat("0.03", 1), "GB-months", CLOUDWATCH, MEMORY),
    e(Meter::BudgetsActionEnabledBudgetDays, flat("0.10", 1), "budget-days", BUDGETS, CHECKED_BUDGETS),
    e(Meter::SchedulerInvocations, flat("1.00", 1_000_000), "invocations", SCHEDULER, MEMORY),
    e(Meter::SesEmails, flat("0.10", 1_000), "emails", SES, MEMORY),
    e(Meter::XRayTracesRecorded, flat("5.00", 1_000_000), "traces recorded", XRAY, MEMORY),
    e(Meter::KmsKeys, flat("1.00", 1), "key-months", KMS, MEMORY),
    e(Meter::SecretsManagerSecrets, flat("0.40", 1), "secret-months", SECRETS, MEMORY),
    e(Meter::StepFunctionsTransitions, flat("0.025", 1_000), "state transitions", SFN, MEMORY),
    e(Meter::NatGatewayHours, flat("0.048", 1), "hours", VPC, MEMORY),
    e(Meter::NatGatewayDataProcessed, flat("0.048", 1), "GB", VPC, MEMORY),
    e(Meter::PublicIpv4AddressHours, flat("0.005", 1), "hours", VPC, MEMORY),
    e(Meter::ApplicationLoadBalancerHours, flat("0.0252", 1), "hours", ELB, MEMORY),
    e(Meter::NetworkLoadBalancerHours, flat("0.0252", 1), "hours", ELB, MEMORY),
    e(Meter::VpcInterfaceEndpointHours, flat("0.011", 1), "endpoint-AZ-hours", PRIVATELINK, MEMORY),
    e(Meter::EksClusterHours, flat("0.10", 1), "hours", EKS, MEMORY),
    e(Meter::KinesisShardHours, flat("0.017", 1), "shard-hours", KINESIS, MEMORY),
    e(Meter::WafWebAcls, flat("5.00", 1), "web ACL-months", WAF, MEMORY),
    e(Meter::WafRules, flat("1.00", 1), "rule-months", WAF, MEMORY),
    e(Meter::WafRequests, flat("0.60", 1_000_000), "requests", WAF, MEMORY),
    e(Meter::Route53HostedZones, flat("0.50", 1), "hosted zone-months", ROUTE53, MEMORY),
];

static BOOKS: &[PriceBook] = &[
    PriceBook {
        region: "us-east-1",
        cdn_viewers: "viewers in the United States, Mexico and Canada",
        entries: US_EAST_1,
    },
    PriceBook {
        region: "eu-west-1",
        cdn_viewers: "viewers in Europe, Israel and Türkiye",
        entries: EU_WEST_1,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_prices_every_meter_once() {
        let all = [
            Meter::LambdaRequests,
            Meter::LambdaGbSecondsX86,
            Meter::LambdaGbSecondsArm,
            Meter::LambdaEphemeralGbSeconds,
            Meter::LambdaProvisionedGbSecondsX86,
            Meter::LambdaProvisionedGbSecondsArm,
            Meter::HttpApiRequests,
            Meter::RestApiRequests,
            Meter::DynamoDbWriteRequestUnits,
            Meter::DynamoDbReadRequestUnits,
            Meter::DynamoDbStorage,
            Meter::DynamoDbPitrStorage,
            Meter::DynamoDbProvisionedWcuHours,
            Meter::DynamoDbProvisionedRcuHours,
            Meter::S3StandardStorage,
            Meter::S3PutRequests,
            Meter::S3GetRequests,
            Meter::CloudFrontDataOut,
            Meter::CloudFrontHttpsRequests,
            Meter::CloudFrontFunctionInvocations,
            Meter::CognitoLiteMau,
            Meter::CognitoEssentialsMau,
            Meter::CognitoPlusMau,
            Meter::SqsRequests,
            Meter::SnsPublishes,
            Meter::SnsEmailDeliveries,
            Meter::SnsHttpDeliveries,
            Meter::CloudWatchStandardAlarmMetrics,
            Meter::CloudWatchHighResolutionAlarmMetrics,
            Meter::CloudWatchCompositeAlarms,
            Meter::CloudWatchDashboards,
            Meter::CloudWatchLogsIngestion,
            Meter::CloudWatchLogsStorage,
            Meter::BudgetsActionEnabledBudgetDays,
            Meter::SchedulerInvocations,
            Meter::SesEmails,
            Meter::XRayTracesRecorded,
            Meter::KmsKeys,
            Meter::SecretsManagerSecrets,
            Meter::StepFunctionsTransitions,
            Meter::NatGatewayHours,
            Meter::NatGatewayDataProcessed,
            Meter::PublicIpv4AddressHours,
            Meter::ApplicationLoadBalancerHours,
            Meter::NetworkLoadBalancerHours,
            Meter::VpcInterfaceEndpointHours,
            Meter::EksClusterHours,
            Meter::KinesisShardHours,
            Meter::WafWebAcls,
            Meter::WafRules,
            Meter::WafRequests,
            Meter::Route53HostedZones,
        ];
        for b in BOOKS {
            assert_eq!(b.entries.len(), all.len(), "{}", b.region);
            for m in all {
                let n = b.entries.iter().filter(|e| e.meter == m).count();
                assert_eq!(n, 1, "{} prices {m:?} {n} times", b.region);
            }
        }
    }

    #[test]
    fn tiers_split_volume() {
        // 301M HTTP API requests: 300M at $1.00/M + 1M at $0.90/M.
        let rate = Rate::Tiered(&HTTP_API_US_TIERS);
        assert_eq!(rate.cost(Qty::units(301_000_000)), Usd::from_cents(30_090));
        assert_eq!(rate.cost(Qty::ZERO), Usd::ZERO);
    }
}
