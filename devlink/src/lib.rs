//! The stackgen CLI's third-party dependencies (the AWS SDK crates above all) linked once, as one
//! shared library, so that a debug build links the CLI in a fraction of the time.
//!
//! Why it exists: a debug `stackgen` binary used to be linked from 1.1 GB of dependency rlibs on
//! every rebuild, 1.7 s of each warm rebuild after an edit of the typed model. With this library
//! the binary links the workspace's own code and names `libstackgen_devlink.so`: the warm model
//! rebuild, the leaf rebuild and the link of every test binary that links the CLI crate got
//! faster (`docs/benchmarks.md`, "build"; ADR 16). Bevy's `dynamic_linking` feature (its
//! `bevy_dylib` crate) does the same for games.
//!
//! How it is wired:
//! - The CLI crate names this crate only in debug builds that unwind
//!   (`#[cfg(all(debug_assertions, panic = "unwind"))] use stackgen_devlink as _;` in
//!   `stackgen/src/lib.rs`). Naming it makes every binary that links the CLI crate (the
//!   `stackgen` binary, its tests and examples) take these crates from the library. rustc links
//!   each crate once: a crate already in a linked dylib is not linked again.
//! - Release builds abort on panic (`panic = "abort"`, for the functions), and a library that
//!   shares the standard library's unwinding runtime cannot be built that way. In a build that
//!   aborts, this crate is an empty `no_std` library that nothing links, and the release CLI is
//!   linked statically, as before. (`cargo test --release` unwinds: it builds the whole library
//!   and, without debug assertions, does not use it.)
//! - This crate is not a workspace member (the root manifest excludes it). Cargo passes
//!   `-C prefer-dynamic` only to a dylib that is not a package selected for the build (cargo
//!   PR #9252, "Fix logic for determining prefer-dynamic for a dylib"; seen in `cargo build -v`),
//!   and `cargo build --workspace` selects every member. Without that flag the library would carry its own copy of the standard
//!   library and rustc would refuse to link it next to the shared one ("cannot satisfy
//!   dependencies so `std` only shows up once", rust-lang/rust#90539).
//! - The profile `dev` sets `rpath = true`, so each debug binary finds this library by a path
//!   relative to itself, and `stackgen/build.rs` adds the standard library's directory by its
//!   absolute path: `target/debug/stackgen` starts from anywhere, as the Makefile, the scripts
//!   and the tests start it.
//! - `build.rs` links the library with `-Bsymbolic-functions` (see there): without it, starting
//!   the binary took 157 ms instead of 19 ms.
//!
//! The list below is exactly the third-party `[dependencies]` of `stackgen/Cargo.toml`;
//! `stackgen/tests/devlink.rs` holds the two to each other and checks that the debug binary
//! really names this library.

#![cfg_attr(panic = "abort", no_std)]

/// Each dependency, named so that rustc links it into this library.
#[cfg(panic = "unwind")]
pub mod linked {
    pub use anyhow;
    pub use aws_config;
    pub use aws_sdk_budgets;
    pub use aws_sdk_cloudformation;
    pub use aws_sdk_cloudfront;
    pub use aws_sdk_cloudwatchlogs;
    pub use aws_sdk_cognitoidentityprovider;
    pub use aws_sdk_costexplorer;
    pub use aws_sdk_dynamodb;
    pub use aws_sdk_dynamodbstreams;
    pub use aws_sdk_lambda;
    pub use aws_sdk_pricing;
    pub use aws_sdk_resourcegroupstagging;
    pub use aws_sdk_s3;
    pub use aws_sdk_sesv2;
    pub use aws_sdk_sns;
    pub use aws_sdk_sqs;
    pub use aws_sdk_sts;
    pub use aws_smithy_http_client;
    pub use aws_smithy_runtime_api;
    pub use aws_smithy_types;
    pub use base64;
    pub use bytes;
    pub use clap;
    pub use crc32fast;
    pub use hex;
    pub use http;
    pub use http_body_util;
    pub use hyper;
    pub use hyper_rustls;
    pub use hyper_util;
    pub use libc;
    pub use num_traits;
    pub use percent_encoding;
    pub use ring;
    pub use rustix;
    pub use rustls;
    pub use serde;
    pub use serde_json;
    pub use serde_norway;
    pub use serde_path_to_error;
    pub use sha2;
    pub use strsim;
    pub use thiserror;
    pub use time;
    pub use tokio;
    pub use tokio_util;
    pub use uuid;
}

/// The empty release library never runs, but a `no_std` library must name a panic handler.
#[cfg(panic = "abort")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
