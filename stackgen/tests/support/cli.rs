//! The `stackgen` binary run as a user runs it, against a test's emulator: its own copy of the
//! environment files, the emulator's endpoint and dummy credentials, no profile; `deploy`
//! ships the local environment with tiny zips (moto stores code without running it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use super::{Moto, TestResult};

pub const EMPTY_ZIP: &[u8] = &[
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

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
        std::fs::write(d.join("bootstrap.zip"), EMPTY_ZIP)?;
        std::fs::create_dir_all(dir.join("environments"))?;
        for entry in std::fs::read_dir(repo().join("environments"))? {
            let path = entry?.path();
            if let Some(n) = path.file_name() {
                std::fs::copy(&path, dir.join("environments").join(n))?;
            }
        }
        Ok(Cli {
            endpoint: moto.endpoint(),
            dir,
        })
    }

    pub fn run(&self, args: &[&str]) -> std::io::Result<Output> {
        let out = Command::new(env!("CARGO_BIN_EXE_stackgen"))
            .current_dir(repo())
            .args(args)
            .env("STACKGEN_ENVIRONMENTS_DIR", self.dir.join("environments"))
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("NO_COLOR", "1")
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null())
            .output()?;
        println!(
            "$ stackgen {}\n--- exit {:?}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(out)
    }

    pub fn deploy(&self) -> TestResult {
        let lambda = self.dir.join("lambda").to_string_lossy().to_string();
        let out_dir = self.dir.join("out").to_string_lossy().to_string();
        let out = self.run(&[
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
