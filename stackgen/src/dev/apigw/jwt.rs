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

use std::collections::{BTreeMap, HashSet};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
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
        let header = decode_header(token).map_err(|_| invalid("the token is not a valid JWT"))?;
        if !matches!(
            header.alg,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512
        ) {
            return Err(invalid("the token is not signed with an RSA algorithm"));
        }
        let kid = header
            .kid
            .ok_or_else(|| invalid("the token's header has no kid"))?;
        let key = self.key(&kid).await?;
        let claims = self.verify(token, header.alg, &key)?;
        check_scopes(&claims, scopes)?;
        Ok(flatten(claims))
    }

    fn verify(
        &self,
        token: &str,
        alg: Algorithm,
        key: &DecodingKey,
    ) -> Result<serde_json::Map<String, Value>, Denied> {
        let mut validation = Validation::new(alg);
        validation.leeway = 0;
        validation.validate_nbf = true;
        validation.validate_aud = false; // `aud` or `client_id`, checked below
        validation.set_issuer(&[&self.issuer]);
        validation.required_spec_claims = HashSet::from(["exp".to_owned(), "iss".to_owned()]);
        let data =
            decode::<serde_json::Map<String, Value>>(token, key, &validation).map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                invalid(match e.kind() {
                    ErrorKind::ExpiredSignature => "the token has expired",
                    ErrorKind::ImmatureSignature => "the token is not valid yet",
                    ErrorKind::InvalidIssuer => "the token's issuer is not this user pool",
                    ErrorKind::InvalidSignature => "the token's signature does not verify",
                    ErrorKind::MissingRequiredClaim(_) => "the token lacks exp or iss",
                    _ => "the token could not be verified",
                })
            })?;
        let claims = data.claims;
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
            .is_some_and(|iat| iat > now())
        {
            return Err(invalid("the token was issued in the future"));
        }
        Ok(claims)
    }

    /// The issuer's key `kid`; the key set is (re)read when a kid is not in it.
    async fn key(&self, kid: &str) -> Result<DecodingKey, Denied> {
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
        DecodingKey::from_jwk(&jwk).map_err(|_| invalid("the issuer's key is not usable"))
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
