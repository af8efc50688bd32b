//! Wiring: opens the store, builds the shared state and router, serves until told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::api::{self, AppState};
use crate::clock::Clock;
use crate::config::Config;
use crate::limits::RateLimiter;
use crate::store::StoreError;
use crate::store::engine::{Engine, EngineThread};
use crate::store::reads::ReadPool;

/// Failed logins allowed per account per minute before the account is throttled.
pub const LOGIN_FAILURES_PER_MINUTE: usize = 5;

/// A server ready to serve: state built, database open, writer thread running.
pub struct Server {
    pub state: AppState,
    engine_thread: EngineThread,
    shutdown: watch::Sender<bool>,
}

/// The router for a state (what tests drive with `tower::ServiceExt::oneshot`).
pub fn app(state: AppState) -> Router {
    api::router(state)
}

impl Server {
    pub fn open(config: Config, db: &Path, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let config = Arc::new(config);
        let (engine, engine_thread) = Engine::start(db, config.clone(), clock.clone())?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let state = AppState {
            engine,
            reads: ReadPool::new(db),
            config,
            clock,
            login_limiter: Arc::new(RateLimiter::new(
                LOGIN_FAILURES_PER_MINUTE,
                Duration::from_secs(60),
            )),
            status_limiter: Arc::new(RateLimiter::new(
                api::public::STATUS_LOOKUPS_PER_MINUTE,
                Duration::from_secs(60),
            )),
            shutdown: shutdown_rx,
        };
        Ok(Self {
            state,
            engine_thread,
            shutdown,
        })
    }

    /// Serves on `listener` until `signal` resolves, then finishes in-flight requests, ends event
    /// streams, lets the writer thread commit its last batch, and returns.
    pub async fn run(
        self,
        listener: TcpListener,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Server {
            state,
            engine_thread,
            shutdown,
        } = self;
        let router = app(state);
        let graceful = async move {
            signal.await;
            let _ = shutdown.send(true);
        };
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(graceful)
        .await?;
        // The router (and with it every Engine handle) is gone: the writer drains and stops.
        tokio::task::spawn_blocking(move || engine_thread.join())
            .await
            .ok();
        Ok(())
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
