//! Who is calling: the verified claims API Gateway's JWT authorizer hands the function.
//!
//! The gateway has already checked the token's signature, issuer, audience, expiry and the
//! route's scope before the function runs; the function reads the result from
//! `requestContext.authorizer.jwt.claims` (every claim a string there: numbers and booleans
//! as text, arrays as `[a b]`). It still refuses a customer or staff route without claims (a
//! route deployed without its authorizer fails closed), anything but an access token, and a
//! customer on a staff route. The caller's id is the token's `sub`, never a value the client
//! chooses in a path, query or body.

use std::collections::HashMap;

use crate::error::{ApiError, ErrorCode};
use lambda_http::request::RequestContext;
use retail_spec::{Caller, Route, STAFF_GROUP};

/// A signed-in user, as the verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user pool's stable user id (`sub`).
    pub sub: String,
    /// `cognito:groups`.
    pub groups: Vec<String>,
}

impl Principal {
    pub fn is_staff(&self) -> bool {
        self.groups.iter().any(|g| g == STAFF_GROUP)
    }
}

/// The claims of the request's token, when the gateway verified one.
pub(crate) fn claims(ctx: Option<&RequestContext>) -> Option<&HashMap<String, String>> {
    match ctx {
        Some(RequestContext::ApiGatewayV2(c)) => c
            .authorizer
            .as_ref()
            .and_then(|a| a.jwt.as_ref())
            .map(|j| &j.claims)
            .filter(|c| !c.is_empty()),
        _ => None,
    }
}

/// Decides whether `claims` may call `route`: `Ok(None)` for a public route, the principal for
/// a customer or staff route, 401 or 403 otherwise.
pub(crate) fn authorize(
    route: &Route,
    claims: Option<&HashMap<String, String>>,
) -> Result<Option<Principal>, ApiError> {
    if !route.caller.needs_token() {
        return Ok(None);
    }
    let claims = claims.ok_or_else(|| {
        unauthorized("Sign in first: this request needs an access token (Authorization: Bearer …).")
    })?;
    if claims.get("token_use").map(String::as_str) != Some("access") {
        return Err(unauthorized(
            "Send the access token of your session, not its ID token.",
        ));
    }
    let sub = claims
        .get("sub")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| unauthorized("The access token names no user (no sub claim)."))?;
    let principal = Principal {
        sub: sub.clone(),
        groups: claims
            .get("cognito:groups")
            .map(|g| parse_list(g))
            .unwrap_or_default(),
    };
    if route.caller == Caller::Staff && !principal.is_staff() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "{} is for store staff only; your account is not in the {STAFF_GROUP} group.",
                route.route_key()
            ),
        ));
    }
    Ok(Some(principal))
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(ErrorCode::Unauthorized, message)
}

/// A list claim exactly as API Gateway passes it: `[staff managers]` (a one-element list may
/// also come as the bare value). Cognito group names have no spaces, so a space separates them.
fn parse_list(raw: &str) -> Vec<String> {
    let inner = raw
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(raw);
    inner
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use retail_spec::{GET_CART, GET_CATALOG, PUT_INVENTORY};

    fn claims(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn public_routes_need_nothing_and_others_need_an_access_token() {
        assert_eq!(authorize(&GET_CATALOG, None), Ok(None));
        let e = authorize(&GET_CART, None).unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthorized);
        let id_token = claims(&[("sub", "u-1"), ("token_use", "id")]);
        let e = authorize(&GET_CART, Some(&id_token)).unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthorized);
        let access = claims(&[("sub", "u-1"), ("token_use", "access")]);
        let p = authorize(&GET_CART, Some(&access)).unwrap().unwrap();
        assert_eq!(p.sub, "u-1");
        assert!(!p.is_staff());
    }

    #[test]
    fn staff_routes_need_the_staff_group_in_any_list_form() {
        let customer = claims(&[("sub", "u-1"), ("token_use", "access")]);
        let e = authorize(&PUT_INVENTORY, Some(&customer)).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        for groups in ["[staff]", "[managers staff]", "staff"] {
            let staff = claims(&[
                ("sub", "s-1"),
                ("token_use", "access"),
                ("cognito:groups", groups),
            ]);
            let p = authorize(&PUT_INVENTORY, Some(&staff)).unwrap().unwrap();
            assert!(p.is_staff(), "{groups}");
        }
        for lookalike in ["[staffers]", "[staff,ops]", "[[staff]", r#"["staff"]"#] {
            let c = claims(&[
                ("sub", "s-1"),
                ("token_use", "access"),
                ("cognito:groups", lookalike),
            ]);
            assert!(authorize(&PUT_INVENTORY, Some(&c)).is_err(), "{lookalike}");
        }
    }
}
