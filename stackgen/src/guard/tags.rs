//! Required tags (`Project`, `Env`, `Owner`, `CostCenter`) on every taggable resource, with
//! `Env` equal to the environment: budgets, cost reports and destroy's leftover check select
//! resources by these tags, so an untagged resource is invisible spend.

use super::{Outcome, Rule, RuleResult, Subject};

pub const RULE: Rule = Rule {
    id: "required-tags",
    title: "Project, Env, Owner and CostCenter on every taggable resource; Env matches the environment",
};

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    let env = s.env;
    if env.tags.env != env.name {
        o.violation(
            "(environment)",
            format!(
                "tags.Env is `{}` but the environment is `{}`",
                env.tags.env, env.name
            ),
            format!("set `tags: Env: {}` in {}", env.name, env.file_name()),
        );
    }
    let expected = [
        ("Project", env.tags.project.as_str()),
        ("Env", env.name.as_str()),
        ("Owner", env.tags.owner.as_str()),
        ("CostCenter", env.tags.cost_center.as_str()),
    ];
    for e in s.template.entries() {
        let Some(tags) = e.resource().tags() else {
            // Taggable per AWS's resource schema (stackgen-model's facts).
            let taggable =
                stackgen_model::facts(e.resource_type()).is_some_and(|f| f.tagging.is_taggable());
            if taggable {
                o.checked();
                o.violation(
                    e.id().as_str(),
                    format!("{} is taggable but the resource carries no tags", e.resource_type()),
                    "give the model struct a `tags: Tags` field and declare it with `resource!(…, tags = tags)`",
                );
            }
            continue;
        };
        o.checked();
        for (key, want) in expected {
            match tags.get(key) {
                None => o.violation(
                    e.id().as_str(),
                    format!("missing tag {key}"),
                    format!("tag it {key}={want} (Draft::add sets the required tags; do not remove them afterwards)"),
                ),
                Some(got) if got != want => o.violation(
                    e.id().as_str(),
                    format!("tag {key} is `{got}`, the environment says `{want}`"),
                    format!("tag it {key}={want}"),
                ),
                Some(_) => {}
            }
        }
    }
    o.finish()
}
