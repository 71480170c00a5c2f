//! Who may assume the CI roles: one GitHub repository, named by the `sub` claim of the OIDC token
//! GitHub Actions gives a job (`repo:OWNER/REPO:pull_request`, `repo:OWNER/REPO:environment:prod`,
//! `repo:OWNER/REPO:ref:refs/heads/main`; GitHub Docs, "About security hardening with OpenID
//! Connect", example subject claims). The trust policies compare it with `StringEquals`, so each
//! subject here is matched whole: no pattern, no other repository.

use std::fmt;

/// The token issuer's host: the prefix of its IAM condition keys (`…:aud`, `…:sub`).
pub const ISSUER_HOST: &str = "token.actions.githubusercontent.com";
/// The audience `aws-actions/configure-aws-credentials` asks GitHub for.
pub const AUDIENCE: &str = "sts.amazonaws.com";

/// `OWNER/REPO`, spelled as GitHub spells it (the `sub` claim is compared case-sensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    owner: String,
    name: String,
}

impl Repository {
    /// Parses `OWNER/REPO`. An owner is 1–39 letters, digits or single hyphens, not starting or
    /// ending with one; a repository name is 1–100 letters, digits, `.`, `_` or `-`.
    pub fn parse(text: &str) -> Result<Repository, String> {
        let shape = format!(
            "`{text}` is not a GitHub repository: write OWNER/REPO (for example \
             `grocer-co/store`), as in the repository's URL"
        );
        let (owner, name) = text.split_once('/').ok_or_else(|| shape.clone())?;
        let owner_ok = (1..=39).contains(&owner.len())
            && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !owner.starts_with('-')
            && !owner.ends_with('-')
            && !owner.contains("--");
        let name_ok = (1..=100).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            && name != "."
            && name != "..";
        if owner_ok && name_ok {
            Ok(Repository {
                owner: owner.to_owned(),
                name: name.to_owned(),
            })
        } else {
            Err(shape)
        }
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

fn plain(s: &str, extra: &[char]) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') || extra.contains(&c)
        })
}

/// A branch name: letters, digits, `.`, `_`, `-` and inner `/`; never a `*` (which
/// `StringEquals` would take literally, but a reader might not).
pub fn branch(name: &str) -> Result<String, String> {
    if plain(name, &['/']) && !name.starts_with('/') && !name.ends_with('/') {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "`{name}` is not a branch name stackgen accepts: letters, digits, `.`, `_`, `-` and \
             `/` (as in `main` or `release/2027`)"
        ))
    }
}

/// A GitHub environment's name: letters, digits, `.`, `_` and `-`.
pub fn environment(name: &str) -> Result<String, String> {
    if plain(name, &[]) {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "`{name}` is not a GitHub environment name stackgen accepts: letters, digits, `.`, \
             `_` and `-`"
        ))
    }
}

/// What one environment's CI roles trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubTrust {
    pub repository: Repository,
    /// The branch whose scheduled and manual runs (the nightly drift check) may read.
    pub branch: String,
    /// The GitHub environments whose jobs may deploy (deploy.yml runs each deploy in the GitHub
    /// environment of the same name, where required reviewers guard prod).
    pub environments: Vec<String>,
}

impl GitHubTrust {
    /// Checks the branch and environment names ([`branch`], [`environment`]) and sorts the
    /// environments.
    pub fn new(
        repository: Repository,
        branch_name: &str,
        environments: Vec<String>,
    ) -> Result<GitHubTrust, String> {
        branch(branch_name)?;
        if environments.is_empty() {
            return Err("--github-environment needs at least one GitHub environment".to_owned());
        }
        let mut environments = environments
            .iter()
            .map(|e| environment(e))
            .collect::<Result<Vec<_>, _>>()?;
        environments.sort();
        environments.dedup();
        Ok(GitHubTrust {
            repository,
            branch: branch_name.to_owned(),
            environments,
        })
    }

    /// The subjects the read-only review role trusts: the repository's pull requests, and runs on
    /// its default branch (schedules and manual runs of drift.yml).
    pub fn review_subjects(&self) -> Vec<String> {
        vec![
            format!("repo:{}:pull_request", self.repository),
            format!("repo:{}:ref:refs/heads/{}", self.repository, self.branch),
        ]
    }

    /// The subjects the deploy role trusts: jobs that run in one of the GitHub environments. A
    /// job with `environment:` gets this subject whatever its branch or tag, so the environment's
    /// protection rules (required reviewers, allowed branches) decide who deploys.
    pub fn deploy_subjects(&self) -> Vec<String> {
        self.environments
            .iter()
            .map(|e| format!("repo:{}:environment:{e}", self.repository))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_is_owner_slash_name_and_nothing_wider() {
        assert_eq!(
            Repository::parse("grocer-co/store.web").map(|r| r.to_string()),
            Ok("grocer-co/store.web".to_owned())
        );
        for bad in [
            "grocer-co",
            "grocer-co/*",
            "*/store",
            "-grocer/store",
            "grocer--co/store",
            "grocer/store/extra",
            "grocer/..",
            "",
        ] {
            assert!(Repository::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn subjects_name_one_repository_exactly() {
        let repo = Repository::parse("grocer-co/store").unwrap_or_else(|e| panic!("{e}"));
        let t = GitHubTrust::new(
            repo,
            "main",
            vec!["prod".into(), "dev".into(), "dev".into()],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            t.review_subjects(),
            [
                "repo:grocer-co/store:pull_request",
                "repo:grocer-co/store:ref:refs/heads/main"
            ]
        );
        assert_eq!(
            t.deploy_subjects(),
            [
                "repo:grocer-co/store:environment:dev",
                "repo:grocer-co/store:environment:prod"
            ]
        );
    }

    #[test]
    fn branch_and_environment_names_take_no_pattern() {
        let repo = || Repository::parse("o/r").unwrap_or_else(|e| panic!("{e}"));
        assert!(GitHubTrust::new(repo(), "release/*", vec!["dev".into()]).is_err());
        assert!(GitHubTrust::new(repo(), "main", vec!["*".into()]).is_err());
        assert!(GitHubTrust::new(repo(), "main", vec![]).is_err());
        assert!(GitHubTrust::new(repo(), "release/2027", vec!["dev".into()]).is_ok());
    }
}
