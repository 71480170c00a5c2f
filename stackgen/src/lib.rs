//! stackgen: the retail platform's AWS stack as typed Rust values, and the tool that renders,
//! guards, deploys and tears it down.
//!
//! The parts with a seam of their own are crates, built in parallel once the model is:
//! `stackgen-env` (environment files), `stackgen-stack` (the retail stack's definition and what
//! the storefront is told of it), `stackgen-diff` (what a template change does), `stackgen-cost`
//! (the estimator and the actuals) and `stackgen-aws` (the SDK clients' context). They are
//! re-exported here under their module names, so `stackgen::cost::…` and `crate::stack::…`
//! read as before. What remains here acts on a rendered stack: the guardrails, synth, deploy and
//! destroy, `stackgen dev`, the operations docs, the smoke test, logs and the commands.

pub use stackgen_aws as aws;
pub mod cli;
pub use stackgen_cost as cost;
pub mod deploy;
pub mod dev;
pub use stackgen_diff as diff;
pub use stackgen_env as env;
pub mod guard;
pub mod logs;
pub mod model;
pub mod opsdocs;

pub use stackgen_model::sub;
pub mod review;
pub mod smoke;
pub use stackgen_stack as stack;
pub use stackgen_stack::storefront;
pub mod synth;

// Debug builds link the CLI's third-party dependencies from one shared library: a warm rebuild
// links the workspace's own code only (devlink/src/lib.rs says why and how).
#[cfg(all(debug_assertions, panic = "unwind"))]
use stackgen_devlink as _;
