//! The permissions boundary every role of a product stack carries.
//!
//! The bootstrap stack creates one managed policy per account and region
//! (`stackgen-role-boundary-<region>`) allowing at most its ceiling (`ceiling.rs`): every action
//! any role of a product stack is ever granted. The deploy role may create and change roles only with that
//! boundary attached (`iam:PermissionsBoundary` condition), so even a compromised pipeline cannot
//! mint a role that does more than the store's functions do (IAM User Guide, "Permissions
//! boundaries for IAM entities", <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>).
//! The guardrail `roles-bounded` refuses a role without it.

use crate::model::iam::ManagedPolicy;
use crate::model::{Arn, Pseudo, Value};
use crate::sub;

/// The IAM path of every role a product stack creates: the deploy role may manage roles under
/// it only.
pub const ROLE_PATH: &str = "/stackgen/";

/// The only services a product role may trust, and the only ones the deploy role may pass such a
/// role to: Lambda (the functions) and EventBridge Scheduler (the out-of-hours shutdown).
pub const TRUSTED_SERVICES: &[&str] = &["lambda.amazonaws.com", "scheduler.amazonaws.com"];

/// The boundary policy's name without the region suffix.
pub const NAME_PREFIX: &str = "stackgen-role-boundary";

/// `stackgen-role-boundary-<region>` (managed policies are global to the account; the
/// bootstrap stack is per region).
pub fn name(region: Value) -> Value {
    sub!(format!("{NAME_PREFIX}-"), region)
}

/// The boundary's ARN in the account and region the template is deployed to (the bootstrap
/// stack's policy: external to the product stack that refers to it).
pub fn arn() -> Arn<ManagedPolicy> {
    Arn::external(sub!(
        "arn:",
        Pseudo::Partition,
        ":iam::",
        Pseudo::AccountId,
        format!(":policy/{NAME_PREFIX}-"),
        Pseudo::Region
    ))
}
