//! The estimator against hand calculations.
//!
//! Each test prices a small, realistic template (tests/cost_fixtures/dev-like.json: seven
//! retail functions plus a kill switch on arm64, five on-demand tables, two queues with Lambda
//! consumers, two topics with an email subscription each, two buckets, an HTTP API, a CDN,
//! three alarms, a budget, anomaly detection and a nightly shutdown schedule) and checks the
//! report against the same month worked out by hand below, from the prices of the embedded
//! table (us-east-1, taken 2026-12-03) written out as numbers, and the same month in Sydney
//! (ap-southeast-2), where the table prices some meters and names the others unpriced.

use serde_json::Value;
use stackgen::cost::report::CostKind;
use stackgen::cost::{
    BuiltinProfile, CostReport, EstimateOptions, FindingKind, Traffic, Usd, compare, estimate,
};

// us-east-1 prices of the embedded table, written out.
const LAMBDA_PER_REQUEST: f64 = 0.20 / 1e6;
const LAMBDA_ARM_PER_GB_S: f64 = 0.000_013_333_4;
const HTTP_API_PER_REQUEST: f64 = 1.00 / 1e6;
const DDB_PER_RRU: f64 = 0.125 / 1e6;
const DDB_PER_WRU: f64 = 0.625 / 1e6;
const DDB_PER_GB_MONTH: f64 = 0.25;
const S3_PER_GB_MONTH: f64 = 0.023;
const S3_PER_PUT: f64 = 0.005 / 1000.0;
const S3_PER_GET: f64 = 0.0004 / 1000.0;
const CDN_PER_GB: f64 = 0.085;
const CDN_PER_REQUEST: f64 = 0.0100 / 10_000.0;
const SQS_PER_REQUEST: f64 = 0.40 / 1e6;
const SNS_PER_PUBLISH: f64 = 0.50 / 1e6;
const SNS_PER_EMAIL: f64 = 2.00 / 100_000.0;
const ALARM_PER_MONTH: f64 = 0.10;
const LOGS_PER_GB: f64 = 0.50;
const LOGS_PER_GB_MONTH: f64 = 0.03;
const SCHEDULER_PER_INVOCATION: f64 = 1.00 / 1e6;
const SES_PER_EMAIL: f64 = 0.10 / 1000.0;

/// Idle SQS polling of one event source mapping: 5 pollers × 3 polls a minute × 60 × 730 h.
const IDLE_POLLS: f64 = 5.0 * 3.0 * 60.0 * 730.0; // 657,000
/// The nightly shutdown: cron(0 22 * * ? *) fires 365/12 times in an average month; the kill
/// switch (128 MB arm64, not in the profiles) is assumed to run 1,000 ms.
const NIGHTLY: f64 = 365.0 / 12.0;
const GIB: f64 = 1_073_741_824.0;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/cost_fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn opts(region: &str) -> EstimateOptions {
    EstimateOptions {
        label: "dev".into(),
        region: region.into(),
        free_tier: false,
        budget: None,
    }
}

fn run(profile: BuiltinProfile) -> CostReport {
    estimate(
        &fixture("dev-like.json"),
        &Traffic::builtin(profile),
        &opts("us-east-1"),
    )
    .expect("estimate")
}

fn within_one_percent(actual: Usd, expected: f64, what: &str) {
    let a = actual.as_f64();
    let tolerance = (expected.abs() * 0.01).max(0.000_01);
    assert!(
        (a - expected).abs() <= tolerance,
        "{what}: report says {a:.6}, hand calculation {expected:.6}"
    );
}

/// The idle cost of the dev-like template, by hand: three standard alarms, two event source
/// mappings polling their queues, and the nightly schedule with the kill switch it invokes.
fn idle_by_hand() -> f64 {
    let alarms = 3.0 * ALARM_PER_MONTH; // 0.30
    let polling = 2.0 * IDLE_POLLS * SQS_PER_REQUEST; // 1,314,000 requests = 0.5256
    let schedule = NIGHTLY * SCHEDULER_PER_INVOCATION;
    let kill_switch =
        NIGHTLY * LAMBDA_PER_REQUEST + NIGHTLY * 1000.0 * 128.0 / 1_024_000.0 * LAMBDA_ARM_PER_GB_S;
    alarms + polling + schedule + kill_switch
}

#[test]
fn idle_profile_is_under_a_dollar_and_names_its_lines() {
    let r = run(BuiltinProfile::Idle);
    let idle = idle_by_hand();
    // Usage under the idle profile is only what is stored: the demo catalog (0.0001 GB, one GSI
    // doubles it) and the UI in the site bucket (0.001 GB).
    let usage = 0.0001 * 2.0 * DDB_PER_GB_MONTH + 0.001 * S3_PER_GB_MONTH;
    within_one_percent(r.totals.idle, idle, "idle cost");
    within_one_percent(r.totals.usage, usage, "usage cost");
    within_one_percent(r.totals.total, idle + usage, "total");
    assert!(
        r.totals.total < Usd::from_dollars(1),
        "idle dev costs {}",
        r.totals.total
    );

    let lines: Vec<(&str, &str)> = r
        .idle_lines
        .iter()
        .map(|l| (l.logical_id.as_str(), l.component.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (
                "ReportBuilderReportRequestsMapping",
                "SQS polling while idle"
            ),
            ("StockAlertsOrderEventsMapping", "SQS polling while idle"),
            ("ApiErrorsAlarm", "standard alarm"),
            ("OrderEventsDeadLetterAlarm", "standard alarm"),
            ("ReportRequestsDeadLetterAlarm", "standard alarm"),
            ("KillSwitchFunction", "scheduled duration (arm64)"),
            ("NightlyShutdownSchedule", "scheduled invocations"),
            ("KillSwitchFunction", "scheduled requests"),
        ]
    );
    let polling = r
        .resource("StockAlertsOrderEventsMapping")
        .expect("mapping");
    assert_eq!(polling.idle, Usd::from_micros(262_800)); // 657,000 × $0.40/M exactly
    assert!(
        r.findings
            .iter()
            .any(|f| f.kind == FindingKind::IdleRequests)
    );
    assert!(
        !r.findings.iter().any(|f| f.kind == FindingKind::GhostSpend),
        "nothing in the dev-like stack is billed by the hour: {:?}",
        r.findings
    );
    let budget = r.budget.as_ref().expect("template budget");
    assert_eq!(budget.monthly_limit, Usd::from_dollars(20));
    assert_eq!(budget.source, "template: Budget");
}

/// The month of the `1m` profile on the dev-like template, by hand from the profile's stated
/// request mix (see `stackgen/cost/src/traffic/builtin.rs`).
fn one_million_by_hand() -> (f64, Vec<(&'static str, f64)>) {
    // Invocations and billed milliseconds per function (count × ms of each route).
    let catalog = (
        183_000.0 + 250_000.0,
        183_000.0 * 40.0 + 250_000.0 * 25.0,
        256.0,
    );
    let cart = (
        220_000.0,
        100_000.0 * 45.0 + 100_000.0 * 50.0 + 20_000.0 * 40.0,
        256.0,
    );
    // Place, list, get; cancel, the staff queue, a staff read, staff moves (3 per order).
    let orders = (
        327_000.0,
        50_000.0 * 180.0
            + 60_000.0 * 40.0
            + 50_000.0 * 30.0
            + 2_000.0 * 70.0
            + 10_000.0 * 45.0
            + 5_000.0 * 30.0
            + 150_000.0 * 50.0,
        256.0,
    );
    // Stock changes, the stock list, photo upload requests.
    let inventory = (
        18_500.0,
        5_000.0 * 40.0 + 13_000.0 * 80.0 + 500.0 * 30.0,
        256.0,
    );
    // Request, list the daily reports, get one.
    let reports = (1_500.0, 500.0 * 50.0 + 500.0 * 40.0 + 500.0 * 30.0, 256.0);
    let stock_alerts = (50_000.0, 50_000.0 * 60.0, 256.0); // one per order event
    let report_builder = (500.0, 500.0 * 2_000.0, 512.0); // one per report request
    // 11 emails per 10 orders placed (ready for pickup; one in ten cancelled), 150 ms each.
    let emails = 50_000.0 * 1.1;
    let order_notifier = (emails, emails * 150.0, 128.0);
    let fns = [
        catalog,
        cart,
        orders,
        inventory,
        reports,
        stock_alerts,
        report_builder,
        order_notifier,
    ];
    let invocations: f64 = fns.iter().map(|f| f.0).sum(); // 1,105,500
    assert_eq!(invocations, 1_105_500.0);
    let gb_s: f64 = fns.iter().map(|f| f.1 * f.2 / 1_024_000.0).sum(); // 13,862.5
    assert_eq!(gb_s, 13_862.5);
    let lambda = invocations * LAMBDA_PER_REQUEST + gb_s * LAMBDA_ARM_PER_GB_S;

    let api = 1_000_000.0 * HTTP_API_PER_REQUEST;

    // Read request units per table.
    let products_rru = 183_000.0 * 1.0
        + 250_000.0 * 0.5
        + 100_000.0 * 2.0
        + 100_000.0 * 0.5
        + 50_000.0 * 2.0
        + 5_000.0 * 0.5
        + 13_000.0 * 12.5
        + 50_000.0 * 2.0
        + 500.0 * 12.5;
    let carts_rru = 100_000.0 * 0.5 + 20_000.0 * 0.5 + 50_000.0 * 0.5;
    let orders_rru = 60_000.0 * 1.0
        + 50_000.0 * 0.5
        + 500.0 * 250.0
        + 2_000.0 * 1.0
        + 10_000.0 * 5.0
        + 5_000.0 * 1.0
        + 150_000.0 * 1.0;
    let jobs_rru = 500.0 * 0.5 + 500.0 * 1.0;
    let rru = products_rru + carts_rru + orders_rru + jobs_rru;
    assert_eq!(rru, 1_432_000.0);
    // Write request units; Products and Orders have one GSI each in the fixture, which doubles
    // their writes. A cancel returns ~4 lines to stock (8 WRU) and moves the order (4 WRU).
    // Orders, stock changes, cancels, photo uploads marking the product.
    let products_wru = (50_000.0 * 8.0 + 5_000.0 * 1.0 + 2_000.0 * 8.0 + 500.0 * 1.0) * 2.0;
    let carts_wru = 100_000.0 * 1.0 + 20_000.0 * 4.0 + 50_000.0 * 4.0;
    let orders_wru = (50_000.0 * 4.0 + 2_000.0 * 4.0 + 150_000.0 * 4.0) * 2.0;
    // Order keys, stock-alert claims, one email claim per email.
    let idempotency_wru = 50_000.0 * 2.0 + 50_000.0 * 1.0 + emails;
    let jobs_wru = 500.0 * 1.0 + 500.0 * 2.0;
    let wru = products_wru + carts_wru + orders_wru + idempotency_wru + jobs_wru;
    assert_eq!(wru, 3_045_500.0);
    let storage_gb = 0.00025 * 2.0 + 0.005 + 0.075 * 2.0 + 0.002 + 0.0005;
    let dynamodb = rru * DDB_PER_RRU + wru * DDB_PER_WRU + storage_gb * DDB_PER_GB_MONTH;

    // SQS: 3 requests per message, plus the idle polling of both mappings.
    let sqs = (50_000.0 + 500.0) * 3.0 * SQS_PER_REQUEST + 2.0 * IDLE_POLLS * SQS_PER_REQUEST;
    // SNS: one order in twenty raises a stock alert, delivered to one email subscription.
    let alerts = 50_000.0 * 0.05;
    let sns = alerts * SNS_PER_PUBLISH + alerts * SNS_PER_EMAIL;

    // S3: the site bucket holds 1 MB and serves the 5% of 400,000 static requests the CDN
    // misses; the reports bucket gets 2 objects of 100 KB per report and one download per
    // report fetched.
    let static_requests = 1_000_000.0 * 0.4;
    let site = 0.001 * S3_PER_GB_MONTH + static_requests * 0.05 * S3_PER_GET;
    let reports_stored_gb = 500.0 * 2.0 * 100.0 / 1_048_576.0;
    let reports_bucket =
        reports_stored_gb * S3_PER_GB_MONTH + 1_000.0 * S3_PER_PUT + 500.0 * S3_PER_GET;

    // CDN: API responses (KB per route × count) plus static assets of 25 KB.
    let api_kb = 183_000.0 * 6.0
        + 250_000.0 * 1.0
        + 100_000.0 * 2.0
        + 100_000.0 * 2.0
        + 20_000.0 * 1.0
        + 50_000.0 * 1.0
        + 60_000.0 * 3.0
        + 50_000.0 * 2.0
        + 5_000.0 * 1.0
        + 13_000.0 * 40.0
        + 500.0 * 2.0
        + 500.0
        + 500.0
        + 500.0 * 6.0
        + 2_000.0 * 2.0
        + 10_000.0 * 40.0
        + 5_000.0 * 2.0
        + 150_000.0 * 2.0;
    // Photos: 8 thumbnails of 30 KB per catalog listing, one 150 KB detail per product view.
    let image_requests = 183_000.0 * 8.0 + 250_000.0;
    let image_kb = 183_000.0 * 8.0 * 30.0 + 250_000.0 * 150.0;
    let cdn_gb = (api_kb + static_requests * 25.0 + image_kb) / 1_048_576.0;
    let cdn =
        cdn_gb * CDN_PER_GB + (1_000_000.0 + static_requests + image_requests) * CDN_PER_REQUEST;

    // Logs: 600 bytes per invocation, kept 7 days.
    let log_gb = invocations * 600.0 / GIB;
    let logs = log_gb * LOGS_PER_GB + log_gb * 7.0 * 12.0 / 365.0 * LOGS_PER_GB_MONTH;

    // SES: $0.10 per 1,000 emails.
    let ses = emails * SES_PER_EMAIL;

    let other_idle = idle_by_hand() - 2.0 * IDLE_POLLS * SQS_PER_REQUEST; // alarms, schedule
    let total =
        lambda + api + dynamodb + sqs + sns + ses + site + reports_bucket + cdn + logs + other_idle;
    (
        total,
        vec![
            ("lambda", lambda),
            ("api", api),
            ("dynamodb", dynamodb),
            ("ses", ses),
            ("cdn", cdn),
            ("logs", logs),
        ],
    )
}

fn sum_of_type(r: &CostReport, ty: &str) -> Usd {
    r.resources
        .iter()
        .filter(|x| x.resource_type == ty)
        .map(|x| x.total)
        .sum()
}

#[test]
fn one_million_requests_match_the_hand_calculation() {
    let r = run(BuiltinProfile::OneMillion);
    let (total, parts) = one_million_by_hand();
    within_one_percent(r.totals.total, total, "1m total");
    for (what, expected) in parts {
        let actual = match what {
            "lambda" => r
                .resources
                .iter()
                .filter(|x| x.resource_type == "AWS::Lambda::Function")
                .flat_map(|x| x.components.iter())
                .filter(|c| c.kind == CostKind::Usage && !c.name.starts_with("logs"))
                .map(|c| c.monthly)
                .sum(),
            "api" => sum_of_type(&r, "AWS::ApiGatewayV2::Api"),
            "dynamodb" => sum_of_type(&r, "AWS::DynamoDB::Table"),
            "ses" => sum_of_type(&r, "AWS::SES::EmailIdentity"),
            "cdn" => sum_of_type(&r, "AWS::CloudFront::Distribution"),
            "logs" => sum_of_type(&r, "AWS::Logs::LogGroup"),
            _ => unreachable!(),
        };
        within_one_percent(actual, expected, what);
    }
    // Lines that are exact at these volumes.
    assert_eq!(
        sum_of_type(&r, "AWS::ApiGatewayV2::Api"),
        Usd::from_dollars(1)
    );
    let cdn = r.resource("Cdn").expect("cdn");
    let requests = cdn
        .components
        .iter()
        .find(|c| c.name == "HTTPS requests")
        .expect("requests");
    // 1,400,000 + 1,714,000 photos × $0.0100 per 10,000.
    assert_eq!(requests.monthly, Usd::from_micros(3_114_000));
    let budget_row = r
        .profiles
        .iter()
        .find(|p| p.profile == "1m")
        .expect("1m row");
    assert_eq!(budget_row.total, r.totals.total);
    assert_eq!(
        budget_row.headroom,
        Some(Usd::from_dollars(20) - r.totals.total)
    );
}

#[test]
fn demo_profile_matches_the_hand_calculation() {
    let r = run(BuiltinProfile::Demo);
    // 10,000 requests: the 1m mix at 1/100, on top of the same idle cost; 550 emails.
    let invocations = 10_505.0 + 550.0;
    let gb_s = 128.3125 + 550.0 * 150.0 * 128.0 / 1_024_000.0;
    let lambda = invocations * LAMBDA_PER_REQUEST + gb_s * LAMBDA_ARM_PER_GB_S;
    let api = 10_000.0 * HTTP_API_PER_REQUEST;
    let rru = 14_320.0;
    let wru = 29_905.0 + 550.0;
    let storage_gb = 0.0001 * 2.0 + 0.0001 + 0.00075 * 2.0 + 0.00002 + 0.000005;
    let dynamodb = rru * DDB_PER_RRU + wru * DDB_PER_WRU + storage_gb * DDB_PER_GB_MONTH;
    let sqs = (500.0 + 5.0) * 3.0 * SQS_PER_REQUEST;
    let sns = 25.0 * SNS_PER_PUBLISH + 25.0 * SNS_PER_EMAIL;
    let s3 = 0.001 * S3_PER_GB_MONTH
        + 200.0 * S3_PER_GET
        + 5.0 * 2.0 * 100.0 / 1_048_576.0 * S3_PER_GB_MONTH
        + 10.0 * S3_PER_PUT
        + 5.0 * S3_PER_GET;
    // API and static responses, then 14,640 thumbnails of 30 KB and 2,500 details of 150 KB.
    let cdn = (133_420.0 + 814_200.0) / 1_048_576.0 * CDN_PER_GB + 31_140.0 * CDN_PER_REQUEST;
    let log_gb = invocations * 600.0 / GIB;
    let logs = log_gb * LOGS_PER_GB + log_gb * 7.0 * 12.0 / 365.0 * LOGS_PER_GB_MONTH;
    let ses = 550.0 * SES_PER_EMAIL;
    let usage = lambda + api + dynamodb + sqs + sns + ses + s3 + cdn + logs;
    within_one_percent(r.totals.usage, usage, "demo usage");
    within_one_percent(r.totals.idle, idle_by_hand(), "demo idle");
    within_one_percent(r.totals.total, usage + idle_by_hand(), "demo total");
}

// ap-southeast-2 prices of the embedded table, written out (the meters it covers there).
const SYD_LAMBDA_PER_REQUEST: f64 = 0.20 / 1e6;
const SYD_LAMBDA_ARM_PER_GB_S: f64 = 0.000_013_333_4;
/// Australia and New Zealand viewers: the first band of CloudFront's data transfer out.
const SYD_CDN_PER_GB: f64 = 0.114;
const SYD_CDN_PER_REQUEST: f64 = 0.0125 / 10_000.0;

/// The demo month in Sydney. The table prices Lambda and CloudFront there (and Route 53, WAF,
/// Budgets, which the fixture does not use at a charge); everything else the month uses is
/// listed with its quantity, unpriced, and named in one warning.
#[test]
fn demo_in_sydney_prices_what_the_table_covers_and_names_the_rest() {
    let r = estimate(
        &fixture("dev-like.json"),
        &Traffic::builtin(BuiltinProfile::Demo),
        &opts("ap-southeast-2"),
    )
    .expect("estimate");
    let invocations = 10_505.0 + 550.0;
    let gb_s = 128.3125 + 550.0 * 150.0 * 128.0 / 1_024_000.0;
    let lambda = invocations * SYD_LAMBDA_PER_REQUEST + gb_s * SYD_LAMBDA_ARM_PER_GB_S;
    let cdn =
        (133_420.0 + 814_200.0) / 1_048_576.0 * SYD_CDN_PER_GB + 31_140.0 * SYD_CDN_PER_REQUEST;
    let kill_switch = NIGHTLY * SYD_LAMBDA_PER_REQUEST
        + NIGHTLY * 1000.0 * 128.0 / 1_024_000.0 * SYD_LAMBDA_ARM_PER_GB_S;
    within_one_percent(r.totals.usage, lambda + cdn, "Sydney demo usage");
    within_one_percent(r.totals.idle, kill_switch, "Sydney demo idle");
    within_one_percent(
        sum_of_type(&r, "AWS::CloudFront::Distribution"),
        cdn,
        "Sydney CDN",
    );

    // Unpriced, not guessed: the lines are there with their quantities and cost nothing.
    let table = r.resource("ProductsTable").expect("a table");
    assert!(table.components.iter().all(|c| c.unit_price == "n/a"));
    assert!(table.components.iter().any(|c| !c.quantity.is_zero()));
    assert!(r.unpriced_lines > 0);
    let warning = &r.warnings[0];
    for meter in [
        "http-api-requests",
        "dynamo-db-write-request-units",
        "sqs-requests",
    ] {
        assert!(warning.contains(meter), "{warning}");
    }
    assert!(warning.starts_with("the price table (taken 2026-12-03) has no ap-southeast-2 price"));
    let used: Vec<(&str, &str)> = r
        .prices
        .iter()
        .map(|p| (p.meter.as_str(), p.basis.as_str()))
        .collect();
    assert!(used.contains(&("lambda-requests", "checked")), "{used:?}");
    assert!(
        used.contains(&("cloud-front-data-out", "checked")),
        "{used:?}"
    );
}

#[test]
fn every_profile_has_a_budget_row_and_usage_grows_with_traffic() {
    let r = run(BuiltinProfile::Idle);
    let names: Vec<&str> = r.profiles.iter().map(|p| p.profile.as_str()).collect();
    assert_eq!(names, ["idle", "demo", "1m"]);
    assert!(r.profiles[0].total < r.profiles[1].total);
    assert!(r.profiles[1].total < r.profiles[2].total);
    for p in &r.profiles {
        assert_eq!(
            p.idle, r.totals.idle,
            "idle cost does not depend on traffic"
        );
        assert_eq!(p.headroom, Some(Usd::from_dollars(20) - p.total));
    }
}

#[test]
fn free_tier_covers_a_quiet_month() {
    let mut o = opts("us-east-1");
    o.free_tier = true;
    let r = estimate(
        &fixture("dev-like.json"),
        &Traffic::builtin(BuiltinProfile::Demo),
        &o,
    )
    .expect("estimate");
    // Always-free: 1M Lambda requests, 400,000 GB-s, 1M SQS requests (the 1,315,515 SQS
    // requests exceed it by 315,515), 10 alarms, 1,000 emails, 1M publishes, 25 GB DynamoDB,
    // 5 GB logs, 1 TB + 10M CDN requests, 14M schedules. Left: HTTP API, DynamoDB requests,
    // S3, SES (its free tier is for a new account's first year only, so not counted), and SQS
    // beyond the free million.
    let sqs_over = (2.0 * IDLE_POLLS + 505.0 * 3.0 - 1_000_000.0) * SQS_PER_REQUEST;
    let api = 10_000.0 * HTTP_API_PER_REQUEST;
    let ddb = 14_320.0 * DDB_PER_RRU + (29_905.0 + 550.0) * DDB_PER_WRU;
    let ses = 550.0 * SES_PER_EMAIL;
    let s3 = 0.001 * S3_PER_GB_MONTH
        + 200.0 * S3_PER_GET
        + 5.0 * 2.0 * 100.0 / 1_048_576.0 * S3_PER_GB_MONTH
        + 10.0 * S3_PER_PUT
        + 5.0 * S3_PER_GET;
    within_one_percent(
        r.totals.total,
        sqs_over + api + ddb + ses + s3,
        "demo with free tier",
    );
    assert!(r.free_tier);
    let alarm = r.resource("ApiErrorsAlarm").expect("alarm");
    assert_eq!(alarm.total, Usd::ZERO);
    assert!(alarm.components[0].formula.contains("free tier"));
}

#[test]
fn eu_west_1_uses_its_own_prices() {
    let r = estimate(
        &fixture("dev-like.json"),
        &Traffic::builtin(BuiltinProfile::OneMillion),
        &opts("eu-west-1"),
    )
    .expect("estimate");
    // HTTP API in Ireland: $1.11 per million.
    assert_eq!(
        sum_of_type(&r, "AWS::ApiGatewayV2::Api"),
        Usd::from_micros(1_110_000)
    );
    // CDN requests from European viewers: $0.0120 per 10,000.
    let cdn = r.resource("Cdn").expect("cdn");
    let requests = cdn
        .components
        .iter()
        .find(|c| c.name == "HTTPS requests")
        .expect("requests");
    assert_eq!(requests.monthly, Usd::from_micros(3_736_800)); // 3,114,000 requests
    assert!(r.prices.iter().any(|p| p.basis == "from memory"));
}

#[test]
fn an_unpriced_region_is_refused_by_name() {
    let e = estimate(
        &fixture("dev-like.json"),
        &Traffic::builtin(BuiltinProfile::Idle),
        &opts("ap-southeast-9"),
    )
    .expect_err("no prices");
    let msg = e.to_string();
    assert!(
        msg.contains("ap-southeast-9") && msg.contains("us-east-1, eu-west-1"),
        "{msg}"
    );
}

#[test]
fn hourly_resources_are_ghost_spend_and_unknown_types_are_named() {
    let mut t = fixture("dev-like.json");
    let res = t["Resources"].as_object_mut().expect("resources");
    res.insert(
        "Nat".into(),
        serde_json::json!({"Type": "AWS::EC2::NatGateway", "Properties": {}}),
    );
    res.insert(
        "NatIp".into(),
        serde_json::json!({"Type": "AWS::EC2::EIP", "Properties": {}}),
    );
    res.insert(
        "Db".into(),
        serde_json::json!({"Type": "AWS::RDS::DBInstance", "Properties": {}}),
    );
    res.insert(
        "Legacy".into(),
        serde_json::json!({"Type": "AWS::DynamoDB::Table", "Properties": {
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}}),
    );
    res.insert(
        "Forever".into(),
        serde_json::json!({"Type": "AWS::Logs::LogGroup", "Properties": {}}),
    );
    res.insert(
        "Thing".into(),
        serde_json::json!({"Type": "AWS::Foo::Bar", "Properties": {}}),
    );
    // A function whose log group the template does not declare.
    res.remove("CatalogLogGroup");
    let r = estimate(
        &t,
        &Traffic::builtin(BuiltinProfile::Idle),
        &opts("us-east-1"),
    )
    .expect("estimate");

    let ghost = |id: &str| {
        r.findings
            .iter()
            .find(|f| f.logical_id == id && f.kind == FindingKind::GhostSpend)
            .unwrap_or_else(|| panic!("no ghost-spend finding for {id}: {:?}", r.findings))
    };
    // NAT gateway: 730 h × $0.045; public IPv4: 730 h × $0.005.
    assert_eq!(ghost("Nat").monthly, Some(Usd::from_micros(32_850_000)));
    assert_eq!(ghost("NatIp").monthly, Some(Usd::from_micros(3_650_000)));
    // Provisioned table: 5 WCU × 730 h × $0.00065 + 5 RCU × 730 h × $0.00013.
    assert_eq!(ghost("Legacy").monthly, Some(Usd::from_micros(2_847_000)));
    // RDS is billed by the hour but not in the table: named, not silently dropped.
    assert_eq!(ghost("Db").monthly, None);
    assert!(ghost("Db").message.contains("EXCLUDED"));
    assert!(
        r.findings
            .iter()
            .any(|f| f.logical_id == "Forever" && f.kind == FindingKind::NeverExpiringLogs)
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.logical_id == "CatalogFunction" && f.kind == FindingKind::UnmanagedLogGroup)
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("Thing") && w.contains("AWS::Foo::Bar"))
    );
    assert!(
        r.idle_lines[0].logical_id == "Nat",
        "largest idle line first: {:?}",
        r.idle_lines
    );
}

/// The estimator and the no-ghost-spend guardrail read one table of always-on types
/// (`stackgen_model::billing`): every type the guardrail refuses is ghost spend in the estimate,
/// priced where the table has a meter and named as excluded otherwise.
#[test]
fn every_always_on_type_of_the_model_is_ghost_spend() {
    let mut t = fixture("dev-like.json");
    let res = t["Resources"].as_object_mut().expect("resources");
    let ids: Vec<String> = (0..stackgen_model::billing::ALWAYS_ON.len())
        .map(|i| format!("AlwaysOn{i}"))
        .collect();
    for (id, a) in ids.iter().zip(stackgen_model::billing::ALWAYS_ON) {
        // An endpoint bills by the hour only as an interface endpoint (gateway ones are free).
        let props = match a.type_name {
            "AWS::EC2::VPCEndpoint" => serde_json::json!({"VpcEndpointType": "Interface"}),
            _ => serde_json::json!({}),
        };
        res.insert(
            id.clone(),
            serde_json::json!({"Type": a.type_name, "Properties": props}),
        );
    }
    let r = estimate(
        &t,
        &Traffic::builtin(BuiltinProfile::Idle),
        &opts("us-east-1"),
    )
    .expect("estimate");
    for (id, a) in ids.iter().zip(stackgen_model::billing::ALWAYS_ON) {
        let finding = r
            .findings
            .iter()
            .find(|f| &f.logical_id == id && f.kind == FindingKind::GhostSpend);
        assert!(
            finding.is_some(),
            "{} ({}) is always on but not ghost spend in the estimate: {:?}",
            id,
            a.type_name,
            r.findings
        );
    }
}

#[test]
fn compare_shows_what_prod_adds() {
    let dev = run(BuiltinProfile::OneMillion);
    let prod = estimate(
        &fixture("prod-like.json"),
        &Traffic::builtin(BuiltinProfile::OneMillion),
        &EstimateOptions {
            label: "prod".into(),
            ..opts("us-east-1")
        },
    )
    .expect("estimate");
    let d = compare(&dev, &prod);
    assert!(d.has_changes());
    assert_eq!(d.delta.total, prod.totals.total - dev.totals.total);
    let row = |id: &str| {
        d.rows
            .iter()
            .find(|r| r.logical_id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    // Added: a dashboard ($3.00) and a high-resolution alarm (period 60 s is standard: $0.10).
    assert_eq!(row("Dashboard").delta_total, Usd::from_dollars(3));
    assert_eq!(row("OrdersThrottleAlarm").delta_idle, Usd::from_cents(10));
    // Removed: the nightly schedule.
    assert!(row("NightlyShutdownSchedule").delta_total < Usd::ZERO);
    // Changed: PITR on the orders table (0.15 GB-month × $0.20).
    assert_eq!(row("OrdersTable").delta_usage, Usd::from_micros(30_000));
    // The dashboard is the largest change and comes first.
    assert_eq!(d.rows[0].logical_id, "Dashboard");
    let same = compare(&dev, &dev);
    assert!(!same.has_changes());
    assert_eq!(same.delta.total, Usd::ZERO);
}

#[test]
fn a_json_report_round_trips_as_a_compare_base() {
    let r = run(BuiltinProfile::Demo);
    let text = stackgen::cost::render::report(&r, stackgen::cost::Format::Json);
    let back = CostReport::from_json(&text).expect("parses");
    assert_eq!(back.totals, r.totals);
    assert!(!compare(&back, &r).has_changes());
    assert!(CostReport::from_json("{\"schema\": \"other\"}").is_err());
}

/// Numbers a profile allows (each at most a trillion) whose product runs out of the estimate's
/// arithmetic: refused, naming the resource and the line, never printed as a price (a line
/// once came out capped, and silently wrong).
#[test]
fn a_month_too_large_to_price_is_refused_by_name() {
    let traffic = Traffic::from_yaml(
        std::path::Path::new("huge.yaml"),
        "functions:\n  catalog: { invocations: 1000000000000, avg_duration_ms: 900000 }\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let refused = estimate(&fixture("dev-like.json"), &traffic, &opts("us-east-1"));
    let message = refused
        .err()
        .map(|e| e.to_string())
        .unwrap_or_else(|| panic!("the estimate was priced"));
    assert!(
        message.contains("CatalogFunction") && message.contains("too large to price"),
        "{message}"
    );
}
