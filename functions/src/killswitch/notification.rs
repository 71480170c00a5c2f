//! What wakes the kill switch: an AWS Budgets notification delivered by SNS, or a direct
//! invocation by the environment's schedule (`{"action":"destroy","source":"schedule"}`).
//!
//! AWS Budgets publishes plain text, not JSON, e.g.
//!
//! ```text
//! AWS Budget Notification March 05, 2023
//! AWS Account 123456789012
//!
//! Dear AWS Customer,
//!
//! You requested that we alert you when the ACTUAL Cost associated with your grocer-dev-monthly
//! budget is greater than $50.00 for the current month. …
//!
//! Budget Name: grocer-dev-monthly
//! Budget Type: Cost
//! Budgeted Amount: $50.00
//! Alert Type: ACTUAL
//! Alert Threshold: > $50.00
//! ACTUAL Amount: $51.20
//! ```
//!
//! The kill switch acts only on a message that positively reads as such a notification, for
//! its own budget, on *actual* spend: an unrelated or forecast message must never stop an
//! environment.

use serde::{Deserialize, Serialize};

/// The marker every AWS Budgets notification starts with.
const BUDGET_ANCHOR: &str = "AWS Budget Notification";

/// An action the kill switch can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Reserved concurrency 0 on every other function of the stack.
    Throttle,
    /// Empty the stack's buckets, then delete the stack.
    Destroy,
}

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        match s.trim() {
            "throttle" => Some(Action::Throttle),
            "destroy" => Some(Action::Destroy),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Throttle => "throttle",
            Action::Destroy => "destroy",
        }
    }
}

/// The Lambda payload: an SNS event, or a direct invocation.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Invocation {
    Sns {
        #[serde(rename = "Records")]
        records: Vec<SnsRecord>,
    },
    Direct(Direct),
}

/// `{"action":"destroy","source":"schedule"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Direct {
    pub action: Action,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SnsRecord {
    #[serde(rename = "Sns")]
    pub sns: SnsMessage,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SnsMessage {
    #[serde(rename = "TopicArn", default)]
    pub topic_arn: Option<String>,
    #[serde(rename = "MessageId", default)]
    pub message_id: Option<String>,
    #[serde(rename = "Message", default)]
    pub message: String,
}

/// The fields of a budget notification the kill switch reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetAlert {
    pub budget_name: String,
    /// `ACTUAL` or `FORECASTED`.
    pub alert_type: String,
    pub threshold: Option<String>,
    pub actual: Option<String>,
    pub budgeted: Option<String>,
}

/// Reads a budget notification; `None` when the text is not one.
pub fn parse_budget_alert(text: &str) -> Option<BudgetAlert> {
    if !text.trim_start().starts_with(BUDGET_ANCHOR) {
        return None;
    }
    let field = |name: &str| {
        text.lines().find_map(|l| {
            l.trim()
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(':'))
                .map(|v| v.trim().to_owned())
        })
    };
    Some(BudgetAlert {
        budget_name: field("Budget Name")?,
        alert_type: field("Alert Type")?,
        threshold: field("Alert Threshold"),
        actual: field("ACTUAL Amount"),
        budgeted: field("Budgeted Amount"),
    })
}

/// Why a message is not acted on.
pub fn reason_to_ignore(alert: Option<&BudgetAlert>, budget_name: &str) -> Option<String> {
    match alert {
        None => Some("the message is not an AWS Budgets notification".to_owned()),
        Some(a) if a.budget_name != budget_name => Some(format!(
            "the notification is for budget `{}`, not this environment's `{budget_name}`",
            a.budget_name
        )),
        Some(a) if !a.alert_type.eq_ignore_ascii_case("ACTUAL") => Some(format!(
            "the notification is on {} spend; only actual spend triggers the kill switch",
            a.alert_type
        )),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const SAMPLE: &str = "AWS Budget Notification November 22, 2026\nAWS Account 123456789012\n\nDear AWS Customer,\n\nYou requested that we alert you when the ACTUAL Cost associated with your grocer-dev-monthly budget is greater than $50.00 for the current month. The ACTUAL Cost associated with this budget is $51.20. You can find additional details below and by accessing the AWS Budgets dashboard [1].\n\nBudget Name: grocer-dev-monthly\nBudget Type: Cost\nBudgeted Amount: $50.00\nAlert Type: ACTUAL\nAlert Threshold: > $50.00\nACTUAL Amount: $51.20\n\n[1] https://console.aws.amazon.com/billing/home#/budgets\n";

    #[test]
    fn reads_a_budget_notification() {
        let a = parse_budget_alert(SAMPLE).expect("a notification");
        assert_eq!(a.budget_name, "grocer-dev-monthly");
        assert_eq!(a.alert_type, "ACTUAL");
        assert_eq!(a.threshold.as_deref(), Some("> $50.00"));
        assert_eq!(a.actual.as_deref(), Some("$51.20"));
        assert_eq!(reason_to_ignore(Some(&a), "grocer-dev-monthly"), None);
        assert!(reason_to_ignore(Some(&a), "grocer-prod-monthly").is_some());
    }

    #[test]
    fn ignores_forecasts_and_other_text() {
        let forecast = SAMPLE.replace("Alert Type: ACTUAL", "Alert Type: FORECASTED");
        let a = parse_budget_alert(&forecast);
        assert!(reason_to_ignore(a.as_ref(), "grocer-dev-monthly").is_some());
        assert_eq!(parse_budget_alert("{\"AlarmName\":\"x\"}"), None);
        assert_eq!(
            parse_budget_alert("AWS Budget Notification\nno fields"),
            None
        );
    }

    #[test]
    fn payloads_are_sns_or_direct() {
        let sns: Invocation = serde_json::from_value(serde_json::json!({
            "Records": [{"EventSource": "aws:sns", "Sns": {"Message": SAMPLE, "TopicArn": "arn:t"}}]
        }))
        .expect("sns");
        assert!(matches!(sns, Invocation::Sns { records } if records.len() == 1));
        let direct: Invocation =
            serde_json::from_value(serde_json::json!({"action": "destroy", "source": "schedule"}))
                .expect("direct");
        assert!(matches!(direct, Invocation::Direct(d) if d.action == Action::Destroy));
        assert!(
            serde_json::from_value::<Invocation>(serde_json::json!({"action": "explode"})).is_err()
        );
    }
}
