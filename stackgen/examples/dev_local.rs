//! Runs `stackgen dev --env local` against an emulator, for `scripts/bench-dev.sh` until the
//! `dev` and `deploy` commands are on the command line.
//!
//! ```text
//! dev_local --endpoint http://127.0.0.1:5000 [--port 3000] [--bin-dir target/release]
//!           [--pool 2] [--deploy-placeholder] [--echo path/to/dev_echo] [--quiet]
//! ```
//!
//! It takes the library path the CLI will take ([`stackgen::dev::prepare`]: render, read the
//! deployed stack, plan). `--deploy-placeholder` first creates the local stack on the emulator
//! with placeholder code when it is not there; `--echo` runs the given binary for every function
//! (the runner's own overhead, without the emulator in the request path). Ctrl-C stops.

#[path = "../tests/dev_support/local_stack.rs"]
mod local_stack;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use stackgen::dev::{self, EmulatorAccess, LaunchOptions, LogOptions};

struct Args {
    endpoint: String,
    port: u16,
    bin_dir: Option<PathBuf>,
    pool: usize,
    deploy_placeholder: bool,
    echo: Option<PathBuf>,
    quiet: bool,
}

fn args() -> Result<Args> {
    let mut out = Args {
        endpoint: String::new(),
        port: 3000,
        bin_dir: None,
        pool: dev::DEFAULT_POOL_SIZE,
        deploy_placeholder: false,
        echo: None,
        quiet: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--endpoint" => out.endpoint = value()?,
            "--port" => out.port = value()?.parse().context("--port")?,
            "--bin-dir" => out.bin_dir = Some(value()?.into()),
            "--pool" => out.pool = value()?.parse().context("--pool")?,
            "--echo" => out.echo = Some(value()?.into()),
            "--deploy-placeholder" => out.deploy_placeholder = true,
            "--quiet" => out.quiet = true,
            other => bail!("unknown argument {other}; see the header of examples/dev_local.rs"),
        }
    }
    if out.endpoint.is_empty() {
        bail!("--endpoint http://127.0.0.1:<port> (the emulator) is required");
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = args()?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let env = stackgen::env::load_named(&root.join("environments"), "local")?;
    let emulator = EmulatorAccess::moto(args.endpoint.clone(), env.region.clone());
    if args.deploy_placeholder {
        let cfn = dev::launch::cloudformation_client(&emulator).await;
        let exists = cfn
            .describe_stacks()
            .stack_name(stackgen::synth::prepare(&env)?.stack.name)
            .send()
            .await
            .is_ok();
        if !exists {
            local_stack::deploy_local(&emulator.sdk_config().await, &env)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    let mut config = dev::launch::prepare_with(
        &env,
        emulator,
        LaunchOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], args.port)),
            invoke_listen: None,
            workspace_root: root,
            bin_dir: args.bin_dir,
            pool_size: Some(args.pool),
            log_dir: None,
        },
    )
    .await?;
    if let Some(echo) = &args.echo {
        for f in &mut config.functions {
            f.binary = echo.clone();
        }
        config.queues.clear();
    }
    config.logs = LogOptions {
        console: !args.quiet,
        dir: None,
    };
    dev::run(config, None, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
