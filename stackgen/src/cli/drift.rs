//! `stackgen drift`: CloudFormation's drift detection on the environment's stack (see
//! [`crate::deploy::drift`]): what changed in AWS outside the stack.

use anyhow::{Context, Result};

use super::exit::Exit;
use super::style::{paint, stdout_color};
use super::target::{OutputFormat, Target, connect, load_env, runtime};
use crate::deploy::drift::{self, DriftReport, DriftWait};
use crate::stack::stack_name;

const AFTER_HELP: &str = "\
Examples:
  stackgen drift --env prod                 what changed in AWS behind the stack's back
  stackgen drift --env prod --format json   for a scheduled job

CloudFormation compares each resource's live configuration with the template (every resource
type drift detection supports); each drifted resource is listed with the property, the expected
and the actual value. `stackgen diff` compares templates instead; `stackgen status` shows the
last detection's result.

Exit codes (as `stackgen diff`):
  0  in sync
  1  error: not deployed, AWS refused, detection did not finish
  2  drifted";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// `json`: the report as one JSON object on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_env(&args.target)?;
    let stack = stack_name(&env);
    let rt = runtime()?;
    let ctx = rt.block_on(connect(&env, args.target.profile.as_deref()))?;
    let report = rt.block_on(drift::detect(&ctx, &stack, &env, DriftWait::default()));
    let report = report.with_context(|| format!("cannot detect drift on `{stack}`"))?;
    match args.format {
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&report)?),
        OutputFormat::Text => out!("{}", text(&report, stdout_color())),
    }
    Ok(if report.drifted() {
        Exit::Changes
    } else {
        Exit::Ok
    })
}

/// The report for a terminal: one block per drifted resource.
pub fn text(report: &DriftReport, colour: bool) -> String {
    let mut out = String::new();
    if !report.drifted() {
        out.push_str(&format!(
            "{} {} is in sync with its template\n",
            paint(colour, "32", "✓"),
            report.stack
        ));
    } else {
        out.push_str(&format!(
            "{} {} has drifted: {} resource{} changed outside CloudFormation\n",
            paint(colour, "1;33", "!"),
            report.stack,
            report.resources.len(),
            if report.resources.len() == 1 { "" } else { "s" }
        ));
    }
    for r in &report.resources {
        out.push_str(&format!(
            "  {} {} ({}) {}\n",
            paint(colour, "33", &r.status),
            r.logical_id,
            r.resource_type,
            r.physical_id
        ));
        for p in &r.properties {
            out.push_str(&format!(
                "      {}: expected {}, actual {}\n",
                p.path,
                p.expected,
                if p.actual.is_empty() {
                    "(unset)"
                } else {
                    &p.actual
                }
            ));
        }
    }
    for w in &report.warnings {
        out.push_str(&format!("  warning: {w}\n"));
    }
    if report.drifted() {
        out.push_str(
            "CloudFormation does not undo drift: a deploy only touches resources whose template \
             changes. Set the values back (the expected ones above), or change the stack to what \
             is live and deploy.\n",
        );
    }
    out
}
