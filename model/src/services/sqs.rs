//! SQS: `AWS::SQS::Queue` (with dead-letter redrive) and `AWS::SQS::QueuePolicy`, generated
//! from AWS's schema; what the schema leaves untyped is typed here.

use serde::Serialize;

use crate::cfn::{Arn, Handle, Json, Name, Url};

pub use crate::generated::sqs::queue::Queue;
pub use crate::generated::sqs::queue_policy::QueuePolicy;

impl Handle<Queue> {
    /// `Fn::GetAtt Arn`.
    pub fn arn(&self) -> Arn<Queue> {
        self.attr_arn()
    }
    /// `Ref`: the queue URL.
    pub fn url(&self) -> Url<Queue> {
        self.reference_as()
    }
    /// `Fn::GetAtt QueueName`.
    pub fn name(&self) -> Name<Queue> {
        self.attribute_as("QueueName")
    }
}

/// A queue's `RedrivePolicy` (free-form JSON in the schema): where messages go after
/// `max_receive_count` failed receives.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: Arn<Queue>,
    pub max_receive_count: u32,
}

impl From<RedrivePolicy> for Json {
    fn from(p: RedrivePolicy) -> Json {
        let mut object = serde_json::Map::new();
        object.insert(
            "deadLetterTargetArn".into(),
            serde_json::to_value(p.dead_letter_target_arn.value()).unwrap_or_default(),
        );
        object.insert("maxReceiveCount".into(), p.max_receive_count.into());
        Json::from(serde_json::Value::from(object))
    }
}
