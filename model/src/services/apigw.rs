//! API Gateway v2 (HTTP APIs): `Api`, `Stage`, `Integration`, `Authorizer`, `Route`.
//!
//! `Api` and `Stage` take their tags as a map, not a list.

use serde::Serialize;

use crate::cfn::tags::Tags;
use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Api {
    pub name: Value,
    pub description: String,
    pub protocol_type: &'static str,
    #[serde(
        skip_serializing_if = "Tags::is_empty",
        serialize_with = "Tags::serialize_as_map"
    )]
    pub tags: Tags,
}
resource!(Api, "AWS::ApiGatewayV2::Api", tags = tags);

impl Handle<Api> {
    /// `Ref`: the API id (`a1b2c3d4e5`).
    pub fn api_id(&self) -> Value {
        self.reference()
    }
    /// `https://<id>.execute-api.<region>.amazonaws.com`.
    pub fn endpoint(&self) -> Value {
        self.attribute("ApiEndpoint")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Stage {
    pub api_id: Value,
    pub stage_name: String,
    pub description: String,
    pub auto_deploy: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_log_settings: Option<AccessLogSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_route_settings: Option<RouteSettings>,
    #[serde(
        skip_serializing_if = "Tags::is_empty",
        serialize_with = "Tags::serialize_as_map"
    )]
    pub tags: Tags,
}
resource!(Stage, "AWS::ApiGatewayV2::Stage", tags = tags);

impl Handle<Stage> {
    /// `Ref`: the stage name.
    pub fn stage_name(&self) -> Value {
        self.reference()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessLogSettings {
    /// A log group ARN *without* the trailing `:*`.
    pub destination_arn: Value,
    pub format: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteSettings {
    pub throttling_burst_limit: u32,
    pub throttling_rate_limit: f64,
    pub detailed_metrics_enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Integration {
    pub api_id: Value,
    pub description: String,
    pub integration_type: &'static str,
    pub integration_uri: Value,
    pub payload_format_version: &'static str,
    pub timeout_in_millis: u32,
}
resource!(Integration, "AWS::ApiGatewayV2::Integration");

impl Handle<Integration> {
    /// `Ref`: the integration id.
    pub fn integration_id(&self) -> Value {
        self.reference()
    }
}

/// A JWT authorizer: API Gateway checks the token's signature against the issuer's keys, its
/// issuer, audience (`aud` or `client_id`), expiry and the route's scopes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Authorizer {
    pub api_id: Value,
    pub name: String,
    pub authorizer_type: AuthorizerType,
    pub identity_source: Vec<&'static str>,
    pub jwt_configuration: JwtConfiguration,
}
resource!(Authorizer, "AWS::ApiGatewayV2::Authorizer");

impl Handle<Authorizer> {
    /// `Ref`: the authorizer id.
    pub fn authorizer_id(&self) -> Value {
        self.reference()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AuthorizerType {
    Jwt,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JwtConfiguration {
    pub audience: Vec<Value>,
    pub issuer: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Route {
    pub api_id: Value,
    pub route_key: String,
    pub target: Value,
    pub authorization_type: AuthorizationType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorizer_id: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authorization_scopes: Vec<&'static str>,
}
resource!(Route, "AWS::ApiGatewayV2::Route");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AuthorizationType {
    None,
    Jwt,
}
