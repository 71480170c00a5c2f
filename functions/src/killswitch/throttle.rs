//! `throttle`: reserved concurrency 0 on every function of the stack but the kill switch.
//!
//! Reserved concurrency 0 makes Lambda refuse every invocation (API requests get 503s, queue
//! messages wait in their queues), so spend stops at once and no data is lost. The kill switch
//! itself is left alone: it must stay able to act (a later `destroy` from its schedule, or a
//! repeated notification) and it costs nothing while idle.

use aws_sdk_lambda::error::ProvideErrorMetadata;
use serde_json::json;

use super::{KillSwitch, KillSwitchError, Outcome, describe, stack_resources};
use crate::killswitch::notification::Action;

const FUNCTION_TYPE: &str = "AWS::Lambda::Function";

pub(crate) async fn run(ks: &KillSwitch) -> Result<Outcome, KillSwitchError> {
    let functions = match stack_resources(ks, FUNCTION_TYPE).await {
        Ok(f) => f,
        // A stack that is gone has no functions left to run up a bill.
        Err(KillSwitchError::Stack { message, .. }) if message.contains("does not exist") => {
            return Ok(Outcome::AlreadyDone {
                action: Action::Throttle,
                detail: format!("stack {} does not exist", ks.stack),
            });
        }
        Err(e) => return Err(e),
    };
    let mut throttled = Vec::new();
    let mut already = 0;
    for name in functions {
        if ks.own_name.as_deref() == Some(name.as_str()) {
            continue;
        }
        let current = match ks
            .lambda
            .get_function_concurrency()
            .function_name(&name)
            .send()
            .await
        {
            Ok(out) => out.reserved_concurrent_executions(),
            // Deleted meanwhile (a stack being deleted): nothing left to throttle.
            Err(e) if e.code() == Some("ResourceNotFoundException") => continue,
            Err(e) => {
                return Err(KillSwitchError::Function {
                    function: name.clone(),
                    call: "GetFunctionConcurrency",
                    message: describe(&e),
                });
            }
        };
        if current == Some(0) {
            already += 1;
            continue;
        }
        ks.lambda
            .put_function_concurrency()
            .function_name(&name)
            .reserved_concurrent_executions(0)
            .send()
            .await
            .map_err(|e| KillSwitchError::Function {
                function: name.clone(),
                call: "PutFunctionConcurrency",
                message: describe(&e),
            })?;
        throttled.push(name);
    }
    if throttled.is_empty() {
        return Ok(Outcome::AlreadyDone {
            action: Action::Throttle,
            detail: format!(
                "all {already} functions of {} are at reserved concurrency 0",
                ks.stack
            ),
        });
    }
    let summary = format!(
        "Kill switch: the budget's kill threshold was reached, so every function of stack {} is throttled to reserved concurrency 0 ({} now: {}{}). Requests are refused and queued messages wait; no data was lost. Undo with `stackgen kill-switch reset --env <env>` once spend is under control.",
        ks.stack,
        throttled.len(),
        throttled.join(", "),
        if already > 0 {
            format!("; {already} already were")
        } else {
            String::new()
        },
    );
    ks.report(
        &format!("Kill switch throttled {}", ks.stack),
        &summary,
        json!({"action": "throttle", "stack": ks.stack, "throttled": throttled, "already": already}),
    )
    .await;
    Ok(Outcome::Throttled {
        functions: throttled,
        already,
    })
}
