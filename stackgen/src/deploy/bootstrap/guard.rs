//! The bootstrap template's guardrails: its assets bucket is private, encrypted and TLS-only
//! like every bucket of a product stack; no policy in it allows a wildcard action; and only
//! CloudFormation assumes its deploy role.
//!
//! The product stacks' rules that read an environment file (tags, budgets, logs, protection)
//! or that a CloudFormation service role cannot meet by design (its own resources are the
//! product stacks', which it creates: `Resource: *` on their services) do not apply.
//!
//! They sit beside the bootstrap template they check (and the CI roles' rules, `deploy::ci::guard`,
//! share its no-wildcard rule), so `crate::guard`, which `deploy` calls, never imports `deploy`.

use crate::guard::{Outcome, Report, Rule, RuleResult, buckets};
use crate::model::iam::{ManagedPolicy, Role};
use crate::model::{Effect, PolicyDocument, Principal, Template};

pub const NO_WILDCARD_ACTIONS: Rule = Rule {
    id: "bootstrap-named-actions",
    title: "the bootstrap's policies name every action (no `*`)",
};
pub const DEPLOY_ROLE_TRUST: Rule = Rule {
    id: "bootstrap-deploy-role-trust",
    title: "only CloudFormation assumes the deploy role",
};

/// Every bootstrap guardrail on the bootstrap template.
pub fn check_bootstrap(template: &Template) -> Report {
    Report {
        stack: super::BOOTSTRAP_STACK_NAME.to_owned(),
        environment: "(account and region)".to_owned(),
        results: vec![
            buckets::private(template),
            buckets::encrypted(template),
            buckets::tls_only(template),
            named_actions(template, NO_WILDCARD_ACTIONS),
            deploy_role_trust(template),
        ],
    }
}

/// No allowed statement of a role's inline policies or of a managed policy names a wildcard
/// action, reported under `rule` (the bootstrap's, or the CI roles' own).
pub(crate) fn named_actions(t: &Template, rule: Rule) -> RuleResult {
    let mut o = Outcome::new(rule);
    let check = |o: &mut Outcome, id: &str, doc: &PolicyDocument| {
        for st in doc.statement.iter().filter(|s| s.effect == Effect::Allow) {
            o.checked();
            if let Some(a) = st.action.iter().find(|a| a.contains('*')) {
                o.violation(
                    id,
                    format!("a statement allows the wildcard action `{a}`"),
                    "list the exact actions (the resource schemas' handler permissions)",
                );
            }
        }
    };
    for (id, role) in t.resources::<Role>() {
        for p in role.inline_policies() {
            check(&mut o, id.as_str(), &p.policy_document);
        }
    }
    for (id, p) in t.resources::<ManagedPolicy>() {
        check(&mut o, id.as_str(), &p.policy_document);
    }
    o.finish()
}

fn deploy_role_trust(t: &Template) -> RuleResult {
    let mut o = Outcome::new(DEPLOY_ROLE_TRUST);
    for (id, role) in t.resources::<Role>() {
        o.checked();
        let only_cloudformation = role.assume_role_policy_document.statement.iter().all(|st| {
            matches!(&st.principal, Some(Principal::Service(s)) if s == &["cloudformation.amazonaws.com"])
        });
        if !only_cloudformation {
            o.violation(
                id.as_str(),
                "the role trusts a principal other than cloudformation.amazonaws.com",
                "let only cloudformation.amazonaws.com assume the deploy role",
            );
        }
    }
    o.finish()
}
