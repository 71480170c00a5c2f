//! One invocation of a function and how it ended.
//!
//! An [`Invocation`] waits in its function's queue until a worker's runtime asks for it
//! (`GET …/invocation/next`); whoever ends it (the runtime's response or error, the worker's
//! death, the timeout) sends the [`Outcome`] back through its one-shot channel, exactly once.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::{Notify, oneshot};
use tokio_util::sync::CancellationToken;

/// An event waiting for a worker.
#[derive(Debug)]
pub struct Invocation {
    /// The Lambda request id (`Lambda-Runtime-Aws-Request-Id`), a UUID as in AWS.
    pub request_id: String,
    pub payload: Bytes,
    /// `Lambda-Runtime-Trace-Id` (X-Ray header format).
    pub trace_id: String,
    /// `Lambda-Runtime-Client-Context`, when the caller set one.
    pub client_context: Option<String>,
    /// `Lambda-Runtime-Cognito-Identity`, when the caller set one.
    pub cognito_identity: Option<String>,
    pub reply: oneshot::Sender<Outcome>,
    pub queued_at: Instant,
}

/// How an invocation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `POST …/invocation/{id}/response`: the function's result.
    Response(Bytes),
    /// `POST …/invocation/{id}/error`: the function reported an error.
    FunctionError { error_type: String, message: String },
    /// The worker process exited while handling the invocation (`Runtime.ExitError`).
    Crashed { detail: String },
    /// No worker could start: the process exited before asking for work, or posted
    /// `…/init/error` (`Runtime.InitError`).
    InitFailed { detail: String },
    /// The function ran past its timeout; the worker was killed and replaced.
    TimedOut { after: Duration },
}

impl Outcome {
    /// The function's own result (not an error of any kind).
    pub fn response(&self) -> Option<&Bytes> {
        match self {
            Outcome::Response(b) => Some(b),
            _ => None,
        }
    }

    /// The error type Lambda would report (`Runtime.ExitError`, `Sandbox.Timedout`, …).
    pub fn error_type(&self) -> Option<&str> {
        match self {
            Outcome::Response(_) => None,
            Outcome::FunctionError { error_type, .. } => Some(error_type),
            Outcome::Crashed { .. } => Some("Runtime.ExitError"),
            Outcome::InitFailed { .. } => Some("Runtime.InitError"),
            Outcome::TimedOut { .. } => Some("Sandbox.Timedout"),
        }
    }

    /// One line for the logs.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Response(b) => format!("response of {} bytes", b.len()),
            Outcome::FunctionError {
                error_type,
                message,
            } => format!("{error_type}: {message}"),
            Outcome::Crashed { detail } => format!("Runtime.ExitError: {detail}"),
            Outcome::InitFailed { detail } => format!("Runtime.InitError: {detail}"),
            Outcome::TimedOut { after } => {
                format!("Task timed out after {:.2} seconds", after.as_secs_f64())
            }
        }
    }
}

/// A finished invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoked {
    pub request_id: String,
    pub outcome: Outcome,
}

/// The invocations of one function waiting for a free worker (first in, first out).
#[derive(Debug, Default)]
pub struct InvocationQueue {
    items: Mutex<VecDeque<Invocation>>,
    notify: Notify,
}

impl InvocationQueue {
    pub fn push(&self, invocation: Invocation) {
        self.lock().push_back(invocation);
        self.notify.notify_one();
    }

    /// Waits until something is queued (true) or `cancel` fires (false). Another worker may
    /// still take the item first: callers pop and wait again when they get nothing.
    pub async fn wait_available(&self, cancel: &CancellationToken) -> bool {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if !self.lock().is_empty() {
                return true;
            }
            tokio::select! {
                _ = &mut notified => {}
                _ = cancel.cancelled() => {
                    // This waiter may have consumed the wake-up meant for an item: pass it on.
                    if !self.lock().is_empty() {
                        self.notify.notify_one();
                    }
                    return false;
                }
            }
        }
    }

    /// The oldest invocation whose caller still waits (abandoned ones are dropped).
    pub fn pop_live(&self) -> Option<Invocation> {
        let mut items = self.lock();
        let found = loop {
            match items.pop_front() {
                Some(inv) if inv.reply.is_closed() => continue,
                other => break other,
            }
        };
        if found.is_some() && !items.is_empty() {
            self.notify.notify_one();
        }
        found
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Invocation>> {
        // The lock guards plain data with no invariant a panic could break.
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invocation(id: &str) -> (Invocation, oneshot::Receiver<Outcome>) {
        let (tx, rx) = oneshot::channel();
        (
            Invocation {
                request_id: id.into(),
                payload: Bytes::new(),
                trace_id: String::new(),
                client_context: None,
                cognito_identity: None,
                reply: tx,
                queued_at: Instant::now(),
            },
            rx,
        )
    }

    #[tokio::test]
    async fn abandoned_invocations_are_skipped_and_order_is_fifo() {
        let q = InvocationQueue::default();
        let (a, _ra) = invocation("a");
        let (b, rb) = invocation("b");
        let (c, _rc) = invocation("c");
        q.push(a);
        q.push(b);
        q.push(c);
        drop(rb);
        assert_eq!(q.pop_live().map(|i| i.request_id), Some("a".into()));
        assert_eq!(q.pop_live().map(|i| i.request_id), Some("c".into()));
        assert!(q.pop_live().is_none());
    }

    #[tokio::test]
    async fn every_waiter_is_woken_for_its_item() {
        let q = std::sync::Arc::new(InvocationQueue::default());
        let cancel = CancellationToken::new();
        let mut waiters = Vec::new();
        for _ in 0..3 {
            let q = q.clone();
            let cancel = cancel.clone();
            waiters.push(tokio::spawn(async move {
                loop {
                    if !q.wait_available(&cancel).await {
                        return None;
                    }
                    if let Some(inv) = q.pop_live() {
                        return Some(inv.request_id);
                    }
                }
            }));
        }
        let mut receivers = Vec::new();
        for id in ["1", "2", "3"] {
            let (inv, rx) = invocation(id);
            receivers.push(rx);
            q.push(inv);
        }
        let mut got = Vec::new();
        for w in waiters {
            got.push(w.await.expect("join").expect("woken"));
        }
        got.sort();
        assert_eq!(got, vec!["1", "2", "3"]);
    }

    #[tokio::test]
    async fn cancelled_waiter_returns_false() {
        let q = InvocationQueue::default();
        let cancel = CancellationToken::new();
        cancel.cancel();
        assert!(!q.wait_available(&cancel).await);
    }
}
