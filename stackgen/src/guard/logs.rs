//! Every function has its own log group, declared in the template, with the environment's
//! retention. Otherwise Lambda creates `/aws/lambda/<name>` itself on first invocation: kept
//! forever, billed forever, and left behind after the stack is destroyed.

use std::collections::BTreeMap;

use super::{Outcome, Rule, RuleResult, Subject};
use crate::model::Value;
use crate::model::lambda::Function;
use crate::model::logs::LogGroup;

pub const RULE: Rule = Rule {
    id: "function-log-groups",
    title: "every function logs to its own declared log group with the environment's retention",
};

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    let days = s.env.log_retention_days;
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for (id, f) in s.template.resources::<Function>() {
        o.checked();
        let target = f
            .logging_config
            .as_ref()
            .and_then(|l| l.log_group.as_ref()?.as_ref_id())
            .filter(|lg| s.template.get::<LogGroup>(lg).is_some());
        let Some(lg) = target else {
            o.violation(
                id.as_str(),
                "the function has no LoggingConfig pointing at a log group declared in this stack",
                "declare an AWS::Logs::LogGroup for it and set LoggingConfig.LogGroup to that group's Ref",
            );
            continue;
        };
        if let Some(other) = owners.insert(lg.as_str().to_owned(), id.as_str().to_owned()) {
            o.violation(
                id.as_str(),
                format!("shares log group {lg} with {other}"),
                "give every function its own log group",
            );
        }
    }
    for (id, lg) in s.template.resources::<LogGroup>() {
        o.checked();
        let retention = lg.retention_in_days.as_ref().and_then(Value::as_lit);
        if retention != Some(&i64::from(days)) {
            let said = retention.map_or_else(
                || "not set (never expire)".to_owned(),
                |d| format!("{d} days"),
            );
            o.violation(
                id.as_str(),
                format!("retention is {said}, the environment says {days}"),
                format!(
                    "set RetentionInDays to {days} (log_retention_days in {})",
                    s.env.file_name()
                ),
            );
        }
    }
    o.finish()
}
