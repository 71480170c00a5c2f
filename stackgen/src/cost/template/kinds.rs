//! What the reader knows of a type by its name alone: the types billed by the hour that the
//! price table does not price (the model's always-on table, `stackgen_model::billing`, which the
//! no-ghost-spend guardrail reads too), and the types with no charge of their own.

use super::Facts;

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
    if let Some(always_on) = stackgen_model::always_on(t) {
        return Facts::HourlyUnpriced {
            why: always_on.bills,
        };
    }
    match why(FREE) {
        Some(why) => Facts::Free { why },
        None => Facts::Unknown,
    }
}
