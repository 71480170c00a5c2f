//! No ghost spend: resource types that bill by the hour whether or not anyone uses them are
//! refused, unless the environment file allows the type explicitly, with a reason. Which types
//! those are is the model's table (`stackgen_model::billing`), shared with the cost estimator.

use super::{Outcome, Rule, RuleResult, Subject};

pub const RULE: Rule = Rule {
    id: "no-ghost-spend",
    title: "no always-on (hourly billed) resources unless the environment allows them with a reason",
};

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    let file = s.env.file_name();
    for e in s.template.entries() {
        o.checked();
        let ty = e.resource_type();
        let Some(always_on) = stackgen_model::always_on(ty) else {
            continue;
        };
        let allowance = s.env.allow_always_on.iter().find(|a| a.resource_type == ty);
        match allowance {
            Some(a) if !a.reason.trim().is_empty() => {
                o.note(format!("{} ({ty}) allowed: {}", e.id(), a.reason.trim()));
            }
            Some(_) => o.violation(
                e.id().as_str(),
                format!("{ty} is allowed in {file} without a reason"),
                format!("give the allow_always_on entry for {ty} a reason, or remove the resource"),
            ),
            None => o.violation(
                e.id().as_str(),
                format!("{ty} bills by the hour even when idle ({})", always_on.bills),
                format!(
                    "use a pay-per-request alternative, or allow it in {file}: `allow_always_on: [{{resource_type: {ty}, reason: …}}]`"
                ),
            ),
        }
    }
    o.finish()
}
