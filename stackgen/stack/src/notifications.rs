//! Customer emails: the SES identity the order notifier sends from, and whether the stack has
//! the notifier at all (only when the environment names `notifications.sender`).
//!
//! The identity is an email address identity: CloudFormation creates it and SES emails the
//! address a verification link; sending works once someone follows it. An account still in the
//! SES sandbox may only send to verified recipients (README, "Customer emails").

use retail_spec::{FunctionSpec, ORDER_NOTIFIER};

use super::Ctx;
use crate::env::Environment;
use crate::model::ses::EmailIdentity;
use crate::model::{Handle, Pseudo, Value};
use crate::sub;

pub(super) struct Notifications {
    pub sender: String,
    pub identity: Handle<EmailIdentity>,
}

impl Notifications {
    /// `arn:<partition>:ses:<region>:<account>:identity/<sender>`: what `ses:SendEmail` is
    /// authorised on (SES Developer Guide, "Identity and access management in Amazon SES",
    /// <https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html>).
    pub fn identity_arn(&self) -> Value {
        sub!(
            "arn:",
            Pseudo::Partition,
            ":ses:",
            Pseudo::Region,
            ":",
            Pseudo::AccountId,
            ":identity/",
            self.identity.name()
        )
    }
}

/// Whether the stack has `spec`: the notifier only with a sender.
pub(super) fn renders(env: &Environment, spec: &FunctionSpec) -> bool {
    spec.id != ORDER_NOTIFIER.id || env.notifications.is_some()
}

pub(super) fn build(ctx: &mut Ctx) -> Option<Notifications> {
    let sender = ctx.env.notifications.as_ref()?.sender.clone();
    let identity = ctx
        .template
        .add("SenderIdentity", EmailIdentity::new(sender.clone()));
    Some(Notifications { sender, identity })
}
