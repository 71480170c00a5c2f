//! stackgen's typed CloudFormation, generated from AWS's own resource schemas.
//!
//! - [`cfn`]: typed CloudFormation: property values and intrinsics, tags, IAM policy documents,
//!   and the [`cfn::Template`] that hands out typed handles and renders JSON or YAML.
//! - [`generated`]: for the allowlist's `[typed]` types, a module per type with its properties
//!   struct, nested types, enums and attribute accessors, written by the generator
//!   (`model/gen`) from the vendored schemas in `model/schemas/`; each service's module also
//!   re-exports that service's facts and names from `stackgen-facts`.
//! - [`services`]: the typed resources stackgen's stacks are built from, one module per service
//!   (the generated structs, re-exported, beside the hand-written attribute accessors and the
//!   wrappers that type what a schema leaves free-form).
//!
//! What stackgen knows of each type as data (tags, IAM service, create-only properties, data
//! stores, billing, type and property names) is the `stackgen-facts` crate, re-exported here
//! whole, so `stackgen_model::facts("AWS::SQS::Queue")` and `stackgen_model::generated::sqs::
//! QUEUE_TYPE_NAME` read as before.

pub mod cfn;
pub mod generated;
pub mod services;

/// The template types and every service's resources in one namespace, as stack code names them
/// (`model::Template`, `model::sqs::Queue`): `use stackgen_model::all as model;`.
pub mod all {
    pub use crate::cfn::*;
    pub use crate::services::*;
}

pub use stackgen_facts::generated::ALL;
pub use stackgen_facts::{
    AlwaysOn, DataStore, DefaultDeletionPolicy, Free, ResourceFacts, TagShape, Tagging, always_on,
    billing, data_store, facts, free_type, hand,
};
