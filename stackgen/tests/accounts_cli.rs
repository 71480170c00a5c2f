//! `stackgen staff` and `stackgen customers` through the built binary against the emulator, on
//! the local environment deployed as `deploy` ships it (the emulator's CloudFormation creates
//! the user pool the template declares): staff added with a password sign in with the staff
//! group in their token, are listed, removed (signed out everywhere); a customer whose code
//! never arrived is confirmed by support; and each mistake gets its own error and exit 1.

mod support;
#[path = "../../functions/tests/support/totp.rs"]
mod totp;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, SoftwareTokenMfaSettingsType,
};
use support::cli::Cli;
use support::{Moto, TestResult};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn cognito(moto: &Moto) -> Client {
    let sdk = stackgen::aws::config_loader()
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(moto.endpoint())
        .credentials_provider(aws_sdk_cognitoidentityprovider::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await;
    Client::new(&sdk)
}

/// The pool and client ids of the deployed local stack (its outputs).
fn pool_and_client(cli: &Cli) -> Result<(String, String), Box<dyn std::error::Error>> {
    let status = cli.json(&["status", "--env", "local", "--format", "json"])?;
    let out = |k: &str| {
        status["outputs"][k]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no output {k} in {status}"))
    };
    Ok((out("UserPoolId")?, out("UserPoolClientId")?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_and_customers_are_managed_from_the_command_line() -> TestResult {
    let moto = Moto::start()?;
    let cli = Cli::new(&moto, "accounts")?;

    // Before the stack exists: the error says to deploy.
    let out = cli.run(&["staff", "list", "--env", "local"])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("stackgen deploy --env local"),
        "{}",
        stderr(&out)
    );
    let out = cli.run(&["staff", "list", "--env", "nowhere"])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nowhere"), "{}", stderr(&out));

    cli.deploy()?;
    let (pool, client) = pool_and_client(&cli)?;
    let listed = cli.json(&["staff", "list", "--env", "local", "--format", "json"])?;
    assert_eq!(listed, serde_json::json!([]));

    // Adding twice: the second time says so and changes nothing.
    let add = [
        "staff",
        "add",
        "--env",
        "local",
        "ana@example.com",
        "--password",
        "Ana-Passw0rd-1",
    ];
    let out = cli.run(&add)?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let again = cli.run(&add)?;
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(String::from_utf8_lossy(&again.stdout).contains("already"));
    let listed = cli.json(&["staff", "list", "--env", "local", "--format", "json"])?;
    assert_eq!(listed[0]["email"], "ana@example.com", "{listed}");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    // She signs in as the pages do; her access token says staff.
    let c = cognito(&moto).await;
    let signed_in = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "ana@example.com")
        .auth_parameters("PASSWORD", "Ana-Passw0rd-1")
        .send()
        .await?;
    let refresh = signed_in
        .authentication_result()
        .and_then(|r| r.refresh_token())
        .ok_or("no refresh token")?
        .to_owned();
    let access = signed_in
        .authentication_result()
        .and_then(|r| r.access_token())
        .ok_or("no access token")?
        .to_owned();
    let payload = access.split('.').nth(1).ok_or("not a JWT")?;
    use base64::Engine as _;
    let claims: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload)?)?;
    assert_eq!(claims["cognito:groups"], serde_json::json!(["staff"]));

    // She sets up an authenticator app (as the back office does): the list says so, and
    // `staff reset-mfa` (a lost phone) turns it off and signs her out everywhere.
    let listed = cli.json(&["staff", "list", "--env", "local", "--format", "json"])?;
    assert_eq!(listed[0]["authenticator"], false, "{listed}");
    let key = c
        .associate_software_token()
        .access_token(&access)
        .send()
        .await?;
    let key = key.secret_code().ok_or("no key")?.to_owned();
    c.verify_software_token()
        .access_token(&access)
        .user_code(totp::code_now(&key).await)
        .send()
        .await?;
    let on = SoftwareTokenMfaSettingsType::builder()
        .enabled(true)
        .preferred_mfa(true)
        .build();
    c.set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(on)
        .send()
        .await?;
    let listed = cli.json(&["staff", "list", "--env", "local", "--format", "json"])?;
    assert_eq!(listed[0]["authenticator"], true, "{listed}");
    let text = cli.run(&["staff", "list", "--env", "local"])?;
    assert!(
        String::from_utf8_lossy(&text.stdout)
            .contains("ana@example.com  CONFIRMED  authenticator app")
    );
    let sign_in = || {
        c.initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "ana@example.com")
            .auth_parameters("PASSWORD", "Ana-Passw0rd-1")
            .send()
    };
    assert_eq!(
        sign_in().await?.challenge_name().map(|c| c.as_str()),
        Some("SOFTWARE_TOKEN_MFA")
    );
    let out = cli.run(&["staff", "reset-mfa", "--env", "local", "ana@example.com"])?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("authenticator app turned off"));
    let listed = cli.json(&["staff", "list", "--env", "local", "--format", "json"])?;
    assert_eq!(listed[0]["authenticator"], false, "{listed}");
    assert!(
        sign_in().await?.authentication_result().is_some(),
        "the password alone signs in again"
    );
    let stale = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await;
    assert!(stale.is_err(), "reset-mfa signs out everywhere");
    let refresh = sign_in()
        .await?
        .authentication_result()
        .and_then(|r| r.refresh_token())
        .ok_or("no refresh token")?
        .to_owned();
    let out = cli.run(&["staff", "reset-mfa", "--env", "local", "nobody@example.com"])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no account nobody@example.com"),
        "{}",
        stderr(&out)
    );

    // Removed: out of the group and her refresh token no longer works.
    let out = cli.run(&["staff", "remove", "--env", "local", "ana@example.com"])?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed = cli.json(&["staff", "list", "--env", "local", "--format", "json"])?;
    assert_eq!(listed, serde_json::json!([]));
    let refreshed = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await;
    assert!(refreshed.is_err(), "signed out everywhere");

    // Mistakes: an unknown user, something that is not an email.
    let out = cli.run(&["staff", "remove", "--env", "local", "nobody@example.com"])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no account nobody@example.com"),
        "{}",
        stderr(&out)
    );
    // A bad address is a bad command line (exit 64), refused before AWS is asked.
    let out = cli.run(&["staff", "add", "--env", "local", "not-an-email"])?;
    assert_eq!(out.status.code(), Some(64));
    assert!(
        stderr(&out).contains("not an email address"),
        "{}",
        stderr(&out)
    );
    // A password the pool would refuse is refused first: no account is left without one.
    let out = cli.run(&[
        "staff",
        "add",
        "--env",
        "local",
        "weak@example.com",
        "--password",
        "password12",
    ])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the password lacks an upper-case letter"),
        "{}",
        stderr(&out)
    );
    let weak = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("weak@example.com")
        .send()
        .await;
    assert!(weak.is_err(), "an account was created: {weak:?}");
    // Past Cognito's 256 characters, or with a space at an end: refused before any account.
    let long = format!("Aa1{}", "x".repeat(300));
    let spaced = " Password123".to_owned();
    for (password, says) in [
        (long.as_str(), "longer than the 256 characters"),
        (spaced.as_str(), "starts or ends with a space"),
    ] {
        let out = cli.run(&[
            "staff",
            "add",
            "--env",
            "local",
            "odd@example.com",
            "--password",
            password,
        ])?;
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    }
    let odd = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("odd@example.com")
        .send()
        .await;
    assert!(odd.is_err(), "an account was created: {odd:?}");
    // The address rule of environment files, within Cognito's 128-character user names.
    // (A valid address everywhere else: a 60-character local part and 60-character label.)
    let long_email = format!("{}@{}.example.com", "a".repeat(60), "b".repeat(60));
    for email in ["ünï@example.com", long_email.as_str()] {
        let out = cli.run(&["staff", "add", "--env", "local", email])?;
        assert_eq!(out.status.code(), Some(64));
        assert!(
            stderr(&out).contains("not an email address the user pool takes"),
            "{}",
            stderr(&out)
        );
    }

    // A customer signs up; the code never arrives; support confirms.
    c.sign_up()
        .client_id(&client)
        .username("bo@example.com")
        .password("Bo-Passw0rd-12")
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value("bo@example.com")
                .build()?,
        )
        .send()
        .await?;
    let out = cli.run(&["customers", "confirm", "--env", "local", "bo@example.com"])?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is confirmed"));
    let out = cli.run(&["customers", "confirm", "--env", "local", "bo@example.com"])?;
    assert!(String::from_utf8_lossy(&out.stdout).contains("confirmed already"));
    let user = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("bo@example.com")
        .send()
        .await?;
    assert_eq!(user.user_status().map(|s| s.as_str()), Some("CONFIRMED"));
    // On support's word the address counts as verified: order emails go only to those.
    let verified = user
        .user_attributes()
        .iter()
        .find(|a| a.name() == "email_verified")
        .and_then(|a| a.value());
    assert_eq!(verified, Some("true"));
    // An account confirmed without its address verified (by support, before order emails
    // needed one): confirming again marks the address verified.
    c.sign_up()
        .client_id(&client)
        .username("cy@example.com")
        .password("Cy-Passw0rd-12")
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value("cy@example.com")
                .build()?,
        )
        .send()
        .await?;
    c.admin_confirm_sign_up()
        .user_pool_id(&pool)
        .username("cy@example.com")
        .send()
        .await?;
    let out = cli.run(&["customers", "confirm", "--env", "local", "cy@example.com"])?;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("now marked verified"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let cy = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("cy@example.com")
        .send()
        .await?;
    assert!(
        cy.user_attributes()
            .iter()
            .any(|a| a.name() == "email_verified" && a.value() == Some("true"))
    );
    let out = cli.run(&[
        "customers",
        "confirm",
        "--env",
        "local",
        "nobody@example.com",
    ])?;
    assert_eq!(out.status.code(), Some(1));
    Ok(())
}
