//! What AWS Budgets sends the kill switch, as its topic delivers it to Lambda: shared by the
//! kill switch's library tests (functions/tests/killswitch.rs) and the run through `stackgen
//! dev` (stackgen/tests/dev_killswitch.rs, which includes this file by path).

#![allow(dead_code)]

use serde_json::{Value, json};

/// The text of a budget notification for `budget` (`alert_type` `ACTUAL` or `FORECASTED`).
pub fn budget_notification(budget: &str, alert_type: &str) -> String {
    format!(
        "AWS Budget Notification November 22, 2026\nAWS Account 123456789012\n\nDear AWS Customer,\n\nYou requested that we alert you when the {alert_type} Cost associated with your {budget} budget is greater than $5.00 for the current month. The {alert_type} Cost associated with this budget is $5.12. You can find additional details below and by accessing the AWS Budgets dashboard [1].\n\nBudget Name: {budget}\nBudget Type: Cost\nBudgeted Amount: $5.00\nAlert Type: {alert_type}\nAlert Threshold: > $5.00\n{alert_type} Amount: $5.12\n\n[1] https://console.aws.amazon.com/billing/home#/budgets\n"
    )
}

/// The SNS event Lambda delivers for one message of the kill-switch topic.
pub fn sns_event(message: &str) -> Value {
    json!({"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:kill-switch:1",
        "Sns": {
            "Type": "Notification",
            "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:kill-switch",
            "Subject": "AWS Budgets: budget has exceeded your alert threshold",
            "Message": message,
            "Timestamp": "2026-11-22T01:01:38.638Z",
            "SignatureVersion": "1",
            "Signature": "EXAMPLE",
            "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/cert.pem",
            "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/unsubscribe",
            "MessageAttributes": {}
        }
    }]})
}
