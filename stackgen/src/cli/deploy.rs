//! `stackgen deploy`: the whole ship-it path for one environment, as thin glue over
//! [`crate::deploy`]: account guard → package → companion stacks (the global stack in
//! us-east-1, each planned, confirmed and executed) → bootstrap → assets → change set → confirm
//! → execute (live events) → outputs → site → demo catalog (non-prod) → smoke check.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::json;

use super::exit::{Exit, Interrupted};
use super::printer::{Printer, confirm};
use super::style::{paint, stderr_color, stdout_color};
use super::target::{
    Layout, OutputFormat, Target, bootstrap_in, connect_region, connect_unguarded, load_env,
    prepare, runtime, tags,
};
use crate::aws::AwsContext;
use crate::deploy::{
    self, AssetManifest, Plan, Progress, RecoveryPolicy, SiteConfig, StackRequest, WaitOptions,
};
use crate::env::Environment;
use crate::model::Format;
use crate::stack::{self, RetailStack};

const AFTER_HELP: &str = "\
Examples:
  stackgen deploy --env dev                      review the change set, confirm, deploy
  stackgen deploy --env local --yes              no questions (CI, make run)
  stackgen deploy --env local --yes --skip-package   use the zip already built (target/lambda,
                                                   target/lambda-quick-zip or target/lambda-host by
                                                   function_code)
  AWS_ENDPOINT_URL=http://127.0.0.1:5001 stackgen deploy --env local --yes   another emulator

An environment with a domain or web ACLs is two stacks: <project>-<env>-global in us-east-1
(certificate, the CDN's web ACL) is deployed first, each with its own change set and prompt, and
its outputs become the main stack's parameters.

Exit codes:
  0  deployed, or nothing to change (no change set created)
  1  error: AWS unreachable, wrong account, failed change set, declined confirmation,
     smoke check failed, output that could not be written
  3  guardrail violations: nothing was deployed
  130 interrupted (Ctrl-C): CloudFormation finishes what it started; run deploy again";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub layout: Layout,
    /// Do not ask: execute the change set (and, outside prod, clean up a failed first create).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Do not build: hash the zips already in the lambda dir (from an earlier `stackgen package`).
    #[arg(long)]
    pub skip_package: bool,
    /// Do not run the smoke test (`stackgen smoke`) after the deploy.
    #[arg(long)]
    pub skip_smoke: bool,
    /// Do not upload ui/ and config.js.
    #[arg(long)]
    pub skip_site: bool,
    /// `json`: one JSON object on stdout at the end (progress still goes to stderr).
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Deploy only this stack of the environment (`<project>-<env>-global` or
    /// `<project>-<env>`); the main stack then takes the global stack's outputs as deployed.
    #[arg(long, value_name = "NAME")]
    pub stack: Option<String>,
    /// Give the stack's generated secrets (the value the CDN sends the API in x-origin-verify)
    /// a new value, e.g. after one was shown where it should not be. The functions accept the
    /// new value before the CDN sends it, so no request is refused; the value used until now
    /// stays accepted until the next rotation: rotate twice to retire a leaked one.
    #[arg(long)]
    pub rotate_secrets: bool,
}

/// Builds the functions as the environment's `function_code` says (or hashes existing zips with
/// `skip_build`) and prints the summary.
pub fn package_assets(
    layout: &Layout,
    env: &Environment,
    skip_build: bool,
    progress: &dyn Progress,
) -> Result<AssetManifest> {
    let req = layout.request(&env.name).for_environment(env);
    let manifest = if skip_build {
        progress.step(&deploy::package::skip_build_note(&req, "--skip-package"));
        deploy::package::record(&req)
    } else {
        deploy::package(&req, progress)
    };
    manifest.with_context(|| format!("cannot package the functions of `{}`", env.name))
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_env(&args.target)?;
    let stack = prepare(&env)?;
    check_stack_choice(&env, &stack, args.stack.as_deref())?;
    let rt = runtime()?;
    let result = rt.block_on(async {
        tokio::select! {
            result = ship(args, &env, &stack) => result,
            _ = tokio::signal::ctrl_c() => Err(Interrupted {
                doing: "deploying",
                stack: stack.name.clone(),
                env: env.name.clone(),
                rerun: format!("stackgen deploy --env {}", env.name),
            }
            .into()),
        }
    });
    // A confirmation prompt may still be reading stdin on a blocking thread: do not wait for it.
    rt.shutdown_background();
    result
}

async fn ship(args: &Args, env: &Environment, stack: &RetailStack) -> Result<Exit> {
    let progress = Printer::new();
    storefront_present(args)?;
    let ctx = connect_unguarded(env, args.target.profile.as_deref()).await?;
    emulator_only(env, ctx.endpoint_override())?;
    real_recipients(env)?;
    let cannot = || format!("cannot deploy `{}`", env.name);

    // The account guard comes before the (possibly long) build. An existing stack's ARN names
    // the credentials' account for free; only a new stack needs STS now.
    let deployed = deploy::describe_stack(&ctx, &stack.name)
        .await
        .with_context(cannot)?;
    let mut identity = None;
    match &deployed {
        Some(current) => {
            crate::aws::verify_stack_account(&env.name, env.account.as_deref(), &current.id)
                .with_context(cannot)?;
        }
        None => identity = Some(guard_account(&ctx, env, &progress).await?),
    }
    if args.stack.as_deref().is_some_and(|n| n != stack.name) {
        let (shipped, _) = ship_companions(args, env, stack, &progress).await?;
        return finish_companions(args, env, &shipped);
    }
    let manifest = package_assets(&args.layout, env, args.skip_package, &progress)?;
    let (_, imported) = ship_companions(args, env, stack, &progress).await?;
    let mut request = stack_request(env, stack, "", &manifest)?;
    request.parameters.extend(imported);

    // Nothing changed: one GetTemplate more, then only the site marker (one HeadObject).
    if let Some(current) = &deployed
        && (!args.rotate_secrets || request.secrets.is_empty())
        && deploy::unchanged(&ctx, &request, current, stack::ASSETS_BUCKET_PARAMETER)
            .await
            .with_context(|| {
                format!(
                    "cannot compare stack `{}` with what is deployed",
                    stack.name
                )
            })?
    {
        progress.step(&format!(
            "stack `{}` is up to date (same template, parameters and function zips): nothing to deploy",
            stack.name
        ));
        return finish(args, env, stack, &ctx, current.clone(), false, &progress).await;
    }

    if identity.is_none() {
        guard_account(&ctx, env, &progress).await?;
    }
    warn_unready(&ctx, env, stack).await;
    let boot = bootstrap_in(&ctx, &progress).await?;
    let uploads = deploy::upload_assets(&ctx, &boot.bucket, &manifest, &progress)
        .await
        .context("cannot upload the function zips")?;
    progress.step(&format!(
        "assets: {} uploaded, {} already in s3://{}",
        uploads.uploaded(),
        uploads.skipped(),
        boot.bucket
    ));
    request.parameters.insert(
        stack::ASSETS_BUCKET_PARAMETER.to_string(),
        boot.bucket.clone(),
    );
    request.assets_bucket = Some(boot.bucket.clone());
    request.role_arn = boot.deploy_role.clone();

    let (snapshot, changed) = apply(args, env, &ctx, &request, &progress).await?;
    finish(args, env, stack, &ctx, snapshot, changed, &progress).await
}

/// The storefront is uploaded after the stack: a missing ui/ found then would leave the stack
/// changed and the site not, so it is looked for first.
fn storefront_present(args: &Args) -> Result<()> {
    let ui = args.layout.workspace.join("ui");
    if !args.skip_site && !ui.is_dir() {
        bail!(
            "{} is not a directory: the storefront is uploaded from ui/ under --workspace ({}); \
             run from the repository root, pass --workspace DIR, or --skip-site to deploy \
             without it. Nothing was deployed",
            ui.display(),
            args.layout.workspace.display()
        );
    }
    Ok(())
}

/// Deploys `request`: once, or with `--rotate-secrets` and secrets to rotate, as the two
/// updates of a rotation (`deploy::secrets`), each shown and confirmed like any change set.
async fn apply(
    args: &Args,
    env: &Environment,
    ctx: &AwsContext,
    request: &StackRequest,
    progress: &Printer,
) -> Result<(deploy::StackSnapshot, bool)> {
    if !args.rotate_secrets || request.secrets.is_empty() {
        return apply_once(args, env, ctx, request, progress).await;
    }
    let name = &request.stack_name;
    // A stack to create draws fresh values anyway: one change set, nothing to rotate. So does
    // one whose first create never finished (REVIEW_IN_PROGRESS, ROLLBACK_COMPLETE): it has no
    // resources, and deploy creates it again.
    use deploy::state::{StackCondition, classify};
    let created = deploy::describe_stack(ctx, name)
        .await
        .with_context(|| format!("cannot rotate the secrets of stack `{name}`"))?
        .is_some_and(|s| {
            !matches!(
                classify(&s.status),
                StackCondition::ReviewOnly | StackCondition::FailedCreate
            )
        });
    if !created {
        progress.step(&format!(
            "stack `{name}` is not created yet: its secrets are drawn fresh, there is nothing to rotate"
        ));
        return apply_once(args, env, ctx, request, progress).await;
    }
    let steps = [
        (
            deploy::Rotation::Stage,
            "1 of 2: a new value the functions accept beside the one in use",
        ),
        (
            deploy::Rotation::Switch,
            "2 of 2: the new value in use (the old one still accepted until the next rotation)",
        ),
    ];
    let mut last = None;
    for (rotation, what) in steps {
        progress.step(&format!("stack `{name}`: rotating its secrets, {what}"));
        let mut step = request.clone();
        step.secrets = request.secrets.with_rotation(rotation);
        let applied = apply_once(args, env, ctx, &step, progress).await;
        let applied = match (applied, last.is_some()) {
            (Err(e), true) => Err(e.context(format!(
                "the rotation stopped half-way: step 1 of 2 is applied (the new value is accepted, \
                 not yet in use: the CDN still sends the old one, so a leaked value still works). \
                 Run `stackgen deploy --env {} --rotate-secrets` again to finish it",
                env.name
            ))),
            (other, _) => other,
        };
        last = Some(applied?.0);
    }
    let snapshot = last.context("a rotation has two steps")?;
    Ok((snapshot, true))
}

/// Plans `request`, shows the change set, asks (unless `--yes`) and executes it: the stack as
/// deployed and whether it changed.
async fn apply_once(
    args: &Args,
    env: &Environment,
    ctx: &AwsContext,
    request: &StackRequest,
    progress: &Printer,
) -> Result<(deploy::StackSnapshot, bool)> {
    let wait = WaitOptions::default();
    let policy = RecoveryPolicy {
        protected: env.is_protected(),
        confirmed: args.yes,
    };
    let name = &request.stack_name;
    let plan = deploy::plan(ctx, request, policy, wait, progress)
        .await
        .with_context(|| format!("cannot plan the deploy of stack `{name}`"))?;
    match plan {
        Plan::UpToDate(snapshot) => {
            progress.step(&format!("stack `{name}` is up to date: nothing to deploy"));
            Ok((snapshot, false))
        }
        Plan::Changes(pending) => {
            print_summary(&pending.summary, pending.creates_stack, name);
            // On a blocking thread, so that Ctrl-C at the prompt still reaches `run`.
            let prompt = format!("Deploy these changes to `{}` ({name})?", env.name);
            let answer = match args.yes {
                true => Ok(true),
                false => tokio::task::spawn_blocking(move || confirm(&prompt, "yes", "--yes"))
                    .await
                    .context("the confirmation prompt failed")
                    .and_then(|answer| answer),
            };
            match answer {
                Ok(true) => {}
                Ok(false) => bail!(cancel(ctx, &pending, &env.name, name).await),
                Err(e) => return Err(e.context(cancel(ctx, &pending, &env.name, name).await)),
            }
            let deployed = deploy::execute(ctx, request, &pending, wait, progress)
                .await
                .with_context(|| format!("deploy of stack `{name}` failed"))?;
            Ok((deployed.stack, true))
        }
    }
}

/// Discards a change set that was declined or could not be asked about (stdin not a terminal),
/// so that nothing is left behind: no change set waiting, no new stack in REVIEW_IN_PROGRESS.
/// What to tell the user, including what is left when the discard itself failed.
async fn cancel(
    ctx: &AwsContext,
    pending: &deploy::PendingChangeSet,
    env: &str,
    stack: &str,
) -> String {
    match deploy::discard(ctx, pending).await {
        Ok(()) => format!(
            "deploy of `{env}` cancelled; the change set of `{stack}` was discarded and nothing changed"
        ),
        Err(e) => format!(
            "deploy of `{env}` cancelled and nothing was executed, but the clean-up failed ({e}): \
             in the CloudFormation console, delete change set {} of `{stack}` if it is still \
             there{}",
            pending.change_set_id,
            if pending.creates_stack {
                ", and the stack itself if it is in REVIEW_IN_PROGRESS"
            } else {
                ""
            }
        ),
    }
}

/// One companion stack after `deploy`.
struct ShippedCompanion {
    name: String,
    snapshot: deploy::StackSnapshot,
    changed: bool,
}

/// The environment's other stacks (the global stack in us-east-1), each deployed with its own
/// region's bootstrap before the main stack, or only read when `--stack` names another stack.
/// Returns what was deployed and the main stack's parameters their outputs fill.
async fn ship_companions(
    args: &Args,
    env: &Environment,
    stack: &RetailStack,
    progress: &Printer,
) -> Result<(Vec<ShippedCompanion>, BTreeMap<String, String>)> {
    let mut outputs = deploy::companions::CompanionOutputs::new();
    let mut shipped = Vec::new();
    for companion in &stack.companions {
        let ctx = connect_region(env, &companion.region, args.target.profile.as_deref()).await?;
        if args.stack.as_deref().is_some_and(|n| n != companion.name) {
            if let Some(found) = deploy::companions::deployed_outputs(&ctx, &companion.name)
                .await
                .with_context(|| format!("cannot read stack `{}`", companion.name))?
            {
                outputs.insert(companion.name.clone(), found);
            }
            continue;
        }
        progress.step(&format!(
            "stack `{}` in {}: {}",
            companion.name, companion.region, companion.purpose
        ));
        let boot = bootstrap_in(&ctx, progress).await?;
        let request = StackRequest {
            stack_name: companion.name.clone(),
            template_body: companion
                .template
                .render(Format::Json)
                .context("cannot render the template")?,
            parameters: BTreeMap::new(),
            tags: tags(env),
            termination_protection: stack.termination_protection,
            assets_bucket: Some(boot.bucket.clone()),
            role_arn: boot.deploy_role.clone(),
            secrets: deploy::GeneratedSecrets::generate(
                companion.template.secrets(),
                deploy::Rotation::Keep,
            )?,
        };
        let (snapshot, changed) = apply(args, env, &ctx, &request, progress).await?;
        outputs.insert(companion.name.clone(), snapshot.outputs.clone());
        shipped.push(ShippedCompanion {
            name: companion.name.clone(),
            snapshot,
            changed,
        });
    }
    if args.stack.as_deref().is_some_and(|n| n != stack.name) {
        return Ok((shipped, BTreeMap::new()));
    }
    let imported = deploy::companions::import_parameters(stack.template.imports(), &outputs)?;
    Ok((shipped, imported))
}

/// After the main stack changed: deletes a companion stack the environment no longer has, and
/// makes the SES identity customer emails come from when the account lacks it.
async fn account_side(
    env: &Environment,
    stack: &RetailStack,
    ctx: &AwsContext,
    progress: &dyn Progress,
) -> Result<(Vec<String>, Option<deploy::sender::Sender>)> {
    let kept: Vec<&str> = stack.companions.iter().map(|c| c.name.as_str()).collect();
    let retired = deploy::companions::retire(
        ctx,
        &crate::stack::companion_slots(env),
        &kept,
        WaitOptions::default(),
        progress,
    )
    .await
    .context("cannot delete a stack the environment no longer has")?;
    let Some(n) = &env.notifications else {
        return Ok((retired, None));
    };
    // The required tags but `Env`: the identity is shared by every environment of the account
    // and region that sends from this address.
    let tags = [
        ("Project", env.tags.project.as_str()),
        ("Owner", env.tags.owner.as_str()),
        ("CostCenter", env.tags.cost_center.as_str()),
    ];
    let sender = deploy::sender::ensure(ctx, &n.sender, &tags)
        .await
        .with_context(|| {
            format!(
                "cannot check the SES identity {} that customer emails come from",
                n.sender
            )
        })?;
    progress.step(&sender.describe());
    Ok((retired, Some(sender)))
}

/// `--stack` named a companion stack: what it became, and nothing else was touched.
fn finish_companions(args: &Args, env: &Environment, shipped: &[ShippedCompanion]) -> Result<Exit> {
    for c in shipped {
        match args.format {
            OutputFormat::Json => {
                let doc = json!({
                    "environment": env.name,
                    "stack": c.name,
                    "changed": c.changed,
                    "status": c.snapshot.status,
                    "outputs": c.snapshot.outputs,
                });
                outln!("{}", serde_json::to_string_pretty(&doc)?);
            }
            OutputFormat::Text => {
                let verb = if c.changed { "deployed" } else { "unchanged" };
                outln!(
                    "{} `{}` {verb} ({})",
                    paint(stdout_color(), "1;32", "✓"),
                    c.name,
                    c.snapshot.status
                );
                for (key, value) in &c.snapshot.outputs {
                    outln!("  {key:<24} {value}");
                }
            }
        }
    }
    Ok(Exit::Ok)
}

/// `--stack NAME` must name a stack of the environment.
fn check_stack_choice(env: &Environment, stack: &RetailStack, wanted: Option<&str>) -> Result<()> {
    let names: Vec<&str> = stack.stacks().iter().map(|s| s.name).collect();
    match wanted {
        Some(w) if !names.contains(&w) => bail!(
            "environment `{}` has no stack `{w}`; its stacks are {}",
            env.name,
            names.join(", ")
        ),
        _ => Ok(()),
    }
}

/// An environment of host-built code (`function_code: host`, the `local` environment) exists
/// for the emulator on this machine: its zips are this machine's debug binaries, which AWS
/// Lambda cannot run. Deploying it anywhere but a loopback endpoint is refused.
pub fn emulator_only(env: &Environment, endpoint: Option<&str>) -> Result<()> {
    if env.function_code != crate::env::FunctionCode::Host {
        return Ok(());
    }
    let file = env.file_name();
    let Some(url) = endpoint else {
        bail!(
            "environment `{}` ({file}) says `function_code: host`: it is for the local AWS emulator only, but neither the file (`emulator:`) nor AWS_ENDPOINT_URL names one, so this deploy would go to real AWS with code AWS Lambda cannot run. Add `emulator: http://127.0.0.1:5000` to the file (where `make run` starts moto), or deploy an environment built for AWS (`--env dev`)",
            env.name
        );
    };
    if !crate::env::is_loopback_url(url) {
        bail!(
            "environment `{}` ({file}) says `function_code: host`: it is for the local AWS emulator only, but AWS_ENDPOINT_URL is `{url}`, which is not this machine. Point AWS_ENDPOINT_URL at the emulator on 127.0.0.1, localhost or [::1]",
            env.name
        );
    }
    Ok(())
}

/// A protected environment must notify people who can read the notification: budget and
/// alarm recipients on a reserved documentation domain (`@example.com`, …) are refused.
pub fn real_recipients(env: &Environment) -> Result<()> {
    let placeholders = crate::env::placeholder_recipients(env);
    if !env.is_protected() || placeholders.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = placeholders
        .iter()
        .map(|(field, email)| format!("{field} `{email}`"))
        .collect();
    bail!(
        "environment `{}` is protected, but {} notifies addresses on reserved documentation domains that never receive mail: {}. Budget, kill-switch and alarm notifications would reach nobody; put the real addresses of the people on call and in FinOps there, then deploy again",
        env.name,
        env.file_name(),
        listed.join(", ")
    );
}

/// The account checks that do not stop a deploy (see [`deploy::readiness`]): Lambda
/// concurrency, active cost allocation tags and, when the environment emails customers, the
/// SES sandbox, printed as warnings.
pub async fn warn_unready(ctx: &AwsContext, env: &Environment, stack: &RetailStack) {
    use deploy::readiness::{self, Readiness};
    let color = stderr_color();
    let ce = crate::cost::actuals::client(ctx.config());
    let mut checks = vec![
        readiness::lambda_concurrency(ctx, stack::admitted_concurrency(stack)).await,
        readiness::cost_allocation_tags(&ce, &["Project", "Env"], &env.name).await,
    ];
    if env.notifications.is_some() {
        checks.push(deploy::sender::account_readiness(ctx).await);
    }
    for check in checks {
        match check {
            Readiness::Ready(_) => {}
            Readiness::Warning(w) => errln!("{} {w}", paint(color, "1;33", "WARNING:")),
            Readiness::Unknown(why) => errln!("{} {why}", paint(color, "33", "note:")),
        }
    }
}

/// STS: who the credentials are, refused when the environment names another account.
async fn guard_account(
    ctx: &AwsContext,
    env: &Environment,
    progress: &dyn Progress,
) -> Result<crate::aws::CallerIdentity> {
    let identity = crate::aws::verify_account(ctx, &env.name, env.account.as_deref())
        .await
        .with_context(|| format!("cannot deploy `{}`", env.name))?;
    progress.step(&format!(
        "account {} in {} ({})",
        identity.account,
        env.region,
        ctx.endpoint_override().unwrap_or("AWS")
    ));
    Ok(identity)
}

/// After the stack: site, demo catalog (only when the stack changed), smoke check, result.
async fn finish(
    args: &Args,
    env: &Environment,
    stack: &RetailStack,
    ctx: &AwsContext,
    snapshot: deploy::StackSnapshot,
    changed: bool,
    progress: &dyn Progress,
) -> Result<Exit> {
    let outputs = snapshot.outputs.clone();
    // What the account keeps beside the stack: a deploy that changed nothing did this already
    // (and a no-op deploy stays at three API calls).
    let (retired, sender) = if changed {
        account_side(env, stack, ctx, progress).await?
    } else {
        (Vec::new(), None)
    };

    let site = if args.skip_site {
        None
    } else {
        publish(ctx, env, &args.layout.workspace, &outputs, progress).await?
    };
    let demo = if env.is_protected() || env.name == "prod" || !env.features.demo_data {
        None
    } else if !changed {
        // The catalog was loaded by the deploy that made this stack; a no-op stays a no-op.
        progress.step("demo catalog: not reloaded (stack unchanged)");
        None
    } else {
        Some(load_demo(ctx, &outputs, progress).await?)
    };
    let smoke = if args.skip_smoke {
        "skipped (--skip-smoke)".to_string()
    } else {
        smoke_check(ctx, env, &outputs, progress).await?
    };
    let calls = ctx.api_calls();
    match args.format {
        OutputFormat::Json => {
            let doc = json!({
                "environment": env.name,
                "stack": stack.name,
                "changed": changed,
                "status": snapshot.status,
                "outputs": outputs,
                "siteChanged": site,
                "demoProductsInserted": demo,
                "smoke": smoke,
                "retiredStacks": retired,
                "sender": sender,
                "apiCalls": calls,
            });
            outln!("{}", serde_json::to_string_pretty(&doc)?);
        }
        OutputFormat::Text => {
            let color = stdout_color();
            let verb = if changed { "deployed" } else { "unchanged" };
            outln!(
                "{} `{}` {verb} ({}) · {calls} API calls",
                paint(color, "1;32", "✓"),
                stack.name,
                snapshot.status
            );
            for (key, value) in &outputs {
                outln!("  {key:<24} {value}");
            }
            outln!("  smoke check: {smoke}");
        }
    }
    Ok(Exit::Ok)
}

/// Parameters (assets bucket, one code key per function, the generated secrets) and tags for the
/// stack.
pub fn stack_request(
    env: &Environment,
    stack: &RetailStack,
    bucket: &str,
    manifest: &AssetManifest,
) -> Result<StackRequest> {
    let mut parameters = BTreeMap::from([(
        stack::ASSETS_BUCKET_PARAMETER.to_string(),
        bucket.to_string(),
    )]);
    for function in &stack.functions {
        let asset = manifest.functions.get(function.spec.id).with_context(|| {
            format!(
                "function `{}` has no zip in the asset manifest; run `stackgen package --env {}`",
                function.spec.id, env.name
            )
        })?;
        parameters.insert(
            function.code_key_parameter.clone(),
            deploy::asset_key(&asset.sha256),
        );
    }
    Ok(StackRequest {
        stack_name: stack.name.clone(),
        template_body: stack
            .template
            .render(Format::Json)
            .context("cannot render the template")?,
        parameters,
        tags: tags(env),
        termination_protection: stack.termination_protection,
        assets_bucket: Some(bucket.to_string()),
        role_arn: None,
        secrets: deploy::GeneratedSecrets::generate(
            stack.template.secrets(),
            deploy::Rotation::Keep,
        )?,
    })
}

fn print_summary(summary: &deploy::ChangeSummary, creates: bool, stack: &str) {
    let color = stderr_color();
    let (add, modify, remove) = summary.counts();
    let what = if creates { "create" } else { "update" };
    errln!(
        "{} change set to {what} `{stack}`: {add} to add, {modify} to modify, {remove} to remove",
        paint(color, "1", "Plan:")
    );
    for change in &summary.changes {
        let mark = if change.is_destructive() {
            paint(color, "31", "!")
        } else {
            " ".to_string()
        };
        let replacement = match change.replacement {
            _ if change.action != deploy::ChangeAction::Modify => "",
            deploy::Replacement::False => "",
            deploy::Replacement::True => " (replacement)",
            _ => " (may be replaced)",
        };
        let data = if change.stateful { " [data]" } else { "" };
        errln!(
            "  {mark} {:?} {} ({}){replacement}{data}",
            change.action,
            change.logical_id,
            change.resource_type
        );
    }
    if let Some(warning) = summary.data_loss_warning() {
        errln!("{} {warning}", paint(color, "31", "!"));
    }
}

/// Uploads ui/ and config.js to the site bucket when the stack has one.
async fn publish(
    ctx: &AwsContext,
    env: &Environment,
    workspace: &Path,
    outputs: &BTreeMap<String, String>,
    progress: &dyn Progress,
) -> Result<Option<bool>> {
    let Some(bucket) = outputs.get(stack::outputs::SITE_BUCKET) else {
        progress.step("no site bucket output: the storefront is not uploaded");
        return Ok(None);
    };
    let ui = workspace.join("ui");
    let config = SiteConfig::for_deployed(env, outputs);
    let report = deploy::publish_site(
        ctx,
        bucket,
        &ui,
        &config,
        outputs
            .get(stack::outputs::DISTRIBUTION_ID)
            .map(String::as_str),
        progress,
    )
    .await
    .with_context(|| format!("cannot upload {} to s3://{bucket}", ui.display()))?;
    if report.changed {
        progress.step(&format!(
            "site: {} files uploaded, {} stale removed",
            report.uploaded.len(),
            report.deleted.len()
        ));
    } else {
        progress.step("site: unchanged");
    }
    Ok(Some(report.changed))
}

/// Inserts the demo catalog's missing SKUs into the products table, and uploads the photos of
/// the demo products that have none (`deploy::demo_photos`).
async fn load_demo(
    ctx: &AwsContext,
    outputs: &BTreeMap<String, String>,
    progress: &dyn Progress,
) -> Result<usize> {
    let key = stack::outputs::table(&retail_spec::PRODUCTS);
    let table = outputs.get(&key).with_context(|| {
        format!("the deployed stack has no `{key}` output, so the demo catalog cannot be loaded; redeploy the stack")
    })?;
    // The deploy's own configuration: the same credentials, and for an environment on the
    // emulator the same endpoint (a client of its own would go to AWS).
    let client = aws_sdk_dynamodb::Client::new(ctx.config());
    let loaded = retail_functions::demo::load(&client, table)
        .await
        .with_context(|| format!("cannot load the demo catalog into table `{table}`"))?;
    progress.step(&format!(
        "demo catalog: {} products added, {} already there",
        loaded.inserted, loaded.already_present
    ));
    let key = stack::outputs::bucket(&retail_spec::UPLOADS);
    let bucket = outputs.get(&key).with_context(|| {
        format!("the deployed stack has no `{key}` output, so the demo photos cannot be uploaded; redeploy the stack")
    })?;
    let now = time::OffsetDateTime::now_utc();
    let photos = crate::deploy::demo_photos::upload(&client, &ctx.s3, table, bucket, now)
        .await
        .context("cannot upload the demo catalog's photos; the catalog is loaded, and deploying again retries them")?;
    if photos.sent > 0 {
        progress.step(&format!(
            "demo photos: {} uploaded for the image function",
            photos.sent
        ));
    }
    Ok(loaded.inserted)
}

/// The smoke test (`stackgen smoke`) against what was just deployed, asked the way a shopper's
/// browser asks: through the CDN where the environment has one (so a broken `/api/*` behaviour
/// fails the deploy), else the API's own URL. Skipped, and said so, where the stack has no API
/// address (the emulator runs neither API Gateway nor CloudFront: `stackgen dev` serves them).
async fn smoke_check(
    ctx: &AwsContext,
    env: &Environment,
    outputs: &BTreeMap<String, String>,
    progress: &dyn Progress,
) -> Result<String> {
    let on_emulator = ctx.endpoint_override().is_some();
    let plan = match crate::smoke::Plan::resolve(env, outputs, None, None, on_emulator) {
        Ok(plan) => plan,
        Err(crate::smoke::PlanError::NoApi { .. }) if on_emulator => {
            let note = "skipped: the emulator runs no API Gateway or CloudFront; run `stackgen dev`, then `stackgen smoke --env ENV --url http://127.0.0.1:3000`".replace("ENV", &env.name);
            progress.step(&format!("smoke test {note}"));
            return Ok(note);
        }
        Err(e) => {
            return Err(e).context(
                "cannot run the smoke test; the stack is deployed (pass --skip-smoke to skip it)",
            );
        }
    };
    progress.step(&format!("smoke test: {}", plan.endpoints.api));
    let mut on_step = |step: &crate::smoke::Step| {
        progress.step(&format!(
            "smoke {}",
            super::smoke::step_line(step, false).trim_start()
        ));
    };
    let report = crate::smoke::run(ctx, &plan, &mut on_step).await.context(
        "cannot run the smoke test; the stack is deployed (pass --skip-smoke to skip it)",
    )?;
    if !report.passed() {
        bail!(
            "the smoke test {}; the stack is deployed. `stackgen smoke --env {}` runs it again; `stackgen docs --env {}` writes the runbooks for the function involved",
            report.summary(),
            env.name,
            env.name
        );
    }
    Ok(report.summary())
}
