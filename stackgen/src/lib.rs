//! stackgen: the retail platform's AWS stack as typed Rust values, and the tool that renders,
//! guards, deploys and tears it down.

pub mod env;
pub mod aws;
pub mod deploy;
