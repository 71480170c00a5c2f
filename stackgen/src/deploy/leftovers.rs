//! What a destroyed environment may leave outside the reach of the Resource Groups Tagging API
//! in its own region: global and account-level resources.
//!
//! - CloudFront distributions and functions. CloudFront is global and "Tag Editor and
//!   Resource Groups" do not support it (CloudFront Developer Guide, "Tagging a
//!   distribution", <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/tagging.html>),
//!   so distributions are found through CloudFront's own API by their `Project`/`Env` tags,
//!   and functions (which take no tags) by the names the template gives them.
//! - AWS Budgets budgets and Cost Explorer anomaly monitors: account-level, found by the
//!   names the template gives them (DescribeBudget, GetAnomalyMonitors).
//! - Anything tagged with the environment in us-east-1, where CloudFront's certificates and
//!   web ACLs live, when the environment's own region is another.
//!
//! A check that cannot be made (a member account may not read budgets) is reported as
//! unchecked, never as clean.

use aws_sdk_budgets::error::ProvideErrorMetadata;

use crate::aws::AwsContext;
use crate::model::Template;
use crate::model::budgets::Budget;
use crate::model::ce::AnomalyMonitor;
use crate::model::cloudfront::Function;

/// The global and account-level names a rendered template declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalNames {
    pub budgets: Vec<String>,
    pub anomaly_monitors: Vec<String>,
    pub cloudfront_functions: Vec<String>,
}

impl GlobalNames {
    /// Reads the names from the template the environment renders (one definition).
    pub fn of(template: &Template) -> GlobalNames {
        GlobalNames {
            budgets: template
                .resources::<Budget>()
                .filter_map(|(_, b)| {
                    b.budget
                        .budget_name
                        .as_ref()?
                        .literal_text()
                        .map(str::to_owned)
                })
                .collect(),
            anomaly_monitors: template
                .resources::<AnomalyMonitor>()
                .filter_map(|(_, m)| m.monitor_name.literal_text().map(str::to_owned))
                .collect(),
            cloudfront_functions: template
                .resources::<Function>()
                .filter_map(|(_, f)| f.name.literal_text().map(str::to_owned))
                .collect(),
        }
    }
}

/// What the global check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalLeftovers {
    /// One line per resource still there (`budget grocer-dev-monthly`, an ARN, …).
    pub remaining: Vec<String>,
    /// Checks that could not be made, with why.
    pub unchecked: Vec<String>,
}

/// Looks for the environment's global and account-level resources.
pub async fn find(
    ctx: &AwsContext,
    names: &GlobalNames,
    project: &str,
    env: &str,
) -> GlobalLeftovers {
    let mut found = GlobalLeftovers::default();
    let mut record = |what: &str, result: Result<Vec<String>, String>| match result {
        Ok(items) => found.remaining.extend(items),
        Err(why) => found.unchecked.push(format!("{what}: {why}")),
    };
    record("budgets", budgets(ctx, &names.budgets).await);
    record(
        "anomaly monitors",
        anomaly_monitors(ctx, &names.anomaly_monitors).await,
    );
    record(
        "CloudFront distributions",
        distributions(ctx, project, env).await,
    );
    record(
        "CloudFront functions",
        cloudfront_functions(ctx, &names.cloudfront_functions).await,
    );
    if ctx.region() != "us-east-1" {
        record("us-east-1", tagged_in_us_east_1(ctx, project, env).await);
    }
    found
}

async fn budgets(ctx: &AwsContext, names: &[String]) -> Result<Vec<String>, String> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let account = ctx
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| ctx.fail("sts", "GetCallerIdentity", e).to_string())?
        .account()
        .unwrap_or_default()
        .to_owned();
    let client = aws_sdk_budgets::Client::new(ctx.config());
    let mut out = Vec::new();
    for name in names {
        match client
            .describe_budget()
            .account_id(&account)
            .budget_name(name)
            .send()
            .await
        {
            Ok(_) => out.push(format!("budget {name}")),
            Err(e) if e.code() == Some("NotFoundException") => {}
            Err(e) => return Err(ctx.fail("budgets", "DescribeBudget", e).to_string()),
        }
    }
    Ok(out)
}

async fn anomaly_monitors(ctx: &AwsContext, names: &[String]) -> Result<Vec<String>, String> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let ce = crate::cost::actuals::client(ctx.config());
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = ce
            .get_anomaly_monitors()
            .set_next_page_token(token.take())
            .send()
            .await
            .map_err(|e| {
                let e = crate::aws::cause_chain(&e);
                format!("Cost Explorer GetAnomalyMonitors failed: {e}")
            })?;
        out.extend(
            page.anomaly_monitors()
                .iter()
                .filter(|m| names.iter().any(|n| n == m.monitor_name()))
                .map(|m| {
                    format!(
                        "anomaly monitor {} ({})",
                        m.monitor_name(),
                        m.monitor_arn().unwrap_or_default()
                    )
                }),
        );
        match page.next_page_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return Ok(out),
        }
    }
}

/// Distributions tagged `Project=project`, `Env=env` (ListDistributions, then the tags of each).
async fn distributions(ctx: &AwsContext, project: &str, env: &str) -> Result<Vec<String>, String> {
    let mut arns = Vec::new();
    let mut summaries = ctx
        .cloudfront
        .list_distributions()
        .into_paginator()
        .items()
        .send();
    while let Some(summary) = summaries.next().await {
        let summary =
            summary.map_err(|e| ctx.fail("cloudfront", "ListDistributions", e).to_string())?;
        arns.push(summary.arn().to_owned());
    }
    let mut out = Vec::new();
    for arn in arns {
        let tags = ctx
            .cloudfront
            .list_tags_for_resource()
            .resource(&arn)
            .send()
            .await
            .map_err(|e| ctx.fail("cloudfront", "ListTagsForResource", e).to_string())?;
        let has = |key: &str, value: &str| {
            tags.tags()
                .map(|t| t.items())
                .unwrap_or_default()
                .iter()
                .any(|t| t.key() == key && t.value() == Some(value))
        };
        if has("Project", project) && has("Env", env) {
            out.push(arn);
        }
    }
    Ok(out)
}

async fn cloudfront_functions(ctx: &AwsContext, names: &[String]) -> Result<Vec<String>, String> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let listed = ctx
        .cloudfront
        .list_functions()
        .send()
        .await
        .map_err(|e| ctx.fail("cloudfront", "ListFunctions", e).to_string())?;
    Ok(listed
        .function_list()
        .map(|l| l.items())
        .unwrap_or_default()
        .iter()
        .filter(|f| names.iter().any(|n| n == f.name()))
        .map(|f| format!("CloudFront function {}", f.name()))
        .collect())
}

async fn tagged_in_us_east_1(
    ctx: &AwsContext,
    project: &str,
    env: &str,
) -> Result<Vec<String>, String> {
    let config = ctx
        .config()
        .to_builder()
        .region(aws_config::Region::new("us-east-1"))
        .build();
    let there = AwsContext::from_config(config);
    super::tagged::tagged_resources(&there, project, env)
        .await
        .map_err(|e| e.to_string())
}
