//! SQS: `AWS::SQS::Queue` (with dead-letter redrive) and `AWS::SQS::QueuePolicy`.

use serde::Serialize;

use crate::cfn::policy::PolicyDocument;
use crate::cfn::tags::Tags;
use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Queue {
    pub queue_name: Value,
    pub message_retention_period: u32,
    pub visibility_timeout: u32,
    /// SSE-KMS key (the AWS-managed `alias/aws/sqs` costs nothing to keep).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_data_key_reuse_period_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redrive_policy: Option<RedrivePolicy>,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
resource!(Queue, "AWS::SQS::Queue", tags = tags);

impl Handle<Queue> {
    /// `Ref`: the queue URL.
    pub fn url(&self) -> Value {
        self.reference()
    }
    pub fn arn(&self) -> Value {
        self.attribute("Arn")
    }
    pub fn name(&self) -> Value {
        self.attribute("QueueName")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: Value,
    pub max_receive_count: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueuePolicy {
    pub queues: Vec<Value>,
    pub policy_document: PolicyDocument,
}
resource!(QueuePolicy, "AWS::SQS::QueuePolicy");
