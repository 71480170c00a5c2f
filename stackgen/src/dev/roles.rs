//! Each function held to its role: a call its role does not allow is refused locally, as AWS
//! refuses it.
//!
//! In AWS a function acts with its execution role, and IAM answers a call none of the role's
//! policies allows with AccessDenied. moto enforces nothing, so without this a missing or
//! misdirected grant would show only after a deploy. `stackgen dev` gives each function an
//! access key id of its own ([`super::plan::function_key_id`]) and tells the project's emulator
//! (`scripts/emulator.py`, `PUT /_emulator/iam/access-keys`) which statements each key may use:
//! the `Allow` statements of the function's role in the rendered template, their resources
//! resolved against the deployed stack. The emulator names each call's action and resource
//! as IAM does (`scripts/emulator_actions.py`) and answers one that no statement allows with
//! the service's own AccessDenied error, worded as IAM words it.
//!
//! Not modelled, and never refused on their account: a statement's `Condition` (such a
//! statement is taken as allowing), the permissions boundary (whose ceiling holds every action
//! any role is granted; `deploy_role` checks it), resource policies, `Deny` statements (the
//! stack writes none). The local event source mappings read queues and streams with the
//! function's key, as Lambda's use the function's role (finding a table's current stream is
//! `stackgen dev`'s own call). A role with policies other than its inline ones, or a resource
//! that does not resolve here, is said at start and not enforced, rather than refused on a guess.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::plan::{FunctionPlan, Resolver, function_key_id};
use super::{EmulatorAccess, loopback_http};
use crate::model::Intrinsic;

/// The policy an access key id acts with, as the emulator takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyPolicy {
    /// The role session the key stands for (`arn:aws:sts::<account>:assumed-role/<role>/<fn>`),
    /// which AccessDenied names.
    pub principal: String,
    pub statements: Vec<Allowed>,
}

/// One `Allow` statement: actions and resolved resource ARNs (`*` where the statement allows
/// any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allowed {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// Every function's key policy, and why some function is not held to one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolePolicies {
    /// By access key id.
    pub keys: BTreeMap<String, KeyPolicy>,
    /// One line each: what is not enforced and why.
    pub notes: Vec<String>,
}

/// The policies of `functions`' roles in `resolver`'s template.
pub fn plan(
    resolver: &Resolver,
    functions: &[FunctionPlan],
    emulator: &EmulatorAccess,
    account: &str,
) -> RolePolicies {
    let mut out = RolePolicies::default();
    for function in functions {
        if let Some(policy) = key_policy(resolver, function, account, &mut out.notes) {
            out.keys
                .insert(function_key_id(emulator, &function.id), policy);
        }
    }
    out
}

/// The role `function` runs with: the target of its `Role` property's `Fn::GetAtt`.
fn role_of<'t>(template: &'t Value, function: &FunctionPlan) -> Option<&'t str> {
    let role = &template["Resources"][&function.logical_id]["Properties"]["Role"];
    Intrinsic::parse(role)
        .ok()
        .flatten()
        .and_then(|i| i.target())
}

fn key_policy(
    resolver: &Resolver,
    function: &FunctionPlan,
    account: &str,
    notes: &mut Vec<String>,
) -> Option<KeyPolicy> {
    let template = resolver.template;
    let Some(role) = role_of(template, function) else {
        notes.push(format!(
            "{}: its role is not a resource of the stack; its calls are not checked",
            function.id
        ));
        return None;
    };
    let properties = &template["Resources"][role]["Properties"];
    if let Some(other) = policies_elsewhere(template, role, properties) {
        notes.push(format!(
            "{}: role {role} also has {other}, which stackgen dev cannot read; its calls are not checked",
            function.id
        ));
        return None;
    }
    let mut statements = Vec::new();
    for statement in inline_statements(properties) {
        if let Some(allowed) = allowed(resolver, role, statement, notes) {
            statements.push(allowed);
        }
    }
    let role_name = resolver
        .resolve_string(&json!({ "Ref": role }))
        .ok()
        .flatten()
        .unwrap_or_else(|| role.to_owned());
    // The function's own partition (aws, aws-cn, aws-us-gov), as its ARN says.
    let partition = function.arn.split(':').nth(1).unwrap_or("aws");
    Some(KeyPolicy {
        principal: format!(
            "arn:{partition}:sts::{account}:assumed-role/{role_name}/{}",
            function.name
        ),
        statements,
    })
}

/// What else gives `role` permissions: managed policies, or a policy resource naming it.
fn policies_elsewhere(template: &Value, role: &str, properties: &Value) -> Option<String> {
    if properties["ManagedPolicyArns"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        return Some("managed policies".to_owned());
    }
    let attached = [
        "AWS::IAM::Policy",
        "AWS::IAM::RolePolicy",
        "AWS::IAM::ManagedPolicy",
    ];
    template["Resources"]
        .as_object()?
        .iter()
        .find(|(_, r)| {
            r["Type"].as_str().is_some_and(|t| attached.contains(&t))
                && crate::model::references(&r["Properties"]).contains(role)
        })
        .map(|(id, _)| format!("policy {id}"))
}

/// The statements of a role's inline policies (`properties` is the role's `Properties`).
pub fn inline_statements(properties: &Value) -> impl Iterator<Item = &Value> {
    properties["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| {
            p["PolicyDocument"]["Statement"]
                .as_array()
                .into_iter()
                .flatten()
        })
}

/// A statement as the emulator takes it; `None` for one that allows nothing (`Deny`).
fn allowed(
    resolver: &Resolver,
    role: &str,
    statement: &Value,
    notes: &mut Vec<String>,
) -> Option<Allowed> {
    if statement["Effect"] != "Allow" {
        return None;
    }
    let sid = statement["Sid"].as_str().unwrap_or("a statement");
    let list = |v: &Value| match v {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    let permissive = statement.get("Condition").is_some()
        || statement.get("NotAction").is_some()
        || statement.get("NotResource").is_some();
    if permissive {
        notes.push(format!(
            "{role}: {sid} has a condition or a Not… element: taken as allowing its actions on any resource"
        ));
    }
    let mut resources = Vec::new();
    for resource in list(&statement["Resource"]) {
        match resolver.resolve_string(&resource) {
            Ok(Some(arn)) => resources.push(arn),
            Ok(None) => notes.push(format!(
                "{role}: {sid}: a resource is AWS::NoValue here: the statement names one less"
            )),
            Err(why) => {
                notes.push(format!(
                    "{role}: {sid}: a resource does not resolve here ({why}): taken as any"
                ));
                resources.push("*".to_owned());
            }
        }
    }
    let actions = match permissive && statement.get("NotAction").is_some() {
        true => vec!["*".to_owned()],
        false => list(&statement["Action"])
            .iter()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect(),
    };
    if permissive {
        resources = vec!["*".to_owned()];
    }
    Some(Allowed { actions, resources })
}

/// How the emulator took the policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// Every key is held to its policy.
    Enforced(usize),
    /// The emulator does not hold keys to policies (plain moto, or unreachable): why.
    NotEnforced(String),
}

/// Gives the emulator at `emulator`'s endpoint every key's policy, replacing those of an earlier
/// run (none given: no key is checked).
pub async fn install(emulator: &EmulatorAccess, policies: &RolePolicies) -> Installed {
    let url = format!(
        "{}/_emulator/iam/access-keys",
        emulator.endpoint_url.trim_end_matches('/')
    );
    let body = match serde_json::to_vec(&policies.keys) {
        Ok(body) => body,
        Err(e) => return Installed::NotEnforced(format!("cannot encode the policies: {e}")),
    };
    let headers = [("content-type".to_owned(), "application/json".to_owned())];
    match loopback_http::send(&url, "PUT", &headers, body.into()).await {
        Ok((200, _, _)) => Installed::Enforced(policies.keys.len()),
        Ok((status, _, answer)) => Installed::NotEnforced(format!(
            "{url} answered {status} ({}): an emulator other than scripts/emulator.py",
            String::from_utf8_lossy(&answer)
                .chars()
                .take(120)
                .collect::<String>()
        )),
        Err(e) => Installed::NotEnforced(e),
    }
}
