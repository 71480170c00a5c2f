//! The process exit status of `stackgen diff`, as Terraform's `-detailed-exitcode` defines it.
//!
//! CI scripts branch on it: 0 = nothing to deploy, 2 = changes to review, 1 = the diff itself
//! failed. Keeping the mapping here means every caller agrees on it.

use std::process::ExitCode;

use super::model::TemplateDiff;

/// The outcome of a diff as an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiffExit {
    /// Exit 0: the templates (and parameter values) are the same.
    NoChanges,
    /// Exit 1: the diff could not be computed.
    Error,
    /// Exit 2: there are changes.
    Changes,
}

impl DiffExit {
    /// The numeric status.
    pub fn code(self) -> u8 {
        match self {
            DiffExit::NoChanges => 0,
            DiffExit::Error => 1,
            DiffExit::Changes => 2,
        }
    }

    /// The status for the result of computing a diff.
    pub fn of<E>(result: &Result<TemplateDiff, E>) -> Self {
        match result {
            Ok(diff) => diff.exit(),
            Err(_) => DiffExit::Error,
        }
    }
}

impl From<DiffExit> for ExitCode {
    fn from(exit: DiffExit) -> Self {
        ExitCode::from(exit.code())
    }
}

impl TemplateDiff {
    /// 0 when nothing changes, 2 otherwise.
    pub fn exit(&self) -> DiffExit {
        if self.has_changes() {
            DiffExit::Changes
        } else {
            DiffExit::NoChanges
        }
    }
}
