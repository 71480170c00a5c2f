//! Which resource types bill by the hour whether or not anyone uses them, written by hand:
//! AWS's resource schemas say nothing about billing.
//!
//! Two parts of stackgen read this one table. The no-ghost-spend guardrail refuses these types
//! unless an environment allows them with a reason (`stackgen/src/guard/ghost.rs`). The deploy
//! role leaves their services out (`deploy/bootstrap/template.rs`). The cost estimator reports
//! each one as ghost spend, priced where its price table has a meter (NAT gateways, Elastic IPs,
//! load balancers, interface endpoints, EKS, Kinesis) and marked unpriced otherwise
//! (`stackgen/src/cost/template/kinds.rs`). Before this table the guardrail and the estimator
//! each kept a list, and the lists had drifted apart.
//!
//! Unlike [`crate::hand`], a type here need not be allowlisted: the estimator prices any
//! CloudFormation template (`stackgen cost-report --template`), not only stackgen's own.

/// A resource type that bills while it exists, used or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlwaysOn {
    pub type_name: &'static str,
    /// What bills, in a few words ("RDS instance, billed per hour while it exists").
    pub bills: &'static str,
}

const fn on(type_name: &'static str, bills: &'static str) -> AlwaysOn {
    AlwaysOn { type_name, bills }
}

/// The types billed by the hour (or month, or with a fixed minimum) regardless of use, sorted by
/// type name (a test checks).
pub const ALWAYS_ON: &[AlwaysOn] = &[
    on("AWS::AmazonMQ::Broker", "Amazon MQ broker, billed per hour"),
    on(
        "AWS::AutoScaling::AutoScalingGroup",
        "EC2 instances of the group, billed while running",
    ),
    on(
        "AWS::DirectoryService::MicrosoftAD",
        "Managed directory, billed per hour",
    ),
    on(
        "AWS::DocDB::DBCluster",
        "DocumentDB cluster: its instances billed per hour, its storage per GB-month",
    ),
    on(
        "AWS::DocDB::DBInstance",
        "DocumentDB instance, billed per hour",
    ),
    on(
        "AWS::EC2::ClientVpnEndpoint",
        "Client VPN endpoint association, billed per hour",
    ),
    on(
        "AWS::EC2::EIP",
        "public IPv4 address, billed per hour whether attached or not",
    ),
    on(
        "AWS::EC2::Host",
        "Dedicated Host, billed per hour while allocated",
    ),
    on(
        "AWS::EC2::Instance",
        "EC2 instance, billed per second while running",
    ),
    on(
        "AWS::EC2::NatGateway",
        "NAT gateway, billed per hour and per GB processed",
    ),
    on(
        "AWS::EC2::TransitGateway",
        "Transit Gateway: each attachment billed per hour",
    ),
    on(
        "AWS::EC2::TransitGatewayAttachment",
        "Transit Gateway attachment, billed per hour",
    ),
    on(
        "AWS::EC2::VPCEndpoint",
        "interface endpoint, billed per hour in each subnet (gateway endpoints are free)",
    ),
    on(
        "AWS::EC2::VPNConnection",
        "Site-to-site VPN connection, billed per hour",
    ),
    on(
        "AWS::ECS::Cluster",
        "ECS cluster: the EC2 instances or Fargate tasks it runs bill while running",
    ),
    on(
        "AWS::ECS::Service",
        "ECS tasks (Fargate or EC2), billed while running",
    ),
    on("AWS::EKS::Cluster", "EKS control plane, billed per hour"),
    on(
        "AWS::EKS::Nodegroup",
        "EC2 instances of the node group, billed while running",
    ),
    on(
        "AWS::EMR::Cluster",
        "EMR cluster instances, billed per second",
    ),
    on(
        "AWS::ElastiCache::CacheCluster",
        "ElastiCache nodes, billed per hour",
    ),
    on(
        "AWS::ElastiCache::ReplicationGroup",
        "ElastiCache nodes, billed per hour",
    ),
    on(
        "AWS::ElastiCache::ServerlessCache",
        "ElastiCache Serverless, minimum storage billed per hour",
    ),
    on(
        "AWS::ElasticLoadBalancing::LoadBalancer",
        "Classic Load Balancer, billed per hour",
    ),
    on(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "load balancer, billed per hour and per capacity unit",
    ),
    on(
        "AWS::Elasticsearch::Domain",
        "Elasticsearch instances, billed per hour",
    ),
    on(
        "AWS::FSx::FileSystem",
        "FSx file system, storage and throughput capacity billed while it exists",
    ),
    on(
        "AWS::GlobalAccelerator::Accelerator",
        "Global Accelerator, billed per hour",
    ),
    on(
        "AWS::Kinesis::Stream",
        "Kinesis stream, billed per shard hour (provisioned) or per stream hour (on demand)",
    ),
    on(
        "AWS::Lightsail::Instance",
        "Lightsail instance, billed per month",
    ),
    on("AWS::MSK::Cluster", "MSK brokers, billed per hour"),
    on("AWS::MemoryDB::Cluster", "MemoryDB nodes, billed per hour"),
    on(
        "AWS::Neptune::DBCluster",
        "Neptune cluster: its instances billed per hour, its storage per GB-month",
    ),
    on(
        "AWS::Neptune::DBInstance",
        "Neptune instance, billed per hour",
    ),
    on(
        "AWS::NetworkFirewall::Firewall",
        "Network Firewall endpoint, billed per hour",
    ),
    on(
        "AWS::OpenSearchService::Domain",
        "OpenSearch instances, billed per hour",
    ),
    on(
        "AWS::RDS::DBCluster",
        "Aurora/RDS cluster: instances or capacity units billed per hour",
    ),
    on(
        "AWS::RDS::DBInstance",
        "RDS instance, billed per hour while it exists",
    ),
    on("AWS::Redshift::Cluster", "Redshift nodes, billed per hour"),
    on(
        "AWS::SageMaker::Endpoint",
        "SageMaker endpoint instances, billed per hour",
    ),
    on(
        "AWS::SageMaker::NotebookInstance",
        "SageMaker notebook instance, billed per hour while in service",
    ),
];

/// The entry of a type that bills while it exists, if it is one.
pub fn always_on(type_name: &str) -> Option<&'static AlwaysOn> {
    ALWAYS_ON
        .binary_search_by(|a| a.type_name.cmp(type_name))
        .ok()
        .and_then(|i| ALWAYS_ON.get(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_without_duplicates() {
        for pair in ALWAYS_ON.windows(2) {
            assert!(
                pair[0].type_name < pair[1].type_name,
                "{} must come after {}",
                pair[0].type_name,
                pair[1].type_name
            );
        }
    }

    #[test]
    fn lookups_find_listed_types_only() {
        assert_eq!(
            always_on("AWS::EC2::NatGateway").map(|a| a.type_name),
            Some("AWS::EC2::NatGateway")
        );
        assert!(always_on("AWS::Lambda::Function").is_none());
        assert!(ALWAYS_ON.iter().all(|a| always_on(a.type_name) == Some(a)));
    }
}
