//! The account guard: an environment that names an account is only ever changed in that account.
//!
//! Deploying dev's template into prod's account because a shell had the wrong profile is the
//! classic costly mistake. STS `GetCallerIdentity` needs no permissions, so the check is free and
//! runs before anything is created, uploaded or deleted.

use super::context::AwsContext;
use super::error::AwsError;

/// Who the credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
}

/// Why the guard stopped a command.
#[derive(Debug, thiserror::Error)]
pub enum AccountGuardError {
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error(
        "the credentials in use belong to AWS account {actual} ({arn}), but environment \
         `{environment}` names account {expected} (`account:` in its file). Nothing was changed. \
         Switch credentials (`--profile NAME` or AWS_PROFILE) to account {expected}, or correct \
         `account:` in the environment file."
    )]
    Mismatch {
        environment: String,
        expected: String,
        actual: String,
        arn: String,
    },
}

/// Asks STS who we are and, when `expected` is set, refuses any other account.
pub async fn verify_account(
    ctx: &AwsContext,
    environment: &str,
    expected: Option<&str>,
) -> Result<CallerIdentity, AccountGuardError> {
    let out = ctx
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| ctx.fail("sts", "GetCallerIdentity", e))?;
    let identity = CallerIdentity {
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
    };
    match expected {
        Some(expected) if expected != identity.account => Err(AccountGuardError::Mismatch {
            environment: environment.to_string(),
            expected: expected.to_string(),
            actual: identity.account,
            arn: identity.arn,
        }),
        _ => Ok(identity),
    }
}
