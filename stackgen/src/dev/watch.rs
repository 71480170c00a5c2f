//! `stackgen dev --watch`: the edit loop.
//!
//! Every function is an entry point of one binary, so a saved change under `functions/` or
//! `spec/` means one `cargo build` of `bootstrap` (debug, incremental: seconds), after which
//! every warm worker is replaced by a process of the new code — idle ones at once, busy ones
//! after they answer, so no request in flight is dropped ([`crate::dev::runtime::Pool::reload`]).
//! A build that fails is reported with cargo's errors and the workers keep the code they run.
//! A change under `ui/` needs nothing: the gateway reads the site from disk on every request.
//! A change to an environment file or to the stack's code does not reach the deployed local
//! stack by itself: the watcher says what to redeploy.
//!
//! Changes are found by polling modification times (twice a second over a few hundred files,
//! well under a millisecond per scan) rather than with an OS notification crate: no dependency,
//! the same behaviour on every filesystem (containers' bind mounts included), and editors that
//! save by rename are seen like any other write. A burst of saves is waited out before building.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio_util::sync::CancellationToken;

use super::logs::LogSink;
use super::runtime::Pool;
use crate::deploy::cargo;

/// Where to look and how to rebuild.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The repository root.
    pub workspace: PathBuf,
    /// cargo's target directory, the parent of the `--bin-dir` the workers run from.
    pub target_dir: PathBuf,
    /// The binary the workers run (`<target>/debug/bootstrap`).
    pub binary: PathBuf,
    /// The environment `stackgen dev` runs (named in the redeploy advice).
    pub env: String,
    /// How often files are scanned.
    pub interval: Duration,
}

impl WatchOptions {
    /// Watching `workspace`, rebuilding into the target directory that holds `bin_dir`.
    pub fn new(workspace: &Path, bin_dir: &Path, env: &str) -> WatchOptions {
        WatchOptions {
            workspace: workspace.to_path_buf(),
            target_dir: bin_dir.parent().unwrap_or(bin_dir).to_path_buf(),
            binary: bin_dir.join(retail_spec::FUNCTIONS_BINARY),
            env: env.to_owned(),
            interval: Duration::from_millis(500),
        }
    }
}

/// What a saved file asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Function or spec code: rebuild `bootstrap` and reload the workers.
    Functions,
    /// The storefront: served as it is on the next reload.
    Site,
    /// An environment file or the stack's code: a redeploy.
    Stack,
}

/// The directories (relative to the workspace) watched, and what a change in each means.
const WATCHED: &[(&str, Change)] = &[
    ("functions", Change::Functions),
    ("spec", Change::Functions),
    ("Cargo.lock", Change::Functions),
    ("ui", Change::Site),
    ("environments", Change::Stack),
    // What renders the stack: its definition, the environment's rules, the guardrails and
    // deploy (the CLI crate), the typed model, its facts (tags stamped, types allowed) and the
    // reader of intrinsics the local resolver evaluates the template with.
    ("stackgen/stack/src", Change::Stack),
    ("stackgen/env/src", Change::Stack),
    ("stackgen/src", Change::Stack),
    ("model/src", Change::Stack),
    ("model/facts/src", Change::Stack),
    ("model/intrinsics/src", Change::Stack),
];

/// What a changed path (relative to the workspace) asks for; `None` when nothing watches it.
pub fn classify(relative: &Path) -> Option<Change> {
    WATCHED
        .iter()
        .find(|(root, _)| relative.starts_with(root))
        .map(|(_, change)| *change)
}

/// Modification time and size of every watched file.
type Snapshot = BTreeMap<PathBuf, (SystemTime, u64)>;

/// Every watched file under `workspace` (relative paths), skipping build output and hidden
/// directories.
pub fn scan(workspace: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    for (root, _) in WATCHED {
        walk(workspace, &workspace.join(root), &mut files);
    }
    files
}

fn walk(workspace: &Path, path: &Path, files: &mut Snapshot) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.is_file() {
        if let (Ok(relative), Ok(modified)) = (path.strip_prefix(workspace), meta.modified()) {
            files.insert(relative.to_path_buf(), (modified, meta.len()));
        }
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        walk(workspace, &entry.path(), files);
    }
}

/// The paths added, removed or modified between two scans.
pub fn changed(before: &Snapshot, after: &Snapshot) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = after
        .iter()
        .filter(|(path, stamp)| before.get(*path) != Some(stamp))
        .map(|(path, _)| path.clone())
        .collect();
    paths.extend(
        before
            .keys()
            .filter(|path| !after.contains_key(*path))
            .cloned(),
    );
    paths.sort();
    paths
}

/// Watches until `shutdown`, rebuilding and reloading `pools` on function changes.
pub async fn run(
    options: WatchOptions,
    pools: Vec<Arc<Pool>>,
    logs: LogSink,
    shutdown: CancellationToken,
) {
    let source: Arc<str> = Arc::from("watch");
    let say = |line: String| logs.line(&source, line);
    say(format!(
        "watching functions/, spec/, ui/, environments/ and the stack's code under {}",
        options.workspace.display()
    ));
    let mut known = scan(&options.workspace);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(options.interval) => {}
            _ = shutdown.cancelled() => return,
        }
        let now = scan(&options.workspace);
        if changed(&known, &now).is_empty() {
            continue;
        }
        let saved_at = Instant::now();
        // Editors and formatters write in bursts: wait until one scan sees nothing new.
        let settled = settle(&options, now, &shutdown).await;
        let Some(settled) = settled else { return };
        let paths = changed(&known, &settled);
        known = settled;
        let mut kinds: Vec<Change> = paths.iter().filter_map(|p| classify(p)).collect();
        kinds.sort();
        kinds.dedup();
        let names = describe(&paths);
        for kind in kinds {
            match kind {
                Change::Site => say(format!(
                    "{names}: the storefront serves it on the next reload"
                )),
                Change::Stack => say(format!(
                    "{names}: the deployed local stack is unchanged until `stackgen deploy --env {} --yes`; \
                     then restart `stackgen dev` (make run does both)",
                    options.env
                )),
                Change::Functions => rebuild(&options, &pools, &names, saved_at, &say).await,
            }
        }
    }
}

/// Rescans until a scan finds nothing new; `None` on shutdown.
async fn settle(
    options: &WatchOptions,
    mut last: Snapshot,
    shutdown: &CancellationToken,
) -> Option<Snapshot> {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(options.interval / 2) => {}
            _ = shutdown.cancelled() => return None,
        }
        let now = scan(&options.workspace);
        if changed(&last, &now).is_empty() {
            return Some(now);
        }
        last = now;
    }
}

/// `functions/src/catalog.rs` or `3 files (functions/src/catalog.rs, …)`.
fn describe(paths: &[PathBuf]) -> String {
    match paths {
        [one] => one.display().to_string(),
        [first, ..] => format!("{} files ({}, …)", paths.len(), first.display()),
        [] => "nothing".to_owned(),
    }
}

/// `cargo build` of the functions' binary, then every pool reloads; a failed build leaves the
/// workers on the code they run.
async fn rebuild(
    options: &WatchOptions,
    pools: &[Arc<Pool>],
    names: &str,
    saved_at: Instant,
    say: &impl Fn(String),
) {
    say(format!(
        "{names} changed: rebuilding the functions (cargo {}, debug)",
        cargo::HOST_BUILD_ARGS.join(" ")
    ));
    let built = || {
        std::fs::metadata(&options.binary)
            .and_then(|m| m.modified())
            .ok()
    };
    let before = built();
    let cargo = cargo::cargo_program();
    // The workspace-wide selection `make run` built with: the dependencies it compiled are
    // reused as they are and only the changed crates and the binary are rebuilt.
    let output = tokio::process::Command::from(cargo::command(&cargo))
        .args(cargo::HOST_BUILD_ARGS)
        .arg("--manifest-path")
        .arg(options.workspace.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&options.target_dir)
        .args(["--color", "never"])
        .kill_on_drop(true)
        .output()
        .await;
    match output {
        Ok(out) if out.status.success() && built() == before => say(format!(
            "rebuilt in {:.1} s: the binary did not change, the workers keep running",
            saved_at.elapsed().as_secs_f64()
        )),
        Ok(out) if out.status.success() => {
            for pool in pools {
                pool.reload();
            }
            say(format!(
                "rebuilt in {:.1} s; {} functions reloading (requests in flight finish on the old code)",
                saved_at.elapsed().as_secs_f64(),
                pools.len()
            ));
        }
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let lines: Vec<&str> = stderr.lines().collect();
            let tail = lines[lines.len().saturating_sub(40)..].join("\n");
            say(format!(
                "the build failed ({}); the workers keep the code they run. cargo said:\n{tail}",
                out.status
            ));
        }
        Err(e) => say(format!(
            "cannot run {}: {e}; the workers keep the code they run",
            Path::new(&cargo).display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_watched_tree_asks_for_its_own_step() {
        assert_eq!(
            classify(Path::new("functions/src/catalog.rs")),
            Some(Change::Functions)
        );
        assert_eq!(
            classify(Path::new("spec/src/lib.rs")),
            Some(Change::Functions)
        );
        assert_eq!(classify(Path::new("ui/js/store.js")), Some(Change::Site));
        assert_eq!(
            classify(Path::new("environments/local.yaml")),
            Some(Change::Stack)
        );
        assert_eq!(
            classify(Path::new("stackgen/stack/src/data.rs")),
            Some(Change::Stack)
        );
        assert_eq!(
            classify(Path::new("stackgen/env/src/rules.rs")),
            Some(Change::Stack)
        );
        assert_eq!(classify(Path::new("stackgen/cost/src/lib.rs")), None);
        assert_eq!(classify(Path::new("README.md")), None);
    }

    #[test]
    fn a_scan_sees_writes_additions_and_removals() -> std::io::Result<()> {
        let dir = std::env::temp_dir().join(format!("stackgen-watch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("functions/src"))?;
        std::fs::create_dir_all(dir.join("functions/target"))?;
        std::fs::write(dir.join("functions/src/a.rs"), "a")?;
        std::fs::write(dir.join("functions/target/ignored"), "x")?;
        let before = scan(&dir);
        assert_eq!(before.len(), 1, "{before:?}");
        std::fs::write(dir.join("functions/src/a.rs"), "a, longer")?;
        std::fs::write(dir.join("functions/src/b.rs"), "b")?;
        let after = scan(&dir);
        assert_eq!(
            changed(&before, &after),
            vec![
                PathBuf::from("functions/src/a.rs"),
                PathBuf::from("functions/src/b.rs")
            ]
        );
        std::fs::remove_file(dir.join("functions/src/b.rs"))?;
        assert_eq!(
            changed(&after, &scan(&dir)),
            vec![PathBuf::from("functions/src/b.rs")]
        );
        std::fs::remove_dir_all(&dir)
    }
}
