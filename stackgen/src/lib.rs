//! stackgen: the retail platform's AWS stack as typed Rust values, and the tool that renders,
//! guards, deploys and tears it down.

pub mod aws;
pub mod cli;
pub mod cost;
pub mod deploy;
pub mod dev;
pub mod diff;
pub mod env;
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
