//! The local gateway's JWT authorizer: what API Gateway's does for a route with
//! `AuthorizationType: JWT`, against the local emulator's Cognito user pool.
//!
//! API Gateway's evaluation, in its order (API Gateway Developer Guide, "Control access to HTTP
//! APIs with JWT authorizers", <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html>):
//! take the token from the identity source (`Authorization`, optionally `Bearer `-prefixed);
//! decode it; check its algorithm (RSA only) and signature with the issuer's published key of
//! its `kid`; validate `iss` (the configured issuer), `aud` or `client_id` (one of the
//! configured audiences), `exp` (after now), `nbf` and `iat` (before now, when present); then
//! the route's scopes (the token's `scope`/`scp` must hold at least one). A failure before the
//! scope check is 401, a scope failure 403, both with API Gateway's own body and a
//! `www-authenticate` challenge. The verified claims reach the function as
//! `requestContext.authorizer.jwt.claims`, every value a string (arrays as `[a b]`).
//!
//! moto's cognito-idp signs its tokens RS256 with one fixed key (kid `dummy`) and serves the
//! pool's JWKS at `<endpoint>/<poolId>/.well-known/jwks.json`; the `iss` it writes is AWS's,
//! `https://cognito-idp.<region>.amazonaws.com/<poolId>`, which is what the template's
//! authorizer is configured with too.
//!
//! The token is taken apart here (RFC 7519: three base64url parts, the header naming `alg` and
//! `kid`) and its RSASSA-PKCS1-v1_5 signature (RFC 7518 §3.3, `RS256`/`RS384`/`RS512`) checked
//! with ring against the JWK's modulus and exponent (RFC 7518 §6.3.1, `n` and `e`), the
//! cryptography the rest of the CLI already uses for TLS. This replaced the jsonwebtoken crate,
//! whose RSA needs aws-lc or RustCrypto's `rsa`: a second cryptography library in every build for
//! one local check. The parsing is small, the signature check is ring's, and the tests refuse
//! forged tokens (another key, `alg: none`, expired, wrong issuer or audience) from real ones.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{self, RsaParameters, RsaPublicKeyComponents};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;

/// What API Gateway is configured with for the pool's authorizer.
#[derive(Debug)]
pub struct JwtAuthorizer {
    pub issuer: String,
    pub audience: Vec<String>,
    /// Where the issuer's keys are read (the emulator's JWKS URL for the pool).
    pub jwks_url: String,
    keys: Mutex<Keys>,
}

/// The issuer's keys as last read, and when.
#[derive(Debug, Default)]
struct Keys {
    set: Option<JwkSet>,
    read_at: Option<std::time::Instant>,
}

/// A token naming an unknown `kid` re-reads the key set at most this often, so a stream of
/// made-up kids cannot turn every request into a JWKS fetch.
const REFETCH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

/// Why the authorizer refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// 401, with this `www-authenticate` challenge.
    Unauthorized(String),
    /// 403 (no required scope), with this challenge.
    Forbidden(String),
}

/// Verified claims, as strings.
pub type Claims = BTreeMap<String, String>;

impl JwtAuthorizer {
    /// The authorizer of a Cognito user pool served by the emulator at `endpoint`.
    pub fn for_user_pool(endpoint: &str, region: &str, pool_id: &str, client_id: &str) -> Self {
        JwtAuthorizer {
            issuer: format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}"),
            audience: vec![client_id.to_owned()],
            jwks_url: format!(
                "{}/{pool_id}/.well-known/jwks.json",
                endpoint.trim_end_matches('/')
            ),
            keys: Mutex::new(Keys::default()),
        }
    }

    /// Checks the `Authorization` header value for a route requiring `scopes`.
    pub async fn authorize(
        &self,
        authorization: Option<&str>,
        scopes: &[&str],
    ) -> Result<Claims, Denied> {
        let token = authorization
            .map(|h| strip_bearer(h.trim()))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Denied::Unauthorized("Bearer".to_owned()))?;
        let jwt = Jwt::parse(token).ok_or_else(|| invalid("the token is not a valid JWT"))?;
        let algorithm = rsa_parameters(&jwt.header.alg)
            .ok_or_else(|| invalid("the token is not signed with an RSA algorithm"))?;
        let kid = jwt
            .header
            .kid
            .as_deref()
            .ok_or_else(|| invalid("the token's header has no kid"))?;
        let key = self.key(kid).await?;
        RsaPublicKeyComponents {
            n: &key.n,
            e: &key.e,
        }
        .verify(algorithm, jwt.signed.as_bytes(), &jwt.signature)
        .map_err(|_| invalid("the token's signature does not verify"))?;
        let claims = self.validate(jwt.claims()?)?;
        check_scopes(&claims, scopes)?;
        Ok(flatten(claims))
    }

    /// The registered claims, as API Gateway checks them once the signature holds: `exp` and
    /// `iss` present, `exp` not past, `nbf` reached, `iss` this pool, the audience this API's
    /// client, `iat` not in the future. No leeway.
    fn validate(
        &self,
        claims: serde_json::Map<String, Value>,
    ) -> Result<serde_json::Map<String, Value>, Denied> {
        let present = |c: &str| claims.get(c).is_some_and(|v| !v.is_null());
        if !present("exp") || !present("iss") {
            return Err(invalid("the token lacks exp or iss"));
        }
        let time = |c: &str| -> Result<Option<i64>, Denied> {
            match claims.get(c) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_i64()
                    .map(Some)
                    .ok_or_else(|| invalid("the token could not be verified")),
            }
        };
        let now = now();
        if time("exp")?.is_some_and(|exp| exp < now) {
            return Err(invalid("the token has expired"));
        }
        if time("nbf")?.is_some_and(|nbf| nbf > now) {
            return Err(invalid("the token is not valid yet"));
        }
        if claims.get("iss").and_then(Value::as_str) != Some(self.issuer.as_str()) {
            return Err(invalid("the token's issuer is not this user pool"));
        }
        // `aud` when the token has one, else `client_id` (Cognito's access tokens).
        let audience = claims
            .get("aud")
            .or_else(|| claims.get("client_id"))
            .map(|v| match v {
                Value::String(s) => vec![s.clone()],
                Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default()
            .iter()
            .any(|a| self.audience.contains(a));
        if !audience {
            return Err(invalid("the token's audience is not this API's client"));
        }
        if claims
            .get("iat")
            .and_then(Value::as_i64)
            .is_some_and(|iat| iat > now)
        {
            return Err(invalid("the token was issued in the future"));
        }
        Ok(claims)
    }

    /// The issuer's key `kid`; the key set is (re)read when a kid is not in it.
    async fn key(&self, kid: &str) -> Result<RsaKey, Denied> {
        let mut keys = self.keys.lock().await;
        let cached = keys.set.as_ref().and_then(|set| set.find(kid)).cloned();
        let jwk = match cached {
            Some(jwk) => jwk,
            None if keys
                .read_at
                .is_some_and(|at| at.elapsed() < REFETCH_INTERVAL) =>
            {
                return Err(invalid("the token's kid is not a key of the issuer"));
            }
            None => {
                let set = fetch_jwks(&self.jwks_url)
                    .await
                    .map_err(|e| invalid(&format!("the issuer's keys could not be read ({e})")))?;
                let found = set.find(kid).cloned();
                *keys = Keys {
                    set: Some(set),
                    read_at: Some(std::time::Instant::now()),
                };
                found.ok_or_else(|| invalid("the token's kid is not a key of the issuer"))?
            }
        };
        RsaKey::from_jwk(&jwk).ok_or_else(|| invalid("the issuer's key is not usable"))
    }
}

/// A compact JWS: `header.payload.signature`, each part base64url without padding.
struct Jwt<'a> {
    header: Header,
    /// `header.payload`, what the signature signs.
    signed: &'a str,
    payload: &'a str,
    signature: Vec<u8>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

impl<'a> Jwt<'a> {
    /// The token's parts; None unless it is three base64url parts with a JSON header.
    fn parse(token: &'a str) -> Option<Jwt<'a>> {
        let (signed, signature) = token.rsplit_once('.')?;
        let (header, payload) = signed.split_once('.')?;
        if payload.contains('.') {
            return None;
        }
        Some(Jwt {
            header: serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?,
            signed,
            payload,
            signature: URL_SAFE_NO_PAD.decode(signature).ok()?,
        })
    }

    /// The payload: a JSON object of claims.
    fn claims(&self) -> Result<serde_json::Map<String, Value>, Denied> {
        URL_SAFE_NO_PAD
            .decode(self.payload)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| invalid("the token could not be verified"))
    }
}

/// ring's verification of RSASSA-PKCS1-v1_5 with the token's hash; None for any other `alg`
/// (`none`, HMAC, ECDSA), which API Gateway refuses.
fn rsa_parameters(alg: &str) -> Option<&'static RsaParameters> {
    match alg {
        "RS256" => Some(&signature::RSA_PKCS1_2048_8192_SHA256),
        "RS384" => Some(&signature::RSA_PKCS1_2048_8192_SHA384),
        "RS512" => Some(&signature::RSA_PKCS1_2048_8192_SHA512),
        _ => None,
    }
}

/// The issuer's published keys (`jwks.json`).
#[derive(Debug, Deserialize)]
struct JwkSet {
    keys: Vec<Jwk>,
}

#[derive(Debug, Clone, Deserialize)]
struct Jwk {
    kid: Option<String>,
    kty: String,
    /// The modulus and public exponent of an RSA key, base64url.
    n: Option<String>,
    e: Option<String>,
}

impl JwkSet {
    fn find(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|k| k.kid.as_deref() == Some(kid))
    }
}

/// An RSA public key: modulus and exponent, big-endian.
struct RsaKey {
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaKey {
    fn from_jwk(jwk: &Jwk) -> Option<RsaKey> {
        if jwk.kty != "RSA" {
            return None;
        }
        Some(RsaKey {
            n: URL_SAFE_NO_PAD.decode(jwk.n.as_deref()?).ok()?,
            e: URL_SAFE_NO_PAD.decode(jwk.e.as_deref()?).ok()?,
        })
    }
}

fn strip_bearer(header: &str) -> &str {
    match header.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => header[7..].trim(),
        _ => header,
    }
}

fn invalid(description: &str) -> Denied {
    Denied::Unauthorized(format!(
        "Bearer error=\"invalid_token\" error_description=\"{description}\""
    ))
}

fn check_scopes(claims: &serde_json::Map<String, Value>, scopes: &[&str]) -> Result<(), Denied> {
    if scopes.is_empty() {
        return Ok(());
    }
    let held: Vec<&str> = ["scope", "scp"]
        .iter()
        .filter_map(|c| claims.get(*c).and_then(Value::as_str))
        .flat_map(str::split_whitespace)
        .collect();
    if scopes.iter().any(|s| held.contains(s)) {
        Ok(())
    } else {
        Err(Denied::Forbidden(format!(
            "Bearer scope=\"{}\" error=\"insufficient_scope\" error_description=\"the token has none of the route's scopes\"",
            scopes.join(" ")
        )))
    }
}

/// Claims as API Gateway passes them: strings as they are, other scalars as text, arrays as
/// `[a b]`, objects as JSON.
fn flatten(claims: serde_json::Map<String, Value>) -> Claims {
    claims
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                Value::Array(items) => format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

async fn fetch_jwks(url: &str) -> Result<JwkSet, String> {
    let (status, body) = super::super::loopback_http::get(url).await?;
    if status != 200 {
        return Err(format!("GET {url} answered HTTP {status}"));
    }
    serde_json::from_slice(&body).map_err(|e| format!("GET {url} is not a JWK set: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn a_token_is_three_base64url_parts_with_a_json_header() {
        let header = b64(r#"{"alg":"RS256","kid":"k1"}"#);
        let token = format!("{header}.{}.{}", b64("{}"), b64("sig"));
        let jwt = Jwt::parse(&token).map(|j| (j.header.alg, j.header.kid, j.signature));
        assert_eq!(
            jwt,
            Some(("RS256".into(), Some("k1".into()), b"sig".to_vec()))
        );
        for bad in [
            "not-a-jwt".to_owned(),
            format!("{header}.{}", b64("{}")),
            format!("{header}.{}.{}.{}", b64("{}"), b64("s"), b64("t")),
            format!("{}.{}.{}", b64("not json"), b64("{}"), b64("s")),
            format!("{header}.{}.not*base64", b64("{}")),
        ] {
            assert!(Jwt::parse(&bad).is_none(), "{bad}");
        }
        assert!(rsa_parameters("RS512").is_some());
        assert!(rsa_parameters("none").is_none() && rsa_parameters("HS256").is_none());
    }

    #[test]
    fn registered_claims_are_checked_without_leeway() {
        let auth = JwtAuthorizer::for_user_pool("http://127.0.0.1:1", "us-east-1", "pool", "app");
        let now = now();
        let claims = |extra: Value| {
            let mut c = serde_json::json!({
                "iss": "https://cognito-idp.us-east-1.amazonaws.com/pool",
                "client_id": "app",
                "exp": now + 60,
            });
            if let (Some(c), Value::Object(extra)) = (c.as_object_mut(), extra) {
                c.extend(extra);
            }
            c.as_object().cloned().unwrap_or_default()
        };
        let refused = |extra: Value| match auth.validate(claims(extra)) {
            Err(Denied::Unauthorized(challenge)) => challenge,
            other => format!("not refused: {other:?}"),
        };
        assert!(auth.validate(claims(Value::Null)).is_ok());
        assert!(refused(serde_json::json!({"exp": now - 1})).contains("expired"));
        assert!(refused(serde_json::json!({"exp": null})).contains("lacks exp"));
        assert!(refused(serde_json::json!({"exp": "soon"})).contains("could not be verified"));
        assert!(refused(serde_json::json!({"nbf": now + 60})).contains("not valid yet"));
        assert!(refused(serde_json::json!({"iss": "https://elsewhere"})).contains("issuer"));
        assert!(refused(serde_json::json!({"client_id": "other"})).contains("audience"));
        assert!(refused(serde_json::json!({"iat": now + 60})).contains("future"));
    }

    #[test]
    fn bearer_prefix_is_optional_and_case_insensitive() {
        assert_eq!(strip_bearer("Bearer abc"), "abc");
        assert_eq!(strip_bearer("bearer  abc"), "abc");
        assert_eq!(strip_bearer("abc"), "abc");
    }

    #[test]
    fn claims_are_flattened_as_api_gateway_passes_them() {
        let claims: serde_json::Map<String, Value> = serde_json::from_str(
            r#"{"sub":"u","exp":1700000000,"cognito:groups":["staff","managers"],"email_verified":true}"#,
        )
        .unwrap_or_default();
        let flat = flatten(claims);
        assert_eq!(flat["exp"], "1700000000");
        assert_eq!(flat["cognito:groups"], "[staff managers]");
        assert_eq!(flat["email_verified"], "true");
    }

    #[test]
    fn a_route_scope_must_be_held() {
        let claims: serde_json::Map<String, Value> =
            serde_json::from_str(r#"{"scope":"openid aws.cognito.signin.user.admin"}"#)
                .unwrap_or_default();
        assert!(check_scopes(&claims, &["aws.cognito.signin.user.admin"]).is_ok());
        assert!(matches!(
            check_scopes(&serde_json::Map::new(), &["aws.cognito.signin.user.admin"]),
            Err(Denied::Forbidden(_))
        ));
        assert!(check_scopes(&serde_json::Map::new(), &[]).is_ok());
    }
}
