//! The typed resources stackgen's stacks are built from, one module per AWS service: a struct of
//! typed properties per resource type, and the attribute accessors of its [`Handle`].
//!
//! [`Handle`]: crate::cfn::Handle

pub mod acm;
pub mod apigw;
pub mod budgets;
pub mod ce;
pub mod cloudfront;
pub mod cloudwatch;
pub mod cognito;
pub mod dynamodb;
pub mod ec2;
pub mod iam;
pub mod lambda;
pub mod logs;
pub mod route53;
pub mod s3;
pub mod scheduler;
pub mod ses;
pub mod sns;
pub mod sqs;
pub mod wafv2;

/// Every resource type the typed model can render: what a stack built with this model may
/// contain (the bootstrap's deploy role manages exactly their services). Add a new model type
/// here; `tests/deploy_role.rs` fails for a rendered type that is missing.
pub const RESOURCE_TYPES: &[&str] = &[
    <acm::Certificate as crate::cfn::Resource>::TYPE,
    <apigw::Api as crate::cfn::Resource>::TYPE,
    <apigw::Authorizer as crate::cfn::Resource>::TYPE,
    <apigw::Integration as crate::cfn::Resource>::TYPE,
    <apigw::Route as crate::cfn::Resource>::TYPE,
    <apigw::Stage as crate::cfn::Resource>::TYPE,
    <budgets::Budget as crate::cfn::Resource>::TYPE,
    <ce::AnomalyMonitor as crate::cfn::Resource>::TYPE,
    <ce::AnomalySubscription as crate::cfn::Resource>::TYPE,
    <cloudfront::Distribution as crate::cfn::Resource>::TYPE,
    <cloudfront::Function as crate::cfn::Resource>::TYPE,
    <cloudfront::OriginAccessControl as crate::cfn::Resource>::TYPE,
    <cloudfront::ResponseHeadersPolicy as crate::cfn::Resource>::TYPE,
    <cloudwatch::Alarm as crate::cfn::Resource>::TYPE,
    <cloudwatch::Dashboard as crate::cfn::Resource>::TYPE,
    <cognito::UserPool as crate::cfn::Resource>::TYPE,
    <cognito::UserPoolClient as crate::cfn::Resource>::TYPE,
    <cognito::UserPoolGroup as crate::cfn::Resource>::TYPE,
    <dynamodb::Table as crate::cfn::Resource>::TYPE,
    <ec2::NatGateway as crate::cfn::Resource>::TYPE,
    <iam::Role as crate::cfn::Resource>::TYPE,
    <lambda::EventSourceMapping as crate::cfn::Resource>::TYPE,
    <lambda::Function as crate::cfn::Resource>::TYPE,
    <lambda::Permission as crate::cfn::Resource>::TYPE,
    <logs::LogGroup as crate::cfn::Resource>::TYPE,
    <logs::QueryDefinition as crate::cfn::Resource>::TYPE,
    <route53::RecordSet as crate::cfn::Resource>::TYPE,
    <s3::Bucket as crate::cfn::Resource>::TYPE,
    <s3::BucketPolicy as crate::cfn::Resource>::TYPE,
    <scheduler::Schedule as crate::cfn::Resource>::TYPE,
    <ses::EmailIdentity as crate::cfn::Resource>::TYPE,
    <sns::Subscription as crate::cfn::Resource>::TYPE,
    <sns::Topic as crate::cfn::Resource>::TYPE,
    <sns::TopicPolicy as crate::cfn::Resource>::TYPE,
    <sqs::Queue as crate::cfn::Resource>::TYPE,
    <sqs::QueuePolicy as crate::cfn::Resource>::TYPE,
    <wafv2::LoggingConfiguration as crate::cfn::Resource>::TYPE,
    <wafv2::WebACL as crate::cfn::Resource>::TYPE,
    <wafv2::WebACLAssociation as crate::cfn::Resource>::TYPE,
];
