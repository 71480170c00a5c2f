//! Cost Explorer anomaly detection: `AWS::CE::AnomalyMonitor` and `AnomalySubscription`.
//!
//! The monitor specification and the subscription threshold are JSON strings in
//! CloudFormation; they are typed [`Expression`]s here, serialised into those strings.

use serde::Serialize;

use crate::cfn::tags::Tags;
use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

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

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AnomalyMonitor {
    pub monitor_name: String,
    pub monitor_type: &'static str,
    /// JSON of an [`Expression`] (for `CUSTOM` monitors).
    pub monitor_specification: String,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub resource_tags: Tags,
}
resource!(
    AnomalyMonitor,
    "AWS::CE::AnomalyMonitor",
    tags = resource_tags
);

impl AnomalyMonitor {
    /// A monitor of the cost that matches `spec`.
    pub fn custom(name: &str, spec: &Expression) -> Result<Self, serde_json::Error> {
        Ok(AnomalyMonitor {
            monitor_name: name.to_owned(),
            monitor_type: "CUSTOM",
            monitor_specification: serde_json::to_string(spec)?,
            resource_tags: Tags::new(),
        })
    }
}

impl Handle<AnomalyMonitor> {
    /// `Ref`: the monitor ARN.
    pub fn arn(&self) -> Value {
        self.reference()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AnomalySubscription {
    pub subscription_name: String,
    pub frequency: &'static str,
    pub monitor_arn_list: Vec<Value>,
    pub subscribers: Vec<AnomalySubscriber>,
    /// JSON of an [`Expression`] on `ANOMALY_TOTAL_IMPACT_ABSOLUTE`.
    pub threshold_expression: String,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub resource_tags: Tags,
}
resource!(
    AnomalySubscription,
    "AWS::CE::AnomalySubscription",
    tags = resource_tags
);

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

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AnomalySubscriber {
    pub address: Value,
    #[serde(rename = "Type")]
    pub kind: &'static str,
}
