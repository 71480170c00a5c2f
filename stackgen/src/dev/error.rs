//! What can stop `stackgen dev` from starting, each with the fix in the message.
//!
//! Failures *while* serving (a crashing function, an unreachable emulator) are not errors of
//! `run`: they become API Gateway-shaped responses, log lines and retries, as in AWS.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::plan::PlanError;

/// `stackgen dev` could not start.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    #[error(
        "cannot listen on {addr}: {source}. Another process probably uses that port: stop it or choose another one with `--port`"
    )]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "cannot listen on {addr} for Lambda's Invoke API: {source}. Another process (a second `stackgen dev`, `sam local start-lambda`) probably uses that port: stop it or choose another one with `--lambda-port`"
    )]
    BindInvoke {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the binary {binary} of function `{function}` does not exist. Build the functions for this machine first (`cargo build --workspace --bin stackgen --bin bootstrap`, which `make run` does) and point `stackgen dev` at the directory holding them"
    )]
    MissingBinary { function: String, binary: PathBuf },
    #[error(
        "the UI directory {0} does not exist or is not a directory; run `stackgen dev` from the repository root or pass it as `--workspace DIR` (the directory that holds ui/)"
    )]
    MissingUi(PathBuf),
    #[error(
        "the route `{route}` names function `{function}`, which the stack does not define; every function in retail_spec::FUNCTIONS must be in the rendered template (re-render and redeploy the stack)"
    )]
    RouteWithoutFunction { route: String, function: String },
    #[error(
        "the queue event source for function `{function}` ({queue}) names a function the stack does not define; re-render and redeploy the stack"
    )]
    MappingWithoutFunction { function: String, queue: String },
    #[error(
        "stackgen dev runs the functions against the local AWS emulator, and neither the environment file (`emulator:`) nor AWS_ENDPOINT_URL names one; run an environment on the emulator (`--env local`, whose file says `emulator: http://127.0.0.1:5000`), or start moto and export AWS_ENDPOINT_URL=http://127.0.0.1:5000; `make run` does it all"
    )]
    NoEmulator,
    #[error(transparent)]
    EndpointElsewhere(#[from] crate::env::EndpointElsewhere),
    #[error(
        "the deployed stack {stack} has no Cognito user pool and app client, so the local gateway cannot check sign-ins; it was deployed by an older stackgen: redeploy it (`stackgen deploy --env local`, which `make run` does)"
    )]
    NoUserPool { stack: String },
    #[error(
        "cannot create the demo accounts in the local user pool: {0}. Check that the emulator is the project's (scripts/emulator.py, which `make run` starts) and redeploy the local stack"
    )]
    DemoAccounts(String),
    #[error("cannot render the stack of environment `{env}`: {message}")]
    Render { env: String, message: String },
    #[error(transparent)]
    Plan(#[from] PlanError),
}
