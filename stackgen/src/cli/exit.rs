//! Exit codes, shared by every command and documented in `--help`.
//!
//! 0 success, 1 error, 2 "changes present" (`diff`, `review`, `cost-report --compare`;
//! Terraform's `-detailed-exitcode`; `drift`: drifted; `docs --check`: out of date), 3 guardrail violations, 64 invalid command line (EX_USAGE), 130
//! interrupted by Ctrl-C (128 + SIGINT, as shells report it).

use std::process::ExitCode;

/// A command's successful outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    /// `diff`/`review`: the templates differ; `drift`: drifted; `docs --check`: out of date.
    Changes,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        match e {
            Exit::Ok => ExitCode::SUCCESS,
            Exit::Changes => ExitCode::from(CHANGES),
        }
    }
}

pub const ERROR: u8 = 1;
pub const CHANGES: u8 = 2;
pub const GUARDRAILS: u8 = 3;
/// Invalid command line (sysexits' EX_USAGE); kept apart from 2, which `diff` uses for changes.
pub const USAGE: u8 = 64;
/// Interrupted by Ctrl-C (128 + SIGINT).
pub const INTERRUPTED: u8 = 130;

/// Ctrl-C while a command waited on CloudFormation. The stack operation is not cancelled (it
/// runs in AWS, not here); the message says how to pick it up again.
#[derive(Debug, thiserror::Error)]
#[error(
    "interrupted while {doing} stack `{stack}`. Whatever CloudFormation had already started \
     carries on; stackgen cancelled and rolled back nothing. Run `{rerun}` again: it waits for \
     the stack to settle and converges. `stackgen status --env {env}` shows where it is"
)]
pub struct Interrupted {
    pub doing: &'static str,
    pub stack: String,
    pub env: String,
    pub rerun: String,
}

/// The stack breaks guardrails; the report was printed already.
#[derive(Debug, thiserror::Error)]
#[error(
    "{count} guardrail violation{} in {envs}{note}. Each violation above names the resource, the rule and the fix",
    if *count == 1 { "" } else { "s" }
)]
pub struct GuardrailsFailed {
    pub count: usize,
    pub envs: String,
    /// Appended to the message (e.g. "; nothing was written").
    pub note: &'static str,
}

/// The exit code for an error.
pub fn code_of(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<GuardrailsFailed>().is_some() {
        GUARDRAILS
    } else if err.downcast_ref::<Interrupted>().is_some() {
        INTERRUPTED
    } else {
        ERROR
    }
}
