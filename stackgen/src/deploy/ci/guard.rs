//! The CI roles' guardrails (`stackgen bootstrap --github`): no wildcard action; each role trusts
//! only GitHub's OIDC provider, for the `sts.amazonaws.com` audience and the exact subjects of
//! one repository (`StringEquals`, no `*`); the review role only reads.
//!
//! They sit beside the CI stack they check, not in `crate::guard`: they read this stack's role
//! ids and trust, and the guard module, which `deploy` calls, stays free of `deploy`. They
//! share the bootstrap's no-wildcard check (`deploy::bootstrap::guard::named_actions`), under
//! a rule id of their own.

use super::template::{DEPLOY_ROLE_ID, REVIEW_ROLE_ID};
use super::{AUDIENCE, GitHubTrust, ISSUER_HOST};
use crate::deploy::bootstrap::guard::named_actions;
use crate::deploy::bootstrap::is_read_action;
use crate::guard::{Outcome, Report, Rule, RuleResult};
use crate::model::iam::Role;
use crate::model::{Operator, Principal, Statement, Template};

pub const CI_NAMED_ACTIONS: Rule = Rule {
    id: "ci-roles-named-actions",
    title: "the CI roles' policies name every action (no `*`)",
};
pub const CI_TRUST: Rule = Rule {
    id: "ci-roles-trust",
    title: "only the named GitHub repository's workflows assume the CI roles",
};
pub const REVIEW_READ_ONLY: Rule = Rule {
    id: "ci-review-read-only",
    title: "the review role only reads",
};

/// Every CI guardrail on the CI stack's template.
pub fn check_ci_roles(template: &Template, trust: &GitHubTrust) -> Report {
    Report {
        stack: format!("CI roles of {}", trust.repository),
        environment: "(account)".to_owned(),
        results: vec![
            named_actions(template, CI_NAMED_ACTIONS),
            trusts(template, trust),
            review_read_only(template),
        ],
    }
}

fn trusts(t: &Template, trust: &GitHubTrust) -> RuleResult {
    let mut o = Outcome::new(CI_TRUST);
    for (id, expected) in [
        (REVIEW_ROLE_ID, trust.review_subjects()),
        (DEPLOY_ROLE_ID, trust.deploy_subjects()),
    ] {
        o.checked();
        let Some(role) = t.entry_named(id).and_then(|e| e.downcast::<Role>()) else {
            o.violation(id, "the role is missing", "render both CI roles");
            continue;
        };
        let statements = &role.assume_role_policy_document.statement;
        if statements.is_empty() || !statements.iter().all(|s| exact(s, &expected)) {
            o.violation(
                id,
                format!(
                    "the trust policy is not exactly: GitHub's OIDC provider, audience \
                     {AUDIENCE}, subjects {expected:?}"
                ),
                "build the trust with Statement::trust_web_identity and the GitHubTrust's subjects",
            );
        }
    }
    o.finish()
}

/// A web-identity statement with exactly the audience and the subjects, compared whole.
fn exact(s: &Statement, subjects: &[String]) -> bool {
    let key = |k: &str| format!("{ISSUER_HOST}:{k}");
    let values = |k: &str| -> Option<Vec<String>> {
        let c = s.condition.iter().find(|c| c.key == key(k))?;
        (c.operator == Operator::StringEquals).then(|| {
            c.values
                .iter()
                .map(|v| v.literal_text().unwrap_or("<not a literal>").to_owned())
                .collect()
        })
    };
    matches!(s.principal, Some(Principal::Federated(_)))
        && s.action == ["sts:AssumeRoleWithWebIdentity"]
        && s.condition.len() == 2
        && values("aud") == Some(vec![AUDIENCE.to_owned()])
        && values("sub").as_deref() == Some(subjects)
        && subjects
            .iter()
            .all(|v| !v.contains('*') && !v.contains('?'))
}

fn review_read_only(t: &Template) -> RuleResult {
    let mut o = Outcome::new(REVIEW_READ_ONLY);
    if let Some(role) = t
        .entry_named(REVIEW_ROLE_ID)
        .and_then(|e| e.downcast::<Role>())
    {
        for p in role.inline_policies() {
            for a in p.policy_document.statement.iter().flat_map(|s| &s.action) {
                o.checked();
                if !is_read_action(a) {
                    o.violation(
                        REVIEW_ROLE_ID,
                        format!("the review role may `{a}`, which is not a read"),
                        "give the review role only Describe/Get/List/View actions",
                    );
                }
            }
        }
    }
    o.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::ci::{Repository, typed};
    use crate::model::Value;

    fn fixture() -> (Template, GitHubTrust) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
        let env = crate::env::load_named(&dir, "prod").unwrap_or_else(|e| panic!("{e}"));
        let repo = Repository::parse("grocer-co/store").unwrap_or_else(|e| panic!("{e}"));
        let trust =
            GitHubTrust::new(repo, "main", vec!["prod".into()]).unwrap_or_else(|e| panic!("{e}"));
        (typed(&env, &trust, crate::model::Tags::new()), trust)
    }

    /// The template as the JSON CloudFormation would receive.
    fn rendered(t: &Template) -> serde_json::Value {
        let text = t
            .render(crate::model::Format::Json)
            .unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn change_role(t: &mut Template, id: &str, change: fn(&mut Role)) {
        assert!(
            t.change::<Role, _>(id, &change, |r, change| change(r)),
            "{id}"
        );
    }

    #[test]
    fn the_rendered_roles_pass() {
        let (t, trust) = fixture();
        let report = check_ci_roles(&t, &trust);
        assert!(
            report.passed(),
            "{:?}",
            report.violations().collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_wider_subject_or_a_write_in_the_review_role_is_refused() {
        let (mut t, trust) = fixture();
        change_role(&mut t, DEPLOY_ROLE_ID, |r| {
            r.assume_role_policy_document.statement[0].condition[1].values =
                vec![Value::from("repo:grocer-co/*:environment:prod")]
        });
        change_role(&mut t, REVIEW_ROLE_ID, |r| {
            r.inline_policies_mut()[0].policy_document.statement[0]
                .action
                .push("s3:PutObject".to_owned())
        });
        let report = check_ci_roles(&t, &trust);
        let rules: Vec<&str> = report.violations().map(|v| v.rule).collect();
        assert_eq!(rules, [CI_TRUST.id, REVIEW_READ_ONLY.id], "{rules:?}");
    }

    #[test]
    fn a_wildcard_action_is_refused_under_the_ci_rule() {
        let (mut t, trust) = fixture();
        change_role(&mut t, DEPLOY_ROLE_ID, |r| {
            r.inline_policies_mut()[0].policy_document.statement[0]
                .action
                .push("cloudformation:*".to_owned())
        });
        let report = check_ci_roles(&t, &trust);
        let found: Vec<(&str, &str)> = report
            .violations()
            .map(|v| (v.rule, v.resource.as_str()))
            .collect();
        assert_eq!(found, [(CI_NAMED_ACTIONS.id, DEPLOY_ROLE_ID)], "{found:?}");
    }

    /// Only an environment that loads the demo catalog may write its tables from CI: prod's
    /// deploy role cannot touch its orders and carts.
    #[test]
    fn only_a_demo_environment_may_load_the_catalog() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
        for (name, demo) in [("prod", false), ("dev", true)] {
            let env = crate::env::load_named(&dir, name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(env.features.demo_data, demo, "{name}");
            let repo = Repository::parse("grocer-co/store").unwrap_or_else(|e| panic!("{e}"));
            let trust =
                GitHubTrust::new(repo, "main", vec![name.into()]).unwrap_or_else(|e| panic!("{e}"));
            let text = typed(&env, &trust, crate::model::Tags::new())
                .render(crate::model::Format::Json)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(text.contains("LoadTheDemoCatalog"), demo, "{name}");
        }
    }

    /// The deploy role adds zips to the shared asset bucket but cannot replace one: its puts
    /// must carry `If-None-Match: *`.
    #[test]
    fn the_deploy_role_only_adds_assets() {
        let json = rendered(&fixture().0);
        let statements = &json["Resources"][DEPLOY_ROLE_ID]["Properties"]["Policies"][0]["PolicyDocument"]
            ["Statement"];
        let puts: Vec<&serde_json::Value> = statements
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["Action"].to_string().contains("s3:PutObject"))
            .filter(|s| s["Resource"].to_string().contains("AssetsBucket"))
            .collect();
        assert_eq!(puts.len(), 1, "{statements}");
        assert_eq!(
            puts[0]["Condition"],
            serde_json::json!({"StringEquals": {"s3:if-none-match": "*"}})
        );
    }

    #[test]
    fn an_environment_with_a_global_stack_may_deploy_it_in_us_east_1() {
        let json = rendered(&fixture().0);
        assert!(json["Parameters"]["GlobalCloudFormationRoleArn"].is_object());
        let policy =
            &json["Resources"][DEPLOY_ROLE_ID]["Properties"]["Policies"][0]["PolicyDocument"];
        let statement = |sid: &str| -> String {
            policy["Statement"]
                .as_array()
                .and_then(|all| all.iter().find(|s| s["Sid"] == sid))
                .map(|s| s["Resource"].to_string())
                .unwrap_or_else(|| panic!("no statement {sid}: {policy}"))
        };
        assert!(
            statement("ChangeSets").contains(":cloudformation:us-east-1:")
                && statement("ChangeSets").contains(":stack/grocer-prod-global/*"),
            "{}",
            statement("ChangeSets")
        );
        assert!(statement("PassTheServiceRole").contains("GlobalCloudFormationRoleArn"));
        assert!(statement("FindTheBootstrap").contains("us-east-1"));
        let review =
            &json["Resources"][REVIEW_ROLE_ID]["Properties"]["Policies"][0]["PolicyDocument"];
        assert!(review.to_string().contains(":stack/grocer-prod-global/*"));
        // dev has no global stack: nothing in us-east-1.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
        let dev = crate::env::load_named(&dir, "dev").unwrap_or_else(|e| panic!("{e}"));
        let trust = GitHubTrust::new(
            Repository::parse("grocer-co/store").unwrap_or_else(|e| panic!("{e}")),
            "main",
            vec!["dev".into()],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let text = typed(&dev, &trust, crate::model::Tags::new())
            .render(crate::model::Format::Json)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!text.contains("GlobalCloudFormationRoleArn"), "{text}");
        // Only a global stack left by a domain or web ACL since removed: read, and deleted.
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let deploy = json["Resources"][DEPLOY_ROLE_ID]["Properties"]["Policies"][0]
            ["PolicyDocument"]["Statement"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for s in &deploy {
            let east = s["Resource"].to_string().contains("us-east-1");
            assert_eq!(east, s["Sid"] == "RetireTheGlobalStack", "{s}");
        }
        let retire = deploy
            .iter()
            .find(|s| s["Sid"] == "RetireTheGlobalStack")
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(
            retire.contains(":stack/grocer-dev-global/*") && retire.contains("DeleteStack"),
            "{retire}"
        );
    }
}
