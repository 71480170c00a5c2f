//! Refusing requests that did not come through the CDN.
//!
//! An HTTP API always has its own `https://{id}.execute-api.{region}.amazonaws.com` address.
//! Behind a CDN, a request sent there directly skips the CDN's web ACL (managed rules, rate
//! limits) and its security headers. The CDN adds a secret header to every request it forwards
//! to the API ([`retail_spec::ORIGIN_VERIFY_HEADER`]; CloudFront "Add custom headers to origin
//! requests", use case "Controlling access to content":
//! <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html>),
//! and each HTTP function gets the same value in [`retail_spec::ORIGIN_VERIFY_VAR`]: a request
//! without it is answered 403 before any route runs. Without the variable (no CDN, as in the
//! `local` environment) every request passes.
//!
//! The value the CDN sent before the secret's last rotation
//! ([`retail_spec::ORIGIN_VERIFY_PREVIOUS_VAR`]) is accepted too: a rotation gives the functions
//! the new value before the CDN sends it, and until every edge location sends it, requests still
//! carry the old one.

use lambda_http::Request;
use retail_spec::{ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_PREVIOUS_VAR, ORIGIN_VERIFY_VAR};

use crate::config::FunctionEnv;
use crate::error::{ApiError, ErrorCode};

/// What a request must carry to be served.
#[derive(Clone, Default)]
pub struct OriginCheck {
    /// The value in use and the previous one (those set); `None` checks nothing.
    expected: Option<Vec<Vec<u8>>>,
}

impl std::fmt::Debug for OriginCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the value: a debug print of an app must not leak it into a log.
        f.debug_struct("OriginCheck")
            .field("enabled", &self.expected.is_some())
            .finish()
    }
}

impl OriginCheck {
    /// The check the stack configured for this function: on when the variable is set.
    pub fn from_env(env: &FunctionEnv) -> Self {
        let values: Vec<Vec<u8>> = [ORIGIN_VERIFY_VAR, ORIGIN_VERIFY_PREVIOUS_VAR]
            .iter()
            .filter_map(|var| env.get(var))
            .map(|v| v.as_bytes().to_vec())
            .collect();
        OriginCheck {
            expected: (!values.is_empty()).then_some(values),
        }
    }

    /// Whether requests are checked at all.
    pub fn enabled(&self) -> bool {
        self.expected.is_some()
    }

    /// `Ok` when the request carries the CDN's value (or nothing is checked); else the 403.
    pub fn verify(&self, req: &Request) -> Result<(), ApiError> {
        let Some(expected) = &self.expected else {
            return Ok(());
        };
        let mut sent = req.headers().get_all(ORIGIN_VERIFY_HEADER).iter();
        let matches = match (sent.next(), sent.next()) {
            // Every value compared, so the time does not tell which one matched.
            (Some(value), None) => expected
                .iter()
                .fold(false, |ok, e| same(value.as_bytes(), e) | ok),
            _ => false,
        };
        if matches {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                "This API answers only through the storefront's own address; call it there \
                 (the `/api/...` paths of the site), not at its API Gateway address.",
            ))
        }
    }
}

/// Compares in time that depends on the lengths only, not on where the first difference is, so
/// that response times do not reveal the value a byte at a time.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use retail_spec::CATALOG;

    fn check(value: Option<&str>) -> OriginCheck {
        let vars = value.map(|v| (ORIGIN_VERIFY_VAR.to_owned(), v.to_owned()));
        OriginCheck::from_env(&FunctionEnv::new(&CATALOG, vars))
    }

    fn request(headers: &[&str]) -> Request {
        let mut builder = lambda_http::http::Request::builder().uri("https://x/api/products");
        for h in headers {
            builder = builder.header(ORIGIN_VERIFY_HEADER, *h);
        }
        builder
            .body(lambda_http::Body::Empty)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn without_the_variable_every_request_passes() {
        let open = check(None);
        assert!(!open.enabled());
        assert!(open.verify(&request(&[])).is_ok());
        assert!(check(Some("  ")).verify(&request(&[])).is_ok());
    }

    #[test]
    fn with_it_only_the_exact_value_once_passes() {
        let gate = check(Some("abc123"));
        assert!(gate.enabled());
        assert!(gate.verify(&request(&["abc123"])).is_ok());
        for refused in [
            &[][..],
            &["abc12"][..],
            &["abc1234"],
            &["ABC123"],
            &[""],
            &["abc123", "abc123"],
            &["nope", "abc123"],
        ] {
            let err = gate.verify(&request(refused)).err();
            assert_eq!(
                err.map(|e| (e.status(), e.code)),
                Some((403, ErrorCode::Forbidden)),
                "{refused:?}"
            );
        }
        assert!(!format!("{gate:?}").contains("abc123"));
    }

    #[test]
    fn during_a_rotation_the_previous_value_passes_too() {
        let vars = [
            (ORIGIN_VERIFY_VAR.to_owned(), "new-value".to_owned()),
            (
                ORIGIN_VERIFY_PREVIOUS_VAR.to_owned(),
                "old-value".to_owned(),
            ),
        ];
        let gate = OriginCheck::from_env(&FunctionEnv::new(&CATALOG, vars));
        assert!(gate.verify(&request(&["new-value"])).is_ok());
        assert!(gate.verify(&request(&["old-value"])).is_ok());
        for refused in [&[][..], &["older-value"][..], &["new-value", "old-value"]] {
            assert!(gate.verify(&request(refused)).is_err(), "{refused:?}");
        }
        // Either variable alone still checks (fails closed, never open).
        let vars = [(
            ORIGIN_VERIFY_PREVIOUS_VAR.to_owned(),
            "old-value".to_owned(),
        )];
        let previous_only = OriginCheck::from_env(&FunctionEnv::new(&CATALOG, vars));
        assert!(previous_only.verify(&request(&["old-value"])).is_ok());
        assert!(previous_only.verify(&request(&[])).is_err());
        assert!(!format!("{gate:?}").contains("value"));
    }
}
