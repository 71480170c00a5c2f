//! Amazon SES: `AWS::SES::EmailIdentity` (the address customer emails are sent from), generated
//! from AWS's schema.

use crate::cfn::{Handle, Name};

pub use crate::generated::ses::email_identity::EmailIdentity;

impl Handle<EmailIdentity> {
    /// `Ref`: the identity itself (the email address or domain).
    pub fn name(&self) -> Name<EmailIdentity> {
        self.reference_as()
    }
}
