//! Lambda: `Function`, `Permission`, `EventSourceMapping`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cfn::tags::Tags;
use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Function {
    pub function_name: Value,
    pub description: String,
    pub runtime: &'static str,
    pub architectures: Vec<&'static str>,
    pub handler: &'static str,
    pub memory_size: u32,
    pub timeout: u32,
    pub role: Value,
    pub code: Code,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<FunctionEnvironment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging_config: Option<LoggingConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved_concurrent_executions: Option<u32>,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
resource!(Function, "AWS::Lambda::Function", tags = tags);

impl Handle<Function> {
    /// `Ref`: the function name.
    pub fn name(&self) -> Value {
        self.reference()
    }
    pub fn arn(&self) -> Value {
        self.attribute("Arn")
    }
}

/// Code in S3 (the deploy step uploads content-addressed zips).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Code {
    #[serde(rename = "S3Bucket")]
    pub s3_bucket: Value,
    #[serde(rename = "S3Key")]
    pub s3_key: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionEnvironment {
    /// Sorted by name, so the rendering is deterministic.
    pub variables: BTreeMap<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoggingConfig {
    /// The function's own log group (by name).
    pub log_group: Value,
}

/// Lets a service principal invoke a function.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Permission {
    pub action: &'static str,
    pub function_name: Value,
    pub principal: &'static str,
    pub source_arn: Value,
}
resource!(Permission, "AWS::Lambda::Permission");

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventSourceMapping {
    pub event_source_arn: Value,
    pub function_name: Value,
    pub batch_size: u32,
    pub enabled: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub function_response_types: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaling_config: Option<ScalingConfig>,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
resource!(
    EventSourceMapping,
    "AWS::Lambda::EventSourceMapping",
    tags = tags
);

impl Handle<EventSourceMapping> {
    /// `Ref`: the mapping's id (a UUID), the last part of its ARN.
    pub fn uuid(&self) -> Value {
        self.reference()
    }
}

/// How far an SQS event source may scale the function out.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalingConfig {
    /// 2–1000 concurrent invocations from this event source.
    pub maximum_concurrency: u32,
}
