//! Accounts in the emulator's Cognito for the `stackgen dev` tests: a user pool shaped as the
//! stack declares it (email user names, the storefront client's flows, the staff group), and
//! real sign-ins returning the tokens moto's cognito-idp signs.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ExplicitAuthFlowsType, MessageActionType, UsernameAttributeType,
};
use stackgen::dev::UserPoolRef;

use super::{BoxError, Moto};

/// The tokens of one sign-in.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub id: String,
    pub refresh: String,
}

pub async fn client(moto: &Moto) -> Client {
    Client::new(&moto.sdk_config().await)
}

/// A pool with a public client allowing USER_PASSWORD_AUTH and the staff group.
pub async fn user_pool(moto: &Moto) -> Result<UserPoolRef, BoxError> {
    let c = client(moto).await;
    let pool = c
        .create_user_pool()
        .pool_name("dev-test-users")
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await?;
    let pool_id = pool
        .user_pool()
        .and_then(|p| p.id())
        .ok_or("no pool id")?
        .to_owned();
    let app = c
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("storefront")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await?;
    let client_id = app
        .user_pool_client()
        .and_then(|p| p.client_id())
        .ok_or("no client id")?
        .to_owned();
    c.create_group()
        .user_pool_id(&pool_id)
        .group_name(retail_spec::STAFF_GROUP)
        .send()
        .await?;
    Ok(UserPoolRef { pool_id, client_id })
}

/// Creates a confirmed user whose address is verified, as a sign-up confirmed with its emailed
/// code leaves it (in the staff group when `staff`), and signs them in.
pub async fn sign_in_new(
    moto: &Moto,
    pool: &UserPoolRef,
    email: &str,
    staff: bool,
) -> Result<Tokens, BoxError> {
    let c = client(moto).await;
    let password = "Test-Passw0rd-1";
    c.admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username(email)
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value(email)
                .build()?,
        )
        .user_attributes(
            AttributeType::builder()
                .name("email_verified")
                .value("true")
                .build()?,
        )
        .message_action(MessageActionType::Suppress)
        .send()
        .await?;
    c.admin_set_user_password()
        .user_pool_id(&pool.pool_id)
        .username(email)
        .password(password)
        .permanent(true)
        .send()
        .await?;
    if staff {
        c.admin_add_user_to_group()
            .user_pool_id(&pool.pool_id)
            .username(email)
            .group_name(retail_spec::STAFF_GROUP)
            .send()
            .await?;
    }
    sign_in(moto, pool, email, password).await
}

/// USER_PASSWORD_AUTH, as the storefront signs in.
pub async fn sign_in(
    moto: &Moto,
    pool: &UserPoolRef,
    email: &str,
    password: &str,
) -> Result<Tokens, BoxError> {
    let out = client(moto)
        .await
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password)
        .send()
        .await?;
    let r = out.authentication_result().ok_or("no tokens")?;
    Ok(Tokens {
        access: r.access_token().ok_or("no access token")?.to_owned(),
        id: r.id_token().ok_or("no id token")?.to_owned(),
        refresh: r.refresh_token().unwrap_or_default().to_owned(),
    })
}

/// `Authorization: Bearer <token>`.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}
