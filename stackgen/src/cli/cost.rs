//! `stackgen cost-report`: what an environment will cost, what a change does to the bill, and
//! what it costs now.
//!
//! A thin layer over [`crate::cost`]: the template is the environment's, rendered as `synth`
//! renders it (guardrails first); the estimate, the comparison and Cost Explorer's actuals come
//! from the library and are printed in the chosen format.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::diff::{load_environment, paragraph, render_environment, runtime};
use super::exit::Exit;
use super::target::EnvironmentsDir;
use crate::cost::actuals::{self, ActualsQuery};
use crate::cost::{self, CostReport, EstimateOptions, Format, Traffic, TrafficArg, Usd};
use crate::env::{self, Environment};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  stackgen cost-report --env dev                           idle month, per resource
  stackgen cost-report --env dev --traffic 1m --free-tier  one million API requests
  stackgen cost-report --env dev --traffic examples/traffic/weekend-sale.yaml
  stackgen cost-report --env prod --compare dev            what prod adds to dev's bill
  stackgen cost-report --env dev --format json > base.json
  stackgen cost-report --env dev --compare base.json --format markdown    in CI
  stackgen cost-report --env dev --actuals --profile finops

The estimate is of the environment's template as `stackgen synth` renders it (guardrails
first), with the embedded, dated price table of its region. Each line is idle cost (paid
deployed and unused) or usage cost (from the traffic profile); the report lists the lines that
make up the idle cost and the budget headroom under every built-in profile.
--compare ENV estimates that environment with the same traffic and options; --compare FILE
reads a report saved with --format json (or a rendered template JSON). The base is the
--compare side: deltas are --env minus base.
--actuals asks Cost Explorer (us-east-1, $0.01 per request, two requests) for the month to date
by service and the forecast, for the tags Project and Env, against the environment's budget;
it needs credentials (default chain or --profile); AWS_ENDPOINT_URL points it at an emulator.

Exit codes:
  0  report printed; with --compare: no resource changes cost
  1  error (bad environment or traffic file, unknown region, AWS refused, guardrail violations)
  2  with --compare: the cost changed (as `stackgen diff`)")]
pub struct Args {
    /// Environment name (the file environments/<NAME>.yaml).
    #[arg(long = "env", short = 'e', value_name = "NAME")]
    pub env: String,
    /// Traffic profile: built-in `idle` (deployed, unused), `demo`, `1m` (one million API
    /// requests a month), or a YAML file (see examples/traffic/weekend-sale.yaml).
    #[arg(long, value_name = "idle|demo|1m|FILE.yaml", default_value = "idle")]
    pub traffic: TrafficArg,
    /// Output format: table for a terminal, json for machines (and as a --compare base), csv
    /// for spreadsheets, markdown for a pull-request comment (opens with a chart of cost by
    /// service), html for one self-contained page with the same chart.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show the cost difference from another environment or a saved report/template.
    #[arg(long, value_name = "ENV|FILE")]
    pub compare: Option<String>,
    /// Actual spend this month from Cost Explorer, instead of the estimate.
    #[arg(long, conflicts_with_all = ["compare", "traffic", "free_tier"])]
    pub actuals: bool,
    /// Apply the account's always-free allowances (shared by the whole account).
    #[arg(long)]
    pub free_tier: bool,
    /// AWS credentials profile (~/.aws/config) for --actuals.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Only this stack of the environment (`<project>-<env>` or `<project>-<env>-global`);
    /// default: every stack, with a By stack section.
    #[arg(long, value_name = "NAME", conflicts_with = "actuals")]
    pub stack: Option<String>,
    #[command(flatten)]
    pub environments_dir: EnvironmentsDir,
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_environment(&args.environments_dir, &args.env)?;
    if args.actuals {
        return run_actuals(args, &env);
    }
    let traffic = args
        .traffic
        .load()
        .map_err(paragraph)
        .context("cannot use the --traffic profile")?;
    let head = estimate_environment(&env, &traffic, args.free_tier, args.stack.as_deref())?;
    let Some(base) = &args.compare else {
        out!("{}", cost::render::report(&head, args.format));
        return Ok(Exit::Ok);
    };
    let base = match CompareBase::resolve(base, &args.environments_dir)? {
        CompareBase::Environment(name) => {
            let other = load_environment(&args.environments_dir, &name)
                .context("cannot use the --compare environment")?;
            // --stack picks the same stack on both sides: the main stack, or the global one.
            let counterpart = args.stack.as_deref().map(|wanted| {
                if wanted == crate::stack::stack_name(&env) {
                    crate::stack::stack_name(&other)
                } else {
                    crate::stack::global::stack_name(&other)
                }
            });
            estimate_environment(&other, &traffic, args.free_tier, counterpart.as_deref())
                .context("with --stack, --compare estimates the same stack of that environment")?
        }
        CompareBase::File(path) => {
            cost::load_compare_base(&path, &traffic, &options(&env, args.free_tier))
                .map_err(paragraph)?
        }
    };
    let diff = cost::compare(&base, &head);
    out!("{}", cost::render::diff(&diff, args.format));
    Ok(if diff.has_changes() {
        Exit::Changes
    } else {
        Exit::Ok
    })
}

/// How to estimate an environment: its name, its region's prices, its budget as the fallback
/// when the template declares none.
fn options(env: &Environment, free_tier: bool) -> EstimateOptions {
    EstimateOptions {
        label: env.name.clone(),
        region: env.region.clone(),
        free_tier,
        budget: Some(budget(env)),
    }
}

fn budget(env: &Environment) -> Usd {
    Usd::from_dollars(i64::from(env.budget.monthly_usd))
}

/// Renders `env` through synth's path and estimates every stack, or only `stack`.
fn estimate_environment(
    env: &Environment,
    traffic: &Traffic,
    free_tier: bool,
    stack: Option<&str>,
) -> Result<CostReport> {
    let rendered = render_environment(env, "estimate")?;
    let mut opts = options(env, free_tier);
    let template = match stack {
        None => &rendered.priced,
        Some(name) if name == rendered.stack.name => &rendered.template,
        Some(name) => {
            let companion = rendered
                .companions
                .iter()
                .find(|c| c.name == name)
                .with_context(|| {
                    let mut names: Vec<&str> = rendered
                        .companions
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect();
                    names.push(&rendered.stack.name);
                    format!(
                        "environment `{}` has no stack `{name}`; its stacks are {}",
                        env.name,
                        names.join(", ")
                    )
                })?;
            opts.region = companion.region.clone();
            &companion.template
        }
    };
    if let Some(name) = stack {
        opts.label = format!("{} ({name})", env.name);
    }
    cost::estimate(template, traffic, &opts)
        .map_err(paragraph)
        .with_context(|| format!("cannot estimate the cost of environment `{}`", env.name))
}

/// What `--compare` names.
enum CompareBase {
    Environment(String),
    File(PathBuf),
}

impl CompareBase {
    /// An environment of the environments directory, else an existing file.
    fn resolve(value: &str, dir: &Path) -> Result<CompareBase> {
        let known = env::list(dir);
        if known.iter().any(|n| n == value) {
            return Ok(CompareBase::Environment(value.to_owned()));
        }
        let path = PathBuf::from(value);
        if path.is_file() {
            return Ok(CompareBase::File(path));
        }
        if path.exists() {
            bail!(
                "--compare `{value}` is not a file (a directory?) nor an environment in {}. Name \
                 an environment, or a report saved with `stackgen cost-report --format json`",
                dir.display()
            );
        }
        bail!(
            "--compare `{value}` is neither an environment in {} ({}) nor a file that exists. \
             Name an environment, or a report saved with `stackgen cost-report --format json`",
            dir.display(),
            if known.is_empty() {
                "none found".to_owned()
            } else {
                known.join(", ")
            }
        )
    }
}

fn run_actuals(args: &Args, env: &Environment) -> Result<Exit> {
    let rt = runtime()?;
    let ctx = rt.block_on(super::target::connect(env, args.profile.as_deref()))?;
    let query = ActualsQuery {
        label: env.name.clone(),
        tags: vec![
            ("Project".to_owned(), env.tags.project.clone()),
            ("Env".to_owned(), env.name.clone()),
        ],
        today: time::OffsetDateTime::now_utc().date(),
        budget: Some(budget(env)),
        endpoint: actuals::endpoint(ctx.config()),
    };
    let spent = rt.block_on(actuals::fetch(&actuals::client(ctx.config()), &query));
    let spent = spent.map_err(|e| {
        paragraph(e).context(format!(
            "cannot read the actual spend of environment `{}` (tags Project={}, Env={})",
            env.name, env.tags.project, env.name
        ))
    })?;
    out!("{}", cost::render::actuals(&spent, args.format));
    Ok(Exit::Ok)
}
