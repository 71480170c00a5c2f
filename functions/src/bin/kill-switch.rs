//! The `kill-switch` Lambda function (see `retail_functions::killswitch`): not an HTTP or queue
//! function, so it runs the plain Lambda runtime loop on JSON payloads (SNS events from the
//! kill-switch topic, or the schedule's `{"action":"destroy","source":"schedule"}`).

use lambda_runtime::{LambdaEvent, service_fn};
use retail_functions::aws;
use retail_functions::config::FunctionEnv;
use retail_functions::killswitch::KillSwitch;
use retail_spec::KILL_SWITCH_FN;
use serde_json::{Value, json};
use std::process::ExitCode;

fn main() -> ExitCode {
    retail_functions::log::init();
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
        .and_then(|rt| rt.block_on(run()));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(function = KILL_SWITCH_FN.id, error, "function stopped");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let env = FunctionEnv::from_process(&KILL_SWITCH_FN);
    if env.get("AWS_LAMBDA_RUNTIME_API").is_none() {
        return Err("AWS_LAMBDA_RUNTIME_API is not set: this binary is a Lambda function and must be started by the Lambda runtime (or `stackgen dev`)".to_owned());
    }
    let sdk = aws::sdk_config(&env).map_err(|e| e.to_string())?;
    let app: &'static KillSwitch = Box::leak(Box::new(
        KillSwitch::new(&sdk, &env).map_err(|e| e.to_string())?,
    ));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        match app.handle(event.payload).await {
            Ok(outcome) => Ok(json!(outcome)),
            Err(e) => {
                // Logged, then returned as an error so Lambda counts it (the Errors metric
                // alarms) and SNS retries the delivery.
                tracing::error!(error = %e, "kill switch failed");
                Err(lambda_runtime::Error::from(e.to_string()))
            }
        }
    }))
    .await
    .map_err(|e| e.to_string())
}
