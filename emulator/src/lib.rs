//! A TMDb v3 compatible HTTP service on a bundled catalog of 3,200 films.
//!
//! The hub's server starts it in-process when no TMDb credential is configured and points its
//! real TMDb client at it, so both modes share one code path (client, retries, cache). It also
//! runs standalone (`tmdb-emulator`) with fault injection for tests, benchmarks and frontend work.

pub mod catalog;
pub mod faults;
pub mod images;
mod routes;
pub mod translations;

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::task::{Context, Poll};

use axum::Router;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use catalog::Catalog;
pub use faults::{FaultSettings, Faults};
pub use routes::TmdbError;

/// How an emulator is set up.
#[derive(Debug, Clone, Default)]
pub struct EmulatorConfig {
    /// The API key or read token clients must present; `None` accepts any request.
    pub credential: Option<String>,
    /// Where clients fetch images (`/configuration`'s `secure_base_url`). `None` means this
    /// emulator's own `/t/p/` route.
    pub image_base_url: Option<String>,
    pub faults: FaultSettings,
    /// The bearer token `/__emulator/*` (fault injection, statistics) requires; `None` leaves
    /// them open, which is only for an emulator on a loopback address.
    pub admin_token: Option<String>,
}

/// The emulator's shared state.
pub struct Emulator {
    catalog: Catalog,
    credential: Option<String>,
    admin_token: Option<String>,
    image_base_url: String,
    /// Every API request received, faulted or not: tests count upstream calls with it.
    requests: AtomicU64,
    pub faults: Faults,
}

impl Emulator {
    pub fn new(config: EmulatorConfig, image_base_url: String) -> Self {
        Self {
            catalog: Catalog::bundled(),
            credential: config.credential,
            admin_token: config.admin_token,
            image_base_url: config.image_base_url.unwrap_or(image_base_url),
            requests: AtomicU64::new(0),
            faults: Faults::new(config.faults),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// API requests received so far (images and admin routes are not counted).
    pub fn requests_received(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The full HTTP surface: `/3/...` API, `/t/p/...` images, `/__emulator/...` admin.
pub fn router(emulator: Arc<Emulator>) -> Router {
    routes::router(emulator)
}

/// Only the image routes (`/t/p/{size}/{file}`), for a server that serves them itself.
pub fn images_router(emulator: Arc<Emulator>) -> Router {
    routes::images_router().with_state(emulator)
}

/// An emulator serving on a local port until it is shut down or dropped.
pub struct RunningEmulator {
    pub addr: SocketAddr,
    pub emulator: Arc<Emulator>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl RunningEmulator {
    /// Binds `addr` (port 0 picks a free one) and serves in a background task.
    pub async fn start(config: EmulatorConfig, addr: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let emulator = Arc::new(Emulator::new(config, format!("http://{addr}/t/p/")));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let listener = FaultyListener { inner: listener, emulator: emulator.clone() };
        let app = router(emulator.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%addr, "TMDb emulator listening");
        Ok(Self { addr, emulator, shutdown: Some(shutdown), task })
    }

    /// The base URL a TMDb client should use, like `https://api.themoviedb.org/3`.
    pub fn base_url(&self) -> String {
        format!("http://{}/3", self.addr)
    }

    /// Stops accepting connections and waits for in-flight requests.
    pub async fn stop(mut self) -> io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        (&mut self.task).await.unwrap_or_else(|join| Err(io::Error::other(join)))
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A listener whose connections fail while the emulator is set to refuse them: new ones are
/// dropped at once and open keep-alive ones break on their next read or write, so clients see
/// the connection errors of a service that is down.
struct FaultyListener {
    inner: TcpListener,
    emulator: Arc<Emulator>,
}

impl axum::serve::Listener for FaultyListener {
    type Io = FaultyStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) if self.emulator.faults.refusing_connections() => {
                    drop(stream);
                    tracing::debug!(%addr, "refused a connection (fault injection)");
                }
                Ok((stream, addr)) => {
                    return (FaultyStream { inner: stream, emulator: self.emulator.clone() }, addr);
                }
                Err(error) => {
                    // Like axum's own listener: a failed accept (e.g. too many open files) is
                    // transient, so wait a moment rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

struct FaultyStream {
    inner: TcpStream,
    emulator: Arc<Emulator>,
}

impl FaultyStream {
    fn check(&self) -> io::Result<()> {
        if self.emulator.faults.refusing_connections() {
            Err(io::Error::new(io::ErrorKind::ConnectionReset, "connection refused (fault injection)"))
        } else {
            Ok(())
        }
    }
}

impl AsyncRead for FaultyStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultyStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
