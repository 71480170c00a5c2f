//! HTTP(S) as a shopper's browser speaks it to the store: JSON over HTTPS to CloudFront or API
//! Gateway in AWS, plain HTTP to `stackgen dev` on this machine.
//!
//! One pooled client (hyper-util's, over hyper-rustls with the system's root certificates and
//! ring, the TLS stack the SDK's client uses too), a timeout per request, and the answer read
//! whole: every response of the store is small JSON or one HTML page.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::Request;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as Pool;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value as Json;

/// The longest answer read (the storefront's largest page is ~20 KB; a catalog page ~30 KB).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// What went wrong before an HTTP status came back.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("`{0}` is not an http:// or https:// URL")]
    BadUrl(String),
    #[error("cannot load this machine's root certificates for HTTPS: {0}")]
    Tls(std::io::Error),
    #[error("{method} {url} did not answer within {} s", .after.as_secs())]
    Timeout {
        method: String,
        url: String,
        after: Duration,
    },
    #[error("{method} {url} failed: {message}")]
    Transport {
        method: String,
        url: String,
        message: String,
    },
}

/// One answer: status, body and how long it took (connection included).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Bytes,
    pub elapsed: Duration,
}

impl Reply {
    /// The body as JSON, `Null` when it is not JSON.
    pub fn json(&self) -> Json {
        serde_json::from_slice(&self.body).unwrap_or(Json::Null)
    }

    /// The body as text (lossy), shortened for a message.
    pub fn excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        match text.char_indices().nth(200) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_owned(),
        }
    }
}

/// A reusable client: connections are kept alive between requests.
#[derive(Clone)]
pub struct Client {
    pool: Pool<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "http::Client(timeout {:?})", self.timeout)
    }
}

impl Client {
    /// A client giving up on any request after `timeout`.
    pub fn new(timeout: Duration) -> Result<Client, HttpError> {
        let provider = rustls::crypto::ring::default_provider();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .map_err(HttpError::Tls)?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Client {
            pool: Pool::builder(TokioExecutor::new()).build(https),
            timeout,
        })
    }

    /// Sends one request; `body` is sent as JSON.
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&Json>,
    ) -> Result<Reply, HttpError> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(HttpError::BadUrl(url.to_owned()));
        }
        let mut request = Request::builder()
            .method(method)
            .uri(url)
            .header("accept", "application/json, text/html")
            .header(
                "user-agent",
                concat!("stackgen-smoke/", env!("CARGO_PKG_VERSION")),
            );
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let payload = match body {
            Some(json) => {
                request = request.header("content-type", "application/json");
                Bytes::from(json.to_string())
            }
            None => Bytes::new(),
        };
        let request = request
            .body(Full::new(payload))
            .map_err(|_| HttpError::BadUrl(url.to_owned()))?;
        let started = Instant::now();
        let fail = |message: String| HttpError::Transport {
            method: method.to_owned(),
            url: url.to_owned(),
            message,
        };
        let exchange = async {
            let response = self
                .pool
                .request(request)
                .await
                .map_err(|e| fail(error_chain(&e)))?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), MAX_BODY)
                .collect()
                .await
                .map_err(|e| fail(format!("reading the answer: {e}")))?
                .to_bytes();
            Ok(Reply {
                status,
                body,
                elapsed: started.elapsed(),
            })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| HttpError::Timeout {
                method: method.to_owned(),
                url: url.to_owned(),
                after: self.timeout,
            })?
    }
}

/// An error and its causes on one line (hyper's own message is only "client error (Connect)").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refuses_what_is_not_a_web_url() {
        let client = Client::new(Duration::from_secs(1)).expect("client");
        let err = client
            .send("GET", "ftp://example.com/", &[], None)
            .await
            .expect_err("not http");
        assert!(err.to_string().contains("not an http:// or https:// URL"));
    }

    #[tokio::test]
    async fn a_closed_port_is_a_transport_error_naming_the_url() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let client = Client::new(Duration::from_secs(5)).expect("client");
        let url = format!("http://127.0.0.1:{port}/api/catalog");
        let err = client
            .send("GET", &url, &[], None)
            .await
            .expect_err("closed");
        let text = err.to_string();
        assert!(text.contains(&url), "{text}");
        assert!(text.to_lowercase().contains("connect"), "{text}");
    }
}
