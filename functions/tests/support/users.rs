//! A user pool whose usernames are email addresses, as the stack's pool is, and users in it made
//! as `stackgen staff add` and `stackgen customers` make them (AdminCreateUser).

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, UsernameAttributeType};

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap_or_else(|e| panic!("attribute {name}: {e}"))
}

/// A new pool named `<prefix>-users`: its id.
pub async fn pool(cognito: &Client, prefix: &str) -> String {
    let pool = cognito
        .create_user_pool()
        .pool_name(format!("{prefix}-users"))
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .unwrap_or_else(|e| panic!("pool: {e:?}"));
    pool.user_pool()
        .and_then(|p| p.id())
        .unwrap_or_default()
        .to_owned()
}

/// A user of `pool` with `email`, marked verified or not (`email_verified`, as ConfirmSignUp
/// with the emailed code leaves it): its `sub`.
pub async fn user(cognito: &Client, pool: &str, email: &str, verified: bool) -> String {
    let user = cognito
        .admin_create_user()
        .user_pool_id(pool)
        .username(email)
        .user_attributes(attribute("email", email))
        .user_attributes(attribute("email_verified", &verified.to_string()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("user: {e:?}"));
    let sub = user
        .user()
        .map(|u| u.attributes())
        .unwrap_or_default()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .unwrap_or_default()
        .to_owned();
    assert!(!sub.is_empty(), "the user has a sub");
    sub
}
