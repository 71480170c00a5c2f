//! The smoke test's own customer: an account made for one run and deleted after it.
//!
//! Its address is on Amazon SES's mailbox simulator, so the email the order notifier sends when
//! the smoke order is cancelled is accepted and dropped, never bounced, even while the account
//! is in the SES sandbox ("you may only send to verified addresses … or to email addresses
//! associated with the Amazon SES mailbox simulator", and the simulator accepts a `+label`:
//! Amazon SES Developer Guide, "Using the mailbox simulator",
//! <https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html#send-email-simulator>).
//! It signs in as the storefront does (USER_PASSWORD_AUTH with the storefront's app client), with
//! a password made for this run and set by an administrator, so no email round trip is needed.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::admin_delete_user::AdminDeleteUserError;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;

use crate::aws::{AwsContext, AwsError};
use crate::deploy::staff::{self, StaffError};

/// The deployed user pool and the storefront's app client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPool {
    pub pool_id: String,
    pub client_id: String,
}

/// A signed-in smoke customer.
#[derive(Debug, Clone)]
pub struct SmokeCustomer {
    pub email: String,
    /// `Authorization` header value for the API.
    pub bearer: String,
}

/// The smoke customer's address for an environment: one per environment, on the SES mailbox
/// simulator's success address.
pub fn email_for(env: &str) -> String {
    format!("success+stackgen-smoke-{env}@simulator.amazonses.com")
}

/// A password for one run: long, random, and in every character class a pool may require.
fn one_time_password() -> String {
    format!("Smoke-{}-9z", uuid::Uuid::new_v4().simple())
}

/// Creates (or takes over, after an interrupted run) the smoke account and signs it in.
pub async fn sign_in(
    ctx: &AwsContext,
    pool: &UserPool,
    email: &str,
) -> Result<SmokeCustomer, StaffError> {
    let password = one_time_password();
    staff::ensure_account(ctx, &pool.pool_id, email, Some(&password)).await?;
    let out = Client::new(ctx.config())
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", &password)
        .send()
        .await
        .map_err(|e| ctx.fail("cognito-idp", "InitiateAuth", e))?;
    let token = out
        .authentication_result()
        .and_then(|r| r.access_token())
        .ok_or_else(|| {
            StaffError::Aws(AwsError::Other {
                service: "cognito-idp",
                operation: "InitiateAuth",
                detail: "no access token in the answer, a challenge instead (the smoke account \
                         has a permanent password and should meet none)"
                    .to_owned(),
            })
        })?;
    Ok(SmokeCustomer {
        email: email.to_owned(),
        bearer: format!("Bearer {token}"),
    })
}

/// Deletes the smoke account; `Ok(false)` when there was none.
pub async fn delete(ctx: &AwsContext, pool: &UserPool, email: &str) -> Result<bool, AwsError> {
    let result = Client::new(ctx.config())
        .admin_delete_user()
        .user_pool_id(&pool.pool_id)
        .username(email)
        .send()
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                e.as_service_error(),
                Some(AdminDeleteUserError::UserNotFoundException(_))
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(ctx.fail("cognito-idp", "AdminDeleteUser", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_the_simulators_and_names_the_environment() {
        assert_eq!(
            email_for("dev"),
            "success+stackgen-smoke-dev@simulator.amazonses.com"
        );
    }

    #[test]
    fn passwords_differ_and_cover_every_class() {
        let (a, b) = (one_time_password(), one_time_password());
        assert_ne!(a, b);
        assert!(a.len() >= 16);
        assert!(a.chars().any(|c| c.is_ascii_uppercase()));
        assert!(a.chars().any(|c| c.is_ascii_lowercase()));
        assert!(a.chars().any(|c| c.is_ascii_digit()));
        assert!(a.chars().any(|c| !c.is_ascii_alphanumeric()));
    }
}
