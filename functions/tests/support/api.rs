//! API Gateway (HTTP API, payload 2.0) requests for driving HTTP handlers in-process.
//!
//! A request is built as the JSON event API Gateway sends (routeKey, rawPath under the `api`
//! stage, pathParameters, rawQueryString, headers, body) and deserialised by lambda_http exactly
//! as the runtime does; the Lambda context carries a fresh request id.
//!
//! The caller is what API Gateway's JWT authorizer would have verified: by default a customer
//! (`u-1`) on customer routes, a staff member (`staff-1`) on staff routes, nobody on public
//! ones; [`Call::by_user`], [`Call::claims`] and [`Call::anonymous`] change that. Claims are
//! strings, and lists `[a b]`, as the gateway passes them.

use lambda_http::request::LambdaRequest;
use lambda_http::{Body, Request, RequestExt, Response};
use retail_spec::{API_STAGE, Caller, Route, STAFF_GROUP};
use serde_json::{Map, Value, json};
use std::sync::atomic::{AtomicU64, Ordering};

/// A request under construction.
pub struct Call {
    route: &'static Route,
    params: Vec<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<String>,
    route_key: Option<String>,
    claims: Option<Map<String, Value>>,
}

/// The claims of a Cognito access token for `sub`, as API Gateway passes them.
pub fn access_claims(sub: &str, groups: &[&str]) -> Map<String, Value> {
    let mut claims = Map::new();
    for (k, v) in [
        ("sub", sub),
        ("token_use", "access"),
        ("scope", "aws.cognito.signin.user.admin"),
        ("client_id", "test-client"),
        (
            "iss",
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test",
        ),
        ("exp", "1893456000"),
    ] {
        claims.insert(k.to_owned(), Value::from(v));
    }
    if !groups.is_empty() {
        claims.insert(
            "cognito:groups".to_owned(),
            Value::from(format!("[{}]", groups.join(" "))),
        );
    }
    claims
}

/// Starts a request for `route`.
pub fn call(route: &'static Route) -> Call {
    Call {
        route,
        params: Vec::new(),
        query: Vec::new(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: None,
        route_key: None,
        claims: match route.caller {
            Caller::Public => None,
            Caller::Customer => Some(access_claims("u-1", &[])),
            Caller::Staff => Some(access_claims("staff-1", &[STAFF_GROUP])),
        },
    }
}

impl Call {
    /// The values of the route's path parameters, in order.
    pub fn path(mut self, values: &[&str]) -> Self {
        self.params = values.iter().map(|v| (*v).to_owned()).collect();
        self
    }

    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the JSON Content-Type every call starts with (`None`: no Content-Type at all).
    pub fn content_type(mut self, value: Option<&str>) -> Self {
        self.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        if let Some(v) = value {
            self.headers.push(("content-type".into(), v.into()));
        }
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body.to_string());
        self
    }

    pub fn raw_body(mut self, body: &str) -> Self {
        self.body = Some(body.to_owned());
        self
    }

    /// Called by customer `sub` (no groups).
    pub fn by_user(mut self, sub: &str) -> Self {
        self.claims = Some(access_claims(sub, &[]));
        self
    }

    /// Called with exactly these verified claims.
    pub fn claims(mut self, claims: Map<String, Value>) -> Self {
        self.claims = Some(claims);
        self
    }

    /// Called without a token (what a route deployed without its authorizer would pass on).
    pub fn anonymous(mut self) -> Self {
        self.claims = None;
        self
    }

    /// Overrides `requestContext.routeKey` (to test unknown routes).
    pub fn route_key(mut self, key: &str) -> Self {
        self.route_key = Some(key.to_owned());
        self
    }

    /// The request as lambda_http hands it to a handler.
    pub fn build(self) -> Request {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let names = self.route.path_parameters();
        assert_eq!(
            names.len(),
            self.params.len(),
            "path parameters of {}",
            self.route.path
        );
        let mut path = self.route.path.to_owned();
        let mut path_params = Map::new();
        for (name, value) in names.iter().zip(&self.params) {
            path = path.replace(&format!("{{{name}}}"), value);
            path_params.insert((*name).to_owned(), Value::from(value.as_str()));
        }
        let raw_path = format!("/{API_STAGE}{path}");
        let raw_query: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        let route_key = self.route_key.unwrap_or_else(|| self.route.route_key());
        let mut event = json!({
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": raw_path,
            "rawQueryString": raw_query.join("&"),
            "headers": headers,
            "pathParameters": path_params,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "test",
                "domainName": "localhost",
                "domainPrefix": "localhost",
                "http": {
                    "method": self.route.method.as_str(),
                    "path": raw_path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": "127.0.0.1",
                    "userAgent": "retail-functions-tests"
                },
                "requestId": format!("gw-{n}"),
                "routeKey": route_key,
                "stage": API_STAGE,
                "time": "01/Nov/2026:09:30:00 +0000",
                "timeEpoch": 1_793_525_400_000u64
            },
            "body": self.body,
            "isBase64Encoded": false
        });
        if let Some(claims) = self.claims {
            event["requestContext"]["authorizer"] =
                json!({"jwt": {"claims": claims, "scopes": null}});
        }
        let lambda: LambdaRequest = serde_json::from_value(event)
            .unwrap_or_else(|e| panic!("not an API Gateway v2 event: {e}"));
        let mut ctx = lambda_http::Context::default();
        ctx.request_id = format!("req-{n}");
        Request::from(lambda).with_lambda_context(ctx)
    }
}

/// Percent-encodes a query component.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A response, read.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub request_id: String,
}

impl Reply {
    pub fn of(res: Response<Body>) -> Reply {
        let status = res.status().as_u16();
        let request_id = res
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let ctype = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(ctype, "application/json", "content type");
        let text = String::from_utf8_lossy(res.body().as_ref()).into_owned();
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("response is not JSON ({e}): {text}"));
        Reply {
            status,
            body,
            request_id,
        }
    }

    /// Asserts the error shape and code, and returns the error object.
    pub fn error(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status, status, "{}", self.body);
        let e = &self.body["error"];
        assert_eq!(e["code"], code, "{}", self.body);
        assert!(
            e["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.body
        );
        assert_eq!(e["request_id"], self.request_id.as_str(), "{}", self.body);
        assert!(
            self.request_id.starts_with("req-"),
            "lambda request id expected"
        );
        e
    }

    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "{}", self.body);
        &self.body
    }
}
