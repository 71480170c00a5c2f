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
    // `sign_in` is not compared: sign-in goes from the browser to Cognito, past the CDN, and
    // is counted by the user pool's own web ACL only.
    if limits.orders > limits.browse {
        out.push((
            FieldPath::keys("waf.rate_limits"),
            format!(
                "orders ({}) must not exceed browse ({}): every order request also counts towards browsing, so a higher limit on orders would never apply",
                limits.orders, limits.browse
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
        if let Some(problem) = dns_name_problem(value) {
            ok = false;
            out.push((
                FieldPath::keys(key),
                format!(
                    "`{value}` is not a DNS name stackgen can serve: it {problem}. Write lower-case labels of letters, digits and inner hyphens separated by dots, e.g. `shop.example.com`"
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
    dns_name_problem(s).is_none()
}

/// What keeps `s` from being a DNS name stackgen can serve, in a few words, or `None`. The
/// limits are DNS's (RFC 1035, 2.3.4: a label of 63 octets at most, a name of 255 on the wire,
/// 253 written out); the letters, digits and inner hyphens are the host name rule ACM and
/// CloudFront's alternate domain names follow.
pub fn dns_name_problem(s: &str) -> Option<String> {
    if s.len() > 253 {
        return Some(format!(
            "is {} characters long; a DNS name has at most 253",
            s.len()
        ));
    }
    if s.ends_with('.') {
        return Some("ends with a dot; leave the trailing dot out".to_owned());
    }
    if s.starts_with("*.") {
        return Some("is a wildcard; name the one host the store is served at".to_owned());
    }
    let labels: Vec<&str> = s.split('.').collect();
    if labels.len() < 2 {
        return Some("has a single label; a domain has at least two (`example.com`)".to_owned());
    }
    for label in &labels {
        if let Some(problem) = label_problem(label) {
            return Some(problem);
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some("ends in a label of digits only, which no top-level domain is".to_owned());
    }
    None
}

fn label_problem(label: &str) -> Option<String> {
    if label.is_empty() {
        return Some("has an empty label (two dots in a row, or a leading dot)".to_owned());
    }
    if label.len() > 63 {
        return Some(format!(
            "has the label `{}…` of {} characters; a DNS label has at most 63",
            label.chars().take(20).collect::<String>(),
            label.len()
        ));
    }
    if label.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some(format!(
            "has upper-case letters in `{label}`; write it in lower case"
        ));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Some(format!(
            "has the label `{label}`, which starts or ends with a hyphen"
        ));
    }
    if let Some(c) = label
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!(
            "has `{c}` in `{label}`; a label is letters, digits and inner hyphens (an \
             internationalised name is written in its `xn--` form)"
        ));
    }
    None
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
        let long_label = format!("{}.example.com", "a".repeat(64));
        let long_name = format!("{}.com", ["abcdefghij"; 25].join("."));
        for (bad, says) in [
            (
                long_label.as_str(),
                "of 64 characters; a DNS label has at most 63",
            ),
            (
                long_name.as_str(),
                "is 278 characters long; a DNS name has at most 253",
            ),
            ("Shop.example.com", "upper-case letters in `Shop`"),
            ("shop.example.com.", "trailing dot"),
            ("*.example.com", "wildcard"),
            ("shop", "single label"),
            ("-shop.example.com", "starts or ends with a hyphen"),
            ("shop..example.com", "empty label"),
            ("shop.example.123", "digits only"),
            ("shop_1.example.com", "has `_` in `shop_1`"),
            ("café.example.com", "`xn--` form"),
        ] {
            let problem = dns_name_problem(bad).unwrap_or_default();
            assert!(problem.contains(says), "{bad}: {problem}");
        }
        assert!(is_dns_name(&format!("{}.example.com", "a".repeat(63))));
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
