//! What a stack's status means for the next deploy: the recovery rules as a pure function.
//!
//! CloudFormation leaves stacks in states that block an update (ROLLBACK_COMPLETE after a failed
//! first create, UPDATE_ROLLBACK_FAILED, …) or that are still moving (an earlier run was
//! interrupted with Ctrl-C). [`decide`] says what deploy does about each, so that a re-run
//! converges. moto never produces the rollback states, so these rules are tested here as a
//! function over statuses; the states moto does produce are also tested against it for real.

/// A stack status grouped by what deploy can do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackCondition {
    /// No such stack (or only a deleted one).
    Missing,
    /// Settled and updatable: CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, IMPORT_*_COMPLETE.
    Stable,
    /// An operation is running (`*_IN_PROGRESS`, except REVIEW_IN_PROGRESS).
    Busy,
    /// REVIEW_IN_PROGRESS: a create change set was made but never (successfully) executed; the
    /// stack has no resources.
    ReviewOnly,
    /// ROLLBACK_COMPLETE, ROLLBACK_FAILED or CREATE_FAILED: the first create failed.
    FailedCreate,
    /// UPDATE_ROLLBACK_FAILED (or IMPORT_ROLLBACK_FAILED): needs `continue-update-rollback`.
    UpdateRollbackFailed,
    /// DELETE_FAILED: a delete did not finish.
    DeleteFailed,
}

/// Groups a CloudFormation stack status string.
pub fn classify(status: &str) -> StackCondition {
    match status {
        "DELETE_COMPLETE" => StackCondition::Missing,
        "REVIEW_IN_PROGRESS" => StackCondition::ReviewOnly,
        "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "CREATE_FAILED" => StackCondition::FailedCreate,
        "UPDATE_ROLLBACK_FAILED" | "IMPORT_ROLLBACK_FAILED" => StackCondition::UpdateRollbackFailed,
        "DELETE_FAILED" => StackCondition::DeleteFailed,
        s if s.ends_with("_IN_PROGRESS") => StackCondition::Busy,
        _ => StackCondition::Stable,
    }
}

/// True when nothing is running on the stack any more (REVIEW_IN_PROGRESS counts as settled:
/// nothing will change until someone executes a change set).
pub fn is_settled(status: &str) -> bool {
    !matches!(classify(status), StackCondition::Busy)
}

/// True for the statuses a successful create or update ends in.
pub fn is_success(status: &str) -> bool {
    matches!(
        status,
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE"
    )
}

/// Why a stack in `status` is not a settled, deployed stack, and the command that moves it on.
pub struct NextStep {
    pub why: &'static str,
    pub next: String,
}

/// Which stack a [`NextStep`] is for.
pub struct StackOf<'a> {
    pub env: &'a str,
    pub stack: &'a str,
    pub region: &'a str,
    /// A protected environment: deploy never deletes its stack, destroy needs --force-prod.
    pub protected: bool,
}

/// The [`NextStep`] of a stack in `status` (None when it is settled or missing): `status`
/// prints it under the stack's status, and `drift` refuses such a stack with it, since a
/// detection there would report "in sync" about resources that do not exist.
pub fn next_step(status: &str, of: &StackOf) -> Option<NextStep> {
    let StackOf {
        env,
        stack,
        region,
        protected,
    } = *of;
    let (why, next) = match classify(status) {
        StackCondition::Missing | StackCondition::Stable => return None,
        StackCondition::ReviewOnly => (
            "a create change set was made but never executed, so it has no resources",
            format!("`stackgen deploy --env {env}` creates it"),
        ),
        StackCondition::FailedCreate if protected => (
            "its first create failed and rolled back, so it has no resources",
            format!(
                "its status reason says why (`stackgen status --env {env}`); the environment is \
                 protected, so deploy does not delete it: check what is left, then \
                 `aws cloudformation delete-stack --stack-name {stack} --region {region}` and \
                 deploy again"
            ),
        ),
        StackCondition::FailedCreate => (
            "its first create failed and rolled back, so it has no resources",
            format!(
                "its status reason says why (`stackgen status --env {env}`), and `stackgen \
                 deploy --env {env} --yes` deletes the leftover and creates it again"
            ),
        ),
        StackCondition::Busy => (
            "an operation is changing it",
            format!("wait for it to settle (`stackgen status --env {env}`), then go on"),
        ),
        StackCondition::UpdateRollbackFailed => (
            "an update failed and so did its rollback, so no deploy can change it",
            format!(
                "`aws cloudformation continue-update-rollback --stack-name {stack} --region \
                 {region}` (with --resources-to-skip for a resource that cannot roll back), then \
                 `stackgen deploy --env {env}`"
            ),
        ),
        StackCondition::DeleteFailed => (
            "a delete did not finish",
            format!(
                "`stackgen destroy --env {env}{}` deletes what is left",
                if protected { " --force-prod" } else { "" }
            ),
        ),
    };
    Some(NextStep { why, next })
}

/// What the caller allows deploy to do on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecoveryPolicy {
    /// Production (or any environment with retained data): never delete a stack to recover.
    pub protected: bool,
    /// `--yes`: the user agreed up front to the clean-ups deploy proposes.
    pub confirmed: bool,
}

/// The next move for a stack in a given condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeployDecision {
    /// Create it with a CREATE change set.
    Create,
    /// Update it with an UPDATE change set (after the no-op check).
    Update,
    /// Wait for the running operation to end, then decide again.
    WaitThenDecide,
    /// Delete the leftover (no live resources), wait, then create.
    DeleteThenCreate,
    /// A failed first create that the policy does not allow deleting: explain and stop.
    RefuseFailedCreate,
    /// UPDATE_ROLLBACK_FAILED: explain the recovery command and stop.
    RefuseUpdateRollbackFailed,
    /// DELETE_FAILED: explain (destroy again) and stop.
    RefuseDeleteFailed,
}

/// The deploy's move for a stack in `condition` under `policy`.
pub fn decide(condition: StackCondition, policy: RecoveryPolicy) -> DeployDecision {
    match condition {
        StackCondition::Missing => DeployDecision::Create,
        StackCondition::Stable => DeployDecision::Update,
        StackCondition::Busy => DeployDecision::WaitThenDecide,
        // No resources exist in REVIEW_IN_PROGRESS, so removing the shell loses nothing.
        StackCondition::ReviewOnly => DeployDecision::DeleteThenCreate,
        StackCondition::FailedCreate if policy.confirmed && !policy.protected => {
            DeployDecision::DeleteThenCreate
        }
        StackCondition::FailedCreate => DeployDecision::RefuseFailedCreate,
        StackCondition::UpdateRollbackFailed => DeployDecision::RefuseUpdateRollbackFailed,
        StackCondition::DeleteFailed => DeployDecision::RefuseDeleteFailed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: RecoveryPolicy = RecoveryPolicy {
        protected: false,
        confirmed: true,
    };

    /// A protected environment's next step never asks deploy or destroy for what they refuse
    /// there.
    #[test]
    fn a_protected_stack_is_told_what_it_may_do() {
        let of = |protected| StackOf {
            env: "prod",
            stack: "grocer-prod",
            region: "eu-west-1",
            protected,
        };
        let step = |status, protected| next_step(status, &of(protected)).map(|s| s.next);
        assert!(step("ROLLBACK_COMPLETE", false).is_some_and(|n| n.contains("--yes")));
        let prod = step("ROLLBACK_COMPLETE", true).unwrap_or_default();
        assert!(
            prod.contains("delete-stack --stack-name grocer-prod") && !prod.contains("--yes"),
            "{prod}"
        );
        assert!(step("DELETE_FAILED", true).is_some_and(|n| n.contains("--force-prod")));
        assert!(step("DELETE_FAILED", false).is_some_and(|n| !n.contains("--force-prod")));
        assert!(step("UPDATE_COMPLETE", true).is_none());
        assert!(
            step("UPDATE_ROLLBACK_FAILED", true)
                .is_some_and(|n| n.contains("continue-update-rollback"))
        );
    }

    #[test]
    fn statuses_are_grouped_as_cloudformation_documents_them() {
        assert_eq!(classify("CREATE_COMPLETE"), StackCondition::Stable);
        assert_eq!(classify("UPDATE_ROLLBACK_COMPLETE"), StackCondition::Stable);
        assert_eq!(
            classify("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"),
            StackCondition::Busy
        );
        assert_eq!(
            classify("UPDATE_ROLLBACK_IN_PROGRESS"),
            StackCondition::Busy
        );
        assert_eq!(classify("REVIEW_IN_PROGRESS"), StackCondition::ReviewOnly);
        assert_eq!(classify("ROLLBACK_COMPLETE"), StackCondition::FailedCreate);
        assert_eq!(classify("ROLLBACK_FAILED"), StackCondition::FailedCreate);
        assert_eq!(
            classify("UPDATE_ROLLBACK_FAILED"),
            StackCondition::UpdateRollbackFailed
        );
        assert_eq!(classify("DELETE_FAILED"), StackCondition::DeleteFailed);
        assert_eq!(classify("DELETE_COMPLETE"), StackCondition::Missing);
        assert!(is_settled("REVIEW_IN_PROGRESS"));
        assert!(!is_settled("CREATE_IN_PROGRESS"));
        assert!(is_success("UPDATE_COMPLETE"));
        assert!(!is_success("UPDATE_ROLLBACK_COMPLETE"));
    }

    #[test]
    fn a_failed_first_create_is_recreated_only_with_yes_outside_prod() {
        let failed = classify("ROLLBACK_COMPLETE");
        assert_eq!(decide(failed, OPEN), DeployDecision::DeleteThenCreate);
        let unconfirmed = RecoveryPolicy {
            confirmed: false,
            ..OPEN
        };
        assert_eq!(
            decide(failed, unconfirmed),
            DeployDecision::RefuseFailedCreate
        );
        let prod = RecoveryPolicy {
            protected: true,
            confirmed: true,
        };
        assert_eq!(decide(failed, prod), DeployDecision::RefuseFailedCreate);
    }

    #[test]
    fn an_interrupted_run_is_waited_for_and_blocked_states_are_explained() {
        for status in [
            "CREATE_IN_PROGRESS",
            "UPDATE_IN_PROGRESS",
            "DELETE_IN_PROGRESS",
        ] {
            assert_eq!(
                decide(classify(status), OPEN),
                DeployDecision::WaitThenDecide
            );
        }
        assert_eq!(
            decide(classify("UPDATE_ROLLBACK_FAILED"), OPEN),
            DeployDecision::RefuseUpdateRollbackFailed
        );
        assert_eq!(
            decide(classify("DELETE_FAILED"), OPEN),
            DeployDecision::RefuseDeleteFailed
        );
        assert_eq!(
            decide(classify("REVIEW_IN_PROGRESS"), RecoveryPolicy::default()),
            DeployDecision::DeleteThenCreate
        );
        assert_eq!(
            decide(StackCondition::Missing, RecoveryPolicy::default()),
            DeployDecision::Create
        );
        assert_eq!(
            decide(
                classify("UPDATE_ROLLBACK_COMPLETE"),
                RecoveryPolicy::default()
            ),
            DeployDecision::Update
        );
    }
}
