//! SQS: `AWS::SQS::Queue` (with dead-letter redrive) and `AWS::SQS::QueuePolicy`, generated
//! from AWS's schema; what the schema leaves untyped is typed here.

use serde::Serialize;

use crate::cfn::{Handle, Json, Value};

pub use crate::generated::sqs::queue::Queue;
pub use crate::generated::sqs::queue_policy::QueuePolicy;

impl Handle<Queue> {
    /// `Fn::GetAtt Arn`.
    pub fn arn(&self) -> Value {
        self.attr_arn()
    }
    /// `Ref`: the queue URL.
    pub fn url(&self) -> Value {
        self.reference()
    }
    /// `Fn::GetAtt QueueName`.
    pub fn name(&self) -> Value {
        self.attribute("QueueName")
    }
}

/// A queue's `RedrivePolicy` (free-form JSON in the schema): where messages go after
/// `max_receive_count` failed receives.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: Value,
    pub max_receive_count: u32,
}

impl From<RedrivePolicy> for Json {
    fn from(p: RedrivePolicy) -> Json {
        let mut object = serde_json::Map::new();
        object.insert(
            "deadLetterTargetArn".into(),
            serde_json::to_value(&p.dead_letter_target_arn).unwrap_or_default(),
        );
        object.insert("maxReceiveCount".into(), p.max_receive_count.into());
        Json(object.into())
    }
}
