//! `vendor`: copies the allowlisted schemas out of cfn-lint's bundle into `model/schemas/`.
//!
//! cfn-lint ships AWS's resource provider schemas per region
//! (`cfnlint/data/schemas/providers/<region>.json` maps each type to a file under
//! `resources/`). stackgen vendors us-east-1's, the region AWS launches types in first. Each
//! schema is copied byte for byte; `SOURCE.md` records the cfn-lint version, its schema date
//! and the day of the copy. Schemas of types no longer allowlisted are removed.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{GenError, SCHEMAS_DIR, read_allowlist};

const REGION: &str = "us-east-1";

/// What a `vendor` run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendored {
    pub copied: usize,
    pub removed: Vec<String>,
    pub cfn_lint_version: String,
    pub schema_date: String,
}

fn read(path: &Path) -> Result<String, GenError> {
    std::fs::read_to_string(path).map_err(|e| GenError::io(path, e))
}

fn read_json(path: &Path) -> Result<Value, GenError> {
    serde_json::from_str(&read(path)?).map_err(|source| GenError::Json {
        path: path.to_owned(),
        source,
    })
}

/// Finds `cfnlint/data/schemas` in the workspace's `.venv` (`lib/python3*/site-packages`).
pub fn find_bundle(workspace: &Path) -> Result<PathBuf, GenError> {
    let lib = workspace.join(".venv/lib");
    let entries = std::fs::read_dir(&lib).map_err(|e| GenError::io(&lib, e))?;
    for entry in entries.flatten() {
        let candidate = entry.path().join("site-packages/cfnlint/data/schemas");
        if candidate.join("providers").is_dir() {
            return Ok(candidate);
        }
    }
    Err(GenError::Bundle(format!(
        "no cfnlint/data/schemas under {}/python3*/site-packages: run `make tools` (or \
         scripts/tools.sh) to create the venv, or pass --from <dir>",
        lib.display()
    )))
}

/// cfn-lint's version, from its dist-info next to the package.
fn cfn_lint_version(bundle: &Path) -> String {
    let site = bundle.ancestors().nth(3);
    let entries = site.and_then(|s| std::fs::read_dir(s).ok());
    for entry in entries.into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("cfn_lint-") && name.ends_with(".dist-info") {
            let metadata = std::fs::read_to_string(entry.path().join("METADATA"));
            let version = metadata.ok().and_then(|m| {
                m.lines()
                    .find_map(|l| l.strip_prefix("Version: ").map(str::to_owned))
            });
            if let Some(v) = version {
                return v;
            }
        }
    }
    "unknown".to_owned()
}

/// Copies the allowlisted schemas from `bundle` into `model/schemas/` and writes `SOURCE.md`.
pub fn vendor(model: &Path, bundle: &Path, today: &str) -> Result<Vendored, GenError> {
    let types = read_allowlist(&model.join("allowlist.txt"))?;
    let providers = read_json(&bundle.join("providers").join(format!("{REGION}.json")))?;
    let dir = model.join(SCHEMAS_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| GenError::io(&dir, e))?;
    let mut wanted = Vec::new();
    for t in &types {
        let file = providers.get(&t.full).and_then(Value::as_str).ok_or_else(|| {
            GenError::Bundle(format!(
                "{} is not in cfn-lint's {REGION} schemas: check the spelling (`aws cloudformation \
                 describe-type --type RESOURCE --type-name {}`)",
                t.full, t.full
            ))
        })?;
        let text = read(&bundle.join("resources").join(format!("{file}.json")))?;
        let target = dir.join(t.schema_file());
        std::fs::write(&target, text).map_err(|e| GenError::io(&target, e))?;
        wanted.push(t.schema_file());
    }
    let removed = remove_stale(&dir, &wanted)?;
    let schema_date = read_json(&bundle.join("version.json"))?
        .get("schema_date")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    let done = Vendored {
        copied: wanted.len(),
        removed,
        cfn_lint_version: cfn_lint_version(bundle),
        schema_date,
    };
    let source = dir.join("SOURCE.md");
    std::fs::write(&source, source_md(&done, today)).map_err(|e| GenError::io(&source, e))?;
    Ok(done)
}

fn remove_stale(dir: &Path, wanted: &[String]) -> Result<Vec<String>, GenError> {
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir)
        .map_err(|e| GenError::io(dir, e))?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !wanted.contains(&name) {
            std::fs::remove_file(entry.path()).map_err(|e| GenError::io(&entry.path(), e))?;
            removed.push(name);
        }
    }
    removed.sort();
    Ok(removed)
}

fn source_md(v: &Vendored, today: &str) -> String {
    format!(
        "# Vendored CloudFormation resource provider schemas\n\n\
         AWS's resource provider schemas of the types in `model/allowlist.txt`, copied byte for \
         byte from the bundle of cfn-lint (`cfnlint/data/schemas/providers/{REGION}.json` and \
         `resources/*.json` in the project venv) by `cargo run -p stackgen-model-gen -- vendor`.\n\n\
         | | |\n| --- | --- |\n\
         | cfn-lint | {} |\n| schema_date (cfn-lint's `version.json`) | {} |\n\
         | region | {REGION} |\n| vendored on | {today} |\n| types | {} |\n\n\
         Do not edit these files: refresh them with `vendor` (after `make tools` updated \
         cfn-lint), then run `generate` and commit both.\n",
        v.cfn_lint_version, v.schema_date, v.copied
    )
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_000), (2024, 10, 4));
    }
}
