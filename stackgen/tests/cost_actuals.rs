//! `--actuals` against a real Cost Explorer API: moto in server mode on 127.0.0.1.
//!
//! moto does not track spend; it answers GetCostAndUsage from results injected through its
//! `/moto-api/static/ce/cost-and-usage-results` endpoint (one result per distinct request), and
//! it cannot forecast (GetCostForecast fails), which exercises the linear projection the report
//! falls back to when Cost Explorer has too little data.

mod support;

use aws_sdk_costexplorer::config::{Credentials, Region};
use stackgen::cost::actuals::{ActualsQuery, fetch};
use stackgen::cost::{ForecastSource, Usd};
use support::Moto;
use time::macros::date;

async fn client(moto: &Moto) -> aws_sdk_costexplorer::Client {
    // The environment's region (dev is in eu-west-1); `actuals::client` sends Cost Explorer
    // requests to us-east-1 anyway.
    let conf = stackgen::aws::config_loader()
        .endpoint_url(moto.endpoint())
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await;
    let ce = stackgen::cost::actuals::client(&conf);
    assert_eq!(ce.config().region().map(|r| r.as_ref()), Some("us-east-1"));
    ce
}

fn query(env: &str, budget: Option<Usd>) -> ActualsQuery {
    ActualsQuery {
        label: env.into(),
        tags: vec![
            ("Project".into(), "grocer".into()),
            ("Env".into(), env.into()),
        ],
        today: date!(2026 - 11 - 21),
        budget,
        endpoint: "the emulator".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn month_to_date_by_service_and_a_projected_forecast() {
    let moto = Moto::start().expect("the emulator starts");
    let injected = r#"{"results": [{
        "ResultsByTime": [{
            "TimePeriod": {"Start": "2026-11-01", "End": "2026-11-22"},
            "Total": {},
            "Groups": [
                {"Keys": ["AWS Lambda"], "Metrics": {"UnblendedCost": {"Amount": "0.4512345", "Unit": "USD"}}},
                {"Keys": ["Amazon CloudFront"], "Metrics": {"UnblendedCost": {"Amount": "1.2", "Unit": "USD"}}},
                {"Keys": ["Amazon DynamoDB"], "Metrics": {"UnblendedCost": {"Amount": "0.6", "Unit": "USD"}}}
            ],
            "Estimated": true
        }],
        "DimensionValueAttributes": []
    }]}"#;
    let status = moto
        .post("/moto-api/static/ce/cost-and-usage-results", injected)
        .expect("moto answers");
    assert!(status.contains("201"), "injection refused: {status}");

    let ce = client(&moto).await;
    let a = fetch(&ce, &query("dev", Some(Usd::from_dollars(20))))
        .await
        .expect("actuals");
    let services: Vec<(&str, Usd)> = a
        .by_service
        .iter()
        .map(|s| (s.service.as_str(), s.amount))
        .collect();
    assert_eq!(
        services,
        vec![
            ("Amazon CloudFront", Usd::from_cents(120)),
            ("Amazon DynamoDB", Usd::from_cents(60)),
            ("AWS Lambda", Usd::from_micros(451_235)),
        ]
    );
    assert_eq!(a.month_to_date, Usd::from_micros(2_251_235));
    assert!(a.estimated);
    assert_eq!(a.period_start, "2026-11-01");
    // moto cannot forecast: 2.251235 × 30 days ÷ 21 days elapsed.
    assert!(
        matches!(&a.forecast_source, ForecastSource::LinearProjection { reason } if reason.contains("could not forecast")),
        "{:?}",
        a.forecast_source
    );
    assert_eq!(a.forecast, Usd::from_micros(3_216_050));
    assert_eq!(a.used_percent, Some(11.3));
    assert_eq!(a.forecast_percent, Some(16.1));
    assert_eq!(a.api_requests, 2);

    // Another environment's tags select nothing.
    let empty = fetch(&ce, &query("prod", None)).await.expect("actuals");
    assert!(empty.by_service.is_empty());
    assert_eq!(empty.month_to_date, Usd::ZERO);
    assert_eq!(empty.forecast, Usd::ZERO);
    assert_eq!(empty.used_percent, None);
}

/// An endpoint that is down is reported as such, naming it, not as missing Cost Explorer
/// permissions (and not as a dump of the SDK's error).
#[tokio::test]
async fn an_endpoint_that_is_down_is_named_not_blamed_on_permissions() {
    let port = support::free_port().expect("a free port");
    let url = format!("http://127.0.0.1:{port}");
    let conf = stackgen::aws::config_loader()
        .endpoint_url(&url)
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await;
    let q = ActualsQuery {
        endpoint: stackgen::cost::actuals::endpoint(&conf),
        ..query("dev", None)
    };
    let err = fetch(&stackgen::cost::actuals::client(&conf), &q)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_else(|| panic!("a closed port answered"));
    assert!(
        err.contains(&format!("cannot reach the AWS endpoint {url}")),
        "{err}"
    );
    assert!(
        !err.contains("needs credentials") && !err.contains("DispatchFailure"),
        "{err}"
    );
}
