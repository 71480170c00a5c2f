//! No ghost spend: resource types that bill by the hour whether or not anyone uses them are
//! refused, unless the environment file allows the type explicitly, with a reason.

use super::{Outcome, Rule, RuleResult, Subject};

pub const RULE: Rule = Rule {
    id: "no-ghost-spend",
    title: "no always-on (hourly billed) resources unless the environment allows them with a reason",
};

/// Types billed by the hour (or with a fixed minimum) regardless of use.
pub const ALWAYS_ON_TYPES: &[&str] = &[
    "AWS::EC2::NatGateway",
    "AWS::EC2::Instance",
    "AWS::EC2::Host",
    "AWS::EC2::EIP",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::TransitGateway",
    "AWS::EC2::VPNConnection",
    "AWS::EC2::ClientVpnEndpoint",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DocDB::DBCluster",
    "AWS::DocDB::DBInstance",
    "AWS::Neptune::DBCluster",
    "AWS::Neptune::DBInstance",
    "AWS::Redshift::Cluster",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::ServerlessCache",
    "AWS::MemoryDB::Cluster",
    "AWS::EKS::Cluster",
    "AWS::EKS::Nodegroup",
    "AWS::ECS::Cluster",
    "AWS::ECS::Service",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::MSK::Cluster",
    "AWS::AmazonMQ::Broker",
    "AWS::Kinesis::Stream",
    "AWS::EMR::Cluster",
    "AWS::SageMaker::Endpoint",
    "AWS::SageMaker::NotebookInstance",
    "AWS::FSx::FileSystem",
    "AWS::DirectoryService::MicrosoftAD",
    "AWS::GlobalAccelerator::Accelerator",
];

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    let file = format!("environments/{}.yaml", s.env.name);
    for e in s.template.entries() {
        o.checked();
        let ty = e.resource_type();
        if !ALWAYS_ON_TYPES.contains(&ty) {
            continue;
        }
        let allowance = s.env.allow_always_on.iter().find(|a| a.resource_type == ty);
        match allowance {
            Some(a) if !a.reason.trim().is_empty() => {
                o.note(format!("{} ({ty}) allowed: {}", e.id(), a.reason.trim()));
            }
            Some(_) => o.violation(
                e.id().as_str(),
                format!("{ty} is allowed in {file} without a reason"),
                format!("give the allow_always_on entry for {ty} a reason, or remove the resource"),
            ),
            None => o.violation(
                e.id().as_str(),
                format!("{ty} bills by the hour even when idle"),
                format!(
                    "use a pay-per-request alternative, or allow it in {file}: `allow_always_on: [{{resource_type: {ty}, reason: …}}]`"
                ),
            ),
        }
    }
    o.finish()
}
