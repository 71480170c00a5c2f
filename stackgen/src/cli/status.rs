//! `stackgen status`: the deployed stack's state, last change, outputs, the account's
//! readiness (Lambda concurrency, active cost allocation tags, unconfirmed alarm and budget
//! subscriptions), whether the deployed template differs from the rendered stack, the last
//! drift detection's result (`stackgen drift`), and deployed vs local asset hashes; and the state
//! of the environment's other stacks (the global stack in us-east-1).

use anyhow::{Context, Result};
use serde_json::json;

use super::exit::Exit;
use super::exit::GuardrailsFailed;
use super::style::{paint, stdout_color};
use super::target::{Layout, OutputFormat, Target, connect, load_env, prepare_to_read, runtime};
use crate::deploy::readiness::{self, PendingSubscription, Readiness};
use crate::deploy::{self, AssetManifest};
use crate::model::Format;

const AFTER_HELP: &str = "\
Examples:
  stackgen status --env dev
  stackgen status --env dev --format json | jq .outputs

Exit codes:
  0  status shown (also when the stack does not exist: `exists` is false)
  1  error: AWS unreachable, access denied
  3  guardrail violations in the rendered stack (the status is shown first)";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub layout: Layout,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Only this stack of the environment (`<project>-<env>` or `<project>-<env>-global`).
    #[arg(long, value_name = "NAME")]
    pub stack: Option<String>,
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_env(&args.target)?;
    let (mut stack, violations) = prepare_to_read(&env)?;
    let names: Vec<String> = stack.stacks().iter().map(|s| s.name.to_owned()).collect();
    if let Some(wanted) = &args.stack {
        if !names.contains(wanted) {
            anyhow::bail!(
                "environment `{}` has no stack `{wanted}`; its stacks are {}",
                env.name,
                names.join(", ")
            );
        }
        stack.companions.retain(|c| &c.name == wanted);
        if *wanted != stack.name {
            return companions_only(args, &env, &stack);
        }
    }
    let body = stack.template.render(Format::Json)?;
    let manifest_path = AssetManifest::path_in(&args.layout.out.join(&env.name));
    let manifest = AssetManifest::read(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    // The functions this environment renders (the kill switch only when enabled).
    let functions: Vec<&'static retail_spec::FunctionSpec> =
        stack.functions.iter().map(|f| f.spec).collect();
    let (report, account, companions) = runtime()?.block_on(async {
        let ctx = connect(&env, args.target.profile.as_deref()).await?;
        let companions = companion_status(&ctx, &stack).await?;
        let report = deploy::status(&ctx, &stack.name, &body, &functions, manifest.as_ref())
            .await
            .with_context(|| format!("cannot read the status of stack `{}`", stack.name))?;
        let account = if report.exists {
            Some(account_checks(&ctx, &env, &stack, &report.outputs).await?)
        } else {
            None
        };
        anyhow::Ok((report, account, companions))
    })?;
    let next = report.status.as_deref().and_then(|s| {
        let of = deploy::state::StackOf {
            env: &env.name,
            stack: &stack.name,
            region: &env.region,
            protected: env.is_protected(),
        };
        deploy::state::next_step(s, &of)
    });
    let shown = Shown {
        env: &env.name,
        report: &report,
        next: next.as_ref(),
        account: account.as_ref(),
        companions: &companions,
    };
    match args.format {
        OutputFormat::Json => print_json(&shown)?,
        OutputFormat::Text => print_text(&shown),
    }
    if violations > 0 {
        // The status is shown; the exit code still tells a script the file breaks a rule.
        return Err(GuardrailsFailed {
            count: violations,
            envs: env.name.clone(),
            note: "; the status above is the deployed stack's",
        }
        .into());
    }
    Ok(Exit::Ok)
}

/// What `status` shows: the stack, what to do about a stack that is not settled, the account's
/// checks and the companion stacks.
struct Shown<'a> {
    env: &'a str,
    report: &'a deploy::StackStatusReport,
    next: Option<&'a deploy::state::NextStep>,
    account: Option<&'a AccountChecks>,
    companions: &'a [(String, deploy::StackStatusReport)],
}

/// `--format json`: the stack, its assets, the account's checks and the companion stacks.
fn print_json(shown: &Shown) -> Result<()> {
    let Shown {
        env,
        report,
        next,
        account,
        companions,
    } = *shown;
    let assets: Vec<_> = report
        .assets
        .iter()
        .map(|a| {
            json!({"function": a.function, "deployed": a.deployed, "local": a.local, "inSync": a.in_sync()})
        })
        .collect();
    let doc = json!({
        "environment": env,
        "stack": report.stack_name,
        "exists": report.exists,
        "status": report.status,
        "statusReason": report.status_reason,
        "nextStep": next.map(|n| json!({"why": n.why, "command": n.next})),
        "lastChange": report.last_change,
        "outputs": report.outputs,
        "templateChanged": report.template_changed,
        "drift": report.drift.as_ref().map(|(status, at)| json!({"status": status, "lastCheck": at})),
        "terminationProtection": report.termination_protection,
        "assets": assets,
        "account": account.map(AccountChecks::to_json),
        "companions": companions_json(companions),
    });
    outln!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(())
}

/// The text report: companion stacks first, then the stack's state, outputs and assets.
fn print_text(shown: &Shown) {
    let Shown {
        env,
        report,
        next,
        account,
        companions,
    } = *shown;
    let color = stdout_color();
    for (region, c) in companions {
        print_companion(color, region, c);
    }
    if !report.exists {
        outln!(
            "stack `{}` does not exist (not deployed, or destroyed); `stackgen deploy --env {env}` creates it",
            report.stack_name
        );
        return;
    }
    let status = report.status.clone().unwrap_or_default();
    let code = if status.ends_with("_COMPLETE") && !status.contains("ROLLBACK") {
        "32"
    } else {
        "31"
    };
    outln!(
        "{}  {}",
        paint(color, "1", &report.stack_name),
        paint(color, code, &status)
    );
    if let Some(reason) = &report.status_reason {
        outln!("  reason: {reason}");
    }
    if let Some(next) = next {
        outln!("  {}: {}", paint(color, "33", "not settled"), next.why);
        outln!("  next: {}", next.next);
    }
    if let Some(at) = &report.last_change {
        outln!("  last change: {at}");
    }
    outln!(
        "  termination protection: {}",
        if report.termination_protection {
            "on"
        } else {
            "off"
        }
    );
    print_checks(color, report);
    print_outputs_and_assets(report);
    if let Some(account) = account {
        account.print(color);
    }
}

/// Whether the deployed template is the rendered one, and whether the stack drifted.
fn print_checks(color: bool, report: &deploy::StackStatusReport) {
    let template = match report.template_changed {
        Some(true) => paint(
            color,
            "33",
            "differs from the rendered stack (run `stackgen diff`)",
        ),
        Some(false) => "same as the rendered stack".to_string(),
        None => "unknown".to_string(),
    };
    outln!("  template: {template}");
    let drift = match &report.drift {
        Some((status, at)) => format!(
            "{} (checked {})",
            if status == "DRIFTED" {
                paint(
                    color,
                    "33",
                    "DRIFTED: run `stackgen drift` for what changed",
                )
            } else {
                status.clone()
            },
            at.as_deref().unwrap_or("at an unknown time")
        ),
        None => "never checked (`stackgen drift`)".to_owned(),
    };
    outln!("  drift: {drift}");
}

/// The stack's outputs, then each function's code hash deployed against the local one.
fn print_outputs_and_assets(report: &deploy::StackStatusReport) {
    outln!("  outputs:");
    for (k, v) in &report.outputs {
        outln!("    {k:<24} {v}");
    }
    outln!("  assets (deployed vs local):");
    for a in &report.assets {
        let short = |s: &Option<String>| {
            s.as_deref()
                .map_or("-".to_string(), |h| h.get(..12).unwrap_or(h).to_string())
        };
        let mark = if a.in_sync() { "=" } else { "≠" };
        outln!(
            "    {:<16} {} {mark} {}",
            a.function,
            short(&a.deployed),
            short(&a.local)
        );
    }
}

/// The environment's other stacks (the global stack in us-east-1), each read in its region.
async fn companion_status(
    ctx: &crate::aws::AwsContext,
    stack: &crate::stack::RetailStack,
) -> Result<Vec<(String, deploy::StackStatusReport)>> {
    let mut out = Vec::new();
    for c in &stack.companions {
        let body = c.template.render(Format::Json)?;
        let there = ctx.in_region(&c.region);
        let report = deploy::status(&there, &c.name, &body, &[], None)
            .await
            .with_context(|| {
                format!(
                    "cannot read the status of stack `{}` in {}",
                    c.name, c.region
                )
            })?;
        out.push((c.region.clone(), report));
    }
    Ok(out)
}

/// `--stack` named a companion stack: its state only.
fn companions_only(
    args: &Args,
    env: &crate::env::Environment,
    stack: &crate::stack::RetailStack,
) -> Result<Exit> {
    let companions = runtime()?.block_on(async {
        let ctx = connect(env, args.target.profile.as_deref()).await?;
        companion_status(&ctx, stack).await
    })?;
    match args.format {
        OutputFormat::Json => {
            let doc = json!({
                "environment": env.name,
                "companions": companions_json(&companions),
            });
            outln!("{}", serde_json::to_string_pretty(&doc)?);
        }
        OutputFormat::Text => {
            for (region, c) in &companions {
                print_companion(stdout_color(), region, c);
            }
        }
    }
    Ok(Exit::Ok)
}

fn companions_json(companions: &[(String, deploy::StackStatusReport)]) -> Vec<serde_json::Value> {
    companions
        .iter()
        .map(|(region, c)| {
            json!({
                "stack": c.stack_name,
                "region": region,
                "exists": c.exists,
                "status": c.status,
                "outputs": c.outputs,
                "templateChanged": c.template_changed,
                "drift": c.drift.as_ref().map(|(status, at)| json!({"status": status, "lastCheck": at})),
            })
        })
        .collect()
}

/// One line per companion stack, then its outputs.
fn print_companion(color: bool, region: &str, c: &deploy::StackStatusReport) {
    let status = if c.exists {
        c.status.clone().unwrap_or_default()
    } else {
        "not deployed".to_owned()
    };
    let template = match c.template_changed {
        Some(true) => ", template differs from the rendered stack (run `stackgen diff`)",
        Some(false) => ", template same as the rendered stack",
        None => "",
    };
    outln!(
        "{} ({region})  {status}{template}",
        paint(color, "1", &c.stack_name)
    );
    for (k, v) in &c.outputs {
        outln!("    {k:<24} {v}");
    }
}

/// What `status` checks beyond the stack: the account's readiness (see
/// `deploy::readiness`), the stack's topic subscriptions nobody confirmed and, when the
/// environment emails customers, whether SES may send them (`deploy::sender`).
struct AccountChecks {
    concurrency: Readiness,
    cost_tags: Readiness,
    pending: Vec<PendingSubscription>,
    /// The sender identity, then the account's SES status.
    email: Option<[Readiness; 2]>,
}

async fn account_checks(
    ctx: &crate::aws::AwsContext,
    env: &crate::env::Environment,
    stack: &crate::stack::RetailStack,
    outputs: &std::collections::BTreeMap<String, String>,
) -> Result<AccountChecks> {
    let topics: Vec<String> = retail_spec::TOPICS
        .iter()
        .filter_map(|t| outputs.get(&crate::stack::outputs::topic(t)).cloned())
        .collect();
    let pending = readiness::pending_subscriptions(ctx, &topics)
        .await
        .context("cannot list the subscriptions of the stack's topics")?;
    let ce = crate::cost::actuals::client(ctx.config());
    let email = match &env.notifications {
        Some(n) => Some([
            deploy::sender::identity_readiness(ctx, &n.sender).await,
            deploy::sender::account_readiness(ctx).await,
        ]),
        None => None,
    };
    Ok(AccountChecks {
        concurrency: readiness::lambda_concurrency(ctx, crate::stack::admitted_concurrency(stack))
            .await,
        cost_tags: readiness::cost_allocation_tags(&ce, &["Project", "Env"], &env.name).await,
        pending,
        email,
    })
}

impl AccountChecks {
    fn to_json(&self) -> serde_json::Value {
        let one = |r: &Readiness| match r {
            Readiness::Ready(m) => json!({"state": "ready", "message": m}),
            Readiness::Warning(m) => json!({"state": "warning", "message": m}),
            Readiness::Unknown(m) => json!({"state": "unknown", "message": m}),
        };
        json!({
            "lambdaConcurrency": one(&self.concurrency),
            "costAllocationTags": one(&self.cost_tags),
            "unconfirmedSubscriptions": self.pending,
            "emailSender": self.email.as_ref().map(|[sender, _]| one(sender)),
            "emailSending": self.email.as_ref().map(|[_, account]| one(account)),
        })
    }

    fn print(&self, color: bool) {
        outln!("  account:");
        let email = self.email.iter().flatten();
        for check in [&self.concurrency, &self.cost_tags]
            .into_iter()
            .chain(email)
        {
            match check {
                Readiness::Ready(m) => outln!("    {m}"),
                Readiness::Warning(m) => outln!("    {} {m}", paint(color, "1;33", "WARNING:")),
                Readiness::Unknown(m) => outln!("    {} {m}", paint(color, "33", "unknown:")),
            }
        }
        if self.pending.is_empty() {
            outln!(
                "    subscriptions: every email subscription of the stack's topics is confirmed"
            );
        }
        for p in &self.pending {
            let topic = p.topic_arn.rsplit(':').next().unwrap_or(&p.topic_arn);
            outln!(
                "    {} {} ({}) on {topic} has not confirmed: it receives nothing until the link in AWS's confirmation email is clicked",
                paint(color, "33", "unconfirmed:"),
                p.endpoint,
                p.protocol
            );
        }
    }
}
