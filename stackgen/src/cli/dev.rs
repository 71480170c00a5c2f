//! `stackgen dev`: run the environment's functions on this machine behind a local API Gateway
//! and Lambda runtime, serving `ui/` at `/` and the API at `/api/`, against the stack deployed
//! on the local emulator (the environment file's `emulator:`, or `AWS_ENDPOINT_URL`). Ctrl-C
//! stops everything cleanly.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::exit::Exit;
use super::target::{Target, load_env, runtime};
use crate::dev::{self, launch::LaunchOptions};

const AFTER_HELP: &str = "\
Examples:
  stackgen dev --env local                 on the emulator local.yaml names (emulator:)
  stackgen dev --env local --port 8080 --log-dir out/logs
  stackgen dev --env local --watch         rebuild and reload the functions on save (make run)

Any function runs on demand through Lambda's Invoke API on --lambda-port (the kill switch and
the order expiry have no other way to run locally), with the AWS CLI or an SDK:
  aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name order-expiry out.json
  aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name kill-switch \\
      --cli-binary-format raw-in-base64-out --payload '{\"action\":\"destroy\",\"source\":\"drill\"}' out.json
                                          (local.yaml's action: empties and deletes the local stack)

Needs the stack deployed on the emulator first (`stackgen deploy --env local --yes`) and the
functions built for this host (`cargo build --workspace --bin stackgen --bin bootstrap`: a
`-p` build resolves features differently and rebuilds shared crates); `make run` does all of it.

Exit codes:
  0  stopped with Ctrl-C, SIGTERM or SIGHUP (the queues given back to the deployed stack)
  1  error: no emulator (emulator: or AWS_ENDPOINT_URL), stack not deployed, port in use,
     binaries missing";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    #[arg(long, short = 'p', default_value_t = 3000)]
    pub port: u16,
    /// Port of Lambda's Invoke API (`aws lambda invoke --endpoint-url`), on 127.0.0.1 whatever
    /// --host is; default --port + 1 (another free port when that one is taken), 0 picks a free
    /// one.
    #[arg(long, value_name = "PORT")]
    pub lambda_port: Option<u16>,
    /// The repository root (holds ui/).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
    /// Where the host-built function binaries are; default target/debug.
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
    /// Warm workers per function (1 to 64).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub pool_size: Option<u16>,
    /// Where to write one log file per function (read by `stackgen logs`); default
    /// out/logs/<env> under --workspace.
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,
    /// Rebuild the functions when a file under functions/ or spec/ is saved and replace the
    /// warm workers (requests in flight finish first); say what to redeploy when an
    /// environment file or the stack's code changes. ui/ is always served from disk.
    #[arg(long)]
    pub watch: bool,
}

pub fn run(args: &Args) -> Result<Exit> {
    let env = load_env(&args.target)?;
    // Workers are spawned with their own working directory: paths must be absolute.
    let workspace = std::path::absolute(&args.workspace)
        .with_context(|| format!("cannot resolve --workspace {}", args.workspace.display()))?;
    let bin_dir = match &args.bin_dir {
        Some(dir) => Some(
            std::path::absolute(dir)
                .with_context(|| format!("cannot resolve --bin-dir {}", dir.display()))?,
        ),
        None => None,
    };
    let watch = args
        .watch
        .then(|| watch_options(&workspace, bin_dir.as_deref(), &env.name))
        .transpose()?;
    let options = LaunchOptions {
        listen: SocketAddr::new(args.host, args.port),
        invoke_listen: Some(dev::invoke::InvokeListen {
            // Loopback whatever --host is: sharing the storefront on the network must not
            // share a way to run every function (the kill switch included).
            addr: SocketAddr::from(([127, 0, 0, 1], lambda_port(args)?)),
            or_free_port: args.lambda_port.is_none(),
        }),
        workspace_root: workspace.clone(),
        bin_dir,
        pool_size: args.pool_size.map(usize::from),
        log_dir: Some(match &args.log_dir {
            Some(dir) => std::path::absolute(dir)
                .with_context(|| format!("cannot resolve --log-dir {}", dir.display()))?,
            None => crate::logs::local::default_dir(&workspace, &env.name),
        }),
    };
    runtime()?.block_on(async {
        // Installed before anything starts: a signal during start-up stops the run once it is
        // up, cleanly, instead of killing it with the queues still paused.
        let stop = stop_requested();
        let config = dev::launch::prepare(&env, options)
            .await
            .with_context(|| format!("cannot start `stackgen dev` for `{}`", env.name))?;
        dev::run(config, watch, stop)
            .await
            .with_context(|| format!("`stackgen dev` for `{}` stopped with an error", env.name))
    })?;
    Ok(Exit::Ok)
}

/// `--lambda-port`, or the port after `--port` (3001 with the defaults, the port `sam local
/// start-lambda` uses); with `--port 0`, a free one.
fn lambda_port(args: &Args) -> Result<u16> {
    if args.lambda_port.is_some_and(|p| p != 0 && p == args.port) {
        anyhow::bail!(
            "--lambda-port {} is also --port: the storefront and Lambda's Invoke API need a port \
             each; leave out --lambda-port (it takes the port after --port) or choose another",
            args.port
        );
    }
    match (args.lambda_port, args.port) {
        (Some(port), _) => Ok(port),
        (None, 0) => Ok(0),
        (None, port) => port.checked_add(1).context(
            "--port 65535 leaves no port after it for Lambda's Invoke API: choose --lambda-port",
        ),
    }
}

/// Ctrl-C (SIGINT), SIGTERM (`kill`, a process manager, the end of `timeout`) or SIGHUP (the
/// terminal closed): each stops the runner cleanly, giving the deployed queue mappings back. The
/// handlers are installed when this is called (a tokio signal stream registers when it is made
/// and keeps what arrives), not when the future is first polled. A handler that cannot be
/// installed leaves that signal's default action; when none can be, the runner stops at once
/// rather than wait for a signal that would never arrive.
fn stop_requested() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{Signal, SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).ok();
    let mut terminate = signal(SignalKind::terminate()).ok();
    let mut hangup = signal(SignalKind::hangup()).ok();
    async fn arrives(stream: &mut Option<Signal>) {
        match stream {
            Some(s) => {
                s.recv().await;
            }
            None => std::future::pending().await,
        }
    }
    async move {
        if interrupt.is_none() && terminate.is_none() && hangup.is_none() {
            return;
        }
        tokio::select! {
            () = arrives(&mut interrupt) => {}
            () = arrives(&mut terminate) => {}
            () = arrives(&mut hangup) => {}
        }
    }
}

/// `--watch` rebuilds with cargo into `<target>/debug`, so the workers must run from a cargo
/// target's debug directory.
fn watch_options(
    workspace: &std::path::Path,
    bin_dir: Option<&std::path::Path>,
    env: &str,
) -> Result<dev::watch::WatchOptions> {
    let bin_dir = bin_dir.map_or_else(|| dev::launch::default_bin_dir(workspace), PathBuf::from);
    if bin_dir.file_name().is_none_or(|n| n != "debug") {
        anyhow::bail!(
            "--watch rebuilds the functions with cargo into <target>/debug, but --bin-dir is {}: \
             point --bin-dir at a cargo target's debug directory (the default, target/debug), \
             or leave out --watch",
            bin_dir.display()
        );
    }
    Ok(dev::watch::WatchOptions::new(workspace, &bin_dir, env))
}
