//! Every role of the stack carries the account's permissions boundary (`stack::boundary`), so
//! what it may do is capped by what the store's functions need, whatever its inline policy
//! says; and the deploy role, which may only create roles with that boundary, cannot deploy a
//! stack that lacks it. A role trusts only the services the stack hands roles to (IAM cannot
//! condition what a trust policy says, so this rule is where an outside account or user is
//! kept from assuming a product role).

use super::{Outcome, Rule, RuleResult, Subject};
use crate::model::iam::Role;
use crate::model::{Principal, Value};
use crate::stack::boundary;

pub const RULE: Rule = Rule {
    id: "roles-bounded",
    title: "every IAM role carries the stackgen permissions boundary and path",
};

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    let want = boundary::arn();
    for (id, role) in s.template.resources::<Role>() {
        o.checked();
        for st in &role.assume_role_policy_document.statement {
            let trusted = match &st.principal {
                Some(Principal::Service(services)) => services
                    .iter()
                    .all(|s| boundary::TRUSTED_SERVICES.contains(&s.as_str())),
                _ => false,
            };
            if !trusted {
                o.violation(
                    id.as_str(),
                    format!("the role trusts {:?}, not only {:?}", st.principal, boundary::TRUSTED_SERVICES),
                    "let only lambda.amazonaws.com or scheduler.amazonaws.com assume a product role",
                );
            }
        }
        if !role
            .path
            .as_ref()
            .is_some_and(|p| *p == boundary::ROLE_PATH)
        {
            let path = role
                .path
                .as_ref()
                .map_or_else(|| "/ (unset)".to_owned(), Value::describe);
            o.violation(
                id.as_str(),
                format!("the role's path is {path}, not {}", boundary::ROLE_PATH),
                format!(
                    "set Path to {} (the deploy role manages roles under it only)",
                    boundary::ROLE_PATH
                ),
            );
        }
        if role.permissions_boundary.as_ref() != Some(&want) {
            o.violation(
                id.as_str(),
                "the role has no PermissionsBoundary, or another one than the account's stackgen boundary",
                format!(
                    "set PermissionsBoundary to arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy/{}-${{AWS::Region}} (stack::boundary::arn()); the bootstrap stack creates that policy",
                    boundary::NAME_PREFIX
                ),
            );
        }
    }
    o.finish()
}
