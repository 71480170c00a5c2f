//! Cost Explorer anomaly detection: `AWS::CE::AnomalyMonitor` and `AnomalySubscription`,
//! generated from AWS's schemas.
//!
//! The monitor specification and the subscription threshold are JSON strings in
//! CloudFormation; they are typed [`Expression`]s here (hand-written), serialised into those
//! strings in this field order, so a deployed monitor's specification stays byte-identical.

use serde::Serialize;

use crate::cfn::{Arn, Handle};

pub use crate::generated::ce::anomaly_monitor::{AnomalyMonitor, MonitorType};
pub use crate::generated::ce::anomaly_subscription::{
    AnomalySubscription, Frequency, Subscriber as AnomalySubscriber, SubscriberType,
};

/// A Cost Explorer filter expression (also the shape of a budget's `FilterExpression`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Expression {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub and: Vec<Expression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<KeyValues>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<KeyValues>,
}

impl Expression {
    /// Cost carrying tag `key` = `value`.
    pub fn tag(key: &str, value: &str) -> Self {
        Expression {
            tags: Some(KeyValues {
                key: key.to_owned(),
                values: vec![value.to_owned()],
                match_options: vec!["EQUALS"],
            }),
            ..Expression::default()
        }
    }

    pub fn all(items: Vec<Expression>) -> Self {
        Expression {
            and: items,
            ..Expression::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyValues {
    pub key: String,
    pub values: Vec<String>,
    pub match_options: Vec<&'static str>,
}

impl AnomalyMonitor {
    /// A monitor of the cost that matches `spec`.
    pub fn custom(name: &str, spec: &Expression) -> Result<Self, serde_json::Error> {
        Ok(AnomalyMonitor::new(name, MonitorType::Custom)
            .monitor_specification(serde_json::to_string(spec)?))
    }
}

impl Handle<AnomalyMonitor> {
    /// `Ref`: the monitor ARN.
    pub fn arn(&self) -> Arn<AnomalyMonitor> {
        self.reference_as()
    }
}

impl AnomalySubscription {
    /// The threshold: an anomaly whose total impact is at least `usd` dollars.
    pub fn impact_at_least(usd: u32) -> Result<String, serde_json::Error> {
        serde_json::to_string(&Expression {
            dimensions: Some(KeyValues {
                key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE".to_owned(),
                values: vec![usd.to_string()],
                match_options: vec!["GREATER_THAN_OR_EQUAL"],
            }),
            ..Expression::default()
        })
    }
}
