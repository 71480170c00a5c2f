//! `--actuals`: what the environment has really cost this month, and where it is heading.
//!
//! An estimate says what the stack should cost; Cost Explorer says what it did cost. This
//! module asks Cost Explorer for the month to date, grouped by service and filtered to the
//! environment's cost allocation tags (`Project`, `Env`), and for the forecast to the end of
//! the month, and sets both against the budget. When Cost Explorer cannot forecast (new tags,
//! too little history: `DataUnavailableException`), the month to date is projected linearly
//! and the report says so. Each Cost Explorer request costs $0.01; a report makes two.

use aws_sdk_costexplorer::Client;
use aws_sdk_costexplorer::types::{
    DateInterval, Expression, Granularity, GroupDefinition, GroupDefinitionType, Metric, TagValues,
};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::error::CostError;
use super::money::Usd;

/// Cost Explorer's metric for what the account is billed.
const METRIC: &str = "UnblendedCost";

/// What to ask.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualsQuery {
    /// The environment, for the report header.
    pub label: String,
    /// Cost allocation tags that select the environment, e.g. `[("Project","grocer"),("Env","dev")]`.
    pub tags: Vec<(String, String)>,
    /// Today (UTC); the month to date runs from the first of this month.
    pub today: Date,
    /// The monthly budget to set the spend against.
    pub budget: Option<Usd>,
    /// Where the calls go, to name in an error ([`endpoint`] of the configuration).
    pub endpoint: String,
}

/// Cost Explorer's endpoint under `sdk`: the override in force, or us-east-1's, where Cost
/// Explorer is served from.
pub fn endpoint(sdk: &aws_config::SdkConfig) -> String {
    sdk.endpoint_url().map_or_else(
        || "https://ce.us-east-1.amazonaws.com".to_owned(),
        str::to_owned,
    )
}

/// Spend of one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceCost {
    pub service: String,
    pub amount: Usd,
}

/// Where the end-of-month figure comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ForecastSource {
    /// Cost Explorer's GetCostForecast for the rest of the month, added to the month to date.
    CostExplorer,
    /// Month to date × days in month ÷ days elapsed, because Cost Explorer could not forecast.
    LinearProjection { reason: String },
}

/// Actual spend against the budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actuals {
    pub label: String,
    pub tags: Vec<(String, String)>,
    /// First day of the month.
    pub period_start: String,
    /// Today.
    pub today: String,
    pub by_service: Vec<ServiceCost>,
    pub month_to_date: Usd,
    /// Expected spend for the whole month.
    pub forecast: Usd,
    pub forecast_source: ForecastSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Usd>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_percent: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast_percent: Option<f64>,
    /// Cost Explorer marks recent days as estimated until the bill is final.
    pub estimated: bool,
    /// Cost Explorer API requests made ($0.01 each).
    pub api_requests: u32,
}

fn first_of_next_month(d: Date) -> Date {
    let (y, m) = if d.month() == Month::December {
        (d.year() + 1, Month::January)
    } else {
        (d.year(), d.month().next())
    };
    Date::from_calendar_date(y, m, 1).unwrap_or(d)
}

fn tag_filter(tags: &[(String, String)]) -> Option<Expression> {
    let exprs: Vec<Expression> = tags
        .iter()
        .map(|(k, v)| {
            Expression::builder()
                .tags(TagValues::builder().key(k).values(v).build())
                .build()
        })
        .collect();
    match exprs.len() {
        0 => None,
        1 => exprs.into_iter().next(),
        _ => Some(Expression::builder().set_and(Some(exprs)).build()),
    }
}

fn interval(start: Date, end: Date) -> Result<DateInterval, CostError> {
    DateInterval::builder()
        .start(start.to_string())
        .end(end.to_string())
        .build()
        .map_err(|e| CostError::CostExplorer {
            operation: "GetCostAndUsage",
            message: e.to_string(),
        })
}

fn amount(text: Option<&str>, context: &str) -> Result<Usd, CostError> {
    let t = text.unwrap_or("0");
    Usd::parse(t).ok_or_else(|| CostError::BadAmount {
        value: t.to_string(),
        context: context.to_string(),
    })
}

/// A Cost Explorer client from the shared SDK configuration (credentials, endpoint override,
/// retries). Cost Explorer is served from us-east-1 whatever the environment's region, so the
/// region is set here rather than inherited.
pub fn client(sdk: &aws_config::SdkConfig) -> Client {
    let conf = aws_sdk_costexplorer::config::Builder::from(sdk)
        .region(aws_sdk_costexplorer::config::Region::new("us-east-1"))
        .build();
    Client::from_conf(conf)
}

/// A failed Cost Explorer call: Cost Explorer's own refusal (access, an account without it)
/// with what `--actuals` needs; any other failure (no credentials, an endpoint down or silent)
/// as every AWS call reports it.
fn refused<E, R>(
    q: &ActualsQuery,
    operation: &'static str,
    err: aws_sdk_costexplorer::error::SdkError<E, R>,
) -> CostError
where
    E: aws_sdk_costexplorer::error::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match stackgen_aws::classify("ce", operation, q.endpoint.clone(), err) {
        stackgen_aws::AwsError::Service { failure, .. } => CostError::CostExplorer {
            operation,
            message: failure.to_string(),
        },
        other => CostError::Aws(other),
    }
}

/// Asks Cost Explorer for the month to date and the forecast of the environment.
pub async fn fetch(client: &Client, q: &ActualsQuery) -> Result<Actuals, CostError> {
    let start = q.today.replace_day(1).unwrap_or(q.today);
    let filter = tag_filter(&q.tags);
    let to_date = month_to_date(client, q, start, filter.clone()).await?;
    let month_to_date = to_date.total;
    let (forecast, forecast_source) = forecast(client, q, month_to_date, filter).await?;
    Ok(Actuals {
        label: q.label.clone(),
        tags: q.tags.clone(),
        period_start: start.to_string(),
        today: q.today.to_string(),
        by_service: to_date.services,
        month_to_date,
        forecast,
        forecast_source,
        budget: q.budget,
        used_percent: q.budget.and_then(|b| month_to_date.percent_of(b)),
        forecast_percent: q.budget.and_then(|b| forecast.percent_of(b)),
        estimated: to_date.estimated,
        api_requests: to_date.api_requests + 1,
    })
}

/// The month to date per service, the most expensive first, read page by page.
struct MonthToDate {
    services: Vec<ServiceCost>,
    total: Usd,
    /// Cost Explorer marked some of it as estimated (the month is not closed).
    estimated: bool,
    api_requests: u32,
}

async fn month_to_date(
    client: &Client,
    q: &ActualsQuery,
    start: Date,
    filter: Option<Expression>,
) -> Result<MonthToDate, CostError> {
    let tomorrow = q.today.next_day().unwrap_or(q.today);
    let mut by_service: std::collections::BTreeMap<String, Usd> = Default::default();
    let mut estimated = false;
    let mut token: Option<String> = None;
    let mut api_requests = 0;
    loop {
        let out = client
            .get_cost_and_usage()
            .time_period(interval(start, tomorrow)?)
            .granularity(Granularity::Monthly)
            .metrics(METRIC)
            .group_by(
                GroupDefinition::builder()
                    .r#type(GroupDefinitionType::Dimension)
                    .key("SERVICE")
                    .build(),
            )
            .set_filter(filter.clone())
            .set_next_page_token(token.clone())
            .send()
            .await
            .map_err(|e| refused(q, "GetCostAndUsage", e))?;
        api_requests += 1;
        for r in out.results_by_time() {
            estimated |= r.estimated();
            for g in r.groups() {
                let service = g
                    .keys()
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "(no service)".into());
                let a = amount(
                    g.metrics()
                        .and_then(|m| m.get(METRIC))
                        .and_then(|v| v.amount()),
                    &format!("{METRIC} of {service}"),
                )?;
                *by_service.entry(service).or_default() += a;
            }
        }
        token = out.next_page_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let total: Usd = by_service.values().copied().sum();
    let mut services: Vec<ServiceCost> = by_service
        .into_iter()
        .map(|(service, amount)| ServiceCost { service, amount })
        .collect();
    services.sort_by(|a, b| {
        b.amount
            .cmp(&a.amount)
            .then_with(|| a.service.cmp(&b.service))
    });
    Ok(MonthToDate {
        services,
        total,
        estimated,
        api_requests,
    })
}

/// The whole month's forecast: Cost Explorer's for the rest of it plus the month to date, or,
/// when GetCostForecast fails for any reason (too little history, throttling, no access), the
/// month to date projected linearly, with the reason.
async fn forecast(
    client: &Client,
    q: &ActualsQuery,
    month_to_date: Usd,
    filter: Option<Expression>,
) -> Result<(Usd, ForecastSource), CostError> {
    let start = q.today.replace_day(1).unwrap_or(q.today);
    let month_end = first_of_next_month(q.today);
    let call = client
        .get_cost_forecast()
        .time_period(interval(q.today, month_end)?)
        .metric(Metric::UnblendedCost)
        .granularity(Granularity::Monthly)
        .set_filter(filter)
        .send()
        .await;
    match call {
        Ok(out) => {
            let rest = amount(out.total().and_then(|t| t.amount()), "forecast total")?;
            Ok((month_to_date + rest, ForecastSource::CostExplorer))
        }
        Err(e) => {
            let elapsed = i64::from(q.today.day());
            let days = (month_end - start).whole_days();
            let num = i128::from(month_to_date.micros()) * i128::from(days);
            let den = i128::from(elapsed.max(1));
            let projected =
                Usd::from_micros(i64::try_from((num + den / 2) / den).unwrap_or(i64::MAX));
            let reason = format!(
                "Cost Explorer could not forecast ({}); month to date × {days} days ÷ \
                 {elapsed} days elapsed",
                stackgen_aws::cause_chain(&e)
            );
            Ok((projected, ForecastSource::LinearProjection { reason }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_roll_over() {
        assert_eq!(
            first_of_next_month(date!(2026 - 11 - 21)),
            date!(2026 - 12 - 01)
        );
        assert_eq!(
            first_of_next_month(date!(2026 - 12 - 31)),
            date!(2027 - 01 - 01)
        );
    }

    #[test]
    fn two_tags_are_anded() {
        let f = tag_filter(&[
            ("Project".into(), "grocer".into()),
            ("Env".into(), "dev".into()),
        ])
        .expect("filter");
        assert_eq!(f.and().len(), 2);
        assert!(tag_filter(&[]).is_none());
    }
}
