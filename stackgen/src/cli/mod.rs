//! The `stackgen` command line: argument parsing, dispatch, exit codes and error printing.
//!
//! Each subcommand is a module with an `Args` struct (clap derive) and a `run` function, so
//! later commands (deploy, diff, destroy, status, package, dev, cost-report) slot in as one
//! more module and one more `Command` variant.

pub mod check;
pub mod exit;
pub mod select;
pub mod style;
pub mod synth;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Examples:
  stackgen synth --env dev                 write out/dev/grocer-dev.template.json
  stackgen synth --all --format yaml       every environment, as YAML
  stackgen check --env prod                print the guardrail report, write nothing

Exit codes:
  0  success
  1  error (bad environment file, unreadable input, I/O failure)
  2  invalid command line
  3  guardrail violations: nothing was written

Colours follow the terminal; set NO_COLOR=1 to turn them off.";

/// Defines the grocery chain's serverless AWS stack as typed Rust values, renders and guards
/// its CloudFormation.
#[derive(Debug, Parser)]
#[command(name = "stackgen", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the stack of one or more environments to CloudFormation templates.
    Synth(synth::Args),
    /// Run the guardrails on one or more environments and print the report; writes nothing.
    Check(check::Args),
}

/// Parses the command line, runs the command and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Synth(args) => synth::run(&args),
        Command::Check(args) => check::run(&args),
    };
    match result {
        Ok(code) => code.into(),
        Err(err) => {
            let code = exit::code_of(&err);
            eprintln!("{}", style::error_paragraph(&err));
            code.into()
        }
    }
}
