//! The accept loop: HTTP/1.1 connections with a cap, timeouts and a graceful shutdown.
//!
//! `axum::serve` has no header-read timeout and no connection cap, so a client trickling its
//! headers could hold a connection (and a file descriptor) for ever, and a few thousand such
//! clients the whole server. Here:
//!
//! | bound | default | flag | what happens |
//! | --- | --- | --- | --- |
//! | header timeout | 10 s | `--header-timeout-ms` | a request head (start line and headers) not complete this long after the server starts waiting for it: the connection is closed (hyper's `header_read_timeout`; on a kept-alive connection the wait starts when the previous answer is sent) |
//! | idle timeout | 5 s | `--idle-timeout-ms` | no byte read or written for this long while no request is being handled (a kept-alive connection between requests, a client that stops reading its answer): closed |
//! | request timeout | 30 s | `--request-timeout-ms` | the request's body read and handled within this, else 503 `request.timeout` (see `middleware.rs`); a write that started still commits or rolls back on its own |
//! | connections | 1024 | `--max-connections` | connections served at once; the next one is accepted only when one ends (it waits in the kernel's backlog) |
//! | request head | 64 KiB | | hyper's read buffer: a larger head is refused |
//!
//! On shutdown (SIGTERM, Ctrl-C) the loop stops accepting, every connection finishes the
//! request it is handling and closes, and the loop returns once all have closed or after
//! [`SHUTDOWN_GRACE`].

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use prometheus::IntGauge;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tower::Service;

/// How long a shutdown waits for open connections to finish.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// hyper's read buffer, so the largest request head (hyper's own default is about 400 KiB).
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The bounds of the module table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits { header_timeout: Duration::from_secs(10), idle_timeout: Duration::from_secs(5), max_connections: 1024 }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then drains (see the module docs).
/// `open` counts the connections being served.
pub async fn serve(listener: TcpListener, app: Router, limits: ConnectionLimits, open: IntGauge, shutdown: impl Future<Output = ()>) {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(max));
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors or a connection reset before accept: wait a
                    // little rather than spin, and go on.
                    tracing::warn!(error = %error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = Connection { app: app.clone(), limits: limits.clone(), open: open.clone(), stopping: stopping.clone() };
        tokio::spawn(async move {
            connection.run(stream, peer).await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    if tokio::time::timeout(SHUTDOWN_GRACE, permits.acquire_many(all)).await.is_err() {
        tracing::warn!(seconds = SHUTDOWN_GRACE.as_secs(), "connections still open after the shutdown grace; closing");
    }
}

struct Connection {
    app: Router,
    limits: ConnectionLimits,
    open: IntGauge,
    stopping: watch::Receiver<bool>,
}

impl Connection {
    async fn run(mut self, stream: TcpStream, peer: SocketAddr) {
        self.open.inc();
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Watched { inner: stream, activity: activity.clone() });
        let app = self.app.clone();
        let busy = activity.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let handling = Handling::enter(busy.clone());
            let mut app = app.clone();
            async move {
                let response = app.call(request).await;
                drop(handling);
                response
            }
        });
        let mut builder = http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(self.limits.header_timeout).max_buf_size(MAX_HEAD_BYTES);
        let mut conn = pin!(builder.serve_connection(io, service));
        let mut draining = *self.stopping.borrow();
        if draining {
            conn.as_mut().graceful_shutdown();
        }
        loop {
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(error) = result {
                        // Header timeouts, resets, malformed requests: the client's doing.
                        tracing::debug!(error = %error, "connection ended with an error");
                    }
                    break;
                }
                changed = self.stopping.changed(), if !draining => {
                    draining = true;
                    if changed.is_ok() {
                        conn.as_mut().graceful_shutdown();
                    }
                }
                () = activity.idle_for(self.limits.idle_timeout) => {
                    tracing::debug!("idle connection closed");
                    break;
                }
            }
        }
        self.open.dec();
    }
}

/// When bytes last moved on a connection, and whether a request is being handled.
struct Activity {
    started: Instant,
    last_ms: AtomicU64,
    handling: AtomicUsize,
}

impl Activity {
    fn new() -> Activity {
        Activity { started: Instant::now(), last_ms: AtomicU64::new(0), handling: AtomicUsize::new(0) }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Completes once nothing has moved for `limit` while no request was being handled.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let last = self.started + Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let quiet = last.elapsed();
            if self.handling.load(Ordering::Relaxed) == 0 && quiet >= limit {
                return;
            }
            tokio::time::sleep(limit.saturating_sub(quiet).max(Duration::from_millis(50))).await;
        }
    }
}

/// Marks a request as being handled until dropped (also when its future is dropped).
struct Handling(Arc<Activity>);

impl Handling {
    fn enter(activity: Arc<Activity>) -> Handling {
        activity.handling.fetch_add(1, Ordering::Relaxed);
        Handling(activity)
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.touch();
        self.0.handling.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A stream that notes in [`Activity`] every byte read or written.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[std::io::IoSlice<'_>]) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
