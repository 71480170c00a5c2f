//! An HTTP request as API Gateway (HTTP API, payload format 2.0) hands it to a function.
//!
//! The rules followed here are API Gateway's, not a convenient approximation: header names
//! lower-cased and repeated headers joined with `,`; `Cookie` headers taken out of `headers` and
//! split into `cookies`; repeated query parameters joined with `,` in `queryStringParameters`,
//! percent-decoded (`+` stays `+`), while `rawQueryString` keeps the bytes as sent; `rawPath`
//! as sent, including the stage prefix of a named stage (`/api/catalog`); the gateway's own
//! `x-forwarded-*` and `x-amzn-trace-id` headers added; the body base64-encoded unless its
//! content type is text; fields with nothing to say (no query, no path parameters, no body,
//! no cookies) left out rather than sent empty.

use std::collections::BTreeMap;
use std::net::IpAddr;

use base64::Engine as _;
use serde::Serialize;

/// The payload 2.0 event (fields in the order of AWS's documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpApiEvent {
    pub version: &'static str,
    pub route_key: String,
    pub raw_path: String,
    pub raw_query_string: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookies: Option<Vec<String>>,
    pub headers: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_string_parameters: Option<BTreeMap<String, String>>,
    pub request_context: RequestContext,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_parameters: Option<BTreeMap<String, String>>,
    pub is_base64_encoded: bool,
}

/// `requestContext`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestContext {
    pub account_id: String,
    pub api_id: String,
    /// The JWT authorizer's verified claims, on a route that has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorizer: Option<AuthorizerContext>,
    pub domain_name: String,
    pub domain_prefix: String,
    pub http: HttpContext,
    pub request_id: String,
    pub route_key: String,
    pub stage: String,
    /// `12/Mar/2020:19:03:58 +0000`.
    pub time: String,
    pub time_epoch: i64,
}

/// `requestContext.authorizer`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorizerContext {
    pub jwt: JwtContext,
}

/// `requestContext.authorizer.jwt`: the claims (every value a string) and the route's scopes
/// the token holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JwtContext {
    pub claims: BTreeMap<String, String>,
    pub scopes: Option<Vec<String>>,
}

/// `requestContext.http`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpContext {
    pub method: String,
    pub path: String,
    pub protocol: String,
    pub source_ip: String,
    pub user_agent: String,
}

/// Who the gateway is (the same for every request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayIdentity {
    pub account_id: String,
    pub api_id: String,
    /// The stage name; a named stage (not `$default`) prefixes `rawPath`.
    pub stage: String,
}

/// One request as it arrived, before routing.
#[derive(Debug, Clone)]
pub struct IncomingRequest<'a> {
    pub method: &'a str,
    /// The path as sent (percent-encoding intact), including the stage prefix.
    pub raw_path: &'a str,
    /// The query string as sent, without `?` (empty when none).
    pub raw_query: &'a str,
    /// `HTTP/1.1`.
    pub protocol: &'a str,
    /// Header (name, value) pairs in arrival order; names in any case.
    pub headers: &'a [(String, Vec<u8>)],
    pub body: &'a [u8],
    pub source_ip: IpAddr,
    /// The port the client connected to (`x-forwarded-port`).
    pub local_port: u16,
}

/// The route the request matched.
#[derive(Debug, Clone)]
pub struct MatchedRoute<'a> {
    /// `GET /catalog/{sku}`.
    pub route_key: String,
    /// Path parameters as they appear in the raw path (still percent-encoded).
    pub path_parameters: Vec<(&'a str, &'a str)>,
    /// What the route's authorizer verified, if it has one.
    pub authorizer: Option<AuthorizerContext>,
}

/// Per-request values the gateway generates.
#[derive(Debug, Clone)]
pub struct RequestStamp {
    pub request_id: String,
    pub time_epoch_ms: i64,
    /// `Root=1-…` (the same value the function receives as its trace id).
    pub trace_id: String,
}

/// Builds the event API Gateway would send for `request` on `route`.
pub fn build_event(
    gateway: &GatewayIdentity,
    request: &IncomingRequest<'_>,
    route: &MatchedRoute<'_>,
    stamp: &RequestStamp,
) -> HttpApiEvent {
    let (mut headers, cookies) = headers_and_cookies(request.headers);
    let source_ip = request.source_ip.to_string();
    headers
        .entry("x-forwarded-for".to_owned())
        .and_modify(|v| {
            v.push_str(", ");
            v.push_str(&source_ip);
        })
        .or_insert_with(|| source_ip.clone());
    headers.insert("x-forwarded-port".into(), request.local_port.to_string());
    headers.insert("x-forwarded-proto".into(), "http".into());
    headers.insert("x-amzn-trace-id".into(), stamp.trace_id.clone());

    let domain_name = headers.get("host").cloned().unwrap_or_default();
    let host_only = domain_name
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(domain_name.as_str(), |(host, _)| host);
    let domain_prefix = host_only.split('.').next().unwrap_or_default().to_owned();
    let user_agent = headers.get("user-agent").cloned().unwrap_or_default();

    let content_type = headers.get("content-type").map(String::as_str);
    let encoded = headers.contains_key("content-encoding");
    let (body, is_base64_encoded) = encode_body(request.body, content_type, encoded);

    let query = query_parameters(request.raw_query);
    let path_parameters: BTreeMap<String, String> = route
        .path_parameters
        .iter()
        .map(|(k, v)| ((*k).to_owned(), percent_decode(v)))
        .collect();

    HttpApiEvent {
        version: "2.0",
        route_key: route.route_key.clone(),
        raw_path: request.raw_path.to_owned(),
        raw_query_string: request.raw_query.to_owned(),
        cookies: (!cookies.is_empty()).then_some(cookies),
        headers,
        query_string_parameters: (!query.is_empty()).then_some(query),
        request_context: RequestContext {
            account_id: gateway.account_id.clone(),
            api_id: gateway.api_id.clone(),
            authorizer: route.authorizer.clone(),
            domain_name,
            domain_prefix,
            http: HttpContext {
                method: request.method.to_ascii_uppercase(),
                path: percent_decode(request.raw_path),
                protocol: request.protocol.to_owned(),
                source_ip,
                user_agent,
            },
            request_id: stamp.request_id.clone(),
            route_key: route.route_key.clone(),
            stage: gateway.stage.clone(),
            time: clf_time(stamp.time_epoch_ms),
            time_epoch: stamp.time_epoch_ms,
        },
        body,
        path_parameters: (!path_parameters.is_empty()).then_some(path_parameters),
        is_base64_encoded,
    }
}

/// The request's headers as the event carries them: names lowercased, repeated headers joined
/// with `,`; `cookie` headers split into the event's `cookies` instead.
fn headers_and_cookies(raw: &[(String, Vec<u8>)]) -> (BTreeMap<String, String>, Vec<String>) {
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    let mut cookies: Vec<String> = Vec::new();
    for (name, value) in raw {
        let name = name.to_ascii_lowercase();
        let value = String::from_utf8_lossy(value);
        if name == "cookie" {
            cookies.extend(
                value
                    .split(';')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned),
            );
            continue;
        }
        headers
            .entry(name)
            .and_modify(|v| {
                v.push(',');
                v.push_str(&value);
            })
            .or_insert_with(|| value.into_owned());
    }
    (headers, cookies)
}

/// `queryStringParameters`: decoded, repeated names joined with `,`, in first-seen order of
/// names (the map sorts them; order carries no meaning in JSON objects).
pub fn query_parameters(raw: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode(name);
        let value = percent_decode(value);
        out.entry(name)
            .and_modify(|v| {
                v.push(',');
                v.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

/// Percent-decoding only (API Gateway leaves `+` alone); invalid UTF-8 is replaced.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Whether API Gateway passes a body of this content type as text (otherwise base64).
pub fn is_text_content_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    kind == "text"
        || (kind == "application"
            && (matches!(
                subtype,
                "json" | "javascript" | "ecmascript" | "xml" | "x-javascript"
            ) || subtype.ends_with("+json")
                || subtype.ends_with("+xml")))
}

fn encode_body(body: &[u8], content_type: Option<&str>, encoded: bool) -> (Option<String>, bool) {
    if body.is_empty() {
        return (None, false);
    }
    if !encoded
        && content_type.is_some_and(is_text_content_type)
        && let Ok(text) = std::str::from_utf8(body)
    {
        return (Some(text.to_owned()), false);
    }
    (
        Some(base64::engine::general_purpose::STANDARD.encode(body)),
        true,
    )
}

/// `12/Mar/2020:19:03:58 +0000` (the common log format API Gateway uses for `time`).
pub fn clf_time(epoch_ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = time::OffsetDateTime::from_unix_timestamp(epoch_ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:02}/{}/{}:{:02}:{:02}:{:02} +0000",
        t.day(),
        MONTHS[usize::from(u8::from(t.month())) - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types_are_recognised() {
        for t in [
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "text/csv",
            "application/problem+json",
            "application/atom+xml",
            "Application/JSON",
        ] {
            assert!(is_text_content_type(t), "{t}");
        }
        for t in [
            "application/octet-stream",
            "image/png",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "",
            "garbage",
        ] {
            assert!(!is_text_content_type(t), "{t}");
        }
    }

    #[test]
    fn query_values_are_decoded_and_joined() {
        let q = query_parameters("q=red%20apple&tag=a&tag=b&flag&plus=a+b&&=x");
        assert_eq!(q["q"], "red apple");
        assert_eq!(q["tag"], "a,b");
        assert_eq!(q["flag"], "");
        assert_eq!(q["plus"], "a+b");
        assert_eq!(q[""], "x");
    }

    #[test]
    fn clf_time_matches_api_gateway() {
        assert_eq!(clf_time(1_583_348_638_390), "04/Mar/2020:19:03:58 +0000");
        assert_eq!(clf_time(0), "01/Jan/1970:00:00:00 +0000");
    }
}
