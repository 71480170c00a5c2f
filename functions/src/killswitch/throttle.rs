//! `throttle`: reserved concurrency 0 on every function of the stack but the kill switch, and
//! every queue event source mapping of the stack disabled.
//!
//! Reserved concurrency 0 makes Lambda refuse every invocation (API requests get 503s), so
//! spend stops at once and no data is lost. An enabled SQS mapping would keep receiving
//! messages for a function that cannot run, and after `maxReceiveCount` receives move valid
//! messages to the dead-letter queue; a disabled mapping stops polling, so messages wait in
//! their queue until `stackgen kill-switch reset` enables it again. The kill switch itself is
//! left alone: it must stay able to act (a later `destroy` from its schedule, or a repeated
//! notification) and it costs nothing while idle.

use aws_sdk_lambda::error::ProvideErrorMetadata;
use serde_json::json;
use stackgen_facts::generated::lambda::{
    EVENT_SOURCE_MAPPING_TYPE_NAME as MAPPING_TYPE, FUNCTION_TYPE_NAME as FUNCTION_TYPE,
};

use super::{KillSwitch, KillSwitchError, Outcome, describe, stack_resources};
use crate::killswitch::notification::Action;

/// What one pass changed, and what was already as the throttle wants it.
#[derive(Default)]
struct Pass {
    changed: Vec<String>,
    already: usize,
}

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
    let functions = throttle_functions(ks, functions).await?;
    let mappings = pause_mappings(ks).await?;
    let (throttled, already) = (functions.changed, functions.already);
    let paused = mappings.changed;
    if throttled.is_empty() && paused.is_empty() {
        return Ok(Outcome::AlreadyDone {
            action: Action::Throttle,
            detail: format!(
                "all {already} functions of {} are at reserved concurrency 0 and its {} queue mappings are disabled",
                ks.stack, mappings.already
            ),
        });
    }
    let summary = format!(
        "Kill switch: the budget's kill threshold was reached, so every function of stack {} is throttled to reserved concurrency 0 ({} now: {}{}) and its queue consumers are paused ({} mappings disabled). Requests are refused and queued messages wait in their queues; no data was lost. Undo with `stackgen kill-switch reset --env <env>` once spend is under control.",
        ks.stack,
        throttled.len(),
        throttled.join(", "),
        if already > 0 {
            format!("; {already} already were")
        } else {
            String::new()
        },
        paused.len(),
    );
    ks.report(
        &format!("Kill switch throttled {}", ks.stack),
        &summary,
        json!({"action": "throttle", "stack": ks.stack, "throttled": throttled, "already": already, "mappingsDisabled": paused}),
    )
    .await;
    Ok(Outcome::Throttled {
        functions: throttled,
        already,
        mappings_disabled: paused,
    })
}

/// Reserved concurrency 0 on every function but the kill switch itself.
async fn throttle_functions(
    ks: &KillSwitch,
    functions: Vec<String>,
) -> Result<Pass, KillSwitchError> {
    let mut pass = Pass::default();
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
            pass.already += 1;
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
        pass.changed.push(name);
    }
    Ok(pass)
}

/// Every event source mapping of the stack disabled (by UUID, the mapping's physical id).
async fn pause_mappings(ks: &KillSwitch) -> Result<Pass, KillSwitchError> {
    let mut pass = Pass::default();
    for uuid in stack_resources(ks, MAPPING_TYPE).await? {
        let enabled = match ks
            .lambda
            .get_event_source_mapping()
            .uuid(&uuid)
            .send()
            .await
        {
            Ok(m) => !matches!(m.state(), Some("Disabled" | "Disabling")),
            Err(e) if e.code() == Some("ResourceNotFoundException") => continue,
            Err(e) => {
                return Err(KillSwitchError::Function {
                    function: uuid.clone(),
                    call: "GetEventSourceMapping",
                    message: describe(&e),
                });
            }
        };
        if !enabled {
            pass.already += 1;
            continue;
        }
        ks.lambda
            .update_event_source_mapping()
            .uuid(&uuid)
            .enabled(false)
            .send()
            .await
            .map_err(|e| KillSwitchError::Function {
                function: uuid.clone(),
                call: "UpdateEventSourceMapping",
                message: describe(&e),
            })?;
        pass.changed.push(uuid);
    }
    Ok(pass)
}
