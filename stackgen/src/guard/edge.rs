//! What faces the internet is protected: a protected environment with its own domain has a web
//! ACL unless the environment file says why not, a web ACL the environment asks for is on the
//! distribution, and a custom domain is served with TLS 1.2 at least.

use super::{Outcome, Rule, RuleResult, Subject};
use crate::model::cloudfront::{Distribution, MinimumProtocolVersion};

pub const RULE: Rule = Rule {
    id: "edge-protection",
    title: "a protected storefront on its own domain has a web ACL; a custom domain serves TLS 1.2+",
};

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    let env = s.env;
    let file = env.file_name();
    if env.is_protected() && env.domain.is_some() {
        o.checked();
        if !env.waf_enabled() {
            match &env.waf.off_reason {
                Some(reason) => o.note(format!("no web ACL, by exception: {reason}")),
                None => o.violation(
                    "(environment)",
                    format!(
                        "{} keeps real data and is served on its own domain, but features.waf is off",
                        env.name
                    ),
                    format!(
                        "set features.waf: true in {file}, or say who protects it instead in waf.off_reason"
                    ),
                ),
            }
        }
    }
    for (id, d) in s.template.resources::<Distribution>() {
        o.checked();
        let config = &d.distribution_config;
        if env.waf_enabled() && config.web_acl_id.is_none() {
            o.violation(
                id.as_str(),
                "the environment has features.waf on but the distribution has no WebACLId",
                "build the distribution with stack::edge, which takes the global stack's web ACL",
            );
        }
        if env.domain.is_some() {
            let tls = config
                .viewer_certificate
                .as_ref()
                .and_then(|v| v.minimum_protocol_version.as_ref())
                .and_then(|v| v.as_lit());
            let modern = matches!(
                tls,
                Some(
                    MinimumProtocolVersion::TLSv122021
                        | MinimumProtocolVersion::TLSv122025
                        | MinimumProtocolVersion::TLSv132025
                )
            );
            if !modern {
                o.violation(
                    id.as_str(),
                    "the storefront's domain is served without a TLS 1.2 (2021) minimum",
                    "set ViewerCertificate.MinimumProtocolVersion: TLSv1.2_2021 with the ACM certificate of the global stack",
                );
            }
        }
    }
    o.finish()
}
