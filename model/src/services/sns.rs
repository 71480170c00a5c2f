//! SNS: `AWS::SNS::Topic`, `Subscription`, `TopicPolicy`, generated from AWS's schemas.

use crate::cfn::{Arn, Handle, Name};

pub use crate::generated::sns::subscription::Subscription;
pub use crate::generated::sns::topic::Topic;
pub use crate::generated::sns::topic_policy::TopicPolicy;

impl Handle<Topic> {
    /// `Ref`: the topic ARN.
    pub fn arn(&self) -> Arn<Topic> {
        self.reference_as()
    }
    /// `Fn::GetAtt TopicName`.
    pub fn name(&self) -> Name<Topic> {
        self.attribute_as("TopicName")
    }
}
