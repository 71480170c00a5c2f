//! The Lambda runtime API (version 2018-06-01) as one execution environment sees it.
//!
//! - `GET /2018-06-01/runtime/invocation/next`: long-polls until an event is queued, then
//!   returns it with `Lambda-Runtime-Aws-Request-Id`, `Lambda-Runtime-Deadline-Ms`,
//!   `Lambda-Runtime-Invoked-Function-Arn`, `Lambda-Runtime-Trace-Id` and, when set,
//!   `Lambda-Runtime-Client-Context` / `Lambda-Runtime-Cognito-Identity`.
//! - `POST /2018-06-01/runtime/invocation/{id}/response`: the result (6 MB at most) → 202.
//! - `POST /2018-06-01/runtime/invocation/{id}/error`: an error document
//!   (`errorType`, `errorMessage`, `stackTrace`; `Lambda-Runtime-Function-Error-Type`) → 202.
//! - `POST /2018-06-01/runtime/init/error`: the runtime could not start → 202, environment
//!   replaced.
//!
//! An unknown request id is refused with 400 `InvalidRequestID`, as Lambda does.
//!
//! `…/invocation/next` is only ever answered with an event. An environment that is being
//! replaced or shut down keeps its runtime's request open until the supervisor has killed the
//! process (which closes the connection): Lambda never answers `/next` without an event either,
//! and `lambda_runtime` panics on a `/next` response without `Lambda-Runtime-Aws-Request-Id`. The
//! endpoint itself closes only after its environment's last process is gone
//! ([`Slot::api_closed`]), so a stopping `stackgen dev` leaves neither panics nor error lines.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::invocation::Outcome;
use super::slot::{AnswerError, Next, Slot};
use crate::dev::serve;

/// Lambda's limit on a synchronous response payload.
pub const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;

const PREFIX: &str = "/2018-06-01/runtime/";

/// Serves the runtime API of `slot` until `shutdown`.
pub async fn serve(slot: Arc<Slot>, listener: TcpListener, shutdown: CancellationToken) {
    serve::serve(listener, shutdown, move |_peer| {
        let (generation, token) = slot.connection_generation();
        let slot = Arc::clone(&slot);
        service_fn(move |request| {
            let slot = Arc::clone(&slot);
            let token = token.clone();
            async move { Ok::<_, Infallible>(handle(slot, generation, token, request).await) }
        })
    })
    .await;
}

async fn handle(
    slot: Arc<Slot>,
    generation: u64,
    token: CancellationToken,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let path = request.uri().path().to_owned();
    let Some(rest) = path.strip_prefix(PREFIX) else {
        return error_doc(
            404,
            "InvalidRequest",
            &format!("no such runtime API path: {path}"),
        );
    };
    let method = request.method().clone();
    if method == Method::GET && rest == "invocation/next" {
        return next(&slot, generation, &token).await;
    }
    if method == Method::POST && rest == "init/error" {
        let error_type = header(&request, "lambda-runtime-function-error-type");
        let body = read_body(request).await.unwrap_or_default();
        let detail = error_detail(error_type, &body, "Runtime.InitError");
        slot.init_failed(generation, detail);
        return accepted();
    }
    if method == Method::POST
        && let Some(rest) = rest.strip_prefix("invocation/")
    {
        if let Some(id) = rest.strip_suffix("/response") {
            let id = id.to_owned();
            return match read_body(request).await {
                Ok(body) => reply(&slot, &id, Outcome::Response(body)),
                Err(()) => {
                    let message = format!(
                        "Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."
                    );
                    let outcome = Outcome::FunctionError {
                        error_type: "Function.ResponseSizeTooLarge".into(),
                        message: message.clone(),
                    };
                    let _ = slot.answer(&id, outcome);
                    error_doc(413, "RequestEntityTooLarge", &message)
                }
            };
        }
        if let Some(id) = rest.strip_suffix("/error") {
            let id = id.to_owned();
            let header_type = header(&request, "lambda-runtime-function-error-type");
            let body = read_body(request).await.unwrap_or_default();
            let (error_type, message) = parse_error(header_type, &body);
            return reply(
                &slot,
                &id,
                Outcome::FunctionError {
                    error_type,
                    message,
                },
            );
        }
    }
    error_doc(
        404,
        "InvalidRequest",
        &format!("no such runtime API operation: {method} {path}"),
    )
}

async fn next(
    slot: &Arc<Slot>,
    generation: u64,
    token: &CancellationToken,
) -> Response<Full<Bytes>> {
    loop {
        match slot.take_next(generation) {
            Next::Assigned(a) => {
                let deadline = a.deadline_ms.to_string();
                let mut headers: Vec<(&str, &str)> = vec![
                    ("content-type", "application/json"),
                    ("lambda-runtime-aws-request-id", &a.request_id),
                    ("lambda-runtime-deadline-ms", &deadline),
                    (
                        "lambda-runtime-invoked-function-arn",
                        &slot.spec.function_arn,
                    ),
                    ("lambda-runtime-trace-id", &a.trace_id),
                ];
                if let Some(cc) = &a.client_context {
                    headers.push(("lambda-runtime-client-context", cc));
                }
                if let Some(ci) = &a.cognito_identity {
                    headers.push(("lambda-runtime-cognito-identity", ci));
                }
                return serve::response(200, &headers, a.payload.clone());
            }
            Next::Stale => return hold_until_killed().await,
            Next::Empty => {
                if !slot.queue.wait_available(token).await {
                    return hold_until_killed().await;
                }
            }
        }
    }
}

/// The `/next` of a process that is being killed: never answered. The connection closes when
/// the process dies (hyper then drops this future) or when the endpoint closes after it.
async fn hold_until_killed() -> Response<Full<Bytes>> {
    std::future::pending().await
}

fn reply(slot: &Slot, request_id: &str, outcome: Outcome) -> Response<Full<Bytes>> {
    match slot.answer(request_id, outcome) {
        Ok(()) => accepted(),
        Err(AnswerError::UnknownRequest) => error_doc(
            400,
            "InvalidRequestID",
            &format!("Invalid request ID: {request_id} is not in flight on this environment"),
        ),
    }
}

fn accepted() -> Response<Full<Bytes>> {
    serve::json(202, r#"{"status":"OK"}"#)
}

fn error_doc(status: u16, error_type: &str, message: &str) -> Response<Full<Bytes>> {
    serve::json(
        status,
        serde_json::json!({"errorMessage": message, "errorType": error_type}).to_string(),
    )
}

fn header(request: &Request<Incoming>, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The body, or Err when it is over [`MAX_RESPONSE_BYTES`] (or the connection broke).
async fn read_body(request: Request<Incoming>) -> Result<Bytes, ()> {
    Limited::new(request.into_body(), MAX_RESPONSE_BYTES)
        .collect()
        .await
        .map(|c| c.to_bytes())
        .map_err(|_| ())
}

/// (errorType, errorMessage) from an error document, falling back to the header.
fn parse_error(header_type: Option<String>, body: &[u8]) -> (String, String) {
    let doc: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let error_type = doc
        .get("errorType")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or(header_type)
        .unwrap_or_else(|| "Unhandled".to_owned());
    let message = doc
        .get("errorMessage")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    (error_type, message)
}

fn error_detail(header_type: Option<String>, body: &[u8], default_type: &str) -> String {
    let (error_type, message) = parse_error(header_type.or(Some(default_type.into())), body);
    format!("{error_type}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_documents_are_read_like_lambda() {
        let (t, m) = parse_error(
            Some("unhandled".into()),
            br#"{"errorType":"&alloc::string::String","errorMessage":"boom","stackTrace":[]}"#,
        );
        assert_eq!((t.as_str(), m.as_str()), ("&alloc::string::String", "boom"));
        let (t, m) = parse_error(Some("Custom".into()), b"plain text");
        assert_eq!((t.as_str(), m.as_str()), ("Custom", "plain text"));
        let (t, _) = parse_error(None, b"{}");
        assert_eq!(t, "Unhandled");
    }
}
