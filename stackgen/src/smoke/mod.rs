//! `stackgen smoke`: a deployed environment checked end to end, the way a shopper uses it.
//!
//! The storefront's page answers; the catalog lists products; a customer made for this run signs
//! in, puts one unit of an in-stock product in the cart, places an order for it at a store, sees
//! the unit reserved, cancels the order and sees the unit back. Then the run cleans up after
//! itself: the cart is emptied, an order left open by a failed step is cancelled, and the
//! account is deleted. Each step is timed and printed as it ends; the first failure skips the
//! steps that need it, never the clean-up.
//!
//! The cancelled order stays in the orders table (the store's history is never rewritten) and
//! the notifier's email for it goes to the SES mailbox simulator (`customer.rs`). The stock
//! check compares with the level before the order: a shopper buying the same product in the
//! same seconds makes it fail, which the message says.

pub mod customer;
pub mod http;
mod journey;

use std::time::Duration;

use serde::Serialize;

use crate::aws::AwsContext;
pub use customer::UserPool;

/// How long one request may take before the step fails.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Where the deployed store answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The storefront's page; `None` when the environment serves none of its own (no CDN).
    pub ui: Option<String>,
    /// The API base (`…/api`), as a shopper's browser reaches it.
    pub api: String,
}

/// Everything one run needs.
#[derive(Debug, Clone)]
pub struct Plan {
    pub env: String,
    pub endpoints: Endpoints,
    pub pool: UserPool,
    /// The store the smoke order is placed at.
    pub store_id: String,
}

/// How one step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Failed,
    Skipped,
}

/// One step of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub name: &'static str,
    pub outcome: Outcome,
    /// What was seen (or why it failed, or why it was skipped).
    pub detail: String,
    /// Wall time of the step, requests and waits included.
    pub millis: u64,
}

/// The whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub steps: Vec<Step>,
}

impl Report {
    /// No step failed.
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|s| s.outcome != Outcome::Failed)
    }

    /// One line: how many steps passed, and the first failure.
    pub fn summary(&self) -> String {
        let passed = self
            .steps
            .iter()
            .filter(|s| s.outcome == Outcome::Passed)
            .count();
        let total_ms: u64 = self.steps.iter().map(|s| s.millis).sum();
        match self.steps.iter().find(|s| s.outcome == Outcome::Failed) {
            None => format!(
                "passed: {passed}/{} steps in {total_ms} ms",
                self.steps.len()
            ),
            Some(step) => format!("FAILED at {}: {}", step.name, step.detail),
        }
    }
}

/// Runs the journey against the deployed store, calling `on_step` as each step ends.
pub async fn run(
    ctx: &AwsContext,
    plan: &Plan,
    on_step: &mut (dyn FnMut(&Step) + Send),
) -> Result<Report, http::HttpError> {
    journey::Journey::new(ctx, plan, on_step)?.run().await
}

/// Why a run cannot start.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error(
        "the stack has no resolved {output} output, so there is no API to call{hint}. Pass --url with the address that serves the storefront at / and the API at /api/"
    )]
    NoApi {
        output: &'static str,
        hint: &'static str,
    },
    #[error(
        "the stack has no {output} output: it was deployed before stackgen managed accounts; redeploy it (`stackgen deploy --env {env}`)"
    )]
    NoUserPool { output: &'static str, env: String },
    #[error(
        "store `{store}` is not one of environment `{env}`'s stores ({known}); pick one of those with --store"
    )]
    UnknownStore {
        store: String,
        env: String,
        known: String,
    },
    #[error(
        "environment `{env}` declares no stores, so no order can be placed; add one under `stores:`"
    )]
    NoStores { env: String },
    #[error(
        "--url {url:?} {problem}; pass the address that serves the storefront at / and the API at /api/, e.g. https://shop.example.com or http://127.0.0.1:3000 for `stackgen dev`"
    )]
    BadUrl { url: String, problem: &'static str },
}

/// What is wrong with `--url`, if anything: an http(s) address with a host and no query or
/// fragment, and plain http only on this machine, since the journey sends a password and
/// tokens over it.
pub fn url_problem(url: &str) -> Option<&'static str> {
    let Ok(uri) = url.parse::<::http::Uri>() else {
        return Some("is not a URL");
    };
    let secure = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        Some(_) => return Some("is neither http:// nor https://"),
        None => return Some("has no scheme; begin it with https://"),
    };
    if uri.host().is_none_or(str::is_empty) {
        return Some("names no host");
    }
    // The port as written (the http crate keeps what does not fit a u16 without a word).
    let authority = uri.authority().map_or("", |a| a.as_str());
    let port = match authority.rsplit_once(':') {
        Some((_, port)) if !authority.ends_with(']') => Some(port),
        _ => None,
    };
    if port.is_some_and(|p| p.parse::<u16>().map_or(true, |p| p == 0)) {
        return Some("has a port that is not a number from 1 to 65535");
    }
    if uri.query().is_some() || url.contains('#') {
        return Some("has a query or a fragment, which the store's address does not");
    }
    if !secure && !crate::env::is_loopback_url(url) {
        return Some(
            "is plain http to another machine, and the smoke test signs in over it; use https://",
        );
    }
    None
}

impl Plan {
    /// What can be checked before any AWS call: the URL given and the store to order at.
    pub fn precheck(
        env: &crate::env::Environment,
        url: Option<&str>,
        store: Option<&str>,
    ) -> Result<(), PlanError> {
        if let Some(url) = url
            && let Some(problem) = url_problem(url)
        {
            return Err(PlanError::BadUrl {
                url: url.to_owned(),
                problem,
            });
        }
        pick_store(env, store).map(|_| ())
    }
}

impl Plan {
    /// The run for `env`'s deployed stack (its `outputs`). `url` replaces the stack's own
    /// addresses (`stackgen dev`, or a custom domain): the storefront at `url`, the API at
    /// `url/api`. `store` defaults to the environment's first store. `on_emulator` only changes
    /// the advice when the stack has no API address.
    pub fn resolve(
        env: &crate::env::Environment,
        outputs: &std::collections::BTreeMap<String, String>,
        url: Option<&str>,
        store: Option<&str>,
        on_emulator: bool,
    ) -> Result<Plan, PlanError> {
        use crate::stack::outputs::{API_URL, UI_URL, USER_POOL_CLIENT_ID, USER_POOL_ID};
        Plan::precheck(env, url, store)?;
        let endpoints = match url {
            Some(url) => {
                let base = url.trim_end_matches('/');
                Endpoints {
                    ui: Some(format!("{base}/")),
                    api: format!("{base}/{}", retail_spec::API_STAGE),
                }
            }
            None => Endpoints {
                api: crate::storefront::public_api_base(env, outputs).ok_or(PlanError::NoApi {
                    output: if env.features.cdn { UI_URL } else { API_URL },
                    hint: if on_emulator {
                        " (the local emulator runs no API Gateway or CloudFront: start `stackgen dev` and pass --url http://127.0.0.1:3000)"
                    } else {
                        ""
                    },
                })?,
                ui: env
                    .features
                    .cdn
                    .then(|| outputs.get(UI_URL).cloned())
                    .flatten()
                    .map(|u| format!("{}/", u.trim_end_matches('/'))),
            },
        };
        let output = |key: &'static str| {
            outputs
                .get(key)
                .filter(|v| !v.is_empty() && !v.contains("${"))
                .cloned()
                .ok_or_else(|| PlanError::NoUserPool {
                    output: key,
                    env: env.name.clone(),
                })
        };
        let pool = UserPool {
            pool_id: output(USER_POOL_ID)?,
            client_id: output(USER_POOL_CLIENT_ID)?,
        };
        Ok(Plan {
            env: env.name.clone(),
            endpoints,
            pool,
            store_id: pick_store(env, store)?,
        })
    }
}

fn pick_store(env: &crate::env::Environment, store: Option<&str>) -> Result<String, PlanError> {
    let ids: Vec<&str> = env.stores.iter().map(|s| s.id.as_str()).collect();
    match store {
        Some(s) if ids.contains(&s) => Ok(s.to_owned()),
        Some(s) => Err(PlanError::UnknownStore {
            store: s.to_owned(),
            env: env.name.clone(),
            known: ids.join(", "),
        }),
        None => ids
            .first()
            .map(|s| (*s).to_owned())
            .ok_or_else(|| PlanError::NoStores {
                env: env.name.clone(),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(name: &str) -> crate::env::Environment {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
        crate::env::load_named(&dir, name).expect("committed environment")
    }

    fn outputs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const POOL: [(&str, &str); 2] = [
        ("UserPoolId", "eu-west-1_abc"),
        ("UserPoolClientId", "client123"),
    ];

    #[test]
    fn the_url_is_checked_before_anything_is_called() {
        for good in [
            "https://shop.example.com",
            "https://shop.example.com/",
            "http://127.0.0.1:3000",
            "http://localhost:3000/",
            "http://[::1]:3000",
        ] {
            assert_eq!(url_problem(good), None, "{good}");
        }
        for (bad, says) in [
            ("shop.example.com", "no scheme"),
            ("ftp://shop.example.com", "neither http"),
            ("http://shop.example.com", "plain http to another machine"),
            ("https://shop.example.com/?a=1", "query or a fragment"),
            ("https://shop.example.com/#top", "query or a fragment"),
            ("https:// bad", "not a URL"),
            (
                "http://127.0.0.1:99999",
                "port that is not a number from 1 to 65535",
            ),
            (
                "http://127.0.0.1:0",
                "port that is not a number from 1 to 65535",
            ),
        ] {
            assert!(
                url_problem(bad).is_some_and(|p| p.contains(says)),
                "{bad}: {:?}",
                url_problem(bad)
            );
        }
        let e = Plan::precheck(&env("prod"), Some("http://shop.example.com"), None)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("use https://") && e.contains("--url"), "{e}");
    }

    #[test]
    fn with_a_cdn_the_journey_goes_through_it() {
        let mut out = outputs(&POOL);
        out.insert("UiUrl".into(), "https://d123.cloudfront.net".into());
        out.insert(
            "ApiUrl".into(),
            "https://abc.execute-api.eu-west-1.amazonaws.com/api".into(),
        );
        let plan = Plan::resolve(&env("prod"), &out, None, None, false).expect("plan");
        assert_eq!(plan.endpoints.api, "https://d123.cloudfront.net/api");
        assert_eq!(
            plan.endpoints.ui.as_deref(),
            Some("https://d123.cloudfront.net/")
        );
        assert_eq!(plan.pool.client_id, "client123");
        assert_eq!(plan.store_id, env("prod").stores[0].id);
    }

    #[test]
    fn a_url_replaces_the_stacks_addresses() {
        let plan = Plan::resolve(
            &env("local"),
            &outputs(&POOL),
            Some("http://127.0.0.1:3000/"),
            Some("store-02"),
            true,
        )
        .expect("plan");
        assert_eq!(plan.endpoints.api, "http://127.0.0.1:3000/api");
        assert_eq!(plan.endpoints.ui.as_deref(), Some("http://127.0.0.1:3000/"));
        assert_eq!(plan.store_id, "store-02");
    }

    #[test]
    fn what_is_missing_is_named() {
        let err = Plan::resolve(&env("prod"), &outputs(&POOL), None, None, false).unwrap_err();
        assert_eq!(
            err,
            PlanError::NoApi {
                output: "UiUrl",
                hint: ""
            }
        );
        let unresolved = outputs(&[("UiUrl", "https://${Distribution.DomainName}")]);
        let err = Plan::resolve(&env("prod"), &unresolved, None, None, false).unwrap_err();
        assert!(matches!(err, PlanError::NoApi { .. }));
        let mut no_pool = outputs(&[("UiUrl", "https://d1.cloudfront.net")]);
        no_pool.insert("UserPoolId".into(), "p".into());
        let err = Plan::resolve(&env("prod"), &no_pool, None, None, false).unwrap_err();
        assert!(err.to_string().contains("UserPoolClientId"), "{err}");
    }

    #[test]
    fn the_summary_names_the_first_failure() {
        let step = |name, outcome| Step {
            name,
            outcome,
            detail: format!("{name} detail"),
            millis: 5,
        };
        let mut report = Report {
            steps: vec![
                step("catalog", Outcome::Passed),
                step("sign in", Outcome::Skipped),
            ],
        };
        assert!(report.passed());
        assert_eq!(report.summary(), "passed: 1/2 steps in 10 ms");
        report.steps.push(step("place order", Outcome::Failed));
        assert!(!report.passed());
        assert_eq!(
            report.summary(),
            "FAILED at place order: place order detail"
        );
    }
}
