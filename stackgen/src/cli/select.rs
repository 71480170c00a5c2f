//! Which environments a command acts on: `--env NAME` (repeatable) or `--all`, read from
//! `--environments-dir`.

use super::target::EnvironmentsDir;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::env::{self, Environment};

#[derive(Debug, Clone, Args)]
pub struct EnvSelection {
    /// Environment name (the file environments/<NAME>.yaml); repeat for several.
    #[arg(
        long = "env",
        short = 'e',
        value_name = "NAME",
        required_unless_present = "all"
    )]
    pub envs: Vec<String>,
    /// Every environment in the environments directory.
    #[arg(long, conflicts_with = "envs")]
    pub all: bool,
    #[command(flatten)]
    pub environments_dir: EnvironmentsDir,
}

impl EnvSelection {
    /// Loads the selected environments (each validated), in the order given (or by name).
    pub fn load(&self) -> Result<Vec<Environment>> {
        let names: Vec<String> = if self.all {
            let names = env::list(&self.environments_dir);
            if !self.environments_dir.is_dir() {
                bail!(
                    "--all: the environments directory {} does not exist or is not a directory; \
                     run from the repository root or pass --environments-dir",
                    self.environments_dir.display()
                );
            }
            if let Err(e) = std::fs::read_dir(&self.environments_dir) {
                bail!(
                    "--all: cannot read the environments directory {}: {e}; check that it is \
                     readable (and listable) by this user",
                    self.environments_dir.display()
                );
            }
            if names.is_empty() {
                bail!(
                    "--all found no environment files (*.{}) in {}; run from the repository root or pass --environments-dir",
                    env::EXTENSION,
                    self.environments_dir.display()
                );
            }
            names
        } else {
            let mut seen = Vec::new();
            for n in &self.envs {
                if !seen.contains(n) {
                    seen.push(n.clone());
                }
            }
            seen
        };
        // Every file is read, so that one run names every broken one, not the first.
        let (loaded, broken): (Vec<_>, Vec<_>) = names
            .iter()
            .map(|n| {
                env::load_named(&self.environments_dir, n)
                    .with_context(|| format!("cannot use environment `{n}`"))
            })
            .partition(Result::is_ok);
        let mut broken: Vec<anyhow::Error> = broken.into_iter().filter_map(Result::err).collect();
        match broken.len() {
            0 => Ok(loaded.into_iter().filter_map(Result::ok).collect()),
            1 => Err(broken.remove(0)),
            n => bail!(
                "{n} environment files cannot be used:\n{}",
                broken
                    .iter()
                    .map(|e| format!("- {e:#}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        }
    }
}
