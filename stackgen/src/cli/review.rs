//! `stackgen review`: the pull-request document for one or more environments (see
//! [`crate::review`]): guardrails, changes, security, cost delta, each environment in its part.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

use super::diff::{
    Against, CompanionSides, Rendered, deployed_companions, paragraph, rendered, saved_companions,
    sides,
};
use super::exit::Exit;
use crate::cost::{self, EstimateOptions, TrafficArg, Usd};
use crate::diff::{self, DiffExit, DiffInput};
use crate::env::{self, Environment};
use crate::review::{EnvReview, Review, StackReview};

const AFTER_HELP: &str = "\
Examples:
  stackgen review --env dev --env prod > review.md        against the deployed stacks
  stackgen synth --all --out base/ (on the base branch), then, on the pull request:
  stackgen review --env dev --env prod --against base/    no AWS needed
  stackgen review --env prod --format json                for machines

For each environment: the guardrail report, the changes (destructive first, with what happens to
the data), the security section (what the deploy would grant or take away, broadening first) and
the monthly cost change at list price under --traffic. The document starts with the comment
marker <!-- stackgen-review --> so a CI job can update its one comment in place.

Exit codes (as `stackgen diff`):
  0  nothing changes in any environment
  1  an environment could not be reviewed (bad file, guardrail violations, AWS unreachable);
     the document is still printed and says why
  2  changes present";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Environment name (environments/<NAME>.yaml); repeat for more.
    #[arg(long = "env", short = 'e', value_name = "NAME", required = true)]
    pub envs: Vec<String>,
    /// `deployed` (each stack in AWS) or a directory `stackgen synth --out` wrote (the base
    /// branch's templates: <DIR>/<env>/<project>-<env>.template.json).
    #[arg(long, value_name = "deployed|DIR", default_value = "deployed")]
    pub against: String,
    /// Traffic profile for the cost change: idle, demo, 1m, or a YAML file.
    #[arg(long, value_name = "idle|demo|1m|FILE.yaml", default_value = "demo")]
    pub traffic: TrafficArg,
    /// `markdown` (the pull-request comment) or `json`.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: ReviewFormat,
    #[command(flatten)]
    pub environments_dir: super::target::EnvironmentsDir,
    /// Output directory of `stackgen package` (function code keys, against deployed stacks).
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// AWS credentials profile (~/.aws/config) for `--against deployed`.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    Markdown,
    Json,
}

pub fn run(args: &Args) -> Result<Exit> {
    let traffic = args
        .traffic
        .load()
        .map_err(paragraph)
        .map_err(|e| e.context("cannot use the --traffic profile"))?;
    let review = Review::new(
        args.envs
            .iter()
            .map(|name| review_one(args, name, &traffic))
            .collect(),
    );
    match args.format {
        ReviewFormat::Markdown => out!("{}", review.markdown()),
        ReviewFormat::Json => out!("{}", review.json()),
    }
    match review.exit() {
        DiffExit::NoChanges => Ok(Exit::Ok),
        DiffExit::Changes => Ok(Exit::Changes),
        DiffExit::Error => {
            let failed: Vec<&str> = review
                .environments
                .iter()
                .filter(|e| e.error.is_some())
                .map(|e| e.environment.as_str())
                .collect();
            Err(anyhow!(
                "could not review {}: the document above says why for each",
                failed.join(", ")
            ))
        }
    }
}

/// One environment's part; every failure is recorded in it rather than returned.
fn review_one(args: &Args, name: &str, traffic: &cost::Traffic) -> EnvReview {
    let mut part = EnvReview {
        environment: name.to_owned(),
        guardrails: None,
        diff: None,
        companions: Vec::new(),
        cost: None,
        error: None,
    };
    let env = match env::load_named(&args.environments_dir, name) {
        Ok(env) => env,
        Err(e) => {
            part.error = Some(e.to_string());
            return part;
        }
    };
    let prepared = match crate::synth::prepare(&env) {
        Ok(p) => p,
        Err(e) => {
            part.error = Some(format!("cannot build the stack: {e}"));
            return part;
        }
    };
    part.guardrails = Some(prepared.report.clone());
    if !prepared.report.passed() {
        part.error = Some("guardrail violations: `stackgen deploy` would refuse this stack, so there is nothing to compare".to_owned());
        return part;
    }
    if let Err(e) = compare(args, &env, prepared.stack, traffic, &mut part) {
        part.error = Some(format!("{e:#}"));
    }
    part
}

/// Fills the diff and the cost change of `part`.
fn compare(
    args: &Args,
    env: &Environment,
    stack: crate::stack::RetailStack,
    traffic: &cost::Traffic,
    part: &mut EnvReview,
) -> Result<()> {
    let rendered = rendered(stack)?;
    let ((old, new, mut notes), companions) = match args.against.as_str() {
        "deployed" => (
            sides(
                env,
                &rendered,
                &Against::Deployed,
                &args.out,
                args.profile.as_deref(),
            )?,
            deployed_companions(env, &rendered, args.profile.as_deref())?,
        ),
        dir => (
            saved_sides(env, &rendered, Path::new(dir))?,
            saved_companions(env, &rendered, Path::new(dir))?,
        ),
    };
    let mut result = diff::diff_templates(&old, &new).map_err(paragraph)?;
    notes.append(&mut result.warnings);
    result.warnings = notes;
    // The cost of every stack of the environment together, before and after.
    let whole = |main: &DiffInput, side: fn(&CompanionSides) -> &DiffInput| {
        let named: Vec<(String, serde_json::Value)> = companions
            .iter()
            .map(|c| (c.name.clone(), side(c).template.clone()))
            .collect();
        cost::whole_environment(&rendered.stack.name, &main.template, &named)
    };
    let options = EstimateOptions {
        label: env.name.clone(),
        region: env.region.clone(),
        free_tier: false,
        budget: Some(Usd::from_dollars(i64::from(env.budget.monthly_usd))),
    };
    let before = cost::estimate(
        &whole(&old, |c| &c.old),
        traffic,
        &EstimateOptions {
            label: std::iter::once(old.label.as_str())
                .chain(companions.iter().map(|c| c.old.label.as_str()))
                .collect::<Vec<_>>()
                .join(" + "),
            ..options.clone()
        },
    )
    .map_err(paragraph)?;
    let after = cost::estimate(&whole(&new, |c| &c.new), traffic, &options).map_err(paragraph)?;
    part.cost = Some(cost::compare(&before, &after));
    part.diff = Some(result);
    for c in companions {
        let (stack, region) = (c.name.clone(), c.region.clone());
        part.companions.push(StackReview {
            stack,
            region,
            diff: c.diff()?,
        });
    }
    Ok(())
}

/// Whether `dir` looks like `stackgen synth --out`'s: some `<env>/<name>.template.json`. (A
/// base without this environment still does, for the other environments it had.)
fn holds_templates(dir: &Path) -> bool {
    let Ok(envs) = std::fs::read_dir(dir) else {
        return false;
    };
    envs.flatten()
        .filter_map(|e| std::fs::read_dir(e.path()).ok())
        .flat_map(|files| files.flatten())
        .any(|f| f.file_name().to_string_lossy().ends_with(".template.json"))
}

/// The base branch's template from a `stackgen synth --out DIR` tree; an environment the base
/// did not have compares with nothing (everything added).
fn saved_sides(
    env: &Environment,
    rendered: &Rendered,
    dir: &Path,
) -> Result<(DiffInput, DiffInput, Vec<String>)> {
    if !dir.is_dir() {
        return Err(anyhow!(
            "--against {}: {}; give `deployed` or a directory `stackgen synth --out` wrote",
            dir.display(),
            if dir.exists() {
                "that is a file, not a directory"
            } else {
                "no such directory"
            }
        ));
    }
    if !holds_templates(dir) {
        return Err(anyhow!(
            "--against {}: the directory holds no template `stackgen synth --out` wrote (none \
             at <env>/<stack>.template.json); give the base's synth output, or `deployed`",
            dir.display()
        ));
    }
    let file = format!("{}.template.json", rendered.stack.name);
    let path = dir.join(&env.name).join(&file);
    let new = DiffInput::new(
        format!("rendered for {}", env.name),
        rendered.template.clone(),
    );
    if !path.is_file() {
        let note = format!(
            "the base has no {}/{file}: every resource shows as added",
            env.name
        );
        let empty = DiffInput::new("nothing saved", serde_json::json!({"Resources": {}}));
        return Ok((empty, new, vec![note]));
    }
    let template = diff::load_template(&path).map_err(paragraph)?;
    let label = format!("saved {}/{file}", env.name);
    Ok((DiffInput::new(label, template), new, Vec::new()))
}
