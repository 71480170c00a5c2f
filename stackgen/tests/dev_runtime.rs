//! `stackgen dev` end to end with a real `lambda_runtime` function (examples/dev_echo.rs):
//! the gateway's translation both ways, the runtime API, crashes, errors, timeouts, init
//! failures, the warm pool, the static site, and shutdown leaving no process behind.
//!
//! No emulator is needed: the echo function makes no AWS call.

mod dev_support;

use std::time::Duration;

use dev_support::{BoxError, TestResult, echo_binary, echo_config, http};
use stackgen::dev::{self, DevServer};

const NO_EMULATOR: &str = "http://127.0.0.1:9";

async fn server(
    pool: usize,
    timeout: Duration,
    env: &[(&str, &str)],
) -> Result<DevServer, BoxError> {
    let config = echo_config(&echo_binary()?, NO_EMULATOR, pool, timeout, env);
    Ok(dev::start(config).await?)
}

/// Writes `request` as is and reads the response (until its declared length, or EOF).
async fn raw_exchange(addr: std::net::SocketAddr, request: &str) -> Result<String, BoxError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
        let text = String::from_utf8_lossy(&out);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| body.len() >= n) {
                break;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn pid(reply: &dev_support::Reply) -> u64 {
    let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    body["pid"].as_u64().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_and_responses_cross_the_gateway_as_api_gateway_translates_them() -> TestResult {
    let dev = server(
        1,
        Duration::from_secs(10),
        &[("ECHO_MARK", "from-template")],
    )
    .await?;
    let addr = dev.local_addr();
    let reply = http(
        addr,
        "GET",
        "/api/catalog/hello?q=red%20apple&tag=a&tag=b",
        &[
            ("cookie", "session=s1; theme=light"),
            ("x-multi", "1"),
            ("x-multi", "2"),
            ("user-agent", "dev-test"),
        ],
        "",
    )
    .await?;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("x-echo"), Some("yes"));
    let cookies: Vec<&str> = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert_eq!(cookies, vec!["session=abc; Path=/; HttpOnly", "theme=dark"]);
    let apigw_id = reply
        .header("apigw-requestid")
        .unwrap_or_default()
        .to_owned();
    assert!(!apigw_id.is_empty());

    let body = reply.json();
    let event = &body["event"];
    assert_eq!(event["version"], "2.0");
    assert_eq!(event["routeKey"], "GET /catalog/{sku}");
    assert_eq!(event["rawPath"], "/api/catalog/hello");
    assert_eq!(event["rawQueryString"], "q=red%20apple&tag=a&tag=b");
    assert_eq!(event["queryStringParameters"]["q"], "red apple");
    assert_eq!(event["queryStringParameters"]["tag"], "a,b");
    assert_eq!(event["pathParameters"]["sku"], "hello");
    assert_eq!(
        event["cookies"],
        serde_json::json!(["session=s1", "theme=light"])
    );
    assert_eq!(event["headers"]["x-multi"], "1,2");
    assert!(event["headers"].get("cookie").is_none());
    assert_eq!(event["requestContext"]["requestId"], apigw_id.as_str());
    assert_eq!(event["requestContext"]["stage"], "api");
    assert_eq!(event["requestContext"]["routeKey"], "GET /catalog/{sku}");
    assert_eq!(event["requestContext"]["http"]["sourceIp"], "127.0.0.1");
    assert_eq!(event["requestContext"]["http"]["userAgent"], "dev-test");
    assert_eq!(event["isBase64Encoded"], false);
    assert!(event.get("body").is_none());

    // What the runtime API told lambda_runtime.
    let context = &body["context"];
    let request_id = context["requestId"].as_str().unwrap_or_default();
    assert!(uuid::Uuid::parse_str(request_id).is_ok(), "{request_id}");
    assert_eq!(
        context["invokedFunctionArn"],
        "arn:aws:lambda:us-east-1:123456789012:function:grocer-test-catalog"
    );
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as u64;
    assert!(context["deadlineMs"].as_u64().unwrap_or(0) > now_ms);
    assert!(
        context["traceId"]
            .as_str()
            .is_some_and(|t| t.starts_with("Root=1-")),
        "{context}"
    );
    assert_eq!(
        event["headers"]["x-amzn-trace-id"], context["traceId"],
        "the gateway's trace header is the function's trace id"
    );

    // The Lambda environment.
    let env = &body["env"];
    assert_eq!(env["AWS_LAMBDA_FUNCTION_NAME"], "grocer-test-catalog");
    assert_eq!(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256");
    assert_eq!(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST");
    assert_eq!(env["AWS_REGION"], "us-east-1");
    assert_eq!(env["AWS_ENDPOINT_URL"], NO_EMULATOR);
    assert_eq!(
        env["AWS_ACCESS_KEY_ID"], "testing-catalog",
        "a key id of its own"
    );
    assert_eq!(env["ECHO_MARK"], "from-template");
    assert!(
        env["AWS_LAMBDA_RUNTIME_API"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:"))
    );
    assert!(env.get("AWS_PROFILE").is_none());

    // Bodies (text and base64) on the customer and staff routes: tests/dev_auth.rs, which
    // signs in against the emulator's Cognito.
    dev.stop().await;
    Ok(())
}

/// Where the stack has a CDN, its HTTP functions get the CDN's origin secret and refuse requests
/// without it; the gateway stands in for the CDN and sends each function the value it was given,
/// in place of any the client sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_sends_the_origin_header_the_cdn_would() -> TestResult {
    use retail_spec::{ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_VAR};
    let dev = server(
        1,
        Duration::from_secs(10),
        &[(ORIGIN_VERIFY_VAR, "v-from-stack")],
    )
    .await?;
    let reply = http(
        dev.local_addr(),
        "GET",
        "/api/catalog/hello",
        &[(ORIGIN_VERIFY_HEADER, "forged-by-client")],
        "",
    )
    .await?;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(
        reply.json()["event"]["headers"][ORIGIN_VERIFY_HEADER],
        "v-from-stack"
    );
    dev.stop().await;

    // No variable (no CDN): nothing added, and the client's header passes as sent.
    let dev = server(1, Duration::from_secs(10), &[]).await?;
    let reply = http(dev.local_addr(), "GET", "/api/catalog/hello", &[], "").await?;
    assert!(
        reply.json()["event"]["headers"]
            .get(ORIGIN_VERIFY_HEADER)
            .is_none()
    );
    dev.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_answers_in_api_gateway_shapes() -> TestResult {
    let dev = server(1, Duration::from_secs(10), &[]).await?;
    let addr = dev.local_addr();
    for (method, path) in [
        ("GET", "/api/nope"),
        ("PATCH", "/api/catalog"),
        ("GET", "/api"),
        ("GET", "/api/catalog/"),
    ] {
        let reply = http(addr, method, path, &[], "").await?;
        assert_eq!(reply.status, 404, "{method} {path}");
        assert_eq!(reply.json(), serde_json::json!({"message": "Not Found"}));
        assert!(reply.header("apigw-requestid").is_some());
    }
    let reply = http(addr, "GET", "/api/catalog/raw", &[], "").await?;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.json(), serde_json::json!({"hello": "world"}));

    let reply = http(addr, "GET", "/api/catalog/binary", &[], "").await?;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("image/png"));
    assert_eq!(reply.body.as_ref(), &[0u8, 1, 2, 3]);

    for word in ["malformed", "error"] {
        let reply = http(addr, "GET", &format!("/api/catalog/{word}"), &[], "").await?;
        assert_eq!(reply.status, 502, "{word}");
        assert_eq!(
            reply.json(),
            serde_json::json!({"message": "Internal Server Error"})
        );
    }

    // Over the 10 MB payload limit: refused from the declared length, before the body is read.
    let raw = raw_exchange(
        addr,
        "POST /api/orders HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\ncontent-length: 10485761\r\n\r\n",
    )
    .await?;
    assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
    assert!(
        raw.ends_with(r#"{"message":"Request Entity Too Large"}"#),
        "{raw}"
    );
    dev.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_site_and_generated_config() -> TestResult {
    let dev = server(1, Duration::from_secs(10), &[]).await?;
    let addr = dev.local_addr();
    let index = http(addr, "GET", "/", &[], "").await?;
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        index.body,
        std::fs::read(dev_support::workspace().join("ui/index.html"))?
    );
    for (path, kind) in [
        ("/js/api.js", "text/javascript; charset=utf-8"),
        ("/css/app.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/admin.html", "text/html; charset=utf-8"),
    ] {
        let reply = http(addr, "GET", path, &[], "").await?;
        assert_eq!(
            (reply.status, reply.header("content-type")),
            (200, Some(kind)),
            "{path}"
        );
    }
    let config = http(addr, "GET", "/config.js", &[], "").await?;
    assert_eq!(config.status, 200);
    assert_eq!(
        config.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(config.header("cache-control"), Some("no-cache"));
    assert!(config.text().contains(
        r#"window.STACKGEN_CONFIG = {"apiBase":"/api","env":"test","stores":[{"id":"store-01","name":"Downtown"}],"photoMaxBytes":5242880};"#
    ), "{}", config.text());
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/js/%2E%2E/%2E%2E/Cargo.toml",
        "/missing.html",
    ] {
        let reply = http(addr, "GET", path, &[], "").await?;
        assert_eq!(reply.status, 404, "{path}");
    }
    let reply = http(addr, "POST", "/index.html", &[], "").await?;
    assert_eq!(reply.status, 405);
    dev.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_is_a_502_in_api_gateway_shape_and_the_worker_is_restarted() -> TestResult {
    let dev = server(1, Duration::from_secs(10), &[]).await?;
    let addr = dev.local_addr();
    let before = http(addr, "GET", "/api/catalog/hello", &[], "").await?;
    assert_eq!(before.status, 201);
    let crash = http(addr, "GET", "/api/catalog/crash", &[], "").await?;
    assert_eq!(crash.status, 502);
    assert_eq!(crash.header("content-type"), Some("application/json"));
    assert!(crash.header("apigw-requestid").is_some());
    assert_eq!(
        crash.json(),
        serde_json::json!({"message": "Internal Server Error"}),
        "API Gateway's body, not the functions' {{\"error\": …}} shape"
    );
    let after = http(addr, "GET", "/api/catalog/hello", &[], "").await?;
    assert_eq!(
        after.status,
        201,
        "the restarted worker serves: {}",
        after.text()
    );
    assert_ne!(pid(&before), pid(&after), "a new process");
    dev.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_error_is_a_502_and_the_worker_stays() -> TestResult {
    let dev = server(1, Duration::from_secs(10), &[]).await?;
    let addr = dev.local_addr();
    let before = http(addr, "GET", "/api/catalog/hello", &[], "").await?;
    let error = http(addr, "GET", "/api/catalog/error", &[], "").await?;
    assert_eq!(error.status, 502);
    let after = http(addr, "GET", "/api/catalog/hello", &[], "").await?;
    assert_eq!(
        pid(&before),
        pid(&after),
        "an error report does not replace the environment"
    );
    dev.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_is_a_502_and_the_worker_is_recycled() -> TestResult {
    let dev = server(1, Duration::from_secs(1), &[]).await?;
    let addr = dev.local_addr();
    let before = http(addr, "GET", "/api/catalog/hello", &[], "").await?;
    let slow = http(addr, "GET", "/api/catalog/sleep?ms=20000", &[], "").await?;
    assert_eq!(slow.status, 502, "{}", slow.text());
    let after = http(addr, "GET", "/api/catalog/hello", &[], "").await?;
    assert_eq!(after.status, 201);
    assert_ne!(
        pid(&before),
        pid(&after),
        "the timed-out process was killed and replaced"
    );
    dev.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_integration_timeout_the_gateway_answers_503() -> TestResult {
    let mut config = echo_config(
        &echo_binary()?,
        NO_EMULATOR,
        1,
        Duration::from_secs(20),
        &[],
    );
    config.integration_timeout = Duration::from_millis(500);
    let dev = dev::start(config).await?;
    let reply = http(
        dev.local_addr(),
        "GET",
        "/api/catalog/sleep?ms=1500",
        &[],
        "",
    )
    .await?;
    assert_eq!(reply.status, 503);
    assert_eq!(
        reply.json(),
        serde_json::json!({"message": "Service Unavailable"})
    );
    dev.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_init_failure_is_a_502() -> TestResult {
    let dev = server(1, Duration::from_secs(10), &[("ECHO_INIT", "fail")]).await?;
    let reply = http(dev.local_addr(), "GET", "/api/catalog/hello", &[], "").await?;
    assert_eq!(reply.status, 502);
    assert_eq!(
        reply.json(),
        serde_json::json!({"message": "Internal Server Error"})
    );
    dev.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_warm_pool_serves_requests_concurrently() -> TestResult {
    let dev = server(2, Duration::from_secs(10), &[]).await?;
    let addr = dev.local_addr();
    // While one environment sleeps, the other takes the second request.
    let (a, b) = tokio::join!(
        http(addr, "GET", "/api/catalog/sleep?ms=400", &[], ""),
        http(addr, "GET", "/api/catalog/sleep?ms=400", &[], ""),
    );
    let (a, b) = (a?, b?);
    assert_eq!((a.status, b.status), (200, 200));
    assert!(pid(&a) > 0 && pid(&b) > 0);
    assert_ne!(pid(&a), pid(&b), "two environments served the two requests");
    // More requests than environments queue and are all served.
    let replies = futures_join_all(addr, 6).await?;
    assert!(replies.iter().all(|r| r.status == 200));
    dev.stop().await;
    Ok(())
}

async fn futures_join_all(
    addr: std::net::SocketAddr,
    n: usize,
) -> Result<Vec<dev_support::Reply>, BoxError> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        tasks.spawn(async move { http(addr, "GET", "/api/catalog/sleep?ms=100", &[], "").await });
    }
    let mut out = Vec::new();
    while let Some(r) = tasks.join_next().await {
        out.push(r?.map_err(|e| e.to_string())?);
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_kills_every_worker() -> TestResult {
    // Other tests in this binary run workers too: this test's carry a marker in their environment.
    let token = uuid::Uuid::new_v4().to_string();
    let marker = format!("ECHO_STOP_TEST={token}");
    let dev = server(2, Duration::from_secs(10), &[("ECHO_STOP_TEST", &token)]).await?;
    let reply = http(dev.local_addr(), "GET", "/api/catalog/hello", &[], "").await?;
    let worker = pid(&reply);
    assert!(worker > 0);
    let children = || -> Vec<String> {
        std::fs::read_dir("/proc")
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| {
                        let marked = std::fs::read(e.path().join("environ")).is_ok_and(|env| {
                            env.split(|b| *b == 0).any(|var| var == marker.as_bytes())
                        });
                        let alive = std::fs::read_to_string(e.path().join("stat"))
                            .is_ok_and(|stat| !stat.contains(") Z "));
                        marked && alive
                    })
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        children().len(),
        2 * retail_spec::FUNCTIONS.len(),
        "{:?}",
        children()
    );
    dev.stop().await;
    assert!(children().is_empty(), "left behind: {:?}", children());
    assert!(!std::path::Path::new(&format!("/proc/{worker}")).exists());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_runtime_never_gets_an_eventless_next_on_shutdown() -> TestResult {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dev = server(1, Duration::from_secs(10), &[]).await?;
    let reply = http(dev.local_addr(), "GET", "/api/catalog/hello", &[], "").await?;
    let runtime_api = reply.json()["env"]["AWS_LAMBDA_RUNTIME_API"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(runtime_api.starts_with("127.0.0.1:"), "{}", reply.text());

    // A second runtime of the same environment long-polls for the next event, as the worker's
    // lambda_runtime does; then stackgen dev stops.
    let mut stream = tokio::net::TcpStream::connect(&runtime_api).await?;
    stream
        .write_all(b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nhost: runtime\r\n\r\n")
        .await?;
    let reader = tokio::spawn(async move {
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out).await;
        out
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    dev.stop().await;
    let answered = tokio::time::timeout(Duration::from_secs(10), reader).await??;
    // lambda_runtime panics on a /next response without Lambda-Runtime-Aws-Request-Id: the
    // request is held until the connection closes, never answered with an error.
    assert!(
        answered.is_empty(),
        "/next was answered: {}",
        String::from_utf8_lossy(&answered)
    );
    Ok(())
}
