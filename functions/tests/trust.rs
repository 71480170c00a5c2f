//! Which certificates a function trusts (`functions/src/aws.rs`): Amazon Trust Services' five
//! roots and nothing else, unless `SSL_CERT_FILE` or `SSL_CERT_DIR` names another store.
//!
//! The server here is real TLS (rustls) on 127.0.0.1 with a certificate from a test CA
//! (`fixtures/tls`, made with openssl for these tests only; its key protects nothing). No test
//! reaches an AWS endpoint, so that Amazon's roots verify AWS's chains is shown by their published
//! key hashes, not by a handshake.

use retail_functions::aws::{AMAZON_TRUST_SERVICES, TRUST_STORE_VARS, sdk_config};
use retail_functions::config::FunctionEnv;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

const TEST_CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/ca.pem");
const SERVER_CERT: &[u8] = include_bytes!("fixtures/tls/server.pem");
const SERVER_KEY: &[u8] = include_bytes!("fixtures/tls/server.key");
/// Set by the parent test for the child run that uses the platform's store.
const CHILD_MARKER: &str = "STACKGEN_TRUST_TEST_CHILD";

/// The SHA-256 of each root's SubjectPublicKeyInfo, as Amazon Trust Services publishes them
/// (<https://www.amazontrust.com/repository/>, "Root CAs"): Amazon Root CA 1–4, then Starfield
/// Services Root Certificate Authority - G2.
const PUBLISHED_SPKI_SHA256: [&str; 5] = [
    "fbe3018031f9586bcbf41727e417b7d1c45c2f47f93be372a17b96b50757d5a2",
    "7f4296fc5b6a4e3b35d3c369623e364ab1af381d8fa7121533c9d6c633ea2461",
    "36abc32656acfc645c61b71613c4bf21c787f5cabbee48348d58597803d7abc9",
    "f7ecded5c66047d28ed6466b543c40e0743abe81d109254dcf845d4c2c7853c5",
    "2b071c59a0a0ae76b0eadb2bad23bad4580b69c3601b630c2eaf0613afa83f92",
];

#[test]
fn the_compiled_in_roots_are_amazon_trust_services_five() {
    let certs: Vec<CertificateDer> = CertificateDer::pem_slice_iter(AMAZON_TRUST_SERVICES)
        .collect::<Result<_, _>>()
        .expect("the bundle is PEM");
    let mut store = rustls::RootCertStore::empty();
    for cert in certs {
        store.add(cert).expect("each root parses as a trust anchor");
    }
    let hashes: Vec<String> = store
        .roots
        .iter()
        .map(|anchor| spki_sha256(&anchor.subject_public_key_info))
        .collect();
    assert_eq!(hashes, PUBLISHED_SPKI_SHA256);
}

/// webpki keeps a SubjectPublicKeyInfo without its outer SEQUENCE; the published hash is over
/// the whole DER value, so the header goes back on (long form for lengths past 127).
fn spki_sha256(inner: &[u8]) -> String {
    let len = inner.len();
    let mut der = vec![0x30];
    match len {
        0..=127 => der.push(len as u8),
        128..=255 => der.extend([0x81, len as u8]),
        _ => der.extend([0x82, (len >> 8) as u8, len as u8]),
    }
    der.extend_from_slice(inner);
    hex::encode(Sha256::digest(&der))
}

/// With `SSL_CERT_FILE` naming the test CA in the process, but not in the function's
/// environment, the test CA is still refused: the default never reads the platform's store.
#[test]
fn a_function_trusts_only_amazon_trust_services_by_default() {
    run_child(Child::Compiled, TRUST_STORE_VARS[0], TEST_CA);
}

/// With `SSL_CERT_FILE` in the function's environment, the store it names is trusted.
#[test]
fn ssl_cert_file_brings_the_platform_store_back() {
    run_child(Child::Platform, TRUST_STORE_VARS[0], TEST_CA);
}

/// With `SSL_CERT_DIR` in the function's environment, the certificates in that directory are
/// trusted (rustls-native-certs reads every file in it; `openssl rehash` names are not needed).
#[test]
fn ssl_cert_dir_brings_the_platform_store_back() {
    let dir = std::env::temp_dir().join(format!("stackgen-trust-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::copy(TEST_CA, dir.join("test-ca.pem")).expect("the test CA is copied");
    let path = dir.to_str().expect("a UTF-8 temporary path").to_owned();
    run_child(Child::Platform, TRUST_STORE_VARS[1], &path);
    std::fs::remove_dir_all(&dir).expect("the temporary directory is removed");
}

#[derive(Debug, Clone, Copy)]
enum Child {
    Compiled,
    Platform,
}

/// Runs [`trust_child`] in a child process with `var` (`SSL_CERT_FILE` or `SSL_CERT_DIR`) set to
/// `path` and the other variable unset: the platform store is read from the process environment
/// once per process, so it cannot be switched inside this one.
fn run_child(mode: Child, var: &str, path: &str) {
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new(exe)
        .args(["--exact", "trust_child", "--ignored", "--nocapture"])
        .env_remove(TRUST_STORE_VARS[0])
        .env_remove(TRUST_STORE_VARS[1])
        .env(var, path)
        .env(CHILD_MARKER, format!("{mode:?}"))
        .output()
        .expect("the test binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the {mode:?} child failed: {text}");
    assert!(text.contains("1 passed"), "the {mode:?} child ran: {text}");
}

#[tokio::test]
#[ignore = "run by the tests above, in a child process with SSL_CERT_FILE or SSL_CERT_DIR set"]
async fn trust_child() {
    // Run directly (`--ignored` across the suite), there is nothing to check.
    let Ok(mode) = std::env::var(CHILD_MARKER) else {
        return;
    };
    let port = serve_tls();
    let platform = mode == format!("{:?}", Child::Platform);
    let extra =
        std::env::vars().filter(|(k, _)| platform && TRUST_STORE_VARS.contains(&k.as_str()));
    let result = list_tables(&function_env(port, extra)).await;
    if platform {
        let tables = result.expect("the test CA is trusted through SSL_CERT_FILE or SSL_CERT_DIR");
        assert!(tables.table_names().is_empty());
    } else {
        let chain = format!("{:?}", result.expect_err("the test CA is refused"));
        assert!(
            chain.contains("UnknownIssuer"),
            "refused on the issuer: {chain}"
        );
    }
}

fn function_env(port: u16, extra: impl Iterator<Item = (String, String)>) -> FunctionEnv {
    let vars = [
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
        ("AWS_ENDPOINT_URL", format!("https://127.0.0.1:{port}")),
    ];
    let vars = vars.into_iter().map(|(k, v)| (k.to_owned(), v));
    FunctionEnv::new(&retail_spec::CATALOG, vars.chain(extra))
}

async fn list_tables(
    env: &FunctionEnv,
) -> Result<
    aws_sdk_dynamodb::operation::list_tables::ListTablesOutput,
    aws_sdk_dynamodb::error::SdkError<aws_sdk_dynamodb::operation::list_tables::ListTablesError>,
> {
    let sdk = sdk_config(env).expect("a complete environment");
    let config = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
        .list_tables()
        .send()
        .await
}

/// A TLS server on an ephemeral loopback port that answers every request as DynamoDB's
/// ListTables would with no tables.
fn serve_tls() -> u16 {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(SERVER_CERT)
        .collect::<Result<_, _>>()
        .expect("the server certificate is PEM");
    let key = PrivateKeyDer::from_pem_slice(SERVER_KEY).expect("the server key is PEM");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("the certificate matches its key");
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("a bound address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            // A refused handshake ends here with an error; that is what one test wants.
            let _ = answer(rustls::StreamOwned::new(conn, stream));
        }
    });
    port
}

fn answer(
    tls: rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(tls);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let reply = r#"{"TableNames":[]}"#;
    let mut tls = reader.into_inner();
    write!(
        tls,
        "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
        reply.len()
    )?;
    tls.flush()?;
    tls.conn.send_close_notify();
    tls.flush()
}
