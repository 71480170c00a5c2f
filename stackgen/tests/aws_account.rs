//! Opt-in, on a real AWS account only (`make test-aws ENV=dev` runs it after the deploy): the
//! environment's budget and alarms, read back through their own APIs (Budgets, CloudWatch),
//! exist with the settings the rendered template gives them. The local emulator's
//! CloudFormation skips both types, which is why this cannot run in `make test`.
//!
//! `STACKGEN_TEST_AWS_ENV` names the environment (default `dev`); the default credential
//! chain and region of the environment file are used.

use std::collections::BTreeSet;
use std::path::Path;

use stackgen::aws::{AwsContext, AwsTarget};
use stackgen::model::budgets::Budget;
use stackgen::model::cloudwatch::Alarm;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
#[ignore = "needs a deployed environment on a real AWS account: run by `make test-aws`"]
async fn budget_and_alarms_exist_as_rendered() -> TestResult {
    let name = std::env::var("STACKGEN_TEST_AWS_ENV").unwrap_or_else(|_| "dev".to_owned());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
    let env = stackgen::env::load_named(&dir, &name)?;
    let stack = stackgen::stack::build(&env)?;
    let ctx = AwsContext::connect(&AwsTarget::in_region(env.region.clone())).await;
    let account = ctx
        .sts
        .get_caller_identity()
        .send()
        .await?
        .account()
        .unwrap_or_default()
        .to_owned();

    let budgets = aws_sdk_budgets::Client::new(ctx.config());
    for (_, rendered) in stack.template.resources::<Budget>() {
        let budget_name = rendered
            .budget
            .budget_name
            .as_ref()
            .and_then(|n| n.literal_text())
            .expect("the stack names its budget");
        let found = budgets
            .describe_budget()
            .account_id(&account)
            .budget_name(budget_name)
            .send()
            .await?;
        let limit = found
            .budget()
            .and_then(|b| b.budget_limit())
            .map(|l| l.amount().parse::<f64>().unwrap_or(-1.0));
        assert_eq!(
            limit,
            rendered
                .budget
                .budget_limit
                .as_ref()
                .and_then(|l| l.amount.as_lit().copied()),
            "budget {budget_name}"
        );
        let notifications = budgets
            .describe_notifications_for_budget()
            .account_id(&account)
            .budget_name(budget_name)
            .send()
            .await?;
        assert_eq!(
            notifications.notifications().len(),
            rendered.notifications().len(),
            "budget {budget_name}'s notifications"
        );
    }

    let cloudwatch = aws_sdk_cloudwatch::Client::new(ctx.config());
    let rendered: Vec<&Alarm> = stack
        .template
        .resources::<Alarm>()
        .map(|(_, a)| a)
        .collect();
    let names: Vec<String> = rendered
        .iter()
        .filter_map(|a| text(&a.alarm_name))
        .collect();
    assert_eq!(
        names.len(),
        rendered.len(),
        "every alarm has a literal name"
    );
    let mut seen = BTreeSet::new();
    for chunk in names.chunks(100) {
        let found = cloudwatch
            .describe_alarms()
            .set_alarm_names(Some(chunk.to_vec()))
            .send()
            .await?;
        for alarm in found.metric_alarms() {
            let name = alarm.alarm_name().unwrap_or_default();
            let want = rendered
                .iter()
                .find(|a| text(&a.alarm_name).as_deref() == Some(name))
                .ok_or_else(|| format!("unexpected alarm {name}"))?;
            assert_eq!(
                alarm.metric_name().map(str::to_owned),
                text(&want.metric_name),
                "{name}"
            );
            assert_eq!(
                alarm.threshold(),
                want.threshold.as_ref().and_then(|t| t.as_lit().copied()),
                "{name}"
            );
            assert_eq!(
                alarm.comparison_operator().map(|c| c.as_str().to_owned()),
                text(&want.comparison_operator),
                "{name}"
            );
            assert!(!alarm.alarm_actions().is_empty(), "{name} notifies no one");
            seen.insert(name.to_owned());
        }
    }
    let missing: Vec<&String> = names.iter().filter(|n| !seen.contains(*n)).collect();
    assert!(
        missing.is_empty(),
        "alarms missing from the account: {missing:?}"
    );
    Ok(())
}

/// The rendered text of a literal property (`None` when unset or not a string).
fn text<T: serde::Serialize>(property: &T) -> Option<String> {
    serde_json::to_value(property)
        .ok()?
        .as_str()
        .map(str::to_owned)
}
