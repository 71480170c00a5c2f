//! Keyless CI: `stackgen bootstrap --env E --github OWNER/REPO` creates the stack
//! `stackgen-github-<project>-<env>` with GitHub Actions' OIDC identity provider (once per
//! account) and two roles only that repository can assume — a read-only review role and a
//! deploy role (`template`). No access key is made or stored anywhere: a workflow asks GitHub
//! for an OIDC token and exchanges it for an hour's credentials (AssumeRoleWithWebIdentity).
//!
//! The stack is its own, not part of the bootstrap: the bootstrap is shared by every environment
//! of an account and region and is upgraded by `deploy`, which knows nothing of GitHub, while
//! these roles belong to one environment and name its stack and resources exactly.

pub mod apply;
pub mod guard;
pub mod template;
pub mod trust;

pub use apply::{CiRoles, ensure};
pub use guard::check_ci_roles;
pub use template::typed;
pub use trust::{AUDIENCE, GitHubTrust, ISSUER_HOST, Repository};

use crate::env::Environment;

/// The CI stack's template (deterministic JSON), as `bootstrap --github` sends it.
pub fn template(
    env: &Environment,
    trust: &GitHubTrust,
) -> Result<String, crate::model::TemplateError> {
    typed(env, trust, apply::tags()).render(crate::model::Format::Json)
}

/// The CI stack's name.
pub fn stack_name(env: &Environment) -> String {
    format!("stackgen-github-{}", crate::stack::stack_name(env))
}
