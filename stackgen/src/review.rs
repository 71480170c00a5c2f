//! `stackgen review`: the one document a pull request gets, for one or more environments.
//!
//! For each environment: the guardrail report, the changes a deploy would make (destructive
//! first, with what happens to the data), the security section (what it would grant or take
//! away, broadening first) and the monthly cost change against what is deployed or saved. The
//! document opens with a table of every environment, so a reviewer sees at once where the risk
//! is, and carries a marker ([`COMMENT_MARKER`]) by which CI finds and updates its own comment
//! instead of adding one per push. Exit codes follow `diff`: 0 nothing changes, 2 changes, 1 an
//! environment could not be reviewed (the document still says why).

use std::fmt::Write as _;

use serde::Serialize;

use crate::cost::{self, CostDiff};
use crate::diff::{self, DiffExit, TemplateDiff};
use crate::guard::Report;

/// The first line of the document: CI edits the comment that has it.
pub const COMMENT_MARKER: &str = "<!-- stackgen-review -->";

/// One environment's part.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvReview {
    pub environment: String,
    /// The guardrail report (absent when the environment file could not be read).
    pub guardrails: Option<Report>,
    /// The main stack's diff.
    pub diff: Option<TemplateDiff>,
    /// The other stacks the environment has or had (the global stack in us-east-1), each with
    /// its diff.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub companions: Vec<StackReview>,
    /// The monthly cost change of every stack of the environment together.
    pub cost: Option<CostDiff>,
    /// Why the environment could not be reviewed; its diff and cost are then absent.
    pub error: Option<String>,
}

/// One companion stack's part.
#[derive(Debug, Clone, Serialize)]
pub struct StackReview {
    pub stack: String,
    pub region: String,
    pub diff: TemplateDiff,
}

impl EnvReview {
    fn diffs(&self) -> impl Iterator<Item = &TemplateDiff> {
        self.diff
            .iter()
            .chain(self.companions.iter().map(|c| &c.diff))
    }

    fn changed(&self) -> bool {
        self.diffs().any(TemplateDiff::has_changes)
    }
}

/// The whole document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub schema_version: u32,
    pub environments: Vec<EnvReview>,
}

impl Review {
    pub fn new(environments: Vec<EnvReview>) -> Self {
        Review {
            schema_version: 1,
            environments,
        }
    }

    /// 1 when an environment could not be reviewed, else 2 when one changes, else 0.
    pub fn exit(&self) -> DiffExit {
        if self.environments.iter().any(|e| e.error.is_some()) {
            DiffExit::Error
        } else if self.environments.iter().any(EnvReview::changed) {
            DiffExit::Changes
        } else {
            DiffExit::NoChanges
        }
    }

    /// The pull-request comment.
    pub fn markdown(&self) -> String {
        let mut out = format!("{COMMENT_MARKER}\n## stackgen review\n\n");
        out.push_str(
            "| environment | changes | destructive | security | monthly cost | guardrails |\n\
             |---|---|--:|--:|--:|---|\n",
        );
        for e in &self.environments {
            out.push_str(&summary_row(e));
        }
        for e in &self.environments {
            let _ = write!(out, "\n---\n\n## `{}`\n\n", e.environment);
            environment_part(&mut out, e);
        }
        out
    }

    /// The same, for machines.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
            + "\n"
    }
}

fn summary_row(e: &EnvReview) -> String {
    let guard = match &e.guardrails {
        Some(r) if r.passed() => format!("✅ {} rules", r.results.len()),
        Some(r) => format!("❌ {} violations", r.violations().count()),
        None => "–".to_owned(),
    };
    let Some(d) = &e.diff else {
        return format!(
            "| `{}` | ❌ not reviewed | – | – | – | {guard} |\n",
            e.environment
        );
    };
    let broadening: usize = e
        .diffs()
        .map(|d| d.security.iter().filter(|c| c.broadening).count())
        .sum();
    let security: usize = e.diffs().map(|d| d.security.len()).sum();
    let destructive: usize = e.diffs().map(|d| d.counts().destructive).sum();
    let cost = e
        .cost
        .as_ref()
        .map_or_else(|| "–".to_owned(), |c| signed(c.delta.total));
    let mut changes = d.summary_line();
    for c in e.companions.iter().filter(|c| c.diff.has_changes()) {
        let _ = write!(changes, " `{}`: {}", c.stack, c.diff.summary_line());
    }
    format!(
        "| `{}` | {changes} | {destructive} | {} | {cost} | {guard} |\n",
        e.environment,
        match (broadening, security) {
            (0, 0) => "–".to_owned(),
            (0, n) => format!("{n} narrowing"),
            (b, _) => format!("⚠️ {b} broadening"),
        }
    )
}

fn environment_part(out: &mut String, e: &EnvReview) {
    if let Some(err) = &e.error {
        let _ = writeln!(out, "❌ **Not reviewed:** {err}\n");
    }
    if let Some(report) = &e.guardrails {
        if report.passed() {
            let _ = writeln!(
                out,
                "**Guardrails:** ✅ all {} rules pass.\n",
                report.results.len()
            );
        } else {
            let _ = writeln!(
                out,
                "**Guardrails:** ❌ `stackgen deploy` would refuse this stack:\n"
            );
            for v in report.violations() {
                let _ = writeln!(
                    out,
                    "- `{}` on `{}`: {} Fix: {}",
                    v.rule, v.resource, v.problem, v.fix
                );
            }
            out.push('\n');
        }
    }
    // Each diff's own heading is level 3 and names its two sides (and so its stack); under the
    // environment's level 2 it reads right.
    for d in e.diffs() {
        out.push_str(&diff::render(d, diff::Format::Markdown, false));
        out.push('\n');
    }
    if let Some(c) = &e.cost {
        out.push_str(&cost::render::diff(c, cost::Format::Markdown));
    }
}

fn signed(usd: cost::Usd) -> String {
    if usd.is_zero() {
        "$0.00".to_owned()
    } else {
        usd.display_signed()
    }
}
