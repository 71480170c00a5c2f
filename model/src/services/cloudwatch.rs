//! CloudWatch: `AWS::CloudWatch::Alarm` and `AWS::CloudWatch::Dashboard`, generated from
//! AWS's schemas.
//!
//! A dashboard's body is a JSON string in CloudFormation; here it is built from typed widgets
//! (hand-written: the schema cannot say what the string holds) and serialised into that string,
//! with the deploy region filled in by `Fn::Sub`.

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use crate::cfn::{Pseudo, Value};

pub use crate::generated::cloudwatch::alarm::{
    Alarm, ComparisonOperator, Dimension, Statistic, TreatMissingData,
};
pub use crate::generated::cloudwatch::dashboard::Dashboard;

/// Marks a value inside the serialised body that `Fn::Sub` fills in (`@@stackgen-<n>@@`).
const MARK: &str = "@@stackgen-";

impl Dashboard {
    /// A dashboard whose body is `body` serialised; region and references (function names,
    /// API id, …) are resolved by CloudFormation.
    pub fn from_body(name: Value, body: &DashboardBody) -> Result<Self, serde_json::Error> {
        let mut values: Vec<Value> = vec![Pseudo::Region.into()];
        let mut plain = body.clone();
        for w in &mut plain.widgets {
            if let WidgetProperties::Metric(m) = &mut w.properties {
                for line in &mut m.metrics {
                    for (_, v) in &mut line.dimensions {
                        if v.literal_text().is_none() {
                            let marker = format!("{MARK}{}@@", values.len());
                            values.push(std::mem::replace(v, Value::from(marker)));
                        }
                    }
                }
            }
        }
        let text = serde_json::to_string(&plain)?;
        let mut parts: Vec<Value> = Vec::new();
        let mut rest = text.as_str();
        while let Some(i) = rest.find(MARK) {
            let after = &rest[i + MARK.len()..];
            let Some(end) = after.find("@@") else { break };
            let Some(v) = after[..end]
                .parse::<usize>()
                .ok()
                .and_then(|n| values.get(n))
            else {
                break;
            };
            parts.push(rest[..i].into());
            parts.push(v.clone());
            rest = &after[end + 2..];
        }
        parts.push(rest.into());
        Ok(Dashboard::new(Value::concat(parts)).dashboard_name(name))
    }
}

/// The dashboard body (`{"widgets": [...]}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DashboardBody {
    pub widgets: Vec<Widget>,
}

/// One widget, placed on the 24-column grid.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Widget {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub properties: WidgetProperties,
}

impl Widget {
    pub fn text(x: u32, y: u32, width: u32, height: u32, markdown: &str) -> Self {
        Widget {
            kind: "text",
            x,
            y,
            width,
            height,
            properties: WidgetProperties::Text(TextProperties {
                markdown: markdown.to_owned(),
            }),
        }
    }

    pub fn metric(x: u32, y: u32, width: u32, height: u32, properties: MetricProperties) -> Self {
        Widget {
            kind: "metric",
            x,
            y,
            width,
            height,
            properties: WidgetProperties::Metric(properties),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum WidgetProperties {
    Metric(MetricProperties),
    Text(TextProperties),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextProperties {
    pub markdown: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricProperties {
    pub title: String,
    pub view: &'static str,
    pub stacked: bool,
    /// Always the stack's region.
    #[serde(serialize_with = "region_marker")]
    pub region: (),
    pub period: u32,
    pub stat: &'static str,
    pub metrics: Vec<MetricLine>,
}

impl MetricProperties {
    pub fn time_series(title: &str, stat: &'static str, metrics: Vec<MetricLine>) -> Self {
        MetricProperties {
            title: title.to_owned(),
            view: "timeSeries",
            stacked: false,
            region: (),
            period: 300,
            stat,
            metrics,
        }
    }
}

fn region_marker<S: Serializer>(_: &(), s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{MARK}0@@"))
}

/// One metric: `[namespace, metric, dim, value, …, {"label": …}]`. Dimension values may be
/// references (a function's name, the API's id).
#[derive(Clone, Debug, PartialEq)]
pub struct MetricLine {
    pub namespace: String,
    pub metric_name: String,
    pub dimensions: Vec<(String, Value)>,
    pub label: Option<String>,
}

impl MetricLine {
    pub fn new(namespace: &str, metric_name: &str, dimensions: Vec<(&str, Value)>) -> Self {
        MetricLine {
            namespace: namespace.to_owned(),
            metric_name: metric_name.to_owned(),
            dimensions: dimensions
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            label: None,
        }
    }

    pub fn label(mut self, label: &str) -> Self {
        self.label = Some(label.to_owned());
        self
    }
}

impl Serialize for MetricLine {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Opts<'a> {
            label: &'a str,
        }
        let mut q = s.serialize_seq(None)?;
        q.serialize_element(&self.namespace)?;
        q.serialize_element(&self.metric_name)?;
        for (k, v) in &self.dimensions {
            q.serialize_element(k)?;
            q.serialize_element(v)?;
        }
        if let Some(l) = &self.label {
            q.serialize_element(&Opts { label: l })?;
        }
        q.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::LogicalId;

    #[test]
    fn dashboard_body_is_a_sub_string_with_the_region() {
        let body = DashboardBody {
            widgets: vec![Widget::metric(
                0,
                0,
                12,
                6,
                MetricProperties::time_series(
                    "Errors",
                    "Sum",
                    vec![
                        MetricLine::new("AWS/Lambda", "Errors", vec![("FunctionName", "f".into())])
                            .label("f"),
                        MetricLine::new(
                            "AWS/Lambda",
                            "Errors",
                            vec![("FunctionName", Value::reference(LogicalId::new("Fn")))],
                        ),
                    ],
                ),
            )],
        };
        let d = Dashboard::from_body("d".into(), &body).map_err(|e| e.to_string());
        let json =
            d.and_then(|d| serde_json::to_string(&d.dashboard_body).map_err(|e| e.to_string()));
        assert_eq!(
            json.as_deref(),
            Ok(
                r#"{"Fn::Sub":"{\"widgets\":[{\"type\":\"metric\",\"x\":0,\"y\":0,\"width\":12,\"height\":6,\"properties\":{\"title\":\"Errors\",\"view\":\"timeSeries\",\"stacked\":false,\"region\":\"${AWS::Region}\",\"period\":300,\"stat\":\"Sum\",\"metrics\":[[\"AWS/Lambda\",\"Errors\",\"FunctionName\",\"f\",{\"label\":\"f\"}],[\"AWS/Lambda\",\"Errors\",\"FunctionName\",\"${Fn}\"]]}}]}"}"#
            )
        );
    }
}
