//! The terminal rendering: a plan an engineer can read before typing "yes".
//!
//! Modelled on `terraform plan`: one symbol per resource (`+` add, `~` update, `-/+` replace,
//! `-` remove), changed properties indented below it, destructive changes in their own block at
//! the top. Colour is optional so that NO_COLOR and pipes get plain text.

use std::fmt::Write as _;

use super::super::model::{
    ChangeKind, EntryAction, Replacement, ResourceAction, ResourceDiff, SectionDiff, TemplateDiff,
};
use super::{
    action_phrase, cause_phrase, change_values, data_sentence, forced_phrase, replacement_paths,
    security_heading,
};

const VALUE_WIDTH: usize = 100;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
    fn red(&self, t: &str) -> String {
        self.wrap("31", t)
    }
    fn bold_red(&self, t: &str) -> String {
        self.wrap("1;31", t)
    }
    fn green(&self, t: &str) -> String {
        self.wrap("32", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.wrap("33", t)
    }
    fn magenta(&self, t: &str) -> String {
        self.wrap("35", t)
    }
    fn dim(&self, t: &str) -> String {
        self.wrap("2", t)
    }
}

fn symbol(resource: &ResourceDiff, paint: &Paint) -> String {
    match (resource.action, resource.replacement) {
        (ResourceAction::Add, _) => paint.green("  +"),
        (ResourceAction::Remove, _) => paint.red("  -"),
        (ResourceAction::Replace, _) => paint.magenta("-/+"),
        (ResourceAction::Update, Replacement::Conditional) => paint.magenta("~/+"),
        (ResourceAction::Update, _) => paint.yellow("  ~"),
    }
}

fn kind_symbol(kind: ChangeKind, paint: &Paint) -> String {
    match kind {
        ChangeKind::Added => paint.green("+"),
        ChangeKind::Removed => paint.red("-"),
        ChangeKind::Modified => paint.yellow("~"),
        ChangeKind::Reevaluated => paint.yellow("↻"),
    }
}

fn replacement_tag(replacement: Replacement, paint: &Paint) -> String {
    match replacement {
        Replacement::Never => String::new(),
        Replacement::Conditional => format!(" {}", paint.magenta("[may force replacement]")),
        Replacement::Always => format!(" {}", paint.bold_red("[forces replacement]")),
    }
}

fn write_resource(out: &mut String, diff: &TemplateDiff, resource: &ResourceDiff, paint: &Paint) {
    let type_text = match &resource.old_resource_type {
        Some(old) => format!("{old} → {}", resource.resource_type),
        None => resource.resource_type.clone(),
    };
    let _ = writeln!(
        out,
        "{} {} {} {}",
        symbol(resource, paint),
        paint.bold(&resource.logical_id),
        paint.dim(&format!("({type_text})")),
        action_phrase(resource)
    );
    if let Some(fate) = &resource.data {
        let sentence = data_sentence(fate);
        let sentence = if fate.is_protected() {
            paint.yellow(&sentence)
        } else {
            paint.bold_red(&sentence)
        };
        let _ = writeln!(out, "      {} {sentence}", paint.red("!"));
    }
    if resource.destructive && resource.action != ResourceAction::Remove {
        let paths = replacement_paths(resource);
        if !paths.is_empty() {
            let _ = writeln!(
                out,
                "      {} {} {}",
                paint.red("!"),
                forced_phrase(resource),
                paths.join(", ")
            );
        }
    }
    for note in &resource.notes {
        let mark = if note.is_blocking() {
            paint.bold_red("✗ will fail:")
        } else {
            paint.dim("note:")
        };
        let _ = writeln!(out, "      {mark} {note}");
    }
    for change in &resource.changes {
        let mut line = format!(
            "      {} {}: {}",
            kind_symbol(change.kind, paint),
            change.path,
            change_values(
                change.kind,
                change.old.as_ref(),
                change.new.as_ref(),
                VALUE_WIDTH
            )
        );
        line.push_str(&replacement_tag(change.replacement, paint));
        if let Some(cause) = cause_phrase(change, diff) {
            line.push_str(&format!(" {}", paint.dim(&format!("({cause})"))));
        }
        let _ = writeln!(out, "{line}");
    }
}

fn write_section(out: &mut String, section: &SectionDiff, paint: &Paint) {
    let _ = writeln!(out, "{}", paint.bold(section.section.name()));
    for entry in &section.entries {
        let mark = match entry.action {
            EntryAction::Add => paint.green("  +"),
            EntryAction::Modify => paint.yellow("  ~"),
            EntryAction::Remove => paint.red("  -"),
        };
        match entry.changes.as_slice() {
            [only] if only.path.is_root() => {
                let _ = writeln!(
                    out,
                    "{mark} {}: {}",
                    entry.name,
                    change_values(only.kind, only.old.as_ref(), only.new.as_ref(), VALUE_WIDTH)
                );
            }
            changes => {
                let _ = writeln!(out, "{mark} {}", entry.name);
                for change in changes {
                    let _ = writeln!(
                        out,
                        "      {} {}: {}",
                        kind_symbol(change.kind, paint),
                        change.path,
                        change_values(
                            change.kind,
                            change.old.as_ref(),
                            change.new.as_ref(),
                            VALUE_WIDTH
                        )
                    );
                }
            }
        }
    }
}

/// The IAM and network changes, broadening ones marked `+`.
fn write_security(out: &mut String, diff: &TemplateDiff, paint: &Paint) {
    if diff.security.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", paint.bold(&security_heading(diff)));
    for c in &diff.security {
        let mark = if c.broadening {
            paint.bold_red("+")
        } else {
            paint.green("-")
        };
        let _ = writeln!(
            out,
            "  {mark} {} ({}) {}",
            c.resource, c.resource_type, c.what
        );
    }
}

/// Renders the diff for a terminal. `color` adds ANSI colours.
pub fn render_text(diff: &TemplateDiff, color: bool) -> String {
    let paint = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} → {}",
        paint.bold("stackgen diff:"),
        diff.old_label,
        diff.new_label
    );
    if !diff.has_changes() {
        let _ = writeln!(out, "{}", paint.green("No changes."));
        for warning in &diff.warnings {
            let _ = writeln!(out, "{} {warning}", paint.yellow("warning:"));
        }
        return out;
    }
    let _ = writeln!(out, "{}", diff.summary_line());

    let destructive: Vec<&ResourceDiff> = diff.destructive().collect();
    if !destructive.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            paint.bold_red(&format!("⚠ Destructive changes ({})", destructive.len()))
        );
        for resource in &destructive {
            write_resource(&mut out, diff, resource, &paint);
        }
    }
    write_security(&mut out, diff, &paint);
    let rest: Vec<&ResourceDiff> = diff.resources.iter().filter(|r| !r.destructive).collect();
    if !rest.is_empty() {
        let _ = writeln!(out);
        let heading = if destructive.is_empty() {
            "Resources"
        } else {
            "Other resource changes"
        };
        let _ = writeln!(
            out,
            "{}",
            paint.bold(&format!("{heading} ({})", rest.len()))
        );
        for resource in rest {
            write_resource(&mut out, diff, resource, &paint);
        }
    }
    for section in &diff.sections {
        let _ = writeln!(out);
        write_section(&mut out, section, &paint);
    }
    if !diff.warnings.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", paint.yellow("Warnings"));
        for warning in &diff.warnings {
            let _ = writeln!(out, "  {} {warning}", paint.yellow("!"));
        }
    }
    out
}
