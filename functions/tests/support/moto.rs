//! A moto server on loopback for tests: started on a port the OS picks, gone when the test
//! process is.
//!
//! Dependency-free (std only) so other crates' tests include it with `#[path]` (stackgen's
//! `tests/support` and `tests/dev_support` use [`spawn_emulator`]).
//!
//! The emulator binds port 0 and prints the port it got. Choosing a free port first and handing
//! it over raced: two tests could be given the same one, the second emulator would fail to bind,
//! and its test would talk to the first test's server until that test ended and its server went
//! away. A CI run once failed that way ("connection refused" in the middle of a test); the
//! race fits it, though that run kept no emulator log to prove it.
//!
//! The server is the project's emulator, `scripts/emulator.py` (moto with serialised requests
//! and CloudFormation rollback; see the script for why), run by the workspace's
//! `.venv/bin/python` (or `$MOTO_PYTHON`, or `python3` on PATH with moto installed). It exits
//! when the test process exits, because its stdin closes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// A running moto server.
pub struct Moto {
    child: Child,
    pub port: u16,
    /// `http://127.0.0.1:PORT`: the value for `AWS_ENDPOINT_URL`.
    pub endpoint: String,
    /// Where the server's own log goes.
    pub log: PathBuf,
}

/// The dummy credentials and region moto accepts.
pub const REGION: &str = "us-east-1";
pub const ACCESS_KEY_ID: &str = "testing";
pub const SECRET_ACCESS_KEY: &str = "testing";

impl Moto {
    /// Starts a new server (tests normally use [`shared`]).
    pub fn start() -> Moto {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let script = here.join("../scripts/emulator.py");
        let python = python(here);
        let log = std::env::temp_dir().join(format!(
            "moto-{}-{}.log",
            std::process::id(),
            NEXT_LOG.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let log_file = std::fs::File::create(&log)
            .unwrap_or_else(|e| panic!("cannot create the moto log {}: {e}", log.display()));
        let mut command = Command::new(&python);
        command
            .arg(&script)
            .args(["--exit-with-stdin", "127.0.0.1", "0"])
            .stderr(log_file);
        let (child, port) = spawn_emulator(&mut command).unwrap_or_else(|e| {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!(
                "{e} ({} {}; run `make tools`, or set MOTO_PYTHON to a python with moto[server])\n{log}",
                python.display(),
                script.display()
            )
        });
        Moto {
            child,
            port,
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
        }
    }
}

static NEXT_LOG: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Spawns the emulator `command` describes (its PORT argument `0`) with stdin and stdout piped,
/// and returns it with the port it reports on its first line of stdout once it is listening
/// (`emulator listening on 127.0.0.1:PORT`, scripts/emulator.py). Its stdout is drained after
/// that line, so the emulator never blocks on a full pipe. The emulator is killed if it does
/// not report within 60 s.
pub fn spawn_emulator(command: &mut Command) -> Result<(Child, u16), String> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the emulator: {e}"))?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        return Err("the emulator's stdout is not piped".to_owned());
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let _ = tx.send(reader.read_line(&mut first).map(|_| first));
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let line = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(line)) => line,
        Ok(Err(e)) => format!("(unreadable stdout: {e})"),
        Err(_) => "(nothing within 60 s)".to_owned(),
    };
    let port = line
        .trim()
        .strip_prefix("emulator listening on ")
        .and_then(|addr| addr.rsplit(':').next())
        .and_then(|port| port.parse().ok());
    match port {
        Some(port) => Ok((child, port)),
        None => {
            let _ = child.kill();
            let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
            Err(format!(
                "the emulator did not report its port (first line {:?}; {status})",
                line.trim()
            ))
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One server per test process, started on first use.
pub fn shared() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(Moto::start)
}

fn python(crate_dir: &Path) -> PathBuf {
    if let Some(p) = std::env::var_os("MOTO_PYTHON") {
        return PathBuf::from(p);
    }
    crate_dir
        .ancestors()
        .map(|d| d.join(".venv/bin/python"))
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("python3"))
}
