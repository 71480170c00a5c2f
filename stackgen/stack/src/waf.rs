//! The web ACLs: one in front of the CDN (scope CLOUDFRONT, so it lives in us-east-1, in the
//! environment's global stack) and one on the user pool (scope REGIONAL, in the main stack),
//! because sign-in goes from the browser to Cognito directly and never passes the CDN.
//!
//! The CDN's ACL runs AWS's managed rule groups (IP reputation, common rules, known bad inputs)
//! and two rate limits per client IP: order creation (`POST /api/orders`, each order reserves
//! stock) and everything. The user pool's ACL limits sign-in and sign-up requests per IP. In
//! `waf.mode: count` every rule counts instead of blocking, to try rules on real traffic first.

use retail_spec::{API_STAGE, PLACE_ORDER};

use crate::env::{Environment, WafMode};
use crate::model::wafv2::{
    AggregateKeyType, AndStatement, ByteMatchStatement, DefaultAction, FieldToMatch,
    ManagedRuleGroupStatement, OverrideAction, PositionalConstraint, RateBasedStatement, Rule,
    RuleAction, Statement, VisibilityConfig, WebACL, WebACLScope,
};

/// The managed rule groups of the CDN's ACL, in evaluation order, with their capacity (WCU;
/// "AWS Managed Rules rule groups list":
/// <https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html>).
pub const MANAGED_GROUPS: &[(&str, u32)] = &[
    ("AWSManagedRulesAmazonIpReputationList", 25),
    ("AWSManagedRulesCommonRuleSet", 700),
    ("AWSManagedRulesKnownBadInputsRuleSet", 200),
];

/// The window AWS WAF counts a rate-based rule's requests over, in seconds (the default; the
/// environment file's limits are per 5 minutes).
pub const RATE_WINDOW_SECONDS: i64 = 300;

fn visibility(metric: &str) -> VisibilityConfig {
    VisibilityConfig::new(true, metric.to_owned(), true)
}

fn rate_rule(
    name: &str,
    priority: i64,
    limit: u32,
    mode: WafMode,
    scope: Option<Statement>,
) -> Rule {
    let mut rate = RateBasedStatement::new(AggregateKeyType::Ip, i64::from(limit))
        .evaluation_window_sec(RATE_WINDOW_SECONDS);
    if let Some(scope) = scope {
        rate = rate.scope_down_statement(scope);
    }
    let action = match mode {
        WafMode::Block => RuleAction::blocking(),
        WafMode::Count => RuleAction::counting(),
    };
    Rule::new(
        name.to_owned(),
        priority,
        Statement::new().rate_based_statement(rate),
        visibility(name),
    )
    .action(action)
}

fn managed_rule(group: &str, priority: i64, mode: WafMode) -> Rule {
    let override_action = match mode {
        WafMode::Block => OverrideAction::keep(),
        WafMode::Count => OverrideAction::count_only(),
    };
    Rule::new(
        group.to_owned(),
        priority,
        Statement::new()
            .managed_rule_group_statement(ManagedRuleGroupStatement::new(group.to_owned(), "AWS")),
        visibility(group),
    )
    .override_action(override_action)
}

/// `POST /api/orders`: the route that places an order, as the CDN sees its path.
fn order_creation() -> Statement {
    let path = format!("/{API_STAGE}{}", PLACE_ORDER.path);
    Statement::new().and_statement(AndStatement::new([
        Statement::new().byte_match_statement(ByteMatchStatement::plain(
            FieldToMatch::uri_path_only(),
            PositionalConstraint::Exactly,
            path,
        )),
        Statement::new().byte_match_statement(ByteMatchStatement::plain(
            FieldToMatch::method_only(),
            PositionalConstraint::Exactly,
            PLACE_ORDER.method.as_str(),
        )),
    ]))
}

/// The CDN's web ACL (`CLOUDFRONT` scope: deployed in us-east-1).
pub fn cdn_acl(env: &Environment, name: String) -> WebACL {
    let mode = env.waf.mode;
    let limits = &env.waf.rate_limits;
    let mut rules: Vec<Rule> = MANAGED_GROUPS
        .iter()
        .zip(0_i64..)
        .map(|((group, _), priority)| managed_rule(group, priority, mode))
        .collect();
    let next = rules.len() as i64;
    rules.push(rate_rule(
        "OrdersPerIp",
        next,
        limits.orders,
        mode,
        Some(order_creation()),
    ));
    rules.push(rate_rule(
        "RequestsPerIp",
        next + 1,
        limits.browse,
        mode,
        None,
    ));
    WebACL::new(
        DefaultAction::allowing(),
        WebACLScope::Cloudfront,
        visibility(&name),
    )
    .name(name)
    .description("Storefront and API: AWS managed rules and per-IP rate limits")
    .rules(rules)
}

/// The user pool's web ACL (`REGIONAL`): every request it sees is a sign-in, sign-up or token
/// call, so one per-IP limit covers them.
pub fn sign_in_acl(env: &Environment, name: String) -> WebACL {
    let rules = vec![
        managed_rule(MANAGED_GROUPS[0].0, 0, env.waf.mode),
        rate_rule(
            "SignInPerIp",
            1,
            env.waf.rate_limits.sign_in,
            env.waf.mode,
            None,
        ),
    ];
    WebACL::new(
        DefaultAction::allowing(),
        WebACLScope::Regional,
        visibility(&name),
    )
    .name(name)
    .description("Customer and staff sign-in: IP reputation and a per-IP rate limit")
    .rules(rules)
}

/// How many rules an ACL of this environment has (each is billed by the month).
pub fn rule_count(acl: &WebACL) -> usize {
    acl.rules.as_ref().map_or(0, Vec::len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::fixtures::prod;

    fn rendered(acl: &WebACL) -> serde_json::Value {
        serde_json::to_value(acl).unwrap_or_default()
    }

    #[test]
    fn block_mode_blocks_and_count_mode_only_counts() {
        let mut env = prod();
        let block = rendered(&cdn_acl(&env, "acl".into()));
        env.waf.mode = WafMode::Count;
        let count = rendered(&cdn_acl(&env, "acl".into()));
        let rules = |v: &serde_json::Value| v["Rules"].as_array().cloned().unwrap_or_default();
        assert_eq!(rules(&block).len(), MANAGED_GROUPS.len() + 2);
        for (b, c) in rules(&block).iter().zip(rules(&count).iter()) {
            if b.get("OverrideAction").is_some() {
                assert!(b["OverrideAction"].get("None").is_some(), "{b}");
                assert!(c["OverrideAction"].get("Count").is_some(), "{c}");
            } else {
                assert!(b["Action"].get("Block").is_some(), "{b}");
                assert!(c["Action"].get("Count").is_some(), "{c}");
            }
        }
    }

    #[test]
    fn order_creation_is_limited_more_strictly_than_browsing() {
        let env = prod();
        let acl = rendered(&cdn_acl(&env, "acl".into()));
        let rules = acl["Rules"].as_array().cloned().unwrap_or_default();
        let limit = |name: &str| {
            rules
                .iter()
                .find(|r| r["Name"] == name)
                .map(|r| r["Statement"]["RateBasedStatement"].clone())
                .unwrap_or_default()
        };
        let orders = limit("OrdersPerIp");
        assert_eq!(orders["Limit"], i64::from(env.waf.rate_limits.orders));
        assert_eq!(
            limit("RequestsPerIp")["Limit"],
            i64::from(env.waf.rate_limits.browse)
        );
        let scope = orders["ScopeDownStatement"]["AndStatement"]["Statements"].to_string();
        assert!(
            scope.contains("\"/api/orders\"") && scope.contains("\"POST\""),
            "{scope}"
        );
        let sign_in = rendered(&sign_in_acl(&env, "s".into()));
        assert_eq!(sign_in["Scope"], "REGIONAL");
        assert_eq!(
            sign_in["Rules"][1]["Statement"]["RateBasedStatement"]["Limit"],
            i64::from(env.waf.rate_limits.sign_in)
        );
    }
}
