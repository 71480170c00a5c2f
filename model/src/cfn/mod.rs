//! Typed CloudFormation.
//!
//! A resource is a Rust struct with typed properties; a property value is a literal or an
//! intrinsic ([`Value`]); adding a resource to a [`Template`] (in its [`Draft`], which keeps
//! handles in their own template) returns a typed [`Handle`] whose accessors are the only way to
//! reference it. The template stamps the environment's required
//! tags on every taggable resource and renders deterministic JSON or YAML. JSON appears only
//! at that rendering edge.

pub mod attr;
mod draft;
mod export;
mod json;
pub(crate) mod policy;
pub(crate) mod pretty;
pub(crate) mod references;
pub(crate) mod render;
mod secret;
pub(crate) mod tags;
pub(crate) mod template;
pub(crate) mod validate;
pub(crate) mod value;
mod yaml;

pub use attr::{Arn, Attr, Id, Name, Url, kind};
pub use draft::Draft;
pub use export::Export;
pub use json::Json;
pub use policy::{Effect, Operator, PolicyCondition, PolicyDocument, Principal, Statement};
pub use references::Reference;
// Reading intrinsics in template JSON is a crate of its own, which diff and the estimator use
// without the typed model.
pub use secret::{SECRET_HEX_LEN, SECRET_SLOTS, Secret, SecretNames};
pub use stackgen_intrinsics::{
    Intrinsic, IntrinsicError, SubPart, SubText, is_intrinsic, parse_sub, references,
};
pub use tags::{Tag, Tags, TagsAsMap};
pub use template::{
    AnyResource, CheckovSkip, Condition, ConditionHandle, DeletionPolicy, Entry, Format, Handle,
    Import, Options, Output, ParamHandle, Parameter, ParameterType, Resource, Template,
    TemplateError,
};
pub use value::{LogicalId, Pseudo, Value, pascal_case};
