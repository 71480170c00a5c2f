//! A Lambda function for testing `stackgen dev`'s runtime API with the real `lambda_runtime`
//! client: it echoes what it received, or misbehaves on request.
//!
//! HTTP events (payload 2.0) dispatch on the `sku` path parameter (the tests call
//! `/api/catalog/<word>`): `crash` exits the process, `sleep` sleeps `?ms=`, `error` returns a
//! function error, `malformed` returns a response API Gateway must refuse, `raw` returns JSON
//! without `statusCode`, `binary` returns a base64 body; anything else echoes the event, the
//! invocation context, the process id and selected environment variables, with two cookies.
//! SQS events fail (partial batch response) the messages whose body contains `fail`.
//! With `ECHO_INIT=fail` in the environment the process exits before starting the runtime.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    if std::env::var("ECHO_INIT").as_deref() == Ok("fail") {
        eprintln!("dev_echo: failing init on purpose");
        std::process::exit(2);
    }
    lambda_runtime::run(service_fn(handle)).await
}

async fn handle(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let (payload, context) = event.into_parts();
    if let Some(records) = payload["Records"].as_array() {
        let failures: Vec<Value> = records
            .iter()
            .filter(|r| r["body"].as_str().is_some_and(|b| b.contains("fail")))
            .map(|r| json!({"itemIdentifier": r["messageId"]}))
            .collect();
        println!(
            "{}",
            json!({"msg": "batch", "records": records.len(), "failed": failures.len(), "requestId": context.request_id})
        );
        return Ok(json!({"batchItemFailures": failures}));
    }
    let word = payload["pathParameters"]["sku"]
        .as_str()
        .unwrap_or_default();
    println!(
        "{}",
        json!({"msg": "request", "route": payload["routeKey"], "word": word, "requestId": context.request_id})
    );
    match word {
        "crash" => std::process::exit(3),
        "sleep" => {
            let ms = payload["queryStringParameters"]["ms"]
                .as_str()
                .and_then(|m| m.parse().ok())
                .unwrap_or(100);
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            Ok(
                json!({"statusCode": 200, "body": json!({"slept": ms, "pid": std::process::id()}).to_string()}),
            )
        }
        "error" => Err("boom: the function failed on purpose".into()),
        "malformed" => Ok(json!({"statusCode": 999, "body": "nope"})),
        "raw" => Ok(json!({"hello": "world"})),
        "binary" => Ok(json!({
            "statusCode": 200,
            "headers": {"content-type": "image/png"},
            "body": "AAECAw==",
            "isBase64Encoded": true
        })),
        _ => {
            let env: serde_json::Map<String, Value> = std::env::vars()
                .filter(|(k, _)| {
                    k.starts_with("AWS_")
                        || k.starts_with("ECHO_")
                        || k.starts_with("LAMBDA_")
                        || k == "_HANDLER"
                })
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            let body = json!({
                "event": payload,
                "context": {
                    "requestId": context.request_id,
                    "deadlineMs": context.deadline,
                    "invokedFunctionArn": context.invoked_function_arn,
                    "traceId": context.xray_trace_id,
                },
                "pid": std::process::id(),
                "env": env,
            });
            Ok(json!({
                "statusCode": 201,
                "headers": {"content-type": "application/json", "x-echo": "yes"},
                "cookies": ["session=abc; Path=/; HttpOnly", "theme=dark"],
                "body": body.to_string(),
            }))
        }
    }
}
