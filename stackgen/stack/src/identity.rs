//! Identity: the environment's Cognito user pool, the storefront's app client and the `staff`
//! group.
//!
//! Customers sign themselves up with an email address and a password and confirm with the code
//! Cognito emails them; staff are added by `stackgen staff add` (into [`STAFF_GROUP`]). The app
//! client is public (a browser cannot keep a secret) and signs in with `USER_PASSWORD_AUTH` over
//! TLS, refreshing with the refresh token; its access tokens are what the API's JWT authorizer
//! accepts. In a data-retaining environment the pool is deletion-protected and retained.

use retail_spec::{FunctionSpec, PASSWORD_POLICY, STAFF_GROUP};

use super::Ctx;
use crate::env::{Environment, StaffMfa};
use crate::model::cognito::{
    AccessToken, AccountRecoverySetting, AdminCreateUserConfig,
    AttributesRequireVerificationBeforeUpdateItem, AutoVerifiedAttribute, DeletionProtection,
    ExplicitAuthFlow, IdToken, MfaConfiguration, PasswordPolicy, Policies,
    PreventUserExistenceErrors, RecoveryOption, RecoveryOptionName, RefreshToken,
    TokenValidityUnits, UserAttributeUpdateSettings, UserPool, UserPoolClient, UserPoolGroup,
    UserPoolTier, UsernameAttribute, UsernameConfiguration,
};
use crate::model::wafv2::WebACLAssociation;
use crate::model::{DeletionPolicy, Handle, Options};

pub(super) const USER_POOL: &str = "UserPool";
pub(super) const STOREFRONT_CLIENT: &str = "StorefrontClient";

/// Access and ID tokens live an hour; the page refreshes them with the refresh token, which
/// lives 30 days (a shopper stays signed in for a month of inactivity at most).
const TOKEN_MINUTES: i64 = 60;
const REFRESH_DAYS: i64 = 30;

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
        UserPool::new()
            .user_pool_name(ctx.names.physical("users"))
            .username_attributes([UsernameAttribute::Email.into()])
            .auto_verified_attributes([AutoVerifiedAttribute::Email.into()])
            // A new address is only taken once its owner enters the code Cognito mails to it:
            // until then the verified one stays (Amazon Cognito API Reference,
            // UserAttributeUpdateSettingsType, <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html>).
            // Without it a shopper could point the store's order emails at anyone's inbox.
            .user_attribute_update_settings(UserAttributeUpdateSettings::new([
                AttributesRequireVerificationBeforeUpdateItem::Email.into(),
            ]))
            .username_configuration(UsernameConfiguration::new().case_sensitive(false))
            .policies(
                Policies::new().password_policy(
                    PasswordPolicy::new()
                        .minimum_length(i64::from(PASSWORD_POLICY.min_length))
                        .require_lowercase(PASSWORD_POLICY.lowercase)
                        .require_uppercase(PASSWORD_POLICY.uppercase)
                        .require_numbers(PASSWORD_POLICY.digits)
                        .require_symbols(PASSWORD_POLICY.symbols)
                        .temporary_password_validity_days(7),
                ),
            )
            .account_recovery_setting(
                AccountRecoverySetting::new().recovery_mechanisms([RecoveryOption::new()
                    .name(RecoveryOptionName::VerifiedEmail)
                    .priority(1)]),
            )
            // Customers sign themselves up.
            .admin_create_user_config(
                AdminCreateUserConfig::new().allow_admin_create_user_only(false),
            )
            // Anyone may add an authenticator app (TOTP: in every feature plan, Lite included;
            // "TOTP software token MFA",
            // <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html>);
            // whoever has one is asked for its code at every sign-in. Staff must have one where
            // the environment says `staff.mfa: required`, which the functions check
            // (`staff_mfa_grants`): the pool cannot require it of staff and not of shoppers.
            .mfa_configuration(MfaConfiguration::Optional)
            .enabled_mfas(["SOFTWARE_TOKEN_MFA".into()])
            .deletion_protection(if retain {
                DeletionProtection::Active
            } else {
                DeletionProtection::Inactive
            })
            .user_pool_tier(UserPoolTier::Lite),
        options,
    );
    let client = ctx
        .template
        .add(STOREFRONT_CLIENT, storefront_client(ctx, &pool));
    ctx.template.add(
        "StaffGroup",
        UserPoolGroup::new(pool.pool_id())
            .group_name(STAFF_GROUP)
            .description(
                "Store staff: the back office (inventory, reports). Managed with `stackgen staff`.",
            )
            .precedence(0),
    );
    Identity { pool, client }
}

/// The storefront's and back office's app client.
fn storefront_client(ctx: &Ctx, pool: &Handle<UserPool>) -> UserPoolClient {
    UserPoolClient::new(pool.pool_id())
        .client_name(ctx.names.physical("storefront"))
        // A public client: a browser page cannot keep a secret.
        .generate_secret(false)
        .explicit_auth_flows([
            ExplicitAuthFlow::AllowUserPasswordAuth.into(),
            ExplicitAuthFlow::AllowRefreshTokenAuth.into(),
        ])
        // An unknown user is answered like a wrong password.
        .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled)
        .enable_token_revocation(true)
        .access_token_validity(TOKEN_MINUTES)
        .id_token_validity(TOKEN_MINUTES)
        .refresh_token_validity(REFRESH_DAYS)
        .token_validity_units(
            TokenValidityUnits::new()
                .access_token(AccessToken::Minutes)
                .id_token(IdToken::Minutes)
                .refresh_token(RefreshToken::Days),
        )
        .auth_session_validity(3)
        .read_attributes(["email".into(), "email_verified".into()])
        .write_attributes(["email".into()])
}

/// The user pool's web ACL (sign-in and sign-up rate limit per client IP), associated with the
/// pool. AWS WAF protects Cognito user pools with a regional web ACL in the pool's region
/// (<https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html>; that page
/// also says a new web ACL takes seconds to minutes to propagate, and an association made
/// before that fails with `WAFUnavailableEntityException`: the emulator does not model that
/// delay, and the ACL avoids the ATP managed group, which Cognito refuses).
const LOG4J_SKIP: &str = "The ACL fronts Amazon Cognito's own sign-in API, which runs no customer Java code; the Log4j rules (KnownBadInputs) guard the CDN's ACL in the global stack, where the store's API is.";

pub(super) fn protect(ctx: &mut Ctx, identity: &Identity) {
    let acl = ctx.template.add_with(
        "SignInWebAcl",
        super::waf::sign_in_acl(ctx.env, ctx.names.physical("sign-in")),
        Options::new().skip_checkov("CKV_AWS_192", LOG4J_SKIP),
    );
    let stack = ctx.names.stack().to_owned();
    super::waf::log_decisions(
        ctx.template,
        &acl,
        &super::waf::AclLogs {
            id: "SignInWebAcl",
            stack: &stack,
            short: "sign-in",
            physical: &ctx.names.physical("sign-in"),
            retention_days: ctx.env.log_retention_days,
        },
    );
    ctx.template.add(
        "SignInWebAclAssociation",
        WebACLAssociation::new(identity.pool.arn(), acl.arn()),
    );
}

/// Whether `spec` serves a staff route (the back office's calls).
fn serves_staff(spec: &FunctionSpec) -> bool {
    retail_spec::routes_of(spec).any(|r| r.caller == retail_spec::Caller::Staff)
}

/// The variable that turns the check on ([`retail_spec::STAFF_MFA_VAR`]). The check needs no
/// grant: it asks the pool with the caller's own access token (`GetUser`, which Cognito
/// authorises by the token, not by IAM).
pub(super) fn staff_mfa_variable(
    env: &Environment,
    spec: &FunctionSpec,
) -> Option<(&'static str, String)> {
    (env.staff.mfa == StaffMfa::Required && serves_staff(spec)).then(|| {
        (
            retail_spec::STAFF_MFA_VAR,
            StaffMfa::Required.as_str().to_owned(),
        )
    })
}
