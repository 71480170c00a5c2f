//! Lambda's Invoke API on `stackgen dev` (`dev::invoke`), called with the AWS SDK for Rust as
//! `aws lambda invoke --endpoint-url` would call it, against the echo function
//! (examples/dev_echo.rs): the result, each way of naming a function, a function error, a
//! timeout, the asynchronous and dry-run types, and the API's own errors in Lambda's shapes.
//!
//! No emulator is needed: the echo function makes no AWS call.

mod dev_support;

use std::time::Duration;

use aws_sdk_lambda::operation::invoke::InvokeError;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;
use dev_support::{BoxError, TestResult, echo_binary, echo_config, http, lambda_at};
use serde_json::{Value, json};
use stackgen::dev;
use stackgen::dev::invoke::InvokeListen;

const NO_EMULATOR: &str = "http://127.0.0.1:9";

fn json_of(out: &aws_sdk_lambda::operation::invoke::InvokeOutput) -> Value {
    out.payload()
        .and_then(|b| serde_json::from_slice(b.as_ref()).ok())
        .unwrap_or_default()
}

/// The service error's code (`ResourceNotFoundException`), or the whole error.
fn code(err: &aws_sdk_lambda::error::SdkError<InvokeError>) -> String {
    use aws_sdk_lambda::error::ProvideErrorMetadata;
    err.as_service_error()
        .and_then(|e| e.code())
        .map_or_else(|| format!("{err:?}"), str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn functions_are_invoked_through_lambdas_invoke_api() -> TestResult {
    let config = echo_config(&echo_binary()?, NO_EMULATOR, 1, Duration::from_secs(2), &[]);
    let arn = config.functions[0].arn.clone();
    let id = config.functions[0].id.clone();
    let dev = dev::start(config).await?;
    let result = exercise(&dev, &id, &arn).await;
    dev.stop().await;
    result
}

async fn exercise(dev: &dev::DevServer, id: &str, arn: &str) -> TestResult {
    let addr = dev.invoke_addr().ok_or("the Invoke API did not start")?;
    let lambda = lambda_at(addr).await;
    let name = arn.rsplit(':').next().unwrap_or_default();
    let partial = format!("123456789012:function:{name}");
    let payload = json!({"hello": "world"});
    for designation in [id, name, arn, partial.as_str(), &format!("{id}:$LATEST")] {
        let out = lambda
            .invoke()
            .function_name(designation)
            .payload(Blob::new(payload.to_string()))
            .send()
            .await?;
        assert_eq!(out.status_code(), 200, "{designation}");
        assert_eq!(out.function_error(), None, "{designation}");
        assert_eq!(out.executed_version(), Some("$LATEST"));
        let body = json_of(&out);
        let echoed: Value = serde_json::from_str(body["body"].as_str().unwrap_or("{}"))?;
        assert_eq!(echoed["event"]["hello"], "world", "{designation}: {body}");
    }

    // A function's own error, and a timeout, answer 200 with X-Amz-Function-Error.
    let failed = lambda
        .invoke()
        .function_name(id)
        .payload(Blob::new(r#"{"pathParameters":{"sku":"error"}}"#))
        .send()
        .await?;
    assert_eq!(failed.function_error(), Some("Unhandled"));
    let error = json_of(&failed);
    assert!(
        error["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("boom")),
        "{error}"
    );
    let slow = lambda
        .invoke()
        .function_name(id)
        .payload(Blob::new(
            r#"{"pathParameters":{"sku":"sleep"},"queryStringParameters":{"ms":"5000"}}"#,
        ))
        .send()
        .await?;
    assert_eq!(slow.function_error(), Some("Unhandled"));
    assert_eq!(json_of(&slow)["errorType"], "Sandbox.Timedout");

    // Event answers 202 at once, DryRun 204.
    let event = lambda
        .invoke()
        .function_name(id)
        .invocation_type(InvocationType::Event)
        .send()
        .await?;
    assert_eq!(event.status_code(), 202);
    let dry = lambda
        .invoke()
        .function_name(id)
        .invocation_type(InvocationType::DryRun)
        .send()
        .await?;
    assert_eq!(dry.status_code(), 204);
    refusals(&lambda, id, addr).await
}

/// The API's own errors, as the SDK reads them.
async fn refusals(
    lambda: &aws_sdk_lambda::Client,
    id: &str,
    addr: std::net::SocketAddr,
) -> TestResult {
    let unknown = lambda.invoke().function_name("no-such-fn").send().await;
    let err = unknown.err().ok_or("an unknown function was invoked")?;
    assert_eq!(code(&err), "ResourceNotFoundException");
    let qualified = lambda
        .invoke()
        .function_name(id)
        .qualifier("live")
        .send()
        .await;
    let err = qualified.err().ok_or("an alias was invoked")?;
    assert_eq!(code(&err), "ResourceNotFoundException");
    let not_json = lambda
        .invoke()
        .function_name(id)
        .payload(Blob::new("not json"))
        .send()
        .await;
    let err = not_json
        .err()
        .ok_or("a payload that is not JSON was taken")?;
    assert_eq!(code(&err), "InvalidRequestContentException");
    let big = format!("\"{}\"", "x".repeat(1024 * 1024 + 1));
    let too_big = lambda
        .invoke()
        .function_name(id)
        .invocation_type(InvocationType::Event)
        .payload(Blob::new(big))
        .send()
        .await;
    let err = too_big
        .err()
        .ok_or("an asynchronous payload over 1 MB was taken")?;
    assert_eq!(code(&err), "RequestTooLargeException");
    // Unsigned (what a web page could send): refused before anything runs.
    let path = format!("/2015-03-31/functions/{id}/invocations");
    let unsigned = http(addr, "POST", &path, &[], "{}").await?;
    assert_eq!(unsigned.status, 403, "{}", unsigned.text());
    assert_eq!(
        unsigned.header("x-amzn-errortype"),
        Some("MissingAuthenticationTokenException")
    );
    // Signed, but addressed to another name (a page whose name was re-pointed at 127.0.0.1,
    // DNS rebinding): refused.
    let rebound = raw_status(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: attacker.example:{}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
            addr.port()
        ),
    )
    .await?;
    assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
    assert!(rebound.contains("AccessDeniedException"), "{rebound}");
    let elsewhere = http(addr, "GET", "/api/catalog", &[], "").await?;
    assert_eq!(elsewhere.status, 404, "{}", elsewhere.text());
    Ok(())
}

/// Writes `request` as is and reads the whole response (the request says `Connection: close`).
async fn raw_status(addr: std::net::SocketAddr, request: &str) -> Result<String, BoxError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[tokio::test]
async fn the_invoke_port_is_optional_and_a_taken_one_is_named() -> Result<(), BoxError> {
    let mut config = echo_config(&echo_binary()?, NO_EMULATOR, 1, Duration::from_secs(2), &[]);
    config.invoke_listen = None;
    let dev = dev::start(config).await?;
    assert_eq!(dev.invoke_addr(), None);
    dev.stop().await;

    let taken = std::net::TcpListener::bind("127.0.0.1:0")?;
    let mut config = echo_config(&echo_binary()?, NO_EMULATOR, 1, Duration::from_secs(2), &[]);
    config.invoke_listen = Some(InvokeListen::exactly(taken.local_addr()?));
    let err = dev::start(config)
        .await
        .err()
        .ok_or("started on a taken port")?;
    let message = err.to_string();
    assert!(
        message.contains("Invoke API") && message.contains("--lambda-port"),
        "{message}"
    );

    // The default port taken: another one, not a failed start.
    let mut config = echo_config(&echo_binary()?, NO_EMULATOR, 1, Duration::from_secs(2), &[]);
    config.invoke_listen = Some(InvokeListen {
        addr: taken.local_addr()?,
        or_free_port: true,
    });
    let dev = dev::start(config).await?;
    let elsewhere = dev.invoke_addr();
    dev.stop().await;
    assert!(
        elsewhere.is_some_and(|a| a != taken.local_addr().unwrap_or(a) && a.port() != 0),
        "{elsewhere:?}"
    );
    Ok(())
}

/// `--lambda-port` equal to `--port` is named as the clash it is, before anything starts.
#[test]
fn the_invoke_port_and_the_storefront_port_cannot_be_one() -> Result<(), BoxError> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args([
            "dev",
            "--env",
            "local",
            "--port",
            "4012",
            "--lambda-port",
            "4012",
        ])
        .current_dir(dev_support::workspace())
        .env("AWS_ENDPOINT_URL", NO_EMULATOR)
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--lambda-port 4012 is also --port"),
        "{stderr}"
    );
    Ok(())
}

/// A failed `Event` invocation is attempted three times, after Lambda's waits (one and two
/// minutes, shortened here to 0.2 and 0.4 s), then dropped; each attempt is logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_event_invocation_is_retried_twice_then_dropped() -> TestResult {
    let dir = std::env::temp_dir().join(format!("stackgen-async-retries-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut config = echo_config(&echo_binary()?, NO_EMULATOR, 1, Duration::from_secs(2), &[]);
    config.logs.dir = Some(dir.clone());
    let id = config.functions[0].id.clone();
    let dev = dev::start(config).await?;
    let result = retried(&dev, &id, &dir).await;
    dev.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn retried(dev: &dev::DevServer, id: &str, dir: &std::path::Path) -> TestResult {
    let lambda = lambda_at(dev.invoke_addr().ok_or("no Invoke API")?).await;
    let failing = lambda
        .invoke()
        .function_name(id)
        .invocation_type(InvocationType::Event)
        .payload(Blob::new(r#"{"pathParameters":{"sku":"error"}}"#))
        .send()
        .await?;
    assert_eq!(failing.status_code(), 202);
    let attempts = || {
        std::fs::read_to_string(dir.join(format!("{id}.log")))
            .unwrap_or_default()
            .matches(r#""word":"error""#)
            .count()
    };
    let three = dev_support::eventually(Duration::from_secs(10), || async {
        (attempts() == 3).then_some(())
    })
    .await;
    assert!(three.is_some(), "attempts seen: {}", attempts());
    // No fourth: the event is dropped after the second retry.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(attempts(), 3);
    let said = std::fs::read_to_string(dir.join("lambda.log"))?;
    for line in [
        "attempt 1 of 3; retried in 0.2 s",
        "attempt 2 of 3; retried in 0.4 s",
        "attempt 3 of 3: the event is dropped",
    ] {
        assert!(said.contains(line), "{line}: {said}");
    }
    Ok(())
}
