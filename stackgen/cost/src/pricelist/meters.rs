//! What to ask AWS's Price List for each meter the estimator prices: declared once, read by
//! `prices refresh` (the query) and by the table it writes (unit, block size, pricing page).
//!
//! A meter is one Price List product per region: its service code, the attributes that narrow
//! the answer (`productFamily`, `group`, …, matched exactly with `TERM_MATCH`), and its usage
//! type without the region prefix. The prefix is not uniform — none in us-east-1 for Lambda and
//! S3, `USE1-` for API Gateway and CloudWatch Logs, `EU-`/`APS2-` elsewhere, the region code
//! itself for KMS — so the product is picked by its bare usage type after the query rather
//! than filtered on it ([`bare_usage_type`]). The identifications follow the Price List's
//! attribute names (AWS, "Reading the service price list file for an AWS service":
//! <https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-service-price-list-file-for-services.html>)
//! and the filters infracost uses for the same resources. A meter with no query here (SES) is
//! kept by hand in the table: the refresh leaves it and says so.

use super::client::Request;
use crate::prices::Meter;

/// Where a meter's price varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Per AWS region: the query filters `regionCode`.
    Regional,
    /// The same everywhere (Route 53 zones, CloudFront Functions, Budgets): no region filter.
    Global,
    /// CloudFront: by where the viewers are, the product attribute named here (`fromLocation`
    /// for data transfer, `location` for requests) set to the region's viewer geography.
    Viewers(&'static str),
}

/// One meter's Price List query.
#[derive(Debug, Clone, Copy)]
pub struct MeterQuery {
    pub meter: Meter,
    /// The Price List service code (`AWSLambda`).
    pub service: &'static str,
    pub product_family: Option<&'static str>,
    /// Further attributes matched exactly.
    pub filters: &'static [(&'static str, &'static str)],
    /// Accepted usage types without their region prefix; empty: any product the filters return.
    pub usage_types: &'static [&'static str],
    pub scope: Scope,
    /// The unit as the estimate counts it, and the block the table quotes prices per.
    pub unit: &'static str,
    pub per: u64,
    /// The table's key of the AWS pricing page.
    pub source: &'static str,
}

const fn q(
    meter: Meter,
    service: &'static str,
    product_family: Option<&'static str>,
    filters: &'static [(&'static str, &'static str)],
    usage_types: &'static [&'static str],
    (unit, per): (&'static str, u64),
    source: &'static str,
) -> MeterQuery {
    MeterQuery {
        meter,
        service,
        product_family,
        filters,
        usage_types,
        scope: Scope::Regional,
        unit,
        per,
        source,
    }
}

const fn scoped(query: MeterQuery, scope: Scope) -> MeterQuery {
    MeterQuery { scope, ..query }
}

const M: u64 = 1_000_000;
const SERVERLESS: Option<&str> = Some("Serverless");
const API_CALLS: Option<&str> = Some("API Calls");
const DDB_ON_DEMAND: Option<&str> = Some("Amazon DynamoDB PayPerRequest Throughput");
const DDB_STORAGE: Option<&str> = Some("Database Storage");
const DDB_PROVISIONED: Option<&str> = Some("Provisioned IOPS");
const API_REQUEST: Option<&str> = Some("API Request");

/// Every meter the refresh asks for, in the table's order.
#[rustfmt::skip]
pub static QUERIES: &[MeterQuery] = &[
    q(Meter::LambdaRequests, "AWSLambda", SERVERLESS, &[("group", "AWS-Lambda-Requests")], &["Request"], ("requests", M), "lambda"),
    q(Meter::LambdaGbSecondsX86, "AWSLambda", SERVERLESS, &[("group", "AWS-Lambda-Duration")], &["Lambda-GB-Second"], ("GB-seconds", 1), "lambda"),
    q(Meter::LambdaGbSecondsArm, "AWSLambda", SERVERLESS, &[("group", "AWS-Lambda-Duration-ARM")], &["Lambda-GB-Second-ARM"], ("GB-seconds", 1), "lambda"),
    q(Meter::LambdaEphemeralGbSeconds, "AWSLambda", SERVERLESS, &[("group", "AWS-Lambda-Storage-Duration")], &[], ("GB-seconds", 1), "lambda"),
    q(Meter::LambdaProvisionedGbSecondsX86, "AWSLambda", SERVERLESS, &[("group", "AWS-Lambda-Provisioned-Concurrency")], &[], ("GB-seconds", 1), "lambda"),
    q(Meter::LambdaProvisionedGbSecondsArm, "AWSLambda", SERVERLESS, &[("group", "AWS-Lambda-Provisioned-Concurrency-ARM")], &[], ("GB-seconds", 1), "lambda"),
    q(Meter::HttpApiRequests, "AmazonApiGateway", API_CALLS, &[], &["ApiGatewayHttpRequest"], ("requests", M), "apigw"),
    q(Meter::RestApiRequests, "AmazonApiGateway", API_CALLS, &[], &["ApiGatewayRequest", "AmazonApiGatewayRequest"], ("requests", M), "apigw"),
    q(Meter::DynamoDbWriteRequestUnits, "AmazonDynamoDB", DDB_ON_DEMAND, &[("group", "DDB-WriteUnits")], &["WriteRequestUnits"], ("WRU", M), "ddb"),
    q(Meter::DynamoDbReadRequestUnits, "AmazonDynamoDB", DDB_ON_DEMAND, &[("group", "DDB-ReadUnits")], &["ReadRequestUnits"], ("RRU", M), "ddb"),
    q(Meter::DynamoDbStorage, "AmazonDynamoDB", DDB_STORAGE, &[], &["TimedStorage-ByteHrs"], ("GB-months", 1), "ddb"),
    q(Meter::DynamoDbPitrStorage, "AmazonDynamoDB", DDB_STORAGE, &[], &["TimedPITRStorage-ByteHrs"], ("GB-months", 1), "ddb"),
    q(Meter::DynamoDbProvisionedWcuHours, "AmazonDynamoDB", DDB_PROVISIONED, &[("group", "DDB-WriteUnits")], &["WriteCapacityUnit-Hrs"], ("WCU-hours", 1), "ddb-prov"),
    q(Meter::DynamoDbProvisionedRcuHours, "AmazonDynamoDB", DDB_PROVISIONED, &[("group", "DDB-ReadUnits")], &["ReadCapacityUnit-Hrs"], ("RCU-hours", 1), "ddb-prov"),
    q(Meter::S3StandardStorage, "AmazonS3", Some("Storage"), &[("storageClass", "General Purpose"), ("volumeType", "Standard")], &["TimedStorage-ByteHrs"], ("GB-months", 1), "s3"),
    q(Meter::S3PutRequests, "AmazonS3", API_REQUEST, &[], &["Requests-Tier1"], ("PUT requests", 1_000), "s3"),
    q(Meter::S3GetRequests, "AmazonS3", API_REQUEST, &[], &["Requests-Tier2"], ("GET requests", 1_000), "s3"),
    scoped(q(Meter::CloudFrontDataOut, "AmazonCloudFront", None, &[("transferType", "CloudFront Outbound")], &["DataTransfer-Out-Bytes"], ("GB", 1), "cloudfront"), Scope::Viewers("fromLocation")),
    scoped(q(Meter::CloudFrontHttpsRequests, "AmazonCloudFront", None, &[], &["Requests-Tier2-HTTPS"], ("HTTPS requests", 10_000), "cloudfront"), Scope::Viewers("location")),
    scoped(q(Meter::CloudFrontFunctionInvocations, "AmazonCloudFront", Some("Request"), &[], &["Executions-CloudFrontFunctions"], ("function invocations", M), "cloudfront"), Scope::Global),
    q(Meter::CognitoLiteMau, "AmazonCognito", None, &[], &["CognitoLiteMAU"], ("monthly active users", 1), "cognito"),
    q(Meter::CognitoEssentialsMau, "AmazonCognito", None, &[], &["CognitoEssentialsMAU"], ("monthly active users", 1), "cognito"),
    q(Meter::CognitoPlusMau, "AmazonCognito", None, &[], &["CognitoPlusMAU"], ("monthly active users", 1), "cognito"),
    q(Meter::SqsRequests, "AWSQueueService", API_REQUEST, &[("queueType", "Standard")], &["Requests-RBP", "Requests-Tier1"], ("requests", M), "sqs"),
    q(Meter::SnsPublishes, "AmazonSNS", API_REQUEST, &[], &["Requests-Tier1"], ("publishes", M), "sns"),
    q(Meter::SnsEmailDeliveries, "AmazonSNS", Some("Message Delivery"), &[], &["DeliveryAttempts-SMTP"], ("email deliveries", 100_000), "sns"),
    q(Meter::SnsHttpDeliveries, "AmazonSNS", Some("Message Delivery"), &[], &["DeliveryAttempts-HTTP"], ("HTTP deliveries", M), "sns"),
    q(Meter::CloudWatchStandardAlarmMetrics, "AmazonCloudWatch", Some("Alarm"), &[], &["CW:AlarmMonitorUsage"], ("alarm metric-months", 1), "cloudwatch"),
    q(Meter::CloudWatchHighResolutionAlarmMetrics, "AmazonCloudWatch", Some("Alarm"), &[], &["CW:HighResAlarmMonitorUsage"], ("alarm metric-months", 1), "cloudwatch"),
    q(Meter::CloudWatchCompositeAlarms, "AmazonCloudWatch", Some("Alarm"), &[], &["CW:CompositeAlarmMonitorUsage"], ("alarm-months", 1), "cloudwatch"),
    scoped(q(Meter::CloudWatchDashboards, "AmazonCloudWatch", Some("Dashboard"), &[], &["DashboardsUsageHour"], ("dashboard-months", 1), "cloudwatch"), Scope::Global),
    q(Meter::CloudWatchLogsIngestion, "AmazonCloudWatch", Some("Data Payload"), &[], &["DataProcessing-Bytes"], ("GB", 1), "cloudwatch"),
    q(Meter::CloudWatchLogsStorage, "AmazonCloudWatch", Some("Storage Snapshot"), &[], &["TimedStorage-ByteHrs"], ("GB-months", 1), "cloudwatch"),
    scoped(q(Meter::BudgetsActionEnabledBudgetDays, "AWSBudgets", None, &[], &["ActionEnabledBudgetsUsage"], ("budget-days", 1), "budgets"), Scope::Global),
    q(Meter::SchedulerInvocations, "AWSEvents", None, &[], &["ScheduledInvocation"], ("invocations", M), "scheduler"),
    q(Meter::XRayTracesRecorded, "AWSXRay", None, &[], &["XRay-TracesStored"], ("traces recorded", M), "xray"),
    q(Meter::KmsKeys, "awskms", Some("Encryption Key"), &[], &["KMS-Keys"], ("key-months", 1), "kms"),
    q(Meter::SecretsManagerSecrets, "AWSSecretsManager", Some("Secret"), &[], &["AWSSecretsManager-Secrets"], ("secret-months", 1), "secrets"),
    q(Meter::StepFunctionsTransitions, "AmazonStates", Some("AWS Step Functions"), &[], &["StateTransition"], ("state transitions", 1_000), "sfn"),
    q(Meter::NatGatewayHours, "AmazonEC2", Some("NAT Gateway"), &[], &["NatGateway-Hours"], ("hours", 1), "vpc"),
    q(Meter::NatGatewayDataProcessed, "AmazonEC2", Some("NAT Gateway"), &[], &["NatGateway-Bytes"], ("GB", 1), "vpc"),
    q(Meter::PublicIpv4AddressHours, "AmazonVPC", None, &[], &["PublicIPv4:InUseAddress"], ("hours", 1), "vpc"),
    q(Meter::ApplicationLoadBalancerHours, "AWSELB", Some("Load Balancer-Application"), &[], &["LoadBalancerUsage"], ("hours", 1), "elb"),
    q(Meter::NetworkLoadBalancerHours, "AWSELB", Some("Load Balancer-Network"), &[], &["LoadBalancerUsage"], ("hours", 1), "elb"),
    q(Meter::VpcInterfaceEndpointHours, "AmazonVPC", Some("VpcEndpoint"), &[], &["VpcEndpoint-Hours"], ("endpoint-AZ-hours", 1), "privatelink"),
    q(Meter::EksClusterHours, "AmazonEKS", Some("Compute"), &[], &["AmazonEKS-Hours:perCluster"], ("hours", 1), "eks"),
    q(Meter::KinesisShardHours, "AmazonKinesis", Some("Kinesis Streams"), &[], &["Storage-ShardHour"], ("shard-hours", 1), "kinesis"),
    q(Meter::WafWebAcls, "awswaf", Some("Web Application Firewall"), &[], &["WebACLV2"], ("web ACL-months", 1), "waf"),
    q(Meter::WafRules, "awswaf", Some("Web Application Firewall"), &[], &["RuleV2"], ("rule-months", 1), "waf"),
    q(Meter::WafRequests, "awswaf", Some("Web Application Firewall"), &[], &["RequestV2-Tier1"], ("requests", M), "waf"),
    scoped(q(Meter::Route53HostedZones, "AmazonRoute53", Some("DNS Zone"), &[], &["HostedZone"], ("hosted zone-months", 1), "route53"), Scope::Global),
];

/// The GetProducts request of `query` in `region`.
pub fn request(query: &MeterQuery, region: &str) -> Request {
    let mut filters: Vec<(&str, &str)> = query.filters.to_vec();
    if let Some(family) = query.product_family {
        filters.push(("productFamily", family));
    }
    match query.scope {
        Scope::Regional => filters.push(("regionCode", region)),
        Scope::Global => {}
        Scope::Viewers(attribute) => filters.push((attribute, viewer_geography(region).0)),
    }
    Request::new(query.service, &filters)
}

/// Where `query`'s answer for `region` applies: the region, the viewer geography (`australia`)
/// or `global`; the middle of a recording's path.
pub fn scope_key(query: &MeterQuery, region: &str) -> String {
    match query.scope {
        Scope::Regional => region.to_string(),
        Scope::Global => "global".into(),
        Scope::Viewers(_) => viewer_geography(region).0.to_lowercase().replace(' ', "-"),
    }
}

/// What a unit measures, as far as the price's scale goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    Hours,
    GbMonths,
    GbSeconds,
    Gb,
    /// Bytes at another scale (MB, TB, bytes): never the table's GB.
    OtherBytes,
    /// Requests, users, keys, alarms, days…
    Count,
}

fn measure(unit: &str) -> Measure {
    let lower = unit.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let gb = has("gb") || has("gigabyte") || has("gigabytes");
    if gb && (has("mo") || has("month") || has("months")) {
        Measure::GbMonths
    } else if gb && (has("second") || has("seconds") || has("s")) {
        Measure::GbSeconds
    } else if gb {
        Measure::Gb
    } else if ["tb", "mb", "kb", "pb", "byte", "bytes"]
        .iter()
        .any(|b| has(b))
    {
        Measure::OtherBytes
    } else if words
        .iter()
        .any(|w| *w == "hrs" || *w == "hr" || w.ends_with("hour") || w.ends_with("hours"))
    {
        Measure::Hours
    } else {
        Measure::Count
    }
}

/// Whether the Price List's unit prices the meter at the table's scale, read word by word: an
/// hourly price is not a monthly one, a GB-month not a GB, and a price per TB or per byte is
/// not one per GB. Units that count things (`Requests`, `Keys`, `Alarms`) match any counted
/// unit of the table: their time base (per month, per day) is not in the unit's name, so it is
/// not checked.
pub fn check_unit(query: &MeterQuery, price_list_unit: &str) -> Result<(), String> {
    let (theirs, ours) = (measure(price_list_unit), measure(query.unit));
    if theirs == ours {
        Ok(())
    } else {
        Err(format!(
            "the Price List prices it per `{price_list_unit}`, the table per {} {}: the query \
             in cost/pricelist/meters.rs answers with another product, or the unit changed",
            query.per, query.unit
        ))
    }
}

/// The query of `meter`, if the Price List answers for it.
pub fn query(meter: Meter) -> Option<&'static MeterQuery> {
    QUERIES.iter().find(|q| q.meter == meter)
}

/// A usage type without its region prefix: `EU-Request` and `USE1-Request` → `Request`,
/// `us-east-1-KMS-Keys` → `KMS-Keys`. A prefix is an all-capitals code of two to four letters
/// and an optional digit, or the region code itself; `Lambda-Edge-Request` and
/// `Global-Request` (the free tier's products) keep theirs and so never match `Request`.
pub fn bare_usage_type<'a>(usage_type: &'a str, region: Option<&str>) -> &'a str {
    if let Some(rest) = region.and_then(|r| usage_type.strip_prefix(r)?.strip_prefix('-')) {
        return rest;
    }
    match usage_type.split_once('-') {
        Some((head, rest)) if is_region_code(head) => rest,
        _ => usage_type,
    }
}

fn is_region_code(head: &str) -> bool {
    let letters = head.trim_end_matches(|c: char| c.is_ascii_digit());
    (2..=4).contains(&letters.len())
        && head.len() - letters.len() <= 1
        && letters.chars().all(|c| c.is_ascii_uppercase())
}

/// Whether a product's usage type is one the query accepts.
pub fn accepts(query: &MeterQuery, usage_type: &str, region: Option<&str>) -> bool {
    query.usage_types.is_empty()
        || query
            .usage_types
            .iter()
            .any(|u| *u == usage_type || *u == bare_usage_type(usage_type, region))
}

/// The CloudFront viewer geography of a region's shoppers, as the Price List names it
/// (`fromLocation`/`location`), and as the report says it. CloudFront prices by where viewers
/// are, not where the origin is: <https://aws.amazon.com/cloudfront/pricing/>.
pub fn viewer_geography(region: &str) -> (&'static str, &'static str) {
    let prefix = region.split('-').next().unwrap_or_default();
    match (prefix, region) {
        (_, "ap-southeast-2" | "ap-southeast-4") => {
            ("Australia", "viewers in Australia and New Zealand")
        }
        (_, "ap-northeast-1" | "ap-northeast-3") => ("Japan", "viewers in Japan"),
        (_, "ap-south-1" | "ap-south-2") => ("India", "viewers in India"),
        ("us" | "ca" | "mx", _) => (
            "United States",
            "viewers in the United States, Mexico and Canada",
        ),
        ("eu" | "il", _) => ("Europe", "viewers in Europe, Israel and Türkiye"),
        ("sa", _) => ("South America", "viewers in South America"),
        ("me" | "af", _) => ("Middle East", "viewers in the Middle East and Africa"),
        _ => ("Asia Pacific", "viewers in Asia Pacific"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_come_off_and_lookalikes_stay() {
        assert_eq!(bare_usage_type("EU-Request", None), "Request");
        assert_eq!(
            bare_usage_type("USE1-ApiGatewayHttpRequest", None),
            "ApiGatewayHttpRequest"
        );
        assert_eq!(
            bare_usage_type("APS2-Lambda-GB-Second-ARM", None),
            "Lambda-GB-Second-ARM"
        );
        assert_eq!(
            bare_usage_type("us-east-1-KMS-Keys", Some("us-east-1")),
            "KMS-Keys"
        );
        assert_eq!(
            bare_usage_type("Lambda-Edge-Request", None),
            "Lambda-Edge-Request"
        );
        assert_eq!(bare_usage_type("Global-Request", None), "Global-Request");
        assert_eq!(
            bare_usage_type("CW:AlarmMonitorUsage", None),
            "CW:AlarmMonitorUsage"
        );
        let requests = query(Meter::LambdaRequests).expect("queried");
        assert!(accepts(requests, "Request", Some("us-east-1")));
        assert!(accepts(requests, "APS2-Request", Some("ap-southeast-2")));
        assert!(!accepts(
            requests,
            "APS2-Request-ARM",
            Some("ap-southeast-2")
        ));
        assert!(!accepts(requests, "Global-Request", Some("us-east-1")));
        let kms = query(Meter::KmsKeys).expect("queried");
        assert!(accepts(kms, "KMS-Keys", Some("us-east-1")));
    }

    #[test]
    fn a_price_per_hour_or_per_tb_is_refused_for_a_monthly_or_per_gb_meter() {
        let zones = query(Meter::Route53HostedZones).expect("queried");
        assert!(check_unit(zones, "HostedZone").is_ok());
        let logs = query(Meter::CloudWatchLogsStorage).expect("queried");
        assert!(check_unit(logs, "GB-Mo").is_ok());
        assert!(check_unit(logs, "GB").is_err());
        let cdn = query(Meter::CloudFrontDataOut).expect("queried");
        assert!(check_unit(cdn, "GB").is_ok());
        assert!(check_unit(cdn, "TB").is_err());
        let nat = query(Meter::NatGatewayHours).expect("queried");
        assert!(check_unit(nat, "Hrs").is_ok());
        assert!(check_unit(nat, "Requests").is_err());
        let gbs = query(Meter::LambdaGbSecondsArm).expect("queried");
        assert!(check_unit(gbs, "Lambda-GB-Second").is_ok());
        assert!(check_unit(gbs, "GB-Seconds").is_ok());
        let shards = query(Meter::KinesisShardHours).expect("queried");
        assert!(check_unit(shards, "ShardHour").is_ok());
        // Words, not letters: "lambda" holds "mb", "outbound" holds "tb", "throughput" "hr".
        let requests = query(Meter::LambdaRequests).expect("queried");
        for unit in [
            "Requests",
            "Lambda-Requests",
            "Outbound-Requests",
            "Throughput",
        ] {
            assert!(check_unit(requests, unit).is_ok(), "{unit}");
        }
    }

    #[test]
    fn every_meter_but_ses_is_queried_once_in_table_order() {
        let meters: Vec<Meter> = QUERIES.iter().map(|q| q.meter).collect();
        let mut sorted = meters.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(meters, sorted, "in Meter order, each once");
        assert!(query(Meter::SesEmails).is_none());
    }
}
