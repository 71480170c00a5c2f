//! The way in: APIs, the CDN and its functions, the user pool, WAF, DNS.

use super::super::context::{Context, Notes};
use super::super::draft::{Draft, q};
use crate::money::Qty;
use crate::prices::Meter;
use crate::report::{CostKind, Finding, FindingKind};
use crate::template::{CognitoTier, Facts, Resource};

/// `Facts::HttpApi | Facts::RestApi`.
pub(super) fn http_api(c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    if c.api_target.as_deref() == Some(r.logical_id.as_str()) {
        let meter = if matches!(r.facts, Facts::HttpApi) {
            Meter::HttpApiRequests
        } else {
            Meter::RestApiRequests
        };
        let n = Qty::units(c.traffic.api_requests);
        d.add(
            CostKind::Usage,
            "requests",
            meter,
            n,
            format!("{} API requests (each up to 512 KB)", q(n)),
        );
    } else if c.traffic.api_requests > 0 {
        out.warnings.push(format!(
            "{}: the profile's API requests are priced on {} only",
            r.logical_id,
            c.api_target.clone().unwrap_or_default()
        ));
    }
}

/// `Facts::WebSocketApi`.
pub(super) fn web_socket_api(_c: &Context, r: &Resource, _d: &mut Draft, out: &mut Notes) {
    out.warnings.push(format!(
        "{}: WebSocket API messages and connection minutes are not priced",
        r.logical_id
    ));
}

/// `Facts::RestApiCache`.
pub(super) fn rest_api_cache(_c: &Context, r: &Resource, _d: &mut Draft, out: &mut Notes) {
    out.findings.push(Finding {
        kind: FindingKind::GhostSpend,
        logical_id: r.logical_id.clone(),
        resource_type: r.resource_type.clone(),
        monthly: None,
        message: "API cache cluster billed per hour while it exists; not in the \
                  price table, so excluded from the estimate"
            .into(),
    });
}

/// `Facts::CloudFrontFunction`.
pub(super) fn cloud_front_function(c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    // It runs on the site behaviour's viewer requests; the traffic profiles do not
    // split site from `/api/*` requests, so every CDN request is counted (an upper
    // bound).
    let n = Qty::units(c.traffic.cloudfront.requests);
    d.add(
        CostKind::Usage,
        "invocations",
        Meter::CloudFrontFunctionInvocations,
        n,
        format!("{} viewer requests (at most)", q(n)),
    );
}

/// `Facts::UserPool`.
pub(super) fn user_pool(c: &Context, r: &Resource, d: &mut Draft, _out: &mut Notes) {
    let Facts::UserPool { tier } = &r.facts else {
        return;
    };
    let (meter, plan) = match tier {
        CognitoTier::Lite => (Meter::CognitoLiteMau, "Lite"),
        CognitoTier::Essentials => (Meter::CognitoEssentialsMau, "Essentials"),
        CognitoTier::Plus => (Meter::CognitoPlusMau, "Plus"),
    };
    let n = Qty::units(c.traffic.monthly_active_users);
    d.add(
        CostKind::Usage,
        "monthly active users",
        meter,
        n,
        format!("{} users signing in or refreshing ({plan} plan)", q(n)),
    );
}

/// `Facts::Distribution`.
pub(super) fn distribution(c: &Context, r: &Resource, d: &mut Draft, out: &mut Notes) {
    if c.cdn_target.as_deref() == Some(r.logical_id.as_str()) {
        let cdn = &c.traffic.cloudfront;
        d.add(
            CostKind::Usage,
            "data transfer out",
            Meter::CloudFrontDataOut,
            cdn.data_out_gb,
            format!("{} GB to {}", q(cdn.data_out_gb), c.book.cdn_viewers),
        );
        let n = Qty::units(cdn.requests);
        d.add(
            CostKind::Usage,
            "HTTPS requests",
            Meter::CloudFrontHttpsRequests,
            n,
            format!("{} requests", q(n)),
        );
    } else if c.traffic.cloudfront.requests > 0 {
        out.warnings.push(format!(
            "{}: the profile's CDN traffic is priced on {} only",
            r.logical_id,
            c.cdn_target.clone().unwrap_or_default()
        ));
    }
}

/// `Facts::WebAcl`.
pub(super) fn web_acl(c: &Context, r: &Resource, d: &mut Draft, _out: &mut Notes) {
    let Facts::WebAcl { rules, cloudfront } = &r.facts else {
        return;
    };
    d.add(
        CostKind::Idle,
        "web ACL",
        Meter::WafWebAcls,
        Qty::units(1),
        "1 web ACL".into(),
    );
    d.add(
        CostKind::Idle,
        "rules",
        Meter::WafRules,
        Qty::units(*rules),
        format!("{rules} rule(s)"),
    );
    // A CloudFront web ACL inspects every request the CDN receives; a regional one (the user
    // pool's) sees only sign-in calls, which the traffic profiles do not count.
    let (requests, what) = if *cloudfront {
        let n = Qty::units(c.traffic.cloudfront.requests);
        (n, format!("{} requests (every CDN request)", q(n)))
    } else {
        (Qty::units(0), "sign-in requests not estimated".to_owned())
    };
    d.add(
        CostKind::Usage,
        "requests",
        Meter::WafRequests,
        requests,
        what,
    );
    d.finding = Some((
        FindingKind::GhostSpend,
        "WAF web ACLs and rules are billed monthly whether used or not".into(),
    ));
}

/// `Facts::HostedZone`.
pub(super) fn hosted_zone(_c: &Context, _r: &Resource, d: &mut Draft, _out: &mut Notes) {
    d.add(
        CostKind::Idle,
        "hosted zone",
        Meter::Route53HostedZones,
        Qty::units(1),
        "1 hosted zone (queries not estimated)".into(),
    );
}
