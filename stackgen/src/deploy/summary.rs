//! A change set read into what a reviewer needs: what is added, modified, removed or replaced,
//! with the resources that hold data first (the model's data stores, `stackgen_model::data_store`:
//! tables, buckets, queues, user pools, log groups, secrets, keys, databases, …).

use aws_sdk_cloudformation::types::Change;

/// What happens to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeAction {
    Remove,
    Modify,
    Add,
    Import,
    Dynamic,
}

/// Whether a modification replaces the resource (a new physical resource; data does not follow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Replacement {
    /// Definitely replaced.
    True,
    /// Replaced depending on values only known at execution.
    Conditional,
    /// Updated in place.
    False,
    /// Not a modification (add, remove).
    NotApplicable,
}

/// One resource's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceChange {
    pub action: ChangeAction,
    pub logical_id: String,
    pub resource_type: String,
    pub physical_id: Option<String>,
    pub replacement: Replacement,
    /// The resource holds data: its type is one of the model's data stores.
    pub stateful: bool,
}

impl ResourceChange {
    /// Loses data or breaks references: removal, or a (possibly) replacing modification.
    pub fn is_destructive(&self) -> bool {
        self.action == ChangeAction::Remove
            || matches!(
                self.replacement,
                Replacement::True | Replacement::Conditional
            )
    }
}

/// The reviewable content of a change set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeSummary {
    /// Stateful resources first, destructive before harmless, then by logical id.
    pub changes: Vec<ResourceChange>,
}

impl ChangeSummary {
    /// Builds and orders the summary from a change set's `Changes`.
    pub fn from_changes(changes: &[Change]) -> ChangeSummary {
        let mut out: Vec<ResourceChange> = changes
            .iter()
            .filter_map(|c| c.resource_change())
            .map(|rc| {
                let resource_type = rc.resource_type().unwrap_or_default().to_string();
                let action = match rc.action().map(|a| a.as_str()) {
                    Some("Add") => ChangeAction::Add,
                    Some("Remove") => ChangeAction::Remove,
                    Some("Import") => ChangeAction::Import,
                    Some("Dynamic") => ChangeAction::Dynamic,
                    _ => ChangeAction::Modify,
                };
                let replacement = match (action, rc.replacement().map(|r| r.as_str())) {
                    (ChangeAction::Modify, Some("True")) => Replacement::True,
                    (ChangeAction::Modify, Some("Conditional")) => Replacement::Conditional,
                    (ChangeAction::Modify, _) => Replacement::False,
                    _ => Replacement::NotApplicable,
                };
                ResourceChange {
                    action,
                    logical_id: rc.logical_resource_id().unwrap_or_default().to_string(),
                    // Whether removing or replacing it loses data: the model's data stores, the same
                    // table `stackgen diff` warns from (it once kept four types of its own here and
                    // left user pools, log groups and databases out).
                    stateful: stackgen_model::data_store(&resource_type).is_some(),
                    resource_type,
                    physical_id: rc.physical_resource_id().map(str::to_string),
                    replacement,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (!a.stateful, !a.is_destructive(), a.action, &a.logical_id).cmp(&(
                !b.stateful,
                !b.is_destructive(),
                b.action,
                &b.logical_id,
            ))
        });
        ChangeSummary { changes: out }
    }

    /// (added, modified, removed).
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |a| self.changes.iter().filter(|c| c.action == a).count();
        (
            n(ChangeAction::Add),
            n(ChangeAction::Modify),
            n(ChangeAction::Remove),
        )
    }

    /// Changes that lose data: a stateful resource removed or replaced.
    pub fn data_loss(&self) -> impl Iterator<Item = &ResourceChange> {
        self.changes
            .iter()
            .filter(|c| c.stateful && c.is_destructive())
    }

    /// The plan's warning when changes lose data: "2 changes remove or replace a resource that
    /// holds data: Orders (replaced), Logs (removed) …"; `None` when none does.
    pub fn data_loss_warning(&self) -> Option<String> {
        let lost: Vec<String> = self
            .data_loss()
            .map(|c| {
                let how = match (c.action, c.replacement) {
                    (ChangeAction::Remove, _) => "removed",
                    (_, Replacement::True) => "replaced",
                    _ => "may be replaced",
                };
                format!("{} ({how})", c.logical_id)
            })
            .collect();
        let (count, verb) = match lost.len() {
            0 => return None,
            1 => ("1 change".to_owned(), "removes or replaces"),
            n => (format!("{n} changes"), "remove or replace"),
        };
        Some(format!(
            "{count} {verb} a resource that holds data: {}. What it holds is gone once the change \
             set runs, unless its DeletionPolicy keeps it; decline and run `stackgen diff` to see \
             why it is replaced.",
            lost.join(", ")
        ))
    }

    /// True when there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudformation::types::{
        ChangeAction as SdkAction, ChangeType, Replacement as SdkReplacement,
        ResourceChange as SdkChange,
    };

    fn change(action: SdkAction, id: &str, ty: &str, repl: Option<SdkReplacement>) -> Change {
        Change::builder()
            .r#type(ChangeType::Resource)
            .resource_change(
                SdkChange::builder()
                    .action(action)
                    .logical_resource_id(id)
                    .resource_type(ty)
                    .set_replacement(repl)
                    .build(),
            )
            .build()
    }

    #[test]
    fn stateful_and_destructive_changes_come_first() {
        let s = ChangeSummary::from_changes(&[
            change(SdkAction::Add, "AFunction", "AWS::Lambda::Function", None),
            change(
                SdkAction::Modify,
                "Orders",
                "AWS::DynamoDB::Table",
                Some(SdkReplacement::False),
            ),
            change(
                SdkAction::Modify,
                "Reports",
                "AWS::S3::Bucket",
                Some(SdkReplacement::True),
            ),
            change(SdkAction::Remove, "Old", "AWS::SNS::Topic", None),
        ]);
        let order: Vec<&str> = s.changes.iter().map(|c| c.logical_id.as_str()).collect();
        assert_eq!(order, ["Reports", "Orders", "Old", "AFunction"]);
        assert_eq!(s.counts(), (1, 2, 1));
        let lost: Vec<&str> = s.data_loss().map(|c| c.logical_id.as_str()).collect();
        assert_eq!(lost, ["Reports"]);
        assert_eq!(s.changes[0].replacement, Replacement::True);
        assert_eq!(s.changes[3].replacement, Replacement::NotApplicable);
    }

    #[test]
    fn replacing_a_user_pool_or_removing_a_log_group_is_data_loss() {
        // The summary reads the model's data stores, as `stackgen diff` does: a replaced user
        // pool loses every account, a removed log group every event.
        let s = ChangeSummary::from_changes(&[
            change(
                SdkAction::Modify,
                "Pool",
                "AWS::Cognito::UserPool",
                Some(SdkReplacement::True),
            ),
            change(SdkAction::Remove, "Logs", "AWS::Logs::LogGroup", None),
            change(SdkAction::Remove, "Role", "AWS::IAM::Role", None),
        ]);
        let lost: Vec<&str> = s.data_loss().map(|c| c.logical_id.as_str()).collect();
        assert_eq!(lost, ["Logs", "Pool"]);
        let warning = s.data_loss_warning().unwrap_or_default();
        assert!(
            warning.starts_with(
                "2 changes remove or replace a resource that holds data: Logs (removed), \
                 Pool (replaced). "
            ),
            "{warning}"
        );
    }

    #[test]
    fn a_plan_that_loses_no_data_warns_of_none() {
        let s = ChangeSummary::from_changes(&[
            change(SdkAction::Remove, "Role", "AWS::IAM::Role", None),
            change(
                SdkAction::Modify,
                "Orders",
                "AWS::DynamoDB::Table",
                Some(SdkReplacement::False),
            ),
        ]);
        assert_eq!(s.data_loss_warning(), None);
    }
}
