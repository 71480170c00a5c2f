//! The AWS SDK configuration of a function, built from the Lambda environment.
//!
//! Lambda hands a function its region and credentials in environment variables, so the full
//! `aws-config` provider chain (profiles, SSO, IMDS, …) is dead weight in the binary and in the
//! cold start. This builds the one shared [`SdkConfig`] from the environment, with one TLS stack
//! (rustls + ring). `AWS_ENDPOINT_URL` is honoured, which is how tests and `stackgen dev` point
//! the functions at moto on loopback.
//!
//! ## Trust store
//! A function talks to AWS endpoints only, and every AWS endpoint's certificate chains to one of
//! the five roots of Amazon Trust Services, AWS's own CA (AWS Security Blog, "How to Prepare for
//! AWS's Move to Its Own Certificate Authority"; S3, the last, finished moving on 2022-06-02:
//! AWS Storage Blog, "Reminder: Amazon S3 and Amazon CloudFront service certificates migrating
//! to Amazon Trust Services"). So the functions trust exactly those five, compiled in
//! ([`AMAZON_TRUST_SERVICES`]), as Amazon Trust Services recommends for a custom trust store:
//! "we recommend that all five of the above roots be included"
//! (<https://www.amazontrust.com/repository/>). The platform's store would be read from disk
//! during init, before the first `/next`: on a Debian host that was about half of a handler's
//! start (`docs/benchmarks.md`, `functions`).
//!
//! `SSL_CERT_FILE` or `SSL_CERT_DIR` in a function's environment (a TLS-inspecting proxy, a
//! private endpoint with its own CA) switches to rustls-native-certs, which then reads only the
//! paths they name (on Lambda's `provided.al2023` the system bundle is
//! `/etc/pki/tls/certs/ca-bundle.crt`). stackgen has no setting for a function's environment:
//! `stack/functions/variables.rs` writes the spec's variables only, so using this is a code
//! change there, not a console edit (which the next deploy undoes). `functions/tests/trust.rs`
//! runs the compiled-in store and each variable.

use crate::config::{ConfigError, FunctionEnv};
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, error::CredentialsError, future};
use aws_sdk_dynamodb::config::BehaviorVersion;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_types::SdkConfig;
use aws_types::region::Region;
use aws_types::sdk_config::SharedCredentialsProvider;

const REGION_VARS: [&str; 2] = ["AWS_REGION", "AWS_DEFAULT_REGION"];
const ACCESS_KEY_VAR: &str = "AWS_ACCESS_KEY_ID";
const SECRET_KEY_VAR: &str = "AWS_SECRET_ACCESS_KEY";
const SESSION_TOKEN_VAR: &str = "AWS_SESSION_TOKEN";
const ENDPOINT_VAR: &str = "AWS_ENDPOINT_URL";

/// The five root certificates of Amazon Trust Services (Amazon Root CA 1–4 and Starfield Services
/// Root Certificate Authority - G2), PEM, as published at <https://www.amazontrust.com/repository/>
/// (copied from Debian's `ca-certificates` 20230311; the test checks each key's published hash).
pub const AMAZON_TRUST_SERVICES: &[u8] = include_bytes!("../certs/amazon-trust-services.pem");

/// Variables that name the platform's trust store (rustls-native-certs reads them): setting
/// either makes a function trust that store instead of [`AMAZON_TRUST_SERVICES`].
pub const TRUST_STORE_VARS: [&str; 2] = ["SSL_CERT_FILE", "SSL_CERT_DIR"];

/// The SDK configuration for a function's environment.
pub fn sdk_config(env: &FunctionEnv) -> Result<SdkConfig, ConfigError> {
    let region = REGION_VARS
        .iter()
        .find_map(|v| env.get(v))
        .ok_or(ConfigError::Missing {
            function: env.function().id,
            var: REGION_VARS[0],
            what: "the AWS region".to_owned(),
        })?;
    let credentials = EnvCredentials {
        access_key_id: env.get(ACCESS_KEY_VAR).map(str::to_owned),
        secret_access_key: env.get(SECRET_KEY_VAR).map(str::to_owned),
        session_token: env.get(SESSION_TOKEN_VAR).map(str::to_owned),
    };
    let mut config = builder(
        Region::new(region.to_owned()),
        credentials.into_provider(),
        trust_store(env),
    );
    config.set_endpoint_url(env.get(ENDPOINT_VAR).map(str::to_owned));
    Ok(config.build())
}

/// An S3 client for `sdk`. With an endpoint override (moto, `stackgen dev`) buckets are
/// addressed path-style (`http://127.0.0.1:5000/bucket/key`): virtual-hosted names like
/// `bucket.127.0.0.1` do not resolve.
pub fn s3_client(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(sdk.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// An SDK configuration with static credentials and an explicit endpoint (tests, local runs).
pub fn sdk_config_for_endpoint(
    endpoint_url: &str,
    region: &str,
    access_key_id: &str,
    secret_access_key: &str,
) -> SdkConfig {
    let credentials = Credentials::new(access_key_id, secret_access_key, None, None, "static");
    builder(
        Region::new(region.to_owned()),
        SharedCredentialsProvider::new(credentials),
        TrustStore::empty().with_pem_certificate(AMAZON_TRUST_SERVICES),
    )
    .endpoint_url(endpoint_url)
    .build()
}

/// Amazon Trust Services' roots, or the platform's store where the environment names one.
fn trust_store(env: &FunctionEnv) -> TrustStore {
    if TRUST_STORE_VARS.iter().any(|v| env.get(v).is_some()) {
        TrustStore::default()
    } else {
        TrustStore::empty().with_pem_certificate(AMAZON_TRUST_SERVICES)
    }
}

fn builder(
    region: Region,
    credentials: SharedCredentialsProvider,
    trust: TrustStore,
) -> aws_types::sdk_config::Builder {
    // `build` only moves its fields into the context (aws-smithy-http-client 1.x); the PEM is
    // parsed when the client is built, and the test parses the same bytes.
    let tls = TlsContext::builder().with_trust_store(trust).build();
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(tls.expect("a TLS context with a trust store always builds"))
        .build_https();
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(region)
        .credentials_provider(credentials)
        .http_client(http_client)
}

/// The credentials Lambda puts in the environment, read once at start.
#[derive(Debug)]
struct EnvCredentials {
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
}

impl EnvCredentials {
    fn into_provider(self) -> SharedCredentialsProvider {
        SharedCredentialsProvider::new(self)
    }
}

impl ProvideCredentials for EnvCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(match (&self.access_key_id, &self.secret_access_key) {
            (Some(id), Some(secret)) => Ok(Credentials::new(
                id,
                secret,
                self.session_token.clone(),
                None,
                "environment",
            )),
            _ => Err(CredentialsError::not_loaded(format!(
                "{ACCESS_KEY_VAR} and {SECRET_KEY_VAR} must be set (Lambda sets them from the function's role)"
            ))),
        })
    }
}
