//! IAM: `AWS::IAM::Role` with inline policies as typed documents.

use serde::Serialize;

use crate::cfn::policy::PolicyDocument;
use crate::cfn::tags::Tags;
use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    pub description: String,
    /// `/stackgen/`: the only path the deploy role may manage roles under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'static str>,
    pub assume_role_policy_document: PolicyDocument,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<InlinePolicy>,
    /// The managed policy capping what the role can ever do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<Value>,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
resource!(Role, "AWS::IAM::Role", tags = tags);

impl Handle<Role> {
    pub fn arn(&self) -> Value {
        self.attribute("Arn")
    }
    /// `Ref`: the role name.
    pub fn name(&self) -> Value {
        self.reference()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    pub policy_document: PolicyDocument,
}
