//! The debug build's shared library of dependencies (`devlink/`) stays what its documentation
//! says: exactly the CLI crate's third-party dependencies, at the workspace's version
//! requirements, each linked into the library, and really linked by the debug binary, which
//! starts without any library path from its environment.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn read(path: &str) -> String {
    let path = Path::new(ROOT).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The lines of one `[table]` of a manifest (up to the next table). The manifests here write
/// one dependency per line; a table the test cannot find, or a line it cannot read, fails it
/// rather than being skipped.
fn table<'a>(file: &str, manifest: &'a str, name: &str) -> Vec<&'a str> {
    let header = format!("[{name}]");
    let lines: Vec<&str> = manifest
        .lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(
        !lines.is_empty(),
        "{file}: no `{header}` table, or an empty one"
    );
    lines
}

/// Each entry of a dependency table: its name and what follows `=` (or `workspace` for
/// `name.workspace = true`).
fn entries<'a>(file: &str, lines: &[&'a str]) -> BTreeMap<&'a str, &'a str> {
    lines
        .iter()
        .map(|&l| {
            if let Some(name) = l.strip_suffix(".workspace = true") {
                return (name, "workspace");
            }
            l.split_once(" = ")
                .unwrap_or_else(|| panic!("{file}: cannot read the dependency line `{l}`"))
        })
        .collect()
}

/// The version requirement a dependency declaration gives (`"1"` or `{ version = "1", … }`).
fn version(declaration: &str) -> Option<&str> {
    let rest = declaration
        .strip_prefix('"')
        .or_else(|| declaration.split_once("version = \"").map(|(_, v)| v))?;
    rest.split('"').next()
}

#[test]
fn the_library_holds_exactly_the_clis_third_party_dependencies_at_the_workspaces_versions() {
    let workspace = read("Cargo.toml");
    let ws_deps = entries(
        "Cargo.toml",
        &table("Cargo.toml", &workspace, "workspace.dependencies"),
    );
    let cli = read("stackgen/Cargo.toml");
    let cli_deps = entries(
        "stackgen/Cargo.toml",
        &table("stackgen/Cargo.toml", &cli, "dependencies"),
    );
    let devlink = read("devlink/Cargo.toml");
    let lib_deps = entries(
        "devlink/Cargo.toml",
        &table("devlink/Cargo.toml", &devlink, "dependencies"),
    );

    let mut expected = BTreeMap::new();
    for (&name, &declaration) in &cli_deps {
        let declared = if declaration == "workspace" || declaration.contains("workspace = true") {
            ws_deps.get(name).copied().unwrap_or_else(|| {
                panic!("stackgen/Cargo.toml: {name} inherits from the workspace, which does not declare it")
            })
        } else {
            declaration
        };
        if declared.contains("path = ") {
            continue; // the workspace's own crates
        }
        expected.insert(
            name,
            version(declared).unwrap_or_else(|| panic!("{name}: no version")),
        );
    }
    let actual: BTreeMap<&str, &str> = lib_deps
        .iter()
        .map(|(&name, &declaration)| {
            assert!(
                declaration.contains("default-features = false")
                    && !declaration.contains("features = ["),
                "devlink/Cargo.toml: {name} must add no features of its own: {declaration}"
            );
            (
                name,
                version(declaration).unwrap_or_else(|| panic!("{name}: no version")),
            )
        })
        .collect();
    assert_eq!(
        actual, expected,
        "devlink/Cargo.toml's [dependencies] must be stackgen/Cargo.toml's third-party ones, at the \
         same version requirements"
    );

    let source = read("devlink/src/lib.rs");
    for name in expected.keys() {
        let line = format!("pub use {};", name.replace('-', "_"));
        assert!(
            source.contains(&line),
            "devlink/src/lib.rs must name {name} (`{line}`)"
        );
    }
}

/// Debug builds that unwind link the library (`stackgen/src/lib.rs`); release builds do not.
#[cfg(all(debug_assertions, panic = "unwind", target_os = "linux"))]
#[test]
fn the_debug_binary_links_the_library_and_starts_with_an_empty_environment() {
    let binary = env!("CARGO_BIN_EXE_stackgen");
    let bytes = std::fs::read(binary).expect("the stackgen binary");
    // The name a dynamic section's DT_NEEDED entry points at, in the binary's string table.
    let needed = b"libstackgen_devlink.so\0";
    assert!(
        bytes.windows(needed.len()).any(|w| w == needed),
        "{binary} does not name libstackgen_devlink.so: it was linked statically"
    );
    // No LD_LIBRARY_PATH (cargo sets one for tests): the binary's own run path finds the library
    // and the shared standard library, as when the Makefile or a shell starts it.
    let out = Command::new(binary)
        .arg("--version")
        .env_clear()
        .output()
        .expect("start stackgen");
    assert!(
        out.status.success(),
        "stackgen --version with an empty environment: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("stackgen "),
        "stackgen --version printed {stdout:?}"
    );
}

/// `stackgen/build.rs` names the standard library's directory by its absolute path: the relative
/// run path `rpath = true` gives the binary copied to `target/debug/` climbs one directory too
/// many, which the test above only notices where that climb does not end at `/`.
#[cfg(all(debug_assertions, panic = "unwind", target_os = "linux"))]
#[test]
fn the_debug_binary_names_the_standard_librarys_directory_by_its_absolute_path() {
    let out = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--print", "target-libdir"])
        .output()
        .expect("rustc --print target-libdir");
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        dir.starts_with('/'),
        "rustc --print target-libdir gave {dir:?}"
    );
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_stackgen")).expect("the stackgen binary");
    // A whole entry of the run path (`a:b:c` in the string table), not the tail of a relative
    // one (`$ORIGIN/../../root/.rustup/…` contains the absolute path after its last `..`).
    let separator = |b: u8| b == b':' || b == 0;
    let whole_entry = bytes.windows(dir.len() + 2).any(|w| {
        separator(w[0]) && &w[1..=dir.len()] == dir.as_bytes() && separator(w[dir.len() + 1])
    });
    assert!(
        whole_entry,
        "the stackgen binary's run path does not name {dir}"
    );
}
