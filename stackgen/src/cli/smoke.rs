//! `stackgen smoke`: the deployed store checked end to end as a shopper uses it (see
//! [`crate::smoke`]); `deploy` runs the same check at its end.

use anyhow::{Context, Result, bail};

use super::exit::Exit;
use super::style::{paint, stdout_color};
use super::target::{OutputFormat, Target, connect, load_env, runtime};
use crate::aws::AwsContext;
use crate::deploy::describe_stack;
use crate::env::Environment;
use crate::smoke::{self, Outcome, Plan, Report, Step};
use crate::stack::stack_name;

const AFTER_HELP: &str = "\
Examples:
  stackgen smoke --env dev                          through the CDN, as a shopper
  stackgen smoke --env prod --store store-04        the order goes to that store
  stackgen smoke --env local --url http://127.0.0.1:3000   against `stackgen dev` on the emulator

Steps: storefront page, catalog, sign in (a customer made for this run), empty cart, add to
cart, place order, stock reserved, cancel order, stock restored, clean up (cart emptied, any
order left open cancelled, account deleted). Each prints its latency. The smoke customer's
email goes to the Amazon SES mailbox simulator.

Exit codes:
  0  every step passed
  1  a step failed (the others still ran or were skipped, and the clean-up ran), or the
     environment is not deployed, unreachable, or has no API address
  64 invalid command line (an unknown flag, a --url that is not an http(s) address)";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Where the store answers instead of the stack's own addresses: the storefront at URL/ and
    /// the API at URL/api/ (`stackgen dev`, a custom domain).
    #[arg(long, value_name = "URL", value_parser = url_arg)]
    pub url: Option<String>,
    /// The store the smoke order is placed at (default: the environment's first).
    #[arg(long, value_name = "ID")]
    pub store: Option<String>,
    /// `json`: the report as one JSON object on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// One or more steps failed; they were printed above.
#[derive(Debug, thiserror::Error)]
#[error("smoke test of `{env}` {summary}")]
pub struct SmokeFailed {
    pub env: String,
    pub summary: String,
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_env(&args.target)?;
    Plan::precheck(&env, args.url.as_deref(), args.store.as_deref())
        .with_context(|| format!("cannot smoke-test `{}`", env.name))?;
    runtime()?.block_on(async {
        let ctx = connect(&env, args.target.profile.as_deref()).await?;
        let plan = plan(&ctx, &env, args.url.as_deref(), args.store.as_deref()).await?;
        let text = args.format == OutputFormat::Text;
        let report = run_plan(&ctx, &plan, text).await?;
        if !text {
            outln!("{}", serde_json::to_string_pretty(&report)?);
        }
        if report.passed() {
            if text {
                outln!("smoke test of `{}` {}", env.name, report.summary());
            }
            Ok(Exit::Ok)
        } else {
            Err(SmokeFailed {
                env: env.name.clone(),
                summary: report.summary(),
            }
            .into())
        }
    })
}

/// The run for the deployed stack of `env`.
pub async fn plan(
    ctx: &AwsContext,
    env: &Environment,
    url: Option<&str>,
    store: Option<&str>,
) -> Result<Plan> {
    let name = stack_name(env);
    let snapshot = describe_stack(ctx, &name)
        .await
        .with_context(|| format!("cannot read stack `{name}`"))?;
    let Some(snapshot) = snapshot.filter(|s| s.status != "DELETE_COMPLETE") else {
        bail!(
            "stack `{name}` is not deployed in {} ({}); deploy it first (`stackgen deploy --env {}`)",
            env.region,
            ctx.endpoint_override().unwrap_or("AWS"),
            env.name
        );
    };
    Plan::resolve(
        env,
        &snapshot.outputs,
        url,
        store,
        ctx.endpoint_override().is_some(),
    )
    .with_context(|| format!("cannot smoke-test `{}`", env.name))
}

/// Runs `plan`, printing each step to stdout as it ends when `print` is set.
pub async fn run_plan(ctx: &AwsContext, plan: &Plan, print: bool) -> Result<Report> {
    let color = stdout_color();
    if print {
        outln!(
            "smoke test of `{}`: API {}, order at {}",
            plan.env,
            plan.endpoints.api,
            plan.store_id
        );
    }
    let mut on_step = |step: &Step| {
        if print {
            outln!("{}", step_line(step, color));
        }
    };
    smoke::run(ctx, plan, &mut on_step)
        .await
        .with_context(|| format!("cannot smoke-test `{}`", plan.env))
}

/// `  ✓ catalog          182 ms  50 products listed; …`
pub fn step_line(step: &Step, color: bool) -> String {
    let (mark, code) = match step.outcome {
        Outcome::Passed => ("✓", "32"),
        Outcome::Failed => ("✗", "1;31"),
        Outcome::Skipped => ("-", "2"),
    };
    let time = match step.outcome {
        Outcome::Skipped => String::new(),
        _ => format!("{} ms", step.millis),
    };
    format!(
        "  {} {:<15} {:>8}  {}",
        paint(color, code, mark),
        step.name,
        time,
        step.detail
    )
}

/// `--url` (clap's value parser): an address the journey may send a password to, else an
/// invalid command line (exit 64).
fn url_arg(url: &str) -> Result<String, String> {
    match crate::smoke::url_problem(url) {
        None => Ok(url.to_owned()),
        Some(problem) => Err(format!(
            "{problem}; pass the address that serves the storefront at / and the API at /api/"
        )),
    }
}
