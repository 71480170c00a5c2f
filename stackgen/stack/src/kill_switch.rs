//! The kill-switch function in an environment: whether the stack has it, what it may do and
//! what it is told.
//!
//! `retail_spec::KILL_SWITCH_FN` declares it like every other function; what differs per
//! environment is decided here, and read both by `functions/` (which builds every function's
//! role and variables) and by `finops.rs` (which builds what invokes it and its stack-wide
//! grants): it exists only with `kill_switch.enabled`, an environment that only throttles does
//! not give it what destroying needs, and it is told the action and the budget it watches.

use retail_spec::{BUDGET_NAME_VAR, FunctionSpec, KILL_ACTION_VAR, KILL_SWITCH_TOPIC, Trigger};

use super::Ctx;
use crate::env::Environment;

/// The budget's name (`<project>-<env>-monthly`), which the kill switch checks notifications
/// against.
pub(super) fn budget_name(ctx: &Ctx) -> String {
    ctx.names.physical("monthly")
}

pub(super) fn is_kill_switch(spec: &FunctionSpec) -> bool {
    matches!(spec.trigger, Trigger::Topic { topic } if topic.id == KILL_SWITCH_TOPIC.id)
}

/// Whether the stack has `spec`: the kill switch only when the environment enables it.
pub(super) fn renders(env: &Environment, spec: &FunctionSpec) -> bool {
    !is_kill_switch(spec) || env.kill_switch.enabled
}

/// The grants `spec` gets in `env`: its spec's, except that a kill switch whose environment
/// throttles gets none of what only destroying needs (DeleteStack, emptying buckets), so an
/// invocation cannot make it destroy whatever its payload says.
pub(super) fn granted(env: &Environment, spec: &FunctionSpec) -> Vec<retail_spec::Access> {
    use retail_spec::Access;
    let throttle_only =
        is_kill_switch(spec) && env.kill_switch.action == crate::env::KillAction::Throttle;
    spec.access
        .iter()
        .copied()
        .filter(|a| {
            !(throttle_only && matches!(a, Access::OwnStackDelete | Access::StackBucketsEmpty))
        })
        .collect()
}

/// Environment variables of `spec` that come from the environment file rather than a grant.
pub(super) fn variables(ctx: &Ctx, spec: &FunctionSpec) -> Vec<(&'static str, String)> {
    if !is_kill_switch(spec) {
        return Vec::new();
    }
    vec![
        (
            KILL_ACTION_VAR,
            ctx.env.kill_switch.action.as_str().to_owned(),
        ),
        (BUDGET_NAME_VAR, budget_name(ctx)),
    ]
}
