//! Intrinsic functions in a CloudFormation template's JSON: which function a value calls and
//! with what ([`Intrinsic`]), every name a value refers to ([`references`]), and the pieces of an
//! `Fn::Sub` string ([`parse_sub`]).
//!
//! It is a crate of its own, below the typed model, because the parts of stackgen that read a
//! rendered template (diff, the cost estimator) need only this and the model's facts: they do
//! not depend on the typed model, and an edit to it does not rebuild them. `stackgen-model`
//! re-exports it under `cfn`, so `stackgen_model::cfn::Intrinsic` reads as before.

mod intrinsic;
mod sub;

pub use intrinsic::{Intrinsic, IntrinsicError, is_intrinsic, references};
pub use sub::{SubPart, SubText, parse_sub};
