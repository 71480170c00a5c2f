//! The machine-readable rendering: a stable JSON document for CI and other tools.
//!
//! `schema_version` changes only when a field is removed or its meaning changes; new fields
//! may be added. Values are the template's own JSON, never truncated.

use serde::Serialize;

use super::super::model::{ResourceCounts, TemplateDiff};

/// Version of the JSON document's shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    has_changes: bool,
    /// What `stackgen diff` exits with: 0 no changes, 2 changes.
    exit_code: u8,
    summary: String,
    counts: ResourceCounts,
    /// Logical ids of destructive changes, in display order.
    destructive: Vec<&'a str>,
    #[serde(flatten)]
    diff: &'a TemplateDiff,
}

/// Renders the diff as pretty-printed JSON (one document, trailing newline).
pub fn render_json(diff: &TemplateDiff) -> String {
    let report = Report {
        schema_version: SCHEMA_VERSION,
        has_changes: diff.has_changes(),
        exit_code: diff.exit().code(),
        summary: diff.summary_line(),
        counts: diff.counts(),
        destructive: diff.destructive().map(|r| r.logical_id.as_str()).collect(),
        diff,
    };
    // Serialising plain data (strings, numbers, JSON values) cannot fail.
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_else(|e| {
        format!(
            "{{\"schema_version\": {SCHEMA_VERSION}, \"error\": {:?}}}",
            e.to_string()
        )
    });
    text.push('\n');
    text
}
