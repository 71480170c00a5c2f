//! The local gateway's JWT authorizer through the real HTTP path: `stackgen dev` with the echo
//! function, the emulator's Cognito as the issuer. Every way a token can be wrong is refused
//! before the function runs, in API Gateway's shapes (401 `{"message":"Unauthorized"}`, 403
//! `{"message":"Forbidden"}` for a token without the access-token scope); a good access token
//! reaches the function as `requestContext.authorizer.jwt.claims`, every value a string.

mod dev_support;

use std::process::Command;
use std::time::Duration;

use dev_support::accounts::{self, bearer};
use dev_support::{BoxError, Moto, TestResult, echo_binary, echo_config, http, workspace};
use serde_json::{Value, json};
use stackgen::dev::{self, UserPoolRef};

/// A token signed with `key` (`moto`, `other` or `none`; see dev_support/mint_jwt.py).
fn mint(key: &str, claims: &Value) -> Result<String, BoxError> {
    let out = Command::new(workspace().join(".venv/bin/python"))
        .arg(workspace().join("stackgen/tests/dev_support/mint_jwt.py"))
        .args([key, &claims.to_string()])
        .output()?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// An access token's claims for `pool`, as Cognito writes them, with `changes` applied.
fn claims(pool: &UserPoolRef, changes: Value) -> Value {
    let mut c = json!({
        "iss": format!("https://cognito-idp.us-east-1.amazonaws.com/{}", pool.pool_id),
        "sub": "forged-user",
        "client_id": pool.client_id,
        "token_use": "access",
        "scope": retail_spec::ACCESS_TOKEN_SCOPE,
        "iat": now() - 10,
        "exp": now() + 600,
        "cognito:groups": ["staff"],
    });
    if let (Some(c), Some(changes)) = (c.as_object_mut(), changes.as_object()) {
        for (k, v) in changes {
            c.insert(k.clone(), v.clone());
        }
    }
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_checks_tokens_as_api_gateway_does() -> TestResult {
    let moto = Moto::start()?;
    let pool = accounts::user_pool(&moto).await?;
    let other_pool = accounts::user_pool(&moto).await?;
    let mut config = echo_config(
        &echo_binary()?,
        &moto.endpoint(),
        1,
        Duration::from_secs(10),
        &[],
    );
    config.user_pool = pool.clone();
    let dev = dev::start(config).await?;
    let addr = dev.local_addr();
    let get_cart = |auth: Option<String>| async move {
        let mut headers = Vec::new();
        if let Some(a) = &auth {
            headers.push(("authorization", a.as_str()));
        }
        http(addr, "GET", "/api/cart", &headers, "").await
    };

    // No token: 401 with a bare challenge, and the function never ran.
    let reply = get_cart(None).await?;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json(), json!({"message": "Unauthorized"}));
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));

    let refused: Vec<(&str, String)> = vec![
        ("garbage", "not-a-jwt".to_owned()),
        ("another key", mint("other", &claims(&pool, json!({})))?),
        ("alg none", mint("none", &claims(&pool, json!({})))?),
        (
            "expired",
            mint(
                "moto",
                &claims(&pool, json!({"exp": now() - 60, "iat": now() - 3600})),
            )?,
        ),
        (
            "not yet valid",
            mint("moto", &claims(&pool, json!({"nbf": now() + 600})))?,
        ),
        (
            "another pool's issuer",
            mint(
                "moto",
                &claims(&other_pool, json!({"client_id": pool.client_id})),
            )?,
        ),
        (
            "another client's audience",
            mint(
                "moto",
                &claims(&pool, json!({"client_id": other_pool.client_id})),
            )?,
        ),
        (
            "issued in the future",
            mint("moto", &claims(&pool, json!({"iat": now() + 600})))?,
        ),
        (
            "no expiry",
            mint("moto", &claims(&pool, json!({"exp": null})))?,
        ),
    ];
    for (why, token) in &refused {
        let reply = get_cart(Some(bearer(token))).await?;
        assert_eq!(reply.status, 401, "{why}: {}", reply.text());
        assert_eq!(reply.json(), json!({"message": "Unauthorized"}), "{why}");
        assert!(
            reply
                .header("www-authenticate")
                .is_some_and(|h| h.contains("invalid_token")),
            "{why}: {:?}",
            reply.header("www-authenticate")
        );
    }

    // Real sign-ins against the emulator's Cognito.
    let staff = accounts::sign_in_new(&moto, &pool, "staff@example.com", true).await?;
    // The ID token is signed and addressed to the client, but lacks the access-token scope.
    let reply = get_cart(Some(bearer(&staff.id))).await?;
    assert_eq!(reply.status, 403, "{}", reply.text());
    assert_eq!(reply.json(), json!({"message": "Forbidden"}));
    assert!(
        reply
            .header("www-authenticate")
            .is_some_and(|h| h.contains("insufficient_scope"))
    );

    // The access token passes, with or without the Bearer prefix; the claims reach the
    // function as strings, the groups as API Gateway writes a list.
    for auth in [bearer(&staff.access), staff.access.clone()] {
        let reply = get_cart(Some(auth)).await?;
        // The echo function answers 201 (examples/dev_echo.rs).
        assert_eq!(reply.status, 201, "{}", reply.text());
        let jwt = &reply.json()["event"]["requestContext"]["authorizer"]["jwt"];
        assert_eq!(jwt["claims"]["token_use"], "access");
        assert_eq!(jwt["claims"]["cognito:groups"], "[staff]");
        assert_eq!(jwt["claims"]["client_id"], pool.client_id.as_str());
        assert!(jwt["claims"]["exp"].is_string(), "{jwt}");
        assert_eq!(jwt["scopes"], json!([retail_spec::ACCESS_TOKEN_SCOPE]));
    }

    // A public route needs nothing and gets no authorizer context.
    let reply = http(addr, "GET", "/api/catalog/raw", &[], "").await?;
    assert_eq!(reply.status, 200);

    // Bodies still arrive as API Gateway sends them: text as is, binary as base64.
    let auth = bearer(&staff.access);
    let reply = http(
        addr,
        "POST",
        "/api/orders",
        &[
            ("content-type", "application/json"),
            ("idempotency-key", "k-1"),
            ("authorization", &auth),
        ],
        r#"{"storeId":"store-01"}"#,
    )
    .await?;
    let event = &reply.json()["event"];
    assert_eq!(event["routeKey"], "POST /orders");
    assert_eq!(event["body"], r#"{"storeId":"store-01"}"#);
    assert_eq!(event["isBase64Encoded"], false);
    assert_eq!(event["headers"]["idempotency-key"], "k-1");
    let reply = http(
        addr,
        "PUT",
        "/api/inventory",
        &[
            ("content-type", "application/octet-stream"),
            ("authorization", &auth),
        ],
        vec![0u8, 1, 2, 255],
    )
    .await?;
    let event = &reply.json()["event"];
    assert_eq!(event["isBase64Encoded"], true);
    assert_eq!(event["body"], "AAEC/w==");
    dev.stop().await;
    Ok(())
}
