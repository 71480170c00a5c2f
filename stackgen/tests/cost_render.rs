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

/// The markdown report opens with the Mermaid chart of cost by service (GitHub draws it).
#[test]
fn markdown_opens_with_the_chart() {
    let md = render::report(&mini(false, true), Format::Markdown);
    let chart = md
        .find("```mermaid\nxychart-beta horizontal")
        .expect("a chart");
    let table = md.find("| Resource | Type |").expect("the table");
    assert!(chart < table, "{md}");
}

/// One page that needs nothing from the network: no script, no stylesheet or image by URL; the
/// chart is inline SVG with a title, the tables have every resource and profile.
#[test]
fn html_is_one_self_contained_page() {
    let report = mini(false, true);
    let page = render::report(&report, Format::Html);
    assert!(page.starts_with("<!doctype html>"), "{page}");
    for outside in ["<script", "<link", "src=", "@import", "url("] {
        assert!(
            !page.contains(outside),
            "the page loads something ({outside}): {page}"
        );
    }
    assert!(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""));
    assert!(page.contains("<title id=\"cost-title\">Monthly cost by service</title>"));
    for r in &report.resources {
        assert!(
            page.contains(&format!("<td>{}</td>", r.logical_id)),
            "{}",
            r.logical_id
        );
    }
    for p in &report.profiles {
        assert!(
            page.contains(&format!("<code>{}</code>", p.profile)),
            "{}",
            p.profile
        );
    }
    insta::assert_snapshot!(page);
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
    assert_eq!("html".parse::<Format>(), Ok(Format::Html));
    let e = "xml".parse::<Format>().expect_err("unknown");
    assert!(e.contains("table, json, csv, markdown or html"), "{e}");
}
