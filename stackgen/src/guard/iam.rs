//! Least privilege: no `*` in any allowed action, and every allowed resource is one of this
//! stack's own (a reference to a resource the template declares, or `AWS::StackId`: the stack
//! itself, which the kill switch may delete), never `*` or a literal ARN.
//! Applies to roles' inline policies and to resource policies (buckets, topics, queues).
//!
//! Two exceptions. By the action: a statement whose actions all take no resource at all
//! ([`NO_RESOURCE_ACTIONS`]) names `*`, because IAM offers nothing narrower. By the resource:
//! `ses:SendEmail` on the environment's own sender, the account's SES identity that deploy keeps
//! beside the stack (`deploy/sender.rs`), named by its exact ARN.

use super::{Outcome, Rule, RuleResult, Subject};
use crate::model::iam::Role;
use crate::model::s3::BucketPolicy;
use crate::model::sns::TopicPolicy;
use crate::model::sqs::QueuePolicy;
use crate::model::{Effect, LogicalId, PolicyDocument, Pseudo, Template, Value};

pub const RULE: Rule = Rule {
    id: "iam-least-privilege",
    title: "no `*` actions; allowed resources are the stack's own",
};

/// Actions IAM cannot scope to a resource: the Service Authorization Reference lists no resource
/// type for them, so a policy may only grant them on `*` (Service Authorization Reference,
/// "Actions, resources, and condition keys for AWS X-Ray": PutTraceSegments and
/// PutTelemetryRecords have no resource types,
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html>).
/// Lambda's active tracing needs exactly these (`features.tracing`).
pub const NO_RESOURCE_ACTIONS: &[&str] = &["xray:PutTraceSegments", "xray:PutTelemetryRecords"];

/// A statement granting only actions that take no resource, on `*` alone.
fn resourceless(actions: &[String], resources: &[crate::model::Value]) -> bool {
    !actions.is_empty()
        && actions
            .iter()
            .all(|a| NO_RESOURCE_ACTIONS.contains(&a.as_str()))
        && resources.len() == 1
        && resources[0].literal_text() == Some("*")
}

fn own(template: &Template, id: &LogicalId) -> bool {
    template.entry(id).is_some()
}

/// `ses:SendEmail` alone, on the environment's sender identity.
fn sends_from_sender(actions: &[String], resource: &Value, sender: Option<&Value>) -> bool {
    sender == Some(resource) && actions.iter().all(|a| a == "ses:SendEmail")
}

fn check_document(
    o: &mut Outcome,
    template: &Template,
    sender: Option<&Value>,
    owner: &LogicalId,
    what: &str,
    doc: &PolicyDocument,
) {
    for (i, st) in doc.statement.iter().enumerate() {
        if st.effect != Effect::Allow {
            continue;
        }
        o.checked();
        let name = st
            .sid
            .clone()
            .unwrap_or_else(|| format!("statement {}", i + 1));
        for a in &st.action {
            if a.contains('*') {
                o.violation(
                    owner.as_str(),
                    format!("{what} {name} allows the wildcard action `{a}`"),
                    "list the exact actions the code calls (retail_spec Access grants map to them)",
                );
            }
        }
        if resourceless(&st.action, &st.resource) {
            continue;
        }
        if st.resource.is_empty() {
            o.violation(
                owner.as_str(),
                format!("{what} {name} names no resource"),
                "scope the statement to this stack's resources",
            );
        }
        for r in &st.resource {
            let refs = r.references();
            if r.literal_text() == Some("*") {
                o.violation(
                    owner.as_str(),
                    format!("{what} {name} allows every resource (`*`)"),
                    "name the stack's own resources through their handles (table.arn(), queue.arn(), …)",
                );
            } else if r.is_pseudo(Pseudo::StackId) {
                // The stack's own ARN: as scoped as a resource can be.
            } else if sends_from_sender(&st.action, r, sender) {
                // The account's identity customer emails come from, by its exact ARN.
            } else if refs.is_empty() || !refs.iter().all(|id| own(template, id)) {
                o.violation(
                    owner.as_str(),
                    format!("{what} {name} allows `{}`, which is not a resource of this stack", r.describe()),
                    "reference the stack's own resources through their handles instead of literal ARNs",
                );
            }
        }
    }
}

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    let t = s.template;
    let sender = s
        .env
        .notifications
        .as_ref()
        .map(|n| crate::stack::notifications::identity_arn(&n.sender));
    let sender = sender.as_ref();
    for (id, role) in t.resources::<Role>() {
        for p in role.inline_policies() {
            check_document(
                &mut o,
                t,
                sender,
                id,
                &format!("policy {}", p.policy_name),
                &p.policy_document,
            );
        }
    }
    for (id, p) in t.resources::<BucketPolicy>() {
        check_document(&mut o, t, sender, id, "bucket policy", &p.policy_document);
    }
    for (id, p) in t.resources::<TopicPolicy>() {
        check_document(&mut o, t, sender, id, "topic policy", &p.policy_document);
    }
    for (id, p) in t.resources::<QueuePolicy>() {
        check_document(&mut o, t, sender, id, "queue policy", &p.policy_document);
    }
    o.finish()
}
