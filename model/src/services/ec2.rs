//! EC2 types the guardrails know by name. The retail stack declares none of them (they bill by
//! the hour); they exist so a stack that adds one can be built and refused.

use serde::Serialize;

use crate::cfn::tags::Tags;
use crate::cfn::template::resource;
use crate::cfn::value::Value;

/// A NAT gateway: about $33 a month per gateway before any traffic.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NatGateway {
    pub subnet_id: Value,
    pub allocation_id: Value,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
resource!(NatGateway, "AWS::EC2::NatGateway", tags = tags);
