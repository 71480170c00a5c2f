//! IAM policy documents as typed values (identity policies of roles, and the resource
//! policies of buckets, topics and queues).
//!
//! The guardrails read these structs directly, so "no `*` action, resources scoped to the
//! stack's own ARNs" is checked on the same values that are rendered.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::template::serialize_one_or_many;
use super::value::Value;

/// A policy document (`Version: 2012-10-17`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    pub version: &'static str,
    pub statement: Vec<Statement>,
}

impl PolicyDocument {
    pub fn new(statement: Vec<Statement>) -> Self {
        PolicyDocument {
            version: "2012-10-17",
            statement,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// Who a resource policy statement applies to.
#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    /// AWS service principals (`lambda.amazonaws.com`).
    Service(Vec<String>),
    /// Account or role ARNs.
    Aws(Vec<Value>),
    /// `"*"`: everyone (only sensible with `Deny` or a narrowing condition).
    Everyone,
    /// An identity provider of the account (an OIDC provider's ARN): who may call
    /// `sts:AssumeRoleWithWebIdentity` with its tokens, as the trust's conditions narrow.
    Federated(Value),
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Many<'a, V>(&'a [V]);
        impl<V: Serialize> Serialize for Many<'_, V> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serialize_one_or_many(self.0, s)
            }
        }
        match self {
            Principal::Everyone => s.serialize_str("*"),
            Principal::Service(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("Service", &Many(v))?;
                m.end()
            }
            Principal::Aws(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("AWS", &Many(v))?;
                m.end()
            }
            Principal::Federated(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("Federated", v)?;
                m.end()
            }
        }
    }
}

/// Condition operators used by the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Operator {
    Bool,
    StringEquals,
    ArnEquals,
    ArnLike,
}

/// One condition: `operator: {key: values}`.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyCondition {
    pub operator: Operator,
    pub key: String,
    pub values: Vec<Value>,
}

impl PolicyCondition {
    pub fn new(operator: Operator, key: &str, value: impl Into<Value>) -> Self {
        PolicyCondition {
            operator,
            key: key.to_owned(),
            values: vec![value.into()],
        }
    }

    /// `Bool: {aws:SecureTransport: false}`: the request came over plain HTTP.
    pub fn insecure_transport() -> Self {
        PolicyCondition::new(Operator::Bool, "aws:SecureTransport", "false")
    }
}

/// A statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub effect: Effect,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    #[serde(serialize_with = "serialize_one_or_many")]
    pub action: Vec<String>,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "serialize_one_or_many"
    )]
    pub resource: Vec<Value>,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "serialize_conditions"
    )]
    pub condition: Vec<PolicyCondition>,
}

impl Statement {
    /// An `Allow` of `actions` on `resources` (identity policy): ARNs, typed
    /// (`table.arn()`) or built (`sub!(bucket.arn(), "/*")`).
    pub fn allow<R: Into<Value>>(
        sid: &str,
        actions: &[&str],
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        Statement {
            sid: Some(sid.to_owned()),
            effect: Effect::Allow,
            principal: None,
            action: actions.iter().map(|a| (*a).to_owned()).collect(),
            resource: resources.into_iter().map(Into::into).collect(),
            condition: Vec::new(),
        }
    }

    /// A role's trust statement: `principal` may `sts:AssumeRole` (no `Sid`, no `Resource`).
    pub fn trust(principal: Principal) -> Self {
        Statement {
            sid: None,
            effect: Effect::Allow,
            principal: Some(principal),
            action: vec!["sts:AssumeRole".to_owned()],
            resource: Vec::new(),
            condition: Vec::new(),
        }
    }

    /// A role's trust in an OIDC identity provider: its tokens may `sts:AssumeRoleWithWebIdentity`
    /// when their `aud` claim is `audience` and their `sub` claim equals one of `subjects` (a
    /// list, or a `Ref` to a list parameter). `StringEquals`, never `StringLike`: no wildcard can
    /// widen the subjects (IAM User Guide, "IAM JSON policy elements: Condition operators").
    /// `issuer` is the provider's host (`token.actions.githubusercontent.com`), the prefix of
    /// its condition keys.
    pub fn trust_web_identity(
        provider: Value,
        issuer: &str,
        audience: &str,
        subjects: Vec<Value>,
    ) -> Self {
        Statement {
            sid: None,
            effect: Effect::Allow,
            principal: Some(Principal::Federated(provider)),
            action: vec!["sts:AssumeRoleWithWebIdentity".to_owned()],
            resource: Vec::new(),
            condition: vec![
                PolicyCondition::new(Operator::StringEquals, &format!("{issuer}:aud"), audience),
                PolicyCondition {
                    operator: Operator::StringEquals,
                    key: format!("{issuer}:sub"),
                    values: subjects,
                },
            ],
        }
    }

    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    pub fn when(mut self, condition: PolicyCondition) -> Self {
        self.condition.push(condition);
        self
    }

    /// Denies every request to `resources` that does not use TLS.
    pub fn deny_insecure_transport<R: Into<Value>>(
        actions: &[&str],
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        Statement {
            sid: Some("DenyInsecureTransport".to_owned()),
            effect: Effect::Deny,
            principal: Some(Principal::Everyone),
            action: actions.iter().map(|a| (*a).to_owned()).collect(),
            resource: resources.into_iter().map(Into::into).collect(),
            condition: vec![PolicyCondition::insecure_transport()],
        }
    }

    /// Whether this statement denies non-TLS requests.
    pub fn denies_insecure_transport(&self) -> bool {
        self.effect == Effect::Deny
            && self.principal == Some(Principal::Everyone)
            && self.condition.iter().any(|c| {
                c.operator == Operator::Bool
                    && c.key == "aws:SecureTransport"
                    && c.values.iter().any(|v| v.literal_text() == Some("false"))
            })
    }
}

fn serialize_conditions<S: Serializer>(conds: &[PolicyCondition], s: S) -> Result<S::Ok, S::Error> {
    // Group by operator, keeping first-seen order.
    let mut ops: Vec<Operator> = Vec::new();
    for c in conds {
        if !ops.contains(&c.operator) {
            ops.push(c.operator);
        }
    }
    struct Keys<'a>(Vec<&'a PolicyCondition>);
    impl Serialize for Keys<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            struct Vals<'a>(&'a [Value]);
            impl Serialize for Vals<'_> {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    serialize_one_or_many(self.0, s)
                }
            }
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for c in &self.0 {
                m.serialize_entry(&c.key, &Vals(&c.values))?;
            }
            m.end()
        }
    }
    let mut m = s.serialize_map(Some(ops.len()))?;
    for op in ops {
        let keys = Keys(conds.iter().filter(|c| c.operator == op).collect());
        m.serialize_entry(&op, &keys)?;
    }
    m.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_render_iam_style() {
        let s = Statement::allow("Read", &["dynamodb:GetItem"], ["arn:x"]);
        assert_eq!(
            serde_json::to_string(&s).unwrap_or_default(),
            r#"{"Sid":"Read","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:x"}"#
        );
        let d = Statement::deny_insecure_transport(&["s3:*"], ["a", "b"]);
        assert!(d.denies_insecure_transport());
        assert_eq!(
            serde_json::to_string(&d).unwrap_or_default(),
            r#"{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["a","b"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#
        );
        let p = Principal::Service(vec!["lambda.amazonaws.com".into()]);
        assert_eq!(
            serde_json::to_string(&p).unwrap_or_default(),
            r#"{"Service":"lambda.amazonaws.com"}"#
        );
    }
}
