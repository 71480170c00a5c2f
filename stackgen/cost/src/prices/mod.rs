//! The embedded, dated AWS price table.
//!
//! `cost-report` must work offline and give the same answer tomorrow as today, so prices are
//! data compiled into the binary (`stackgen/cost/data/prices.json`, read by [`file`]) rather than
//! fetched at estimate time. `stackgen prices refresh` rewrites that file from AWS's Price List
//! Query API ([`crate::pricelist`]); `--check` says when AWS's prices moved. Each entry names
//! the AWS pricing page it belongs to and how its price is known:
//!
//! - [`Basis::PriceList`]: read from AWS's Price List, with the product's SKU, the on-demand
//!   term's effective date and the Price List's own unit.
//! - [`Basis::Checked`]: kept by hand (the Price List has no answer, or no refresh with AWS
//!   credentials has run yet), compared against a stored copy of the AWS page (or an AWS
//!   whitepaper, or independent write-ups of the page); the note says which.
//! - [`Basis::Memory`]: kept by hand, the list price as known to the author on the table's
//!   date, not re-checked against a copy here. A refresh with credentials replaces each one the
//!   Price List answers for.
//!
//! Prices are USD, on-demand, without tax. A commercial region the table does not cover is
//! never guessed: its estimate lists every resource and quantity with each metered line unpriced
//! ([`unpriced`]) and one warning naming the regions the table covers. A region the table covers
//! but where a meter has no entry prices the rest and names the unpriced lines.

pub mod file;

use std::sync::OnceLock;

use super::money::{Price, Qty, Usd};
use file::{TableFile, TableFileError};

/// The table as built into this binary.
pub const EMBEDDED: &str = include_str!("../../data/prices.json");

/// Where the embedded table lives in the repository (what `prices refresh` rewrites).
pub const EMBEDDED_PATH: &str = "stackgen/cost/data/prices.json";

/// Hours in the billing month AWS uses for monthly estimates (365 × 24 / 12).
pub const HOURS_PER_MONTH: u64 = 730;

/// Declares [`Meter`] and [`Meter::ALL`] from one list, so no meter can be missing from ALL
/// (a refresh walks ALL to write the table).
macro_rules! meters {
    ($($meter:ident),* $(,)?) => {
        /// Something AWS meters and bills.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
        )]
        #[serde(rename_all = "kebab-case")]
        pub enum Meter {
            $($meter),*
        }

        impl Meter {
            /// Every meter, in the table's order.
            pub const ALL: &[Meter] = &[$(Meter::$meter),*];
        }
    };
}

meters! {
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

impl Meter {
    /// The meter's name in reports and the table file (`lambda-requests`).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| format!("{self:?}"))
    }
}

/// How a price is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Read from AWS's Price List.
    PriceList {
        service: &'static str,
        sku: &'static str,
        effective: &'static str,
    },
    /// Kept by hand, compared against a stored copy of the named source on the date given.
    Checked {
        note: &'static str,
        on: &'static str,
    },
    /// Kept by hand, AWS's list price as known to the author; not re-checked against a copy.
    Memory(&'static str),
}

impl Basis {
    pub fn label(&self) -> &'static str {
        match self {
            Basis::PriceList { .. } => "price list",
            Basis::Checked { .. } => "checked",
            Basis::Memory(_) => "from memory",
        }
    }

    /// Whether the price was checked against AWS's own figures (Price List or a stored page).
    pub fn is_checked(&self) -> bool {
        !matches!(self, Basis::Memory(_))
    }

    pub fn note(&self) -> String {
        match self {
            Basis::PriceList {
                service,
                sku,
                effective,
            } => format!("AWS Price List: {service} SKU {sku}, effective {effective}"),
            Basis::Checked { note, on } => format!("{note} (checked {on})"),
            Basis::Memory(n) => (*n).to_string(),
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
#[derive(Debug, Clone)]
pub enum Rate {
    Flat(Price),
    Tiered(Vec<Tier>),
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
#[derive(Debug, Clone)]
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
    entries: Vec<PriceEntry>,
}

impl PriceBook {
    /// The entry for `meter`, if this region's table has one.
    pub fn entry(&self, meter: Meter) -> Option<&PriceEntry> {
        self.entries.iter().find(|e| e.meter == meter)
    }

    pub fn entries(&self) -> &[PriceEntry] {
        &self.entries
    }
}

/// A book without prices for `region`, which the table does not cover: the estimate still
/// lists every resource and quantity, and says which lines are unpriced.
pub fn unpriced(region: &'static str) -> PriceBook {
    PriceBook {
        region,
        cdn_viewers: "viewers of this region (not in the price table)",
        entries: Vec::new(),
    }
}

impl PriceBook {
    /// No prices at all (a region the table does not cover).
    pub fn is_unpriced(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The loaded table: the file as written, and one book per region.
#[derive(Debug)]
pub struct Table {
    pub file: TableFile<'static>,
    books: Vec<PriceBook>,
}

impl Table {
    /// Reads a table from text that lives as long as the program (the embedded file).
    pub fn load(name: &str, text: &'static str) -> Result<Table, TableFileError> {
        let file = TableFile::parse(name, text)?;
        let books = books(&file, name)?;
        Ok(Table { file, books })
    }

    /// The date the table was taken.
    pub fn taken(&self) -> &'static str {
        self.file.taken
    }

    /// The regions the table covers.
    pub fn regions(&self) -> Vec<&'static str> {
        self.books.iter().map(|b| b.region).collect()
    }

    /// The price book of `region`.
    pub fn book(&self, region: &str) -> Option<&PriceBook> {
        self.books.iter().find(|b| b.region == region)
    }
}

/// The table built into this binary, read once.
pub fn embedded() -> Result<&'static Table, TableFileError> {
    static TABLE: OnceLock<Result<Table, TableFileError>> = OnceLock::new();
    TABLE
        .get_or_init(|| Table::load(EMBEDDED_PATH, EMBEDDED))
        .as_ref()
        .map_err(Clone::clone)
}

/// One book per region of `file`, every amount parsed.
fn books(file: &TableFile<'static>, name: &str) -> Result<Vec<PriceBook>, TableFileError> {
    let invalid = |detail: String| TableFileError::Invalid {
        file: name.to_string(),
        detail,
    };
    let mut books = Vec::new();
    for r in &file.regions {
        let mut entries = Vec::new();
        for e in file.entries.iter().filter(|e| e.region == r.region) {
            let price = |usd: &'static str| {
                Price::parse(usd, e.per).map_err(|why| {
                    invalid(format!(
                        "{} {}: amount `{usd}`: {why}",
                        e.region,
                        e.meter.name()
                    ))
                })
            };
            let rate = match (e.usd, &e.tiers) {
                (Some(usd), _) => Rate::Flat(price(usd)?),
                (None, Some(tiers)) => Rate::Tiered(
                    tiers
                        .iter()
                        .map(|(up_to, usd)| {
                            Ok(Tier {
                                up_to: *up_to,
                                price: price(usd)?,
                            })
                        })
                        .collect::<Result<_, TableFileError>>()?,
                ),
                (None, None) => {
                    return Err(invalid(format!(
                        "{} {}: no price",
                        e.region,
                        e.meter.name()
                    )));
                }
            };
            let basis = match (&e.price_list, e.note.and_then(|n| file.notes.get(n))) {
                (Some(p), _) => Basis::PriceList {
                    service: p.service,
                    sku: p.sku,
                    effective: p.effective,
                },
                (None, Some(n)) if n.basis == "checked" => Basis::Checked {
                    note: n.text,
                    on: n.checked.unwrap_or(file.taken),
                },
                (None, Some(n)) => Basis::Memory(n.text),
                (None, None) => {
                    return Err(invalid(format!(
                        "{} {}: no basis",
                        e.region,
                        e.meter.name()
                    )));
                }
            };
            entries.push(PriceEntry {
                meter: e.meter,
                rate,
                unit: e.unit,
                source: file.sources.get(e.source).copied().unwrap_or_default(),
                basis,
            });
        }
        books.push(PriceBook {
            region: r.region,
            cdn_viewers: r.cdn_viewers,
            entries,
        });
    }
    Ok(books)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us_east_1_and_eu_west_1_price_every_meter_and_no_region_twice() {
        let table = embedded().expect("the embedded table loads");
        for b in &table.books {
            let full = b.region == "us-east-1" || b.region == "eu-west-1";
            for &m in Meter::ALL {
                let n = b.entries.iter().filter(|e| e.meter == m).count();
                assert!(n <= 1, "{} prices {m:?} {n} times", b.region);
                assert!(!full || n == 1, "{} lacks {m:?}", b.region);
            }
        }
    }

    #[test]
    fn tiers_split_volume() {
        // 301M HTTP API requests: 300M at $1.00/M + 1M at $0.90/M.
        let rate = Rate::Tiered(vec![
            Tier {
                up_to: Some(300_000_000),
                price: Price::new("1.00", 1_000_000),
            },
            Tier {
                up_to: None,
                price: Price::new("0.90", 1_000_000),
            },
        ]);
        assert_eq!(rate.cost(Qty::units(301_000_000)), Usd::from_cents(30_090));
        assert_eq!(rate.cost(Qty::ZERO), Usd::ZERO);
    }
}
