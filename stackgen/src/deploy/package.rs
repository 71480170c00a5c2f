//! `stackgen package`: build the functions' Lambda zip and record what was built.
//!
//! Every function is an entry point of one binary, `bootstrap` ([`retail_spec::FUNCTIONS_BINARY`];
//! each function's `Handler` picks its entry point), so a package is one build, one link and one
//! zip. cargo-lambda does the building (`cargo lambda build --profile release --arm64
//! --output-format zip --bin bootstrap`, or the `lambda-quick` profile into `target/lambda-quick-zip`
//! for `function_code: lambda-quick`); cargo's incremental build makes an unchanged package cost
//! nothing to rebuild, and the zip's sha256 — compared with the previous manifest — says whether
//! the code changed. The manifest (`out/<env>/assets.json`) is what upload and status read:
//! function id → zip, sha256, size (the same zip for every function).
//!
//! An environment on the local emulator may say `function_code: host` instead: then the
//! functions are built for this machine in debug (`cargo build --workspace --bin bootstrap`, what `stackgen
//! dev` runs anyway) and the binary is zipped ([`bootstrap_zip`]) —
//! real, deterministic zips, so hashes, uploads and change detection work exactly as for
//! cargo-lambda's, without a cross-compiled release build that the emulator would never run.

pub mod bootstrap_zip;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use retail_spec::{FUNCTIONS_BINARY, FunctionSpec};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cargo;
use super::progress::Progress;
use crate::env::{Environment, FunctionCode};

/// The pinned cargo-lambda version (what `make tools` installs).
pub const CARGO_LAMBDA_VERSION: &str = "1.9.2";

/// One packaged function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionAsset {
    /// The zip cargo-lambda wrote (`target/lambda/bootstrap/bootstrap.zip`).
    pub zip: PathBuf,
    /// Hex sha256 of the zip: the asset's identity (`assets/<sha256>.zip`).
    pub sha256: String,
    pub size: u64,
    /// False when the zip is byte-identical to the previous manifest's (not written to disk).
    #[serde(skip)]
    pub changed: bool,
}

/// `out/<env>/assets.json`: function id → its zip.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AssetManifest {
    pub functions: BTreeMap<String, FunctionAsset>,
}

impl AssetManifest {
    /// Records `id`'s zip, marked changed unless `previous` has the same sha256.
    fn insert_compared(
        &mut self,
        previous: &AssetManifest,
        id: &str,
        zip: PathBuf,
        sha256: String,
        size: u64,
    ) {
        let changed = previous
            .functions
            .get(id)
            .is_none_or(|p| p.sha256 != sha256);
        self.functions.insert(
            id.to_string(),
            FunctionAsset {
                zip,
                sha256,
                size,
                changed,
            },
        );
    }

    /// The manifest's path for an output directory (`out/<env>`).
    pub fn path_in(out_dir: &Path) -> PathBuf {
        out_dir.join("assets.json")
    }

    /// Reads a manifest; `Ok(None)` when the file does not exist.
    pub fn read(path: &Path) -> Result<Option<AssetManifest>, PackageError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(PackageError::io(path, e)),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| PackageError::BadManifest {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })
    }

    /// Writes the manifest (pretty JSON), creating the directory.
    pub fn write(&self, path: &Path) -> Result<(), PackageError> {
        let write = |path: &Path, source| PackageError::Write {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| write(dir, e))?;
        }
        let mut text =
            serde_json::to_string_pretty(self).map_err(|e| PackageError::BadManifest {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
        text.push('\n');
        std::fs::write(path, text).map_err(|e| write(path, e))
    }
}

/// Why packaging stopped.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error(
        "cargo-lambda was not found (looked on PATH and in {venv}). Install it with \
         `make tools`, or `pip install cargo-lambda=={version}` into the project virtualenv \
         (`.venv/bin/pip install cargo-lambda=={version}`); the arm64 build also needs \
         `rustup target add aarch64-unknown-linux-gnu`."
    )]
    CargoLambdaMissing { venv: String, version: &'static str },
    #[error(
        "`cargo lambda build` failed ({status}) building the functions' binary \
         `{binary}`. Its output is above; run `cargo lambda build --profile {profile} --arm64 \
         --output-format zip --bin {binary} --manifest-path {manifest}{config}` to reproduce it."
    )]
    BuildFailed {
        status: String,
        binary: &'static str,
        profile: &'static str,
        manifest: String,
        /// The `--config` arguments the build had (` --config '…'`), or nothing.
        config: String,
    },
    #[error(
        "the functions' zip {zip} does not exist (the functions are one binary, `{binary}`, \
         which retail-spec FUNCTIONS_BINARY names); run `stackgen package` without \
         --skip-build, or check that functions/Cargo.toml builds a binary of that name."
    )]
    ZipMissing { binary: &'static str, zip: PathBuf },
    #[error(
        "{zip} is not a Lambda zip: {problem}. The provided.al2023 runtime runs the executable \
         `bootstrap` at the zip's root; run `stackgen package` without --skip-build to build \
         and zip it again."
    )]
    NotALambdaZip { zip: PathBuf, problem: String },
    #[error(
        "`cargo build` of the host binary `{binary}` failed ({status}). Its output \
         is above; run `cargo build --manifest-path {manifest} --bin {binary}` to reproduce it."
    )]
    HostBuildFailed {
        status: String,
        binary: &'static str,
        manifest: String,
    },
    #[error(
        "the functions' host binary {path} does not exist (`{binary}`, retail-spec \
         FUNCTIONS_BINARY, which cargo builds into {dir}): build it (`stackgen package` without \
         --skip-build does, and so does `make run`), or check --workspace; if cargo has just \
         built it, check that functions/Cargo.toml builds a binary of that name."
    )]
    HostBinaryMissing {
        binary: &'static str,
        path: PathBuf,
        dir: PathBuf,
    },
    #[error("cannot zip the host binary {binary}: {source}")]
    Zip {
        binary: PathBuf,
        #[source]
        source: bootstrap_zip::ZipError,
    },
    #[error("the asset manifest {path} is not valid: {detail}. Delete it and package again.")]
    BadManifest { path: PathBuf, detail: String },
    #[error(
        "cannot write {path}: {source}. Check that each folder on the way (--out, --lambda-dir) \
         is a directory this user may write"
    )]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl PackageError {
    fn io(path: &Path, source: std::io::Error) -> PackageError {
        PackageError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// What to build and where to write the manifest.
#[derive(Debug, Clone)]
pub struct PackageRequest<'a> {
    /// The workspace root (holds `.venv/`, `target/`).
    pub workspace_root: PathBuf,
    /// The functions crate's `Cargo.toml`.
    pub functions_manifest: PathBuf,
    /// Where the zip is (`<dir>/bootstrap/bootstrap.zip`); normally `<workspace>/target/lambda`
    /// for the release build, `target/lambda-quick-zip` for the quick one and `target/lambda-host`
    /// for host builds.
    pub lambda_dir: PathBuf,
    /// `out/<env>`: the manifest goes to `assets.json` in it.
    pub out_dir: PathBuf,
    pub functions: &'a [&'static FunctionSpec],
    /// What goes into the zips (the environment's `function_code`).
    pub code: FunctionCode,
    /// Where cargo leaves the host debug builds (`$CARGO_TARGET_DIR/debug`, else
    /// `<workspace>/target/debug`); read when `code` is [`FunctionCode::Host`].
    pub host_bin_dir: PathBuf,
}

impl PackageRequest<'_> {
    /// The standard layout under `workspace_root` for environment `env` (cargo-lambda zips).
    pub fn standard(workspace_root: &Path, env: &str) -> PackageRequest<'static> {
        PackageRequest {
            workspace_root: workspace_root.to_path_buf(),
            functions_manifest: workspace_root.join("functions").join("Cargo.toml"),
            lambda_dir: standard_lambda_dir(workspace_root),
            out_dir: workspace_root.join("out").join(env),
            functions: retail_spec::FUNCTIONS,
            code: FunctionCode::Lambda,
            host_bin_dir: host_bin_dir(workspace_root),
        }
    }

    /// The request for `env`'s `function_code`. Host zips go to `target/lambda-host` and quick
    /// builds to `target/lambda-quick-zip` unless a lambda dir was chosen explicitly, so they never
    /// replace the release zip that another environment would deploy.
    pub fn for_environment(self, env: &Environment) -> Self {
        self.with_code(env.function_code)
    }

    /// The request with `code` (see [`PackageRequest::for_environment`]).
    pub fn with_code(mut self, code: FunctionCode) -> Self {
        let own_dir = match code {
            FunctionCode::Lambda => None,
            // Not `target/lambda-quick`: that is cargo's own directory for a host build in the
            // `lambda-quick` profile (the cold-start bench), whose binary `bootstrap` would
            // collide with the zip's directory `bootstrap/`.
            FunctionCode::LambdaQuick => Some("lambda-quick-zip"),
            FunctionCode::Host => Some("lambda-host"),
        };
        if let Some(dir) = own_dir
            && self.lambda_dir == standard_lambda_dir(&self.workspace_root)
        {
            self.lambda_dir = self.workspace_root.join("target").join(dir);
        }
        self.code = code;
        self
    }

    /// The functions' zip: `<lambda_dir>/bootstrap/bootstrap.zip` (cargo-lambda's layout).
    pub fn zip_path(&self) -> PathBuf {
        self.lambda_dir.join(FUNCTIONS_BINARY).join("bootstrap.zip")
    }

    /// The manifest: every function of the request → the one zip, `changed` against
    /// `previous`.
    fn manifest(&self, previous: &AssetManifest, sha256: &str, size: u64) -> AssetManifest {
        let mut manifest = AssetManifest::default();
        for function in self.functions {
            manifest.insert_compared(
                previous,
                function.id,
                self.zip_path(),
                sha256.to_owned(),
                size,
            );
        }
        manifest
    }
}

fn standard_lambda_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join("target").join("lambda")
}

/// `$CARGO_TARGET_DIR/debug` (relative to the workspace when relative), else
/// `<workspace>/target/debug`: where `cargo build` leaves host binaries.
pub fn host_bin_dir(workspace_root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .map(|d| {
            if d.is_relative() {
                workspace_root.join(d)
            } else {
                d
            }
        })
        .unwrap_or_else(|| workspace_root.join("target"))
        .join("debug")
}

/// Finds cargo-lambda: on PATH, else in the project virtualenv (`<workspace>/.venv/bin`).
pub fn find_cargo_lambda(workspace_root: &Path) -> Result<PathBuf, PackageError> {
    let path_dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    find_cargo_lambda_in(&path_dirs, &workspace_root.join(".venv").join("bin"))
}

/// Finds cargo-lambda in `path_dirs`, then in `venv_bin`.
pub fn find_cargo_lambda_in(
    path_dirs: &[PathBuf],
    venv_bin: &Path,
) -> Result<PathBuf, PackageError> {
    path_dirs
        .iter()
        .map(PathBuf::as_path)
        .chain(std::iter::once(venv_bin))
        .map(|dir| dir.join("cargo-lambda"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| PackageError::CargoLambdaMissing {
            venv: venv_bin.display().to_string(),
            version: CARGO_LAMBDA_VERSION,
        })
}

/// Builds the functions, hashes the zips and writes the manifest; returns it with `changed`
/// set per function against the previous manifest.
pub fn package(
    request: &PackageRequest<'_>,
    progress: &dyn Progress,
) -> Result<AssetManifest, PackageError> {
    match request.code {
        FunctionCode::Lambda | FunctionCode::LambdaQuick => package_lambda(request, progress),
        FunctionCode::Host => package_host(request, progress),
    }
}

fn report(manifest: &AssetManifest, progress: &dyn Progress) {
    // One line per distinct zip (every function shares the one `bootstrap.zip`).
    let mut zips: BTreeMap<&Path, (&FunctionAsset, usize)> = BTreeMap::new();
    for asset in manifest.functions.values() {
        zips.entry(asset.zip.as_path()).or_insert((asset, 0)).1 += 1;
    }
    for (zip, (asset, functions)) in zips {
        let note = if asset.changed {
            "changed"
        } else {
            "unchanged"
        };
        progress.step(&format!(
            "{}: {} bytes, sha256 {} ({note}), the code of {functions} functions",
            zip.display(),
            asset.size,
            asset.sha256.get(..12).unwrap_or(&asset.sha256)
        ));
    }
}

/// `function_code: host`: `cargo build` (debug, this machine) of the functions' binary, zipped
/// as `bootstrap` into `<lambda_dir>/bootstrap/bootstrap.zip`, then the manifest.
fn package_host(
    request: &PackageRequest<'_>,
    progress: &dyn Progress,
) -> Result<AssetManifest, PackageError> {
    progress.step(&format!(
        "building the functions ({} entry points of `{FUNCTIONS_BINARY}`) for this machine \
         (function_code: host)",
        request.functions.len()
    ));
    let cargo = cargo::cargo_program();
    let mut cmd = cargo::command(&cargo);
    cmd.args(cargo::HOST_BUILD_ARGS)
        .arg("--manifest-path")
        .arg(&request.functions_manifest);
    // Build exactly where the binary is read from.
    if let Some(target_dir) = request.host_bin_dir.parent() {
        cmd.arg("--target-dir").arg(target_dir);
    }
    let status = cmd
        .status()
        .map_err(|e| PackageError::io(Path::new(&cargo), e))?;
    if !status.success() {
        return Err(PackageError::HostBuildFailed {
            status: status.to_string(),
            binary: FUNCTIONS_BINARY,
            manifest: request.functions_manifest.display().to_string(),
        });
    }
    zip_host(request, progress)
}

/// Zips the host binary already built (unless the previous zip is still current) and writes
/// the manifest: the second half of a host package, and all of `--skip-build` for host code.
fn zip_host(
    request: &PackageRequest<'_>,
    progress: &dyn Progress,
) -> Result<AssetManifest, PackageError> {
    let manifest_path = AssetManifest::path_in(&request.out_dir);
    let previous = AssetManifest::read(&manifest_path)?.unwrap_or_default();
    let binary = request.host_bin_dir.join(FUNCTIONS_BINARY);
    if !binary.is_file() {
        return Err(PackageError::HostBinaryMissing {
            binary: FUNCTIONS_BINARY,
            path: binary,
            dir: request.host_bin_dir.clone(),
        });
    }
    let zip = request.zip_path();
    let known = request
        .functions
        .iter()
        .find_map(|f| previous.functions.get(f.id));
    let (sha256, size) = match still_current(known, &zip, &binary) {
        Some(known) => known,
        None => bootstrap_zip::write(&binary, &zip).map_err(|source| PackageError::Zip {
            binary: binary.clone(),
            source,
        })?,
    };
    let manifest = request.manifest(&previous, &sha256, size);
    manifest.write(&manifest_path)?;
    report(&manifest, progress);
    Ok(manifest)
}

/// The recorded (sha256, size) of a host zip that is still what zipping `binary` would give:
/// the previous manifest names this very zip, the file has the recorded size, and it is newer
/// than the binary (cargo rewrites a binary it rebuilds, so a changed function is always zipped
/// and hashed again). Saves reading and hashing tens of megabytes per function on every run.
fn still_current(
    previous: Option<&FunctionAsset>,
    zip: &Path,
    binary: &Path,
) -> Option<(String, u64)> {
    let previous = previous?;
    let zip_meta = std::fs::metadata(zip).ok()?;
    let zipped_after_build =
        zip_meta.modified().ok()? > std::fs::metadata(binary).ok()?.modified().ok()?;
    (previous.zip == zip && zip_meta.len() == previous.size && zipped_after_build)
        .then(|| (previous.sha256.clone(), previous.size))
}

/// The quick build's code carries no unwind tables. Every profile here aborts on panic
/// (`panic = "abort"`), so nothing unwinds; the tables (`.eh_frame`, 1.6 MB of the quick arm64
/// binary) served only backtraces, and they were what kept its zip over the 5 MB target. A panic
/// still prints its message and location. The standard library keeps its own (prebuilt) tables.
/// Passed as `--config build.rustflags` (cargo-lambda adds its own `target-cpu` flag this way
/// for the release profile only). Cargo takes extra flags from one source only, the first of
/// `CARGO_ENCODED_RUSTFLAGS`, `RUSTFLAGS`, `target.<triple>.rustflags` and `build.rustflags`
/// (The Cargo Book, "Configuration", `build.rustflags`), so one of the others set by the user
/// replaces these flags: the variables are noted when the package runs ([`RUSTFLAGS_VARS`]).
/// `scripts/bench-functions.sh` builds the quick zip with the same flags (a test holds it to
/// this text), so the bench measures what dev ships and the two share one build.
pub const QUICK_RUSTFLAGS: &str = r#"build.rustflags=["-C", "force-unwind-tables=no"]"#;

/// The environment variables that replace [`QUICK_RUSTFLAGS`] when set.
const RUSTFLAGS_VARS: [&str; 3] = [
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTFLAGS",
    "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS",
];

fn package_lambda(
    request: &PackageRequest<'_>,
    progress: &dyn Progress,
) -> Result<AssetManifest, PackageError> {
    let cargo_lambda = find_cargo_lambda(&request.workspace_root)?;
    let profile = request.code.cargo_profile().unwrap_or("release");
    progress.step(&format!(
        "building the functions ({} entry points of `{FUNCTIONS_BINARY}`) with cargo-lambda, \
         profile {profile} (function_code: {})",
        request.functions.len(),
        request.code.as_str()
    ));
    let mut cmd = cargo::command(&cargo_lambda);
    cmd.arg("lambda")
        .args([
            "build",
            "--profile",
            profile,
            "--arm64",
            "--output-format",
            "zip",
        ])
        .args(["--bin", FUNCTIONS_BINARY])
        .arg("--manifest-path")
        .arg(&request.functions_manifest)
        .arg("--lambda-dir")
        .arg(&request.lambda_dir);
    let quick = request.code == FunctionCode::LambdaQuick;
    if quick {
        cmd.args(["--config", QUICK_RUSTFLAGS]);
        if let Some(var) = RUSTFLAGS_VARS
            .iter()
            .find(|v| std::env::var_os(v).is_some())
        {
            progress.step(&format!(
                "note: {var} is set and replaces the quick build's own flags ({QUICK_RUSTFLAGS}): \
                 the zip keeps its unwind tables and is about 0.4 MB larger"
            ));
        }
    }
    if let Some(path) = path_with_tools_of(&cargo_lambda, std::env::var_os("PATH")) {
        cmd.env("PATH", path);
    }
    if std::env::var_os("ZIG_GLOBAL_CACHE_DIR").is_none() {
        let cache = request.workspace_root.join("target").join("zig-cache");
        cmd.env(
            "ZIG_GLOBAL_CACHE_DIR",
            std::path::absolute(&cache).unwrap_or(cache),
        );
    }
    let status = cmd
        .status()
        .map_err(|e| PackageError::io(&cargo_lambda, e))?;
    if !status.success() {
        return Err(PackageError::BuildFailed {
            status: status.to_string(),
            binary: FUNCTIONS_BINARY,
            profile,
            manifest: request.functions_manifest.display().to_string(),
            config: if quick {
                format!(" --config '{QUICK_RUSTFLAGS}'")
            } else {
                String::new()
            },
        });
    }
    let manifest = record(request)?;
    report(&manifest, progress);
    Ok(manifest)
}

/// What `--skip-build` / `--skip-package` is about to use, for the progress line.
pub fn skip_build_note(request: &PackageRequest<'_>, flag: &str) -> String {
    match request.code {
        FunctionCode::Host => format!(
            "using the host binary already built in {} ({flag})",
            request.host_bin_dir.display()
        ),
        _ => format!(
            "using the zip already in {} ({flag})",
            request.lambda_dir.display()
        ),
    }
}

/// `PATH` for cargo-lambda: the directory cargo-lambda was found in first, absolute, then
/// `path`. cargo-lambda installed from PyPI finds zig through the virtualenv's python, also from
/// the C compiler wrappers that build scripts (ring) run in their own directories, so a
/// relative directory (`--workspace .` gives `./.venv/bin`) would not be found there.
fn path_with_tools_of(
    cargo_lambda: &Path,
    path: Option<std::ffi::OsString>,
) -> Option<std::ffi::OsString> {
    let bin_dir = cargo_lambda.parent()?;
    let bin_dir = std::path::absolute(bin_dir).unwrap_or_else(|_| bin_dir.to_path_buf());
    let mut dirs = vec![bin_dir];
    dirs.extend(path.map_or_else(Vec::new, |p| std::env::split_paths(&p).collect()));
    std::env::join_paths(dirs).ok()
}

/// Records what is already built, without building: hashes the zip an earlier package left in
/// `lambda_dir`; for host code, when the binary in `host_bin_dir` is newer than that zip (or
/// there is no zip), zips the binary first (what `make run` does after building the CLI and the
/// functions in one cargo invocation). Then writes the manifest.
pub fn record(request: &PackageRequest<'_>) -> Result<AssetManifest, PackageError> {
    if request.code == FunctionCode::Host
        && !zipped_after_build(
            &request.zip_path(),
            &request.host_bin_dir.join(FUNCTIONS_BINARY),
        )
    {
        return zip_host(request, &super::progress::Silent);
    }
    let manifest_path = AssetManifest::path_in(&request.out_dir);
    let previous = AssetManifest::read(&manifest_path)?.unwrap_or_default();
    let zip = request.zip_path();
    if zip.exists() && !zip.is_file() {
        return Err(PackageError::NotALambdaZip {
            zip,
            problem: "it is not a file (a directory?)".to_owned(),
        });
    }
    if !zip.is_file() {
        return Err(PackageError::ZipMissing {
            binary: FUNCTIONS_BINARY,
            zip,
        });
    }
    lambda_zip(&zip)?;
    let (sha256, size) = hash_file(&zip)?;
    let manifest = request.manifest(&previous, &sha256, size);
    manifest.write(&manifest_path)?;
    Ok(manifest)
}

/// The zip at `zip` is one Lambda runs: a zip with `bootstrap` at its root.
fn lambda_zip(zip: &Path) -> Result<(), PackageError> {
    let bytes = std::fs::read(zip).map_err(|e| PackageError::io(zip, e))?;
    let problem = match bootstrap_zip::entry_names(&bytes) {
        None => "the file is not a zip archive".to_owned(),
        Some(names) if names.iter().any(|n| n == bootstrap_zip::ENTRY) => return Ok(()),
        Some(names) => format!(
            "it holds no `{}` at its root (it holds {})",
            bootstrap_zip::ENTRY,
            if names.is_empty() {
                "nothing".to_owned()
            } else {
                names.join(", ")
            }
        ),
    };
    Err(PackageError::NotALambdaZip {
        zip: zip.to_owned(),
        problem,
    })
}

/// Whether `zip` exists and is newer than `binary` (or `binary` does not exist).
fn zipped_after_build(zip: &Path, binary: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(zip), modified(binary)) {
        (Some(zip), Some(binary)) => zip > binary,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Hex sha256 and size of a file, streamed.
pub fn hash_file(path: &Path) -> Result<(String, u64), PackageError> {
    let mut file = std::fs::File::open(path).map_err(|e| PackageError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| PackageError::io(path, e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex::encode(hasher.finalize()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `make bench` builds the quick zip with the flags `stackgen package` uses for dev.
    #[test]
    fn the_bench_builds_the_quick_zip_with_the_packages_flags() {
        let script = include_str!("../../../scripts/bench-functions.sh");
        let flags = QUICK_RUSTFLAGS.trim_start_matches("build.rustflags=");
        let line = script
            .lines()
            .find(|l| l.contains("config=(--config"))
            .unwrap_or_default();
        assert!(
            line.contains(&format!("'build.rustflags={flags}'")),
            "scripts/bench-functions.sh builds lambda-quick with `{line}`, not {QUICK_RUSTFLAGS}"
        );
    }

    #[test]
    fn cargo_lambdas_own_directory_comes_first_on_path_and_absolute() {
        let path = path_with_tools_of(
            Path::new("./.venv/bin/cargo-lambda"),
            Some("/usr/bin:/bin".into()),
        )
        .unwrap_or_default();
        let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
        assert!(dirs[0].is_absolute(), "{dirs:?}");
        assert!(dirs[0].ends_with(".venv/bin"), "{dirs:?}");
        assert_eq!(
            &dirs[1..],
            [PathBuf::from("/usr/bin"), PathBuf::from("/bin")]
        );
    }
}
