//! The HTTP edge shared by every API function.
//!
//! API Gateway (HTTP API, payload format 2.0) invokes a function with the matched route in
//! `requestContext.routeKey` (equal to [`retail_spec::Route::route_key`]) and the path parameters
//! already extracted. [`serve`] resolves that route against the function's routes in the spec,
//! checks the caller against the route's [`retail_spec::Caller`] (from the verified token
//! claims), enforces the body size limit, runs the handler, turns its `Result` into a JSON response with
//! the error shape of the contract, and writes the one access log line.

mod identity;
mod origin;
mod request;
mod response;
mod serve;
mod staff_mfa;

pub use identity::Principal;
pub use origin::OriginCheck;
pub use request::ApiRequest;
pub use response::Reply;
pub use serve::{MAX_BODY_BYTES, serve};
pub use staff_mfa::StaffMfa;

use crate::config::{ConfigError, FunctionEnv};
use crate::error::ApiError;
use aws_types::SdkConfig;
use retail_spec::Route;

/// What a request passes before its route runs, as the function's environment configures it:
/// the CDN's origin header ([`OriginCheck`]) and, on staff routes, a second factor
/// ([`StaffMfa`]).
#[derive(Debug, Default)]
pub struct Gate {
    pub origin: OriginCheck,
    pub staff_mfa: Option<StaffMfa>,
}

impl Gate {
    pub fn from_env(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        Ok(Gate {
            origin: OriginCheck::from_env(env),
            staff_mfa: StaffMfa::from_env(sdk, env)?,
        })
    }
}

/// Whether `route` is `want` (routes are compared by method and path template).
pub fn is(route: &Route, want: &Route) -> bool {
    route.method == want.method && route.path == want.path
}

/// A route the function's spec lists but this code does not serve: a programming error that
/// the route-coverage tests catch.
pub fn unrouted(req: &ApiRequest) -> ApiError {
    ApiError::internal(
        "dispatching",
        format!("no handler for route {}", req.route.route_key()),
    )
}
