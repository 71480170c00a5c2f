//! `stackgen dev`: the whole stack on this machine, on the local AWS emulator.
//!
//! The functions' host-built binaries run behind a local Lambda runtime API (a warm pool per
//! function, [`runtime`]); a local gateway serves `ui/` at `/` and the HTTP API at `/api/…`,
//! translating requests and responses exactly as API Gateway's payload format 2.0 does
//! ([`apigw`], [`gateway`]); pollers feed the queue-driven functions as the stack's SQS event
//! source mappings would ([`queues`]); timers invoke the scheduled functions as EventBridge
//! Scheduler would ([`schedules`]). What runs, with which memory, timeout and environment,
//! comes from the rendered template resolved against the deployed local stack ([`plan`]), so
//! the local run and AWS share one definition.
//!
//! Library API: build a [`DevConfig`] (the CLI calls [`prepare`]; tests build one directly or
//! with [`DevConfig::for_stack`]), then [`run`] it until a shutdown future completes, or
//! [`start`] it and [`DevServer::stop`] it later.

pub mod apigw;
pub mod demo_accounts;
pub mod error;
pub mod gateway;
pub mod invoke;
pub mod launch;
pub mod logs;
pub mod loopback_http;
mod mail;
pub mod plan;
pub mod queues;
pub mod roles;
pub mod runtime;
pub mod schedules;
pub mod serve;
mod start;
pub mod streams;
pub mod watch;

use stackgen_model::generated::{apigatewayv2, cognito};
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub use apigw::GatewayIdentity;
pub use error::DevError;
pub use gateway::site::{SiteConfig, SiteStore};
pub use launch::{LaunchOptions, prepare};
pub use logs::{LogOptions, LogSink};
pub use plan::{
    DeployedResource, DeployedStack, EmulatorAccess, FunctionPlan, PlanError, QueueMapping,
    StreamMapping, function_key_id,
};
pub use start::start;

use crate::env::Environment;

/// Default number of warm execution environments per function.
pub const DEFAULT_POOL_SIZE: usize = 2;
/// HTTP APIs' maximum integration timeout.
pub const INTEGRATION_TIMEOUT: Duration = Duration::from_secs(30);
/// The account moto reports.
pub const EMULATOR_ACCOUNT: &str = "123456789012";

/// Everything `stackgen dev` runs.
#[derive(Debug, Clone)]
pub struct DevConfig {
    /// Where the gateway listens (`127.0.0.1:3000`; port 0 picks a free one).
    pub listen: SocketAddr,
    /// Where Lambda's Invoke API listens ([`invoke`]; `127.0.0.1:3001`), or nowhere.
    pub invoke_listen: Option<invoke::InvokeListen>,
    /// The waits before each retry of a failed `Event` invocation (Lambda's:
    /// [`invoke::ASYNC_RETRY_DELAYS`]).
    pub async_retry_delays: Vec<Duration>,
    /// The storefront (`ui/`).
    pub ui_dir: PathBuf,
    pub site: SiteConfig,
    pub gateway: GatewayIdentity,
    pub functions: Vec<FunctionPlan>,
    pub queues: Vec<QueueMapping>,
    pub streams: Vec<StreamMapping>,
    pub emulator: EmulatorAccess,
    /// What each function's key may do on the emulator ([`roles`]); empty: nothing is checked.
    pub roles: roles::RolePolicies,
    /// The deployed user pool whose tokens the gateway's JWT authorizer accepts.
    pub user_pool: UserPoolRef,
    /// The buckets the CDN serves in AWS (`BucketSpec::cdn_prefix`), served the same way here.
    pub served_buckets: Vec<gateway::ServedBucket>,
    /// Warm execution environments per function (at least 1).
    pub pool_size: usize,
    pub integration_timeout: Duration,
    /// How long [`start`] waits for every environment to be ready.
    pub start_timeout: Duration,
    pub logs: LogOptions,
}

/// The deployed stack's user pool and storefront app client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPoolRef {
    pub pool_id: String,
    pub client_id: String,
}

impl UserPoolRef {
    /// The pool and client of the deployed stack (their physical ids).
    pub fn of(deployed: &DeployedStack) -> Result<UserPoolRef, DevError> {
        let find = |ty: &str| {
            deployed
                .resources
                .values()
                .find(|r| r.resource_type == ty)
                .map(|r| r.physical_id.clone())
        };
        match (
            find(cognito::USER_POOL_TYPE_NAME),
            find(cognito::USER_POOL_CLIENT_TYPE_NAME),
        ) {
            (Some(pool_id), Some(client_id)) => Ok(UserPoolRef { pool_id, client_id }),
            _ => Err(DevError::NoUserPool {
                stack: deployed.name.clone(),
            }),
        }
    }

    /// What the pages' sign-in reads: Cognito's API proxied on the gateway's own origin.
    pub fn site_auth(&self, region: &str) -> crate::storefront::SiteAuth {
        crate::storefront::SiteAuth {
            region: region.to_owned(),
            user_pool_id: self.pool_id.clone(),
            client_id: self.client_id.clone(),
            endpoint: format!("{}/", gateway::COGNITO_PROXY_PATH),
            password: crate::storefront::SitePassword::default(),
        }
    }
}

/// The inputs [`DevConfig::for_stack`] needs besides the template and the deployed stack.
#[derive(Debug, Clone)]
pub struct DevOptions {
    pub listen: SocketAddr,
    pub invoke_listen: Option<invoke::InvokeListen>,
    pub ui_dir: PathBuf,
    /// Where the host-built function binaries are (`target/debug`).
    pub bin_dir: PathBuf,
    pub emulator: EmulatorAccess,
    pub pool_size: usize,
    pub logs: LogOptions,
}

impl DevConfig {
    /// The configuration for environment `env` from its rendered `template` and the
    /// `deployed` stack: every function the environment renders (`stack::rendered_functions`) with the template's memory,
    /// timeout and environment variables (resolved), and every SQS event source mapping.
    pub fn for_stack(
        env: &Environment,
        template: &serde_json::Value,
        deployed: &DeployedStack,
        options: DevOptions,
    ) -> Result<DevConfig, DevError> {
        let resolver = plan::Resolver::new(template, deployed);
        let specs = crate::stack::rendered_functions(env);
        let functions = plan::plan_functions(&resolver, &specs, &options.bin_dir)?;
        let queues = plan::plan_queues(&resolver, &functions)?;
        let streams = plan::plan_streams(&resolver, &functions)?;
        let account_id = if deployed.account_id.is_empty() {
            env.account
                .clone()
                .unwrap_or_else(|| EMULATOR_ACCOUNT.to_owned())
        } else {
            deployed.account_id.clone()
        };
        let roles = roles::plan(&resolver, &functions, &options.emulator, &account_id);
        let user_pool = UserPoolRef::of(deployed)?;
        let served_buckets = gateway::ServedBucket::of(deployed);
        let mut site = SiteConfig::for_environment(env, None);
        site.auth = Some(user_pool.site_auth(&options.emulator.region));
        Ok(DevConfig {
            listen: options.listen,
            invoke_listen: options.invoke_listen,
            async_retry_delays: invoke::ASYNC_RETRY_DELAYS.to_vec(),
            ui_dir: options.ui_dir,
            site,
            user_pool,
            served_buckets,
            gateway: GatewayIdentity {
                account_id,
                api_id: api_id(deployed),
                stage: retail_spec::API_STAGE.to_owned(),
            },
            functions,
            queues,
            streams,
            emulator: options.emulator,
            roles,
            pool_size: options.pool_size,
            integration_timeout: INTEGRATION_TIMEOUT,
            start_timeout: Duration::from_secs(30),
            logs: options.logs,
        })
    }
}

/// The HTTP API's id: the deployed one when the emulator created it (moto skips API Gateway
/// v2), else a stable 10-character id derived from the stack, API Gateway's format.
fn api_id(deployed: &DeployedStack) -> String {
    if let Some(api) = deployed
        .resources
        .values()
        .find(|r| r.resource_type == apigatewayv2::API_TYPE_NAME)
    {
        return api.physical_id.clone();
    }
    let digest = Sha256::digest(deployed.name.as_bytes());
    hex::encode(digest)[..10].to_owned()
}

/// A running `stackgen dev`.
pub struct DevServer {
    addr: SocketAddr,
    invoke_addr: Option<SocketAddr>,
    shutdown: CancellationToken,
    tasks: JoinSet<()>,
    logs: LogSink,
    writer: Option<logs::LogWriter>,
    pools: HashMap<String, Arc<runtime::Pool>>,
    handover: Option<(aws_sdk_lambda::Client, queues::Handover)>,
}

impl DevServer {
    /// Where the gateway listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where Lambda's Invoke API listens, when it does ([`invoke`]).
    pub fn invoke_addr(&self) -> Option<SocketAddr> {
        self.invoke_addr
    }

    /// `http://127.0.0.1:3000/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The pool of a function (tests, diagnostics).
    pub fn pool(&self, function_id: &str) -> Option<&Arc<runtime::Pool>> {
        self.pools.get(function_id)
    }

    /// A line in the runner's own log stream.
    pub fn log(&self, line: impl Into<String>) {
        self.logs.line(&Arc::from("dev"), line);
    }

    /// Stops the gateway and the pollers, kills every worker by PID and waits for them, then
    /// flushes the logs.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        while self.tasks.join_next().await.is_some() {}
        if let Some((lambda, handover)) = self.handover.take() {
            handover.give_back(&lambda, &self.logs).await;
        }
        self.pools.clear();
        drop(self.logs);
        if let Some(writer) = self.writer.take() {
            writer.finish().await;
        }
    }
}

/// Runs until `shutdown` completes (Ctrl-C at the CLI), then stops everything. With `watch`,
/// saved changes rebuild and reload the functions ([`watch`]).
pub async fn run(
    config: DevConfig,
    watch: Option<watch::WatchOptions>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), DevError> {
    demo_accounts::ensure(&config.emulator, &config.user_pool)
        .await
        .map_err(|e| DevError::DemoAccounts(e.to_string()))?;
    let emulator = config.emulator.clone();
    let server = start(config).await?;
    server.log(format!(
        "storefront {} · API {}{}/ · Ctrl-C stops",
        server.url(),
        server.url(),
        retail_spec::API_STAGE
    ));
    if let Some(addr) = server.invoke_addr() {
        server.log(format!(
            "Lambda Invoke API http://{addr} · aws lambda invoke --endpoint-url http://{addr} --function-name <id> out.json"
        ));
    }
    server.log(demo_accounts::banner(&emulator));
    let watching = watch.map(|options| {
        let pools = server.pools.values().cloned().collect();
        tokio::spawn(watch::run(
            options,
            pools,
            server.logs.clone(),
            server.shutdown.clone(),
        ))
    });
    shutdown.await;
    if let Some(task) = watching {
        task.abort();
    }
    server.log("stopping: gateway, pollers and every worker");
    server.stop().await;
    Ok(())
}
