//! What the reader knows of a type by its name alone: the types billed by the hour that the
//! price table does not price, and the types with no charge of their own.

use super::Facts;

/// Types billed by the hour (or month) that the price table does not price, with what bills.
const HOURLY: &[(&str, &str)] = &[
    (
        "AWS::EC2::Instance",
        "EC2 instance, billed per second while running",
    ),
    (
        "AWS::AutoScaling::AutoScalingGroup",
        "EC2 instances of the group, billed while running",
    ),
    (
        "AWS::RDS::DBInstance",
        "RDS instance, billed per hour while it exists",
    ),
    (
        "AWS::RDS::DBCluster",
        "Aurora/RDS cluster: instances or capacity units billed per hour",
    ),
    (
        "AWS::ElastiCache::CacheCluster",
        "ElastiCache nodes, billed per hour",
    ),
    (
        "AWS::ElastiCache::ReplicationGroup",
        "ElastiCache nodes, billed per hour",
    ),
    (
        "AWS::ElastiCache::ServerlessCache",
        "ElastiCache Serverless, minimum storage billed per hour",
    ),
    (
        "AWS::OpenSearchService::Domain",
        "OpenSearch instances, billed per hour",
    ),
    (
        "AWS::Elasticsearch::Domain",
        "Elasticsearch instances, billed per hour",
    ),
    ("AWS::Redshift::Cluster", "Redshift nodes, billed per hour"),
    ("AWS::MSK::Cluster", "MSK brokers, billed per hour"),
    (
        "AWS::DocDB::DBInstance",
        "DocumentDB instance, billed per hour",
    ),
    (
        "AWS::Neptune::DBInstance",
        "Neptune instance, billed per hour",
    ),
    (
        "AWS::ECS::Service",
        "ECS tasks (Fargate or EC2), billed while running",
    ),
    (
        "AWS::SageMaker::Endpoint",
        "SageMaker endpoint instances, billed per hour",
    ),
    (
        "AWS::EC2::TransitGatewayAttachment",
        "Transit Gateway attachment, billed per hour",
    ),
    (
        "AWS::EC2::VPNConnection",
        "Site-to-site VPN connection, billed per hour",
    ),
    (
        "AWS::EC2::ClientVpnEndpoint",
        "Client VPN endpoint association, billed per hour",
    ),
    (
        "AWS::DirectoryService::MicrosoftAD",
        "Managed directory, billed per hour",
    ),
    (
        "AWS::GlobalAccelerator::Accelerator",
        "Global Accelerator, billed per hour",
    ),
    ("AWS::AmazonMQ::Broker", "Amazon MQ broker, billed per hour"),
    (
        "AWS::EMR::Cluster",
        "EMR cluster instances, billed per second",
    ),
    (
        "AWS::NetworkFirewall::Firewall",
        "Network Firewall endpoint, billed per hour",
    ),
    (
        "AWS::Lightsail::Instance",
        "Lightsail instance, billed per month",
    ),
];

/// Types with no charge of their own, with why.
const FREE: &[(&str, &str)] = &[
    ("AWS::IAM::Role", "IAM is free"),
    (
        "AWS::Cognito::UserPoolClient",
        "app clients are free (their users are billed to the pool)",
    ),
    ("AWS::Cognito::UserPoolGroup", "groups are free"),
    ("AWS::IAM::Policy", "IAM is free"),
    ("AWS::IAM::ManagedPolicy", "IAM is free"),
    ("AWS::IAM::InstanceProfile", "IAM is free"),
    ("AWS::Lambda::Permission", "permissions are free"),
    (
        "AWS::Lambda::EventInvokeConfig",
        "invoke configuration is free",
    ),
    (
        "AWS::Lambda::LayerVersion",
        "layers are free (storage counts toward code storage)",
    ),
    (
        "AWS::Lambda::Url",
        "function URLs are free; invocations are billed to the function",
    ),
    (
        "AWS::ApiGatewayV2::Stage",
        "stages are free; requests are billed to the API",
    ),
    (
        "AWS::ApiGatewayV2::Route",
        "routes are free; requests are billed to the API",
    ),
    ("AWS::ApiGatewayV2::Integration", "integrations are free"),
    (
        "AWS::ApiGatewayV2::Authorizer",
        "authorizers are free (their function is billed)",
    ),
    ("AWS::ApiGatewayV2::Deployment", "deployments are free"),
    ("AWS::ApiGateway::Resource", "REST resources are free"),
    ("AWS::ApiGateway::Method", "REST methods are free"),
    ("AWS::ApiGateway::Deployment", "deployments are free"),
    ("AWS::S3::BucketPolicy", "bucket policies are free"),
    ("AWS::SQS::QueuePolicy", "queue policies are free"),
    ("AWS::SNS::TopicPolicy", "topic policies are free"),
    (
        "AWS::CloudFront::OriginAccessControl",
        "origin access control is free",
    ),
    ("AWS::CloudFront::CachePolicy", "cache policies are free"),
    (
        "AWS::CloudFront::OriginRequestPolicy",
        "origin request policies are free",
    ),
    (
        "AWS::CloudFront::ResponseHeadersPolicy",
        "response headers policies are free",
    ),
    (
        "AWS::WAFv2::WebACLAssociation",
        "associations are free (the web ACL is billed)",
    ),
    ("AWS::KMS::Alias", "aliases are free"),
    (
        "AWS::Logs::MetricFilter",
        "metric filters are free (a metric they publish is a custom metric)",
    ),
    (
        "AWS::Logs::SubscriptionFilter",
        "subscription filters are free (the destination is billed)",
    ),
    ("AWS::Scheduler::ScheduleGroup", "schedule groups are free"),
    (
        "AWS::Logs::QueryDefinition",
        "saved queries are free; running one bills the log data it scans",
    ),
    ("AWS::SSM::Parameter", "standard parameters are free"),
    ("AWS::CloudFormation::WaitConditionHandle", "free"),
    ("AWS::CloudFormation::WaitCondition", "free"),
    ("AWS::EC2::VPC", "VPCs are free"),
    ("AWS::EC2::Subnet", "subnets are free"),
    ("AWS::EC2::RouteTable", "route tables are free"),
    ("AWS::EC2::Route", "routes are free"),
    ("AWS::EC2::SubnetRouteTableAssociation", "free"),
    ("AWS::EC2::SecurityGroup", "security groups are free"),
    ("AWS::EC2::SecurityGroupIngress", "free"),
    ("AWS::EC2::SecurityGroupEgress", "free"),
    (
        "AWS::EC2::InternetGateway",
        "internet gateways are free (data transfer is billed)",
    ),
    ("AWS::EC2::VPCGatewayAttachment", "free"),
    (
        "AWS::CertificateManager::Certificate",
        "public ACM certificates are free",
    ),
    (
        "AWS::Route53::RecordSet",
        "records are free (queries are billed, not estimated)",
    ),
    ("AWS::ResourceGroups::Group", "resource groups are free"),
    ("AWS::CE::CostCategory", "cost categories are free"),
];

/// What a type not read property by property costs: billed by the hour but not priced, free,
/// or unknown.
pub(super) fn classify_other(t: &str) -> Facts {
    let why =
        |table: &[(&str, &'static str)]| table.iter().find(|(ty, _)| *ty == t).map(|(_, w)| *w);
    if let Some(why) = why(HOURLY) {
        return Facts::HourlyUnpriced { why };
    }
    match why(FREE) {
        Some(why) => Facts::Free { why },
        None => Facts::Unknown,
    }
}
