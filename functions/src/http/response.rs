//! Successful replies and the JSON responses sent to API Gateway.

use crate::error::ApiError;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use serde::Serialize;
use serde_json::Value;

/// A successful reply: a status and a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// A reply with the serialised `body`.
    pub fn json(status: u16, body: &impl Serialize) -> Result<Reply, ApiError> {
        serde_json::to_value(body)
            .map(|body| Reply { status, body })
            .map_err(|e| ApiError::internal("serialising the response", e))
    }

    pub fn ok(body: &impl Serialize) -> Result<Reply, ApiError> {
        Self::json(200, body)
    }
}

pub(crate) fn to_response(status: u16, body: &Value, request_id: &str) -> Response<Body> {
    let mut res = Response::new(Body::Text(body.to_string()));
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", id);
    }
    res
}

pub(crate) fn error_response(err: &ApiError, request_id: &str) -> Response<Body> {
    to_response(err.status(), &err.body(request_id), request_id)
}
