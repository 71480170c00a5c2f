//! Plain-HTTP requests to the local emulator (its JWKS, its Cognito API for the pages).
//!
//! `stackgen dev` only ever talks to an emulator on this machine (`http://127.0.0.1:…`), so this
//! is HTTP/1.1 over one TCP connection per request, with no TLS and no pooling.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// An answer: status, headers (lower-case names) and body.
pub type Answer = (u16, Vec<(String, String)>, Bytes);

/// `GET url`: status and body.
pub async fn get(url: &str) -> Result<(u16, Bytes), String> {
    let (status, _, body) = send(url, "GET", &[], Bytes::new()).await?;
    Ok((status, body))
}

/// How long one request may take, connection included.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Sends one request to an `http://host:port/path` URL, giving up after [`TIMEOUT`].
pub async fn send(
    url: &str,
    method: &str,
    headers: &[(String, String)],
    body: Bytes,
) -> Result<Answer, String> {
    tokio::time::timeout(TIMEOUT, exchange(url, method, headers, body))
        .await
        .map_err(|_| {
            format!(
                "{method} {url} did not answer within {} s",
                TIMEOUT.as_secs()
            )
        })?
}

async fn exchange(
    url: &str,
    method: &str,
    headers: &[(String, String)],
    body: Bytes,
) -> Result<Answer, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url} is not an http:// URL of the local emulator"))?;
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let stream = TcpStream::connect(authority)
        .await
        .map_err(|e| format!("cannot connect to {authority}: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake with {authority}: {e}"))?;
    tokio::spawn(connection);
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", authority);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Full::new(body))
        .map_err(|e| format!("building the request to {url}: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("{method} {url}: {e}"))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading the answer of {url}: {e}"))?
        .to_bytes();
    Ok((status, headers, body))
}
