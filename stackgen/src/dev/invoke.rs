//! Lambda's Invoke API, locally: what `sam local start-lambda` offers. `stackgen dev` answers
//! `POST /2015-03-31/functions/{FunctionName}/invocations` on a port of its own, so the AWS
//! CLI (`aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name order-expiry
//! out.json`) and the SDKs run any function on demand, in the same warm workers the gateway,
//! the pollers and the schedules use. The functions nothing else starts locally, the kill
//! switch (its budget's topic) and the order expiry (an hourly schedule), run this way.
//!
//! The shapes are Lambda's (API reference, "Invoke":
//! <https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html>):
//! - `X-Amz-Invocation-Type`: `RequestResponse` (the default) answers 200 with the function's
//!   result, or with `X-Amz-Function-Error: Unhandled` and `{"errorType","errorMessage"}` when
//!   it failed in any way (an error, a crash, a timeout); `Event` answers 202 at once and runs
//!   it behind, retried as Lambda retries it ([`ASYNC_RETRY_DELAYS`]); `DryRun` answers 204.
//! - The function is named by its id in `retail_spec` (`kill-switch`), its deployed name, its
//!   ARN or a partial ARN (`123456789012:function:<name>`), with no qualifier or `$LATEST`.
//! - "For synchronous invocations, the maximum payload size is 6 MB. For asynchronous
//!   invocations, the maximum payload size is 1 MB"; the payload must be JSON (an empty body is
//!   `{}`, as the CLI without `--payload` sends).
//! - Errors carry `x-amzn-ErrorType` (`ResourceNotFoundException`, `RequestTooLargeException`,
//!   `InvalidRequestContentException`), which the SDKs read.
//!
//! It listens on 127.0.0.1 only (whatever `--host` the storefront is shared on) and serves only
//! requests addressed to a loopback name and signed (`Authorization: AWS4-HMAC-SHA256 …`, which
//! the CLI and the SDKs always send; the signature itself is not checked, as the emulator does
//! not). A web page cannot make a browser send that header to another origin without a CORS
//! preflight, which this port never grants; one that re-points its own name at 127.0.0.1 (DNS
//! rebinding) still sends its own name as `Host`, and is refused.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use serde_json::json;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::logs::LogSink;
use super::runtime::{InvokeRequest, Outcome, Pool};
use super::{FunctionPlan, serve};

/// Where the Invoke API listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvokeListen {
    pub addr: SocketAddr,
    /// The address is a default, not one the user asked for: when it is taken, another free
    /// port is used (and said), rather than `stackgen dev` not starting for a side door.
    pub or_free_port: bool,
}

impl InvokeListen {
    /// Exactly `addr` (port 0: a free one).
    pub fn exactly(addr: SocketAddr) -> InvokeListen {
        InvokeListen {
            addr,
            or_free_port: false,
        }
    }
}

/// Lambda's limit on a synchronous invocation's payload.
pub const MAX_SYNC_PAYLOAD: usize = 6 * 1024 * 1024;
/// Lambda's limit on an asynchronous (`Event`) invocation's payload.
pub const MAX_ASYNC_PAYLOAD: usize = 1024 * 1024;

const PATH_PREFIX: &str = "/2015-03-31/functions/";
const PATH_SUFFIX: &str = "/invocations";

/// An error of the Invoke API itself (not of the function), in Lambda's REST-JSON shape.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refusal {
    status: u16,
    /// `x-amzn-ErrorType`, which the SDKs read as the error's code.
    kind: &'static str,
    message: String,
}

impl Refusal {
    fn new(status: u16, kind: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            kind,
            message: message.into(),
        }
    }

    fn response(&self) -> Response<Full<Bytes>> {
        serve::response(
            self.status,
            &[
                ("content-type", "application/json"),
                ("x-amzn-errortype", self.kind),
            ],
            json!({"Type": "User", "message": self.message}).to_string(),
        )
    }
}

/// `X-Amz-Invocation-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InvocationType {
    RequestResponse,
    Event,
    DryRun,
}

impl InvocationType {
    /// The request's type; `RequestResponse` when it names none.
    fn of(request: &Request<Incoming>) -> Result<InvocationType, Refusal> {
        match request
            .headers()
            .get("x-amz-invocation-type")
            .map(|v| v.to_str().unwrap_or_default())
        {
            None | Some("RequestResponse") => Ok(InvocationType::RequestResponse),
            Some("Event") => Ok(InvocationType::Event),
            Some("DryRun") => Ok(InvocationType::DryRun),
            Some(other) => Err(Refusal::new(
                400,
                "InvalidParameterValueException",
                format!(
                    "X-Amz-Invocation-Type `{other}` is not one of RequestResponse, Event, DryRun"
                ),
            )),
        }
    }

    /// Lambda's payload limit for the type.
    fn max_payload(self) -> usize {
        match self {
            InvocationType::Event => MAX_ASYNC_PAYLOAD,
            _ => MAX_SYNC_PAYLOAD,
        }
    }
}

/// One function callers may name.
#[derive(Debug, Clone)]
struct Target {
    id: String,
    name: String,
    arn: String,
}

/// The waits before an asynchronous invocation's retries: "If the function returns an error,
/// by default Lambda attempts to run it two more times, with a one-minute wait between the
/// first two attempts, and two minutes between the second and third attempts. Function errors
/// include errors returned by the function's code and errors returned by the function's
/// runtime, such as timeouts" (Lambda Developer Guide, "How Lambda handles errors and retries
/// with asynchronous invocation":
/// <https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html>). The
/// stack configures no other (no `AWS::Lambda::EventInvokeConfig`).
pub const ASYNC_RETRY_DELAYS: [Duration; 2] = [Duration::from_secs(60), Duration::from_secs(120)];

/// The served functions and their pools.
pub struct InvokeApi {
    targets: Vec<Target>,
    pools: HashMap<String, Arc<Pool>>,
    account_id: String,
    logs: LogSink,
    log_source: Arc<str>,
    /// Waits before each retry of a failed `Event` invocation ([`ASYNC_RETRY_DELAYS`]).
    retry_delays: Vec<Duration>,
    /// Ends the waits for retries when `stackgen dev` stops.
    shutdown: CancellationToken,
}

impl InvokeApi {
    pub fn new(
        functions: &[FunctionPlan],
        pools: HashMap<String, Arc<Pool>>,
        account_id: &str,
        logs: LogSink,
        retries: (Vec<Duration>, CancellationToken),
    ) -> InvokeApi {
        let targets = functions
            .iter()
            .filter(|f| pools.contains_key(&f.id))
            .map(|f| Target {
                id: f.id.clone(),
                name: f.name.clone(),
                arn: f.arn.clone(),
            })
            .collect();
        InvokeApi {
            targets,
            pools,
            account_id: account_id.to_owned(),
            logs,
            log_source: Arc::from("lambda"),
            retry_delays: retries.0,
            shutdown: retries.1,
        }
    }

    /// The function `name` designates (see the module doc), or why none does.
    fn find(&self, name: &str, qualifier: Option<&str>) -> Result<&Target, Refusal> {
        let (name, in_name) = split_qualifier(name);
        if let Some(q) = qualifier.or(in_name).filter(|q| *q != "$LATEST") {
            return Err(Refusal::new(
                404,
                "ResourceNotFoundException",
                format!(
                    "Function not found: {name}:{q}. stackgen dev runs each function's current code only: leave out the qualifier or use $LATEST"
                ),
            ));
        }
        let partial = |t: &Target| format!("{}:function:{}", self.account_id, t.name);
        self.targets
            .iter()
            .find(|t| t.id == name || t.name == name || t.arn == name || partial(t) == name)
            .ok_or_else(|| {
                let known: Vec<&str> = self.targets.iter().map(|t| t.id.as_str()).collect();
                Refusal::new(
                    404,
                    "ResourceNotFoundException",
                    format!(
                        "Function not found: {name}. The functions stackgen dev runs here: {}",
                        known.join(", ")
                    ),
                )
            })
    }

    async fn handle(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        match self.accept(request).await {
            Ok(response) => response,
            Err(refusal) => refusal.response(),
        }
    }

    /// Checks the request, then runs the invocation its type asks for.
    async fn accept(&self, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Refusal> {
        let name = function_name(request.uri().path()).ok_or_else(|| {
            Refusal::new(
                404,
                "UnknownOperationException",
                "This port serves Lambda's Invoke only: POST /2015-03-31/functions/{FunctionName}/invocations (aws lambda invoke --endpoint-url …)",
            )
        })?;
        if request.method() != Method::POST {
            return Err(Refusal::new(
                405,
                "UnknownOperationException",
                "Invoke is a POST",
            ));
        }
        if !addressed_to_this_machine(&request) {
            return Err(Refusal::new(
                403,
                "AccessDeniedException",
                "This Invoke API answers requests addressed to this machine only (Host 127.0.0.1, localhost or [::1]); use --endpoint-url http://127.0.0.1:<port>",
            ));
        }
        if !signed(&request) {
            return Err(Refusal::new(
                403,
                "MissingAuthenticationTokenException",
                "Sign the request with AWS credentials (the AWS CLI and SDKs do; any key works locally)",
            ));
        }
        let qualifier = query_value(request.uri().query(), "Qualifier");
        let target = self.find(&name, qualifier.as_deref())?.clone();
        let pool =
            self.pools.get(&target.id).cloned().ok_or_else(|| {
                Refusal::new(404, "ResourceNotFoundException", "Function not found")
            })?;
        let kind = InvocationType::of(&request)?;
        // "Lambda passes the ClientContext object to your function for synchronous invocations
        // only" (API_Invoke).
        let client_context = (kind == InvocationType::RequestResponse)
            .then(|| header_text(&request, "x-amz-client-context").and_then(decode_base64))
            .flatten();
        let invoke = InvokeRequest {
            payload: read_payload(request, kind).await?,
            trace_id: None,
            client_context,
            cognito_identity: None,
        };
        Ok(match kind {
            InvocationType::RequestResponse => self.synchronous(&target, &pool, invoke).await,
            InvocationType::Event => self.asynchronous(&target, pool, invoke),
            InvocationType::DryRun => serve::response(204, &[], Bytes::new()),
        })
    }

    async fn synchronous(
        &self,
        target: &Target,
        pool: &Pool,
        request: InvokeRequest,
    ) -> Response<Full<Bytes>> {
        let invoked = pool.invoke(request).await;
        self.logs.line(
            &self.log_source,
            format!(
                "Invoke {} ({}): {}",
                target.id,
                invoked.request_id,
                invoked.outcome.describe()
            ),
        );
        let request_id = invoked.request_id.as_str();
        let mut headers = vec![
            ("content-type", "application/json"),
            ("x-amzn-requestid", request_id),
            ("x-amz-executed-version", "$LATEST"),
        ];
        match &invoked.outcome {
            Outcome::Response(body) => serve::response(200, &headers, body.clone()),
            failed => {
                headers.push(("x-amz-function-error", "Unhandled"));
                serve::response(200, &headers, error_payload(failed))
            }
        }
    }

    fn asynchronous(
        &self,
        target: &Target,
        pool: Arc<Pool>,
        request: InvokeRequest,
    ) -> Response<Full<Bytes>> {
        let retries = AsyncRetries {
            id: target.id.clone(),
            delays: self.retry_delays.clone(),
            logs: self.logs.clone(),
            source: Arc::clone(&self.log_source),
            shutdown: self.shutdown.clone(),
        };
        tokio::spawn(retries.run(pool, request));
        serve::response(202, &[], Bytes::new())
    }
}

/// One `Event` invocation run behind the 202: attempted, and retried after each wait while it
/// fails, as Lambda does; then dropped (the stack gives its functions no dead-letter queue or
/// on-failure destination). Each attempt gets a request id of its own here. A stop of
/// `stackgen dev` ends it, waiting or queued.
struct AsyncRetries {
    id: String,
    delays: Vec<Duration>,
    logs: LogSink,
    source: Arc<str>,
    shutdown: CancellationToken,
}

impl AsyncRetries {
    async fn run(self, pool: Arc<Pool>, request: InvokeRequest) {
        let attempts = self.delays.len() + 1;
        for attempt in 1..=attempts {
            // A stop ends the run: the workers are going, an invocation queued now is never
            // taken.
            let invoked = tokio::select! {
                biased;
                _ = self.shutdown.cancelled() => return self.stopped(attempt),
                invoked = pool.invoke(request.clone()) => invoked,
            };
            let failed = invoked.outcome.response().is_none();
            let wait = self.delays.get(attempt - 1).filter(|_| failed);
            let after = match (failed, wait) {
                (false, _) => String::new(),
                (true, Some(wait)) => format!(
                    " (attempt {attempt} of {attempts}; retried in {} s, as Lambda retries an asynchronous invocation)",
                    wait.as_secs_f64()
                ),
                (true, None) => format!(" (attempt {attempt} of {attempts}: the event is dropped)"),
            };
            self.logs.line(
                &self.source,
                format!(
                    "Invoke {} ({}, Event): {}{after}",
                    self.id,
                    invoked.request_id,
                    invoked.outcome.describe()
                ),
            );
            let Some(wait) = wait else { return };
            tokio::select! {
                biased;
                _ = self.shutdown.cancelled() => return self.stopped(attempt + 1),
                _ = tokio::time::sleep(*wait) => {}
            }
        }
    }

    fn stopped(&self, attempt: usize) {
        self.logs.line(
            &self.source,
            format!(
                "Invoke {} (Event): attempt {attempt} not run: stackgen dev stopped",
                self.id
            ),
        );
    }
}

/// Serves `api` on `listener` until `shutdown`.
pub async fn serve(api: Arc<InvokeApi>, listener: TcpListener, shutdown: CancellationToken) {
    serve::serve(listener, shutdown, move |_peer: SocketAddr| {
        let api = Arc::clone(&api);
        service_fn(move |request| {
            let api = Arc::clone(&api);
            async move { Ok::<_, Infallible>(api.handle(request).await) }
        })
    })
    .await;
}

/// The function name in an Invoke path, percent-decoded (an ARN's colons arrive as `%3A`).
fn function_name(path: &str) -> Option<String> {
    let encoded = path.strip_prefix(PATH_PREFIX)?.strip_suffix(PATH_SUFFIX)?;
    let name = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .ok()?;
    (!name.is_empty() && !name.contains('/')).then(|| name.into_owned())
}

/// `name:qualifier` → (`name`, `qualifier`); ARNs and partial ARNs keep their own colons.
fn split_qualifier(name: &str) -> (&str, Option<&str>) {
    let function_part = name
        .find(":function:")
        .map_or(0, |i| i + ":function:".len());
    match name[function_part..].rfind(':') {
        Some(i) => (
            &name[..function_part + i],
            Some(&name[function_part + i + 1..]),
        ),
        None => (name, None),
    }
}

fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

fn header_text(request: &Request<Incoming>, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `X-Amz-Client-Context` is base64 of the JSON the runtime hands the function.
fn decode_base64(text: String) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// Addressed to a loopback name (`Host: 127.0.0.1:3001`, `localhost`, `[::1]`), as the CLI and
/// SDKs address it: a page served from another name that a DNS server re-pointed at 127.0.0.1
/// (DNS rebinding) would be same-origin with this port and could send any header, but it still
/// sends its own name as `Host`.
fn addressed_to_this_machine(request: &Request<Incoming>) -> bool {
    let Some(host) = request
        .headers()
        .get(hyper::header::HOST)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "::1"
    )
}

/// Signed with SigV4, as every AWS CLI and SDK request is.
fn signed(request: &Request<Incoming>) -> bool {
    request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("AWS4-HMAC-SHA256 "))
}

/// The payload within the invocation type's limit, as JSON (`{}` when empty).
async fn read_payload(request: Request<Incoming>, kind: InvocationType) -> Result<Bytes, Refusal> {
    let limit = kind.max_payload();
    let body = Limited::new(request.into_body(), limit)
        .collect()
        .await
        .map_err(|_| {
            Refusal::new(
                413,
                "RequestTooLargeException",
                format!(
                    "Request must be smaller than {limit} bytes for the {kind:?} invocation type"
                ),
            )
        })?
        .to_bytes();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Bytes::from_static(b"{}"));
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(_) => Ok(body),
        Err(e) => Err(Refusal::new(
            400,
            "InvalidRequestContentException",
            format!("Could not parse request body into json: {e}"),
        )),
    }
}

/// The payload Lambda answers for a failed invocation.
fn error_payload(outcome: &Outcome) -> String {
    let (error_type, message) = match outcome {
        Outcome::FunctionError {
            error_type,
            message,
        } => (error_type.as_str(), message.clone()),
        other => (other.error_type().unwrap_or("Unhandled"), other.describe()),
    };
    json!({"errorType": error_type, "errorMessage": message}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_from_the_path_and_qualifiers_split_off() {
        assert_eq!(
            function_name("/2015-03-31/functions/kill-switch/invocations").as_deref(),
            Some("kill-switch")
        );
        assert_eq!(
            function_name(
                "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Agrocer-x/invocations"
            )
            .as_deref(),
            Some("arn:aws:lambda:us-east-1:123456789012:function:grocer-x")
        );
        assert_eq!(function_name("/2015-03-31/functions//invocations"), None);
        assert_eq!(function_name("/2015-03-31/functions/a/b/invocations"), None);
        assert_eq!(function_name("/api/catalog"), None);
        assert_eq!(split_qualifier("catalog"), ("catalog", None));
        assert_eq!(
            split_qualifier("catalog:$LATEST"),
            ("catalog", Some("$LATEST"))
        );
        assert_eq!(
            split_qualifier("arn:aws:lambda:us-east-1:1:function:f"),
            ("arn:aws:lambda:us-east-1:1:function:f", None)
        );
        assert_eq!(
            split_qualifier("1:function:f:live"),
            ("1:function:f", Some("live"))
        );
        assert_eq!(
            query_value(Some("a=1&Qualifier=%24LATEST"), "Qualifier").as_deref(),
            Some("$LATEST")
        );
    }

    #[test]
    fn failures_answer_lambdas_error_payload() {
        let timed_out = Outcome::TimedOut {
            after: std::time::Duration::from_secs(3),
        };
        let body: serde_json::Value =
            serde_json::from_str(&error_payload(&timed_out)).unwrap_or_default();
        assert_eq!(body["errorType"], "Sandbox.Timedout");
        assert_eq!(body["errorMessage"], "Task timed out after 3.00 seconds");
    }
}
