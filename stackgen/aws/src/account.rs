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

/// The account id inside an ARN (`arn:aws:cloudformation:eu-west-1:111122223333:stack/…`).
pub fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// The guard without a request: DescribeStacks only answers for the credentials' own account,
/// so the ARN of a stack it returned names that account. Used by deploy's no-op path, which
/// must stay within three requests and changes nothing.
pub fn verify_stack_account(
    environment: &str,
    expected: Option<&str>,
    stack_arn: &str,
) -> Result<(), AccountGuardError> {
    match (expected, account_of_arn(stack_arn)) {
        (Some(expected), Some(actual)) if expected != actual => Err(AccountGuardError::Mismatch {
            environment: environment.to_string(),
            expected: expected.to_string(),
            actual: actual.to_string(),
            arn: format!("the deployed stack {stack_arn} is there"),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str =
        "arn:aws:cloudformation:us-east-1:123456789012:stack/grocer-local/4f1b2c3d-0000-1111";

    #[test]
    fn the_account_is_read_from_a_stack_arn() {
        assert_eq!(account_of_arn(ARN), Some("123456789012"));
        assert_eq!(account_of_arn("not-an-arn"), None);
        assert_eq!(account_of_arn("arn:aws:s3:::bucket"), None);
    }

    #[test]
    fn a_stack_in_another_account_is_refused() {
        assert!(verify_stack_account("local", None, ARN).is_ok());
        assert!(verify_stack_account("local", Some("123456789012"), ARN).is_ok());
        let err = verify_stack_account("prod", Some("111122223333"), ARN)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("123456789012"), "{err}");
        assert!(err.contains("111122223333"), "{err}");
        assert!(err.contains("Nothing was changed"), "{err}");
    }
}
