//! Running one API request end to end: route, limits, handler, response, log line.

use super::Gate;
use super::identity::{self, Principal};
use super::request::{ApiRequest, Envelope};
use super::response::{Reply, error_response, to_response};
use crate::error::{ApiError, ErrorCode};
use lambda_http::{Body, Request, Response};
use retail_spec::{Caller, FunctionSpec, Route, routes_of};
use std::future::Future;
use std::time::Instant;

/// Largest accepted request body. The biggest legitimate bodies (an inventory batch of 100
/// products, an order of 50 lines) are a few KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Serves `req` for `function`: lets it through the `gate` ([`admit`]), rejects bodies over
/// [`MAX_BODY_BYTES`] with 413, runs `handler`, and logs one line.
pub async fn serve<F, Fut>(
    function: &'static FunctionSpec,
    gate: &Gate,
    req: Request,
    handler: F,
) -> Response<Body>
where
    F: FnOnce(ApiRequest) -> Fut,
    Fut: Future<Output = Result<Reply, ApiError>>,
{
    let started = Instant::now();
    let envelope = Envelope::of(&req);
    let result = match admit(function, gate, &envelope, &req).await {
        Err(e) => Err(e),
        Ok((route, principal)) => {
            let api = ApiRequest::from_lambda(route, envelope.request_id.clone(), principal, req);
            handle(api, handler).await
        }
    };
    let (status, response, err) = match result {
        Ok(reply) => (
            reply.status,
            to_response(reply.status, &reply.body, &envelope.request_id),
            None,
        ),
        Err(e) => (
            e.status(),
            error_response(&e, &envelope.request_id),
            Some(e),
        ),
    };
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    // The request id and trace id come from the invocation's span (log.rs).
    macro_rules! request_line {
        ($level:ident) => {
            tracing::$level!(
                function = function.id,
                route = envelope.route_key.as_deref(),
                status,
                latencyMs = (latency_ms * 1000.0).round() / 1000.0,
                apiRequestId = envelope.gateway_request_id.as_deref(),
                sourceIp = envelope.source_ip.as_deref(),
                forwardedFor = envelope.forwarded_for.as_deref(),
                errorCode = err.as_ref().map(|e| e.code.as_str()),
                cause = err.as_ref().and_then(|e| e.cause.as_deref()),
                "request"
            )
        };
    }
    if status >= 500 {
        request_line!(error);
    } else {
        request_line!(info);
    }
    response
}

/// Who may go on to the route: the request came through the CDN, names a route of `function`,
/// its caller may call that route, and a staff caller has the second factor the environment
/// requires. The route and the caller, or the answer that stops the request.
async fn admit(
    function: &'static FunctionSpec,
    gate: &Gate,
    envelope: &Envelope,
    req: &Request,
) -> Result<(&'static Route, Option<Principal>), ApiError> {
    gate.origin.verify(req)?;
    let route = envelope
        .route_key
        .as_deref()
        .and_then(|key| find(function, key))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "No route {} {} here.",
                envelope.method, envelope.raw_path
            ))
        })?;
    let claims = identity::claims(lambda_http::RequestExt::request_context_ref(req));
    let principal = identity::authorize(route, claims)?;
    if let (Some(mfa), Some(caller), Caller::Staff) = (&gate.staff_mfa, &principal, route.caller) {
        mfa.verify(bearer(req), &caller.sub).await?;
    }
    Ok((route, principal))
}

/// The access token the request was authorized with: the `Authorization` header, which an HTTP
/// API's JWT authorizer takes with or without the `Bearer` prefix (as `stackgen dev`'s does).
fn bearer(req: &Request) -> Option<&str> {
    let value = req
        .headers()
        .get(lambda_http::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim_start();
    let token = match value.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => value[7..].trim(),
        _ => value.trim(),
    };
    (!token.is_empty()).then_some(token)
}

/// Runs the handler unless the body is over [`MAX_BODY_BYTES`] (413).
async fn handle<F, Fut>(api: ApiRequest, handler: F) -> Result<Reply, ApiError>
where
    F: FnOnce(ApiRequest) -> Fut,
    Fut: Future<Output = Result<Reply, ApiError>>,
{
    if api.body_len() > MAX_BODY_BYTES {
        return Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "The request body has {} bytes; at most {MAX_BODY_BYTES} are accepted.",
                api.body_len()
            ),
        ));
    }
    handler(api).await
}

fn find(function: &'static FunctionSpec, route_key: &str) -> Option<&'static Route> {
    routes_of(function).find(|r| r.route_key() == route_key)
}

#[cfg(test)]
mod tests {
    use super::bearer;
    use lambda_http::{Body, Request};

    fn with(authorization: Option<&str>) -> Request {
        let mut builder = lambda_http::http::Request::builder();
        if let Some(value) = authorization {
            builder = builder.header("authorization", value);
        }
        builder.body(Body::Empty).unwrap_or_default()
    }

    /// The token as the JWT authorizer takes it: with or without `Bearer `, any case.
    #[test]
    fn the_access_token_is_read_with_or_without_its_scheme() {
        assert_eq!(bearer(&with(Some("Bearer abc.def"))), Some("abc.def"));
        assert_eq!(bearer(&with(Some("bearer  abc.def "))), Some("abc.def"));
        assert_eq!(bearer(&with(Some("abc.def"))), Some("abc.def"));
        assert_eq!(bearer(&with(Some("Bearer "))), None);
        assert_eq!(bearer(&with(None)), None);
    }
}
