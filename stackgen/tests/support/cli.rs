//! The `stackgen` binary run as a user runs it, against a test's emulator: its own copy of the
//! environment files (local.yaml's `emulator:` naming the test's emulator), the emulator's
//! endpoint and dummy credentials, no profile; `deploy` ships the local environment with tiny
//! zips (moto stores code without running it) from a shell with no AWS settings at all, as a
//! second terminal beside `make run` would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use super::{Moto, TestResult};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub struct Cli {
    pub endpoint: String,
    pub dir: PathBuf,
}

impl Cli {
    pub fn new(moto: &Moto, name: &str) -> std::io::Result<Cli> {
        let dir = std::env::temp_dir().join(format!("stackgen-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let d = dir.join("lambda").join(retail_spec::FUNCTIONS_BINARY);
        std::fs::create_dir_all(&d)?;
        std::fs::write(d.join("bootstrap.zip"), super::placeholder_zip())?;
        std::fs::create_dir_all(dir.join("environments"))?;
        for entry in std::fs::read_dir(repo().join("environments"))? {
            let path = entry?.path();
            if let Some(n) = path.file_name() {
                let body = std::fs::read_to_string(&path)?.replace(
                    "emulator: http://127.0.0.1:5000",
                    &format!("emulator: {}", moto.endpoint()),
                );
                std::fs::write(dir.join("environments").join(n), body)?;
            }
        }
        Ok(Cli {
            endpoint: moto.endpoint(),
            dir,
        })
    }

    pub fn run(&self, args: &[&str]) -> std::io::Result<Output> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_stackgen"));
        command.current_dir(repo()).args(args);
        // diff and status compare code keys with the asset manifest `deploy` wrote: this
        // test's, not whatever a `make run` left in the checkout's out/.
        if matches!(args.first(), Some(&"diff" | &"status")) {
            command.arg("--out").arg(self.dir.join("out"));
        }
        let out = command
            .env("STACKGEN_ENVIRONMENTS_DIR", self.dir.join("environments"))
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("NO_COLOR", "1")
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null())
            .output()?;
        show(args, "", &out);
        Ok(out)
    }

    /// Runs the binary with nothing of AWS in its environment (no endpoint, no credentials, no
    /// profile files, no instance metadata): only what the environment file says.
    pub fn run_bare(&self, args: &[&str]) -> std::io::Result<Output> {
        let out = Command::new(env!("CARGO_BIN_EXE_stackgen"))
            .current_dir(repo())
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.dir)
            .env("STACKGEN_ENVIRONMENTS_DIR", self.dir.join("environments"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()?;
        show(args, " (no AWS settings)", &out);
        Ok(out)
    }

    /// Deploys `local` from a shell with no AWS settings ([`Cli::run_bare`]): the stack, the
    /// site and the demo catalog all reach the emulator its file names.
    pub fn deploy(&self) -> TestResult {
        let lambda = self.dir.join("lambda").to_string_lossy().to_string();
        let out_dir = self.dir.join("out").to_string_lossy().to_string();
        let out = self.run_bare(&[
            "deploy",
            "--env",
            "local",
            "--skip-package",
            "--lambda-dir",
            &lambda,
            "--out",
            &out_dir,
            "--format",
            "json",
            "--yes",
        ])?;
        if out.status.code() != Some(0) {
            return Err(format!("deploy failed: {}", String::from_utf8_lossy(&out.stderr)).into());
        }
        Ok(())
    }

    pub fn json(&self, args: &[&str]) -> Result<Value, Box<dyn std::error::Error>> {
        let out = self.run(args)?;
        if out.status.code() != Some(0) {
            return Err(format!(
                "stackgen {} exited {:?}: {}",
                args.join(" "),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(serde_json::from_slice(&out.stdout)?)
    }
}

/// Prints a run (command, exit code, both streams) for the test's output on failure.
fn show(args: &[&str], note: &str, out: &Output) {
    println!(
        "$ stackgen {}{note}\n--- exit {:?}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
