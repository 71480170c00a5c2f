//! The price table's file, `stackgen/cost/data/prices.json`: its shape, reading it and writing it.
//!
//! The table is data, not code: `stackgen prices refresh` rewrites it from AWS's Price List, a
//! maintainer edits the entries AWS's Price List cannot answer, and the build embeds the file
//! (`include_str!`). Reading borrows every string from the embedded text, so loading it costs
//! one parse and no copies. Writing is deterministic (fixed key order, one region, source, note
//! or entry per line) so a refresh that finds nothing new reproduces the file byte for byte and
//! a price that moved is a one-line diff.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::Meter;

/// Text a table read at run time borrows (a `--table` file, a refresh's answers): made once
/// per run and kept for the life of the process, like the embedded table it stands beside.
pub fn keep(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The file's schema name; bumped when a field changes meaning.
pub const SCHEMA: &str = "stackgen.prices/1";

/// The table as the file holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableFile<'a> {
    #[serde(borrow)]
    pub schema: &'a str,
    /// The date (YYYY-MM-DD) the table was taken: the last refresh or hand check.
    #[serde(borrow)]
    pub taken: &'a str,
    #[serde(borrow)]
    pub regions: Vec<RegionFile<'a>>,
    /// AWS pricing pages by short name, which entries cite.
    #[serde(borrow)]
    pub sources: BTreeMap<&'a str, &'a str>,
    /// How hand-kept entries were checked, by short name, which entries cite.
    #[serde(borrow)]
    pub notes: BTreeMap<&'a str, NoteFile<'a>>,
    #[serde(borrow)]
    pub entries: Vec<EntryFile<'a>>,
}

/// One region the table covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionFile<'a> {
    pub region: &'a str,
    /// What CloudFront request prices assume about where viewers are.
    pub cdn_viewers: &'a str,
}

/// How a hand-kept entry was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteFile<'a> {
    /// `checked` (against a stored copy of the source) or `memory` (not re-checked).
    pub basis: &'a str,
    /// The date (YYYY-MM-DD) a `checked` note's prices were compared with its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<&'a str>,
    pub text: &'a str,
}

/// One meter's price in one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryFile<'a> {
    pub region: &'a str,
    pub meter: Meter,
    /// The unit as the estimate counts it (`requests`, `GB-months`).
    pub unit: &'a str,
    /// Units the quoted amounts are per (1, 1,000, 1,000,000).
    pub per: u64,
    /// A flat price, in USD per `per` units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd: Option<&'a str>,
    /// Volume tiers: `[up_to, usd]`, `up_to` in units per month (`null`: no upper bound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<(Option<u64>, &'a str)>>,
    /// A key of `sources`.
    pub source: &'a str,
    /// A key of `notes`, for an entry kept by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
    /// Where AWS's Price List answered for this entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_list: Option<PriceListRef<'a>>,
}

/// The Price List product an entry was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceListRef<'a> {
    /// The service code (`AWSLambda`).
    pub service: &'a str,
    pub sku: &'a str,
    /// The on-demand term's `effectiveDate`.
    pub effective: &'a str,
    /// The unit as the Price List counts it (`Lambda-GB-Second`).
    pub unit: &'a str,
}

/// What is wrong with a table file.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum TableFileError {
    #[error("{file}: not a price table: {detail}")]
    Parse { file: String, detail: String },
    #[error("{file}: {detail}")]
    Invalid { file: String, detail: String },
}

impl<'a> TableFile<'a> {
    /// Reads `text` (the contents of `file`) and checks that every reference resolves.
    pub fn parse(file: &str, text: &'a str) -> Result<TableFile<'a>, TableFileError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let table: TableFile<'a> = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            // A string that needs an escape cannot be borrowed from the file's text.
            let hint = if e.inner().to_string().contains("borrowed") {
                " (strings must need no JSON escapes: no `\"` or `\\`)"
            } else {
                ""
            };
            TableFileError::Parse {
                file: file.to_string(),
                detail: format!("at `{}`: {}{hint}", e.path(), e.inner()),
            }
        })?;
        table.validate().map_err(|detail| TableFileError::Invalid {
            file: file.to_string(),
            detail,
        })?;
        Ok(table)
    }

    fn validate(&self) -> Result<(), String> {
        if self.schema != SCHEMA {
            return Err(format!("schema `{}`, expected `{SCHEMA}`", self.schema));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, e) in self.entries.iter().enumerate() {
            let at = || format!("entry {i} ({} {})", e.region, e.meter.name());
            if !seen.insert((e.region, e.meter)) {
                return Err(format!(
                    "{}: a second entry for the same region and meter",
                    at()
                ));
            }
            if !self.regions.iter().any(|r| r.region == e.region) {
                return Err(format!("{}: region not listed in `regions`", at()));
            }
            if !self.sources.contains_key(e.source) {
                return Err(format!("{}: source `{}` not in `sources`", at(), e.source));
            }
            match (e.note, &e.price_list) {
                (Some(n), None) if self.notes.contains_key(n) => {}
                (Some(n), None) => return Err(format!("{}: note `{n}` not in `notes`", at())),
                (None, Some(_)) => {}
                _ => {
                    return Err(format!(
                        "{}: needs exactly one of `note` (kept by hand) or `price_list`",
                        at()
                    ));
                }
            }
            match (e.usd, &e.tiers) {
                (Some(_), None) => {}
                (None, Some(t)) if !t.is_empty() && t.last().is_some_and(|l| l.0.is_none()) => {}
                _ => {
                    return Err(format!(
                        "{}: needs `usd` or `tiers` (the last tier's bound null)",
                        at()
                    ));
                }
            }
        }
        for (k, n) in &self.notes {
            match (n.basis, n.checked) {
                ("checked", Some(date)) if is_date(date) => {}
                ("checked", _) => {
                    return Err(format!(
                        "note `{k}`: a checked note needs `checked`, the date it was checked (YYYY-MM-DD)"
                    ));
                }
                ("memory", None) => {}
                ("memory", Some(_)) => {
                    return Err(format!(
                        "note `{k}`: a memory note was not checked; drop `checked` or make it basis checked"
                    ));
                }
                (other, _) => {
                    return Err(format!(
                        "note `{k}`: basis `{other}`, expected checked or memory"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The file's text: fixed key order, one item per line, a trailing newline. `file` names it
    /// in errors.
    pub fn write(&self, file: &str) -> Result<String, TableFileError> {
        self.check_writable(file)?;
        let mut out = String::from("{\n");
        let _ = writeln!(out, "  \"schema\": {},", json(&self.schema));
        let _ = writeln!(out, "  \"taken\": {},", json(&self.taken));
        list(&mut out, "regions", self.regions.iter().map(json), false);
        map(
            &mut out,
            "sources",
            self.sources.iter().map(|(k, v)| (json(k), json(v))),
        );
        map(
            &mut out,
            "notes",
            self.notes.iter().map(|(k, v)| (json(k), json(v))),
        );
        list(&mut out, "entries", self.entries.iter().map(json), true);
        out.push_str("}\n");
        Ok(out)
    }

    /// Every string must read back borrowed, so none may need a JSON escape.
    fn check_writable(&self, file: &str) -> Result<(), TableFileError> {
        // Every JSON escape starts with a backslash.
        let text = json(self);
        if let Some(pos) = text.find('\\') {
            let start = text[..pos]
                .char_indices()
                .rev()
                .nth(39)
                .map_or(0, |(i, _)| i);
            let around: String = text[start..].chars().take(60).collect();
            return Err(TableFileError::Invalid {
                file: file.to_string(),
                detail: format!(
                    "a string needs a JSON escape near `{around}`: remove the `\"`, `\\` or \
                     control character"
                ),
            });
        }
        Ok(())
    }
}

/// `YYYY-MM-DD`, digits where digits go.
fn is_date(text: &str) -> bool {
    text.len() == 10
        && text.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        })
}

fn list(out: &mut String, key: &str, items: impl Iterator<Item = String>, last: bool) {
    let items: Vec<String> = items.collect();
    let _ = writeln!(out, "  \"{key}\": [");
    for (i, item) in items.iter().enumerate() {
        let comma = if i + 1 < items.len() { "," } else { "" };
        let _ = writeln!(out, "    {item}{comma}");
    }
    let _ = writeln!(out, "  ]{}", if last { "" } else { "," });
}

fn map(out: &mut String, key: &str, items: impl Iterator<Item = (String, String)>) {
    let items: Vec<(String, String)> = items.collect();
    let _ = writeln!(out, "  \"{key}\": {{");
    for (i, (k, v)) in items.iter().enumerate() {
        let comma = if i + 1 < items.len() { "," } else { "" };
        let _ = writeln!(out, "    {k}: {v}{comma}");
    }
    let _ = writeln!(out, "  }},");
}

/// One value as one line of JSON.
fn json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_file_reads_back_byte_for_byte() {
        let text = super::super::EMBEDDED;
        let table = TableFile::parse("prices.json", text).expect("the embedded table parses");
        assert_eq!(table.write("prices.json").expect("writable"), text);
    }

    #[test]
    fn a_dangling_note_is_named() {
        let text = super::super::EMBEDDED.replacen("\"note\":\"memory\"", "\"note\":\"nope\"", 1);
        let err = TableFile::parse("prices.json", &text).unwrap_err();
        assert!(
            err.to_string().contains("note `nope` not in `notes`"),
            "{err}"
        );
    }

    #[test]
    fn a_second_entry_for_a_region_and_meter_is_refused() {
        let first = super::super::EMBEDDED
            .lines()
            .find(|l| l.contains("\"meter\":\"sqs-requests\""))
            .expect("an sqs entry");
        let text = super::super::EMBEDDED.replacen(first, &format!("{first}\n{first}"), 1);
        let err = TableFile::parse("prices.json", &text).unwrap_err();
        assert!(err.to_string().contains("a second entry"), "{err}");
    }

    #[test]
    fn a_checked_note_needs_its_date() {
        let text = super::super::EMBEDDED.replacen("\"checked\":\"2026-11-21\",", "", 1);
        let err = TableFile::parse("prices.json", &text).unwrap_err();
        assert!(err.to_string().contains("needs `checked`"), "{err}");
    }

    #[test]
    fn an_unknown_field_is_named_with_its_path() {
        let text = super::super::EMBEDDED.replacen("\"per\":", "\"prce\":0,\"per\":", 1);
        let err = TableFile::parse("prices.json", &text).unwrap_err();
        assert!(err.to_string().contains("entries[0]"), "{err}");
        assert!(err.to_string().contains("prce"), "{err}");
    }
}
