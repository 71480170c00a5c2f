//! `stackgen kill-switch`: look at and undo what the automatic kill switch did.
//!
//! `reset` undoes a throttle: every function of the environment gets back the reserved
//! concurrency the rendered template declares (none declared → DeleteFunctionConcurrency, so
//! it draws from the account's unreserved pool again), and every queue event source mapping
//! the throttle disabled is enabled again, so the messages that waited are processed.
//! `status` lists which functions are throttled (reserved concurrency 0) and which mappings
//! are paused. Both read the function names and declared values from
//! the same rendered stack `deploy` ships; a destroyed environment is redeployed with
//! `stackgen deploy`, not reset.

use anyhow::{Context, Result};
use aws_sdk_lambda::error::ProvideErrorMetadata;
use clap::Subcommand;
use serde::Serialize;

use super::exit::Exit;
use super::style::{paint, stdout_color};
use super::target::{OutputFormat, Target, connect, load_env, prepare_to_read, runtime};
use crate::aws::AwsContext;
use crate::model::lambda::Function;
use crate::stack::RetailStack;

const AFTER_HELP: &str = "\
Examples:
  stackgen kill-switch status --env prod          which functions are throttled
  stackgen kill-switch reset --env prod           undo a throttle (after spend is under control)
  stackgen kill-switch reset --env dev --format json

The automatic kill switch acts when actual spend reaches kill_switch.threshold_percent of the
budget (environments/<env>.yaml): `throttle` sets reserved concurrency 0 on every function,
`destroy` empties the buckets and deletes the stack (redeploy with `stackgen deploy`).
`reset` restores each function's reserved concurrency to what the rendered template declares
and enables the queue mappings the throttle disabled (queued messages are then processed).

Exit codes:
  0  done (also when nothing was throttled)
  1  error: AWS unreachable, access denied, stack not deployed
  64 invalid command line

Colours follow the terminal; set NO_COLOR=1 to turn them off.";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(subcommand)]
    pub command: KillSwitchCommand,
}

#[derive(Debug, Subcommand)]
pub enum KillSwitchCommand {
    /// Undo a throttle: restore every function's reserved concurrency to the template's.
    #[command(after_help = AFTER_HELP)]
    Reset(Options),
    /// Show each function's reserved concurrency and whether it is throttled.
    #[command(after_help = AFTER_HELP)]
    Status(Options),
}

#[derive(Debug, clap::Args)]
pub struct Options {
    #[command(flatten)]
    pub target: Target,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// One queue event source mapping as found (and, for `reset`, as left).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingState {
    pub function: String,
    pub uuid: String,
    pub queue_arn: String,
    /// `Enabled`, `Disabled`, … as Lambda reports it.
    pub before: String,
    pub after: String,
    pub paused: bool,
    pub changed: bool,
}

/// One function as found (and, for `reset`, as left).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionState {
    pub function: String,
    pub name: String,
    /// What the rendered template declares (`None`: unreserved).
    pub declared: Option<i32>,
    /// Reserved concurrency found in AWS.
    pub before: Option<i32>,
    /// After `reset` (same as `before` for `status`).
    pub after: Option<i32>,
    pub throttled: bool,
    pub changed: bool,
}

pub fn run(args: &Args) -> Result<Exit> {
    let (opts, reset) = match &args.command {
        KillSwitchCommand::Reset(o) => (o, true),
        KillSwitchCommand::Status(o) => (o, false),
    };
    let env = load_env(&opts.target)?;
    let (stack, _) = prepare_to_read(&env)?;
    let found = runtime()?.block_on(async {
        let ctx = connect(&env, opts.target.profile.as_deref()).await?;
        let functions = visit(&ctx, &stack, reset).await?;
        let mappings = visit_mappings(&ctx, &stack, reset).await?;
        anyhow::Ok((functions, mappings))
    });
    let (states, mappings) = found.with_context(|| {
        format!(
            "cannot {} the kill switch of environment `{}` (stack `{}`)",
            if reset { "reset" } else { "read" },
            env.name,
            stack.name
        )
    })?;
    match opts.format {
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "environment": env.name,
                "stack": stack.name,
                "action": if reset { "reset" } else { "status" },
                "throttled": states.iter().filter(|s| s.throttled).count(),
                "functions": states,
                "pausedMappings": mappings.iter().filter(|m| m.paused).count(),
                "mappings": mappings,
            });
            outln!("{}", serde_json::to_string_pretty(&doc)?);
        }
        OutputFormat::Text => {
            print_text(&stack.name, &states, reset);
            print_mappings(&mappings, reset);
        }
    }
    Ok(Exit::Ok)
}

fn print_mappings(mappings: &[MappingState], reset: bool) {
    let color = stdout_color();
    for m in mappings {
        let mark = if m.paused {
            paint(color, "31", "paused")
        } else if m.changed {
            paint(color, "32", "resumed")
        } else {
            paint(color, "32", "ok")
        };
        let queue = m.queue_arn.rsplit(':').next().unwrap_or(&m.queue_arn);
        outln!(
            "  {:<16} {mark:<10} queue {queue} ({})",
            m.function,
            m.after
        );
    }
    let paused = mappings.iter().filter(|m| m.paused).count();
    let resumed = mappings.iter().filter(|m| m.changed).count();
    if reset && resumed > 0 {
        outln!(
            "{resumed} queue mapping(s) enabled again: the messages that waited are processed now"
        );
    } else if paused > 0 {
        outln!("{paused} queue mapping(s) paused; `stackgen kill-switch reset` resumes them");
    }
}

/// Reads (and with `reset`, enables) the queue event source mappings of the stack's
/// queue-driven functions; the template declares every one of them enabled.
async fn visit_mappings(
    ctx: &AwsContext,
    stack: &RetailStack,
    reset: bool,
) -> Result<Vec<MappingState>> {
    let lambda = aws_sdk_lambda::Client::new(ctx.config());
    let mut out = Vec::new();
    let consumers = stack
        .functions
        .iter()
        .filter(|f| matches!(f.spec.trigger, retail_spec::Trigger::Queue { .. }));
    for f in consumers {
        let name = &f.function_name;
        let listed = lambda
            .list_event_source_mappings()
            .function_name(name)
            .send()
            .await
            .map_err(|e| ctx.fail("lambda", "ListEventSourceMappings", e))
            .with_context(|| format!("cannot list the queue mappings of `{name}`"))?;
        for m in listed.event_source_mappings() {
            let uuid = m.uuid().unwrap_or_default().to_owned();
            let before = m.state().unwrap_or_default().to_owned();
            let paused = matches!(before.as_str(), "Disabled" | "Disabling");
            let mut after = before.clone();
            if reset && paused {
                let updated = lambda
                    .update_event_source_mapping()
                    .uuid(&uuid)
                    .enabled(true)
                    .send()
                    .await
                    .map_err(|e| ctx.fail("lambda", "UpdateEventSourceMapping", e))
                    .with_context(|| format!("cannot enable queue mapping {uuid} of `{name}`"))?;
                after = updated.state().unwrap_or("Enabling").to_owned();
            }
            out.push(MappingState {
                function: f.spec.id.to_owned(),
                uuid,
                queue_arn: m.event_source_arn().unwrap_or_default().to_owned(),
                paused: matches!(after.as_str(), "Disabled" | "Disabling"),
                changed: after != before,
                before,
                after,
            });
        }
    }
    Ok(out)
}

fn print_text(stack: &str, states: &[FunctionState], reset: bool) {
    let color = stdout_color();
    let show = |c: Option<i32>| c.map_or_else(|| "unreserved".to_owned(), |n| n.to_string());
    for s in states {
        let mark = if s.throttled {
            paint(color, "31", "throttled")
        } else if s.changed {
            paint(color, "32", "restored")
        } else {
            paint(color, "32", "ok")
        };
        if reset && s.changed {
            outln!(
                "  {:<16} {mark:<10} {} → {}",
                s.function,
                show(s.before),
                show(s.after)
            );
        } else {
            outln!("  {:<16} {mark:<10} {}", s.function, show(s.after));
        }
    }
    let throttled = states.iter().filter(|s| s.throttled).count();
    let changed = states.iter().filter(|s| s.changed).count();
    if reset {
        outln!(
            "{}: {changed} function(s) restored to the template's reserved concurrency{}",
            paint(color, "1", stack),
            if changed == 0 {
                " (nothing was throttled)"
            } else {
                ""
            }
        );
    } else {
        outln!(
            "{}: {throttled} of {} function(s) throttled{}",
            paint(color, "1", stack),
            states.len(),
            if throttled > 0 {
                "; `stackgen kill-switch reset` undoes it"
            } else {
                ""
            }
        );
    }
}

/// Reads (and with `reset`, restores) every function of the rendered stack.
async fn visit(ctx: &AwsContext, stack: &RetailStack, reset: bool) -> Result<Vec<FunctionState>> {
    let lambda = aws_sdk_lambda::Client::new(ctx.config());
    let mut out = Vec::new();
    for f in &stack.functions {
        let declared = stack
            .template
            .entry_named(&f.logical_id)
            .and_then(|e| e.downcast::<Function>())
            .and_then(Function::reserved_concurrency)
            .and_then(|n| i32::try_from(n).ok());
        let name = &f.function_name;
        let before = match lambda
            .get_function_concurrency()
            .function_name(name)
            .send()
            .await
        {
            Ok(o) => o.reserved_concurrent_executions(),
            Err(e) if e.code() == Some("ResourceNotFoundException") => anyhow::bail!(
                "function `{name}` does not exist: stack `{}` is not deployed (or was destroyed by the kill switch); `stackgen deploy` creates it again",
                stack.name
            ),
            Err(e) => {
                return Err(
                    anyhow::Error::new(ctx.fail("lambda", "GetFunctionConcurrency", e))
                        .context(format!("cannot read the reserved concurrency of `{name}`")),
                );
            }
        };
        let mut after = before;
        if reset && before != declared {
            match declared {
                Some(n) => {
                    lambda
                        .put_function_concurrency()
                        .function_name(name)
                        .reserved_concurrent_executions(n)
                        .send()
                        .await
                        .map_err(|e| ctx.fail("lambda", "PutFunctionConcurrency", e))
                        .with_context(|| format!("cannot restore the concurrency of `{name}`"))?;
                }
                None => {
                    lambda
                        .delete_function_concurrency()
                        .function_name(name)
                        .send()
                        .await
                        .map_err(|e| ctx.fail("lambda", "DeleteFunctionConcurrency", e))
                        .with_context(|| format!("cannot restore the concurrency of `{name}`"))?;
                }
            }
            after = declared;
        }
        out.push(FunctionState {
            function: f.spec.id.to_owned(),
            name: name.clone(),
            declared,
            before,
            after,
            throttled: after == Some(0) && declared != Some(0),
            changed: after != before,
        });
    }
    Ok(out)
}
