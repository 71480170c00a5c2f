//! Links the `stackgen` binary as a position-dependent executable on Linux.
//!
//! Every command starts by loading the binary, and a position-independent (PIE) build of it
//! carries about 64,000 relative relocations (the pointers in its static tables: the generated
//! CloudFormation model, clap's command tree, serde's field lists). The dynamic loader rewrites
//! each one at start, which touches ~370 pages of `.data.rel.ro` — about 2 ms of page faults
//! before `main`, more than `synth`'s own work. Linked non-PIE, those pointers are final in the
//! file and no page is written at start. The price: the executable's own image is not
//! address-randomised (the heap, the stack and the shared libraries still are), as with Go's
//! default Linux executables. stackgen is a command-line tool run by its user on their own
//! files, not a network service; the functions shipped to Lambda are a different binary and keep
//! their defaults. `make bench` (synth) measures the difference.
fn main() {
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux {
        println!("cargo:rustc-link-arg-bin=stackgen=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
