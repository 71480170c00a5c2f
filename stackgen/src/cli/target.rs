//! What every command that acts on one environment shares: which environment (`--env`,
//! `--environments-dir`, `--profile`), where the build puts things, the output format, and the
//! steps from an environment name to a guard-checked stack and the SDK clients of its account.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::ValueEnum;

use super::exit::GuardrailsFailed;
use super::style::stderr_color;
use crate::aws::{AwsContext, AwsTarget, StaticCredentials};
use crate::deploy::PackageRequest;
use crate::env::{self, Environment};
use crate::stack::RetailStack;

/// The variable that stands for `--environments-dir`.
pub const ENVIRONMENTS_DIR_VAR: &str = "STACKGEN_ENVIRONMENTS_DIR";

/// Where the environment files are: `--environments-dir DIR` (or `STACKGEN_ENVIRONMENTS_DIR`),
/// `environments/` by default. Every command that reads an environment flattens this in.
#[derive(Debug, Clone, clap::Args)]
pub struct EnvironmentsDir {
    /// Directory holding the environment files.
    #[arg(
        long = "environments-dir",
        value_name = "DIR",
        default_value = "environments",
        env = ENVIRONMENTS_DIR_VAR
    )]
    pub dir: PathBuf,
}

impl std::ops::Deref for EnvironmentsDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.dir
    }
}

impl AsRef<Path> for EnvironmentsDir {
    fn as_ref(&self) -> &Path {
        &self.dir
    }
}

/// Where a command reads the environment, the functions' zips and the UI from.
#[derive(Debug, Clone, clap::Args)]
pub struct Target {
    /// Environment name (the file environments/<NAME>.yaml).
    #[arg(long = "env", short = 'e', value_name = "NAME")]
    pub env: String,
    #[command(flatten)]
    pub environments_dir: EnvironmentsDir,
    /// Named AWS profile (~/.aws/config); default: the standard credential chain.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

/// Where package finds and puts things.
#[derive(Debug, Clone, clap::Args)]
pub struct Layout {
    /// The repository root (holds functions/, ui/, .venv/).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
    /// Where cargo-lambda leaves the zip (<DIR>/bootstrap/bootstrap.zip); default
    /// <workspace>/target/lambda (target/lambda-quick-zip, target/lambda-host for those
    /// function_code values).
    #[arg(long, value_name = "DIR")]
    pub lambda_dir: Option<PathBuf>,
    /// Output directory (the asset manifest goes to <DIR>/<env>/assets.json).
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
}

impl Layout {
    pub fn request(&self, env: &str) -> PackageRequest<'static> {
        let mut req = PackageRequest::standard(&self.workspace, env);
        if let Some(dir) = &self.lambda_dir {
            req.lambda_dir = dir.clone();
        }
        req.out_dir = self.out.join(env);
        req
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Loads and validates one environment.
pub fn load_env(target: &Target) -> Result<Environment> {
    env::load_named(&target.environments_dir, &target.env)
        .with_context(|| format!("cannot use environment `{}`", target.env))
}

/// Builds the stack and refuses it when the guardrails fail.
pub fn prepare(env: &Environment) -> Result<RetailStack> {
    prepare_for(env, "; nothing was deployed")
}

/// [`prepare`], whose refusal ends with `note` (what the command did not do).
pub fn prepare_for(env: &Environment, note: &'static str) -> Result<RetailStack> {
    let prepared = crate::synth::prepare(env)
        .with_context(|| format!("cannot build the stack of environment `{}`", env.name))?;
    if !prepared.report.passed() {
        err!("{}", prepared.report.render(stderr_color()));
        return Err(GuardrailsFailed {
            count: prepared.report.violations().count(),
            envs: env.name.clone(),
            note,
        }
        .into());
    }
    Ok(prepared.stack)
}

/// Builds the stack for a command that reads what is deployed, or lifts the kill switch's
/// throttle: the guardrails judge the rendered template, which such a command does not deploy,
/// so a violation is reported and the command goes on (a file that breaks a rule must not keep
/// an operator from prod's logs or from undoing a throttle). How many violations there were.
pub fn prepare_to_read(env: &Environment) -> Result<(RetailStack, usize)> {
    let prepared = crate::synth::prepare(env)
        .with_context(|| format!("cannot build the stack of environment `{}`", env.name))?;
    let violations = prepared.report.violations().count();
    if violations > 0 {
        err!("{}", prepared.report.render(stderr_color()));
        errln!(
            "warning: environment `{}` breaks the guardrails above: `stackgen deploy` would \
             refuse it, but this command only reads the deployed stack (or lifts a throttle), so \
             it goes on",
            env.name
        );
    }
    Ok((prepared.stack, violations))
}

/// The SDK clients for an environment (its region, `--profile`, `AWS_ENDPOINT_URL`; for one on
/// the local emulator, see [`aws_target`]), behind the account guard: an environment whose file
/// names its `account` is read and changed only with that account's credentials (one STS
/// GetCallerIdentity, which needs no permission). Without it, `destroy` with a shell still signed
/// in to another account would delete that account's stack of the same name.
pub async fn connect(env: &Environment, profile: Option<&str>) -> Result<AwsContext> {
    let ctx = connect_unguarded(env, profile).await?;
    if env.account.is_some() {
        // A mismatch says what it is; anything else (no credentials, no endpoint) is why the
        // account could not be checked.
        crate::aws::verify_account(&ctx, &env.name, env.account.as_deref())
            .await
            .map_err(|e| match e {
                crate::aws::AccountGuardError::Aws(e) => anyhow::Error::new(e).context(format!(
                    "cannot check which AWS account the credentials belong to (environment `{}` \
                     names account {})",
                    env.name,
                    env.account.as_deref().unwrap_or_default()
                )),
                mismatch => mismatch.into(),
            })?;
    }
    Ok(ctx)
}

/// [`connect`] without the account guard, for `deploy`, which runs the guard itself where it
/// costs no request (an existing stack's ARN names its account) and before anything changes.
pub async fn connect_unguarded(env: &Environment, profile: Option<&str>) -> Result<AwsContext> {
    connect_region(env, &env.region, profile).await
}

/// The SDK clients for another region of an environment (its companion stacks).
pub async fn connect_region(
    env: &Environment,
    region: &str,
    profile: Option<&str>,
) -> Result<AwsContext> {
    Ok(AwsContext::connect(&aws_target(env, region, profile)?).await)
}

/// Where an environment's requests go in `region`, and with which credentials.
///
/// An environment in AWS gets `--profile` and aws-config's own chains (credentials, and
/// endpoints with the shell's `AWS_ENDPOINT_URL`). One on the local emulator (`emulator:` in
/// its file) goes to that emulator, or to the shell's `AWS_ENDPOINT_URL` when that is on this
/// machine, and refuses any other. Its credentials are explicit, never a chain's: the shell's
/// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when both are set, else the emulator's dummy
/// pair; a profile (`--profile`, AWS_PROFILE) is not read, so none of its keys is sent.
pub fn aws_target(env: &Environment, region: &str, profile: Option<&str>) -> Result<AwsTarget> {
    let shell = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let shell_endpoint = shell("AWS_ENDPOINT_URL");
    if let Some(url) = &shell_endpoint {
        checked_endpoint("AWS_ENDPOINT_URL", url)?;
    }
    let mut target = AwsTarget::in_region(region.to_owned());
    let Some(url) = env.emulator_endpoint(shell_endpoint.as_deref())? else {
        target.profile = profile.map(str::to_owned);
        return Ok(target);
    };
    if let Some(name) = profile {
        errln!(
            "note: --profile {name} is not used: environment `{}` lives on the local emulator \
             at {url} (`emulator:` in its file), which takes no profile",
            env.name
        );
    }
    target.endpoint_url = Some(url);
    target.credentials = Some(
        match (shell("AWS_ACCESS_KEY_ID"), shell("AWS_SECRET_ACCESS_KEY")) {
            (Some(access_key_id), Some(secret_access_key)) => StaticCredentials {
                access_key_id,
                secret_access_key,
            },
            _ => StaticCredentials::emulator(),
        },
    );
    Ok(target)
}

/// `url`, given as `what` (a variable or a flag), when it is an endpoint; else an error that
/// says why and what to write (the SDK would take it and fail each request with its own words).
pub fn checked_endpoint(what: &str, url: &str) -> Result<()> {
    match crate::env::endpoint_problem(url) {
        None => Ok(()),
        Some(problem) => Err(anyhow::anyhow!(
            "{what}={url} is not an endpoint: {problem}. Write a URL such as \
             http://127.0.0.1:5000 (the local emulator), or unset {what} to reach AWS"
        )),
    }
}

/// The bootstrap stack of `ctx`'s region (found, created or upgraded), with an error that names
/// the region.
pub async fn bootstrap_in(
    ctx: &AwsContext,
    progress: &dyn crate::deploy::Progress,
) -> Result<crate::deploy::Bootstrap> {
    crate::deploy::ensure_bootstrap(
        ctx,
        &crate::deploy::bootstrap::default_tags(),
        crate::deploy::WaitOptions::default(),
        progress,
    )
    .await
    .with_context(|| {
        format!(
            "cannot find or create the bootstrap stack `{}` (assets bucket, deploy role) in {}",
            crate::deploy::BOOTSTRAP_STACK_NAME,
            ctx.region()
        )
    })
}

/// A current-thread runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Stack-level tags of an environment.
pub fn tags(env: &Environment) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("Project".to_string(), env.tags.project.clone()),
        ("Env".to_string(), env.tags.env.clone()),
        ("Owner".to_string(), env.tags.owner.clone()),
        ("CostCenter".to_string(), env.tags.cost_center.clone()),
    ])
}
