//! Showing a [`TemplateDiff`] to people (terminal text, pull-request Markdown) and machines (JSON).
//!
//! All three renderers present the same facts in the same order (destructive changes first),
//! from the same helpers, so a reviewer reading the PR comment and an engineer reading the
//! terminal see one story.

mod json;
mod markdown;
mod text;

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use super::model::{
    ChangeCause, ChangeKind, PropertyChange, Replacement, ResourceAction, ResourceDiff,
    TemplateDiff,
};
use super::stateful::{DataFate, DataOutcome, PolicyAttribute};

pub use json::render_json;
pub use markdown::render_markdown;
pub use text::render_text;

/// An output format of `stackgen diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// For a terminal (colour when asked).
    Text,
    /// Stable machine-readable JSON (`schema_version` 1).
    Json,
    /// A pull-request comment.
    Markdown,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Markdown => "markdown",
        })
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            other => Err(format!(
                "unknown diff format `{other}`: use text, json or markdown"
            )),
        }
    }
}

/// Renders `diff` in `format`; `color` applies to text only (pass false when NO_COLOR is set
/// or stdout is not a terminal).
/// The security section's heading: how many changes broaden access and how many narrow it.
fn security_heading(diff: &TemplateDiff) -> String {
    let broadening = diff.security.iter().filter(|c| c.broadening).count();
    format!(
        "Security changes ({broadening} broadening, {} narrowing)",
        diff.security.len() - broadening
    )
}

pub fn render(diff: &TemplateDiff, format: Format, color: bool) -> String {
    match format {
        Format::Text => render_text(diff, color),
        Format::Json => render_json(diff),
        Format::Markdown => render_markdown(diff),
    }
}

/// A value as compact JSON, cut to `max` characters.
pub(crate) fn short(value: &Value, max: usize) -> String {
    let full = value.to_string();
    if full.chars().count() <= max {
        full
    } else {
        let cut: String = full.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// "all items in the table are deleted (UpdateReplacePolicy: Delete)".
pub(crate) fn data_sentence(fate: &DataFate) -> String {
    let attribute = match fate.attribute {
        PolicyAttribute::DeletionPolicy => "DeletionPolicy",
        PolicyAttribute::UpdateReplacePolicy => "UpdateReplacePolicy",
    };
    match fate.outcome {
        DataOutcome::Deleted if fate.caveat.is_some() => format!(
            "{} are at risk ({attribute}: {}): {}; set {attribute}: Retain to keep it",
            fate.data,
            fate.policy,
            fate.caveat.unwrap_or_default()
        ),
        DataOutcome::Deleted => format!(
            "{} will be DELETED ({attribute}: {}); set {attribute}: Retain to keep it",
            fate.data, fate.policy
        ),
        DataOutcome::Protected => format!(
            "deletion protection ({}) is on: CloudFormation's delete of the old resource fails \
             during cleanup and it stays in the account outside the stack ({attribute}: {})",
            fate.protected_by.unwrap_or("deletion protection"),
            fate.policy
        ),
        DataOutcome::Snapshot => format!(
            "{} is snapshotted, then deleted ({attribute}: {})",
            fate.data, fate.policy
        ),
        DataOutcome::Retained => format!(
            "data retained ({attribute}: {}): the old resource stays in the account outside the \
             stack{}",
            fate.policy,
            if fate.attribute == PolicyAttribute::UpdateReplacePolicy {
                " and the new one starts empty"
            } else {
                ""
            }
        ),
    }
}

/// What happens to the resource, in a few words ("replaced", "may be replaced", "removed").
pub(crate) fn action_phrase(resource: &ResourceDiff) -> &'static str {
    match (resource.action, resource.replacement) {
        (ResourceAction::Add, _) => "added",
        (ResourceAction::Remove, _) => "removed",
        (ResourceAction::Replace, _) => "replaced",
        (ResourceAction::Update, Replacement::Conditional) => "may be replaced",
        (ResourceAction::Update, _) => "updated in place",
    }
}

/// The properties that force (or may force) the replacement, as "`A`, `B`".
pub(crate) fn replacement_paths(resource: &ResourceDiff) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for change in resource.replacement_causes() {
        let path = change.path.to_string();
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// Why a re-evaluated value changes: "new value: OrdersTable is replaced".
pub(crate) fn cause_phrase(change: &PropertyChange, diff: &TemplateDiff) -> Option<String> {
    match &change.cause {
        ChangeCause::Template => None,
        ChangeCause::ReplacedResource { resource } => {
            let certain = diff
                .resource(resource)
                .is_some_and(|r| r.replacement == Replacement::Always);
            Some(if certain {
                format!("new value: {resource} is replaced")
            } else {
                format!("new value if {resource} is replaced")
            })
        }
        ChangeCause::Parameter { parameter } => {
            Some(format!("new value: parameter {parameter} changes"))
        }
    }
}

/// "replacement forced by `A`" or "replacement may be forced by `A`", without the paths.
pub(crate) fn forced_phrase(resource: &ResourceDiff) -> &'static str {
    if resource.replacement == Replacement::Always {
        "replacement forced by"
    } else {
        "replacement may be forced by"
    }
}

/// The one-line description of a value change: `old → new`, `+ new`, `- old`.
pub(crate) fn change_values(
    kind: ChangeKind,
    old: Option<&Value>,
    new: Option<&Value>,
    max: usize,
) -> String {
    match (kind, old, new) {
        (ChangeKind::Reevaluated, _, Some(expr)) => short(expr, max),
        (_, Some(o), Some(n)) => format!("{} → {}", short(o, max), short(n, max)),
        (_, None, Some(n)) => short(n, max),
        (_, Some(o), None) => short(o, max),
        (_, None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_parse_case_insensitively() {
        assert_eq!("Markdown".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        assert!("yaml".parse::<Format>().is_err());
        assert_eq!(Format::Json.to_string(), "json");
    }

    #[test]
    fn long_values_are_cut() {
        assert_eq!(short(&json!("abc"), 10), "\"abc\"");
        assert_eq!(short(&json!("abcdefghij"), 6), "\"abcd…");
    }
}
