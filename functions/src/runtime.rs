//! Starting a function: from process environment to the Lambda runtime loop.
//!
//! Each function's entry point ([`crate::entry`]) is one call here. Start-up is deliberately small (a current-thread
//! Tokio runtime, SDK clients whose TLS loads lazily, no credential chain), because it is paid
//! on every cold start; `make bench` measures it.

use crate::aws;
use crate::config::{ConfigError, FunctionEnv};
use crate::log;
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_types::SdkConfig;
use lambda_http::{Body, Request, Response};
use lambda_runtime::{LambdaEvent, service_fn};
use retail_spec::FunctionSpec;
use serde_json::json;
use std::convert::Infallible;
use std::future::Future;
use std::process::ExitCode;

/// What the Lambda runtime client needs from the environment (it panics without them).
const RUNTIME_VARS: [&str; 4] = [
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
];

/// How an app is built from its environment.
pub type Build<A> = fn(&SdkConfig, &FunctionEnv) -> Result<A, ConfigError>;

/// Runs an HTTP function until the runtime API goes away.
pub fn http<A, F, Fut>(function: &'static FunctionSpec, build: Build<A>, handle: F) -> ExitCode
where
    A: Send + Sync + 'static,
    F: Fn(&'static A, Request) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    block_on(function, async move {
        let app = init(function, build)?;
        lambda_http::run(service_fn(move |req: Request| {
            let reply = handle(app, req);
            async move { Ok::<_, Infallible>(reply.await) }
        }))
        .await
        .map_err(|e| e.to_string())
    })
}

/// Runs an SQS consumer until the runtime API goes away.
pub fn queue<A, F, Fut>(function: &'static FunctionSpec, build: Build<A>, handle: F) -> ExitCode
where
    A: Send + Sync + 'static,
    F: Fn(&'static A, SqsEvent) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = SqsBatchResponse> + Send + 'static,
{
    block_on(function, async move {
        let app = init(function, build)?;
        lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
            let reply = handle(app, event.payload);
            async move { Ok::<_, Infallible>(reply.await) }
        }))
        .await
        .map_err(|e| e.to_string())
    })
}

/// Runs a DynamoDB stream consumer until the runtime API goes away.
pub fn stream<A, F, Fut>(function: &'static FunctionSpec, build: Build<A>, handle: F) -> ExitCode
where
    A: Send + Sync + 'static,
    F: Fn(&'static A, crate::stream::StreamEvent) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = crate::stream::BatchResponse> + Send + 'static,
{
    block_on(function, async move {
        let app = init(function, build)?;
        lambda_runtime::run(service_fn(
            move |event: LambdaEvent<crate::stream::StreamEvent>| {
                let reply = handle(app, event.payload);
                async move { Ok::<_, Infallible>(reply.await) }
            },
        ))
        .await
        .map_err(|e| e.to_string())
    })
}

/// Runs a function on plain JSON events (EventBridge Scheduler's payload, an SNS notification)
/// until the runtime API goes away. An `Err` is logged and returned to Lambda, so the invocation
/// counts as an error (the Errors alarm) and the caller's retry policy applies.
pub fn events<A, F, Fut, T>(function: &'static FunctionSpec, build: Build<A>, handle: F) -> ExitCode
where
    A: Send + Sync + 'static,
    F: Fn(&'static A, serde_json::Value) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Result<T, String>> + Send + 'static,
    T: serde::Serialize,
{
    block_on(function, async move {
        let app = init(function, build)?;
        lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
            let run = handle(app, event.payload);
            async move {
                match run.await {
                    Ok(outcome) => Ok(json!(outcome)),
                    Err(error) => {
                        tracing::error!(function = function.id, error, "invocation failed");
                        Err(lambda_runtime::Error::from(error))
                    }
                }
            }
        }))
        .await
        .map_err(|e| e.to_string())
    })
}

/// Builds the app once for the lifetime of the process.
fn init<A: 'static>(
    function: &'static FunctionSpec,
    build: Build<A>,
) -> Result<&'static A, String> {
    let env = FunctionEnv::from_process(function);
    if let Some(missing) = RUNTIME_VARS.iter().find(|v| env.get(v).is_none()) {
        return Err(format!(
            "{missing} is not set: this binary is a Lambda function and must be started by the Lambda runtime (or `stackgen dev`, which sets the AWS_LAMBDA_* variables)"
        ));
    }
    let sdk = aws::sdk_config(&env).map_err(|e| e.to_string())?;
    let app = build(&sdk, &env).map_err(|e| e.to_string())?;
    // One app per process, alive until the sandbox is frozen for good.
    Ok(Box::leak(Box::new(app)))
}

fn block_on(
    function: &'static FunctionSpec,
    main: impl Future<Output = Result<(), String>>,
) -> ExitCode {
    log::init();
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
        .and_then(|rt| rt.block_on(main));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(function = function.id, error, "function stopped");
            ExitCode::FAILURE
        }
    }
}
