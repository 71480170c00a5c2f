//! IAM: `AWS::IAM::Role` (generated from AWS's schema) with inline policies as typed
//! documents ([`PolicyDocument`](crate::cfn::PolicyDocument), hand-written).

use crate::cfn::{Arn, Handle, Name};

pub use crate::generated::iam::managed_policy::ManagedPolicy;
/// An account's OIDC identity provider (GitHub Actions' token issuer, for keyless CI roles).
pub use crate::generated::iam::oidc_provider::OIDCProvider;
/// An inline policy of a role (the schema calls it `Policy`; named apart from
/// `AWS::IAM::Policy`, the stand-alone resource).
pub use crate::generated::iam::role::Policy as InlinePolicy;
pub use crate::generated::iam::role::Role;

impl Handle<Role> {
    /// `Fn::GetAtt Arn`.
    pub fn arn(&self) -> Arn<Role> {
        self.attr_arn()
    }
    /// `Ref`: the role name.
    pub fn name(&self) -> Name<Role> {
        self.reference_as()
    }
}

impl Handle<OIDCProvider> {
    /// `Ref`: the provider's ARN.
    pub fn arn(&self) -> Arn<OIDCProvider> {
        self.reference_as()
    }
}

impl Handle<ManagedPolicy> {
    /// `Ref`: the policy's ARN.
    pub fn arn(&self) -> Arn<ManagedPolicy> {
        self.reference_as()
    }
}

impl Role {
    /// The inline policies (none when unset).
    pub fn inline_policies(&self) -> &[InlinePolicy] {
        self.policies.as_deref().unwrap_or_default()
    }

    /// The inline policies, to add to or change.
    pub fn inline_policies_mut(&mut self) -> &mut Vec<InlinePolicy> {
        self.policies.get_or_insert_with(Vec::new)
    }
}
