//! The security section of a diff: what a deploy would grant that is not granted today
//! ("broadening", as CDK's diff calls it), and what it would take away.
//!
//! Every permission the templates express is flattened into grants, one per (who holds it,
//! effect, principal, action, resource, condition): roles' inline policies and trust policies,
//! IAM policies, bucket, topic and queue policies, Lambda permissions. A grant only the new
//! template has is broadening when it allows and narrowing when it denies; one only the old
//! template has is the reverse (a removed `Deny`, such as a bucket policy's TLS-only rule, widens
//! access). Three things are read apart because they open access without a policy statement: a
//! route that stops requiring an authorizer, a bucket whose public access block is weakened, a
//! role that loses its permissions boundary.

use stackgen_facts::generated::{apigatewayv2, iam, lambda, s3, sns, sqs};
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use stackgen_intrinsics::Intrinsic;

/// One security-relevant change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityChange {
    /// The logical id of the resource holding the permission (a role, a policy, a route, …).
    pub resource: String,
    pub resource_type: String,
    /// True when access widens (more is allowed, or less is denied).
    pub broadening: bool,
    /// One sentence: "allows dynamodb:DeleteItem on OrdersTable.Arn".
    pub what: String,
}

/// One flattened permission.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Grant {
    owner: String,
    allow: bool,
    /// `""` for an identity policy (the owner's own role), else the principal.
    principal: String,
    action: String,
    resource: String,
    condition: String,
}

/// Grants and the other facts of one template, by owner.
#[derive(Default)]
struct Posture {
    grants: BTreeSet<Grant>,
    types: BTreeMap<String, String>,
    public_routes: BTreeMap<String, String>,
    open_buckets: BTreeSet<String>,
    unbounded_roles: BTreeSet<String>,
}

/// The security changes from `old` to `new`, broadening first.
pub fn changes(old: &Value, new: &Value) -> Vec<SecurityChange> {
    let (old, new) = (posture(old), posture(new));
    let mut out = Vec::new();
    grant_changes(&old, &new, &mut out);
    for (id, route) in &new.public_routes {
        if !old.public_routes.contains_key(id) {
            let was = if old.types.contains_key(id) {
                "no longer requires an authorizer"
            } else {
                "is a new route without an authorizer"
            };
            out.push(change(
                &new,
                id,
                true,
                format!("`{route}` {was}: anyone can call it"),
            ));
        }
    }
    for (id, route) in &old.public_routes {
        if new.types.contains_key(id) && !new.public_routes.contains_key(id) {
            out.push(change(
                &new,
                id,
                false,
                format!("`{route}` now requires an authorizer"),
            ));
        }
    }
    flag_changes(
        &old.open_buckets,
        &new.open_buckets,
        &old,
        &new,
        &mut out,
        |opened| {
            if opened {
                "blocks public access no more (PublicAccessBlockConfiguration not all true)"
            } else {
                "blocks all public access now"
            }
        },
    );
    flag_changes(
        &old.unbounded_roles,
        &new.unbounded_roles,
        &old,
        &new,
        &mut out,
        |opened| {
            if opened {
                "has no permissions boundary: its policies are no longer capped"
            } else {
                "is capped by a permissions boundary now"
            }
        },
    );
    out.sort_by(|a, b| {
        (!a.broadening, &a.resource, &a.what).cmp(&(!b.broadening, &b.resource, &b.what))
    });
    out
}

fn change(p: &Posture, id: &str, broadening: bool, what: String) -> SecurityChange {
    SecurityChange {
        resource: id.to_owned(),
        resource_type: p.types.get(id).cloned().unwrap_or_default(),
        broadening,
        what,
    }
}

/// Resources in `new_set` and not `old_set` widen (when they exist in the new template); the
/// reverse narrows, for resources still in the new template.
fn flag_changes(
    old_set: &BTreeSet<String>,
    new_set: &BTreeSet<String>,
    old: &Posture,
    new: &Posture,
    out: &mut Vec<SecurityChange>,
    phrase: impl Fn(bool) -> &'static str,
) {
    for id in new_set.difference(old_set) {
        let what = if old.types.contains_key(id) {
            phrase(true).to_owned()
        } else {
            format!("is new and {}", phrase(true))
        };
        out.push(change(new, id, true, what));
    }
    for id in old_set.difference(new_set) {
        if new.types.contains_key(id) {
            out.push(change(new, id, false, phrase(false).to_owned()));
        }
    }
}

/// What one line of the section groups: owner, added (else removed), allow (else deny),
/// principal, resource, condition.
type GroupKey = (String, bool, bool, String, String, String);

/// Added and removed grants, grouped so that one line names every action of one statement.
fn grant_changes(old: &Posture, new: &Posture, out: &mut Vec<SecurityChange>) {
    let mut groups: BTreeMap<GroupKey, BTreeSet<String>> = BTreeMap::new();
    for (added, from, to) in [(true, old, new), (false, new, old)] {
        for g in to.grants.difference(&from.grants) {
            let key = (
                g.owner.clone(),
                added,
                g.allow,
                g.principal.clone(),
                g.resource.clone(),
                g.condition.clone(),
            );
            groups.entry(key).or_default().insert(g.action.clone());
        }
    }
    for ((owner, added, allow, principal, resource, condition), actions) in groups {
        let verb = match (added, allow) {
            (true, true) => "allows",
            (true, false) => "denies",
            (false, true) => "no longer allows",
            (false, false) => "no longer denies",
        };
        let mut what = format!(
            "{verb} {} on {resource}",
            actions.into_iter().collect::<Vec<_>>().join(", ")
        );
        if !principal.is_empty() {
            what.push_str(&format!(" to {principal}"));
        }
        if !condition.is_empty() {
            what.push_str(&format!(" when {condition}"));
        }
        let holder = if added || new.types.contains_key(&owner) {
            new
        } else {
            old
        };
        out.push(change(holder, &owner, added == allow, what));
    }
}

fn posture(template: &Value) -> Posture {
    let mut p = Posture::default();
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return p;
    };
    for (id, r) in resources {
        let ty = r.get("Type").and_then(Value::as_str).unwrap_or_default();
        p.types.insert(id.clone(), ty.to_owned());
        let props = r.get("Properties").cloned().unwrap_or(Value::Null);
        read_resource(&mut p, id, ty, &props);
    }
    p
}

fn read_resource(p: &mut Posture, id: &str, ty: &str, props: &Value) {
    match ty {
        iam::ROLE_TYPE_NAME => {
            for policy in array(props.get("Policies")) {
                document(p, id, &policy["PolicyDocument"], false);
            }
            document(p, id, &props["AssumeRolePolicyDocument"], true);
            if props.get("PermissionsBoundary").is_none() {
                p.unbounded_roles.insert(id.to_owned());
            }
        }
        iam::POLICY_TYPE_NAME | iam::MANAGED_POLICY_TYPE_NAME => {
            document(p, id, &props["PolicyDocument"], false);
        }
        s3::BUCKET_POLICY_TYPE_NAME | sns::TOPIC_POLICY_TYPE_NAME | sqs::QUEUE_POLICY_TYPE_NAME => {
            document(p, id, &props["PolicyDocument"], true);
        }
        lambda::PERMISSION_TYPE_NAME => {
            let condition = ["SourceArn", "SourceAccount", "PrincipalOrgID"]
                .iter()
                .filter_map(|k| props.get(*k).map(|v| format!("{k} = {}", text(v))))
                .collect::<Vec<_>>()
                .join(" and ");
            p.grants.insert(Grant {
                owner: id.to_owned(),
                allow: true,
                principal: props.get("Principal").map(text).unwrap_or_default(),
                action: props.get("Action").map(text).unwrap_or_default(),
                resource: props.get("FunctionName").map(text).unwrap_or_default(),
                condition,
            });
        }
        apigatewayv2::ROUTE_TYPE_NAME => {
            let auth = props.get("AuthorizationType").and_then(Value::as_str);
            if matches!(auth, None | Some("NONE")) {
                let key = props.get("RouteKey").map(text).unwrap_or_default();
                p.public_routes.insert(id.to_owned(), key);
            }
        }
        s3::BUCKET_TYPE_NAME => {
            let block = props.get("PublicAccessBlockConfiguration");
            let all = [
                "BlockPublicAcls",
                "BlockPublicPolicy",
                "IgnorePublicAcls",
                "RestrictPublicBuckets",
            ]
            .iter()
            .all(|k| block.and_then(|b| b.get(*k)) == Some(&Value::Bool(true)));
            if !all {
                p.open_buckets.insert(id.to_owned());
            }
        }
        _ => {}
    }
}

/// Flattens one policy document into grants held by `owner`; `with_principal` for resource and
/// trust policies, whose statements name who they let in.
fn document(p: &mut Posture, owner: &str, doc: &Value, with_principal: bool) {
    for st in array(doc.get("Statement")) {
        let allow = st.get("Effect").and_then(Value::as_str) != Some("Deny");
        let principals = if with_principal {
            principals(st.get("Principal"))
        } else {
            vec![String::new()]
        };
        let condition = st.get("Condition").map(text).unwrap_or_default();
        let resources = match st.get("Resource") {
            Some(r) => array(Some(r)).iter().map(text).collect(),
            None if with_principal => vec!["this resource".to_owned()],
            None => vec!["*".to_owned()],
        };
        for action in array(st.get("Action")) {
            for resource in &resources {
                for principal in &principals {
                    p.grants.insert(Grant {
                        owner: owner.to_owned(),
                        allow,
                        principal: principal.clone(),
                        action: text(&action),
                        resource: resource.clone(),
                        condition: condition.clone(),
                    });
                }
            }
        }
    }
}

/// `Principal` as `Service:lambda.amazonaws.com`, `AWS:arn…`, or `*`.
fn principals(value: Option<&Value>) -> Vec<String> {
    match value {
        None => vec!["(no principal)".to_owned()],
        Some(Value::Object(m)) => m
            .iter()
            .flat_map(|(kind, v)| {
                array(Some(v))
                    .into_iter()
                    .map(move |x| format!("{kind}:{}", text(&x)))
            })
            .collect(),
        Some(v) => vec![text(v)],
    }
}

/// A value as one or many (CloudFormation accepts a single string where a list is expected).
fn array(value: Option<&Value>) -> Vec<Value> {
    match value {
        Some(Value::Array(a)) => a.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(v) => vec![v.clone()],
    }
}

/// A readable form of a policy value: strings as is, `{"Ref": X}` as `X`, `Fn::GetAtt` as
/// `X.Attr` (read by stackgen's one reader of intrinsics, stackgen-intrinsics), anything else as compact JSON.
fn text(value: &Value) -> String {
    match (value, Intrinsic::parse(value)) {
        (Value::String(s), _) => s.clone(),
        (_, Ok(Some(Intrinsic::Ref(id)))) => id.to_owned(),
        (
            _,
            Ok(Some(Intrinsic::GetAtt {
                resource,
                attribute,
            })),
        ) => {
            format!("{resource}.{attribute}")
        }
        (other, _) => other.to_string(),
    }
}
