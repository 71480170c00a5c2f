//! Link settings of the CLI crate's binaries, tests and examples on Linux.
//!
//! The `stackgen` binary is linked as a position-dependent executable. Every command starts by
//! loading the binary, and a position-independent (PIE) build of it carries about 64,000
//! relative relocations (the pointers in its static tables: the generated CloudFormation model,
//! clap's command tree, serde's field lists). The dynamic loader rewrites each one at start,
//! which touches ~370 pages of `.data.rel.ro` — about 2 ms of page faults before `main`, more
//! than `synth`'s own work. Linked non-PIE, those pointers are final in the file and no page is
//! written at start. The price: the executable's own image is not address-randomised (the heap,
//! the stack and the shared libraries still are), as with Go's default Linux executables.
//! stackgen is a command-line tool run by its user on their own files, not a network service;
//! the functions shipped to Lambda are a different binary and keep their defaults. `make bench`
//! (synth) measures the difference.
//!
//! Debug builds link the dependencies as one shared library (`devlink/`), and with it the shared
//! standard library. `[profile.dev] rpath = true` gives each binary run paths relative to where
//! rustc wrote it (`target/debug/deps/`), which stay right for `libstackgen_devlink.so` (cargo
//! copies it next to every binary it copies) but not for the standard library once cargo copies
//! `stackgen` up to `target/debug/`: that path then climbs one directory too many, and only
//! works where the climb ends at `/`. So debug builds also name the toolchain's library
//! directory by its absolute path (`rustc --print target-libdir`); a debug binary is not meant to
//! leave its `target/` directory anyway.
use std::process::Command;

fn main() {
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux {
        println!("cargo:rustc-link-arg-bin=stackgen=-no-pie");
        if std::env::var("PROFILE").is_ok_and(|p| p == "debug") {
            match target_libdir() {
                Some(dir) => println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}"),
                None => println!(
                    "cargo:warning=`rustc --print target-libdir` gave no directory: debug \
                     binaries may not find the shared standard library outside cargo"
                ),
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// The directory of the target's standard library, as the compiler building this crate says.
fn target_libdir() -> Option<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let mut cmd = Command::new(rustc);
    cmd.args(["--print", "target-libdir"]);
    if let Ok(target) = std::env::var("TARGET") {
        cmd.args(["--target", &target]);
    }
    let out = cmd.output().ok().filter(|o| o.status.success())?;
    let dir = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!dir.is_empty()).then_some(dir)
}
