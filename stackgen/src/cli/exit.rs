//! Exit codes, shared by every command and documented in `--help`.
//!
//! 0 success, 1 error, 2 "changes present" (`diff`, `cost-report --compare`; Terraform's
//! `-detailed-exitcode`), 3 guardrail violations, 64 invalid command line (EX_USAGE).

use std::process::ExitCode;

/// A command's successful outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    /// `diff`: the templates differ.
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
    } else {
        ERROR
    }
}
