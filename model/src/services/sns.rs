//! SNS: `AWS::SNS::Topic`, `Subscription`, `TopicPolicy`, generated from AWS's schemas.

use crate::cfn::{Handle, Value};

pub use crate::generated::sns::subscription::Subscription;
pub use crate::generated::sns::topic::Topic;
pub use crate::generated::sns::topic_policy::TopicPolicy;

impl Handle<Topic> {
    /// `Ref`: the topic ARN.
    pub fn arn(&self) -> Value {
        self.reference()
    }
    /// `Fn::GetAtt TopicName`.
    pub fn name(&self) -> Value {
        self.attribute("TopicName")
    }
}
