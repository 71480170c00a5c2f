//! The rules of `domain:` and `waf:`: a name inside its hosted zone, a zone id of Route 53's
//! shape, rate limits AWS WAF accepts, and a web ACL only where there is a CDN to put it on.

use super::locate::{FieldPath, Violation};
use super::model::Environment;

/// AWS WAF's bounds for a rate-based rule's limit (requests per evaluation window):
/// <https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html> ("Limit",
/// valid range 10 to 2,000,000,000).
pub const RATE_LIMIT_RANGE: std::ops::RangeInclusive<u32> = 10..=2_000_000_000;

pub(super) fn check(env: &Environment, out: &mut Vec<Violation>) {
    if let Some(d) = &env.domain {
        check_names(&d.name, &d.zone, out);
        if !is_zone_id(&d.zone_id) {
            out.push((
                FieldPath::keys("domain.zone_id"),
                format!(
                    "`{}` is not a Route 53 hosted zone id; copy the id of the zone `{}` from the Route 53 console or `aws route53 list-hosted-zones-by-name --dns-name {}` (upper-case letters and digits such as `Z0123456789ABCDEFGHIJ`, without `/hostedzone/`)",
                    d.zone_id, d.zone, d.zone
                ),
            ));
        }
        if !env.features.cdn {
            out.push((
                FieldPath::keys("domain"),
                "a domain is served by the CDN, and this environment has `features.cdn: false`; turn the CDN on or leave `domain` out".to_owned(),
            ));
        }
    }
    if env.features.waf == Some(true) && !env.features.cdn {
        out.push((
            FieldPath::keys("features.waf"),
            "the web ACL sits in front of the CDN, and this environment has `features.cdn: false`; turn the CDN on or set `features.waf: false`".to_owned(),
        ));
    }
    let limits = &env.waf.rate_limits;
    for (key, value) in [
        ("browse", limits.browse),
        ("orders", limits.orders),
        ("sign_in", limits.sign_in),
    ] {
        if !RATE_LIMIT_RANGE.contains(&value) {
            out.push((
                FieldPath::keys(&format!("waf.rate_limits.{key}")),
                format!(
                    "`{value}` is outside what AWS WAF accepts for a rate limit; write requests per client IP per 5 minutes, from 10 to 2000000000"
                ),
            ));
        }
    }
    if limits.orders > limits.browse || limits.sign_in > limits.browse {
        out.push((
            FieldPath::keys("waf.rate_limits"),
            format!(
                "orders ({}) and sign_in ({}) must not exceed browse ({}): every request counts towards browsing, so a higher limit on them would never apply",
                limits.orders, limits.sign_in, limits.browse
            ),
        ));
    }
    if let Some(reason) = &env.waf.off_reason
        && reason.trim().len() < 10
    {
        out.push((
            FieldPath::keys("waf.off_reason"),
            "say in a sentence why this environment goes without a web ACL (who protects it instead), or leave `off_reason` out".to_owned(),
        ));
    }
}

fn check_names(name: &str, zone: &str, out: &mut Vec<Violation>) {
    let mut ok = true;
    for (key, value) in [("domain.name", name), ("domain.zone", zone)] {
        if !is_dns_name(value) {
            ok = false;
            out.push((
                FieldPath::keys(key),
                format!(
                    "`{value}` is not a DNS name stackgen can serve; write lower-case labels of letters, digits and inner hyphens separated by dots, without a trailing dot or a wildcard, e.g. `shop.example.com`"
                ),
            ));
        }
    }
    if ok && name != zone && !name.ends_with(&format!(".{zone}")) {
        out.push((
            FieldPath::keys("domain.name"),
            format!(
                "`{name}` is not inside the hosted zone `{zone}`; the certificate is validated and the alias records are written in that zone, so use a name that ends with `.{zone}` (or the zone itself), or name the zone that holds `{name}`"
            ),
        ));
    }
}

/// A name of two or more LDH labels, lower case, 253 characters at most.
pub fn is_dns_name(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_lowercase()))
}

/// Route 53's hosted zone ids: upper-case letters and digits, 32 characters at most
/// (<https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZone.html>: `Id`,
/// maximum length 32). The ids AWS hands out start with `Z`, but the API documents no such
/// rule, so none is enforced; the `/hostedzone/` prefix some responses carry is refused.
pub fn is_zone_id(s: &str) -> bool {
    (2..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        assert!(is_dns_name("shop.example.com"));
        assert!(is_dns_name("example.com"));
        assert!(is_dns_name("a-1.b2.example.co.uk"));
        for bad in [
            "Shop.example.com",
            "shop.example.com.",
            "*.example.com",
            "shop",
            "-shop.example.com",
            "shop..example.com",
            "shop.example.123",
            "shop_1.example.com",
        ] {
            assert!(!is_dns_name(bad), "{bad}");
        }
    }

    #[test]
    fn zone_ids() {
        assert!(is_zone_id("Z2FDTNDATAQYW2"));
        assert!(is_zone_id("Z0123456789ABCDEFGHIJ"));
        for bad in [
            "",
            "Z",
            "/hostedzone/Z2FDTNDATAQYW2",
            "z2fdtndataqyw2",
            "Z2FDTNDATAQYW2-",
            "Z0123456789ABCDEFGHIJ0123456789ABC",
        ] {
            assert!(!is_zone_id(bad), "{bad}");
        }
    }
}
