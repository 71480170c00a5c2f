//! The pull-request comment: readable in a few seconds, complete on demand.
//!
//! A summary line and a table of counts first, then a ⚠️ section listing destructive changes
//! with what happens to the data, then one collapsible `<details>` block per resource with its
//! changed properties, then the other template sections. Values go through HTML `<code>` with
//! escaping, so a `|` or a backtick in a template value cannot break the table.

use std::fmt::Write as _;

use super::super::model::{
    EntryAction, Replacement, ResourceAction, ResourceDiff, SectionDiff, TemplateDiff,
};
use super::{
    action_phrase, cause_phrase, change_values, data_sentence, forced_phrase, replacement_paths,
    security_heading,
};

const VALUE_WIDTH: usize = 300;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '`' => out.push_str("&#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn code(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!("<code>{}</code>", escape(text))
    }
}

fn icon(resource: &ResourceDiff) -> &'static str {
    match (resource.action, resource.replacement) {
        (ResourceAction::Add, _) => "➕",
        (ResourceAction::Remove, _) => "➖",
        (ResourceAction::Replace, _) => "🔁",
        (ResourceAction::Update, Replacement::Conditional) => "🔁",
        (ResourceAction::Update, _) => "✏️",
    }
}

fn replacement_cell(replacement: Replacement) -> &'static str {
    match replacement {
        Replacement::Never => "no",
        Replacement::Conditional => "**maybe**",
        Replacement::Always => "**yes**",
    }
}

fn counts_table(out: &mut String, diff: &TemplateDiff) {
    let c = diff.counts();
    let _ = writeln!(out, "| | Added | Changed | Replaced | Removed |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| Resources | {} | {} | {} | {} |",
        c.add, c.update, c.replace, c.remove
    );
    for section in &diff.sections {
        let count = |action| {
            section
                .entries
                .iter()
                .filter(|e| e.action == action)
                .count()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | – | {} |",
            section.section.name(),
            count(EntryAction::Add),
            count(EntryAction::Modify),
            count(EntryAction::Remove)
        );
    }
}

fn destructive_item(out: &mut String, resource: &ResourceDiff) {
    let _ = write!(
        out,
        "- ⚠️ **`{}`** `{}` **{}**",
        resource.logical_id,
        resource.resource_type,
        action_phrase(resource)
    );
    if let Some(fate) = &resource.data {
        let _ = write!(out, ": {}", escape(&data_sentence(fate)));
    }
    let paths = replacement_paths(resource);
    if !paths.is_empty() {
        let forced: Vec<String> = paths.iter().map(|p| code(p)).collect();
        let _ = write!(out, "; {} {}", forced_phrase(resource), forced.join(", "));
    }
    let _ = writeln!(out);
    for note in &resource.notes {
        let lead = if note.is_blocking() {
            "⛔ **Will fail:** "
        } else {
            "ℹ️ "
        };
        let _ = writeln!(out, "  - {lead}{}", escape(&note.to_string()));
    }
}

fn resource_details(out: &mut String, diff: &TemplateDiff, resource: &ResourceDiff) {
    let type_text = match &resource.old_resource_type {
        Some(old) => format!("{old} → {}", resource.resource_type),
        None => resource.resource_type.clone(),
    };
    let _ = writeln!(
        out,
        "<details><summary>{} <code>{}</code> ({}): {}{}</summary>",
        icon(resource),
        escape(&resource.logical_id),
        escape(&type_text),
        action_phrase(resource),
        if resource.destructive { " ⚠️" } else { "" }
    );
    let _ = writeln!(out);
    if !resource.destructive {
        for note in &resource.notes {
            let _ = writeln!(out, "- ℹ️ {}", escape(&note.to_string()));
        }
        if !resource.notes.is_empty() {
            let _ = writeln!(out);
        }
    }
    if resource.changes.is_empty() {
        let what = match resource.action {
            ResourceAction::Add => "New resource.",
            ResourceAction::Remove => "Removed from the template.",
            _ => "No property changes.",
        };
        let _ = writeln!(out, "{what}");
    } else {
        let _ = writeln!(out, "| Property | Change | Replacement |");
        let _ = writeln!(out, "|---|---|---|");
        for change in &resource.changes {
            let mut cell = code(&change_values(
                change.kind,
                change.old.as_ref(),
                change.new.as_ref(),
                VALUE_WIDTH,
            ));
            let verb = match change.kind {
                super::super::model::ChangeKind::Added => "added ",
                super::super::model::ChangeKind::Removed => "removed ",
                _ => "",
            };
            cell.insert_str(0, verb);
            if let Some(cause) = cause_phrase(change, diff) {
                let _ = write!(cell, " ({})", escape(&cause));
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code(&change.path.to_string()),
                cell,
                replacement_cell(change.replacement)
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "</details>");
}

/// Permissions granted (⚠️, broadening) or taken away, after the destructive changes.
fn security_section(out: &mut String, diff: &TemplateDiff) {
    if diff.security.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "#### 🔐 {}", security_heading(diff));
    let _ = writeln!(out);
    for c in &diff.security {
        let _ = writeln!(
            out,
            "- {} <code>{}</code> ({}) {}",
            if c.broadening { "⚠️" } else { "➖" },
            escape(&c.resource),
            escape(&c.resource_type),
            escape(&c.what)
        );
    }
}

/// A folded table of one section's changes (parameters, outputs, …).
fn section_details(out: &mut String, section: &SectionDiff) {
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "<details><summary>{} ({})</summary>",
        escape(section.section.name()),
        section.entries.len()
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "| Name | Action | Path | Change |");
    let _ = writeln!(out, "|---|---|---|---|");
    for entry in &section.entries {
        let action = match entry.action {
            EntryAction::Add => "added",
            EntryAction::Modify => "changed",
            EntryAction::Remove => "removed",
        };
        for change in &entry.changes {
            let _ = writeln!(
                out,
                "| {} | {action} | {} | {} |",
                code(&entry.name),
                code(&change.path.to_string()),
                code(&change_values(
                    change.kind,
                    change.old.as_ref(),
                    change.new.as_ref(),
                    VALUE_WIDTH
                ))
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "</details>");
}

/// Renders the diff as a pull-request comment (GitHub-flavoured Markdown).
pub fn render_markdown(diff: &TemplateDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### stackgen diff: {} → {}",
        escape(&diff.old_label),
        escape(&diff.new_label)
    );
    let _ = writeln!(out);
    if !diff.has_changes() {
        let _ = writeln!(out, "✅ **No changes.**");
        for warning in &diff.warnings {
            let _ = writeln!(out);
            let _ = writeln!(out, "> ⚠️ {}", escape(warning));
        }
        return out;
    }
    let counts = diff.counts();
    let lead = if counts.destructive > 0 {
        "⚠️ "
    } else {
        ""
    };
    let _ = writeln!(out, "{lead}**{}**", escape(&diff.summary_line()));
    let _ = writeln!(out);
    counts_table(&mut out, diff);

    let destructive: Vec<&ResourceDiff> = diff.destructive().collect();
    if !destructive.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "#### ⚠️ Destructive changes");
        let _ = writeln!(out);
        for resource in destructive {
            destructive_item(&mut out, resource);
        }
    }
    security_section(&mut out, diff);
    if !diff.resources.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "#### Resources");
        let _ = writeln!(out);
        for resource in &diff.resources {
            resource_details(&mut out, diff, resource);
        }
    }
    for section in &diff.sections {
        section_details(&mut out, section);
    }
    if !diff.warnings.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "#### Warnings");
        let _ = writeln!(out);
        for warning in &diff.warnings {
            let _ = writeln!(out, "- {}", escape(warning));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_tables_intact() {
        assert_eq!(escape("a|b`c<d>&\n"), "a&#124;b&#96;c&lt;d&gt;&amp; ");
        assert_eq!(code(""), "");
        assert_eq!(code("x|y"), "<code>x&#124;y</code>");
    }
}
