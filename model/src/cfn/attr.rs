//! Typed attributes: what a `Ref` or an `Fn::GetAtt` returns, with the resource type and the
//! kind of value in its type.
//!
//! `queue.arn()` is an [`Arn<Queue>`], `queue.url()` a [`Url<Queue>`], `table.arn()` an
//! [`Arn<Table>`]: three different types, although CloudFormation renders all three as a
//! `Ref`/`GetAtt`. A property that takes one resource's attribute says so in its type
//! (`Function::new(code, role: Arn<Role>)`, `QueuePolicy::new(policy, queues: Vec<Url<Queue>>)`),
//! so passing a queue's URL where a role's ARN belongs does not compile. The model generator
//! types those properties from the schemas' `format` annotations and the `[references]` section
//! of `model/allowlist.txt`.
//!
//! Properties that take any text (environment variables, policy resources, `Fn::Sub` pieces)
//! take a [`Value`]; every attribute converts into one.
//!
//! An attribute of something the template does not declare (a parameter, an imported ARN, an
//! account-wide role) is made with [`Attr::external`], which names the escape at the call site.
//!
//! A function takes its role's ARN:
//!
//! ```
//! use stackgen_model::cfn::{PolicyDocument, Principal, Statement, Tags, Template};
//! use stackgen_model::services::iam::Role;
//! use stackgen_model::services::lambda::{Code, Function};
//! use stackgen_model::services::sqs::Queue;
//!
//! # let _ = Template::build("example", Tags::new(), &(), |t, _| {
//! let lambda = Principal::Service(vec!["lambda.amazonaws.com".into()]);
//! let trust = PolicyDocument::new(vec![Statement::trust(lambda)]);
//! let role = t.add("fn role", Role::new(trust));
//! let queue = t.add("jobs", Queue::new());
//! let function = Function::new(Code::new(), role.arn());
//! # let _ = (function, queue);
//! # });
//! ```
//!
//! and nothing else: the same code with the queue's ARN in the role's place does not compile.
//!
//! ```compile_fail
//! use stackgen_model::cfn::{PolicyDocument, Principal, Statement, Tags, Template};
//! use stackgen_model::services::iam::Role;
//! use stackgen_model::services::lambda::{Code, Function};
//! use stackgen_model::services::sqs::Queue;
//!
//! # let _ = Template::build("example", Tags::new(), &(), |t, _| {
//! let lambda = Principal::Service(vec!["lambda.amazonaws.com".into()]);
//! let trust = PolicyDocument::new(vec![Statement::trust(lambda)]);
//! let role = t.add("fn role", Role::new(trust));
//! let queue = t.add("jobs", Queue::new());
//! let function = Function::new(Code::new(), queue.arn());
//! # let _ = (function, role);
//! # });
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::{Serialize, Serializer};

use super::value::Value;

/// An attribute of a resource of type `R` whose kind is `K` ([`kind::Arn`], [`kind::Url`], …,
/// or a marker the generator writes for a type's other attributes, such as
/// `dynamodb::table::attribute::StreamArn`).
pub struct Attr<R, K> {
    value: Value,
    _of: PhantomData<fn() -> (R, K)>,
}

/// The kinds most resource types share; an attribute named `Arn`, `QueueArn` (on a queue),
/// `ClientId` (on a user pool client) is of the kind its suffix names.
pub mod kind {
    /// The resource's ARN.
    pub enum Arn {}
    /// The resource's id (an API id, a user pool id, a distribution id, …).
    pub enum Id {}
    /// The resource's name (a table name, a bucket name, a function name, …).
    pub enum Name {}
    /// The resource's URL (an SQS queue URL).
    pub enum Url {}
}

/// The ARN of a resource of type `R`.
pub type Arn<R> = Attr<R, kind::Arn>;
/// The id of a resource of type `R`.
pub type Id<R> = Attr<R, kind::Id>;
/// The name of a resource of type `R`.
pub type Name<R> = Attr<R, kind::Name>;
/// The URL of a resource of type `R`.
pub type Url<R> = Attr<R, kind::Url>;

impl<R, K> Attr<R, K> {
    /// Only handles make attributes of the template's own resources.
    pub(crate) fn new(value: Value) -> Self {
        Attr {
            value,
            _of: PhantomData,
        }
    }

    /// An attribute of a resource this template does not declare: a parameter's value, an
    /// imported or well-known ARN. The caller vouches for its kind.
    pub fn external(value: impl Into<Value>) -> Self {
        Attr::new(value.into())
    }

    /// The value as CloudFormation renders it.
    pub fn value(&self) -> &Value {
        &self.value
    }

    pub fn into_value(self) -> Value {
        self.value
    }
}

/// Reading an attribute as a value (its literal, the id it refers to) is always allowed; only
/// putting a value where an attribute is expected needs [`Attr::external`].
impl<R, K> Deref for Attr<R, K> {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.value
    }
}

impl<R, K> From<Attr<R, K>> for Value {
    fn from(a: Attr<R, K>) -> Value {
        a.value
    }
}

impl<R, K> From<&Attr<R, K>> for Value {
    fn from(a: &Attr<R, K>) -> Value {
        a.value.clone()
    }
}

impl<R, K> Clone for Attr<R, K> {
    fn clone(&self) -> Self {
        Attr::new(self.value.clone())
    }
}

impl<R, K> PartialEq for Attr<R, K> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<R, K> fmt::Debug for Attr<R, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<R, K> fmt::Display for Attr<R, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, f)
    }
}

impl<R, K> Serialize for Attr<R, K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::Draft;
    use crate::services::sqs::Queue;

    #[test]
    fn an_attribute_renders_as_its_value_and_converts_into_one() {
        let mut t = Draft::new("t", crate::cfn::Tags::new());
        let queue = t.add("orders", Queue::new());
        let arn = queue.arn();
        assert_eq!(
            serde_json::to_value(&arn).ok(),
            Some(serde_json::json!({"Fn::GetAtt": ["Orders", "Arn"]}))
        );
        assert_eq!(
            arn.as_get_att().map(|(id, a)| (id.as_str(), a)),
            Some(("Orders", "Arn"))
        );
        let value: Value = arn.clone().into();
        assert_eq!(&value, arn.value());
        let external: Url<Queue> = Attr::external("https://sqs.example/q");
        assert_eq!(
            external.as_lit().map(String::as_str),
            Some("https://sqs.example/q")
        );
    }
}
