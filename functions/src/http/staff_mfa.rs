//! Staff calls need a second factor where the environment says `staff.mfa: required`.
//!
//! The user pool lets anyone add an authenticator app (TOTP) and then asks for its code at every
//! sign-in ("TOTP software token MFA":
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html>).
//! Cognito's access token does not say whether a second factor was used, so a staff route asks
//! the pool: `AdminGetUser` lists the MFA a user has set up (`UserMFASettingList`,
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminGetUser.html>).
//! A staff member without `SOFTWARE_TOKEN_MFA` there gets 403 `MFA_REQUIRED`, which the back
//! office answers by offering the set-up. A yes is remembered for [`REMEMBER`] per function
//! instance, so a busy back office costs one lookup a minute per person; a no is not remembered,
//! so a staff member who just set up the app is let in at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserError;
use aws_types::SdkConfig;
use retail_spec::{STAFF_MFA_VAR, USER_POOL_ID_VAR};

use crate::config::{ConfigError, FunctionEnv};
use crate::error::{ApiError, ErrorCode};

/// How long a staff member found with an authenticator app is not looked up again.
pub const REMEMBER: Duration = Duration::from_secs(60);

/// The MFA type AdminGetUser lists for an authenticator app.
const TOTP: &str = "SOFTWARE_TOKEN_MFA";

/// The check, where the environment asks for it.
#[derive(Debug)]
pub struct StaffMfa {
    cognito: Client,
    user_pool_id: String,
    /// Staff (by `sub`) found with an authenticator app, and when.
    seen: Mutex<HashMap<String, Instant>>,
}

impl StaffMfa {
    /// `Some` when the function's environment says `STAFF_MFA=required`.
    pub fn from_env(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Option<Self>, ConfigError> {
        if env.get(STAFF_MFA_VAR) != Some("required") {
            return Ok(None);
        }
        Ok(Some(StaffMfa {
            cognito: Client::new(sdk),
            user_pool_id: env.required(USER_POOL_ID_VAR, "the user pool id")?,
            seen: Mutex::new(HashMap::new()),
        }))
    }

    /// `Ok` when the staff member `sub` has an authenticator app; else 403 `MFA_REQUIRED`.
    pub async fn verify(&self, sub: &str) -> Result<(), ApiError> {
        if self.remembered(sub) {
            return Ok(());
        }
        let user = self
            .cognito
            .admin_get_user()
            .user_pool_id(&self.user_pool_id)
            .username(sub)
            .send()
            .await;
        let has_totp = match user {
            Ok(user) => user.user_mfa_setting_list().iter().any(|m| m == TOTP),
            Err(e) => return Err(lookup_failed(&e)),
        };
        if !has_totp {
            return Err(ApiError::new(
                ErrorCode::MfaRequired,
                "Staff accounts need an authenticator app here: set one up in the back office \
                 (Two-step sign-in), then try again.",
            ));
        }
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(sub.to_owned(), Instant::now());
        }
        Ok(())
    }

    fn remembered(&self, sub: &str) -> bool {
        self.seen
            .lock()
            .ok()
            .and_then(|seen| seen.get(sub).copied())
            .is_some_and(|at| at.elapsed() < REMEMBER)
    }
}

/// A failed lookup: the account is gone (its token outlived it: sign in again), the pool is
/// throttling (503, the client may retry), or something else (500).
fn lookup_failed(
    e: &aws_sdk_cognitoidentityprovider::error::SdkError<AdminGetUserError>,
) -> ApiError {
    match e.as_service_error() {
        Some(AdminGetUserError::UserNotFoundException(_)) => ApiError::new(
            ErrorCode::Unauthorized,
            "This account no longer exists. Sign in again.",
        ),
        Some(AdminGetUserError::TooManyRequestsException(_)) => ApiError::new(
            ErrorCode::ServiceBusy,
            "The sign-in service is busy; try again in a moment.",
        ),
        _ => ApiError::internal(
            "checking the staff member's second factor in the user pool",
            aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(e),
        ),
    }
}
