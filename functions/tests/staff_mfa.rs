//! Where the environment says `staff.mfa: required`, a staff member's calls are refused with 403
//! `MFA_REQUIRED` until they have set up an authenticator app, and let through after (the
//! function asks the user pool with the caller's token: `functions/src/http/staff_mfa.rs`); a
//! token revoked by signing out everywhere, as the back office does after the set-up, is refused
//! with 401 (at once by a function instance that has not served it within the last minute).
//! The whole set-up runs against Cognito on moto as the back office runs it: sign in, AssociateSoftwareToken,
//! VerifySoftwareToken with a wrong code and then the app's code, SetUserMFAPreference; after
//! that, signing in asks for the code (SOFTWARE_TOKEN_MFA) and a wrong one is refused.

mod support;
#[path = "support/totp.rs"]
mod totp;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, SoftwareTokenMfaSettingsType,
};
use retail_functions::cart::Cart;
use retail_functions::inventory::Inventory;
use retail_spec::{
    CART, GET_CART, GET_INVENTORY, INVENTORY, STAFF_GROUP, STAFF_MFA_VAR, USER_POOL_ID_VAR,
};
use support::api::{Reply, access_claims, call};
use support::{Stack, users};

const EMAIL: &str = "picker@example.com";
const PASSWORD: &str = "Staff-Picker-1";

fn ok<T, E: std::fmt::Debug>(what: &str) -> impl FnOnce(E) -> T + '_ {
    move |e| panic!("{what}: {e:?}")
}

/// A pool with an app client, and a staff member with a permanent password: (pool, client, sub).
async fn staff_member(cognito: &Client, prefix: &str) -> (String, String, String) {
    let pool = users::pool(cognito, prefix).await;
    let client = cognito
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("back-office")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap_or_else(ok("client"));
    let client = client
        .user_pool_client()
        .and_then(|c| c.client_id())
        .unwrap_or_default()
        .to_owned();
    let sub = users::user(cognito, &pool, EMAIL, true).await;
    cognito
        .admin_set_user_password()
        .user_pool_id(&pool)
        .username(EMAIL)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap_or_else(ok("password"));
    (pool, client, sub)
}

async fn sign_in(
    cognito: &Client,
    client: &str,
) -> aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput {
    cognito
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", EMAIL)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_or_else(ok("sign-in"))
}

/// What the back office does: the app's key, a wrong code refused, the right one accepted, and
/// the app made the sign-in's second step.
async fn set_up_authenticator(cognito: &Client, access_token: &str) -> String {
    let secret = cognito
        .associate_software_token()
        .access_token(access_token)
        .send()
        .await
        .unwrap_or_else(ok("associate"))
        .secret_code()
        .unwrap_or_default()
        .to_owned();
    assert!(!secret.is_empty(), "AssociateSoftwareToken gave no key");
    let wrong = cognito
        .verify_software_token()
        .access_token(access_token)
        .user_code("000000")
        .send()
        .await;
    assert!(wrong.is_err(), "a wrong code was accepted: {wrong:?}");
    cognito
        .verify_software_token()
        .access_token(access_token)
        .user_code(totp::code_now(&secret).await)
        .friendly_device_name("picker's phone")
        .send()
        .await
        .unwrap_or_else(ok("verify"));
    let totp = SoftwareTokenMfaSettingsType::builder()
        .enabled(true)
        .preferred_mfa(true)
        .build();
    cognito
        .set_user_mfa_preference()
        .access_token(access_token)
        .software_token_mfa_settings(totp)
        .send()
        .await
        .unwrap_or_else(ok("preference"));
    secret
}

#[tokio::test]
async fn staff_calls_need_an_authenticator_app_where_the_environment_requires_one() {
    let stack = Stack::new("staff-mfa").await;
    let cognito = Client::new(&stack.sdk);
    let (pool, client, sub) = staff_member(&cognito, &stack.prefix).await;
    let required = [(STAFF_MFA_VAR, "required")];
    let env = stack.env_with(&INVENTORY, &required);
    let inventory = Inventory::new(&stack.sdk, &env).unwrap_or_else(ok("inventory"));
    let first = sign_in(&cognito, &client).await;
    let access = first
        .authentication_result()
        .and_then(|r| r.access_token())
        .unwrap_or_default()
        .to_owned();
    // The call as the gateway hands it over: the authorizer's claims and the token it read.
    let as_staff = |token: &str| {
        call(&GET_INVENTORY)
            .claims(access_claims(&sub, &[STAFF_GROUP]))
            .header("authorization", &format!("Bearer {token}"))
            .build()
    };

    let refused = Reply::of(inventory.handle(as_staff(&access)).await);
    let message = refused.error(403, "MFA_REQUIRED")["message"].clone();
    assert!(
        message.to_string().contains("authenticator app"),
        "{message}"
    );

    // Without the setting, the same staff member is served on a password alone.
    let plain = stack.env_with(&INVENTORY, &[(USER_POOL_ID_VAR, pool.as_str())]);
    let open = Inventory::new(&stack.sdk, &plain).unwrap_or_else(ok("inventory"));
    assert_eq!(Reply::of(open.handle(as_staff(&access)).await).status, 200);
    // Customer routes never ask.
    let cart = Cart::new(&stack.sdk, &stack.env_with(&CART, &required)).unwrap_or_else(ok("cart"));
    assert_eq!(
        Reply::of(cart.handle(call(&GET_CART).build()).await).status,
        200
    );

    let secret = set_up_authenticator(&cognito, &access).await;
    let served = Reply::of(inventory.handle(as_staff(&access)).await);
    assert_eq!(served.status, 200, "{}", served.body);

    // Signing in now takes the app's code as a second step.
    let challenged = sign_in(&cognito, &client).await;
    assert_eq!(
        challenged.challenge_name(),
        Some(&ChallengeNameType::SoftwareTokenMfa)
    );
    let session = challenged.session().unwrap_or_default().to_owned();
    // The session's user answers, not another one named in the answer: Cognito signs in the
    // user the session began with.
    users::user(&cognito, &pool, "other@example.com", true).await;
    let as_other = cognito
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(&session)
        .challenge_responses("USERNAME", "other@example.com")
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp::code_now(&secret).await)
        .send()
        .await;
    assert!(
        as_other.is_err(),
        "another user was signed in: {as_other:?}"
    );
    let answer = |code: String, session: String| {
        cognito
            .respond_to_auth_challenge()
            .client_id(&client)
            .challenge_name(ChallengeNameType::SoftwareTokenMfa)
            .session(session)
            .challenge_responses("USERNAME", EMAIL)
            .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", code)
            .send()
    };
    assert!(
        answer("000000".into(), session.clone()).await.is_err(),
        "a wrong code signed in"
    );
    // A key handed out but never verified (a set-up begun again and abandoned) is not the
    // app's: its codes are refused. "Amazon Cognito disassociates an existing software token when
    // you verify the new token in a VerifySoftwareToken API request" (Cognito API Reference,
    // AssociateSoftwareToken:
    // <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html>).
    let abandoned = cognito
        .associate_software_token()
        .access_token(&access)
        .send()
        .await
        .unwrap_or_else(ok("associate again"))
        .secret_code()
        .unwrap_or_default()
        .to_owned();
    assert_ne!(abandoned, secret, "each set-up draws a new key");
    assert!(
        answer(totp::code_now(&abandoned).await, session.clone())
            .await
            .is_err(),
        "a code of an unverified key signed in"
    );
    let signed_in = answer(totp::code_now(&secret).await, session)
        .await
        .unwrap_or_else(ok("the app's code"));
    let second = signed_in
        .authentication_result()
        .and_then(|r| r.access_token())
        .unwrap_or_default()
        .to_owned();
    // The token of a sign-in with the app's code is served.
    let served = Reply::of(inventory.handle(as_staff(&second)).await);
    assert_eq!(served.status, 200, "{}", served.body);

    // The back office signs out everywhere once the app is set up: the token issued on the
    // password alone is refused (the pool no longer takes it), not when it expires: by a fresh
    // function instance at once, by one that served it within the minute before then.
    cognito
        .global_sign_out()
        .access_token(&access)
        .send()
        .await
        .unwrap_or_else(ok("sign out everywhere"));
    let fresh = Inventory::new(&stack.sdk, &env).unwrap_or_else(ok("inventory"));
    let revoked = Reply::of(fresh.handle(as_staff(&access)).await);
    let message = revoked.error(401, "UNAUTHORIZED")["message"].clone();
    assert!(message.to_string().contains("Sign in again"), "{message}");
    // A call with no token at all is refused too (the gateway always passes it).
    let bare = call(&GET_INVENTORY)
        .claims(access_claims(&sub, &[STAFF_GROUP]))
        .build();
    assert_eq!(Reply::of(fresh.handle(bare).await).status, 401);
}
