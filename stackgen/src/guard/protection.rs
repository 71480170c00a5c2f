//! Production keeps its data and cannot be deleted by accident (termination protection,
//! business tables retained on delete and replacement); every other environment is fully
//! deletable, so `destroy` leaves nothing behind that keeps billing.

use retail_spec::TABLES;

use super::{Outcome, Rule, RuleResult, Subject};
use crate::model::dynamodb::Table;
use crate::stack::ids;

pub const RULE: Rule = Rule {
    id: "protection",
    title: "prod: termination protection and data retained; elsewhere: everything deletable",
};

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    let file = s.env.file_name();
    if s.production() {
        check_production(s, &file, &mut o);
    }
    if s.env.protection.retain_data {
        check_data_retained(s, &mut o);
    } else {
        check_deletable(s, &file, &mut o);
    }
    o.finish()
}

/// Production turns every protection on, and the stack carries termination protection.
fn check_production(s: &Subject, file: &str, o: &mut Outcome) {
    let p = &s.env.protection;
    for (flag, on) in [
        ("termination_protection", p.termination_protection),
        ("retain_data", p.retain_data),
        ("point_in_time_recovery", p.point_in_time_recovery),
    ] {
        o.checked();
        if !on {
            o.violation(
                "(environment)",
                format!(
                    "{} is a production environment but protection.{flag} is off",
                    s.env.name
                ),
                format!("set protection.{flag}: true in {file}"),
            );
        }
    }
    o.checked();
    if p.termination_protection && !s.termination_protection {
        o.violation(
            s.stack_name,
            "the environment asks for termination protection but the stack would be deployed without it",
            "build the stack with stack::build, which sets RetailStack::termination_protection from protection.termination_protection",
        );
    }
}

/// Every business table is declared and kept on delete and on replacement.
fn check_data_retained(s: &Subject, o: &mut Outcome) {
    for spec in TABLES.iter().filter(|t| t.business_data) {
        o.checked();
        let id = ids::table(spec);
        let Some(entry) = s.template.entry_named(&id) else {
            o.violation(
                &id,
                "the business table is missing from the stack",
                "declare every table of retail_spec::TABLES",
            );
            continue;
        };
        let retained = |p: Option<crate::model::DeletionPolicy>| p.is_some_and(|p| p.keeps_data());
        if !retained(entry.options.deletion_policy)
            || !retained(entry.options.update_replace_policy)
        {
            o.violation(
                &id,
                "business data would be deleted with the stack or on replacement",
                "keep the data: DeletionPolicy RetainExceptOnCreate and UpdateReplacePolicy Retain (Options::retain_data)",
            );
        }
    }
}

/// Nothing outlives `destroy`: no termination protection, no retained resource, no table with
/// deletion protection.
fn check_deletable(s: &Subject, file: &str, o: &mut Outcome) {
    if s.termination_protection {
        o.checked();
        o.violation(
            s.stack_name,
            "termination protection is on in an environment whose data is not retained",
            format!(
                "turn protection.termination_protection off in {file}, or treat it as production"
            ),
        );
    }
    for e in s.template.entries() {
        o.checked();
        let keeps = [e.options.deletion_policy, e.options.update_replace_policy]
            .into_iter()
            .flatten()
            .any(|p| p.keeps_data());
        if keeps {
            o.violation(
                e.id().as_str(),
                format!(
                    "{} would outlive `destroy` (DeletionPolicy/UpdateReplacePolicy keeps it)",
                    e.resource_type()
                ),
                format!("use DeletionPolicy Delete outside production, or set protection.retain_data in {file}"),
            );
        }
        if e.downcast::<Table>()
            .is_some_and(|t| t.deletion_protection())
        {
            o.violation(
                e.id().as_str(),
                "deletion protection blocks `destroy`",
                "set DeletionProtectionEnabled: false outside production",
            );
        }
    }
}
