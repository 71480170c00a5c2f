//! The result of comparing two templates: what changes, how, and what it puts at risk.
//!
//! These types are the contract between the diff engine and everything that shows or acts on
//! a diff (the text, Markdown and JSON renderers, the deploy confirmation, CI's exit code).
//! They serialise to the JSON output as they are, so renaming a field is a breaking change of
//! `stackgen diff --format json`.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::path::PropertyPath;
use super::stateful::DataFate;

/// Whether a change makes CloudFormation replace the physical resource (create a new one, then
/// delete the old one). Ordered by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Replacement {
    /// Updated in place.
    #[default]
    Never,
    /// May be replaced, depending on the new value or on a value known only at deploy time
    /// (CloudFormation's "Conditional").
    Conditional,
    /// Replaced.
    Always,
}

impl fmt::Display for Replacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Replacement::Never => "no replacement",
            Replacement::Conditional => "may require replacement",
            Replacement::Always => "requires replacement",
        })
    }
}

/// What happens to a resource as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceAction {
    /// New logical id: created.
    Add,
    /// Updated; `replacement` says whether it may be replaced.
    Update,
    /// Replaced: a new physical resource is created and the old one deleted.
    Replace,
    /// Logical id gone: deleted (subject to `DeletionPolicy`).
    Remove,
}

impl ResourceAction {
    /// A short verb for renderers.
    pub fn verb(self) -> &'static str {
        match self {
            ResourceAction::Add => "add",
            ResourceAction::Update => "update",
            ResourceAction::Replace => "replace",
            ResourceAction::Remove => "remove",
        }
    }
}

/// How a single value changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Modified,
    /// The expression in the template is unchanged, but what it evaluates to changes at deploy
    /// time (it references a replaced resource or a parameter whose value changes).
    Reevaluated,
}

/// Why a resource property changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeCause {
    /// The template itself changed here.
    Template,
    /// The value references a resource that is (or may be) replaced, so its physical id or
    /// attributes change.
    ReplacedResource { resource: String },
    /// The value references a parameter whose value changes.
    Parameter { parameter: String },
}

/// One changed value inside a resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PropertyChange {
    /// From the resource root: `Properties.KeySchema[0].AttributeName`, `DeletionPolicy`.
    pub path: PropertyPath,
    pub kind: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// What AWS's resource schema says this change does.
    pub replacement: Replacement,
    pub cause: ChangeCause,
}

/// Something the reader must know about a resource change beyond its properties.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// The resource type changed under the same logical id.
    TypeChanged { old: String, new: String },
    /// This added resource looks like a removed one under a new logical id.
    RenamedFrom { logical_id: String, identical: bool },
    /// This removed resource looks like an added one under a new logical id.
    RenamedTo { logical_id: String, identical: bool },
    /// The resource is (or may be) replaced, or recreated under a new logical id, while its
    /// physical name stays the same: CloudFormation creates the new resource first, so the
    /// update fails.
    NameConflict {
        property: PropertyPath,
        value: Value,
        /// The removed logical id still holding that name, for a rename.
        held_by: Option<String>,
    },
    /// The resource's `Condition` changed, so it may be created or deleted when conditions evaluate.
    ConditionChanged,
    /// The type is not in `model/allowlist.txt`: property changes are assumed to update in place.
    UnknownType { resource_type: String },
}

impl Note {
    /// A stable identifier for machines.
    pub fn code(&self) -> &'static str {
        match self {
            Note::TypeChanged { .. } => "type_changed",
            Note::RenamedFrom { .. } => "renamed_from",
            Note::RenamedTo { .. } => "renamed_to",
            Note::NameConflict { .. } => "name_conflict",
            Note::ConditionChanged => "condition_changed",
            Note::UnknownType { .. } => "unknown_type",
        }
    }

    /// True for notes that predict a failed deployment.
    pub fn is_blocking(&self) -> bool {
        matches!(self, Note::TypeChanged { .. } | Note::NameConflict { .. })
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::TypeChanged { old, new } => write!(
                f,
                "type changes from {old} to {new}: CloudFormation rejects this (\"Update of resource \
                 type is not permitted\"); give the new resource a new logical id instead"
            ),
            Note::RenamedFrom {
                logical_id,
                identical,
            } => write!(
                f,
                "logical id renamed from {logical_id}{}: CloudFormation creates a new physical \
                 resource and deletes the old one",
                if *identical {
                    " (identical definition)"
                } else {
                    " (same type)"
                }
            ),
            Note::RenamedTo {
                logical_id,
                identical,
            } => write!(
                f,
                "logical id renamed to {logical_id}{}: this physical resource is deleted and a \
                 new one created",
                if *identical {
                    " (identical definition)"
                } else {
                    " (same type)"
                }
            ),
            Note::NameConflict {
                property,
                value,
                held_by: None,
            } => write!(
                f,
                "{property} stays {value} while the resource is replaced: CloudFormation creates \
                 the replacement before deleting the old one, so the update fails (\"cannot update \
                 a stack when a custom-named resource requires replacing\"); change the name or \
                 remove it"
            ),
            Note::NameConflict {
                property,
                value,
                held_by: Some(old_id),
            } => write!(
                f,
                "{property} {value} is still held by the removed {old_id}: CloudFormation creates \
                 new resources before deleting removed ones, so creating this one fails \
                 (\"already exists\"); change the name, or deploy the removal first"
            ),
            Note::ConditionChanged => f.write_str(
                "its Condition changed: the resource is created or deleted when the condition's \
                 value differs",
            ),
            Note::UnknownType { resource_type } => write!(
                f,
                "{resource_type} is not in stackgen's resource facts (model/allowlist.txt): \
                 changes are assumed to update in place"
            ),
        }
    }
}

impl Serialize for Note {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Note", 3)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("blocking", &self.is_blocking())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

/// Everything that happens to one resource (one logical id).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceDiff {
    pub logical_id: String,
    /// The type in the new template (the old type when removed).
    pub resource_type: String,
    /// The old type, only when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_resource_type: Option<String>,
    pub action: ResourceAction,
    /// The strongest replacement level of any change (`always` for a type change).
    pub replacement: Replacement,
    /// Called out first: a stateful resource removed or (possibly) replaced, or any replacement.
    pub destructive: bool,
    /// True when the type holds data (see `stateful.rs`).
    pub stateful: bool,
    /// For stateful resources that are removed or (possibly) replaced: what happens to the data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<DataFate>,
    pub changes: Vec<PropertyChange>,
    pub notes: Vec<Note>,
}

impl ResourceDiff {
    /// True when the data of this resource is deleted (not retained, not snapshotted).
    pub fn loses_data(&self) -> bool {
        self.data.as_ref().is_some_and(|fate| !fate.is_protected())
    }

    /// True when a note predicts that the deployment fails.
    pub fn is_blocked(&self) -> bool {
        self.notes.iter().any(Note::is_blocking)
    }

    /// The changes that (may) force the replacement, strongest first.
    pub fn replacement_causes(&self) -> Vec<&PropertyChange> {
        let mut causes: Vec<&PropertyChange> = self
            .changes
            .iter()
            .filter(|c| c.replacement > Replacement::Never)
            .collect();
        causes.sort_by_key(|c| std::cmp::Reverse(c.replacement));
        causes
    }
}

/// A top-level template section other than `Resources`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// Parameter declarations (`Parameters`).
    Parameters,
    /// The values passed for parameters (given to the diff, not part of the template).
    ParameterValues,
    Outputs,
    Conditions,
    Mappings,
    Rules,
    Metadata,
    Transform,
    Description,
    FormatVersion,
    /// Any other top-level key, by name.
    Other(String),
}

impl Section {
    /// The section for a top-level template key.
    pub fn from_key(key: &str) -> Self {
        match key {
            "Parameters" => Section::Parameters,
            "Outputs" => Section::Outputs,
            "Conditions" => Section::Conditions,
            "Mappings" => Section::Mappings,
            "Rules" => Section::Rules,
            "Metadata" => Section::Metadata,
            "Transform" => Section::Transform,
            "Description" => Section::Description,
            "AWSTemplateFormatVersion" => Section::FormatVersion,
            other => Section::Other(other.to_owned()),
        }
    }

    /// The name as written in a template (`Parameter values` for values).
    pub fn name(&self) -> &str {
        match self {
            Section::Parameters => "Parameters",
            Section::ParameterValues => "Parameter values",
            Section::Outputs => "Outputs",
            Section::Conditions => "Conditions",
            Section::Mappings => "Mappings",
            Section::Rules => "Rules",
            Section::Metadata => "Metadata",
            Section::Transform => "Transform",
            Section::Description => "Description",
            Section::FormatVersion => "AWSTemplateFormatVersion",
            Section::Other(name) => name,
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Section {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// What happens to one named entry of a section (a parameter, an output, a condition, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryAction {
    Add,
    Modify,
    Remove,
}

/// One changed value inside a section entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueChange {
    /// From the entry root (`Value`, `Export.Name`); empty for the entry as a whole.
    pub path: PropertyPath,
    pub kind: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// One changed entry of a section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryDiff {
    /// The entry's name (`LogRetentionDays`); the section name for single-valued sections.
    pub name: String,
    pub action: EntryAction,
    pub changes: Vec<ValueChange>,
}

/// The changed entries of one section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionDiff {
    pub section: Section,
    pub entries: Vec<EntryDiff>,
}

/// Resource counts for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ResourceCounts {
    pub add: usize,
    pub update: usize,
    pub replace: usize,
    pub remove: usize,
    /// Updates that may require replacement.
    pub may_replace: usize,
    /// Resources called out as destructive.
    pub destructive: usize,
    /// Stateful resources whose data is deleted.
    pub data_loss: usize,
    /// Resources with a note predicting a failed deployment.
    pub blocked: usize,
}

/// The difference between a deployed (or saved) template and a newly rendered one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateDiff {
    /// Where the old template came from ("deployed stack retail-dev", a file path).
    pub old_label: String,
    /// Where the new template came from ("rendered for dev").
    pub new_label: String,
    /// Changed resources, destructive ones first (data loss, then other destructive, each by
    /// logical id), then the rest by logical id.
    pub resources: Vec<ResourceDiff>,
    /// Changed sections other than `Resources`, in template order.
    pub sections: Vec<SectionDiff>,
    /// Permissions granted or taken away, broadening first (see `diff::security`).
    pub security: Vec<super::security::SecurityChange>,
    /// Things that limit the diff's precision or predict a failure outside resources.
    pub warnings: Vec<String>,
}

impl TemplateDiff {
    /// True when anything differs (resources, sections or parameter values).
    pub fn has_changes(&self) -> bool {
        !self.resources.is_empty() || self.sections.iter().any(|s| !s.entries.is_empty())
    }

    /// The resources called out as destructive, in display order.
    pub fn destructive(&self) -> impl Iterator<Item = &ResourceDiff> {
        self.resources.iter().filter(|r| r.destructive)
    }

    /// Counts by action and risk.
    pub fn counts(&self) -> ResourceCounts {
        let mut counts = ResourceCounts::default();
        for resource in &self.resources {
            match resource.action {
                ResourceAction::Add => counts.add += 1,
                ResourceAction::Update => counts.update += 1,
                ResourceAction::Replace => counts.replace += 1,
                ResourceAction::Remove => counts.remove += 1,
            }
            if resource.action == ResourceAction::Update
                && resource.replacement == Replacement::Conditional
            {
                counts.may_replace += 1;
            }
            counts.destructive += usize::from(resource.destructive);
            counts.data_loss += usize::from(resource.loses_data());
            counts.blocked += usize::from(resource.is_blocked());
        }
        counts
    }

    /// The section diff for `section`, if it changed.
    pub fn section(&self, section: &Section) -> Option<&SectionDiff> {
        self.sections.iter().find(|s| &s.section == section)
    }

    /// The resource diff for a logical id, if it changed.
    pub fn resource(&self, logical_id: &str) -> Option<&ResourceDiff> {
        self.resources.iter().find(|r| r.logical_id == logical_id)
    }

    /// One line: "1 to add, 2 to change (1 may be replaced), 1 to replace, 1 to remove;
    /// 1 destructive." (or "No changes.").
    pub fn summary_line(&self) -> String {
        if !self.has_changes() {
            return "No changes.".to_owned();
        }
        let c = self.counts();
        let entries: usize = self.sections.iter().map(|s| s.entries.len()).sum();
        let mut line = format!("{} to add, {} to change", c.add, c.update);
        if c.may_replace > 0 {
            line.push_str(&format!(" ({} may be replaced)", c.may_replace));
        }
        line.push_str(&format!(
            ", {} to replace, {} to remove",
            c.replace, c.remove
        ));
        if entries > 0 {
            line.push_str(&format!(
                "; {entries} other template change{}",
                if entries == 1 { "" } else { "s" }
            ));
        }
        if c.destructive > 0 {
            line.push_str(&format!("; {} destructive", c.destructive));
        }
        if c.blocked > 0 {
            line.push_str(&format!("; {} would fail to deploy", c.blocked));
        }
        line.push('.');
        line
    }
}
