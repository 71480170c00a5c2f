//! A moto server on loopback for tests: started on a free port, gone when the test process is.
//!
//! Dependency-free (std only) so other crates' tests can include it with
//! `#[path = "../../functions/tests/support/moto.rs"] mod moto;`.
//! The server is the project's emulator, `scripts/emulator.py` (moto with serialised requests
//! and CloudFormation rollback; see the script for why), run by the workspace's
//! `.venv/bin/python` (or `$MOTO_PYTHON`, or `python3` on PATH with moto installed). It exits
//! when the test process exits, because its stdin closes.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

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
        let port = free_port();
        let log = std::env::temp_dir().join(format!("moto-{port}.log"));
        let log_file = std::fs::File::create(&log)
            .unwrap_or_else(|e| panic!("cannot create the moto log {}: {e}", log.display()));
        let err_file = log_file
            .try_clone()
            .unwrap_or_else(|e| panic!("cannot share the moto log handle: {e}"));
        let child = Command::new(&python)
            .arg(&script)
            .arg("--exit-with-stdin")
            .arg("127.0.0.1")
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(log_file)
            .stderr(err_file)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start moto with {} {}: {e}. Run `make venv` (or set MOTO_PYTHON to a python with moto[server])",
                    python.display(),
                    script.display()
                )
            });
        let mut moto = Moto {
            child,
            port,
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
        };
        moto.wait_ready();
        moto
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                panic!("moto exited during start-up ({status}):\n{log}");
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("moto did not listen on port {} within 60 s", self.port);
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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port on 127.0.0.1: {e}"))
}
