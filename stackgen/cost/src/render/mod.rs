//! Renders reports, diffs and actuals as a terminal table, JSON, CSV, Markdown or HTML.
//!
//! One renderer per format keeps each readable: the table is for a person at a terminal, JSON
//! for tools (and as the saved base of `--compare`), CSV for spreadsheets, Markdown for CI
//! comments (opening with a Mermaid chart GitHub draws), HTML one self-contained page with the
//! same chart as SVG. All of them print the same numbers from the same typed values.

mod chart;
mod csv;
mod html;
mod markdown;
mod table;

use std::str::FromStr;

use super::actuals::Actuals;
use super::compare::CostDiff;
use super::report::CostReport;

/// Output format of `cost-report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
    Markdown,
    /// One self-contained page (no network): chart, resources, budget headroom.
    Html,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            other => Err(format!(
                "unknown format `{other}`: use table, json, csv, markdown or html"
            )),
        }
    }
}

fn json<T: serde::Serialize>(v: &T) -> String {
    // Serialising these plain data types cannot fail; an empty object is the safe fallback.
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// The Mermaid chart of `r`'s month by service (`None` when nothing costs money), as the
/// Markdown report opens with it; the operations pack's inventory shows the idle month's.
pub fn service_chart(r: &CostReport) -> Option<String> {
    chart::mermaid(r)
}

/// Renders an estimate.
pub fn report(r: &CostReport, f: Format) -> String {
    match f {
        Format::Table => table::report(r),
        Format::Json => json(r),
        Format::Csv => csv::report(r),
        Format::Markdown => markdown::report(r),
        Format::Html => html::report(r),
    }
}

/// Renders a cost diff.
pub fn diff(d: &CostDiff, f: Format) -> String {
    match f {
        Format::Table => table::diff(d),
        Format::Json => json(d),
        Format::Csv => csv::diff(d),
        Format::Markdown => markdown::diff(d),
        Format::Html => html::preformatted("Monthly cost change", &table::diff(d)),
    }
}

/// Renders actual spend.
pub fn actuals(a: &Actuals, f: Format) -> String {
    match f {
        Format::Table => table::actuals(a),
        Format::Json => json(a),
        Format::Csv => csv::actuals(a),
        Format::Markdown => markdown::actuals(a),
        Format::Html => html::preformatted("Actual spend", &table::actuals(a)),
    }
}

/// Aligns rows into columns; `right[i]` right-aligns column `i` (amounts).
fn grid(rows: &[Vec<String>], right: &[bool]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            if i > 0 {
                line.push_str("  ");
            }
            if right.get(i).copied().unwrap_or(false) {
                line.push_str(&" ".repeat(pad));
                line.push_str(c);
            } else {
                line.push_str(c);
                if i + 1 < r.len() {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "-".into(), |p| format!("{p:.1}%"))
}

/// `, 62.5% of it from checked prices` for a report's header (nothing when it costs nothing),
/// and how many metered lines the region's prices leave unpriced.
pub(super) fn checked_phrase(r: &crate::CostReport) -> String {
    let mut phrase = r
        .checked_share_percent()
        .map(|p| format!(", {p}% of it from checked prices"))
        .unwrap_or_default();
    if r.unpriced_lines > 0 {
        phrase.push_str(&format!(
            ", {} metered line{} unpriced (see the warnings)",
            r.unpriced_lines,
            if r.unpriced_lines == 1 { "" } else { "s" }
        ));
    }
    phrase
}
