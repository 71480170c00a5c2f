//! A function's result turned into the HTTP response API Gateway (payload 2.0) sends back.
//!
//! Two shapes are accepted, as in AWS: an object with `statusCode` (plus `headers`, `cookies`,
//! `body`, `isBase64Encoded`; each cookie becomes one `Set-Cookie`, `multiValueHeaders` is not
//! part of 2.0 and is ignored), or any other valid JSON, which API Gateway treats as the body of a
//! `200` with `content-type: application/json` (a JSON string is sent unquoted). Anything else
//! (not JSON, a bad status code, a non-string body, invalid base64, an unusable header) is a
//! malformed integration response, which the gateway answers with its own 502.

use base64::Engine as _;
use bytes::Bytes;
use serde_json::Value;

/// The HTTP response to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    pub status: u16,
    /// (name, value) pairs; names lower-case; `set-cookie` may repeat.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// Why a function's result cannot be used as a response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed Lambda proxy response: {0}")]
pub struct Malformed(pub String);

/// Headers API Gateway computes itself, whatever the function says.
const MANAGED_HEADERS: [&str; 4] = [
    "content-length",
    "transfer-encoding",
    "connection",
    "apigw-requestid",
];

/// Translates the function's response payload.
pub fn translate(payload: &[u8]) -> Result<HttpReply, Malformed> {
    let value: Value = serde_json::from_slice(payload).map_err(|e| {
        Malformed(format!(
            "the function returned something that is not JSON ({e})"
        ))
    })?;
    let Some(object) = value.as_object().filter(|o| o.contains_key("statusCode")) else {
        let body = match value {
            Value::String(s) => Bytes::from(s),
            _ => Bytes::copy_from_slice(payload),
        };
        return Ok(HttpReply {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body,
        });
    };

    let status = status(object)?;
    let mut headers = headers(object.get("headers"))?;
    headers.extend(cookies(object.get("cookies"))?);
    let body = body(object)?;
    Ok(HttpReply {
        status,
        headers,
        body,
    })
}

/// `statusCode`: an integer (or its text) between 100 and 599.
fn status(object: &serde_json::Map<String, Value>) -> Result<u16, Malformed> {
    match object.get("statusCode") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        _ => None,
    }
    .filter(|s| (100..=599).contains(s))
    .and_then(|s| u16::try_from(s).ok())
    .ok_or_else(|| {
        Malformed(format!(
            "statusCode must be an integer between 100 and 599, got {}",
            object["statusCode"]
        ))
    })
}

/// `headers`: names lowercased, values valid HTTP, the gateway's own headers left out.
fn headers(headers: Option<&Value>) -> Result<Vec<(String, String)>, Malformed> {
    let mut out = Vec::new();
    match headers {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, value) in map {
                let name = name.to_ascii_lowercase();
                let value = scalar_text(value).ok_or_else(|| {
                    Malformed(format!("header `{name}` must be a string, got {value}"))
                })?;
                if http::HeaderName::from_bytes(name.as_bytes()).is_err()
                    || http::HeaderValue::from_str(&value).is_err()
                {
                    return Err(Malformed(format!(
                        "header `{name}: {value}` is not valid HTTP"
                    )));
                }
                if !MANAGED_HEADERS.contains(&name.as_str()) {
                    out.push((name, value));
                }
            }
        }
        Some(other) => return Err(Malformed(format!("headers must be an object, got {other}"))),
    }
    Ok(out)
}

/// `cookies`: each a `set-cookie` header.
fn cookies(cookies: Option<&Value>) -> Result<Vec<(String, String)>, Malformed> {
    let mut out = Vec::new();
    match cookies {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let cookie = item
                    .as_str()
                    .ok_or_else(|| Malformed(format!("cookies must be strings, got {item}")))?;
                if http::HeaderValue::from_str(cookie).is_err() {
                    return Err(Malformed(format!(
                        "cookie `{cookie}` is not a valid header value"
                    )));
                }
                out.push(("set-cookie".into(), cookie.to_owned()));
            }
        }
        Some(other) => return Err(Malformed(format!("cookies must be an array, got {other}"))),
    }
    Ok(out)
}

/// `body`, base64-decoded when `isBase64Encoded` says so.
fn body(object: &serde_json::Map<String, Value>) -> Result<Bytes, Malformed> {
    let base64 = match object.get("isBase64Encoded") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(Malformed(format!(
                "isBase64Encoded must be a boolean, got {other}"
            )));
        }
    };
    match object.get("body") {
        None | Some(Value::Null) => Ok(Bytes::new()),
        Some(Value::String(s)) if base64 => base64::engine::general_purpose::STANDARD
            .decode(s)
            .map(Bytes::from)
            .map_err(|e| {
                Malformed(format!(
                    "isBase64Encoded is true but body is not base64 ({e})"
                ))
            }),
        Some(Value::String(s)) => Ok(Bytes::from(s.clone())),
        Some(other) => Err(Malformed(format!("body must be a string, got {other}"))),
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// API Gateway's own error responses (`{"message": …}`), the shape clients see when the
/// gateway, not the function, answers.
pub mod gateway_errors {
    use super::HttpReply;
    use bytes::Bytes;

    fn message(status: u16, message: &str) -> HttpReply {
        HttpReply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::from(format!(r#"{{"message":"{message}"}}"#)),
        }
    }

    /// No route matches the method and path.
    pub fn not_found() -> HttpReply {
        message(404, "Not Found")
    }

    /// The function failed: it crashed (its process exited; `stackgen dev` restarts it),
    /// failed to initialise, reported an error, timed out, or returned a malformed response.
    /// The client gets a 502 — the gateway's upstream failed, as API Gateway's Lambda proxy
    /// integrations report it — with API Gateway's own body, never the function's
    /// `{"error": …}` shape (the function did not answer).
    pub fn function_failed() -> HttpReply {
        message(502, "Internal Server Error")
    }

    /// The integration did not answer within the HTTP API's integration timeout (30 s max).
    pub fn integration_timeout() -> HttpReply {
        message(503, "Service Unavailable")
    }

    /// The request body is over the HTTP API's 10 MB payload limit, or the event over Lambda's
    /// 6 MB synchronous invocation limit.
    pub fn too_large() -> HttpReply {
        message(413, "Request Entity Too Large")
    }

    /// The JWT authorizer refused the token (missing, malformed, forged, expired, foreign):
    /// 401 with a `www-authenticate` challenge saying why.
    pub fn unauthorized(challenge: &str) -> HttpReply {
        let mut reply = message(401, "Unauthorized");
        reply
            .headers
            .push(("www-authenticate".into(), challenge.to_owned()));
        reply
    }

    /// The token is valid but has none of the route's scopes.
    pub fn forbidden(challenge: &str) -> HttpReply {
        let mut reply = message(403, "Forbidden");
        reply
            .headers
            .push(("www-authenticate".into(), challenge.to_owned()));
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_response_with_cookies_and_base64() {
        let reply = translate(
            br#"{"statusCode":201,"headers":{"Content-Type":"image/png","X-Count":3,"Content-Length":"99"},
                "cookies":["a=1; Path=/","b=2"],"body":"AAEC","isBase64Encoded":true,
                "multiValueHeaders":{"x-ignored":["1","2"]}}"#,
        )
        .expect("valid");
        assert_eq!(reply.status, 201);
        assert_eq!(
            reply.headers,
            vec![
                ("content-type".to_owned(), "image/png".to_owned()),
                ("x-count".to_owned(), "3".to_owned()),
                ("set-cookie".to_owned(), "a=1; Path=/".to_owned()),
                ("set-cookie".to_owned(), "b=2".to_owned()),
            ]
        );
        assert_eq!(reply.body.as_ref(), &[0u8, 1, 2]);
    }

    #[test]
    fn response_without_status_code_is_a_json_200() {
        let reply = translate(br#"{"message":"hi"}"#).expect("valid");
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body.as_ref(), br#"{"message":"hi"}"#);
        assert_eq!(reply.headers[0].1, "application/json");
        let reply = translate(br#""Hello from Lambda!""#).expect("valid");
        assert_eq!(reply.body.as_ref(), b"Hello from Lambda!");
        let reply = translate(b"[1,2]").expect("valid");
        assert_eq!(reply.body.as_ref(), b"[1,2]");
    }

    #[test]
    fn malformed_responses_are_refused() {
        for bad in [
            &b"not json"[..],
            br#"{"statusCode":"abc"}"#,
            br#"{"statusCode":700}"#,
            br#"{"statusCode":200,"body":{"a":1}}"#,
            br#"{"statusCode":200,"body":"!!","isBase64Encoded":true}"#,
            br#"{"statusCode":200,"headers":{"x":"a\nb"}}"#,
            br#"{"statusCode":200,"cookies":"a=1"}"#,
        ] {
            assert!(translate(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn empty_body_and_string_status() {
        let reply = translate(br#"{"statusCode":"204"}"#).expect("valid");
        assert_eq!(reply.status, 204);
        assert!(reply.body.is_empty());
        assert!(reply.headers.is_empty());
    }
}
