//! Shipping the stack: package → bootstrap → upload assets → change set → execute → outputs,
//! and the reverse (destroy), plus status.
//!
//! This is a library API; the CLI (`cli/deploy.rs` and friends) only parses flags, asks for
//! confirmation and prints. Every AWS call goes through an [`AwsContext`](crate::aws::AwsContext),
//! so the same code runs against AWS and against the local emulator (moto) via
//! `AWS_ENDPOINT_URL`. Where moto behaves differently from CloudFormation the difference is
//! handled by a rule that is also correct on AWS, documented where it lives.

pub mod assets;
pub mod bootstrap;
pub mod cargo;
pub mod changeset;
pub mod ci;
pub mod companions;
pub(crate) mod delete;
pub mod demo_photos;
pub mod destroy;
pub mod drift;
pub mod error;
pub mod events;
pub mod leftovers;
mod objects;
pub mod outputs;
pub mod package;
pub mod progress;
pub mod prune;
pub mod readiness;
pub mod request;
pub mod secrets;
pub mod sender;
pub mod site;
pub mod stack;
pub mod staff;
pub mod state;
pub mod status;
pub mod summary;
pub mod tagged;
pub mod template;

pub use assets::{AssetUpload, UploadReport, asset_key, upload_assets};
pub use bootstrap::{BOOTSTRAP_STACK_NAME, Bootstrap, ensure_bootstrap};
pub use changeset::{Deployed, PendingChangeSet, Plan, discard, execute, plan, unchanged};
pub use destroy::{DestroyReport, DestroyRequest, destroy};
pub use error::DeployError;
pub use events::WaitOptions;
pub use package::{AssetManifest, FunctionAsset, PackageError, PackageRequest, package};
pub use progress::{Progress, Silent};
pub use request::{GeneratedSecrets, Rotation, StackRequest};
pub use site::{SiteConfig, SiteReport, SiteStore, publish_site};
pub use stack::{StackEvent, StackSnapshot, describe_stack};
pub use state::{DeployDecision, RecoveryPolicy, StackCondition};
pub use status::{AssetState, StackStatusReport, status};
pub use summary::{ChangeAction, ChangeSummary, Replacement, ResourceChange};
