//! Running functions locally behind the Lambda runtime API: a warm pool per function.
//!
//! A [`Pool`] owns N execution environments ([`slot::Slot`]), each a worker process of the
//! function's host-built binary with its own runtime API endpoint. Invocations queue per
//! function and go to whichever environment asks first, as in Lambda; a crashed or timed-out
//! environment is replaced, and the invocation it held ends with the matching [`Outcome`].

pub mod api;
pub mod invocation;
pub mod process;
pub mod slot;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub use invocation::{Invocation, InvocationQueue, Invoked, Outcome};

use super::error::DevError;
use super::logs::LogSink;

/// Everything needed to start a worker of one function.
#[derive(Debug, Clone)]
pub struct WorkerSpec {
    /// The function's id in retail_spec (`catalog`).
    pub function_id: String,
    /// `Lambda-Runtime-Invoked-Function-Arn`.
    pub function_arn: String,
    pub binary: PathBuf,
    pub memory_mb: u32,
    pub timeout: Duration,
    /// The complete process environment except `AWS_LAMBDA_RUNTIME_API` and the log stream
    /// name, which differ per process.
    pub environment: Vec<(String, String)>,
    /// The log stream's name in the console prefix.
    pub log_source: Arc<str>,
}

/// What a caller passes with an event.
#[derive(Debug, Clone, Default)]
pub struct InvokeRequest {
    pub payload: Bytes,
    /// X-Ray trace header; generated when absent.
    pub trace_id: Option<String>,
    pub client_context: Option<String>,
    pub cognito_identity: Option<String>,
}

/// The warm pool of one function.
pub struct Pool {
    spec: Arc<WorkerSpec>,
    queue: Arc<InvocationQueue>,
    size: usize,
    started: watch::Receiver<usize>,
    slots: Vec<Arc<slot::Slot>>,
}

impl Pool {
    /// Binds one runtime API endpoint per environment and starts the supervisors (which spawn
    /// the processes) on `tasks`; they stop, killing their processes, when `shutdown` fires.
    pub async fn start(
        spec: WorkerSpec,
        size: usize,
        logs: &LogSink,
        shutdown: &CancellationToken,
        tasks: &mut JoinSet<()>,
    ) -> Result<Pool, DevError> {
        if !spec.binary.is_file() {
            return Err(DevError::MissingBinary {
                function: spec.function_id.clone(),
                binary: spec.binary.clone(),
            });
        }
        let size = size.max(1);
        let spec = Arc::new(spec);
        let queue = Arc::new(InvocationQueue::default());
        let (started_tx, started) = watch::channel(0usize);
        let mut slots = Vec::with_capacity(size);
        for _ in 0..size {
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let listener = TcpListener::bind(addr)
                .await
                .map_err(|source| DevError::Bind { addr, source })?;
            let port = listener
                .local_addr()
                .map_err(|source| DevError::Bind { addr, source })?
                .port();
            let slot = Arc::new(slot::Slot::new(
                Arc::clone(&spec),
                Arc::clone(&queue),
                logs.clone(),
                port,
                started_tx.clone(),
            ));
            // The endpoint outlives `shutdown` until the slot's worker is reaped (see api.rs).
            tasks.spawn(api::serve(Arc::clone(&slot), listener, slot.api_closed()));
            tasks.spawn(Arc::clone(&slot).supervise(shutdown.clone()));
            slots.push(slot);
        }
        Ok(Pool {
            spec,
            queue,
            size,
            started,
            slots,
        })
    }

    /// The function's binary was rebuilt: every environment replaces its worker with a process
    /// of the new code, idle ones at once, busy ones after their answer ([`slot::Slot::reload`]).
    pub fn reload(&self) {
        for slot in &self.slots {
            slot.reload();
        }
    }

    pub fn function_id(&self) -> &str {
        &self.spec.function_id
    }

    pub fn spec(&self) -> &WorkerSpec {
        &self.spec
    }

    /// Invocations waiting for a free environment.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Waits until every environment has started once (asked for work, or failed to start).
    pub async fn wait_started(&self, timeout: Duration) -> bool {
        let mut started = self.started.clone();
        let size = self.size;
        tokio::time::timeout(timeout, started.wait_for(|n| *n >= size))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Invokes the function synchronously (RequestResponse) and waits for the outcome.
    /// Dropping the future abandons the invocation; a queued one is then never delivered.
    pub async fn invoke(&self, request: InvokeRequest) -> Invoked {
        let (reply, outcome) = oneshot::channel();
        let request_id = uuid::Uuid::new_v4().to_string();
        self.queue.push(Invocation {
            request_id: request_id.clone(),
            payload: request.payload,
            trace_id: request.trace_id.unwrap_or_else(new_trace_id),
            client_context: request.client_context,
            cognito_identity: request.cognito_identity,
            reply,
            queued_at: Instant::now(),
        });
        let outcome = outcome.await.unwrap_or_else(|_| Outcome::Crashed {
            detail: "the execution environment went away without an answer".into(),
        });
        Invoked {
            request_id,
            outcome,
        }
    }
}

/// A new X-Ray trace header: `Root=1-<epoch hex>-<96-bit hex>;Parent=<64-bit hex>;Sampled=0`.
pub fn new_trace_id() -> String {
    let epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let random = uuid::Uuid::new_v4().simple().to_string();
    let parent = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "Root=1-{epoch:08x}-{};Parent={};Sampled=0",
        &random[..24],
        &parent[..16]
    )
}
