//! A request as the handlers see it: route, parameters, headers and a size-checked body.

use super::identity::Principal;
use crate::error::{ApiError, ErrorCode, shown};
use lambda_http::http::HeaderMap;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use retail_spec::Route;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// One API request, already matched to a route of the function.
#[derive(Debug)]
pub struct ApiRequest {
    pub route: &'static Route,
    pub request_id: String,
    /// The verified caller of a customer or staff route (`None` on a public route).
    principal: Option<Principal>,
    path: HashMap<String, String>,
    query: lambda_http::aws_lambda_events::query_map::QueryMap,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// What [`ApiRequest::from_lambda`] needs to know before it has a route.
pub(crate) struct Envelope {
    pub request_id: String,
    pub route_key: Option<String>,
    pub method: String,
    pub raw_path: String,
    /// API Gateway's own request id: the `requestId` of the stage's access log line.
    pub gateway_request_id: Option<String>,
    /// The immediate peer API Gateway saw: CloudFront's edge, behind the CDN.
    pub source_ip: Option<String>,
    /// `X-Forwarded-For` as received. CloudFront appends the viewer's address to it, and the
    /// stage's access log cannot record request headers (HTTP API access logs accept only
    /// `$context` variables: API Gateway Developer Guide, "Customizing HTTP API access logs",
    /// <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html>),
    /// so the function's request line is where the shopper's address is logged.
    pub forwarded_for: Option<String>,
}

impl Envelope {
    pub(crate) fn of(req: &Request) -> Self {
        let ctx = req.request_context_ref();
        let gateway_id = match ctx {
            Some(RequestContext::ApiGatewayV2(c)) => c.request_id.clone(),
            _ => None,
        };
        let request_id = req
            .lambda_context_ref()
            .map(|c| c.request_id.clone())
            .filter(|id| !id.is_empty())
            .or_else(|| gateway_id.clone())
            .unwrap_or_else(|| "unknown".to_owned());
        let (route_key, source_ip) = match ctx {
            Some(RequestContext::ApiGatewayV2(c)) => {
                (c.route_key.clone(), c.http.source_ip.clone())
            }
            _ => (None, None),
        };
        let forwarded_for = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Envelope {
            request_id,
            route_key,
            gateway_request_id: gateway_id,
            source_ip,
            forwarded_for,
            method: req.method().as_str().to_owned(),
            raw_path: req.raw_http_path().to_owned(),
        }
    }
}

impl ApiRequest {
    pub(crate) fn from_lambda(
        route: &'static Route,
        request_id: String,
        principal: Option<Principal>,
        req: Request,
    ) -> Self {
        let path = req
            .path_parameters_ref()
            .map(|p| {
                p.iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let query = req.query_string_parameters();
        let (parts, body) = req.into_parts();
        let body = match body {
            Body::Text(t) => t.into_bytes(),
            Body::Binary(b) => b,
            _ => Vec::new(),
        };
        ApiRequest {
            route,
            request_id,
            principal,
            path,
            query,
            headers: parts.headers,
            body,
        }
    }

    /// The signed-in caller. Every customer and staff route has one (the edge refused the
    /// request otherwise); asking on a public route is a programming error, answered as 401.
    pub fn caller(&self) -> Result<&Principal, ApiError> {
        self.principal.as_ref().ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthorized,
                "Sign in first: this request needs an access token.",
            )
        })
    }

    pub fn body_len(&self) -> usize {
        self.body.len()
    }

    /// The route's (single) path parameter, e.g. the `{sku}` of `/catalog/{sku}`.
    pub fn path_param(&self) -> Result<&str, ApiError> {
        let name = self
            .route
            .path_parameters()
            .first()
            .copied()
            .ok_or_else(|| {
                ApiError::internal(
                    "reading the path parameter",
                    format!("route {} has no path parameter", self.route.route_key()),
                )
            })?;
        self.path
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ApiError::validation(format!("The path parameter {name} is missing.")))
    }

    /// The path parameter `name` of the route (`orderId` of `/stores/{storeId}/orders/{orderId}`).
    pub fn param(&self, name: &str) -> Result<&str, ApiError> {
        if !self.route.path_parameters().contains(&name) {
            return Err(ApiError::internal(
                "reading a path parameter",
                format!("route {} has no parameter {name}", self.route.route_key()),
            ));
        }
        self.path
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ApiError::validation(format!("The path parameter {name} is missing.")))
    }

    /// A query parameter (first value), if present, exactly as sent: `?category=` is
    /// `Some("")`, which each parser refuses or accepts as the OpenAPI document says.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.first(name)
    }

    /// The `limit` query parameter of a paged list: 1 to `max`, `default` when absent; anything
    /// else is 400 naming the range.
    pub fn page_limit(&self, default: u32, max: u32) -> Result<u32, ApiError> {
        let Some(raw) = self.query("limit") else {
            return Ok(default);
        };
        raw.parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "limit must be a whole number from 1 to {max}, got {}.",
                    shown(raw)
                ))
            })
    }

    /// A header, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Whether a header is present at all (even with non-text content).
    pub fn has_header(&self, name: &str) -> bool {
        self.headers.contains_key(name)
    }

    /// The JSON body as `T`: 400 INVALID_JSON when it is not JSON, 400 VALIDATION_ERROR when it
    /// is JSON of the wrong shape, naming the field (`qty`, `items[1].sku`): serde's own message
    /// names a missing or unknown field but not the one whose value has the wrong type.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::new(
                ErrorCode::InvalidJson,
                "The request body is empty; a JSON object is required.",
            ));
        }
        self.declared_json()?;
        let value: serde_json::Value = serde_json::from_slice(&self.body).map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidJson,
                format!("The request body is not valid JSON: {e}."),
            )
        })?;
        if !value.is_object() {
            return Err(ApiError::validation(
                "The request body must be a JSON object.",
            ));
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let at = match path.as_str() {
                "." => String::new(),
                field => format!(" at `{field}`"),
            };
            ApiError::validation(format!(
                "The request body is invalid{at}: {}.",
                e.into_inner()
            ))
        })
    }

    /// 415 UNSUPPORTED_MEDIA_TYPE unless the body is declared JSON: `Content-Type:
    /// application/json` (parameters such as `charset` aside) or a `+json` type. A body sent as
    /// a form or as text is refused by what it says it is, not guessed at (RFC 9110, 15.5.16).
    fn declared_json(&self) -> Result<(), ApiError> {
        let declared = self.header("content-type").unwrap_or_default();
        if is_json_media_type(declared) {
            return Ok(());
        }
        let said = if declared.trim().is_empty() {
            "no Content-Type".to_owned()
        } else {
            format!("Content-Type {}", shown(declared))
        };
        Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!(
                "The request body must be JSON, sent with Content-Type: application/json; this request had {said}."
            ),
        ))
    }

    /// Like [`json`](Self::json), but an empty body is `T::default()`.
    pub fn json_or_default<T: DeserializeOwned + Default>(&self) -> Result<T, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            Ok(T::default())
        } else {
            self.json()
        }
    }
}

/// `application/json`, `application/json; charset=utf-8`, `application/problem+json`: JSON.
fn is_json_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    let subtype = subtype.trim().to_ascii_lowercase();
    kind.trim().eq_ignore_ascii_case("application")
        && (subtype == "json" || subtype.len() > 5 && subtype.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::{ApiRequest, HeaderMap, is_json_media_type};
    use lambda_http::http::HeaderValue;

    fn posted(body: &str) -> ApiRequest {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        ApiRequest {
            route: &retail_spec::ROUTES[0],
            request_id: "test".into(),
            principal: None,
            path: Default::default(),
            query: Default::default(),
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        sku: String,
        qty: i64,
        #[serde(default)]
        tags: Vec<String>,
    }

    /// A value of the wrong type is named by its field, however deep.
    #[test]
    fn a_wrong_body_names_its_field() {
        for (body, field) in [
            (r#"{"sku":"APL-001","qty":"3"}"#, "at `qty`"),
            (r#"{"sku":5,"qty":1}"#, "at `sku`"),
            (
                r#"{"sku":"APL-001","qty":1,"tags":["a",2]}"#,
                "at `tags[1]`",
            ),
            (r#"{"sku":"APL-001"}"#, "missing field `qty`"),
            (
                r#"{"sku":"APL-001","qty":1,"quantity":50}"#,
                "unknown field `quantity`",
            ),
        ] {
            let err = posted(body).json::<Line>().err().map(|e| e.message);
            assert!(
                err.as_deref().is_some_and(|e| e.contains(field)),
                "{body}: {err:?}"
            );
        }
    }

    #[test]
    fn json_is_known_by_its_media_type() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/problem+json",
        ] {
            assert!(is_json_media_type(json), "{json}");
        }
        for other in [
            "",
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonp",
            "application/+json",
            "json",
        ] {
            assert!(!is_json_media_type(other), "{other}");
        }
    }
}
