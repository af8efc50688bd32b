//! Accepting and serving connections, so that idle, slow or half-open clients cannot hold the
//! server's file descriptors:
//! - idle timeout: a connection must start a request within it, from when it is ready (after the
//!   TLS handshake) and again after each reply (`IdleIo`);
//! - header-read timeout: a request's headers must be complete within it of its first byte
//!   (hyper's timeout, started by `HeaderTimer` at that byte rather than when hyper starts waiting);
//! - a TLS handshake timeout, and a bound on the connections open from one source address.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, Sleep};
use tokio_rustls::TlsAcceptor;

use crate::config::ConnectionSettings;

/// Serves `router` on `listener` (TLS when `tls` is given) until `shutdown` resolves, then lets
/// every open connection finish its request and waits for all of them.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    settings: &ConnectionSettings,
    shutdown: impl Future<Output = ()>,
) {
    let limits = Limits::from(settings);
    let slots = Arc::new(PerAddress::new(
        settings.per_address,
        settings.trusted_proxies.clone(),
    ));
    // Every connection task holds a clone of `open`; `closed.recv()` ends when all are gone.
    let (open, mut closed) = mpsc::channel::<()>(1);
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => break,
        };
        let Ok((tcp, peer)) = accepted else {
            // Out of file descriptors and the like: wait a moment rather than spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        // Over the bound for its address: closed at once, before any byte is read.
        let Some(slot) = slots.take(peer.ip()) else {
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let conn = Conn {
            peer,
            router: router.clone(),
            limits,
            stopping: stopping.clone(),
        };
        let (tls, open) = (tls.clone(), open.clone());
        tokio::spawn(async move {
            conn.run(tcp, tls).await;
            drop((slot, open));
        });
    }
    drop(listener);
    let _ = stop.send(true);
    drop(open);
    let _ = closed.recv().await;
}

#[derive(Clone, Copy)]
struct Limits {
    header_read: Duration,
    idle: Duration,
    handshake: Duration,
}

impl From<&ConnectionSettings> for Limits {
    fn from(s: &ConnectionSettings) -> Self {
        Self {
            header_read: Duration::from_secs(s.header_read_timeout_seconds),
            idle: Duration::from_secs(s.idle_timeout_seconds),
            handshake: Duration::from_secs(s.tls_handshake_timeout_seconds),
        }
    }
}

struct Conn {
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    stopping: watch::Receiver<bool>,
}

impl Conn {
    async fn run(self, tcp: TcpStream, tls: Option<TlsAcceptor>) {
        let Some(acceptor) = tls else {
            return self.http(tcp).await;
        };
        let handshake = tokio::time::timeout(self.limits.handshake, acceptor.accept(tcp));
        let mut stopping = self.stopping.clone();
        let stream = tokio::select! {
            done = handshake => done,
            _ = stopping.wait_for(|s| *s) => return,
        };
        if let Ok(Ok(stream)) = stream {
            self.http(stream).await;
        }
    }

    /// HTTP/1.1 on one connection; the peer address reaches handlers as `ConnectInfo`.
    async fn http<I>(self, io: I)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Conn {
            peer,
            router,
            limits,
            mut stopping,
        } = self;
        let request_start = RequestStart::default();
        let head_read = request_start.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            // The head is complete: no longer a request being read.
            head_read.set(None);
            req.extensions_mut().insert(ConnectInfo(peer));
            tower::ServiceExt::oneshot(router.clone(), req)
        });
        let timer = HeaderTimer {
            request_start: request_start.clone(),
            timeout: limits.header_read,
        };
        let io = IdleIo::new(io, limits.idle, request_start.clone());
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(timer)
            .header_read_timeout(limits.header_read)
            .keep_alive(true)
            .serve_connection(TokioIo::new(io), service);
        tokio::pin!(conn);
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = stopping.wait_for(|s| *s) => {}
        }
        // A client still sending headers has no request to finish: closed at once. Otherwise the
        // request in flight finishes (event streams end on their own), then the connection closes.
        if request_start.get().is_some() {
            return;
        }
        conn.as_mut().graceful_shutdown();
        let _ = conn.await;
    }
}

/// Counts the open connections of each source address; trusted proxies (which carry many
/// clients) are not bounded.
struct PerAddress {
    max: usize,
    exempt: Vec<IpAddr>,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection counted for its address; uncounted when dropped.
struct Slot {
    owner: Arc<PerAddress>,
    ip: Option<IpAddr>,
}

impl PerAddress {
    fn new(max: usize, exempt: Vec<IpAddr>) -> Self {
        Self {
            max,
            exempt,
            open: Mutex::new(HashMap::new()),
        }
    }

    fn take(self: &Arc<Self>, ip: IpAddr) -> Option<Slot> {
        let ip = ip.to_canonical();
        if self.exempt.contains(&ip) {
            return Some(Slot {
                owner: self.clone(),
                ip: None,
            });
        }
        let mut open = self.open.lock().expect("connection count lock");
        let n = open.entry(ip).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(Slot {
            owner: self.clone(),
            ip: Some(ip),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(ip) = self.ip else { return };
        let mut open = self.owner.open.lock().expect("connection count lock");
        if let Some(n) = open.get_mut(&ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&ip);
            }
        }
    }
}

/// When the first byte of the request whose head is being read arrived; `None` while none has or
/// once the head is complete. Shared by a connection's `IdleIo` (which sets it), its service (which
/// clears it) and `HeaderTimer` (which counts from it).
#[derive(Clone, Default)]
struct RequestStart(Arc<Mutex<Option<Instant>>>);

impl RequestStart {
    fn get(&self) -> Option<Instant> {
        *self.0.lock().expect("request start lock")
    }

    fn set(&self, at: Option<Instant>) {
        *self.0.lock().expect("request start lock") = at;
    }
}

/// Ends a connection that stays silent for `idle` while the server waits for a request: from the
/// moment it is ready and again after each reply written. Reads are what hyper polls while
/// waiting, so the timer is checked there and reported as the end of the stream (a clean close).
struct IdleIo<I> {
    io: I,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    awaiting_request: bool,
    request_start: RequestStart,
}

impl<I> IdleIo<I> {
    fn new(io: I, idle: Duration, request_start: RequestStart) -> Self {
        Self {
            io,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
            awaiting_request: true,
            request_start,
        }
    }

    fn wrote(&mut self, written: &Poll<std::io::Result<usize>>) {
        if matches!(written, Poll::Ready(Ok(n)) if *n > 0) {
            self.awaiting_request = true;
            self.request_start.set(None);
            let deadline = Instant::now() + self.idle;
            self.timer.as_mut().reset(deadline);
        }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for IdleIo<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before && this.awaiting_request {
                    this.awaiting_request = false;
                    this.request_start.set(Some(Instant::now()));
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if this.awaiting_request && this.timer.as_mut().poll(cx).is_ready() => {
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for IdleIo<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let written = Pin::new(&mut self.io).poll_write(cx, data);
        self.wrote(&written);
        written
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let written = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.wrote(&written);
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// hyper's only timer on an HTTP/1 server connection is the header-read timeout, armed when it
/// starts waiting for a request. This one counts `timeout` from the request's first byte
/// instead, so an idle wait is `IdleIo`'s alone.
struct HeaderTimer {
    request_start: RequestStart,
    timeout: Duration,
}

impl hyper::rt::Timer for HeaderTimer {
    fn sleep(&self, _: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HeaderSleep {
            request_start: self.request_start.clone(),
            timeout: self.timeout,
            armed_for: None,
            inner: Box::pin(tokio::time::sleep(self.timeout)),
        })
    }

    fn sleep_until(&self, _: std::time::Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        self.sleep(self.timeout)
    }
}

struct HeaderSleep {
    request_start: RequestStart,
    timeout: Duration,
    armed_for: Option<Instant>,
    inner: Pin<Box<Sleep>>,
}

impl Future for HeaderSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Before the first byte, the reads (and `IdleIo`'s timer) wake the connection.
        let Some(start) = self.request_start.get() else {
            return Poll::Pending;
        };
        if self.armed_for != Some(start) {
            self.armed_for = Some(start);
            let deadline = start + self.timeout;
            self.inner.as_mut().reset(deadline);
        }
        self.inner.as_mut().poll(cx)
    }
}

impl hyper::rt::Sleep for HeaderSleep {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_is_bounded_and_released_on_drop() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let slots = Arc::new(PerAddress::new(2, vec![proxy]));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let (one, _two) = (slots.take(a).unwrap(), slots.take(a).unwrap());
        assert!(slots.take(a).is_none());
        assert!(slots.take("192.0.2.2".parse().unwrap()).is_some());
        drop(one);
        assert!(slots.take(a).is_some());
        let proxied: Vec<_> = (0..5).filter_map(|_| slots.take(proxy)).collect();
        assert_eq!(proxied.len(), 5, "a trusted proxy is not bounded");
    }
}
