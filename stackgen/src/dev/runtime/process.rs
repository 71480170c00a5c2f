//! Starting a worker process: the function's host binary with a Lambda-like environment.
//!
//! The environment is cleared first, as Lambda's is: a developer's `AWS_PROFILE` or real keys
//! must not leak into a function that should only ever reach the emulator. Workers run in their
//! own process group (a Ctrl-C in the terminal reaches `stackgen dev`, which then kills them by
//! PID, instead of racing it) and, on Linux, die with their parent even if `stackgen dev` itself
//! is killed with SIGKILL, so no worker outlives it.

use std::path::Path;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use super::WorkerSpec;
use crate::dev::logs::LogSink;

/// Variables passed through from `stackgen dev`'s own environment (debugging aids only).
const PASS_THROUGH: [&str; 3] = ["RUST_BACKTRACE", "RUST_LOG", "RUST_LIB_BACKTRACE"];

/// Spawns one worker whose runtime API is at `127.0.0.1:{port}`. Also returns the tasks copying
/// its stdout and stderr into the log: they end at the pipes' EOF, and whoever reaps the process
/// awaits them ([`drain`]), so a worker's last lines (a panic message) are never lost.
pub fn spawn(
    spec: &WorkerSpec,
    port: u16,
    log_stream: &str,
    logs: &LogSink,
) -> std::io::Result<(Child, Vec<JoinHandle<()>>)> {
    let mut command = Command::new(&spec.binary);
    command
        .env_clear()
        .envs(spec.environment.iter().map(|(k, v)| (k, v)))
        .envs(
            PASS_THROUGH
                .iter()
                .filter_map(|k| std::env::var(k).ok().map(|v| (*k, v))),
        )
        .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{port}"))
        .env("AWS_LAMBDA_LOG_STREAM_NAME", log_stream)
        .current_dir(spec.binary.parent().unwrap_or(Path::new(".")))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .process_group(0);
    die_with_parent(&mut command);
    let mut child = command.spawn()?;
    let mut output = Vec::new();
    if let Some(out) = child.stdout.take() {
        output.push(forward(out, spec, logs));
    }
    if let Some(err) = child.stderr.take() {
        output.push(forward(err, spec, logs));
    }
    Ok((child, output))
}

/// Waits (at most `limit`) for a reaped worker's output to be copied to the end.
pub async fn drain(output: Vec<JoinHandle<()>>, limit: std::time::Duration) {
    for task in output {
        let abort = task.abort_handle();
        if tokio::time::timeout(limit, task).await.is_err() {
            // Something else holds the pipe open (a grandchild): stop copying.
            abort.abort();
        }
    }
}

/// Copies each line the worker writes into its function's log stream.
fn forward(
    stream: impl AsyncRead + Unpin + Send + 'static,
    spec: &WorkerSpec,
    logs: &LogSink,
) -> JoinHandle<()> {
    let logs = logs.clone();
    let source = spec.log_source.clone();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            logs.line(&source, line);
        }
    })
}

#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
    // SAFETY: the closure runs in the child between fork and exec and only makes
    // async-signal-safe calls (prctl, getppid, _exit) on values captured by copy.
    let parent = std::process::id();
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect.
            if u32::try_from(libc::getppid()).ok() != Some(parent) {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut Command) {}

/// Peak resident memory of a process in MB (`VmHWM`), for `REPORT` lines; None off Linux.
pub fn max_memory_mb(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb.div_ceil(1024))
}
