//! `stackgen docs`: write the operations pack of environments (diagram, inventory, runbooks) to
//! `docs/<env>/` from their rendered stacks, or check that the committed copy is current.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::exit::Exit;
use super::select::EnvSelection;
use crate::cost::{self, BuiltinProfile, EstimateOptions, Traffic};
use crate::env::Environment;
use crate::opsdocs::{self, Page};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  stackgen docs --env prod             write docs/prod/
  stackgen docs --all --check          exit 2 when a committed pack is out of date (make test)

Writes <OUT>/<env>/README.md, architecture.md (Mermaid), inventory.md and runbooks/*.md, and
removes runbooks of alarms the stack no longer has. Exit codes: 0 written or up to date, 2 out of
date (--check), 3 guardrails failed, 1 error.")]
pub struct Args {
    #[command(flatten)]
    pub select: EnvSelection,
    /// Directory holding one folder per environment.
    #[arg(long, value_name = "DIR", default_value = "docs")]
    pub out: PathBuf,
    /// Write nothing; exit 2 when a file differs, is missing or is left over.
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: &Args) -> Result<Exit> {
    let envs = args.select.load()?;
    let mut stale = Vec::new();
    let mut stale_envs = Vec::new();
    for env in &envs {
        let pages = pack(env)?;
        let dir = args.out.join(&env.name);
        if args.check {
            let found = differences(&dir, &pages)?;
            if !found.is_empty() {
                stale_envs.push(format!("--env {}", env.name));
            }
            stale.extend(found);
        } else {
            write(&dir, &pages)?;
            outln!("{}: {} files in {}", env.name, pages.len(), dir.display());
        }
    }
    if stale.is_empty() {
        if args.check {
            outln!("operations docs up to date");
        }
        return Ok(Exit::Ok);
    }
    for s in &stale {
        errln!("out of date: {}", s.display());
    }
    let out = match args.out.as_os_str() == "docs" {
        true => String::new(),
        false => format!(" --out {}", args.out.display()),
    };
    errln!(
        "the operations docs do not match the stacks; run `stackgen docs {}{out}` and commit {}/",
        stale_envs.join(" "),
        args.out.display()
    );
    Ok(Exit::Changes)
}

/// The pack of one environment, after its guardrails pass.
fn pack(env: &Environment) -> Result<Vec<Page>> {
    let stack = super::target::prepare_for(env, "; no docs were written")?;
    let guard = crate::guard::check(&stack, env);
    let rendered = super::diff::rendered(stack)?;
    let idle = cost::estimate(
        &rendered.priced,
        &Traffic::builtin(BuiltinProfile::Idle),
        &EstimateOptions {
            label: env.name.clone(),
            region: env.region.clone(),
            free_tier: false,
            budget: None,
        },
    )
    .ok();
    let companions: Vec<opsdocs::Companion<'_>> = rendered
        .companions
        .iter()
        .map(|c| opsdocs::Companion {
            name: &c.name,
            region: &c.region,
            template: &c.template,
        })
        .collect();
    Ok(opsdocs::render(
        env,
        &rendered.template,
        &companions,
        idle.as_ref(),
        &guard,
    ))
}

/// Files that differ from `pages`, are missing, or are left over in `dir`.
fn differences(dir: &Path, pages: &[Page]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in pages {
        let path = dir.join(&p.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(p.text.as_str()) {
            out.push(path);
        }
    }
    out.extend(leftovers(dir, pages)?);
    Ok(out)
}

/// Pages of an earlier pack in `dir` (and its `runbooks/`) that this pack does not have: the
/// Markdown files that start with the generated header. Anything else there (notes, a
/// changelog, a runbook written by hand) is not `docs`'s to remove. (The diagram's SVG is
/// `scripts/render-diagrams.mjs`'s.)
fn leftovers(dir: &Path, pages: &[Page]) -> Result<Vec<PathBuf>> {
    let wanted: BTreeSet<PathBuf> = pages.iter().map(|p| dir.join(&p.path)).collect();
    let mut out = Vec::new();
    for sub in [dir.to_path_buf(), dir.join("runbooks")] {
        let Ok(entries) = std::fs::read_dir(&sub) else {
            continue;
        };
        for entry in entries {
            let path = entry
                .with_context(|| format!("cannot list {}", sub.display()))?
                .path();
            let markdown = path.extension().is_some_and(|e| e == "md");
            if markdown && path.is_file() && !wanted.contains(&path) && generated(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether the file at `path` starts with the generated header.
fn generated(path: &Path) -> bool {
    use std::io::Read;
    let mut head = vec![0; opsdocs::GENERATED_MARK.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == opsdocs::GENERATED_MARK.as_bytes())
}

fn write(dir: &Path, pages: &[Page]) -> Result<()> {
    for p in pages {
        crate::synth::write_file(&dir.join(&p.path), &p.text)?;
    }
    for old in leftovers(dir, pages)? {
        std::fs::remove_file(&old).with_context(|| format!("cannot remove {}", old.display()))?;
    }
    Ok(())
}
