//! The API Gateway (HTTP API, payload format 2.0) contract between the gateway and a function:
//! the event a request becomes ([`event`]) and the response a result becomes ([`response`]).
//!
//! Pure functions of their inputs, so the translation is tested byte for byte against AWS's
//! documented sample, separately from any server.

pub mod event;
pub mod jwt;
pub mod response;

pub use event::{
    GatewayIdentity, HttpApiEvent, IncomingRequest, MatchedRoute, RequestStamp, build_event,
};
pub use response::{HttpReply, Malformed, gateway_errors, translate};
