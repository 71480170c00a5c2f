//! Amazon Cognito user pools: `UserPool`, `UserPoolClient`, `UserPoolGroup`.
//!
//! Only the properties the store sets are modelled; enumerated values are Rust enums so a
//! misspelt flow or attribute does not compile. `UserPool` takes its tags as a map
//! (`UserPoolTags`), the others take none.

use serde::Serialize;

use crate::cfn::tags::Tags;
use crate::cfn::template::{Handle, resource};
use crate::cfn::value::Value;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPool {
    pub user_pool_name: Value,
    /// Users sign in with these instead of a separate user name.
    pub username_attributes: Vec<UsernameAttribute>,
    /// Cognito sends a code to these at sign-up and marks them verified on confirmation.
    pub auto_verified_attributes: Vec<UsernameAttribute>,
    pub username_configuration: UsernameConfiguration,
    pub policies: Policies,
    pub account_recovery_setting: AccountRecoverySetting,
    pub admin_create_user_config: AdminCreateUserConfig,
    pub mfa_configuration: MfaConfiguration,
    pub deletion_protection: Activation,
    pub user_pool_tier: UserPoolTier,
    #[serde(
        skip_serializing_if = "Tags::is_empty",
        serialize_with = "Tags::serialize_as_map"
    )]
    pub user_pool_tags: Tags,
}
resource!(UserPool, "AWS::Cognito::UserPool", tags = user_pool_tags);

impl Handle<UserPool> {
    /// `Ref`: the pool id (`us-east-1_AbC123`).
    pub fn pool_id(&self) -> Value {
        self.reference()
    }
    pub fn arn(&self) -> Value {
        self.attribute("Arn")
    }
    /// `https://cognito-idp.<region>.amazonaws.com/<poolId>`: the tokens' `iss`.
    pub fn provider_url(&self) -> Value {
        self.attribute("ProviderURL")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UsernameAttribute {
    Email,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsernameConfiguration {
    pub case_sensitive: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Policies {
    pub password_policy: PasswordPolicy,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_lowercase: bool,
    pub require_uppercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_validity_days: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRecoverySetting {
    pub recovery_mechanisms: Vec<RecoveryOption>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryOption {
    pub name: RecoveryMechanism,
    pub priority: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryMechanism {
    VerifiedEmail,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfig {
    /// False: customers sign themselves up.
    pub allow_admin_create_user_only: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MfaConfiguration {
    Off,
    Optional,
    On,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Activation {
    Active,
    Inactive,
}

/// The feature plan, which sets the price per monthly active user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum UserPoolTier {
    Lite,
    Essentials,
    Plus,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClient {
    pub user_pool_id: Value,
    pub client_name: Value,
    /// A public client (a browser page cannot keep a secret).
    pub generate_secret: bool,
    pub explicit_auth_flows: Vec<AuthFlow>,
    pub prevent_user_existence_errors: ExistenceErrors,
    pub enable_token_revocation: bool,
    pub access_token_validity: u32,
    pub id_token_validity: u32,
    pub refresh_token_validity: u32,
    pub token_validity_units: TokenValidityUnits,
    pub auth_session_validity: u32,
    pub read_attributes: Vec<&'static str>,
    pub write_attributes: Vec<&'static str>,
}
resource!(UserPoolClient, "AWS::Cognito::UserPoolClient");

impl Handle<UserPoolClient> {
    /// `Ref`: the client id (the tokens' `client_id`/`aud`).
    pub fn client_id(&self) -> Value {
        self.reference()
    }
}

/// `PreventUserExistenceErrors`: `Enabled` answers an unknown user like a wrong password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ExistenceErrors {
    Enabled,
    Legacy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthFlow {
    AllowUserPasswordAuth,
    AllowUserSrpAuth,
    AllowRefreshTokenAuth,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TokenValidityUnits {
    pub access_token: TimeUnit,
    pub id_token: TimeUnit,
    pub refresh_token: TimeUnit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Minutes,
    Hours,
    Days,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolGroup {
    pub user_pool_id: Value,
    pub group_name: String,
    pub description: String,
    pub precedence: u32,
}
resource!(UserPoolGroup, "AWS::Cognito::UserPoolGroup");
