//! `stackgen staff`: who may use the back office of an environment.
//!
//! Staff are members of the environment's user pool `staff` group; customers sign themselves
//! up in the storefront and are never staff unless added here.

use anyhow::{Context, Result, bail};
use clap::Subcommand;

use super::exit::Exit;
use super::target::{OutputFormat, Target, connect, load_env, runtime};
use crate::aws::AwsContext;
use crate::deploy::staff;
use crate::env::{Environment, StaffMfa};
use crate::stack::stack_name;

const AFTER_HELP: &str = "\
Examples:
  stackgen staff add --env prod ana@example.com      create the account (Cognito emails a
                                                     temporary password) and make it staff
  stackgen staff list --env prod                     the staff group's members
  stackgen staff remove --env prod ana@example.com   no longer staff; signed out everywhere
  stackgen staff reset-mfa --env prod ana@example.com
                                                     Ana lost her authenticator app: turn it
                                                     off and sign her out; she sets up a new
                                                     one at her next sign-in

A password given with --password (or STACKGEN_STAFF_PASSWORD) is set as the account's
permanent password instead of emailing a temporary one: for demo and local accounts.

Exit codes:
  0  done
  1  error: unknown environment, stack not deployed, unknown user, AWS refused
  64 invalid command line (an unknown flag, an EMAIL that is not an address the pool takes)";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(subcommand)]
    pub command: StaffCommand,
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Make EMAIL staff, creating the account if there is none.
    #[command(after_help = AFTER_HELP)]
    Add {
        #[command(flatten)]
        target: Target,
        /// The staff member's email address (they sign in with it).
        #[arg(value_parser = crate::deploy::staff::email_arg)]
        email: String,
        /// Set this permanent password instead of emailing a temporary one.
        #[arg(long, env = PASSWORD_VAR, hide_env_values = true)]
        password: Option<String>,
    },
    /// List the staff of an environment.
    #[command(after_help = AFTER_HELP)]
    List {
        #[command(flatten)]
        target: Target,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// Take EMAIL out of the staff (the account stays, as a customer's).
    #[command(after_help = AFTER_HELP)]
    Remove {
        #[command(flatten)]
        target: Target,
        #[arg(value_parser = crate::deploy::staff::email_arg)]
        email: String,
    },
    /// Turn off EMAIL's authenticator app (lost or replaced phone) and sign them out
    /// everywhere. Check who is asking first: until they set up a new app, their password
    /// alone signs them in.
    #[command(name = "reset-mfa", after_help = AFTER_HELP)]
    ResetMfa {
        #[command(flatten)]
        target: Target,
        #[arg(value_parser = crate::deploy::staff::email_arg)]
        email: String,
    },
}

/// Where `--password` may come from instead (CI, so that it is not in the command line).
const PASSWORD_VAR: &str = "STACKGEN_STAFF_PASSWORD";

pub fn run(args: &Args) -> Result<Exit> {
    let target = match &args.command {
        StaffCommand::Add { target, .. }
        | StaffCommand::List { target, .. }
        | StaffCommand::Remove { target, .. }
        | StaffCommand::ResetMfa { target, .. } => target,
    };
    if let StaffCommand::Add {
        password: Some(p), ..
    } = &args.command
        && p.is_empty()
        && std::env::var_os(PASSWORD_VAR).is_some_and(|v| v.is_empty())
    {
        bail!(
            "{PASSWORD_VAR} is set but empty, and stackgen reads it as --password; unset it to \
             have Cognito email a temporary password, or set it to the password"
        );
    }
    let env = load_env(target)?;
    // The email and the password are checked before anything is asked of AWS.
    match &args.command {
        StaffCommand::Add {
            email, password, ..
        } => staff::precheck(email, password.as_deref()),
        StaffCommand::Remove { email, .. } | StaffCommand::ResetMfa { email, .. } => {
            staff::precheck(email, None)
        }
        StaffCommand::List { .. } => Ok(()),
    }
    .with_context(|| format!("cannot change the staff of `{}`", env.name))?;
    let stack = stack_name(&env);
    runtime()?.block_on(async {
        let ctx = connect(&env, target.profile.as_deref()).await?;
        let pool = staff::pool_of(&ctx, &stack, &env.name)
            .await
            .with_context(|| format!("cannot find the user pool of environment `{}`", env.name))?;
        match &args.command {
            StaffCommand::Add {
                email, password, ..
            } => add(&ctx, &pool, &env, email, password.as_deref()).await,
            StaffCommand::List { format, .. } => {
                let members = staff::list(&ctx, &pool)
                    .await
                    .with_context(|| format!("cannot list the staff of `{}`", env.name))?;
                print_members(&members, *format, &env.name)
            }
            StaffCommand::Remove { email, .. } => remove(&ctx, &pool, &env, email).await,
            StaffCommand::ResetMfa { email, .. } => reset_mfa(&ctx, &pool, &env, email).await,
        }?;
        Ok(Exit::Ok)
    })
}

async fn add(
    ctx: &AwsContext,
    pool: &str,
    env: &Environment,
    email: &str,
    password: Option<&str>,
) -> Result<()> {
    let added = staff::add(ctx, pool, email, password)
        .await
        .with_context(|| format!("cannot make {email} staff in `{}`", env.name))?;
    outln!(
        "{email} is {} staff of {} ({}).",
        if added.already_staff {
            "already"
        } else {
            "now"
        },
        env.name,
        match (added.created, password.is_some()) {
            (true, true) => "new account, with the password given",
            (true, false) => "new account: Cognito emailed a temporary password",
            (false, _) => "existing account",
        }
    );
    Ok(())
}

async fn remove(ctx: &AwsContext, pool: &str, env: &Environment, email: &str) -> Result<()> {
    let was = staff::remove(ctx, pool, email, &env.name)
        .await
        .with_context(|| format!("cannot remove {email} from the staff of `{}`", env.name))?;
    if was {
        outln!(
            "{email} is no longer staff of {} and was signed out everywhere.",
            env.name
        );
    } else {
        outln!("{email} was not staff of {}; nothing changed.", env.name);
    }
    Ok(())
}

async fn reset_mfa(ctx: &AwsContext, pool: &str, env: &Environment, email: &str) -> Result<()> {
    let had = staff::reset_authenticator(ctx, pool, email, &env.name)
        .await
        .with_context(|| {
            format!(
                "cannot reset the authenticator app of {email} in `{}`",
                env.name
            )
        })?;
    outln!(
        "{email}: {} signed out everywhere; the next sign-in takes the password alone{}.",
        if had {
            "authenticator app turned off,"
        } else {
            "had no authenticator app;"
        },
        match env.staff.mfa {
            StaffMfa::Required => ", then the back office asks for a new app before anything else",
            StaffMfa::Optional => "",
        }
    );
    Ok(())
}

fn print_members(members: &[staff::StaffMember], format: OutputFormat, env: &str) -> Result<()> {
    match format {
        OutputFormat::Json => {
            outln!("{}", serde_json::to_string_pretty(members)?);
        }
        OutputFormat::Text => {
            if members.is_empty() {
                outln!(
                    "{env} has no staff yet: add one with `stackgen staff add --env {env} EMAIL`."
                );
            }
            for m in members {
                outln!(
                    "{}  {}  {}{}",
                    m.email,
                    m.status,
                    if m.authenticator {
                        "authenticator app"
                    } else {
                        "password only"
                    },
                    if m.enabled { "" } else { "  (disabled)" }
                );
            }
        }
    }
    Ok(())
}
