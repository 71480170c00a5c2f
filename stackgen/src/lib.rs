//! stackgen: the retail platform's AWS stack as typed Rust values, and the tool that renders,
//! guards, deploys and tears it down.

pub mod diff;
pub mod env;
pub mod aws;
pub mod deploy;
pub mod cost;
pub mod model;
pub mod dev;
pub mod stack;
pub mod guard;
pub mod synth;
pub mod cli;
