//! Cold-start and package-size bench of the Lambda functions (`make bench`,
//! `scripts/bench-functions.sh`).
//!
//! For every function of `retail_spec::FUNCTIONS` it execs the host-built `bootstrap` (every
//! function in one binary) with that function's `_HANDLER` and `AWS_LAMBDA_RUNTIME_API` pointing
//! at a minimal Lambda runtime API on loopback (this program),
//! and measures the time from exec to the function's first
//! `GET /2018-06-01/runtime/invocation/next`: everything a cold start does before it can take an
//! event (runtime, configuration, SDK clients). It prints the median, min and max over the runs
//! and, when given the cargo-lambda output directory, the size of the zip they all ship in. It measures and
//! reports; it does not fail on a slow machine.
//!
//! Usage: `runtime_api_bench <dir with host release binaries> [<cargo-lambda dir>] [--runs N]`

use retail_spec::{Access, FUNCTIONS, FUNCTIONS_BINARY, FunctionSpec, STORES_VAR};
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const NEXT: &str = "/2018-06-01/runtime/invocation/next";
/// 5 MB, decimal: the zip's size is compared in bytes.
const ZIP_TARGET_BYTES: u64 = 5_000_000;
const INIT_TARGET_MS: f64 = 15.0;
/// A function that has not asked for an event by then is reported as failing to start.
const START_TIMEOUT: Duration = Duration::from_secs(10);

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut runs: usize = 15;
    while let Some(a) = args.next() {
        if a == "--runs" {
            runs = args
                .next()
                .and_then(|n| n.parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(runs);
        } else {
            dirs.push(PathBuf::from(a));
        }
    }
    let Some(bin_dir) = dirs.first() else {
        eprintln!(
            "usage: runtime_api_bench <dir with host release binaries> [<cargo-lambda dir>] [--runs N]"
        );
        return ExitCode::from(2);
    };
    let zip_dir = dirs.get(1);
    match bench(bin_dir, zip_dir.map(PathBuf::as_path), runs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(bin_dir: &Path, zip_dir: Option<&Path>, runs: usize) -> Result<(), String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen on loopback: {e}"))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot poll the listener: {e}"))?;
    let api = listener
        .local_addr()
        .map_err(|e| format!("no listener address: {e}"))?
        .to_string();
    let bin = bin_dir.join(FUNCTIONS_BINARY);
    if !bin.is_file() {
        return Err(format!(
            "{} does not exist; build the functions for the host first (cargo build --release -p retail-functions --bins)",
            bin.display()
        ));
    }
    let zip = zip_dir.map(|d| d.join(FUNCTIONS_BINARY).join("bootstrap.zip"));
    let zip_bytes = match zip.as_ref().map(std::fs::metadata) {
        Some(Ok(m)) => Some(m.len()),
        Some(Err(e)) => return Err(format!("{}: {e}", zip.unwrap_or_default().display())),
        None => None,
    };
    match zip_bytes {
        Some(bytes) => println!(
            "zip (every function): {bytes} bytes ({:.2} MB, {:.2} MiB), target ≤ 5 MB \
             ({ZIP_TARGET_BYTES} bytes): {}",
            bytes as f64 / 1e6,
            bytes as f64 / (1024.0 * 1024.0),
            verdict(bytes <= ZIP_TARGET_BYTES)
        ),
        None => println!("zip: not measured (no cargo-lambda directory given)"),
    }
    println!(
        "{:<16} {:>11} {:>8} {:>8} {:>7}   (init = exec of {FUNCTIONS_BINARY} with _HANDLER → first GET {NEXT}, {runs} runs)",
        "handler", "init median", "min", "max", "≤15 ms"
    );
    let mut worst_init: f64 = 0.0;
    for f in FUNCTIONS {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            times.push(cold_start(&bin, f, &api, &listener)?);
        }
        times.sort_by(f64::total_cmp);
        let median = if times.len() % 2 == 1 {
            times[times.len() / 2]
        } else {
            (times[times.len() / 2 - 1] + times[times.len() / 2]) / 2.0
        };
        worst_init = worst_init.max(median);
        println!(
            "{:<16} {:>8.2} ms {:>8.2} {:>8.2} {:>7}",
            f.handler(),
            median,
            times[0],
            times[times.len() - 1],
            verdict(median <= INIT_TARGET_MS)
        );
    }
    println!("slowest median init {worst_init:.2} ms (target ≤ {INIT_TARGET_MS} ms)");
    Ok(())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "OVER" }
}

/// One cold start: milliseconds from exec to the first `/next` request.
fn cold_start(
    bin: &Path,
    f: &'static FunctionSpec,
    api: &str,
    listener: &TcpListener,
) -> Result<f64, String> {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .env_clear()
        .envs(environment(f, api))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot exec {}: {e}", bin.display()))?;
    let outcome = wait_for_next(&mut child, listener, started);
    let _ = child.kill();
    let _ = child.wait();
    outcome.map_err(|e| format!("{}: {e}", f.handler()))
}

fn wait_for_next(
    child: &mut Child,
    listener: &TcpListener,
    started: Instant,
) -> Result<f64, String> {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(elapsed) = read_request_line(stream, started)? {
                    return Ok(elapsed);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(format!("accept failed: {e}")),
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "exited with {status} before asking for an event (run it by hand with the same environment to see why)"
            ));
        }
        if started.elapsed() > START_TIMEOUT {
            return Err(format!("did not ask for an event within {START_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_micros(50));
    }
}

/// Reads the request line; `Some(ms since exec)` when it is the `/next` poll.
fn read_request_line(mut stream: TcpStream, started: Instant) -> Result<Option<f64>, String> {
    stream
        .set_nonblocking(false)
        .and_then(|()| stream.set_read_timeout(Some(START_TIMEOUT)))
        .map_err(|e| format!("socket setup failed: {e}"))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.contains(&b'\n') {
        let n = stream
            .read(&mut chunk)
            .map_err(|e| format!("reading the request failed: {e}"))?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let line = String::from_utf8_lossy(&buf);
    let first = line.lines().next().unwrap_or_default();
    Ok((first.starts_with("GET ") && first.contains(NEXT)).then_some(elapsed))
}

/// What Lambda (and the stack) give the function: runtime variables, region and credentials,
/// one variable per grant, the stores.
fn environment(f: &'static FunctionSpec, api: &str) -> Vec<(String, String)> {
    let mut env = vec![
        ("_HANDLER".to_owned(), f.handler().to_owned()),
        ("AWS_LAMBDA_RUNTIME_API".to_owned(), api.to_owned()),
        (
            "AWS_LAMBDA_FUNCTION_NAME".to_owned(),
            format!("bench-{}", f.id),
        ),
        (
            "AWS_LAMBDA_FUNCTION_VERSION".to_owned(),
            "$LATEST".to_owned(),
        ),
        (
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE".to_owned(),
            f.memory_mb.to_string(),
        ),
        ("AWS_REGION".to_owned(), "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID".to_owned(), "bench".to_owned()),
        ("AWS_SECRET_ACCESS_KEY".to_owned(), "bench".to_owned()),
        ("AWS_SESSION_TOKEN".to_owned(), "bench".to_owned()),
    ];
    for a in f.access {
        let (var, value) = match a {
            Access::TableRead(t) | Access::TableWrite(t) => {
                (t.env_var, format!("bench-{}", t.name))
            }
            Access::TableScan(_) => continue,
            Access::QueueSend(q) | Access::QueueConsume(q) => (
                q.env_var,
                format!(
                    "https://sqs.us-east-1.amazonaws.com/123456789012/bench-{}",
                    q.name
                ),
            ),
            Access::TopicPublish(t) => (
                t.env_var,
                format!("arn:aws:sns:us-east-1:123456789012:bench-{}", t.name),
            ),
            Access::BucketRead(b)
            | Access::BucketWrite(b)
            | Access::BucketPut(b)
            | Access::BucketDelete(b)
            | Access::BucketList(b) => (b.env_var, format!("bench-{}", b.name)),
            Access::OwnStack => (retail_spec::STACK_NAME_VAR, "bench-stack".to_owned()),
            Access::StackFunctionsConcurrency
            | Access::StackBucketsEmpty
            | Access::OwnStackDelete
            | Access::TableStream(_) => continue,
            // Placeholders: the cold start reads them and calls nothing.
            Access::SendEmail => (
                retail_spec::NOTIFY_SENDER_VAR,
                "orders@bench.example".to_owned(),
            ),
            Access::UserLookup => (retail_spec::USER_POOL_ID_VAR, "us-east-1_bench".to_owned()),
        };
        env.push((var.to_owned(), value));
    }
    if f.needs_stores {
        env.push((STORES_VAR.to_owned(), "store-01,store-02".to_owned()));
    }
    if f.id == retail_spec::KILL_SWITCH_FN.id {
        env.push((
            retail_spec::KILL_ACTION_VAR.to_owned(),
            "throttle".to_owned(),
        ));
        env.push((
            retail_spec::BUDGET_NAME_VAR.to_owned(),
            "bench-monthly".to_owned(),
        ));
    }
    env
}
