//! `stackgen customers`: what support does for a shopper's account.
//!
//! Customers sign themselves up; support only steps in when the emailed confirmation code never
//! arrived (`confirm`). Staff are managed with `stackgen staff`.

use anyhow::{Context, Result};
use clap::Subcommand;

use super::exit::Exit;
use super::target::{Target, connect, load_env, runtime};
use crate::deploy::staff::{self, Confirmation};
use crate::stack::stack_name;

const AFTER_HELP: &str = "\
Examples:
  stackgen customers confirm --env prod ana@example.com   confirm a sign-up whose code never arrived

Exit codes:
  0  done (also when the account was confirmed already)
  1  error: unknown environment, stack not deployed, unknown user, AWS refused
  64 invalid command line (an unknown flag, an EMAIL that is not an address the pool takes)";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(subcommand)]
    pub command: CustomersCommand,
}

#[derive(Debug, Subcommand)]
pub enum CustomersCommand {
    /// Confirm EMAIL's sign-up without the emailed code, and take the address as verified (order
    /// emails go only to verified addresses): check it with the shopper first.
    #[command(after_help = AFTER_HELP)]
    Confirm {
        #[command(flatten)]
        target: Target,
        /// The customer's email address (their user name).
        #[arg(value_parser = crate::deploy::staff::email_arg)]
        email: String,
    },
}

pub fn run(args: &Args) -> Result<Exit> {
    let CustomersCommand::Confirm { target, email } = &args.command;
    let env = load_env(target)?;
    let stack = stack_name(&env);
    runtime()?.block_on(async {
        let ctx = connect(&env, target.profile.as_deref()).await?;
        let pool = staff::pool_of(&ctx, &stack, &env.name)
            .await
            .with_context(|| format!("cannot find the user pool of environment `{}`", env.name))?;
        let done = staff::confirm_customer(&ctx, &pool, email, &env.name)
            .await
            .with_context(|| format!("cannot confirm {email} in `{}`", env.name))?;
        match done {
            Confirmation::Confirmed => {
                outln!("{email} is confirmed in {} and can sign in.", env.name)
            }
            Confirmation::AddressVerified => outln!(
                "{email} was confirmed already in {}; its address is now marked verified, so \
                 order emails reach it.",
                env.name
            ),
            Confirmation::AlreadyConfirmed => {
                outln!(
                    "{email} was confirmed already in {}; nothing changed.",
                    env.name
                )
            }
        }
        Ok(Exit::Ok)
    })
}
