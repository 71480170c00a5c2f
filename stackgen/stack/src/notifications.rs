//! Customer emails: the address the order notifier sends from, and whether the stack has the
//! notifier at all (only when the environment names `notifications.sender`).
//!
//! The address is an SES email identity of the account and region, not a resource of this
//! stack: `stackgen deploy` makes it when it is missing (`deploy/sender.rs` says why), and the
//! kill switch and `destroy` leave it, verified. An account still in the SES sandbox may only
//! send to verified recipients (README, "Customer emails").

use retail_spec::{FunctionSpec, ORDER_NOTIFIER};

use super::Ctx;
use crate::env::Environment;
use crate::model::{Pseudo, Value};
use crate::sub;

pub(super) struct Notifications {
    pub sender: String,
}

impl Notifications {
    /// `arn:<partition>:ses:<region>:<account>:identity/<sender>`: what `ses:SendEmail` is
    /// authorised on (SES Developer Guide, "Identity and access management in Amazon SES",
    /// <https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html>).
    pub fn identity_arn(&self) -> Value {
        identity_arn(&self.sender)
    }
}

/// The ARN of the account's SES identity `sender` in the stack's region: the one resource
/// outside the stack that a statement of it may name (the guardrails know it by this value).
pub fn identity_arn(sender: &str) -> Value {
    sub!(
        "arn:",
        Pseudo::Partition,
        ":ses:",
        Pseudo::Region,
        ":",
        Pseudo::AccountId,
        format!(":identity/{sender}")
    )
}

/// Whether the stack has `spec`: the notifier only with a sender.
pub(super) fn renders(env: &Environment, spec: &FunctionSpec) -> bool {
    spec.id != ORDER_NOTIFIER.id || env.notifications.is_some()
}

pub(super) fn build(ctx: &Ctx) -> Option<Notifications> {
    let sender = ctx.env.notifications.as_ref()?.sender.clone();
    Some(Notifications { sender })
}
