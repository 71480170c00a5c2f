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
//!
//! Each ACL logs what its rules did ([`log_decisions`]): every request a rule blocked, counted
//! or challenged, to a log group of its own, and nothing of what passed untouched.

use retail_spec::{API_STAGE, PLACE_ORDER, PUT_INVENTORY, Route};

use crate::env::{Environment, WafMode};
use crate::model::logs::{LogGroup, QueryDefinition};
use crate::model::wafv2::{
    ActionCondition, ActionConditionAction, AggregateKeyType, AndStatement, ByteMatchStatement,
    DefaultAction, FieldToMatch, LabelMatchScope, LabelMatchStatement, LogDefaultBehavior,
    LogFilter, LogFilterBehavior, LogFilterCondition, LogFilterRequirement, LoggedField,
    LoggedHeader, LoggingConfiguration, LoggingFilter, ManagedRuleGroupStatement, NotStatement,
    OverrideAction, PositionalConstraint, RateBasedStatement, Rule, RuleAction, RuleActionOverride,
    Statement, VisibilityConfig, WebACL, WebACLScope,
};
use crate::model::{Draft, Handle, pascal_case};

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

/// WAF's own prefix for a log group it may write to: "The name that you give the destination
/// must start with `aws-waf-logs-`" (AWS::WAFv2::LoggingConfiguration:
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-loggingconfiguration.html>).
pub const LOG_GROUP_PREFIX: &str = "aws-waf-logs-";

/// The rule actions whose requests are logged: what a rule did to a request, never a plain
/// pass. `EXCLUDED_AS_COUNT` is a managed rule whose action is overridden to count (the body
/// size rule): "matches on excluded rules and also on rules that have a rule action override of
/// Count" (WAF API Reference, ActionCondition:
/// <https://docs.aws.amazon.com/waf/latest/APIReference/API_ActionCondition.html>).
const LOGGED_ACTIONS: &[ActionConditionAction] = &[
    ActionConditionAction::Block,
    ActionConditionAction::Count,
    ActionConditionAction::Captcha,
    ActionConditionAction::Challenge,
    ActionConditionAction::ExcludedAsCount,
];

/// The runbook's saved Logs Insights queries over a web ACL's log group (WAF's log fields:
/// "Log fields for web ACL traffic",
/// <https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html>): who and what was
/// stopped most in the period, and the latest requests stopped, each with the rule that did it.
/// `action` is the terminating action and `terminatingRuleId` the web ACL's rule (for a managed
/// group, the group: its rule is `ruleGroupList.0.terminatingRule.ruleId`); a rule that only
/// counts (`waf.mode: count`) leaves `action` at ALLOW and shows in `nonTerminatingMatchingRules`
/// (or, inside a managed group, `ruleGroupList.0.nonTerminatingMatchingRules`).
pub const WAF_TOP_QUERY: &str = "stats count(*) as requests by action, terminatingRuleId, ruleGroupList.0.terminatingRule.ruleId, nonTerminatingMatchingRules.0.ruleId, ruleGroupList.0.nonTerminatingMatchingRules.0.ruleId, httpRequest.clientIp\n\
| sort requests desc\n\
| limit 25";
pub const WAF_RECENT_QUERY: &str = "fields @timestamp, action, terminatingRuleId, ruleGroupList.0.terminatingRule.ruleId, nonTerminatingMatchingRules.0.ruleId, ruleGroupList.0.nonTerminatingMatchingRules.0.ruleId, httpRequest.clientIp, httpRequest.country, httpRequest.httpMethod, httpRequest.uri\n\
| sort @timestamp desc\n\
| limit 100";

/// Request headers that carry a customer's credentials, replaced by `REDACTED` in the logs.
const REDACTED_HEADERS: &[&str] = &["authorization", "cookie"];

/// Where an ACL's decisions go: its template's logical-id stem, the stack's name and the ACL's
/// short name (the saved queries' `<stack>/waf/<short>/…`), and its physical name (the log group
/// `aws-waf-logs-<physical>`).
pub(super) struct AclLogs<'a> {
    pub id: &'a str,
    pub stack: &'a str,
    pub short: &'a str,
    pub physical: &'a str,
    pub retention_days: u32,
}

/// `acl`'s decisions, logged to the log group `aws-waf-logs-<physical>` kept `retention_days`
/// and read by two saved queries (`<stack>/waf/<short>/top` and `…/recent`): only the
/// requests a rule blocked, counted or challenged (a filter that keeps [`LOGGED_ACTIONS`] and
/// drops the rest, so an idle or well-behaved store logs nothing and costs nothing), with the
/// [`REDACTED_HEADERS`] redacted. WAF adds the log group's resource policy for its log delivery
/// itself ("For an Amazon CloudWatch Logs log group, AWS WAF creates a resource policy on the log
/// group", same page). The destination is the log group's ARN without the `:*` that `GetAtt Arn`
/// ends with.
pub(super) fn log_decisions(
    template: &mut Draft,
    acl: &Handle<WebACL>,
    logs: &AclLogs,
) -> Handle<LoggingConfiguration> {
    let AclLogs {
        id,
        stack,
        short,
        physical,
        retention_days,
    } = *logs;
    let group = template.add_with(
        &format!("{id}LogGroup"),
        LogGroup::new()
            .log_group_name(format!("{LOG_GROUP_PREFIX}{physical}"))
            .retention_in_days(i64::from(retention_days)),
        super::log_group_options(),
    );
    for (suffix, query) in [("top", WAF_TOP_QUERY), ("recent", WAF_RECENT_QUERY)] {
        template.add(
            &format!("{id}{}Query", pascal_case(suffix)),
            QueryDefinition::new(format!("{stack}/waf/{short}/{suffix}"), query)
                .log_group_names(vec![group.name().into()]),
        );
    }
    let destination = group.delivery_arn();
    let kept = LogFilter::new(
        LogFilterBehavior::Keep,
        LOGGED_ACTIONS
            .iter()
            .map(|a| LogFilterCondition::new().action_condition(ActionCondition::new(*a)))
            .collect::<Vec<_>>(),
        LogFilterRequirement::MeetsAny,
    );
    let redacted: Vec<LoggedField> = REDACTED_HEADERS
        .iter()
        .map(|h| LoggedField::new().single_header(LoggedHeader::new(*h)))
        .collect();
    template.add(
        &format!("{id}Logging"),
        LoggingConfiguration::new(vec![destination], acl.arn())
            .logging_filter(LoggingFilter::new(LogDefaultBehavior::Drop, vec![kept]))
            .redacted_fields(redacted),
    )
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

    #[test]
    fn an_acl_logs_only_what_its_rules_did_with_credentials_redacted() {
        let env = prod();
        let (t, ()) =
            crate::model::Template::build("t", crate::model::Tags::new(), &env, |t, env| {
                let acl = t.add("Acl", cdn_acl(env, "acl".into()));
                log_decisions(
                    t,
                    &acl,
                    &AclLogs {
                        id: "Acl",
                        stack: "grocer-prod",
                        short: "cdn",
                        physical: "grocer-prod-cdn",
                        retention_days: 30,
                    },
                );
            });
        let d = t.document().unwrap_or_default();
        let group = &d["Resources"]["AclLogGroup"]["Properties"];
        assert_eq!(group["LogGroupName"], "aws-waf-logs-grocer-prod-cdn");
        assert_eq!(group["RetentionInDays"], 30);
        let logging = &d["Resources"]["AclLogging"]["Properties"];
        assert_eq!(
            logging["LogDestinationConfigs"][0]["Fn::Sub"],
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${AclLogGroup}",
            "the log group's ARN without GetAtt's `:*`"
        );
        let filter = &logging["LoggingFilter"];
        assert_eq!(filter["DefaultBehavior"], "DROP", "a pass is not logged");
        let kept: Vec<&str> = filter["Filters"][0]["Conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["ActionCondition"]["Action"].as_str())
            .collect();
        assert_eq!(
            kept,
            [
                "BLOCK",
                "COUNT",
                "CAPTCHA",
                "CHALLENGE",
                "EXCLUDED_AS_COUNT"
            ]
        );
        assert!(!kept.contains(&"ALLOW"));
        assert_eq!(
            logging["RedactedFields"],
            serde_json::json!([{"SingleHeader": {"Name": "authorization"}}, {"SingleHeader": {"Name": "cookie"}}])
        );
        for q in ["AclTopQuery", "AclRecentQuery"] {
            assert_eq!(
                d["Resources"][q]["Properties"]["LogGroupNames"],
                serde_json::json!([{"Ref": "AclLogGroup"}]),
                "{q}"
            );
        }
    }
}
