//! stackgen: the retail platform's AWS stack as typed Rust values, and the tool that renders,
//! guards, deploys and tears it down.
//!
//! The parts with a seam of their own are crates, built in parallel once the model is:
//! `stackgen-env` (environment files), `stackgen-diff` (what a template change does),
//! `stackgen-cost` (the estimator and the actuals) and `stackgen-aws` (the SDK clients'
//! context). They are re-exported here under their module names, so `stackgen::cost::…` and
//! `crate::env::…` read as before. What remains here is what needs the retail stack itself:
//! its definition, the guardrails, deploy, `stackgen dev`, the docs and the commands.

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
pub mod stack;
pub mod storefront;
pub mod synth;
