//! The web ACLs: one in front of the CDN (scope CLOUDFRONT, so it lives in us-east-1, in the
//! environment's global stack) and one on the user pool (scope REGIONAL, in the main stack),
//! because sign-in goes from the browser to Cognito directly and never passes the CDN.
//!
//! The CDN's ACL runs AWS's managed rule groups (IP reputation, common rules, known bad inputs),
//! the common rules' body size limit everywhere but the one route whose documented bodies are
//! larger, and two rate limits per client IP: order creation (`POST /api/orders`, each order
//! reserves stock) and everything. The user pool's ACL limits every public call of the pool
//! (sign-in, sign-up, token refresh, …) per IP. In `waf.mode: count` every rule counts instead
//! of blocking, to try rules on real traffic first.

use retail_spec::{API_STAGE, PLACE_ORDER, PUT_INVENTORY, Route};

use crate::env::{Environment, WafMode};
use crate::model::wafv2::{
    AggregateKeyType, AndStatement, ByteMatchStatement, DefaultAction, FieldToMatch,
    LabelMatchScope, LabelMatchStatement, ManagedRuleGroupStatement, NotStatement, OverrideAction,
    PositionalConstraint, RateBasedStatement, Rule, RuleAction, RuleActionOverride, Statement,
    VisibilityConfig, WebACL, WebACLScope,
};

/// The managed rule groups of the CDN's ACL, in evaluation order, with their capacity (WCU;
/// "AWS Managed Rules rule groups list":
/// <https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html>).
pub const MANAGED_GROUPS: &[(&str, u32)] = &[
    ("AWSManagedRulesAmazonIpReputationList", 25),
    ("AWSManagedRulesCommonRuleSet", 700),
    ("AWSManagedRulesKnownBadInputsRuleSet", 200),
];

/// The core rule set's rule that blocks a request body over 8 KB, and the label it adds to the
/// request whatever its action ("Baseline rule groups", core rule set (CRS):
/// <https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html>).
/// `PUT /api/inventory` takes up to 100 products (64 KiB) in one batch, so the rule only counts
/// inside the group, and [`large_bodies`] blocks on its label everywhere else: AWS's way to make
/// an exception to a managed rule ("AWS WAF rules that match labels":
/// <https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-label-match.html>).
const BODY_SIZE_RULE: &str = "SizeRestrictions_BODY";
const BODY_SIZE_LABEL: &str = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body";

/// The one route whose documented bodies may pass 8 KB.
const LARGE_BODY_ROUTE: &Route = &PUT_INVENTORY;

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
    Rule::new(
        name.to_owned(),
        priority,
        Statement::new().rate_based_statement(rate),
        visibility(name),
    )
    .action(action(mode))
}

fn action(mode: WafMode) -> RuleAction {
    match mode {
        WafMode::Block => RuleAction::blocking(),
        WafMode::Count => RuleAction::counting(),
    }
}

fn managed_rule(group: &str, priority: i64, mode: WafMode) -> Rule {
    let override_action = match mode {
        WafMode::Block => OverrideAction::keep(),
        WafMode::Count => OverrideAction::count_only(),
    };
    let mut statement = ManagedRuleGroupStatement::new(group.to_owned(), "AWS");
    if group == "AWSManagedRulesCommonRuleSet" {
        statement = statement.rule_action_overrides([RuleActionOverride::new(
            RuleAction::counting(),
            BODY_SIZE_RULE,
        )]);
    }
    Rule::new(
        group.to_owned(),
        priority,
        Statement::new().managed_rule_group_statement(statement),
        visibility(group),
    )
    .override_action(override_action)
}

/// A request to `route` (exact path and method), as the CDN sees its path.
fn request_to(route: &Route) -> Statement {
    let path = format!("/{API_STAGE}{}", route.path);
    Statement::new().and_statement(AndStatement::new([
        Statement::new().byte_match_statement(ByteMatchStatement::plain(
            FieldToMatch::uri_path_only(),
            PositionalConstraint::Exactly,
            path,
        )),
        Statement::new().byte_match_statement(ByteMatchStatement::plain(
            FieldToMatch::method_only(),
            PositionalConstraint::Exactly,
            route.method.as_str(),
        )),
    ]))
}

/// A body over 8 KB (the core rule set's label, see [`BODY_SIZE_RULE`]) on any request but one
/// to [`LARGE_BODY_ROUTE`]; the API itself refuses a body over 64 KiB (413).
fn large_bodies(priority: i64, mode: WafMode) -> Rule {
    let statement = Statement::new().and_statement(AndStatement::new([
        Statement::new().label_match_statement(LabelMatchStatement::new(
            BODY_SIZE_LABEL,
            LabelMatchScope::Label,
        )),
        Statement::new().not_statement(NotStatement::new(request_to(LARGE_BODY_ROUTE))),
    ]));
    Rule::new(
        "LargeBodies".to_owned(),
        priority,
        statement,
        visibility("LargeBodies"),
    )
    .action(action(mode))
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
    rules.push(large_bodies(next, mode));
    rules.push(rate_rule(
        "OrdersPerIp",
        next + 1,
        limits.orders,
        mode,
        Some(request_to(&PLACE_ORDER)),
    ));
    rules.push(rate_rule(
        "RequestsPerIp",
        next + 2,
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

/// The user pool's web ACL (`REGIONAL`): it sees every public call of the pool — sign-in,
/// sign-up, token refresh, reading the account, sign-out ("AWS WAF inspects requests to …
/// Public API operations", Amazon Cognito Developer Guide, "Associate an AWS WAF web ACL with a
/// user pool": <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html>)
/// — and one per-IP limit covers them all, which also keeps one client from spending the
/// pool's request quotas.
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
        assert_eq!(rules(&block).len(), MANAGED_GROUPS.len() + 3);
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
    fn a_large_body_is_refused_except_on_the_inventory_batch() {
        let acl = rendered(&cdn_acl(&prod(), "acl".into()));
        let rules = acl["Rules"].as_array().cloned().unwrap_or_default();
        let crs = rules
            .iter()
            .find(|r| r["Name"] == "AWSManagedRulesCommonRuleSet")
            .cloned()
            .unwrap_or_default();
        let overrides = &crs["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"];
        assert_eq!(
            overrides,
            &serde_json::json!([{"ActionToUse": {"Count": {}}, "Name": "SizeRestrictions_BODY"}])
        );
        let position = |name: &str| rules.iter().position(|r| r["Name"] == name);
        let large = position("LargeBodies").unwrap_or(0);
        assert!(
            position("AWSManagedRulesCommonRuleSet") < Some(large),
            "the label rule must run after the group that labels"
        );
        let rule = &rules[large];
        assert!(rule["Action"].get("Block").is_some(), "{rule}");
        let both = &rule["Statement"]["AndStatement"]["Statements"];
        assert_eq!(both[0]["LabelMatchStatement"]["Key"], BODY_SIZE_LABEL);
        assert_eq!(both[0]["LabelMatchStatement"]["Scope"], "LABEL");
        let except = both[1]["NotStatement"]["Statement"].to_string();
        assert!(
            except.contains("\"/api/inventory\"") && except.contains("\"PUT\""),
            "{except}"
        );
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
