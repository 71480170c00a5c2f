//! From `stackgen dev --env local` to a [`DevConfig`]: the one function the CLI calls.
//!
//! Renders the environment's stack (the same [`synth::prepare`](crate::synth::prepare) every
//! command starts from), reads the deployed stack of that name from the emulator, and plans
//! the functions and queue mappings from the two. The emulator is the one the environment file
//! names (`emulator:`), or `AWS_ENDPOINT_URL` (what `make run` exports): the functions run
//! here, on this machine, against the local AWS emulator only.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use super::plan::{DeployedStack, EmulatorAccess, PlanError};
use super::{DEFAULT_POOL_SIZE, DevConfig, DevError, DevOptions, LogOptions};
use crate::env::Environment;

/// What the CLI passes besides the environment.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// `--host` and `--port`.
    pub listen: SocketAddr,
    /// `--lambda-port`: where Lambda's Invoke API listens (`super::invoke`), or nowhere.
    pub invoke_listen: Option<super::invoke::InvokeListen>,
    /// The repository root (holds `ui/`).
    pub workspace_root: PathBuf,
    /// Where the host-built function binaries are; default `<target dir>/debug`.
    pub bin_dir: Option<PathBuf>,
    pub pool_size: Option<usize>,
    /// Also write one log file per function here.
    pub log_dir: Option<PathBuf>,
}

impl EmulatorAccess {
    /// The emulator `env` lives on (`emulator:` in its file, or the shell's `AWS_ENDPOINT_URL`
    /// on this machine), or for another environment the one `AWS_ENDPOINT_URL` names; with the
    /// shell's credentials (`testing`/`testing` when unset, which moto accepts).
    pub fn from_process_env(env: &Environment) -> Result<EmulatorAccess, DevError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let shell = var("AWS_ENDPOINT_URL");
        let endpoint_url = match env.emulator_endpoint(shell.as_deref())? {
            Some(url) => url,
            None => shell.ok_or(DevError::NoEmulator)?,
        };
        Ok(EmulatorAccess {
            endpoint_url,
            region: env.region.clone(),
            access_key_id: var("AWS_ACCESS_KEY_ID").unwrap_or_else(|| "testing".into()),
            secret_access_key: var("AWS_SECRET_ACCESS_KEY").unwrap_or_else(|| "testing".into()),
            session_token: var("AWS_SESSION_TOKEN"),
        })
    }
}

/// The default place of the host-built function binaries: `$CARGO_TARGET_DIR/debug` or
/// `<workspace>/target/debug`.
pub fn default_bin_dir(workspace_root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|d| {
            if d.is_relative() {
                workspace_root.join(d)
            } else {
                d
            }
        })
        .unwrap_or_else(|| workspace_root.join("target"))
        .join("debug")
}

/// Builds the configuration of `stackgen dev` for `env`, on its emulator
/// ([`EmulatorAccess::from_process_env`]).
pub async fn prepare(env: &Environment, options: LaunchOptions) -> Result<DevConfig, DevError> {
    let emulator = EmulatorAccess::from_process_env(env)?;
    prepare_with(env, emulator, options).await
}

/// [`prepare`] with an explicit emulator.
pub async fn prepare_with(
    env: &Environment,
    emulator: EmulatorAccess,
    options: LaunchOptions,
) -> Result<DevConfig, DevError> {
    let prepared = crate::synth::prepare(env).map_err(|e| DevError::Render {
        env: env.name.clone(),
        message: e.to_string(),
    })?;
    let template = prepared
        .stack
        .template
        .document()
        .map_err(|e| DevError::Render {
            env: env.name.clone(),
            message: e.to_string(),
        })?;
    let cfn = cloudformation_client(&emulator).await;
    let deployed = DeployedStack::describe(&cfn, &prepared.stack.name, &env.region)
        .await
        .map_err(|e| match e {
            PlanError::Describe { stack, message } => PlanError::Describe {
                stack,
                message: format!("{message} (emulator at {})", emulator.endpoint_url),
            },
            other => other,
        })?;
    let bin_dir = options
        .bin_dir
        .unwrap_or_else(|| default_bin_dir(&options.workspace_root));
    DevConfig::for_stack(
        env,
        &template,
        &deployed,
        DevOptions {
            listen: options.listen,
            invoke_listen: options.invoke_listen,
            ui_dir: options.workspace_root.join("ui"),
            bin_dir,
            emulator,
            pool_size: options.pool_size.unwrap_or(DEFAULT_POOL_SIZE),
            logs: LogOptions {
                console: true,
                dir: options.log_dir,
            },
        },
    )
}

/// A CloudFormation client for the emulator.
pub async fn cloudformation_client(emulator: &EmulatorAccess) -> aws_sdk_cloudformation::Client {
    aws_sdk_cloudformation::Client::new(&emulator.sdk_config().await)
}

impl EmulatorAccess {
    /// An SDK configuration for the emulator (explicit endpoint, region and credentials).
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        self.sdk_config_as(&self.access_key_id).await
    }

    /// The SDK configuration signing with `access_key_id` (a function's, [`super::function_key_id`]:
    /// what the emulator holds to that function's role) and the emulator's secret.
    pub async fn sdk_config_as(&self, access_key_id: &str) -> aws_config::SdkConfig {
        let credentials = aws_sdk_sqs::config::Credentials::new(
            access_key_id.to_owned(),
            self.secret_access_key.clone(),
            self.session_token.clone(),
            None,
            "stackgen-dev",
        );
        crate::aws::config_loader()
            .region(aws_config::Region::new(self.region.clone()))
            .endpoint_url(&self.endpoint_url)
            .credentials_provider(credentials)
            .load()
            .await
    }
}
