//! Every renderer of estimates, diffs and actuals, as insta snapshots.
//!
//! The estimate is of tests/cost_fixtures/mini.json (one function with its log group, a table
//! with a GSI, a queue polled by Lambda, an HTTP API, a CDN in front of a bucket, an alarm, a
//! dashboard, a budget, a NAT gateway and a type the estimator does not know) under the small
//! YAML profile beside it, so the snapshots read like a worked example.

use std::path::Path;

use stackgen::cost::actuals::{Actuals, ForecastSource, ServiceCost};
use stackgen::cost::{
    CostReport, EstimateOptions, Format, Traffic, Usd, compare, estimate, render,
};

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cost_fixtures")
}

fn mini(free_tier: bool, dashboard: bool) -> CostReport {
    let text = std::fs::read_to_string(fixtures().join("mini.json")).expect("mini.json");
    let mut t: serde_json::Value = serde_json::from_str(&text).expect("json");
    if !dashboard {
        t["Resources"]
            .as_object_mut()
            .expect("resources")
            .remove("Dashboard");
    }
    let traffic = Traffic::from_file(&fixtures().join("mini-traffic.yaml")).expect("profile");
    // The snapshot must not depend on where the checkout is.
    let traffic = Traffic {
        name: "mini-traffic.yaml".into(),
        ..traffic
    };
    estimate(
        &t,
        &traffic,
        &EstimateOptions {
            label: "mini".into(),
            region: "us-east-1".into(),
            free_tier,
            budget: None,
        },
    )
    .expect("estimate")
}

#[test]
fn table() {
    insta::assert_snapshot!(render::report(&mini(false, true), Format::Table));
}

#[test]
fn json() {
    insta::assert_snapshot!(render::report(&mini(false, true), Format::Json));
}

#[test]
fn csv() {
    insta::assert_snapshot!(render::report(&mini(false, true), Format::Csv));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(render::report(&mini(false, true), Format::Markdown));
}

#[test]
fn table_with_free_tier() {
    insta::assert_snapshot!(render::report(&mini(true, true), Format::Table));
}

#[test]
fn diff_in_every_format() {
    let base = mini(false, false);
    let head = mini(false, true);
    let d = compare(&base, &head);
    insta::assert_snapshot!("diff_table", render::diff(&d, Format::Table));
    insta::assert_snapshot!("diff_markdown", render::diff(&d, Format::Markdown));
    insta::assert_snapshot!("diff_csv", render::diff(&d, Format::Csv));
    insta::assert_snapshot!("diff_json", render::diff(&d, Format::Json));
}

#[test]
fn actuals_in_every_format() {
    let a = Actuals {
        label: "dev".into(),
        tags: vec![
            ("Project".into(), "grocer".into()),
            ("Env".into(), "dev".into()),
        ],
        period_start: "2026-11-01".into(),
        today: "2026-11-21".into(),
        by_service: vec![
            ServiceCost {
                service: "Amazon CloudFront".into(),
                amount: Usd::from_cents(123),
            },
            ServiceCost {
                service: "AWS Lambda".into(),
                amount: Usd::from_cents(45),
            },
        ],
        month_to_date: Usd::from_cents(168),
        forecast: Usd::from_micros(2_400_000),
        forecast_source: ForecastSource::LinearProjection {
            reason: "Cost Explorer could not forecast (DataUnavailableException)".into(),
        },
        budget: Some(Usd::from_dollars(20)),
        used_percent: Usd::from_cents(168).percent_of(Usd::from_dollars(20)),
        forecast_percent: Usd::from_micros(2_400_000).percent_of(Usd::from_dollars(20)),
        estimated: true,
        api_requests: 2,
    };
    insta::assert_snapshot!("actuals_table", render::actuals(&a, Format::Table));
    insta::assert_snapshot!("actuals_markdown", render::actuals(&a, Format::Markdown));
    insta::assert_snapshot!("actuals_csv", render::actuals(&a, Format::Csv));
    insta::assert_snapshot!("actuals_json", render::actuals(&a, Format::Json));
}

#[test]
fn formats_parse_by_name() {
    assert_eq!("markdown".parse::<Format>(), Ok(Format::Markdown));
    assert_eq!("csv".parse::<Format>(), Ok(Format::Csv));
    let e = "xml".parse::<Format>().expect_err("unknown");
    assert!(e.contains("table, json, csv or markdown"), "{e}");
}
