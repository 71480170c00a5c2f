//! Identity: the environment's Cognito user pool, the storefront's app client and the `staff`
//! group.
//!
//! Customers sign themselves up with an email address and a password and confirm with the code
//! Cognito emails them; staff are added by `stackgen staff add` (into [`STAFF_GROUP`]). The app
//! client is public (a browser cannot keep a secret) and signs in with `USER_PASSWORD_AUTH` over
//! TLS, refreshing with the refresh token; its access tokens are what the API's JWT authorizer
//! accepts. In a data-retaining environment the pool is deletion-protected and retained.

use retail_spec::STAFF_GROUP;

use super::Ctx;
use crate::model::cognito::{
    AccountRecoverySetting, Activation, AdminCreateUserConfig, AuthFlow, ExistenceErrors,
    MfaConfiguration, PasswordPolicy, Policies, RecoveryMechanism, RecoveryOption, TimeUnit,
    TokenValidityUnits, UserPool, UserPoolClient, UserPoolGroup, UserPoolTier, UsernameAttribute,
    UsernameConfiguration,
};
use crate::model::{DeletionPolicy, Handle, Options, Tags};

pub(super) const USER_POOL: &str = "UserPool";
pub(super) const STOREFRONT_CLIENT: &str = "StorefrontClient";

/// Access and ID tokens live an hour; the page refreshes them with the refresh token, which
/// lives 30 days (a shopper stays signed in for a month of inactivity at most).
const TOKEN_MINUTES: u32 = 60;
const REFRESH_DAYS: u32 = 30;

pub(super) struct Identity {
    pub pool: Handle<UserPool>,
    pub client: Handle<UserPoolClient>,
}

pub(super) fn build(ctx: &mut Ctx) -> Identity {
    let retain = ctx.env.protection.retain_data;
    let options = if retain {
        Options::new().retain_data()
    } else {
        Options::new().data_policy(DeletionPolicy::Delete)
    };
    let pool = ctx.template.add_with(
        USER_POOL,
        UserPool {
            user_pool_name: ctx.names.physical("users").into(),
            username_attributes: vec![UsernameAttribute::Email],
            auto_verified_attributes: vec![UsernameAttribute::Email],
            username_configuration: UsernameConfiguration {
                case_sensitive: false,
            },
            policies: Policies {
                password_policy: PasswordPolicy {
                    minimum_length: 10,
                    require_lowercase: true,
                    require_uppercase: true,
                    require_numbers: true,
                    require_symbols: false,
                    temporary_password_validity_days: 7,
                },
            },
            account_recovery_setting: AccountRecoverySetting {
                recovery_mechanisms: vec![RecoveryOption {
                    name: RecoveryMechanism::VerifiedEmail,
                    priority: 1,
                }],
            },
            admin_create_user_config: AdminCreateUserConfig {
                allow_admin_create_user_only: false,
            },
            mfa_configuration: MfaConfiguration::Off,
            deletion_protection: if retain {
                Activation::Active
            } else {
                Activation::Inactive
            },
            user_pool_tier: UserPoolTier::Lite,
            user_pool_tags: Tags::new(),
        },
        options,
    );
    let client = ctx.template.add(
        STOREFRONT_CLIENT,
        UserPoolClient {
            user_pool_id: pool.pool_id(),
            client_name: ctx.names.physical("storefront").into(),
            generate_secret: false,
            explicit_auth_flows: vec![
                AuthFlow::AllowUserPasswordAuth,
                AuthFlow::AllowRefreshTokenAuth,
            ],
            prevent_user_existence_errors: ExistenceErrors::Enabled,
            enable_token_revocation: true,
            access_token_validity: TOKEN_MINUTES,
            id_token_validity: TOKEN_MINUTES,
            refresh_token_validity: REFRESH_DAYS,
            token_validity_units: TokenValidityUnits {
                access_token: TimeUnit::Minutes,
                id_token: TimeUnit::Minutes,
                refresh_token: TimeUnit::Days,
            },
            auth_session_validity: 3,
            read_attributes: vec!["email", "email_verified"],
            write_attributes: vec!["email"],
        },
    );
    ctx.template.add(
        "StaffGroup",
        UserPoolGroup {
            user_pool_id: pool.pool_id(),
            group_name: STAFF_GROUP.to_owned(),
            description:
                "Store staff: the back office (inventory, reports). Managed with `stackgen staff`."
                    .to_owned(),
            precedence: 0,
        },
    );
    Identity { pool, client }
}
