//! A real moto server per test: spawned on a 127.0.0.1 port the OS picks (the emulator binds
//! port 0 and reports it: `functions/tests/support/moto.rs`, [`emulator::spawn_emulator`]),
//! killed on drop.
//!
//! AWS calls are tested against the emulator, never against fakes of the SDK. Each test starts
//! its own server so tests cannot see each other's stacks and can run in parallel.

#![allow(dead_code)]

pub mod cli;

/// The one emulator start-up shared by every crate's tests.
#[allow(dead_code)]
#[path = "../../../functions/tests/support/moto.rs"]
mod emulator;

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use stackgen::aws::{AwsContext, AwsTarget, StaticCredentials};
use stackgen::deploy::{Progress, StackEvent, WaitOptions};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A running moto server.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    /// Starts the project's emulator (`scripts/emulator.py`: moto's server with serialised
    /// requests and CloudFormation rollback, run by the project venv's Python) and waits until
    /// it accepts connections. It exits with this process (its stdin closes).
    pub fn start() -> Result<Moto, Box<dyn std::error::Error>> {
        Moto::start_with(&[])
    }

    /// [`Moto::start`] with environment variables for the emulator (`EMULATOR_LAMBDA_CONCURRENCY`,
    /// `EMULATOR_COST_TAGS_SEEN`: the account it emulates, see `scripts/emulator.py`).
    pub fn start_with(vars: &[(&str, &str)]) -> Result<Moto, Box<dyn std::error::Error>> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let python = root.join(".venv/bin/python");
        if !python.is_file() {
            return Err(format!("{} is missing: run `make tools`", python.display()).into());
        }
        let mut command = Command::new(&python);
        command
            .envs(vars.iter().copied())
            .arg(root.join("scripts/emulator.py"))
            .args(["--exit-with-stdin", "127.0.0.1", "0"])
            .stderr(Stdio::null());
        let (child, port) = emulator::spawn_emulator(&mut command)
            .map_err(|e| format!("{e} ({}; run `make tools`)", python.display()))?;
        Ok(Moto { child, port })
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// POSTs JSON to moto's own API (`/moto-api/…`) and returns the response's status line.
    pub fn post(&self, path: &str, body: &str) -> std::io::Result<String> {
        use std::io::{Read, Write};
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        let mut resp = String::new();
        s.read_to_string(&mut resp)?;
        Ok(resp.lines().next().unwrap_or_default().to_string())
    }

    /// A context pointed at this server with dummy credentials.
    pub async fn context(&self) -> AwsContext {
        AwsContext::connect(&target(Some(self.endpoint()))).await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The test target: us-east-1, dummy credentials, the given endpoint.
pub fn target(endpoint: Option<String>) -> AwsTarget {
    AwsTarget {
        region: "us-east-1".into(),
        profile: None,
        endpoint_url: endpoint,
        credentials: Some(StaticCredentials {
            access_key_id: "testing".into(),
            secret_access_key: "testing".into(),
        }),
    }
}

/// A port nothing listens on (bound, then released).
pub fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

/// Fast polling for the emulator, which finishes operations synchronously.
pub fn quick_wait() -> WaitOptions {
    WaitOptions {
        poll_interval: Duration::from_millis(50),
        timeout: Duration::from_secs(120),
    }
}

/// Progress collected for assertions.
#[derive(Default)]
pub struct Recorded {
    pub steps: std::sync::Mutex<Vec<String>>,
    pub events: std::sync::Mutex<Vec<StackEvent>>,
}

impl Progress for Recorded {
    fn step(&self, message: &str) {
        if let Ok(mut s) = self.steps.lock() {
            s.push(message.to_string());
        }
    }
    fn stack_event(&self, event: &StackEvent) {
        if let Ok(mut e) = self.events.lock() {
            e.push(event.clone());
        }
    }
}

impl Recorded {
    pub fn steps(&self) -> Vec<String> {
        self.steps.lock().map(|s| s.clone()).unwrap_or_default()
    }
    pub fn events(&self) -> Vec<StackEvent> {
        self.events.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// `k=v` pairs to a map.
pub fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A zip Lambda would take (`bootstrap` at its root, as `package` checks), holding a shell
/// script: the code of the stacks the tests deploy to the emulator, which stores it and never
/// runs it.
pub fn placeholder_zip() -> Vec<u8> {
    stackgen::deploy::package::bootstrap_zip::archive(b"#!/bin/sh\nexit 1\n").unwrap_or_default()
}
