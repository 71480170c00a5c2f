//! How stackgen runs cargo: the one definition of the host build of the functions' binary, and a
//! process environment that does not make cargo rebuild what it has already built.
//!
//! stackgen runs cargo in three places. `function_code: host` packages build the functions for
//! this machine, `stackgen dev --watch` rebuilds them after a save, and the other packages run
//! cargo-lambda. Two things make such a build redo minutes of work that it could skip:
//!
//! - A different feature resolution. [`HOST_BUILD_ARGS`] resolves features for the whole
//!   workspace, as `cargo test --workspace`, `make cli` and `make run` do.
//! - Variables that cargo sets for the processes it runs. Under `cargo run` or `cargo test`,
//!   stackgen inherits variables such as `CARGO_MANIFEST_DIR`. Build scripts track some of them
//!   (ring's reruns when `CARGO_MANIFEST_DIR` changes), and a rebuilt ring rebuilds everything
//!   above it. [`command`] removes those variables.

use std::ffi::{OsStr, OsString};
use std::process::Command;

use retail_spec::FUNCTIONS_BINARY;

/// The cargo arguments of every debug build of the functions' binary for this machine:
/// `function_code: host` packages and `stackgen dev --watch`'s rebuild (`make run`, `make cli`
/// and `cargo test` build with `--workspace` too). The feature resolution is the whole
/// workspace's in all of them: stackgen's Cargo.toml also declares, for its normal build, the
/// features its test-only dependencies switch on. So after any one of these builds the others
/// find every dependency compiled and rebuild only changed crates. With one package selected
/// (`-p`, or `--manifest-path` alone) cargo resolves other features and rebuilds about 26 crates.
pub const HOST_BUILD_ARGS: [&str; 4] = ["build", "--workspace", "--bin", FUNCTIONS_BINARY];

/// `program` (cargo, or cargo-lambda, which runs cargo) without the variables cargo sets for
/// the processes it runs. See the list in Cargo's book, "Environment variables Cargo sets for
/// crates": <https://doc.rust-lang.org/cargo/reference/environment-variables.html#environment-variables-cargo-sets-for-crates>.
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    for (key, _) in std::env::vars_os() {
        if set_by_cargo_for_a_crate(&key) {
            cmd.env_remove(&key);
        }
    }
    cmd
}

/// cargo itself, as `$CARGO` names it when stackgen runs under cargo, else from `PATH`.
pub fn cargo_program() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Whether cargo sets `key` for a crate's process (`cargo run`, `cargo test`, a build script).
/// `CARGO` itself stays: it names the cargo to run. User settings such as `CARGO_HOME`,
/// `CARGO_TARGET_DIR`, `CARGO_INCREMENTAL` and `CARGO_BUILD_*` stay too.
fn set_by_cargo_for_a_crate(key: &OsStr) -> bool {
    let Some(key) = key.to_str() else {
        return false;
    };
    matches!(
        key,
        "CARGO_MANIFEST_DIR"
            | "CARGO_MANIFEST_PATH"
            | "CARGO_MANIFEST_LINKS"
            | "CARGO_CRATE_NAME"
            | "CARGO_BIN_NAME"
            | "CARGO_PRIMARY_PACKAGE"
            | "CARGO_TARGET_TMPDIR"
            | "CARGO_RUSTC_CURRENT_DIR"
            | "OUT_DIR"
    ) || key.starts_with("CARGO_PKG_")
        || key.starts_with("CARGO_BIN_EXE_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_variables_cargo_sets_for_a_crate_are_dropped() {
        for dropped in [
            "CARGO_MANIFEST_DIR",
            "CARGO_PKG_NAME",
            "CARGO_PKG_VERSION_MAJOR",
            "CARGO_BIN_EXE_stackgen",
            "CARGO_TARGET_TMPDIR",
            "OUT_DIR",
        ] {
            assert!(set_by_cargo_for_a_crate(OsStr::new(dropped)), "{dropped}");
        }
        for kept in [
            "CARGO",
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "CARGO_INCREMENTAL",
            "CARGO_BUILD_JOBS",
            "PATH",
        ] {
            assert!(!set_by_cargo_for_a_crate(OsStr::new(kept)), "{kept}");
        }
    }

    #[test]
    fn the_command_leaves_out_what_cargo_set_for_this_test() {
        // cargo sets CARGO_MANIFEST_DIR for every test process it runs.
        assert!(std::env::var_os("CARGO_MANIFEST_DIR").is_some());
        let cmd = command("cargo");
        let removed: Vec<_> = cmd
            .get_envs()
            .filter(|(_, value)| value.is_none())
            .map(|(key, _)| key.to_owned())
            .collect();
        assert!(removed.contains(&OsString::from("CARGO_MANIFEST_DIR")));
        assert!(!removed.contains(&OsString::from("CARGO")));
    }
}
