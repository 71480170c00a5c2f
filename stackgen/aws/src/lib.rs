//! AWS access: one place that turns "this environment, this profile" into SDK clients.
//!
//! Every command that talks to AWS goes through [`AwsContext`]: region from the environment file,
//! optional `--profile`, and the standard `AWS_ENDPOINT_URL` honoured by aws-config itself; an
//! environment on the local emulator passes its endpoint and dummy credentials explicitly
//! (`AwsTarget`), and past that the emulator is spoken to exactly as AWS is. Each client
//! carries an [`ApiCallCounter`] so a command can say how many requests it made, and SDK failures
//! become [`AwsError`]s that say what to set or start.

mod account;
mod context;
mod counter;
mod error;
mod http;

pub use account::{
    AccountGuardError, CallerIdentity, account_of_arn, verify_account, verify_stack_account,
};
pub use context::{AwsContext, AwsTarget, StaticCredentials};
pub use counter::ApiCallCounter;
pub use error::{AwsError, ServiceFailure, cause_chain, classify};
pub use http::{CONNECT_TIMEOUT, READ_TIMEOUT, config_loader, http_client};
