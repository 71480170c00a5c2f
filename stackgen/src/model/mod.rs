//! Typed CloudFormation.
//!
//! A resource is a Rust struct with typed properties; a property value is a literal or an
//! intrinsic ([`Value`]); adding a resource to a [`Template`] returns a typed [`Handle`] whose
//! accessors are the only way to reference it. The template stamps the environment's required
//! tags on every taggable resource and renders deterministic JSON or YAML. JSON appears only
//! at that rendering edge.

mod policy;
mod tags;
mod template;
mod value;
mod yaml;

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
pub mod s3;
pub mod scheduler;
pub mod sns;
pub mod sqs;

pub use policy::{Effect, Operator, PolicyCondition, PolicyDocument, Principal, Statement};
pub use tags::{Tag, Tags};
pub use template::{
    AnyResource, CheckovSkip, Condition, ConditionHandle, DeletionPolicy, Entry, Format, Handle,
    Options, Output, ParamHandle, Parameter, ParameterType, Resource, Template, TemplateError,
};
pub use value::{LogicalId, Pseudo, Value, pascal_case};

/// Every resource type the typed model can render: what a stack built with this model may
/// contain (the bootstrap's deploy role manages exactly their services). Add a new model type
/// here; `tests/deploy_role.rs` fails for a rendered type that is missing.
pub const RESOURCE_TYPES: &[&str] = &[
    <apigw::Api as Resource>::TYPE,
    <apigw::Authorizer as Resource>::TYPE,
    <apigw::Integration as Resource>::TYPE,
    <apigw::Route as Resource>::TYPE,
    <apigw::Stage as Resource>::TYPE,
    <budgets::Budget as Resource>::TYPE,
    <ce::AnomalyMonitor as Resource>::TYPE,
    <ce::AnomalySubscription as Resource>::TYPE,
    <cloudfront::Distribution as Resource>::TYPE,
    <cloudfront::Function as Resource>::TYPE,
    <cloudfront::OriginAccessControl as Resource>::TYPE,
    <cloudwatch::Alarm as Resource>::TYPE,
    <cloudwatch::Dashboard as Resource>::TYPE,
    <cognito::UserPool as Resource>::TYPE,
    <cognito::UserPoolClient as Resource>::TYPE,
    <cognito::UserPoolGroup as Resource>::TYPE,
    <dynamodb::Table as Resource>::TYPE,
    <ec2::NatGateway as Resource>::TYPE,
    <iam::Role as Resource>::TYPE,
    <lambda::EventSourceMapping as Resource>::TYPE,
    <lambda::Function as Resource>::TYPE,
    <lambda::Permission as Resource>::TYPE,
    <logs::LogGroup as Resource>::TYPE,
    <s3::Bucket as Resource>::TYPE,
    <s3::BucketPolicy as Resource>::TYPE,
    <scheduler::Schedule as Resource>::TYPE,
    <sns::Subscription as Resource>::TYPE,
    <sns::Topic as Resource>::TYPE,
    <sns::TopicPolicy as Resource>::TYPE,
    <sqs::Queue as Resource>::TYPE,
    <sqs::QueuePolicy as Resource>::TYPE,
];
