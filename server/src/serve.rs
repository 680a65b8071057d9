//! The accept loop: hyper with a timer, so that the limits `axum::serve` leaves inert apply.
//!
//! `axum::serve` builds hyper's connection builder without a timer, and without one hyper's
//! header-read timeout does nothing (tokio-rs/axum#2741): a client could hold a connection
//! open forever by sending half a request line. Here every connection reads its request head
//! within [`ServeLimits::header_read_timeout`] or is closed, the number of open connections is
//! capped (the excess waits in the kernel's backlog), and shutdown lets in-flight requests
//! finish until a deadline.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::{Service, ServiceExt};

/// What one connection, and all of them together, may take.
#[derive(Debug, Clone, Copy)]
pub struct ServeLimits {
    /// The most a client may take to send a request's head (request line and headers).
    pub header_read_timeout: Duration,
    /// Open connections at most; further clients wait to be accepted.
    pub max_connections: usize,
    /// After a shutdown signal, how long in-flight requests may take to finish.
    pub shutdown_grace: Duration,
}

/// Serves `router` on `listener` until `shutdown` completes, then drains.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut make_service = router.into_make_service_with_connect_info::<SocketAddr>();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);

    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = connections.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: pause instead of spinning.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // No Nagle: a streamed page's small chunks otherwise wait for the client's delayed ACK
        // (measured: the compressed SSR home page sat at a 44 ms median with it on).
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
        let Ok(service) = make_service.call(peer).await;
        let service = service.map_request(|request: Request<hyper::body::Incoming>| request.map(axum::body::Body::new));
        let service = TowerToHyperService::new(service);
        let connection = builder.serve_connection(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
            drop(permit);
        });
    }

    drop(listener);
    tracing::info!(grace_secs = limits.shutdown_grace.as_secs(), "draining in-flight requests");
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await.is_err() {
        tracing::warn!("shutdown grace elapsed with requests still in flight; closing them");
    }
    Ok(())
}
