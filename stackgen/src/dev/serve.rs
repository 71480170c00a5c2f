//! The accept loop shared by the gateway and the runtime API endpoints (HTTP/1.1 on hyper).
//!
//! Sockets get `TCP_NODELAY` (small request/response exchanges must not wait for Nagle), and
//! every connection ends when the shutdown token fires, so stopping leaves no task behind.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Serves connections from `listener` until `shutdown`; `service_for` builds the service of
/// each connection from the peer's address.
pub async fn serve<S, F>(listener: TcpListener, shutdown: CancellationToken, service_for: F)
where
    F: Fn(SocketAddr) -> S,
    S: Service<Request<Incoming>, Response = Response<Full<Bytes>>, Error = Infallible>
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.cancelled() => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(_) => {
                // Out of file descriptors or an aborted handshake: try again shortly.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = service_for(peer);
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let connection = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = shutdown.cancelled() => {}
            }
        });
    }
}

/// A response with a body and headers.
pub fn response(
    status: u16,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Response<Full<Bytes>> {
    let mut builder = Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Full::new(body.into()))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// A JSON response.
pub fn json(status: u16, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    response(status, &[("content-type", "application/json")], body)
}
