//! Tables are on demand (no idle cost) and have point-in-time recovery in production.

use super::{Outcome, Rule, RuleResult, Subject};
use crate::model::dynamodb::Table;

pub const ON_DEMAND: Rule = Rule {
    id: "tables-on-demand",
    title: "DynamoDB tables bill per request",
};
pub const PITR: Rule = Rule {
    id: "tables-pitr",
    title: "DynamoDB tables have point-in-time recovery in production",
};

pub fn check_on_demand(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(ON_DEMAND);
    for (id, t) in s.template.resources::<Table>() {
        o.checked();
        if !t.on_demand() {
            o.violation(
                id.as_str(),
                "provisioned capacity bills by the hour whether used or not",
                "set BillingMode: PAY_PER_REQUEST",
            );
        }
    }
    o.finish()
}

pub fn check_pitr(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(PITR);
    let required = s.production() || s.env.protection.point_in_time_recovery;
    if !required {
        o.note(format!(
            "not required: {} is not a production environment",
            s.env.name
        ));
    }
    for (id, t) in s.template.resources::<Table>() {
        o.checked();
        if required && !t.point_in_time_recovery() {
            o.violation(
                id.as_str(),
                "point-in-time recovery is off",
                format!(
                    "set protection.point_in_time_recovery: true in {}",
                    s.env.file_name()
                ),
            );
        }
    }
    o.finish()
}
