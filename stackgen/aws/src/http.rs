//! The HTTPS client of every AWS call the CLI makes, and the configuration loader that uses it.
//!
//! One TLS stack for the whole workspace: rustls with ring, as the functions use
//! (`functions/src/aws.rs`). The SDK's own `default-https-client` feature would bring rustls
//! with aws-lc, whose C library is the largest single step of a cold build (26 s of the two
//! cores on 2026-12-04), so no SDK crate enables it and every configuration is given this client.
//! An SDK client whose configuration has no HTTP client fails its first request with "an HTTP
//! client is required"; loading through [`config_loader`] rules that out. Certificates are the
//! platform's trust store, read when the first client is built (the emulator is plain HTTP).
//!
//! rustls with ring is one of the TLS providers the SDK documents as an alternative to its
//! default (AWS SDK for Rust Developer Guide, "Configuring HTTP-level settings", section
//! "Choosing an alternative TLS provider",
//! <https://docs.aws.amazon.com/sdk-for-rust/latest/dg/http.html>); this is its example, given
//! to the loader with `http_client`. The emulator's tests speak plain HTTP, so the TLS path itself
//! runs only against AWS (`make test-aws`).

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// The longest a call waits to open its connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest a call waits, from sending its request, for the first byte of the answer: "the
/// limit on the amount of time it takes to read the first byte of a response from the time the
/// request is initiated" (`aws_smithy_types::timeout::TimeoutConfig::read_timeout`). Without
/// it an endpoint that takes the connection and never answers holds a command for ever (with
/// the standard retries, a silent endpoint now ends a command after three attempts). It covers
/// sending the request's body, so it is the AWS CLI's default read timeout of 60 seconds
/// (AWS CLI User Guide, "Command line options in the AWS CLI", `--cli-read-timeout`), nothing
/// shorter: a function's zip of about 5 MB reaches S3 well within it on a slow link.
pub const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// A pooled HTTPS (and HTTP) client on rustls with ring.
pub fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// `aws_config::defaults` (region, profile, credentials and `AWS_ENDPOINT_URL` from the usual
/// chains) with [`http_client`], for its own credential providers too, and the
/// [`CONNECT_TIMEOUT`] and [`READ_TIMEOUT`] of every call.
pub fn config_loader() -> ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .read_timeout(READ_TIMEOUT)
                .build(),
        )
}
