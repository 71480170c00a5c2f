//! API Gateway v2 (HTTP APIs): `Api`, `Stage`, `Integration`, `Authorizer`, `Route`,
//! generated from AWS's schemas (`Api` and `Stage` take their tags as a map, not a list).
//!
//! The schemas leave the authorization and authorizer types free strings; the enums here name
//! the values an HTTP API accepts.

use crate::cfn::{Attr, Handle, Id, Name, Value};

pub use crate::generated::apigatewayv2::api::Api;
pub use crate::generated::apigatewayv2::authorizer::{
    Authorizer, JWTConfiguration as JwtConfiguration,
};
pub use crate::generated::apigatewayv2::integration::Integration;
pub use crate::generated::apigatewayv2::route::Route;
pub use crate::generated::apigatewayv2::stage::{AccessLogSettings, RouteSettings, Stage};

impl Handle<Api> {
    /// `Ref`: the API id (`a1b2c3d4e5`).
    pub fn api_id(&self) -> Id<Api> {
        self.reference_as()
    }
    /// `https://<id>.execute-api.<region>.amazonaws.com`.
    pub fn endpoint(
        &self,
    ) -> Attr<Api, crate::generated::apigatewayv2::api::attribute::ApiEndpoint> {
        self.attr_api_endpoint()
    }
}

impl Handle<Stage> {
    /// `Ref`: the stage name.
    pub fn stage_name(&self) -> Name<Stage> {
        self.reference_as()
    }
}

impl Handle<Integration> {
    /// `Ref`: the integration id.
    pub fn integration_id(&self) -> Id<Integration> {
        self.reference_as()
    }
}

impl Handle<Authorizer> {
    /// `Ref`: the authorizer id.
    pub fn authorizer_id(&self) -> Id<Authorizer> {
        self.reference_as()
    }
}

/// A JWT authorizer: API Gateway checks the token's signature against the issuer's keys, its
/// issuer, audience (`aud` or `client_id`), expiry and the route's scopes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizerType {
    Jwt,
}

impl From<AuthorizerType> for Value {
    fn from(_: AuthorizerType) -> Value {
        "JWT".into()
    }
}

/// Who may call a route: anyone, or a caller with a valid JWT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizationType {
    None,
    Jwt,
}

impl From<AuthorizationType> for Value {
    fn from(t: AuthorizationType) -> Value {
        match t {
            AuthorizationType::None => "NONE".into(),
            AuthorizationType::Jwt => "JWT".into(),
        }
    }
}

impl Route {
    /// Whether the route requires a JWT (`AuthorizationType: JWT`).
    pub fn requires_jwt(&self) -> bool {
        self.authorization_type.as_ref() == Some(&AuthorizationType::Jwt.into())
    }

    /// Whether the route requires `scope` of the token.
    pub fn requires_scope(&self, scope: &str) -> bool {
        self.authorization_scopes
            .iter()
            .flatten()
            .any(|s| *s == scope)
    }
}
