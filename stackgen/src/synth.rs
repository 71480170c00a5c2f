//! Synthesis: environment → stack → guardrails → rendered template on disk.
//!
//! The one path every command takes from an environment to a template: `synth` writes it,
//! `check` reports on it, and deploy/diff/destroy/cost-report start from [`prepare`] too, so
//! no command can skip the guardrails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::env::Environment;
use crate::guard::{self, Report};
use crate::model::{Format, TemplateError};
use crate::stack::{self, RetailStack, StackError};

/// CloudFormation's limit for a template passed inline (`TemplateBody`); larger templates go
/// through S3 (`TemplateURL`, up to 1 MB).
pub const TEMPLATE_BODY_LIMIT: usize = 51_200;

/// A built stack and its guardrail report.
#[derive(Debug)]
pub struct Prepared {
    pub stack: RetailStack,
    pub report: Report,
}

/// Builds the stack of `env` and runs the guardrails on it.
pub fn prepare(env: &Environment) -> Result<Prepared, StackError> {
    let stack = stack::build(env)?;
    let report = guard::check(&stack, env);
    Ok(Prepared { stack, report })
}

/// [`prepare`] for a caller that renders every stack next (`stackgen synth`): the template is
/// validated when it is rendered rather than also before.
pub fn prepare_to_render(env: &Environment) -> Result<Prepared, StackError> {
    let stack = stack::assemble(env)?;
    let report = guard::check(&stack, env);
    Ok(Prepared { stack, report })
}

/// `out/<env>/<stack>.template.<json|yaml>`.
pub fn template_path(out: &Path, stack: &RetailStack, format: Format) -> PathBuf {
    stack_template_path(out, &stack.environment, &stack.name, format)
}

/// `out/<env>/<stack>.template.<json|yaml>` for any stack of the environment.
pub fn stack_template_path(out: &Path, env: &str, stack: &str, format: Format) -> PathBuf {
    out.join(env)
        .join(format!("{stack}.template.{}", format.extension()))
}

/// Why a template could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Render(#[from] TemplateError),
    #[error("cannot write {}: {source}; check that the directory is writable", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "cannot write {}: {} is a file, not a directory; move it away or choose another output \
         directory",
        path.display(),
        blocker.display()
    )]
    NotADirectory { path: PathBuf, blocker: PathBuf },
}

/// Writes `text` to `path` through a temporary file and a rename, so a reader never sees a
/// half-written file and a failed write (a full disk) leaves the old one whole and no
/// temporary file behind. A file that already holds exactly `text` is left alone (its
/// modification time too, so `make`-style tools downstream see nothing new); comparing is far
/// cheaper than writing, renaming and freeing the old file's blocks.
pub fn write_file(path: &Path, text: &str) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_owned(),
        source,
    };
    let same_size = std::fs::metadata(path).is_ok_and(|m| m.len() == text.len() as u64);
    if same_size && std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        if let Some(blocker) = dir.ancestors().find(|a| a.is_file()) {
            return Err(WriteError::NotADirectory {
                path: path.to_owned(),
                blocker: blocker.to_owned(),
            });
        }
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let written = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(io)
}

/// Resources by type, sorted by type name.
pub fn resources_by_type(template: &crate::model::Template) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for e in template.entries() {
        *counts.entry(e.resource_type()).or_insert(0) += 1;
    }
    counts
}
