//! What resource types cost by their type alone, written by hand: AWS's resource schemas say
//! nothing about billing.
//!
//! - [`ALWAYS_ON`]: the types that bill by the hour whether or not anyone uses them. The
//!   no-ghost-spend guardrail refuses them unless an environment allows them with a reason
//!   (`stackgen/src/guard/ghost.rs`); the deploy role leaves their services out
//!   (`deploy/bootstrap/template.rs`); the cost estimator reports each one as ghost spend, priced
//!   where its price table has a meter (NAT gateways, Elastic IPs, load balancers, interface
//!   endpoints, EKS, Kinesis) and marked unpriced otherwise (`stackgen/cost/src/template/kinds.rs`).
//!   Before this table the guardrail and the estimator each kept a list, and the lists had
//!   drifted apart.
//! - [`FREE`]: the types with no charge of their own, and why, which the cost estimator lists as
//!   free instead of "no rule for this type".
//!
//! Both tables name types by the generated constants (`ec2::NAT_GATEWAY_TYPE_NAME`), so a type must be
//! allowlisted (`model/allowlist.txt`) to be here: a misspelt or unknown type does not compile.
//! The estimator still prices any CloudFormation template (`stackgen cost-report --template`);
//! a type in neither table, and without a reader of its own, is reported as having no rule.

use crate::generated::{
    amazonmq, apigateway, apigatewayv2, autoscaling, ce, certificatemanager, cloudformation,
    cloudfront, cognito, directoryservice, docdb, ec2, ecs, eks, elasticache, elasticloadbalancing,
    elasticloadbalancingv2, elasticsearch, emr, fsx, globalaccelerator, iam, kinesis, kms, lambda,
    lightsail, logs, memorydb, msk, neptune, networkfirewall, opensearchservice, rds, redshift,
    resourcegroups, route53, s3, sagemaker, scheduler, sns, sqs, ssm, wafv2,
};

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
    on(
        amazonmq::BROKER_TYPE_NAME,
        "Amazon MQ broker, billed per hour",
    ),
    on(
        autoscaling::AUTO_SCALING_GROUP_TYPE_NAME,
        "EC2 instances of the group, billed while running",
    ),
    on(
        directoryservice::MICROSOFT_AD_TYPE_NAME,
        "Managed directory, billed per hour",
    ),
    on(
        docdb::DB_CLUSTER_TYPE_NAME,
        "DocumentDB cluster: its instances billed per hour, its storage per GB-month",
    ),
    on(
        docdb::DB_INSTANCE_TYPE_NAME,
        "DocumentDB instance, billed per hour",
    ),
    on(
        ec2::CLIENT_VPN_ENDPOINT_TYPE_NAME,
        "Client VPN endpoint association, billed per hour",
    ),
    on(
        ec2::EIP_TYPE_NAME,
        "public IPv4 address, billed per hour whether attached or not",
    ),
    on(
        ec2::HOST_TYPE_NAME,
        "Dedicated Host, billed per hour while allocated",
    ),
    on(
        ec2::INSTANCE_TYPE_NAME,
        "EC2 instance, billed per second while running",
    ),
    on(
        ec2::NAT_GATEWAY_TYPE_NAME,
        "NAT gateway, billed per hour and per GB processed",
    ),
    on(
        ec2::TRANSIT_GATEWAY_TYPE_NAME,
        "Transit Gateway: each attachment billed per hour",
    ),
    on(
        ec2::TRANSIT_GATEWAY_ATTACHMENT_TYPE_NAME,
        "Transit Gateway attachment, billed per hour",
    ),
    on(
        ec2::VPC_ENDPOINT_TYPE_NAME,
        "interface endpoint, billed per hour in each subnet (gateway endpoints are free)",
    ),
    on(
        ec2::VPN_CONNECTION_TYPE_NAME,
        "Site-to-site VPN connection, billed per hour",
    ),
    on(
        ecs::CLUSTER_TYPE_NAME,
        "ECS cluster: the EC2 instances or Fargate tasks it runs bill while running",
    ),
    on(
        ecs::SERVICE_TYPE_NAME,
        "ECS tasks (Fargate or EC2), billed while running",
    ),
    on(eks::CLUSTER_TYPE_NAME, "EKS control plane, billed per hour"),
    on(
        eks::NODEGROUP_TYPE_NAME,
        "EC2 instances of the node group, billed while running",
    ),
    on(
        emr::CLUSTER_TYPE_NAME,
        "EMR cluster instances, billed per second",
    ),
    on(
        elasticache::CACHE_CLUSTER_TYPE_NAME,
        "ElastiCache nodes, billed per hour",
    ),
    on(
        elasticache::REPLICATION_GROUP_TYPE_NAME,
        "ElastiCache nodes, billed per hour",
    ),
    on(
        elasticache::SERVERLESS_CACHE_TYPE_NAME,
        "ElastiCache Serverless, minimum storage billed per hour",
    ),
    on(
        elasticloadbalancing::LOAD_BALANCER_TYPE_NAME,
        "Classic Load Balancer, billed per hour",
    ),
    on(
        elasticloadbalancingv2::LOAD_BALANCER_TYPE_NAME,
        "load balancer, billed per hour and per capacity unit",
    ),
    on(
        elasticsearch::DOMAIN_TYPE_NAME,
        "Elasticsearch instances, billed per hour",
    ),
    on(
        fsx::FILE_SYSTEM_TYPE_NAME,
        "FSx file system, storage and throughput capacity billed while it exists",
    ),
    on(
        globalaccelerator::ACCELERATOR_TYPE_NAME,
        "Global Accelerator, billed per hour",
    ),
    on(
        kinesis::STREAM_TYPE_NAME,
        "Kinesis stream, billed per shard hour (provisioned) or per stream hour (on demand)",
    ),
    on(
        lightsail::INSTANCE_TYPE_NAME,
        "Lightsail instance, billed per month",
    ),
    on(msk::CLUSTER_TYPE_NAME, "MSK brokers, billed per hour"),
    on(
        memorydb::CLUSTER_TYPE_NAME,
        "MemoryDB nodes, billed per hour",
    ),
    on(
        neptune::DB_CLUSTER_TYPE_NAME,
        "Neptune cluster: its instances billed per hour, its storage per GB-month",
    ),
    on(
        neptune::DB_INSTANCE_TYPE_NAME,
        "Neptune instance, billed per hour",
    ),
    on(
        networkfirewall::FIREWALL_TYPE_NAME,
        "Network Firewall endpoint, billed per hour",
    ),
    on(
        opensearchservice::DOMAIN_TYPE_NAME,
        "OpenSearch instances, billed per hour",
    ),
    on(
        rds::DB_CLUSTER_TYPE_NAME,
        "Aurora/RDS cluster: instances or capacity units billed per hour",
    ),
    on(
        rds::DB_INSTANCE_TYPE_NAME,
        "RDS instance, billed per hour while it exists",
    ),
    on(
        redshift::CLUSTER_TYPE_NAME,
        "Redshift nodes, billed per hour",
    ),
    on(
        sagemaker::ENDPOINT_TYPE_NAME,
        "SageMaker endpoint instances, billed per hour",
    ),
    on(
        sagemaker::NOTEBOOK_INSTANCE_TYPE_NAME,
        "SageMaker notebook instance, billed per hour while in service",
    ),
];

/// A resource type with no charge of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Free {
    pub type_name: &'static str,
    /// Why, in a few words ("IAM is free", "routes are free; requests are billed to the API").
    pub why: &'static str,
}

const fn free(type_name: &'static str, why: &'static str) -> Free {
    Free { type_name, why }
}

/// The types with no charge of their own, sorted by type name (a test checks).
pub const FREE: &[Free] = &[
    free(apigateway::DEPLOYMENT_TYPE_NAME, "deployments are free"),
    free(apigateway::METHOD_TYPE_NAME, "REST methods are free"),
    free(apigateway::RESOURCE_TYPE_NAME, "REST resources are free"),
    free(
        apigatewayv2::AUTHORIZER_TYPE_NAME,
        "authorizers are free (their function is billed)",
    ),
    free(apigatewayv2::DEPLOYMENT_TYPE_NAME, "deployments are free"),
    free(apigatewayv2::INTEGRATION_TYPE_NAME, "integrations are free"),
    free(
        apigatewayv2::ROUTE_TYPE_NAME,
        "routes are free; requests are billed to the API",
    ),
    free(
        apigatewayv2::STAGE_TYPE_NAME,
        "stages are free; requests are billed to the API",
    ),
    free(ce::COST_CATEGORY_TYPE_NAME, "cost categories are free"),
    free(
        certificatemanager::CERTIFICATE_TYPE_NAME,
        "public ACM certificates are free",
    ),
    free(cloudformation::WAIT_CONDITION_TYPE_NAME, "free"),
    free(cloudformation::WAIT_CONDITION_HANDLE_TYPE_NAME, "free"),
    free(
        cloudfront::CACHE_POLICY_TYPE_NAME,
        "cache policies are free",
    ),
    free(
        cloudfront::ORIGIN_ACCESS_CONTROL_TYPE_NAME,
        "origin access control is free",
    ),
    free(
        cloudfront::ORIGIN_REQUEST_POLICY_TYPE_NAME,
        "origin request policies are free",
    ),
    free(
        cloudfront::RESPONSE_HEADERS_POLICY_TYPE_NAME,
        "response headers policies are free",
    ),
    free(
        cognito::USER_POOL_CLIENT_TYPE_NAME,
        "app clients are free (their users are billed to the pool)",
    ),
    free(cognito::USER_POOL_GROUP_TYPE_NAME, "groups are free"),
    free(
        ec2::INTERNET_GATEWAY_TYPE_NAME,
        "internet gateways are free (data transfer is billed)",
    ),
    free(ec2::ROUTE_TYPE_NAME, "routes are free"),
    free(ec2::ROUTE_TABLE_TYPE_NAME, "route tables are free"),
    free(ec2::SECURITY_GROUP_TYPE_NAME, "security groups are free"),
    free(ec2::SECURITY_GROUP_EGRESS_TYPE_NAME, "free"),
    free(ec2::SECURITY_GROUP_INGRESS_TYPE_NAME, "free"),
    free(ec2::SUBNET_TYPE_NAME, "subnets are free"),
    free(ec2::SUBNET_ROUTE_TABLE_ASSOCIATION_TYPE_NAME, "free"),
    free(ec2::VPC_TYPE_NAME, "VPCs are free"),
    free(ec2::VPC_GATEWAY_ATTACHMENT_TYPE_NAME, "free"),
    free(iam::INSTANCE_PROFILE_TYPE_NAME, "IAM is free"),
    free(iam::MANAGED_POLICY_TYPE_NAME, "IAM is free"),
    free(iam::POLICY_TYPE_NAME, "IAM is free"),
    free(iam::ROLE_TYPE_NAME, "IAM is free"),
    free(kms::ALIAS_TYPE_NAME, "aliases are free"),
    free(
        lambda::EVENT_INVOKE_CONFIG_TYPE_NAME,
        "invoke configuration is free",
    ),
    free(
        lambda::LAYER_VERSION_TYPE_NAME,
        "layers are free (storage counts toward code storage)",
    ),
    free(lambda::PERMISSION_TYPE_NAME, "permissions are free"),
    free(
        lambda::URL_TYPE_NAME,
        "function URLs are free; invocations are billed to the function",
    ),
    free(
        logs::METRIC_FILTER_TYPE_NAME,
        "metric filters are free (a metric they publish is a custom metric)",
    ),
    free(
        logs::QUERY_DEFINITION_TYPE_NAME,
        "saved queries are free; running one bills the log data it scans",
    ),
    free(
        logs::SUBSCRIPTION_FILTER_TYPE_NAME,
        "subscription filters are free (the destination is billed)",
    ),
    free(resourcegroups::GROUP_TYPE_NAME, "resource groups are free"),
    free(
        route53::RECORD_SET_TYPE_NAME,
        "records are free (queries are billed, not estimated)",
    ),
    free(s3::BUCKET_POLICY_TYPE_NAME, "bucket policies are free"),
    free(sns::TOPIC_POLICY_TYPE_NAME, "topic policies are free"),
    free(sqs::QUEUE_POLICY_TYPE_NAME, "queue policies are free"),
    free(ssm::PARAMETER_TYPE_NAME, "standard parameters are free"),
    free(
        scheduler::SCHEDULE_GROUP_TYPE_NAME,
        "schedule groups are free",
    ),
    free(
        wafv2::LOGGING_CONFIGURATION_TYPE_NAME,
        "logging is free; its log group is billed for what WAF writes there, the requests a rule blocked, counted or challenged, which the traffic profile does not count",
    ),
    free(
        wafv2::WEB_ACL_ASSOCIATION_TYPE_NAME,
        "associations are free (the web ACL is billed)",
    ),
];

/// The entry of a type with no charge of its own, if it is one.
pub fn free_type(type_name: &str) -> Option<&'static Free> {
    FREE.binary_search_by(|f| f.type_name.cmp(type_name))
        .ok()
        .and_then(|i| FREE.get(i))
}

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
    fn the_free_table_is_sorted_and_shares_no_type_with_the_always_on_one() {
        for pair in FREE.windows(2) {
            assert!(
                pair[0].type_name < pair[1].type_name,
                "{} must come after {}",
                pair[0].type_name,
                pair[1].type_name
            );
        }
        for f in FREE {
            assert!(
                always_on(f.type_name).is_none(),
                "{} is in both",
                f.type_name
            );
            assert_eq!(free_type(f.type_name), Some(f));
        }
        assert!(free_type("AWS::Lambda::Function").is_none());
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
