//! The `stackgen` command line: argument parsing, dispatch, exit codes and error printing.
//!
//! Each subcommand is a module with an `Args` struct (clap derive) and a `run` function, so a
//! new command is one more module and one more `Command` variant. What the commands share lives
//! in `target.rs` (the environment a command acts on, its stack and AWS clients), `printer.rs`
//! (progress and confirmations on stderr), `exit.rs` (exit codes), `output.rs` (stdout that a
//! closed pipe cannot crash: commands print with `outln!`, never `println!`) and `style.rs`
//! (colour).

// First: the other modules use its macros.
#[macro_use]
pub mod output;

pub mod bootstrap;
pub mod check;
pub mod cost;
pub mod customers;
pub mod deploy;
pub mod destroy;
pub mod dev;
pub mod diff;
pub mod docs;
pub mod drift;
pub mod exit;
pub mod killswitch;
pub mod logs;
pub mod package;
pub mod prices;
pub mod printer;
pub mod review;
pub mod select;
pub mod smoke;
pub mod staff;
pub mod status;
pub mod style;
pub mod synth;
pub mod target;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Examples:
  stackgen synth --env dev                 write out/dev/grocer-dev.template.json
  stackgen synth --all --format yaml       every environment, as YAML
  stackgen check --env prod                print the guardrail report, write nothing
  stackgen diff --env prod --format markdown    what a deploy would change (exit 2: changes)
  stackgen cost-report --env dev           monthly estimate, idle vs usage cost
  stackgen deploy --env dev                review the change set, confirm, deploy
  stackgen status --env dev --format json  stack status, outputs, drift
  stackgen destroy --env dev               the kill switch (type the env name)
  stackgen dev --env local                 the store on this machine (needs the emulator)
  stackgen kill-switch reset --env prod    undo the automatic kill switch's throttle
  stackgen bootstrap --env dev             assets bucket + activate cost allocation tags
  stackgen staff add --env prod EMAIL      give someone the back office
  stackgen smoke --env dev                 a shopper's journey against the deployed store
  stackgen review --env dev --env prod     the pull-request comment: guardrails, changes, security, cost
  stackgen logs --env dev --follow         the functions' log lines as they arrive
  stackgen drift --env prod                what changed in AWS outside the stack (exit 2: drifted)
  stackgen prices refresh --check          whether AWS's prices moved since the table was taken (exit 2)

Exit codes:
  0  success
  1  error (bad environment file, unreadable input, I/O failure)
  2  diff, review and cost-report --compare: changes present (Terraform's -detailed-exitcode);
     drift: drifted; docs --check: a pack is out of date; prices refresh --check: prices moved
  3  guardrail violations: nothing was written
  64 invalid command line (unknown flag, missing value)
  130 deploy/destroy interrupted (Ctrl-C); CloudFormation finishes what it started

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
    /// Show what deploying an environment would change: the rendered template against the
    /// deployed stack or a saved template (exit 0 no changes, 2 changes, 1 error).
    Diff(diff::Args),
    /// The pull-request document of one or more environments: guardrails, changes (destructive
    /// first), security (broadening first) and the monthly cost change (exit 0/2/1 as diff).
    Review(review::Args),
    /// Estimate an environment's monthly cost per resource (idle vs usage), compare it, or
    /// show actual spend from Cost Explorer.
    CostReport(cost::Args),
    /// Write the operations pack of environments to docs/<env>/: architecture diagram,
    /// resource inventory and runbooks, generated from the rendered stack (--check: exit 2 when
    /// out of date).
    Docs(docs::Args),
    /// Build every function with cargo-lambda and write the asset manifest.
    Package(package::Args),
    /// The embedded price table: refresh it from AWS's Price List (--check: exit 2 when AWS's
    /// prices moved).
    Prices(prices::Args),
    /// Package, upload and deploy an environment's stack through a reviewed change set, then
    /// publish the storefront and (non-prod) load the demo catalog.
    Deploy(deploy::Args),
    /// The kill switch: empty the buckets and delete the stack; fails if anything tagged remains.
    Destroy(destroy::Args),
    /// CloudFormation's drift detection on the deployed stack: each resource changed outside
    /// CloudFormation, with the property, expected and actual value (exit 0 in sync, 2 drifted).
    Drift(drift::Args),
    /// Show the deployed stack: status, outputs, template changes, last drift check, asset
    /// hashes.
    Status(status::Args),
    /// Check a deployed store end to end as a shopper: page, catalog, sign-in, cart, order,
    /// cancel, stock back; cleans up after itself (exit 0 passed, 1 failed).
    Smoke(smoke::Args),
    /// Print the functions' log lines, one each, coloured by level: CloudWatch Logs, or
    /// `stackgen dev`'s files for a local environment.
    Logs(logs::Args),
    /// Run the store on this machine against the stack deployed on the local emulator.
    Dev(dev::Args),
    /// The automatic kill switch: show which functions it throttled, or undo a throttle.
    KillSwitch(killswitch::Args),
    /// Prepare the account and region: the bootstrap stack (assets bucket) and the cost
    /// allocation tags Project, Env, Owner, CostCenter.
    Bootstrap(bootstrap::Args),
    /// Who may use the back office: add, list and remove the environment's staff.
    Staff(staff::Args),
    /// Support for shoppers' accounts: confirm a sign-up whose emailed code never arrived.
    Customers(customers::Args),
}

/// Parses the command line, runs the command and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return refused_command_line(&e),
    };
    let result = match cli.command {
        Command::Synth(args) => synth::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Review(args) => review::run(&args),
        Command::CostReport(args) => cost::run(&args),
        Command::Docs(args) => docs::run(&args),
        Command::Package(args) => package::run(&args),
        Command::Prices(args) => prices::run(&args),
        Command::Deploy(args) => deploy::run(&args),
        Command::Destroy(args) => destroy::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Drift(args) => drift::run(&args),
        Command::Smoke(args) => smoke::run(&args),
        Command::Logs(args) => logs::run(&args),
        Command::Dev(args) => dev::run(&args),
        Command::KillSwitch(args) => killswitch::run(&args),
        Command::Bootstrap(args) => bootstrap::run(&args),
        Command::Staff(args) => staff::run(&args),
        Command::Customers(args) => customers::run(&args),
    };
    finish(result)
}

/// A command line clap did not run: a usage error, or `--help` / `--version`.
fn refused_command_line(e: &clap::Error) -> ExitCode {
    if e.use_stderr() {
        // A usage error exits with EX_USAGE (64), never 2, so CI can trust `diff`'s 2 to
        // mean "changes present".
        let arg = e
            .get(clap::error::ContextKind::InvalidArg)
            .map(|a| a.to_string());
        if arg.is_some_and(|a| a.starts_with("--environments-dir"))
            && std::env::var_os(target::ENVIRONMENTS_DIR_VAR).is_some_and(|v| v.is_empty())
        {
            // An exported but empty CI variable, not a flag anybody typed.
            errln!(
                "error: {} is set but empty, and stackgen reads it as --environments-dir; \
                 unset it (environments/ is the default) or set it to the directory of the \
                 environment files",
                target::ENVIRONMENTS_DIR_VAR
            );
        } else {
            let _ = e.print();
        }
        return ExitCode::from(exit::USAGE);
    }
    // --help and --version print to stdout and succeed; a terminal gets clap's styles, and
    // anything else the plain text through `output`, so that a write that fails (a full
    // disk) is exit 1 as for every command, and a reader that stops reading is not.
    if std::io::stdout().is_terminal() {
        let _ = e.print();
    } else {
        out!("{}", e.render());
    }
    match output::take_failure() {
        None => ExitCode::SUCCESS,
        Some(failure) => {
            errln!("error: cannot write the help to standard output: {failure}");
            ExitCode::from(1)
        }
    }
}

/// The exit code of a command that ran, after saying what failed: the command itself, or the
/// writing of its output.
fn finish(result: anyhow::Result<exit::Exit>) -> ExitCode {
    let unwritten = output::take_failure().map(|e| {
        anyhow::Error::new(e).context(
            "cannot write to standard output (what it was redirected to refused the write: a \
             full disk or a closed file?); the output above is incomplete",
        )
    });
    match (result, unwritten) {
        (Ok(code), None) => code.into(),
        (Ok(_), Some(err)) => {
            errln!("{}", style::error_paragraph(&err));
            exit::code_of(&err).into()
        }
        // The command's own failure decides the code (guardrail violations stay 3); a report
        // that could not be written is said too, since the reader saw none of it.
        (Err(err), unwritten) => {
            if let Some(lost) = unwritten {
                errln!("{}", style::error_paragraph(&lost));
            }
            errln!("{}", style::error_paragraph(&err));
            exit::code_of(&err).into()
        }
    }
}
