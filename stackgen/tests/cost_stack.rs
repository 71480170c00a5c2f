//! The estimator on the real retail stack: every environment's rendered template, as
//! `cost-report` will read it.

use std::path::Path;

use stackgen::cost::{
    BuiltinProfile, CostReport, EstimateOptions, FindingKind, Traffic, Usd, estimate,
};
use stackgen::env;
use stackgen::model::Format as TemplateFormat;
use stackgen::stack;

fn rendered(name: &str) -> (serde_json::Value, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
    let e = env::load_named(&dir, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let s = stack::build(&e).unwrap_or_else(|e| panic!("{name}: {e}"));
    let json = |t: &stackgen::model::Template| -> serde_json::Value {
        serde_json::from_str(&t.render(TemplateFormat::Json).expect("renders")).expect("json")
    };
    // Every stack of the environment, as `stackgen cost-report` estimates it.
    let companions: Vec<(String, serde_json::Value)> = s
        .companions
        .iter()
        .map(|c| (c.name.clone(), json(&c.template)))
        .collect();
    (
        stackgen::cost::whole_environment(&s.name, &json(&s.template), &companions),
        e.region.clone(),
    )
}

fn report(name: &str, p: BuiltinProfile) -> CostReport {
    report_with(name, p, false)
}

fn report_with(name: &str, p: BuiltinProfile, free_tier: bool) -> CostReport {
    let (t, region) = rendered(name);
    estimate(
        &t,
        &Traffic::builtin(p),
        &EstimateOptions {
            label: name.into(),
            region,
            free_tier,
            budget: None,
        },
    )
    .expect("estimate")
}

fn idle_lines(r: &CostReport) -> String {
    let mut lines = String::new();
    for l in &r.idle_lines {
        lines.push_str(&format!(
            "{} {} {}\n",
            l.monthly.display(),
            l.logical_id,
            l.component
        ));
    }
    lines
}

/// Idle dev stays under a dollar a month in an account whose always-free allowances it has to
/// itself (10 alarm metrics, 3 dashboards, 1M SQS requests): what is left is alarms beyond the
/// tenth and SQS polling beyond the free million.
#[test]
fn idle_dev_is_under_a_dollar_within_the_free_tier_and_names_its_lines() {
    let r = report_with("dev", BuiltinProfile::Idle, true);
    assert!(
        r.totals.total < Usd::from_dollars(1),
        "idle dev costs {} a month with the free tier; idle lines:\n{}",
        r.totals.total,
        idle_lines(&r)
    );
    assert!(
        !r.idle_lines.is_empty(),
        "the report names the lines of the idle cost"
    );
    let idle_sum: Usd = r.idle_lines.iter().map(|l| l.monthly).sum();
    assert_eq!(
        idle_sum, r.totals.idle,
        "the idle lines add up to the idle cost"
    );
    assert!(r.budget.is_some(), "dev declares a budget: {:?}", r.budget);
}

/// At list price, without any free tier: dev.yaml turns the dashboard and the per-function
/// alarms off, so the idle month is five alarms (API 5xx, three dead-letter queues, the order
/// notifier's stream failures) and the three
/// queue mappings' polling — $1.29, each line named. prod keeps both and itemises them.
#[test]
fn idle_dev_is_a_dollar_thirty_at_list_price_and_prod_itemises_dashboard_and_alarms() {
    let r = report("dev", BuiltinProfile::Idle);
    let idle_sum: Usd = r.idle_lines.iter().map(|l| l.monthly).sum();
    assert_eq!(idle_sum, r.totals.idle, "{}", idle_lines(&r));
    let count = |r: &CostReport, what: &str| {
        r.idle_lines.iter().filter(|l| l.component == what).count() as i64
    };
    assert_eq!(count(&r, "dashboard"), 0, "{}", idle_lines(&r));
    assert_eq!(count(&r, "standard alarm"), 5, "{}", idle_lines(&r));
    assert_eq!(count(&r, "SQS polling while idle"), 3, "{}", idle_lines(&r));
    // $0.10 per alarm, 657,000 polls × $0.40/M per queue mapping: $1.2884; plus the kill
    // switch's nightly shutdown (dev.yaml: `cron(0 22 * * ? *)`, 365/12 = 30.42 a month):
    // 30.42 × $1.00/M scheduler invocations = $0.000030, 30.42 × $0.20/M Lambda requests =
    // $0.000006, 30.42 × 1 s (assumed) × 0.125 GB × $0.0000133334/GB-s (arm64) = $0.000051.
    let kill_switch_schedule = Usd::from_micros(30 + 6 + 51);
    assert_eq!(
        r.idle_lines
            .iter()
            .filter(|l| l.logical_id.starts_with("KillSwitch"))
            .count(),
        3,
        "{}",
        idle_lines(&r)
    );
    // The hourly order expiry (`rate(1 hour)`: 730 a month): 730 × $1.00/M = $0.000730,
    // 730 × $0.20/M = $0.000146, 730 × 1 s × 0.125 GB × $0.0000133334/GB-s = $0.001217.
    let expiry_schedule = Usd::from_micros(730 + 146 + 1_217);
    assert_eq!(
        r.idle_lines
            .iter()
            .filter(|l| l.logical_id.starts_with("OrderExpiry"))
            .count(),
        3,
        "{}",
        idle_lines(&r)
    );
    let by_hand = Usd::from_cents(50)
        + Usd::from_micros(3 * 262_800)
        + kill_switch_schedule
        + expiry_schedule;
    assert_eq!(r.totals.idle, by_hand, "{}", idle_lines(&r));
    assert!(r.totals.total < Usd::from_cents(130), "{}", idle_lines(&r));

    let prod = report("prod", BuiltinProfile::Idle);
    assert_eq!(count(&prod, "dashboard"), 1, "{}", idle_lines(&prod));
    assert!(
        count(&prod, "standard alarm") > 3,
        "prod alarms on every function: {}",
        idle_lines(&prod)
    );
}

#[test]
fn every_environment_is_fully_understood_by_the_estimator() {
    for name in ["local", "dev", "prod"] {
        for p in BuiltinProfile::ALL {
            let r = report(name, p);
            let unexpected: Vec<&String> = r
                .warnings
                .iter()
                .filter(|w| {
                    w.contains("no rule for this type")
                        || (w.contains("names no") && !w.contains("CDN"))
                        || w.contains("not a literal number")
                })
                .collect();
            // `local` has no CDN (moto has none): its site bucket usage has no distribution to
            // be counted against and the profile's CDN traffic is reported as unpriced.
            let unexpected: Vec<&&String> = unexpected
                .iter()
                .filter(|w| !(name == "local" && w.contains("bucket `site`")))
                .collect();
            assert!(
                unexpected.is_empty(),
                "{name}/{}: {unexpected:#?}",
                p.name()
            );
            // A web ACL is billed by the month whether used or not: only where the
            // environment asks for one (`features.waf`, on by default where data is protected).
            let waf = env::load_named(
                &Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments"),
                name,
            )
            .is_ok_and(|e| e.waf_enabled());
            let hourly: Vec<_> = r
                .findings
                .iter()
                .filter(|f| f.kind == FindingKind::GhostSpend)
                .filter(|f| !(waf && f.resource_type == "AWS::WAFv2::WebACL"))
                .collect();
            assert!(
                hourly.is_empty(),
                "{name} has hourly-billed resources: {hourly:#?}"
            );
            let unmanaged: Vec<_> = r
                .findings
                .iter()
                .filter(|f| f.kind == FindingKind::UnmanagedLogGroup)
                .collect();
            assert!(
                unmanaged.is_empty(),
                "{name}: every function's log group is declared: {unmanaged:#?}"
            );
        }
    }
}

#[test]
fn one_million_requests_reach_every_retail_function_and_table() {
    let r = report("dev", BuiltinProfile::OneMillion);
    for f in retail_spec::FUNCTIONS {
        if matches!(
            f.trigger,
            retail_spec::Trigger::Topic { .. } | retail_spec::Trigger::Schedule { .. }
        ) {
            // The kill switch and the order expiry: no request traffic reaches them (only
            // their schedules, an idle cost).
            continue;
        }
        let priced = r.resources.iter().any(|res| {
            res.resource_type == "AWS::Lambda::Function"
                && !res.usage.is_zero()
                && res
                    .components
                    .iter()
                    .any(|c| c.formula.contains("invocations"))
                && stackgen::cost::traffic::normalize(&res.logical_id)
                    .contains(&stackgen::cost::traffic::normalize(f.id))
        });
        assert!(priced, "function {} has no usage under 1m", f.id);
    }
    for t in retail_spec::TABLES {
        let priced = r.resources.iter().any(|res| {
            res.resource_type == "AWS::DynamoDB::Table"
                && !res.usage.is_zero()
                && res.logical_id.contains(t.id)
        });
        assert!(priced, "table {} has no usage under 1m", t.id);
    }
    assert!(r.totals.usage > r.totals.idle);
}

/// The user pool is priced per monthly active user at its plan's price (Lite, $0.0055), nothing
/// while idle; the always-free 10,000 users cover the demo month.
#[test]
fn the_user_pool_costs_per_monthly_active_user_and_nothing_idle() {
    let pool = |r: &CostReport| {
        r.resources
            .iter()
            .find(|res| res.resource_type == "AWS::Cognito::UserPool")
            .cloned()
            .unwrap_or_else(|| panic!("no user pool priced"))
    };
    let idle = report("dev", BuiltinProfile::Idle);
    assert!(pool(&idle).usage.is_zero());
    assert!(idle.idle_lines.iter().all(|l| l.logical_id != "UserPool"));
    // 1m: 25,000 users at list price (no free tier) = 25,000 × $0.0055 = $137.50.
    let busy = report("dev", BuiltinProfile::OneMillion);
    let p = pool(&busy);
    assert_eq!(p.usage, Usd::from_cents(13_750), "{:?}", p.components);
    assert!(
        p.components
            .iter()
            .any(|c| c.formula.contains("25,000") || c.formula.contains("25000")),
        "{:?}",
        p.components
    );
    // With the free tier, 10,000 of them are free: 15,000 × $0.0055 = $82.50.
    let free = report_with("dev", BuiltinProfile::OneMillion, true);
    assert_eq!(pool(&free).usage, Usd::from_cents(8_250));
}

/// prod traces its functions (`features.tracing`): each function's X-Ray traces are priced from
/// its invocations under Lambda's fixed sampling, and the account's 100,000 free traces apply
/// with `--free-tier`. dev does not trace, so it has no such line.
#[test]
fn traced_functions_price_their_xray_traces() {
    let traces = |r: &CostReport| -> Vec<(String, String)> {
        r.resources
            .iter()
            .flat_map(|res| {
                res.components
                    .iter()
                    .filter(|c| c.meter.as_deref() == Some("x-ray-traces-recorded"))
                    .map(|c| (res.logical_id.clone(), c.quantity.display()))
            })
            .collect()
    };
    let prod = report("prod", BuiltinProfile::OneMillion);
    let lines = traces(&prod);
    let catalog: Vec<&(String, String)> = lines
        .iter()
        .filter(|(id, _)| id == "CatalogFunction")
        .collect();
    assert_eq!(catalog.len(), 1, "one line per function invoked: {lines:?}");
    assert!(
        lines
            .iter()
            .any(|(id, q)| id == "OrderExpiryFunction" && q == "730"),
        "the hourly expiry's scheduled invocations are traced too: {lines:?}"
    );
    let catalog_requests = prod
        .resources
        .iter()
        .find(|r| r.logical_id == "CatalogFunction")
        .and_then(|r| r.components.iter().find(|c| c.name == "requests"))
        .map(|c| c.quantity.display())
        .expect("catalog requests");
    // Under one invocation a second on average, every invocation is traced.
    assert_eq!(catalog[0].1, catalog_requests);
    assert!(
        prod.prices
            .iter()
            .any(|p| p.meter == "x-ray-traces-recorded")
    );
    let free = report_with("prod", BuiltinProfile::OneMillion, true);
    let free_traces: Vec<_> = free
        .resources
        .iter()
        .flat_map(|r| &r.components)
        .filter(|c| c.meter.as_deref() == Some("x-ray-traces-recorded"))
        .collect();
    assert!(free_traces.iter().any(|c| !c.free_quantity.is_zero()));
    assert!(traces(&report("dev", BuiltinProfile::OneMillion)).is_empty());
}

#[test]
fn prod_is_priced_stack_by_stack_with_its_web_acls() {
    let r = report("prod", BuiltinProfile::Idle);
    let stacks: Vec<&str> = r.stacks.iter().map(|s| s.stack.as_str()).collect();
    assert_eq!(stacks, ["grocer-prod", "grocer-prod-global"]);
    // The CDN's web ACL: $5.00 a month and $1.00 for each of its 6 rules (3 managed groups, the
    // large-body rule, the orders and the requests rate limits); the certificate is free.
    let global = &r.stacks[1];
    assert_eq!(global.idle, Usd::from_dollars(5) + Usd::from_dollars(6));
    assert!(
        r.resources.iter().any(
            |res| res.logical_id == "grocer-prod-global/StorefrontCertificate"
                && res.total == Usd::ZERO
        ) || r
            .free_resources
            .iter()
            .any(|f| f.logical_id == "grocer-prod-global/StorefrontCertificate"),
        "{:#?}",
        r.free_resources
    );
    // The user pool's web ACL in the main stack: $5.00 and 2 rules.
    let sign_in = r
        .resources
        .iter()
        .find(|res| res.logical_id == "SignInWebAcl")
        .map(|res| res.idle);
    assert_eq!(sign_in, Some(Usd::from_dollars(7)));
    let sum = r.stacks.iter().fold(Usd::ZERO, |a, s| a + s.total);
    assert_eq!(sum, r.totals.total);
    // One stack: no per-stack lines.
    assert!(report("dev", BuiltinProfile::Idle).stacks.is_empty());
}

/// Product photos at the `1m` profile's upload rate (500 a month), on dev in eu-west-1, by
/// hand from the profile's stated assumptions (stackgen/cost/src/traffic/builtin.rs) and the
/// region's list prices.
#[test]
fn photos_are_priced_per_upload_and_per_view() {
    let r = report("dev", BuiltinProfile::OneMillion);
    let component = |id: &str, name: &str| {
        r.resource(id)
            .and_then(|res| res.components.iter().find(|c| c.name == name))
            .map(|c| c.monthly)
            .unwrap_or_else(|| panic!("{id} has no `{name}` line"))
    };
    // The image function: 500 invocations of 800 ms at 1,024 MB = 400 GB-s × $0.0000133334
    // (arm64) = $0.005333; 500 requests × $0.20/M = $0.0001.
    assert_eq!(
        component("ImagesFunction", "duration (arm64)"),
        Usd::from_micros(5_333)
    );
    assert_eq!(
        component("ImagesFunction", "requests"),
        Usd::from_micros(100)
    );
    // The images bucket: 500 products × 2 sizes × 90 KB = 0.0858 GB × $0.023 = $0.001974;
    // 1,000 PUTs × $0.005/1,000 = $0.005; 1% of 1,714,000 image views miss the CDN: 17,140
    // GETs × $0.0004/1,000 = $0.006856.
    assert_eq!(
        component("ImagesBucket", "standard storage"),
        Usd::from_micros(1_974)
    );
    assert_eq!(
        component("ImagesBucket", "PUT requests"),
        Usd::from_micros(5_000)
    );
    assert_eq!(
        component("ImagesBucket", "GET requests"),
        Usd::from_micros(6_856)
    );
    // The uploads bucket: one POST and one GET per upload; deleted at once, nothing stored.
    assert_eq!(
        component("UploadsBucket", "PUT requests"),
        Usd::from_micros(2_500)
    );
    // The CDN: 1,400,000 API and static requests + 183,000 listings × 8 thumbnails + 250,000
    // product views = 3,114,000 requests × $0.0120/10,000 (Europe) = $3.7368.
    assert_eq!(
        component("Distribution", "HTTPS requests"),
        Usd::from_micros(3_736_800)
    );
}
