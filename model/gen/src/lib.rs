//! The generator of `stackgen-facts` and `stackgen-model`: vendors AWS's CloudFormation resource
//! provider schemas of the allowlisted types and writes both crates' Rust from them.
//!
//! Why it exists: stackgen's knowledge of each resource type (tags, create-only properties, IAM
//! service, attributes, …) comes from AWS's schemas, not from hand-kept string lists. cfn-lint,
//! in the project's venv, bundles those schemas; `vendor` copies the allowlisted ones into
//! `model/schemas/` so that generating never needs the venv, and `generate` turns them into
//! committed, rustfmt-formatted Rust under `model/facts/src/generated/` (facts and names, every
//! type) and `model/src/generated/` (typed modules). A normal build never runs it;
//! its test (`tests/up_to_date.rs`) regenerates in memory and fails on any difference.
//!
//! For every allowlisted type: one `ResourceFacts` static, its type name as a constant and its
//! property names as constants (`src/props.rs`), in `stackgen-facts`. For the types under
//! `[typed]` in the allowlist, also a module of typed Rust (`src/typed.rs` says how each schema
//! construct maps): the properties struct with a constructor taking exactly the required
//! properties and a setter per optional one, nested property types, enums for enumerated
//! strings, and `Fn::GetAtt` accessors on the resource's `Handle`. Their `Serialize` impls are
//! written out as serde's derive would expand them, not derived: the derive macro ran over ~570
//! types on every rebuild of the crate, a third of its incremental rebuild. Hand-written types
//! stay where they say more than a schema can: IAM policy documents (`PolicyDocument`), tags
//! (`Tags`, which the template stamps), and the `Ref` accessors and builders in
//! `model/src/services/` that name what a value is (a queue's URL, a function's name).
//!
//! ```text
//! cargo run -p stackgen-model-gen -- vendor [--from <cfnlint/data/schemas>]
//! cargo run -p stackgen-model-gen -- generate
//! ```

mod allowlist;
mod emit;
mod emit_typed;
mod naming;
mod props;
mod reference;
mod schema;
mod typed;
pub mod vendor;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub use allowlist::{TypeName, read_allowlist};
pub use schema::Facts;
pub use vendor::{Vendored, vendor};

/// Everything that can go wrong while vendoring or generating.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not valid JSON: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("model/allowlist.txt line {line}: {message}")]
    Allowlist { line: usize, message: String },
    #[error("{type_name}: {message}")]
    Schema { type_name: String, message: String },
    #[error("rustfmt: {0}")]
    Rustfmt(String),
    #[error("{0}")]
    Bundle(String),
}

impl GenError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        GenError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// The model crate's directory (`model/`), next to this crate.
pub fn model_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where the typed modules are generated, relative to the model directory (`stackgen-model`).
pub const GENERATED_DIR: &str = "src/generated";
/// Where the facts and names are generated, relative to `model/` (the `stackgen-facts` crate).
pub const FACTS_GENERATED_DIR: &str = "facts/src/generated";
/// Where the vendored schemas live, relative to the model directory.
pub const SCHEMAS_DIR: &str = "schemas";

/// Reads the allowlist and the vendored schemas under `model` and returns every generated file
/// (path relative to `model`, rustfmt-formatted content). Writes nothing.
pub fn generate(model: &Path) -> Result<Vec<(PathBuf, String)>, GenError> {
    let allowlist = model.join("allowlist.txt");
    let types = read_allowlist(&allowlist)?;
    let references = reference::read_references(&allowlist)?;
    let typed_names: std::collections::BTreeSet<String> = types
        .iter()
        .filter(|t| t.typed)
        .map(|t| t.full.clone())
        .collect();
    let context = typed::Context {
        references: &references,
        typed: &typed_names,
    };
    let mut applied = std::collections::BTreeSet::new();
    let mut facts = Vec::with_capacity(types.len());
    let mut typed = Vec::new();
    for t in &types {
        let path = model.join(SCHEMAS_DIR).join(t.schema_file());
        let text = std::fs::read_to_string(&path).map_err(|e| GenError::io(&path, e))?;
        let json = serde_json::from_str(&text).map_err(|source| GenError::Json {
            path: path.clone(),
            source,
        })?;
        facts.push(Facts::from_schema(t, &json)?);
        if t.typed {
            let (one, lines) = typed::read(t, &json, &context)?;
            typed.push(one);
            applied.extend(lines);
        }
    }
    check_references(&references, &applied, &typed)?;
    let mut files = Vec::new();
    for (dir, name, source) in emit::files(&facts, &typed)? {
        files.push((Path::new(dir).join(name), rustfmt(&source)?));
    }
    Ok(files)
}

/// Every `[references]` line typed a property, and every attribute a typed property takes
/// exists on a typed resource.
fn check_references(
    references: &[reference::Reference],
    applied: &std::collections::BTreeSet<usize>,
    typed: &[typed::Typed],
) -> Result<(), GenError> {
    if let Some(r) = references.iter().find(|r| !applied.contains(&r.line)) {
        return Err(GenError::Allowlist {
            line: r.line,
            message: format!(
                "{}: no property {}{} in a typed type (is the owner under [typed], and is the \
                 struct named as the generated code names it?)",
                r.owner,
                r.strukt
                    .as_ref()
                    .map(|s| format!("{s}."))
                    .unwrap_or_default(),
                r.property
            ),
        });
    }
    let fields = typed.iter().flat_map(|t| {
        t.structs
            .iter()
            .flat_map(|s| &s.fields)
            .map(move |f| (t, f))
    });
    for (owner, field) in fields {
        let mut ty = &field.ty;
        while let typed::Ty::List(item) = ty {
            ty = item;
        }
        let typed::Ty::Attr { target, kind } = ty else {
            continue;
        };
        let known = typed
            .iter()
            .find(|t| t.type_name.full == *target)
            .is_some_and(|t| {
                matches!(kind, reference::Kind::Common(_))
                    || t.attributes.iter().any(|a| a.kind == *kind)
            });
        if !known {
            return Err(GenError::Schema {
                type_name: owner.type_name.full.clone(),
                message: format!(
                    "{} takes {kind:?} of {target}, which is not a typed type with that attribute",
                    field.json
                ),
            });
        }
    }
    Ok(())
}

/// Formats Rust source with `rustfmt --edition 2024` (the toolchain's, or `$RUSTFMT`).
pub fn rustfmt(source: &str) -> Result<String, GenError> {
    use std::io::Write;
    let program = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(&program)
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| GenError::Rustfmt(format!("cannot run {}: {e}", program.display())))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| GenError::Rustfmt("no stdin".into()))?;
    stdin
        .write_all(source.as_bytes())
        .map_err(|e| GenError::Rustfmt(e.to_string()))?;
    drop(stdin);
    let out = child
        .wait_with_output()
        .map_err(|e| GenError::Rustfmt(e.to_string()))?;
    if !out.status.success() {
        return Err(GenError::Rustfmt(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| GenError::Rustfmt(e.to_string()))
}
