//! The local front door: the storefront at `/` and the HTTP API at `/api/…`, on one port, the
//! same layout the CDN gives in AWS.
//!
//! An API request is matched against `retail_spec::ROUTES` (method and path below the stage),
//! turned into the payload 2.0 event, handed to the route's function pool, and its result
//! translated back. The gateway's own answers have API Gateway's shapes: 404
//! `{"message":"Not Found"}` for no route, 413 over the 10 MB payload limit (or Lambda's 6 MB
//! invocation limit), 502 `{"message":"Internal Server Error"}` when the function fails in any
//! way (a crash, after which its environment is restarted; an error; a timeout; a malformed
//! result), 503 `{"message":"Service Unavailable"}` past the integration timeout. Every API response
//! carries `apigw-requestid`.
//!
//! A route the spec does not call public passes the JWT authorizer first ([`apigw::jwt`]: 401 or
//! 403 in API Gateway's shapes), and its function receives the verified claims. `/cognito/`
//! forwards Cognito's JSON API to the emulator, so the pages sign in on their own origin as
//! they call `cognito-idp.<region>.amazonaws.com` in AWS.

pub mod site;

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::apigw::event::{AuthorizerContext, JwtContext};
use super::apigw::jwt::{Denied, JwtAuthorizer};
use super::apigw::{
    self, GatewayIdentity, HttpReply, IncomingRequest, MatchedRoute, RequestStamp, gateway_errors,
};
use super::logs::LogSink;
use super::runtime::{InvokeRequest, Outcome, Pool, new_trace_id};
use super::serve;
use site::Site;

/// API Gateway's request payload limit for HTTP APIs.
pub const MAX_REQUEST_BYTES: usize = 10 * 1024 * 1024;
/// Lambda's synchronous invocation payload limit (the event, after encoding).
pub const MAX_EVENT_BYTES: usize = 6 * 1024 * 1024;

/// Where the gateway forwards the pages' Cognito calls to the emulator.
pub const COGNITO_PROXY_PATH: &str = "/cognito";

/// For a GET or HEAD (the only methods the CDN's static behaviours allow): whether it is a HEAD.
fn read_only(request: &Request<Incoming>) -> Option<bool> {
    let head = request.method() == Method::HEAD;
    (head || request.method() == Method::GET).then_some(head)
}

fn method_not_allowed() -> Response<Full<Bytes>> {
    serve::response(
        405,
        &[
            ("allow", "GET, HEAD"),
            ("content-type", "text/plain; charset=utf-8"),
        ],
        "Method Not Allowed\n",
    )
}

/// A bucket the CDN serves under its key prefix (`retail_spec::BucketSpec::cdn_prefix`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedBucket {
    /// `images/`: a request for `/images/…` is the object `images/…`.
    pub prefix: &'static str,
    /// The deployed bucket's name.
    pub bucket: String,
}

impl ServedBucket {
    /// The served buckets of the deployed stack.
    pub fn of(deployed: &super::plan::deployed::DeployedStack) -> Vec<ServedBucket> {
        retail_spec::BUCKETS
            .iter()
            .filter_map(|spec| {
                let prefix = spec.cdn_prefix?;
                let resource = deployed.resources.get(&crate::stack::ids::bucket(spec))?;
                Some(ServedBucket {
                    prefix,
                    bucket: resource.physical_id.clone(),
                })
            })
            .collect()
    }

    fn serves(&self, path: &str) -> bool {
        path.strip_prefix('/')
            .and_then(|p| p.strip_prefix(self.prefix))
            .is_some_and(|key| {
                !key.is_empty() && !key.split('/').any(|s| s == ".." || s.is_empty())
            })
    }
}

/// Everything a request needs.
pub struct Gateway {
    pub identity: GatewayIdentity,
    pub site: Site,
    /// The user pool's JWT authorizer, on every non-public route.
    pub authorizer: JwtAuthorizer,
    /// The emulator (`http://127.0.0.1:5000`), for the Cognito proxy and the served buckets.
    pub emulator_endpoint: String,
    /// Buckets served under their key prefix, as the CDN serves them (`/images/*`).
    pub served_buckets: Vec<ServedBucket>,
    /// The emulator's S3, with the local credentials: the buckets' policies refuse anonymous
    /// requests over plain HTTP, as S3 refuses them.
    pub emulator_s3: aws_sdk_s3::Client,
    /// Pools by function id.
    pub pools: HashMap<String, Arc<Pool>>,
    /// The longest any integration waits (each route waits its own, rendered timeout, at most
    /// this).
    pub integration_timeout: Duration,
    pub logs: LogSink,
    pub log_source: Arc<str>,
    /// The port clients connect to (`x-forwarded-port`).
    pub port: u16,
    /// What the CDN's response headers policy adds to every response
    /// (`storefront::security_headers`).
    pub security_headers: Vec<(&'static str, String)>,
    /// By function id: the value the CDN sends that function in
    /// [`retail_spec::ORIGIN_VERIFY_HEADER`] ([`origin_values`]).
    pub origin_values: HashMap<String, String>,
}

/// Where the stack has a CDN, its HTTP functions check the header the CDN adds to each request
/// (`retail_functions::http::OriginCheck`). The gateway stands in for the CDN, so it adds the
/// header too, with the value each function was given: both come from the stack's one
/// `OriginVerifySecret` parameter, resolved from the deployed stack.
pub fn origin_values(functions: &[super::FunctionPlan]) -> HashMap<String, String> {
    functions
        .iter()
        .filter_map(|f| {
            let value = f.variables.get(retail_spec::ORIGIN_VERIFY_VAR)?;
            Some((f.id.clone(), value.clone()))
        })
        .collect()
}

/// Serves `gateway` on `listener` until `shutdown`.
pub async fn serve(gateway: Arc<Gateway>, listener: TcpListener, shutdown: CancellationToken) {
    serve::serve(listener, shutdown, move |peer| {
        let gateway = Arc::clone(&gateway);
        service_fn(move |request| {
            let gateway = Arc::clone(&gateway);
            async move { Ok::<_, Infallible>(gateway.handle(request, peer).await) }
        })
    })
    .await;
}

impl Gateway {
    /// One request, with the security headers the CDN adds to every response (they override
    /// what a function or a file sent, as the policy's `Override: true` does).
    async fn handle(&self, request: Request<Incoming>, peer: SocketAddr) -> Response<Full<Bytes>> {
        let mut response = self.route(request, peer).await;
        let headers = response.headers_mut();
        for (name, value) in &self.security_headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                headers.insert(*name, v);
            }
        }
        response
    }

    async fn route(&self, request: Request<Incoming>, peer: SocketAddr) -> Response<Full<Bytes>> {
        let path = request.uri().path();
        let stage_prefix = format!("/{}", retail_spec::API_STAGE);
        let under_stage = path
            .strip_prefix(&stage_prefix)
            .filter(|rest| rest.is_empty() || rest.starts_with('/'));
        match under_stage {
            Some(route_path) => {
                let route_path = route_path.to_owned();
                self.api(request, &route_path, peer).await
            }
            None if path.trim_end_matches('/') == COGNITO_PROXY_PATH => self.cognito(request).await,
            None => match self.served_buckets.iter().find(|b| b.serves(path)) {
                Some(bucket) => self.bucket_object(bucket, &request).await,
                None => self.static_file(&request).await,
            },
        }
    }

    /// Forwards one Cognito JSON API call (`POST` with `x-amz-target`) to the emulator. Only
    /// the unauthenticated user-facing operations pass; admin operations need AWS credentials
    /// in AWS, so the pages cannot make them here either.
    async fn cognito(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        const ALLOWED: &[&str] = &[
            "SignUp",
            "ConfirmSignUp",
            "ResendConfirmationCode",
            "InitiateAuth",
            "RespondToAuthChallenge",
            "RevokeToken",
            "GlobalSignOut",
            "GetUser",
            // Setting up an authenticator app (the back office's two-step sign-in).
            "AssociateSoftwareToken",
            "VerifySoftwareToken",
            "SetUserMFAPreference",
        ];
        let target = request
            .headers()
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let operation = target
            .strip_prefix("AWSCognitoIdentityProviderService.")
            .unwrap_or_default();
        if request.method() != Method::POST || !ALLOWED.contains(&operation) {
            return serve::response(
                400,
                &[("content-type", "application/x-amz-json-1.1")],
                r#"{"__type":"InvalidParameterException","message":"Not a user operation of Cognito's API"}"#,
            );
        }
        let body = match Limited::new(request.into_body(), 64 * 1024).collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => return gateway_errors_response(gateway_errors::too_large()),
        };
        let headers = vec![
            (
                "content-type".to_owned(),
                "application/x-amz-json-1.1".to_owned(),
            ),
            ("x-amz-target".to_owned(), target),
        ];
        let url = format!("{}/", self.emulator_endpoint.trim_end_matches('/'));
        match super::loopback_http::send(&url, "POST", &headers, body).await {
            Ok((status, _, body)) => serve::response(
                status,
                &[("content-type", "application/x-amz-json-1.1")],
                body,
            ),
            Err(e) => {
                self.log(format!("cognito proxy: {e}"));
                serve::response(
                    502,
                    &[("content-type", "application/json")],
                    r#"{"message":"The local AWS emulator did not answer"}"#,
                )
            }
        }
    }

    /// An object of a served bucket, read from the emulator's S3 as CloudFront reads it from
    /// S3 (signed, as an origin access control signs): its content type and cache lifetime as
    /// stored, 403 for a missing key (what an S3 origin behind an origin access control
    /// answers without `s3:ListBucket`), GET and HEAD only.
    async fn bucket_object(
        &self,
        bucket: &ServedBucket,
        request: &Request<Incoming>,
    ) -> Response<Full<Bytes>> {
        let Some(head) = read_only(request) else {
            return method_not_allowed();
        };
        let key = request.uri().path().trim_start_matches('/');
        let got = self
            .emulator_s3
            .get_object()
            .bucket(&bucket.bucket)
            .key(key)
            .send()
            .await;
        let denied = || {
            serve::response(
                403,
                &[("content-type", "application/xml")],
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
            )
        };
        let object = match got {
            Ok(object) => object,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return denied(),
            Err(e) => {
                self.log(format!(
                    "{}/{key}: {}",
                    bucket.bucket,
                    crate::aws::cause_chain(&e)
                ));
                return serve::response(
                    502,
                    &[("content-type", "text/plain; charset=utf-8")],
                    "The local AWS emulator did not answer\n",
                );
            }
        };
        let content_type = object
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let cache = object.cache_control().unwrap_or("no-cache").to_owned();
        let body = match object.body.collect().await {
            Ok(b) => b.into_bytes(),
            Err(_) => return denied(),
        };
        serve::response(
            200,
            &[("content-type", &content_type), ("cache-control", &cache)],
            if head { Bytes::new() } else { body },
        )
    }

    async fn static_file(&self, request: &Request<Incoming>) -> Response<Full<Bytes>> {
        let Some(head) = read_only(request) else {
            return method_not_allowed();
        };
        match self.site.file(request.uri().path()).await {
            Some(file) => {
                let length = file.body.len().to_string();
                let mut response = serve::response(
                    200,
                    &[
                        ("content-type", file.content_type),
                        ("cache-control", "no-cache"),
                        ("x-content-type-options", "nosniff"),
                    ],
                    if head { Bytes::new() } else { file.body },
                );
                if head && let Ok(v) = HeaderValue::from_str(&length) {
                    response.headers_mut().insert("content-length", v);
                }
                response
            }
            None => self.not_found(request.uri().path(), head).await,
        }
    }

    /// An unknown page gets the storefront's 404 page, as the CDN answers it (see
    /// `storefront::cdn_page_router_js`); an unknown asset a plain 404.
    async fn not_found(&self, path: &str, head: bool) -> Response<Full<Bytes>> {
        let page = crate::storefront::is_page_path(path);
        let (content_type, body) = if page {
            (
                "text/html; charset=utf-8",
                crate::storefront::NOT_FOUND_HTML,
            )
        } else {
            ("text/plain; charset=utf-8", "Not Found\n")
        };
        serve::response(
            404,
            &[
                ("content-type", content_type),
                ("cache-control", "no-cache"),
                ("x-content-type-options", "nosniff"),
            ],
            if head { "" } else { body },
        )
    }

    async fn api(
        &self,
        request: Request<Incoming>,
        route_path: &str,
        peer: SocketAddr,
    ) -> Response<Full<Bytes>> {
        let request_id = apigw_request_id();
        let reply = self.api_reply(request, route_path, peer, &request_id).await;
        let mut response = serve::response(reply.status, &[], reply.body);
        let headers = response.headers_mut();
        for (name, value) in &reply.headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.append(n, v);
            }
        }
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            headers.insert("apigw-requestid", v);
        }
        response
    }

    async fn api_reply(
        &self,
        request: Request<Incoming>,
        route_path: &str,
        peer: SocketAddr,
        request_id: &str,
    ) -> HttpReply {
        let Some((route, params)) = retail_spec::find_route(request.method().as_str(), route_path)
        else {
            return gateway_errors::not_found();
        };
        let Some(pool) = self.pools.get(route.function.id) else {
            return gateway_errors::not_found();
        };
        let mut read = match ReadRequest::read(request).await {
            Ok(read) => read,
            Err(reply) => return reply,
        };
        if let Some(value) = self.origin_values.get(route.function.id) {
            // The client's own header of that name is dropped, so a request here carries the
            // one value the function expects (the check refuses two).
            let name = retail_spec::ORIGIN_VERIFY_HEADER;
            read.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            read.headers
                .push((name.to_owned(), value.as_bytes().to_vec()));
        }
        let authorizer = match self.authorize(route, &read.headers).await {
            Ok(context) => context,
            Err(reply) => return reply,
        };
        let trace_id = new_trace_id();
        let stamp = RequestStamp {
            request_id: request_id.to_owned(),
            time_epoch_ms: epoch_ms(),
            trace_id: trace_id.clone(),
        };
        let event = apigw::build_event(
            &self.identity,
            &IncomingRequest {
                method: &read.method,
                raw_path: &read.raw_path,
                raw_query: &read.raw_query,
                protocol: &read.protocol,
                headers: &read.headers,
                body: &read.body,
                source_ip: peer.ip(),
                local_port: self.port,
            },
            &MatchedRoute {
                route_key: route.route_key(),
                path_parameters: params,
                authorizer,
            },
            &stamp,
        );
        let payload = match serde_json::to_vec(&event) {
            Ok(p) if p.len() <= MAX_EVENT_BYTES => Bytes::from(p),
            Ok(_) => return gateway_errors::too_large(),
            Err(_) => return gateway_errors::function_failed(),
        };
        let what = format!("{} {}", read.method, read.raw_path);
        self.integrate(route, pool, payload, trace_id, &what).await
    }

    /// Invokes the route's function with the event `payload`, within the route's integration
    /// timeout, and turns its answer into the reply (502 or 503, logged, when it has none).
    async fn integrate(
        &self,
        route: &retail_spec::Route,
        pool: &Pool,
        payload: Bytes,
        trace_id: String,
        what: &str,
    ) -> HttpReply {
        let invocation = pool.invoke(InvokeRequest {
            payload,
            trace_id: Some(trace_id),
            ..Default::default()
        });
        // The route's integration timeout, as rendered for API Gateway (a little above the
        // function's own timeout); the configured one is an upper bound (tests shorten it).
        let timeout = Duration::from_secs(u64::from(route.function.integration_timeout_seconds()))
            .min(self.integration_timeout);
        let Ok(invoked) = tokio::time::timeout(timeout, invocation).await else {
            self.log(format!(
                "{what} → 503: {} did not answer within the integration timeout of {} s",
                route.function.id,
                timeout.as_secs()
            ));
            return gateway_errors::integration_timeout();
        };
        let failure = match &invoked.outcome {
            Outcome::Response(payload) => match apigw::translate(payload) {
                Ok(reply) => return reply,
                Err(malformed) => malformed.to_string(),
            },
            failure => failure.describe(),
        };
        self.log(format!(
            "{what} → 502: {failure} (RequestId: {})",
            invoked.request_id
        ));
        gateway_errors::function_failed()
    }

    /// Runs the JWT authorizer on a route that needs a token, as API Gateway does before the
    /// integration (so a refused request never reaches the function).
    async fn authorize(
        &self,
        route: &retail_spec::Route,
        headers: &[(String, Vec<u8>)],
    ) -> Result<Option<AuthorizerContext>, HttpReply> {
        if !route.caller.needs_token() {
            return Ok(None);
        }
        let authorization = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, v)| std::str::from_utf8(v).ok());
        let scopes = [retail_spec::ACCESS_TOKEN_SCOPE];
        match self.authorizer.authorize(authorization, &scopes).await {
            Ok(claims) => Ok(Some(AuthorizerContext {
                jwt: JwtContext {
                    claims,
                    scopes: Some(scopes.iter().map(|s| (*s).to_owned()).collect()),
                },
            })),
            Err(Denied::Unauthorized(challenge)) => Err(gateway_errors::unauthorized(&challenge)),
            Err(Denied::Forbidden(challenge)) => Err(gateway_errors::forbidden(&challenge)),
        }
    }

    fn log(&self, line: String) {
        self.logs.line(&self.log_source, line);
    }
}

fn gateway_errors_response(reply: HttpReply) -> Response<Full<Bytes>> {
    serve::response(
        reply.status,
        &[("content-type", "application/json")],
        reply.body,
    )
}

fn epoch_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// An id in the shape API Gateway uses (`JKJaXmPLvHcESHA=`: 11 random bytes, base64).
fn apigw_request_id() -> String {
    use base64::Engine as _;
    let random = uuid::Uuid::new_v4();
    base64::engine::general_purpose::STANDARD.encode(&random.as_bytes()[..11])
}

/// What an API request's event is built from, its body read within API Gateway's payload limit.
struct ReadRequest {
    method: String,
    raw_path: String,
    raw_query: String,
    protocol: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Bytes,
}

impl ReadRequest {
    /// Reads `request`; a body over the limit (declared or actual) is a 413 reply.
    async fn read(request: Request<Incoming>) -> Result<ReadRequest, HttpReply> {
        let declared_length = request
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared_length.is_some_and(|n| n > MAX_REQUEST_BYTES as u64) {
            return Err(gateway_errors::too_large());
        }
        let method = request.method().as_str().to_owned();
        let raw_path = request.uri().path().to_owned();
        let raw_query = request.uri().query().unwrap_or_default().to_owned();
        let protocol = format!("{:?}", request.version());
        let headers: Vec<(String, Vec<u8>)> = request
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
            .collect();
        let body = match Limited::new(request.into_body(), MAX_REQUEST_BYTES)
            .collect()
            .await
        {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return Err(gateway_errors::too_large()),
        };
        Ok(ReadRequest {
            method,
            raw_path,
            raw_query,
            protocol,
            headers,
            body,
        })
    }
}
