//! Staff calls need a second factor where the environment says `staff.mfa: required`.
//!
//! The user pool lets anyone add an authenticator app (TOTP) and then asks for its code at every
//! sign-in ("TOTP software token MFA":
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html>).
//! Cognito's access token does not say whether a second factor was used, so a staff route asks
//! the pool with the caller's own access token: `GetUser` lists the MFA the user has set up
//! (`UserMFASettingList`), and Cognito refuses a token that was revoked: "Amazon Cognito returns
//! an Access Token has been revoked error when your app attempts to authorize a user pools API
//! request with a revoked access token that contains the scope aws.cognito.signin.user.admin"
//! (API reference, GlobalSignOut:
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html>;
//! tokens from the pages' sign-in carry that scope, and every token route asks for it). The back
//! office signs a staff member out everywhere once their app is set up, so a token issued on the
//! password alone stops working for staff calls within [`REMEMBER`], not when it expires, as
//! does one of a staff member who signed out.
//! `GetUser` is authorised by the token itself ("Amazon Cognito doesn't evaluate IAM policies in
//! requests for this API operation"), so the function's role needs no Cognito permission.
//!
//! A staff member without `SOFTWARE_TOKEN_MFA` gets 403 `MFA_REQUIRED`, which the back office
//! answers by offering the set-up; a revoked token 401. A yes is remembered for [`REMEMBER`]
//! per token (with its `sub`) and function instance, so a busy back office costs one lookup a minute per
//! sign-in; a no is not remembered, so a staff member who just set up the app is let in at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::get_user::GetUserError;
use aws_types::SdkConfig;
use retail_spec::STAFF_MFA_VAR;

use crate::config::{ConfigError, FunctionEnv};
use crate::error::{ApiError, ErrorCode};

/// How long a token found with an authenticator app behind it is not looked up again.
pub const REMEMBER: Duration = Duration::from_secs(60);

/// The MFA type GetUser lists for an authenticator app.
const TOTP: &str = "SOFTWARE_TOKEN_MFA";

/// The check, where the environment asks for it.
#[derive(Debug)]
pub struct StaffMfa {
    cognito: Client,
    /// Access tokens found with an authenticator app behind them: whose (`sub`), and when.
    seen: Mutex<HashMap<String, (String, Instant)>>,
}

impl StaffMfa {
    /// `Some` when the function's environment says `STAFF_MFA=required`.
    pub fn from_env(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Option<Self>, ConfigError> {
        if env.get(STAFF_MFA_VAR) != Some("required") {
            return Ok(None);
        }
        Ok(Some(StaffMfa {
            cognito: Client::new(sdk),
            seen: Mutex::new(HashMap::new()),
        }))
    }

    /// `Ok` when the staff member `sub`, signed in with `access_token` (still valid in the pool),
    /// has an authenticator app; else 403 `MFA_REQUIRED`, or 401 for a token the pool no longer
    /// accepts.
    pub async fn verify(&self, access_token: Option<&str>, sub: &str) -> Result<(), ApiError> {
        let Some(token) = access_token else {
            return Err(sign_in_again("The request carries no access token."));
        };
        if self.remembered(token, sub) {
            return Ok(());
        }
        let user = self.cognito.get_user().access_token(token).send().await;
        let user = user.map_err(|e| lookup_failed(&e))?;
        // The pool signs in by email, so Cognito's username is the `sub`; the attribute is
        // looked at too (an app client's read attributes may leave it out of the answer).
        let own = user.username() == sub
            || user
                .user_attributes()
                .iter()
                .any(|a| a.name() == "sub" && a.value() == Some(sub));
        if !own {
            return Err(sign_in_again(
                "The access token belongs to another account.",
            ));
        }
        if !user.user_mfa_setting_list().iter().any(|m| m == TOTP) {
            return Err(ApiError::new(
                ErrorCode::MfaRequired,
                "Staff accounts need an authenticator app here: set one up in the back office \
                 (Two-step sign-in), then try again.",
            ));
        }
        if let Ok(mut seen) = self.seen.lock() {
            seen.retain(|_, (_, at)| at.elapsed() < REMEMBER);
            seen.insert(token.to_owned(), (sub.to_owned(), Instant::now()));
        }
        Ok(())
    }

    /// Whether `token` was found, for `sub`, with an app behind it within [`REMEMBER`].
    fn remembered(&self, token: &str, sub: &str) -> bool {
        self.seen.lock().ok().is_some_and(|seen| {
            seen.get(token)
                .is_some_and(|(owner, at)| owner == sub && at.elapsed() < REMEMBER)
        })
    }
}

fn sign_in_again(why: &str) -> ApiError {
    ApiError::new(ErrorCode::Unauthorized, format!("{why} Sign in again."))
}

/// A failed lookup: the token was revoked (signed out everywhere, as setting up the app does) or
/// expired, or its account is gone (401: sign in again); the pool is throttling, blocked by its
/// web ACL or failing (503, the client may retry); or something else (500).
fn lookup_failed(e: &aws_sdk_cognitoidentityprovider::error::SdkError<GetUserError>) -> ApiError {
    let busy = || {
        ApiError::new(
            ErrorCode::ServiceBusy,
            "The sign-in service is busy; try again in a moment.",
        )
    };
    match e.as_service_error() {
        Some(GetUserError::NotAuthorizedException(_)) => sign_in_again(
            "This sign-in has ended (it expired, or the account was signed out everywhere, as \
             setting up an authenticator app does).",
        ),
        Some(GetUserError::UserNotFoundException(_)) => {
            sign_in_again("This account no longer exists.")
        }
        Some(
            GetUserError::TooManyRequestsException(_)
            | GetUserError::ForbiddenException(_)
            | GetUserError::InternalErrorException(_),
        ) => busy(),
        _ => ApiError::internal(
            "checking the staff member's second factor in the user pool",
            aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(e),
        ),
    }
}
