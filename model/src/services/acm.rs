//! AWS Certificate Manager: `AWS::CertificateManager::Certificate` (the storefront's TLS
//! certificate, DNS-validated in the environment's hosted zone), generated from AWS's schema.

use crate::cfn::{Arn, Handle};

pub use crate::generated::certificatemanager::certificate::{
    Certificate, CertificateTransparencyLoggingPreference, DomainValidationOption,
};

impl Handle<Certificate> {
    /// `Ref`: the certificate's ARN.
    pub fn arn(&self) -> Arn<Certificate> {
        self.reference_as()
    }
}
