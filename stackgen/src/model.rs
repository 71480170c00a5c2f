//! The typed CloudFormation model the stacks are written in, as stackgen's code names it
//! (`crate::model::sqs::Queue`, `crate::model::Template`). It lives in the `stackgen-model`
//! crate, next to the facts generated from AWS's resource schemas, so it builds in parallel with
//! the rest of the tool; this module only re-exports it.

pub use stackgen_model::all::*;
