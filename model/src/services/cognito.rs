//! Amazon Cognito user pools: `UserPool`, `UserPoolClient`, `UserPoolGroup`, generated from
//! AWS's schemas (enumerated values are the schema's enums, so a misspelt flow or attribute
//! does not compile). `UserPool` takes its tags as a map (`UserPoolTags`), the others none.

use crate::cfn::{Arn, Attr, Handle, Id};

pub use crate::generated::cognito::user_pool::{
    AccountRecoverySetting, AdminCreateUserConfig, AttributesRequireVerificationBeforeUpdateItem,
    AutoVerifiedAttribute, DeletionProtection, MfaConfiguration, PasswordPolicy, Policies,
    RecoveryOption, RecoveryOptionName, UserAttributeUpdateSettings, UserPool, UserPoolTier,
    UsernameAttribute, UsernameConfiguration,
};
pub use crate::generated::cognito::user_pool_client::{
    AccessToken, ExplicitAuthFlow, IdToken, PreventUserExistenceErrors, RefreshToken,
    TokenValidityUnits, UserPoolClient,
};
pub use crate::generated::cognito::user_pool_group::UserPoolGroup;

impl Handle<UserPool> {
    /// `Ref`: the pool id (`us-east-1_AbC123`).
    pub fn pool_id(&self) -> Id<UserPool> {
        self.reference_as()
    }
    /// `Fn::GetAtt Arn`.
    pub fn arn(&self) -> Arn<UserPool> {
        self.attr_arn()
    }
    /// `https://cognito-idp.<region>.amazonaws.com/<poolId>`: the tokens' `iss`.
    pub fn provider_url(
        &self,
    ) -> Attr<UserPool, crate::generated::cognito::user_pool::attribute::ProviderURL> {
        self.attr_provider_url()
    }
}

impl Handle<UserPoolClient> {
    /// `Ref`: the client id (the tokens' `client_id`/`aud`).
    pub fn client_id(&self) -> Id<UserPoolClient> {
        self.reference_as()
    }
}
