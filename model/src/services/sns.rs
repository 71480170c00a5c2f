//! SNS: `AWS::SNS::Topic`, `Subscription`, `TopicPolicy`.

use serde::Serialize;

use crate::cfn::policy::PolicyDocument;
use crate::cfn::tags::Tags;
use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Topic {
    pub topic_name: Value,
    pub display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
resource!(Topic, "AWS::SNS::Topic", tags = tags);

impl Handle<Topic> {
    /// `Ref`: the topic ARN.
    pub fn arn(&self) -> Value {
        self.reference()
    }
    pub fn name(&self) -> Value {
        self.attribute("TopicName")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subscription {
    pub topic_arn: Value,
    pub protocol: &'static str,
    pub endpoint: Value,
}
resource!(Subscription, "AWS::SNS::Subscription");

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TopicPolicy {
    pub topics: Vec<Value>,
    pub policy_document: PolicyDocument,
}
resource!(TopicPolicy, "AWS::SNS::TopicPolicy");
