//! `stackgen check`: the guardrail report of one or more environments; writes nothing.

use anyhow::{Context, Result};
use clap::ValueEnum;

use super::exit::{Exit, GuardrailsFailed};
use super::select::EnvSelection;
use super::style::stdout_color;
use crate::synth;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  stackgen check --env dev
  stackgen check --all --format json

Exit code 0 when every rule passes, 3 when any is violated, 1 on errors.")]
pub struct Args {
    #[command(flatten)]
    pub select: EnvSelection,
    /// Report format (json for machines).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

pub fn run(args: &Args) -> Result<Exit> {
    let envs = args.select.load()?;
    let mut reports = Vec::new();
    for env in &envs {
        let p = synth::prepare(env)
            .with_context(|| format!("cannot build the stack of environment `{}`", env.name))?;
        reports.push(p.report);
    }
    match args.format {
        ReportFormat::Text => {
            let color = stdout_color();
            for r in &reports {
                out!("{}", r.render(color));
            }
        }
        ReportFormat::Json => {
            let json =
                serde_json::to_string_pretty(&reports).context("cannot serialise the report")?;
            outln!("{json}");
        }
    }
    let failing: Vec<_> = reports.iter().filter(|r| !r.passed()).collect();
    if failing.is_empty() {
        Ok(Exit::Ok)
    } else {
        Err(GuardrailsFailed {
            count: failing.iter().map(|r| r.violations().count()).sum(),
            envs: failing
                .iter()
                .map(|r| r.environment.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            note: "",
        }
        .into())
    }
}
