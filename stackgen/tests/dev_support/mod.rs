//! Shared pieces of the `stackgen dev` tests: the echo function binary (a real
//! `lambda_runtime` client, `examples/dev_echo.rs`), a configuration that runs it for every
//! retail function, a minimal HTTP client, and a moto server of the test's own.

#![allow(dead_code)]

pub mod grants;

/// The one emulator start-up shared by every crate's tests.
#[path = "../../../functions/tests/support/moto.rs"]
mod emulator;

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::header::HeaderMap;
use hyper_util::rt::TokioIo;
use stackgen::dev::{
    DevConfig, EmulatorAccess, FunctionPlan, GatewayIdentity, LogOptions, SiteConfig, SiteStore,
    UserPoolRef,
};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type TestResult = Result<(), BoxError>;

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The built `dev_echo` example, building it when the test run did not.
pub fn echo_binary() -> Result<PathBuf, BoxError> {
    let exe = std::env::current_exe()?;
    // target/<profile>/deps/<test> → target/<profile>/examples/dev_echo
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot locate the target directory")?;
    let binary = profile_dir.join("examples").join("dev_echo");
    if !binary.is_file() {
        let status = stackgen::deploy::cargo::command(env!("CARGO"))
            .args(["build", "--workspace", "--example", "dev_echo"])
            .current_dir(workspace())
            .status()?;
        if !status.success() {
            return Err("building examples/dev_echo failed".into());
        }
    }
    if !binary.is_file() {
        return Err(format!("{} was not built", binary.display()).into());
    }
    Ok(binary)
}

/// A configuration running the echo binary for every retail function.
pub fn echo_config(
    binary: &Path,
    emulator: &str,
    pool_size: usize,
    timeout: Duration,
    extra_env: &[(&str, &str)],
) -> DevConfig {
    let functions = retail_spec::FUNCTIONS
        .iter()
        .map(|f| FunctionPlan {
            id: f.id.to_owned(),
            logical_id: format!("{}Function", stackgen::dev::plan::pascal(f.id)),
            name: format!("grocer-test-{}", f.id),
            arn: format!(
                "arn:aws:lambda:us-east-1:123456789012:function:grocer-test-{}",
                f.id
            ),
            binary: binary.to_path_buf(),
            handler: f.handler().to_owned(),
            memory_mb: f.memory_mb,
            timeout,
            variables: extra_env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            log_group: format!("/aws/lambda/grocer-test-{}", f.id),
            log_format: None,
            log_level: None,
        })
        .collect();
    DevConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        invoke_listen: Some(stackgen::dev::invoke::InvokeListen::exactly(
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )),
        // Lambda's one and two minutes, shortened: the tests see every attempt.
        async_retry_delays: vec![Duration::from_millis(200), Duration::from_millis(400)],
        ui_dir: workspace().join("ui"),
        site: SiteConfig {
            api_base: "/api".into(),
            env: "test".into(),
            stores: vec![SiteStore {
                id: "store-01".into(),
                name: "Downtown".into(),
            }],
            photo_max_bytes: 5_242_880,
            auth: None,
        },
        gateway: GatewayIdentity {
            account_id: "123456789012".into(),
            api_id: "a1b2c3d4e5".into(),
            stage: "api".into(),
        },
        functions,
        queues: Vec::new(),
        streams: Vec::new(),
        emulator: EmulatorAccess::moto(emulator, "us-east-1"),
        roles: Default::default(),
        // No such pool: a test calling a customer or staff route sets a real one
        // (`accounts::user_pool`); the public routes never ask.
        served_buckets: Vec::new(),
        user_pool: UserPoolRef {
            pool_id: "us-east-1_none".into(),
            client_id: "none".into(),
        },
        pool_size,
        integration_timeout: Duration::from_secs(30),
        start_timeout: Duration::from_secs(30),
        logs: LogOptions {
            console: std::env::var_os("DEV_TEST_LOGS").is_some(),
            dir: None,
        },
    }
}

/// A response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on a fresh connection.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Result<Reply, BoxError> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = sender
        .send_request(request.body(Full::new(body.into()))?)
        .await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await?.to_bytes();
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// A moto server of the test's own, killed on drop.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    pub fn start() -> Result<Moto, BoxError> {
        Moto::start_with(&[])
    }

    /// The emulator with these environment variables (`EMULATOR_ACTION_LOG`, …).
    pub fn start_with(vars: &[(&str, &str)]) -> Result<Moto, BoxError> {
        // The project's emulator: moto plus the Cognito user pools the stack declares, on a
        // port it binds itself and reports (`functions/tests/support/moto.rs`).
        let program = workspace().join(".venv/bin/python");
        let mut command = Command::new(&program);
        command
            .arg(workspace().join("scripts/emulator.py"))
            .args(["--exit-with-stdin", "127.0.0.1", "0"])
            .envs(vars.iter().copied())
            .stderr(Stdio::null());
        let (child, port) = emulator::spawn_emulator(&mut command)
            .map_err(|e| format!("{e} ({})", program.display()))?;
        Ok(Moto { child, port })
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        stackgen::aws::config_loader()
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(self.endpoint())
            .credentials_provider(aws_sdk_sqs::config::Credentials::new(
                "testing", "testing", None, None, "test",
            ))
            .load()
            .await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// Polls `check` until it returns Some or `limit` passes (a wait, not a timing assertion).
pub async fn eventually<T, F, Fut>(limit: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The host-built function binary (`cargo build --workspace --bin bootstrap`, the feature
/// resolution of `cargo test --workspace` too, into this test run's target directory, so after
/// the test build it is a no-op).
pub fn function_binaries() -> Result<PathBuf, BoxError> {
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot locate the target directory")?
        .to_path_buf();
    let target_dir = profile_dir
        .parent()
        .ok_or("cannot locate the target directory")?;
    let status = stackgen::deploy::cargo::command(env!("CARGO"))
        .args(stackgen::deploy::cargo::HOST_BUILD_ARGS)
        .env("CARGO_TARGET_DIR", target_dir)
        .current_dir(workspace())
        .status()?;
    if !status.success() {
        return Err(format!(
            "building the functions (cargo {}) failed",
            stackgen::deploy::cargo::HOST_BUILD_ARGS.join(" ")
        )
        .into());
    }
    Ok(profile_dir)
}

pub mod accounts;
mod local_stack;
pub use local_stack::LocalStack;

/// Renders `env` and creates its stack on `moto` with placeholder code for every function.
pub async fn deploy_local(
    moto: &Moto,
    env: &stackgen::env::Environment,
) -> Result<LocalStack, BoxError> {
    local_stack::deploy_local(&moto.sdk_config().await, env).await
}

/// `stackgen dev`'s configuration for `local` (deployed to `moto`), running the function binary
/// in `bin_dir`, one worker per function, on a free port; `DEV_TEST_LOGS` prints the workers' logs.
pub fn local_config(
    env: &stackgen::env::Environment,
    local: &LocalStack,
    moto: &Moto,
    bin_dir: PathBuf,
) -> Result<DevConfig, BoxError> {
    Ok(DevConfig::for_stack(
        env,
        &local.template,
        &local.deployed,
        stackgen::dev::DevOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            invoke_listen: Some(stackgen::dev::invoke::InvokeListen::exactly(
                SocketAddr::from(([127, 0, 0, 1], 0)),
            )),
            ui_dir: workspace().join("ui"),
            bin_dir,
            emulator: EmulatorAccess::moto(moto.endpoint(), env.region.clone()),
            pool_size: 1,
            logs: LogOptions {
                console: std::env::var_os("DEV_TEST_LOGS").is_some(),
                dir: None,
            },
        },
    )?)
}

/// A Lambda client for `stackgen dev`'s Invoke API at `addr` (as `aws lambda invoke
/// --endpoint-url` is), signing with the emulator's test credentials.
pub async fn lambda_at(addr: SocketAddr) -> aws_sdk_lambda::Client {
    let sdk = stackgen::aws::config_loader()
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(format!("http://{addr}"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_lambda::Client::new(&sdk)
}

/// (visible, in flight) message counts of a queue.
pub async fn queue_counts(sqs: &aws_sdk_sqs::Client, url: &str) -> Option<(u64, u64)> {
    use aws_sdk_sqs::types::QueueAttributeName as A;
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(A::ApproximateNumberOfMessages)
        .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .ok()?;
    let attrs = out.attributes()?;
    let n = |k: &A| attrs.get(k).and_then(|v| v.parse().ok());
    Some((
        n(&A::ApproximateNumberOfMessages)?,
        n(&A::ApproximateNumberOfMessagesNotVisible)?,
    ))
}
