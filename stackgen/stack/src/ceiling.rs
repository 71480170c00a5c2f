//! The permissions boundary's ceiling: every action a role of a product stack may ever hold,
//! gathered from the modules that grant them (the functions' grants, the kill switch's and the
//! schedules' roles). The bootstrap stack writes it into the boundary policy (`boundary.rs` says
//! where that policy lives); `tests/deploy_role.rs` holds the policy equal to it and every role
//! of every environment within it.

/// Every action a product stack's roles may hold: the functions' grants, their logging, the
/// kill switch's stack-wide grants and the schedule's invoke.
pub fn actions() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = super::functions::GRANT_ACTIONS
        .iter()
        .chain(super::finops::ROLE_ACTIONS)
        .flat_map(|group| group.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}
