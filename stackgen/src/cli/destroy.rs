//! `stackgen destroy`: the kill switch. Empties the environment's buckets, deletes its stack
//! and then its other stacks (the global stack in us-east-1), waits, then asks the tagging API for anything still tagged with the project and environment;
//! anything left makes the command fail.

use anyhow::{Result, bail};
use serde_json::json;

use super::exit::{Exit, Interrupted};
use super::printer::{Printer, confirm};
use super::style::{paint, stdout_color};
use super::target::{OutputFormat, Target, connect, load_env, runtime};
use crate::deploy::destroy::DestroyReport;
use crate::deploy::{self, DestroyRequest, WaitOptions};
use crate::env::Environment;
use crate::stack::RetailStack;

const AFTER_HELP: &str = "\
Examples:
  stackgen destroy --env dev                  asks you to type `dev`
  stackgen destroy --env local --yes          no questions (CI, tests)
  stackgen destroy --env prod --force-prod    prod: turns termination protection off first

An environment with a domain or web ACLs also has <project>-<env>-global in us-east-1: it is
deleted after the main stack, and leftovers are looked for once both are gone.

Exit codes:
  0  destroyed, or there was nothing to destroy
  1  error, declined confirmation, prod without --force-prod, or resources still tagged with
     the environment afterwards (listed)
  130 interrupted (Ctrl-C): the delete goes on in CloudFormation; run destroy again to finish
      and verify";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Do not ask for the environment name.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Allow destroying a protected (prod) environment: termination protection is turned off.
    #[arg(long)]
    pub force_prod: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_env(&args.target)?;
    allowed(args, &env)?;
    let stack = crate::synth::prepare(&env)?.stack;
    let request = request(&env, &stack, args.force_prod);
    let report = runtime()?.block_on(async {
        let ctx = connect(&env, args.target.profile.as_deref()).await?;
        let printer = Printer::new();
        tokio::select! {
            report = deploy::destroy(&ctx, &request, WaitOptions::default(), &printer) => {
                report.map_err(|e| {
                    anyhow::Error::new(e).context(format!("cannot destroy stack `{}`", stack.name))
                })
            }
            _ = tokio::signal::ctrl_c() => Err(anyhow::Error::new(Interrupted {
                doing: "destroying",
                stack: stack.name.clone(),
                env: env.name.clone(),
                rerun: format!("stackgen destroy --env {} --yes", env.name),
            })),
        }
    })?;
    match args.format {
        OutputFormat::Json => print_json(&env, &stack.name, &report)?,
        OutputFormat::Text => print_text(&env, &stack.name, &report),
    }
    if !report.is_clean() {
        bail!(
            "{} resource(s) of environment Project={} Env={} still exist after destroying `{}`: {}. Run `stackgen destroy --env {}` again, or delete them by hand",
            report.remaining.len(),
            env.tags.project,
            env.tags.env,
            stack.name,
            report.remaining.join(", "),
            env.name
        );
    }
    Ok(Exit::Ok)
}

/// A protected environment needs `--force-prod`; without `--yes`, the environment's name typed
/// back.
fn allowed(args: &Args, env: &Environment) -> Result<()> {
    let protected = env.is_protected() || env.name == "prod";
    if protected && !args.force_prod {
        bail!(
            "refusing to destroy `{}`: it is a protected environment (termination protection or retained data in {}); pass --force-prod if you really mean it",
            env.name,
            args.target
                .environments_dir
                .join(format!("{}.yaml", env.name))
                .display()
        );
    }
    if !args.yes
        && !confirm(
            &format!(
                "This deletes every resource of `{}` and the data in its buckets.",
                env.name
            ),
            &env.name,
            "--yes",
        )?
    {
        bail!("destroy of `{}` cancelled; nothing was deleted", env.name);
    }
    Ok(())
}

/// What to delete: the main stack, its companions in their regions, and (unless data is
/// retained) what is left tagged with the environment.
fn request(env: &Environment, stack: &RetailStack, force_prod: bool) -> DestroyRequest {
    DestroyRequest {
        stack_name: stack.name.clone(),
        project: env.tags.project.clone(),
        env: env.tags.env.clone(),
        override_termination_protection: force_prod,
        purge_leftovers: !env.protection.retain_data,
        global_names: deploy::leftovers::GlobalNames::of(&stack.template),
        // Every companion the environment can have, not only those it has now: one left by
        // a domain or web ACL since removed from the file is deleted too.
        companions: crate::stack::companion_slots(env)
            .into_iter()
            .map(|(name, region)| deploy::destroy::StackAt {
                name,
                region: region.to_owned(),
            })
            .collect(),
    }
}

/// `--format json`: what was emptied and deleted, and what remains or was not checked.
fn print_json(env: &Environment, stack: &str, report: &DestroyReport) -> Result<()> {
    let emptied: Vec<_> = report
        .emptied
        .iter()
        .map(|b| json!({"bucket": b.bucket, "deleted": b.deleted}))
        .collect();
    let doc = json!({
        "environment": env.name,
        "stack": stack,
        "stackExisted": report.stack_existed,
        "emptied": emptied,
        "leftoversDeleted": report.leftovers_deleted,
        "remaining": report.remaining,
        "unchecked": report.unchecked,
    });
    outln!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(())
}

/// The text report: emptied buckets, deleted leftovers, warnings, and the verdict.
fn print_text(env: &Environment, stack: &str, report: &DestroyReport) {
    let color = stdout_color();
    for b in &report.emptied {
        outln!("emptied s3://{} ({} versions)", b.bucket, b.deleted);
    }
    for arn in &report.leftovers_deleted {
        outln!("deleted leftover {arn}");
    }
    for why in &report.unchecked {
        errln!(
            "{} not checked for leftovers: {why}",
            paint(super::style::stderr_color(), "33", "warning:")
        );
    }
    if !report.stack_existed && report.is_clean() {
        outln!(
            "{} nothing to destroy: stack `{}` does not exist and nothing is tagged Project={} Env={}",
            paint(color, "32", "✓"),
            stack,
            env.tags.project,
            env.tags.env
        );
    } else if report.is_clean() {
        outln!(
            "{} destroyed `{}`; nothing tagged with the environment remains",
            paint(color, "32", "✓"),
            stack
        );
    }
}
