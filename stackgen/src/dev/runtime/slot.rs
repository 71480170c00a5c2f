//! One execution environment of a function: a worker process, its own runtime API endpoint,
//! and the supervisor that replaces the process when it dies or times out.
//!
//! As in Lambda, each environment has its own runtime API (`AWS_LAMBDA_RUNTIME_API`), so the
//! endpoint knows which process asks for work and which one to kill when an invocation runs
//! past its deadline. Every process start is a new *generation*: connections, timers and
//! answers from an earlier generation are ignored, so a dead process can neither take an
//! invocation nor answer one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::sync::{oneshot, watch};
use tokio_util::sync::CancellationToken;

use super::invocation::{InvocationQueue, Outcome};
use super::{WorkerSpec, process};
use crate::dev::logs::LogSink;

/// Restart delays after a worker that dies young (a crash loop must not eat the CPU).
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// A worker that lived this long before dying is restarted at once.
const HEALTHY_UPTIME: Duration = Duration::from_secs(2);
/// How long a reaped worker's remaining output may take to reach the log.
const OUTPUT_DRAIN: Duration = Duration::from_secs(1);

/// One execution environment.
pub struct Slot {
    pub(super) spec: Arc<WorkerSpec>,
    pub(super) queue: Arc<InvocationQueue>,
    pub(super) logs: LogSink,
    pub(super) port: u16,
    state: Mutex<SlotState>,
    /// Counts slots of the pool that finished their first start (ready or failed).
    started: watch::Sender<usize>,
    announced: AtomicBool,
    /// Cancelled when the supervisor has stopped for good and its last process is reaped: the
    /// moment the runtime API endpoint may close without a live runtime seeing it go.
    api_closed: CancellationToken,
}

struct SlotState {
    generation: u64,
    token: CancellationToken,
    ready: bool,
    pid: Option<u32>,
    current: Option<InFlight>,
    init_error: Option<String>,
    /// Killed on purpose (timeout, init error, reload): not a crash.
    recycle: bool,
    /// New code is on disk: replace the worker as soon as it holds no invocation.
    reload: bool,
}

struct InFlight {
    request_id: String,
    reply: oneshot::Sender<Outcome>,
    started: Instant,
    timer: tokio::task::AbortHandle,
}

/// What `GET …/invocation/next` hands to the runtime.
#[derive(Debug)]
pub struct Assigned {
    pub request_id: String,
    pub payload: Bytes,
    pub deadline_ms: u128,
    pub trace_id: String,
    pub client_context: Option<String>,
    pub cognito_identity: Option<String>,
}

/// The result of asking for work.
#[derive(Debug)]
pub enum Next {
    Assigned(Assigned),
    /// Nothing queued: wait and ask again.
    Empty,
    /// The asking connection belongs to a process that is gone.
    Stale,
}

/// Why an answer from the runtime was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    /// No such invocation is in flight on this environment (`InvalidRequestID`).
    UnknownRequest,
}

impl Slot {
    pub(super) fn new(
        spec: Arc<WorkerSpec>,
        queue: Arc<InvocationQueue>,
        logs: LogSink,
        port: u16,
        started: watch::Sender<usize>,
    ) -> Slot {
        Slot {
            spec,
            queue,
            logs,
            port,
            state: Mutex::new(SlotState {
                generation: 0,
                token: CancellationToken::new(),
                ready: false,
                pid: None,
                current: None,
                init_error: None,
                recycle: false,
                reload: false,
            }),
            started,
            announced: AtomicBool::new(false),
            api_closed: CancellationToken::new(),
        }
    }

    /// Fires once this environment's supervisor has stopped and its last process is gone.
    pub fn api_closed(&self) -> CancellationToken {
        self.api_closed.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SlotState> {
        // Plain data: a panic elsewhere cannot leave it half-updated in a way that matters.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn log(&self, line: impl Into<String>) {
        self.logs.line(&self.spec.log_source, line);
    }

    fn announce_started(&self) {
        if !self.announced.swap(true, Ordering::SeqCst) {
            self.started.send_modify(|n| *n += 1);
        }
    }

    /// New code is on disk (`stackgen dev --watch` rebuilt it): replace this environment's
    /// worker with a process of the new binary — at once when it is idle, after its answer when
    /// it holds an invocation, so nothing in flight is dropped.
    pub fn reload(&self) {
        let mut state = self.lock();
        state.reload = true;
        if state.current.is_none() {
            state.recycle = true;
            state.token.cancel();
        }
    }

    /// The generation a newly accepted runtime API connection belongs to.
    pub fn connection_generation(&self) -> (u64, CancellationToken) {
        let state = self.lock();
        (state.generation, state.token.clone())
    }

    /// `GET …/invocation/next` from a connection of `generation`.
    pub fn take_next(self: &Arc<Self>, generation: u64) -> Next {
        let mut state = self.lock();
        if state.generation != generation || state.token.is_cancelled() {
            return Next::Stale;
        }
        if !state.ready {
            state.ready = true;
            self.announce_started();
        }
        if let Some(abandoned) = state.current.take() {
            drop(state);
            let detail = "the runtime asked for the next event without answering this one";
            self.finish(
                abandoned,
                Outcome::Crashed {
                    detail: detail.into(),
                },
                None,
            );
            state = self.lock();
            if state.generation != generation {
                return Next::Stale;
            }
        }
        if state.reload {
            // Idle again after its answer: the process of the new code takes over.
            state.recycle = true;
            state.token.cancel();
            return Next::Stale;
        }
        let Some(invocation) = self.queue.pop_live() else {
            return Next::Empty;
        };
        let timeout = self.spec.timeout;
        let deadline_ms = SystemTime::now()
            .checked_add(timeout)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_millis());
        let timer = {
            let slot = Arc::clone(self);
            let id = invocation.request_id.clone();
            tokio::spawn(async move {
                tokio::time::sleep(timeout).await;
                slot.expire(generation, &id);
            })
            .abort_handle()
        };
        state.current = Some(InFlight {
            request_id: invocation.request_id.clone(),
            reply: invocation.reply,
            started: Instant::now(),
            timer,
        });
        drop(state);
        self.log(format!(
            "START RequestId: {} Version: $LATEST",
            invocation.request_id
        ));
        Next::Assigned(Assigned {
            request_id: invocation.request_id,
            payload: invocation.payload,
            deadline_ms,
            trace_id: invocation.trace_id,
            client_context: invocation.client_context,
            cognito_identity: invocation.cognito_identity,
        })
    }

    /// `POST …/invocation/{id}/response` or `…/error`.
    pub fn answer(&self, request_id: &str, outcome: Outcome) -> Result<(), AnswerError> {
        let mut state = self.lock();
        let matches = state
            .current
            .as_ref()
            .is_some_and(|c| c.request_id == request_id);
        if !matches {
            return Err(AnswerError::UnknownRequest);
        }
        let pid = state.pid;
        let Some(in_flight) = state.current.take() else {
            return Err(AnswerError::UnknownRequest);
        };
        drop(state);
        if let Outcome::FunctionError {
            error_type,
            message,
        } = &outcome
        {
            self.log(format!(
                "{} {request_id} ERROR Invoke Error {}",
                crate::dev::logs::timestamp(),
                serde_json::json!({"errorType": error_type, "errorMessage": message})
            ));
        }
        self.finish(in_flight, outcome, pid);
        Ok(())
    }

    /// `POST …/init/error`: the runtime could not initialise; the process is replaced.
    pub fn init_failed(&self, generation: u64, detail: String) {
        let mut state = self.lock();
        if state.generation != generation {
            return;
        }
        self.log(format!(
            "INIT_REPORT Status: error Error Type: Runtime.InitError {detail}"
        ));
        state.init_error = Some(detail);
        state.recycle = true;
        state.token.cancel();
    }

    /// The timer of an invocation fired.
    fn expire(&self, generation: u64, request_id: &str) {
        let mut state = self.lock();
        let matches = state.generation == generation
            && state
                .current
                .as_ref()
                .is_some_and(|c| c.request_id == request_id);
        if !matches {
            return;
        }
        let pid = state.pid;
        let Some(in_flight) = state.current.take() else {
            return;
        };
        state.recycle = true;
        state.token.cancel();
        drop(state);
        let after = self.spec.timeout;
        self.log(format!(
            "{} {request_id} Task timed out after {:.2} seconds",
            crate::dev::logs::timestamp(),
            after.as_secs_f64()
        ));
        self.finish(in_flight, Outcome::TimedOut { after }, pid);
    }

    /// Ends an invocation: logs `END`/`REPORT` and hands the outcome to the caller.
    fn finish(&self, in_flight: InFlight, outcome: Outcome, pid: Option<u32>) {
        in_flight.timer.abort();
        let elapsed = in_flight.started.elapsed();
        let id = &in_flight.request_id;
        let mut report = format!(
            "REPORT RequestId: {id}\tDuration: {:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB",
            elapsed.as_secs_f64() * 1000.0,
            elapsed.as_millis() + 1,
            self.spec.memory_mb
        );
        if let Some(mb) = process::max_memory_mb(pid) {
            report.push_str(&format!("\tMax Memory Used: {mb} MB"));
        }
        if let Some(kind) = outcome.error_type()
            && !matches!(outcome, Outcome::FunctionError { .. })
        {
            report.push_str(&format!("\tStatus: error\tError Type: {kind}"));
        }
        self.log(format!("END RequestId: {id}"));
        self.log(report);
        // The caller may have given up (integration timeout): nothing to do then.
        let _ = in_flight.reply.send(outcome);
    }

    /// Runs worker processes until `shutdown`, replacing each one that exits; then closes the
    /// runtime API endpoint ([`Slot::api_closed`]).
    pub async fn supervise(self: Arc<Self>, shutdown: CancellationToken) {
        self.run_workers(&shutdown).await;
        self.api_closed.cancel();
    }

    async fn run_workers(self: &Arc<Self>, shutdown: &CancellationToken) {
        let mut backoff = Duration::ZERO;
        while !shutdown.is_cancelled() {
            let token = self.next_generation(shutdown);
            let born = Instant::now();
            let exit = self.run_worker(&token).await;
            token.cancel();
            let ended = self.take_ended();
            if shutdown.is_cancelled() {
                if let Some(in_flight) = ended.current {
                    let detail = "stackgen dev is shutting down".to_owned();
                    self.finish(in_flight, Outcome::Crashed { detail }, ended.pid);
                }
                break;
            }
            let recycled = ended.recycle && ended.ready;
            self.report_exit(ended, &exit);
            backoff = if recycled || born.elapsed() >= HEALTHY_UPTIME {
                Duration::ZERO
            } else {
                (backoff * 2).clamp(FIRST_BACKOFF, MAX_BACKOFF)
            };
            if !backoff.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = shutdown.cancelled() => break,
                }
            }
        }
    }

    /// Starts a new generation of the slot's state for the next worker; its cancellation token.
    fn next_generation(&self, shutdown: &CancellationToken) -> CancellationToken {
        let token = shutdown.child_token();
        let mut state = self.lock();
        state.generation += 1;
        state.token = token.clone();
        state.ready = false;
        state.pid = None;
        state.init_error = None;
        state.recycle = false;
        // This process starts from the binary as it is now.
        state.reload = false;
        token
    }

    /// Runs one worker process until it exits or `token` is cancelled (then it is killed by
    /// PID and reaped); how it ended.
    async fn run_worker(&self, token: &CancellationToken) -> String {
        match process::spawn(&self.spec, self.port, &log_stream_name(), &self.logs) {
            Ok((mut child, output)) => {
                self.lock().pid = child.id();
                let exit = tokio::select! {
                    status = child.wait() => describe_exit(status),
                    _ = token.cancelled() => {
                        // Killed by PID (SIGKILL), then reaped: no zombie, no orphan.
                        let _ = child.start_kill();
                        describe_exit(child.wait().await)
                    }
                };
                process::drain(output, OUTPUT_DRAIN).await;
                exit
            }
            Err(e) => format!("could not be started: {e}"),
        }
    }

    /// What the worker that just exited left behind.
    fn take_ended(&self) -> Ended {
        let mut state = self.lock();
        Ended {
            current: state.current.take(),
            ready: state.ready,
            init_error: state.init_error.take(),
            recycle: state.recycle,
            pid: state.pid,
        }
    }

    /// Logs why a worker exited and fails what it leaves undone: its invocation in flight, or,
    /// when it never became ready, the queued invocation that waited for it.
    fn report_exit(&self, ended: Ended, exit: &str) {
        if let Some(in_flight) = ended.current {
            let detail = format!("Runtime exited with error: {exit}");
            self.log(format!(
                "RequestId: {} Error: {detail}",
                in_flight.request_id
            ));
            self.log("Runtime.ExitError");
            self.finish(in_flight, Outcome::Crashed { detail }, ended.pid);
        } else if !ended.ready || ended.init_error.is_some() {
            let detail = ended.init_error.unwrap_or_else(|| {
                format!("the runtime exited before asking for an event: {exit}")
            });
            self.log(format!(
                "worker failed to initialise ({detail}); {} binary {}",
                if self.queue.is_empty() {
                    "restarting"
                } else {
                    "failing one queued invocation and restarting"
                },
                self.spec.binary.display()
            ));
            // The invocation that would have waited for this environment fails, as Lambda
            // fails the invoke whose cold start failed.
            if let Some(invocation) = self.queue.pop_live() {
                let _ = invocation.reply.send(Outcome::InitFailed { detail });
            }
            self.announce_started();
        } else if !ended.recycle {
            self.log(format!("worker exited while idle ({exit}); restarting"));
        }
    }
}

/// A worker's state when it exited.
struct Ended {
    current: Option<InFlight>,
    ready: bool,
    init_error: Option<String>,
    recycle: bool,
    pid: Option<u32>,
}

fn describe_exit(status: std::io::Result<std::process::ExitStatus>) -> String {
    match status {
        Ok(s) => s.to_string().replace("exit status: ", "exit status "),
        Err(e) => format!("unknown exit ({e})"),
    }
}

/// `2026/11/21/[$LATEST]<32 hex>`, the shape of a Lambda log stream name.
fn log_stream_name() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}/{:02}/{:02}/[$LATEST]{}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        uuid::Uuid::new_v4().simple()
    )
}
