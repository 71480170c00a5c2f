//! EC2 types the guardrails know by name. The retail stack declares none of them (they bill by
//! the hour); they exist so a stack that adds one can be built and refused.

/// A NAT gateway: about $33 a month per gateway before any traffic.
pub use crate::generated::ec2::nat_gateway::NatGateway;
