//! `stackgen bootstrap`: prepare an account and region for an environment, like `cdk
//! bootstrap`. Creates (or finds) the `stackgen-bootstrap` stack with the assets bucket —
//! deploy does that too, on its first run — and activates the cost allocation tags `Project`,
//! `Env`, `Owner` and `CostCenter` in Cost Explorer (UpdateCostAllocationTagsStatus), which
//! the environment's budget, `cost-report --actuals` and the kill switch need: a budget
//! filtered by tags sees nothing until its tags are active.
//!
//! Activation is an account-level billing setting that only the management (payer) account
//! may change, and a tag can be activated only once it has appeared in billing data (up to a
//! day after the first tagged resource). When Cost Explorer refuses or does not offer the call
//! (an emulator, a member account), the command warns and names the tags to activate by hand;
//! the bootstrap itself has succeeded.
//!
//! With `--github OWNER/REPO` it also makes the environment's keyless CI roles
//! (`crate::deploy::ci`).

use anyhow::{Context, Result};
use aws_sdk_costexplorer::error::ProvideErrorMetadata;
use aws_sdk_costexplorer::types::{CostAllocationTagStatus, CostAllocationTagStatusEntry};
use serde::Serialize;

use super::exit::Exit;
use super::printer::Printer;
use super::style::{paint, stderr_color, stdout_color};
use super::target::{OutputFormat, Target, bootstrap_in, connect, load_env, runtime};
use crate::deploy::{self, WaitOptions};

const AFTER_HELP: &str = "\
Examples:
  stackgen bootstrap --env dev
  stackgen bootstrap --env prod --profile prod-admin --format json
  stackgen bootstrap --env dev --prune --dry-run   which unused function zips would go
  stackgen bootstrap --env dev --prune             delete zips no stack uses (older than 7 days)
  stackgen bootstrap --env prod --github grocer-co/store
                                                   + keyless CI roles for that repository

Creates or finds the stackgen-bootstrap stack (assets bucket) in the environment's region (and
in us-east-1 for an environment with a domain or web ACLs, whose global stack lives there),
then activates the cost allocation tags Project, Env, Owner and CostCenter in Cost Explorer.
Only the management (payer) account can activate them, and only once each tag has appeared in
billing data (up to 24 hours after the first tagged resource); otherwise (an account of an AWS
Organization, whose management account is another) the command warns and names the tags to
activate by hand in the management account's Billing console (Cost allocation tags) and still
succeeds. Like every command, it runs only with credentials of the account the environment file
names (`account:`).
After activating, it requests a backfill of the tags' status over the past eleven months.

--github OWNER/REPO also creates or updates the stack stackgen-github-<project>-<env>: GitHub
Actions' OIDC identity provider (once per account) and two roles only that repository can
assume, with no access key anywhere:
  review role  read-only: synth, diff, cost-report --actuals, status, drift. Trusted for the
               repository's pull requests and runs on --github-branch (default main).
  deploy role  what `stackgen deploy --env ENV` does, through the bootstrap's CloudFormation
               service role, and nothing else. Trusted for jobs in the GitHub environment(s)
               --github-environment (default: the environment's name), whose protection rules
               (required reviewers) then guard the deploy.
It prints the two role ARNs to store as the secrets .github/workflows/ read: the review role as
the repository secret AWS_REVIEW_ROLE_ARN_<ENV> (drift.yml), the deploy role as the secret
AWS_DEPLOY_ROLE_ARN of the GitHub environment (deploy.yml). Run it again to change the branch
or environments; it updates the stack in place.

--prune deletes the content-addressed function zips (assets/<sha256>.zip) that no stack of the
region passes as a parameter, once older than --prune-older-than-days; uploaded templates
(templates/) expire by the bucket's lifecycle rule after 7 days.

Exit codes:
  0  bootstrapped (tag activation may have been left to do by hand: see the warning)
  1  error: AWS unreachable, the bootstrap stack could not be created
  64 invalid command line

Colours follow the terminal; set NO_COLOR=1 to turn them off.";

/// The longest `--prune-older-than-days`: a hundred years.
const MAX_PRUNE_DAYS: u64 = 36_500;

/// The cost allocation tags every environment's resources carry.
pub const COST_ALLOCATION_TAGS: [&str; 4] = ["Project", "Env", "Owner", "CostCenter"];

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Delete the function zips in the assets bucket that no stack of the region uses.
    #[arg(long)]
    pub prune: bool,
    /// With --prune: keep unused zips younger than this many days (an upload whose change set
    /// is not created or reviewed yet), 0 to 36500.
    #[arg(long, value_name = "DAYS", default_value_t = 7, requires = "prune",
          value_parser = clap::value_parser!(u64).range(0..=MAX_PRUNE_DAYS))]
    pub prune_older_than_days: u64,
    /// With --prune: list what would be deleted, and change nothing at all (the bootstrap stack
    /// is only looked up, never created; no tag is activated).
    #[arg(long, requires = "prune", conflicts_with = "github")]
    pub dry_run: bool,
    /// Also create the keyless CI roles that only this GitHub repository (OWNER/REPO) assumes.
    #[arg(long, value_name = "OWNER/REPO", value_parser = deploy::ci::Repository::parse)]
    pub github: Option<deploy::ci::Repository>,
    /// With --github: the branch whose scheduled and manual runs may use the review role.
    #[arg(long, value_name = "BRANCH", default_value = "main", requires = "github",
          value_parser = deploy::ci::trust::branch)]
    pub github_branch: String,
    /// With --github: a GitHub environment whose jobs may deploy (repeat for several; default:
    /// the stackgen environment's name).
    #[arg(long = "github-environment", value_name = "NAME", requires = "github",
          value_parser = deploy::ci::trust::environment)]
    pub github_environments: Vec<String>,
}

/// The trust `--github` asks for, checked before anything is sent.
fn github_trust(args: &Args, env_name: &str) -> Result<Option<deploy::ci::GitHubTrust>> {
    let Some(repository) = args.github.clone() else {
        return Ok(None);
    };
    let environments = if args.github_environments.is_empty() {
        vec![env_name.to_owned()]
    } else {
        args.github_environments.clone()
    };
    deploy::ci::GitHubTrust::new(repository, &args.github_branch, environments)
        .map(Some)
        .map_err(|e| anyhow::anyhow!(e))
}

/// What became of the cost allocation tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum TagActivation {
    /// Every tag is active.
    Activated { tags: Vec<String> },
    /// Cost Explorer refused some tags (typically: not yet seen in billing data).
    Partial {
        activated: Vec<String>,
        refused: Vec<RefusedTag>,
    },
    /// The call is unavailable here (emulator, member account, no permission): by hand.
    Manual { tags: Vec<String>, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedTag {
    pub tag: String,
    pub code: String,
    pub message: String,
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_env(&args.target)?;
    if args.dry_run {
        return runtime()?.block_on(dry_prune(args, &env));
    }
    let trust = github_trust(args, &env.name)?;
    let done = runtime()?.block_on(bootstrap(args, &env, trust.as_ref()))?;
    match args.format {
        OutputFormat::Json => print_json(&env, &done)?,
        OutputFormat::Text => print_text(args, &env, &done),
    }
    Ok(Exit::Ok)
}

/// `--prune --dry-run`: what pruning would delete, with nothing created, activated or deleted
/// (a bootstrap stack that does not exist is not created: it holds no zip to prune).
async fn dry_prune(args: &Args, env: &crate::env::Environment) -> Result<Exit> {
    let ctx = connect(env, args.target.profile.as_deref()).await?;
    let found = deploy::stack::describe_stack(&ctx, deploy::BOOTSTRAP_STACK_NAME)
        .await
        .with_context(|| format!("cannot look up {}", deploy::BOOTSTRAP_STACK_NAME))?;
    let bucket = found.and_then(|s| s.outputs.get(deploy::bootstrap::BUCKET_OUTPUT).cloned());
    let Some(bucket) = bucket else {
        match args.format {
            OutputFormat::Json => outln!(
                "{}",
                serde_json::json!({"environment": env.name, "region": env.region, "prune": null})
            ),
            OutputFormat::Text => outln!(
                "prune: no {} with an assets bucket in {}: nothing to prune (nothing was created)",
                deploy::BOOTSTRAP_STACK_NAME,
                env.region
            ),
        }
        return Ok(Exit::Ok);
    };
    let report = deploy::prune::prune_assets(&ctx, &bucket, prune_age(args), true)
        .await
        .with_context(|| format!("cannot list s3://{bucket}"))?;
    match args.format {
        OutputFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "environment": env.name,
                "region": env.region,
                "assetsBucket": bucket,
                "prune": report,
            }))?
        ),
        OutputFormat::Text => print_prune(args, &bucket, &report),
    }
    Ok(Exit::Ok)
}

fn prune_age(args: &Args) -> std::time::Duration {
    std::time::Duration::from_secs(args.prune_older_than_days.saturating_mul(86_400))
}

fn print_prune(args: &Args, bucket: &str, p: &deploy::prune::PruneReport) {
    outln!(
        "prune: {} unused zip(s) {} from s3://{} ({} in use, {} younger than {} days kept)",
        p.deleted.len(),
        if p.dry_run {
            "would be deleted"
        } else {
            "deleted"
        },
        bucket,
        p.in_use,
        p.too_young,
        args.prune_older_than_days
    );
    for key in &p.deleted {
        outln!("  {key}");
    }
}

/// What `bootstrap` did: the bootstrap stacks (the environment's region, and us-east-1 for a
/// global stack), the cost allocation tags and their backfill, the pruning and the CI roles.
struct Done {
    boot: deploy::Bootstrap,
    global: Option<deploy::Bootstrap>,
    tags: TagActivation,
    backfill: Option<Backfill>,
    pruned: Option<deploy::prune::PruneReport>,
    ci: Option<deploy::ci::CiRoles>,
}

async fn bootstrap(
    args: &Args,
    env: &crate::env::Environment,
    trust: Option<&deploy::ci::GitHubTrust>,
) -> Result<Done> {
    let ctx = connect(env, args.target.profile.as_deref()).await?;
    let boot = bootstrap_in(&ctx, &Printer::new()).await?;
    // The global stack's region (us-east-1) is bootstrapped too: its stack is deployed with
    // that region's service role.
    let global = if crate::stack::global::needed(env) {
        let there = ctx.in_region(crate::stack::global::REGION);
        Some(bootstrap_in(&there, &Printer::new()).await?)
    } else {
        None
    };
    let ci = match trust {
        Some(trust) => Some(
            deploy::ci::ensure(
                &ctx,
                env,
                trust,
                (&boot, global.as_ref()),
                WaitOptions::default(),
                &Printer::new(),
            )
            .await
            .with_context(|| {
                format!(
                    "cannot create the CI roles stack `{}`",
                    deploy::ci::stack_name(env)
                )
            })?,
        ),
        None => None,
    };
    let ce = crate::cost::actuals::client(ctx.config());
    let tags = activate(&ce).await?;
    let backfill = match &tags {
        TagActivation::Activated { .. } => Some(backfill(&ce).await),
        TagActivation::Partial { activated, .. } if !activated.is_empty() => {
            Some(backfill(&ce).await)
        }
        _ => None,
    };
    let pruned = if args.prune {
        Some(
            deploy::prune::prune_assets(&ctx, &boot.bucket, prune_age(args), false)
                .await
                .with_context(|| format!("cannot prune s3://{}", boot.bucket))?,
        )
    } else {
        None
    };
    Ok(Done {
        boot,
        global,
        tags,
        backfill,
        pruned,
        ci,
    })
}

fn print_json(env: &crate::env::Environment, done: &Done) -> Result<()> {
    let Done {
        boot,
        global,
        tags,
        backfill,
        pruned,
        ci,
    } = done;
    let doc = serde_json::json!({
        "environment": env.name,
        "region": env.region,
        "bootstrapStack": deploy::BOOTSTRAP_STACK_NAME,
        "assetsBucket": boot.bucket,
        "created": boot.created,
        "globalRegion": global.as_ref().map(|g| serde_json::json!({
            "region": crate::stack::global::REGION,
            "assetsBucket": g.bucket,
            "created": g.created,
        })),
        "costAllocationTags": tags,
        "backfill": backfill,
        "prune": pruned,
        "ciRoles": ci,
    });
    outln!("{}", serde_json::to_string_pretty(&doc)?);
    if let Some(w) = warning(tags) {
        errln!("warning: {w}");
    }
    Ok(())
}

fn print_text(args: &Args, env: &crate::env::Environment, done: &Done) {
    let Done {
        boot,
        global,
        tags,
        backfill,
        pruned,
        ci,
    } = done;
    let color = stdout_color();
    outln!(
        "{} {} in {}: assets bucket {}",
        paint(color, "1", deploy::BOOTSTRAP_STACK_NAME),
        if boot.created { "created" } else { "found" },
        env.region,
        boot.bucket
    );
    if let Some(g) = &global {
        outln!(
            "{} {} in {} (the environment's global stack): assets bucket {}",
            paint(color, "1", deploy::BOOTSTRAP_STACK_NAME),
            if g.created { "created" } else { "found" },
            crate::stack::global::REGION,
            g.bucket
        );
    }
    match &tags {
        TagActivation::Activated { tags } => outln!(
            "cost allocation tags active: {}",
            paint(color, "32", &tags.join(", "))
        ),
        TagActivation::Partial { activated, .. } if !activated.is_empty() => {
            outln!("cost allocation tags active: {}", activated.join(", "));
        }
        _ => {}
    }
    if let Some(w) = warning(tags) {
        errln!("{} {w}", paint(stderr_color(), "33", "warning:"));
    }
    if let Some(p) = &pruned {
        print_prune(args, &boot.bucket, p);
    }
    if let Some(ci) = &ci {
        print_ci_roles(ci, &env.name, color);
    }
    match &backfill {
        Some(Backfill::Requested { from, status }) => outln!(
            "cost allocation tag backfill requested from {from} ({status}): spend since then is attributed to the tags too"
        ),
        Some(Backfill::NotRequested { reason }) => errln!(
            "{} no cost allocation tag backfill: {reason}",
            paint(stderr_color(), "33", "note:")
        ),
        None => {}
    }
}

fn print_ci_roles(ci: &deploy::ci::CiRoles, env: &str, color: bool) {
    outln!(
        "{} {}: GitHub OIDC provider {} ({})",
        paint(color, "1", &ci.stack),
        ci.outcome,
        ci.oidc_provider,
        if ci.provider_created_here {
            "made by this stack"
        } else {
            "the account's existing one"
        }
    );
    outln!(
        "  review role (read-only)  {}",
        paint(color, "32", &ci.review_role)
    );
    outln!(
        "    trusted for            {}",
        ci.review_subjects.join(", ")
    );
    outln!(
        "  deploy role              {}",
        paint(color, "32", &ci.deploy_role)
    );
    outln!(
        "    trusted for            {}",
        ci.deploy_subjects.join(", ")
    );
    outln!(
        "  store them as GitHub secrets: the review role as the repository secret \
         AWS_REVIEW_ROLE_ARN_{}, the deploy role as AWS_DEPLOY_ROLE_ARN in the GitHub \
         environment(s) above; .github/workflows/ reads them",
        env.to_ascii_uppercase().replace('-', "_")
    );
}

/// A backfill of the tags' activation status over the past months, so the budget and
/// `cost-report --actuals` attribute earlier spend of tagged resources too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum Backfill {
    Requested { from: String, status: String },
    NotRequested { reason: String },
}

/// StartCostAllocationTagBackfill from the first day of the month eleven months ago: AWS takes
/// "a first day of the month", not before "the previous twelve months", at most once every
/// 24 hours (Cost Explorer API Reference, StartCostAllocationTagBackfill,
/// <https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_StartCostAllocationTagBackfill.html>).
async fn backfill(ce: &aws_sdk_costexplorer::Client) -> Backfill {
    let from = backfill_from(time::OffsetDateTime::now_utc().date());
    match ce
        .start_cost_allocation_tag_backfill()
        .backfill_from(&from)
        .send()
        .await
    {
        Ok(out) => Backfill::Requested {
            status: out
                .backfill_request()
                .and_then(|r| r.backfill_status())
                .map_or_else(|| "requested".to_owned(), |s| s.as_str().to_owned()),
            from,
        },
        Err(e) if e.code() == Some("BackfillLimitExceededException") => Backfill::NotRequested {
            reason:
                "one was requested in the last 24 hours or is still running (AWS allows one a day)"
                    .to_owned(),
        },
        Err(e) => Backfill::NotRequested {
            reason: format!("Cost Explorer refused it: {}", crate::aws::cause_chain(&e)),
        },
    }
}

/// `YYYY-MM-01T00:00:00Z`, eleven months before `today`'s month.
fn backfill_from(today: time::Date) -> String {
    let months = i32::from(u8::from(today.month())) - 1 + today.year() * 12 - 11;
    format!("{:04}-{:02}-01T00:00:00Z", months / 12, months % 12 + 1)
}

/// The warning to print, if the tags were not all activated.
fn warning(tags: &TagActivation) -> Option<String> {
    let by_hand = "activate them by hand in the management account (Billing and Cost Management → Cost allocation tags → select → Activate), or run `stackgen bootstrap` again once they appear there";
    match tags {
        TagActivation::Activated { .. } => None,
        TagActivation::Partial { refused, .. } => Some(format!(
            "Cost Explorer did not activate the cost allocation tag(s) {}: {}. A tag can be activated only after it has appeared in billing data (up to 24 hours after the first tagged resource); {by_hand}. Until then the budget and `cost-report --actuals` see no spend for this environment",
            refused
                .iter()
                .map(|r| r.tag.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            refused
                .iter()
                .map(|r| format!("{} ({}: {})", r.tag, r.code, r.message))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        TagActivation::Manual { tags, reason } => Some(format!(
            "the cost allocation tags {} were not activated: {reason}. {}; until then the budget and `cost-report --actuals` see no spend for this environment",
            tags.join(", "),
            capitalise(by_hand)
        )),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Activates [`COST_ALLOCATION_TAGS`]. "Not offered here" and "not allowed" are a
/// [`TagActivation::Manual`] outcome, not an error; anything else (unreachable endpoint,
/// throttling) is an error.
pub async fn activate(client: &aws_sdk_costexplorer::Client) -> Result<TagActivation> {
    let tags: Vec<String> = COST_ALLOCATION_TAGS
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
    let entries = tags
        .iter()
        .map(|t| {
            CostAllocationTagStatusEntry::builder()
                .tag_key(t)
                .status(CostAllocationTagStatus::Active)
                .build()
                .context("cannot build a cost allocation tag entry")
        })
        .collect::<Result<Vec<_>>>()?;
    let sent = client
        .update_cost_allocation_tags_status()
        .set_cost_allocation_tags_status(Some(entries))
        .send()
        .await;
    match sent {
        Ok(out) => {
            let refused: Vec<RefusedTag> = out
                .errors()
                .iter()
                .map(|e| RefusedTag {
                    tag: e.tag_key().unwrap_or("?").to_owned(),
                    code: e.code().unwrap_or("?").to_owned(),
                    message: e.message().unwrap_or("").to_owned(),
                })
                .collect();
            if refused.is_empty() {
                Ok(TagActivation::Activated { tags })
            } else {
                let activated = tags
                    .into_iter()
                    .filter(|t| !refused.iter().any(|r| &r.tag == t))
                    .collect();
                Ok(TagActivation::Partial { activated, refused })
            }
        }
        Err(e) => {
            let text = aws_sdk_costexplorer::error::DisplayErrorContext(&e).to_string();
            let code = e.code().unwrap_or("");
            let raw = e.raw_response();
            let raw_status = raw.map(|r| r.status().as_u16());
            // An AWS error is JSON with a code; an HTML page without one is an endpoint that
            // does not know the operation (moto answers an unimplemented action with a 500
            // page: "The update_cost_allocation_tags_status action has not been implemented").
            let html = raw
                .and_then(|r| r.headers().get("content-type"))
                .is_some_and(|c| c.starts_with("text/html"));
            let raw_status = if html && code.is_empty() {
                Some(501)
            } else {
                raw_status
            };
            if let Some(reason) = unavailable(code, &text, raw_status) {
                Ok(TagActivation::Manual { tags, reason })
            } else {
                Err(anyhow::anyhow!("{text}").context(
                    "Cost Explorer UpdateCostAllocationTagsStatus failed (in us-east-1); check the network and credentials, or activate the tags by hand",
                ))
            }
        }
    }
}

/// Why the call is not available here, when the error says so.
fn unavailable(code: &str, text: &str, status: Option<u16>) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("not been implemented")
        || lower.contains("not implemented")
        || lower.contains("unknownoperation")
        || lower.contains("invalidaction")
        || matches!(status, Some(404 | 501))
    {
        return Some(
            "this Cost Explorer endpoint does not implement UpdateCostAllocationTagsStatus (an emulator?)"
                .to_owned(),
        );
    }
    if code.starts_with("AccessDenied") || code == "UnauthorizedOperation" {
        return Some(format!(
            "Cost Explorer refused UpdateCostAllocationTagsStatus ({code}); only the management (payer) account of an organization may activate cost allocation tags, with ce:UpdateCostAllocationTagsStatus"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::backfill_from;
    use time::macros::date;

    #[test]
    fn the_backfill_starts_on_a_first_of_the_month_within_the_last_twelve_months() {
        assert_eq!(backfill_from(date!(2026 - 12 - 01)), "2026-01-01T00:00:00Z");
        assert_eq!(backfill_from(date!(2026 - 11 - 30)), "2025-12-01T00:00:00Z");
        assert_eq!(backfill_from(date!(2027 - 01 - 15)), "2026-02-01T00:00:00Z");
    }
}
