//! The payload 2.0 translation against AWS's documented sample event.
//!
//! The sample (API Gateway developer guide, "Create AWS Lambda proxy integrations for HTTP
//! APIs", payload format 2.0) is rebuilt here from the HTTP request it describes and compared
//! field by field. Fields the sample carries that this stack cannot produce (authorizer,
//! client certificate, stage variables) are left out of the comparison; fields API Gateway adds
//! itself (`x-forwarded-*`, `x-amzn-trace-id`, `host`) are checked separately.

use std::net::{IpAddr, Ipv4Addr};

use serde_json::{Value, json};
use stackgen::dev::apigw::{
    GatewayIdentity, IncomingRequest, MatchedRoute, RequestStamp, build_event, translate,
};

/// AWS's sample event for payload format 2.0 (without authorizer, authentication and
/// stageVariables, which need features this stack does not use).
fn aws_sample() -> Value {
    json!({
      "version": "2.0",
      "routeKey": "$default",
      "rawPath": "/my/path",
      "rawQueryString": "parameter1=value1&parameter1=value2&parameter2=value",
      "cookies": ["cookie1", "cookie2"],
      "headers": {"header1": "value1", "header2": "value1,value2"},
      "queryStringParameters": {"parameter1": "value1,value2", "parameter2": "value"},
      "requestContext": {
        "accountId": "123456789012",
        "apiId": "api-id",
        "domainName": "id.execute-api.us-east-1.amazonaws.com",
        "domainPrefix": "id",
        "http": {
          "method": "POST",
          "path": "/my/path",
          "protocol": "HTTP/1.1",
          "sourceIp": "192.0.2.1",
          "userAgent": "agent"
        },
        "requestId": "id",
        "routeKey": "$default",
        "stage": "$default",
        "time": "04/Mar/2020:19:03:58 +0000",
        "timeEpoch": 1583348638390_i64
      },
      "body": "Hello from Lambda",
      "pathParameters": {"parameter1": "value1"},
      "isBase64Encoded": false
    })
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec()))
        .collect()
}

fn sample_event() -> Value {
    let request_headers = headers(&[
        ("Header1", "value1"),
        ("header2", "value1"),
        ("Cookie", "cookie1; cookie2"),
        ("header2", "value2"),
        ("Host", "id.execute-api.us-east-1.amazonaws.com"),
        ("User-Agent", "agent"),
        ("Content-Type", "text/plain"),
    ]);
    let event = build_event(
        &GatewayIdentity {
            account_id: "123456789012".into(),
            api_id: "api-id".into(),
            stage: "$default".into(),
        },
        &IncomingRequest {
            method: "POST",
            raw_path: "/my/path",
            raw_query: "parameter1=value1&parameter1=value2&parameter2=value",
            protocol: "HTTP/1.1",
            headers: &request_headers,
            body: b"Hello from Lambda",
            source_ip: IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
            local_port: 443,
        },
        &MatchedRoute {
            route_key: "$default".into(),
            path_parameters: vec![("parameter1", "value1")],
            authorizer: None,
        },
        &RequestStamp {
            request_id: "id".into(),
            time_epoch_ms: 1_583_348_638_390,
            trace_id: "Root=1-5e6a8a5e-0123456789abcdef01234567".into(),
        },
    );
    serde_json::to_value(&event).expect("the event serialises")
}

#[test]
fn event_matches_the_documented_sample() {
    let mut ours = sample_event();
    let sample = aws_sample();
    // Headers API Gateway adds on its own: checked here, then compared without them.
    let added = ours["headers"].as_object_mut().expect("headers");
    for (name, expected) in [
        ("x-forwarded-for", "192.0.2.1"),
        ("x-forwarded-port", "443"),
        ("x-forwarded-proto", "http"),
        (
            "x-amzn-trace-id",
            "Root=1-5e6a8a5e-0123456789abcdef01234567",
        ),
        ("host", "id.execute-api.us-east-1.amazonaws.com"),
        ("user-agent", "agent"),
        ("content-type", "text/plain"),
    ] {
        assert_eq!(added.remove(name), Some(Value::from(expected)), "{name}");
    }
    assert!(
        !added.contains_key("cookie"),
        "the Cookie header moves to `cookies`"
    );
    // Note: AWS's own sample says "12/Mar/2020" for a timeEpoch that is 4 March; `time` is
    // derived from timeEpoch here, so the sample above uses the consistent value.
    assert_eq!(ours, sample);
}

#[test]
fn event_deserialises_as_lambda_http_expects() {
    let event = sample_event();
    let parsed: aws_lambda_events::apigw::ApiGatewayV2httpRequest =
        serde_json::from_value(event).expect("aws_lambda_events reads it");
    assert_eq!(parsed.raw_path.as_deref(), Some("/my/path"));
    assert_eq!(parsed.request_context.http.method.as_str(), "POST");
    assert_eq!(
        parsed.cookies,
        Some(vec!["cookie1".to_owned(), "cookie2".to_owned()])
    );
    assert_eq!(
        parsed.path_parameters.get("parameter1").map(String::as_str),
        Some("value1")
    );
    assert_eq!(
        parsed.headers.get("header2").and_then(|v| v.to_str().ok()),
        Some("value1,value2")
    );
}

#[test]
fn named_stage_binary_body_and_absent_fields() {
    let request_headers = headers(&[
        ("host", "127.0.0.1:3000"),
        ("content-type", "application/octet-stream"),
    ]);
    let event = build_event(
        &GatewayIdentity {
            account_id: "123456789012".into(),
            api_id: "a1b2c3d4e5".into(),
            stage: "api".into(),
        },
        &IncomingRequest {
            method: "put",
            raw_path: "/api/cart/u%2D1",
            raw_query: "",
            protocol: "HTTP/1.1",
            headers: &request_headers,
            body: &[0, 159, 146, 150],
            source_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            local_port: 3000,
        },
        &MatchedRoute {
            route_key: "PUT /cart/{userId}".into(),
            path_parameters: vec![("userId", "u%2D1")],
            authorizer: None,
        },
        &RequestStamp {
            request_id: "r".into(),
            time_epoch_ms: 0,
            trace_id: "t".into(),
        },
    );
    let v = serde_json::to_value(&event).expect("serialises");
    assert_eq!(v["rawPath"], "/api/cart/u%2D1");
    assert_eq!(v["requestContext"]["http"]["path"], "/api/cart/u-1");
    assert_eq!(v["requestContext"]["http"]["method"], "PUT");
    assert_eq!(v["requestContext"]["stage"], "api");
    assert_eq!(v["requestContext"]["domainName"], "127.0.0.1:3000");
    assert_eq!(v["requestContext"]["domainPrefix"], "127");
    assert_eq!(v["pathParameters"]["userId"], "u-1");
    assert_eq!(v["isBase64Encoded"], true);
    assert_eq!(v["body"], "AJ+Slg==");
    assert_eq!(v["rawQueryString"], "");
    for absent in ["queryStringParameters", "cookies"] {
        assert!(v.get(absent).is_none(), "{absent} is left out when empty");
    }
}

#[test]
fn documented_response_inference() {
    // "If your function returns valid JSON and doesn't return a statusCode, API Gateway assumes
    // isBase64Encoded false, statusCode 200, content-type application/json, body = response."
    let reply = translate(br#"{"message":"Hello from Lambda!"}"#).expect("valid");
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.headers,
        vec![("content-type".to_owned(), "application/json".to_owned())]
    );
    assert_eq!(reply.body.as_ref(), br#"{"message":"Hello from Lambda!"}"#);
    // The documented structured response, with cookies becoming Set-Cookie headers.
    let reply = translate(
        br#"{"cookies":["cookie1","cookie2"],"isBase64Encoded":false,"statusCode":200,
            "headers":{"headername":"headervalue"},"body":"Hello from Lambda!"}"#,
    )
    .expect("valid");
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.headers,
        vec![
            ("headername".to_owned(), "headervalue".to_owned()),
            ("set-cookie".to_owned(), "cookie1".to_owned()),
            ("set-cookie".to_owned(), "cookie2".to_owned()),
        ]
    );
    assert_eq!(reply.body.as_ref(), b"Hello from Lambda!");
}
