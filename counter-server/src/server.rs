//! Wiring: opens the store, builds the shared state and router, serves until told to stop.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::cache::PrincipalCache;
use crate::clock::Clock;
use crate::config::{Config, LiveConfig};
use crate::http::AppState;
use crate::maintenance::MaintenanceLog;
use crate::router;
use crate::store::engine::{Engine, EngineThread};
use crate::store::reads::ReadPool;
use crate::store::{Database, StoreError};

/// How long the owner of a token is remembered without asking the database again.
pub const PRINCIPAL_CACHE_SECONDS: u64 = 5;

/// A server ready to serve: state built, database open, writer thread running.
pub struct Server {
    pub state: AppState,
    engine_thread: EngineThread,
    shutdown: watch::Sender<bool>,
    db: Database,
    /// Held while the server runs: a restore or key rotation refuses to run beside it.
    _lock: std::fs::File,
}

/// Takes the database's lock file (`<db>.lock`), refusing when a running server holds it.
pub fn lock_database(path: &std::path::Path) -> Result<std::fs::File, String> {
    let lock_path = std::path::PathBuf::from(format!("{}.lock", path.display()));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "{} is in use by a running counter-server: stop it first",
            path.display()
        )),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(format!("cannot lock {}: {e}", lock_path.display()))
        }
    }
}

/// How often the retention purge runs (and a scheduled backup is considered).
pub const MAINTENANCE_EVERY: Duration = Duration::from_secs(3600);

/// How often the lines are checked for turning red (an alert is at most this late).
pub const RED_LINE_CHECK_EVERY: Duration = Duration::from_secs(5);

/// Raises a supervisor alert when a line turns red (`commands::line_alerts`); the set of red lines
/// lives here, so a line raises once per crossing.
async fn red_line_watch(engine: Engine, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(RED_LINE_CHECK_EVERY);
    let mut red = std::collections::BTreeSet::new();
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        match crate::commands::line_alerts::raise_for_new_red_lines(&engine, &red).await {
            Ok(now_red) => red = now_red,
            Err(e) => tracing::warn!(error = ?e, "checking the lines for red"),
        }
    }
}

/// The hourly jobs: the retention purge, and a backup when one is due. Each runs on the blocking
/// pool with its own connection; failures are logged and retried at the next tick.
async fn maintenance(
    db: Database,
    live: Arc<LiveConfig>,
    clock: Arc<dyn Clock>,
    log: Arc<MaintenanceLog>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(MAINTENANCE_EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        // Read at each run: a service's retention days may have changed in administration.
        let (db, config, log, now) = (db.clone(), live.get(), log.clone(), clock.now());
        let done = tokio::task::spawn_blocking(move || {
            let mut conn = crate::store::open(&db, false).map_err(|e| e.to_string())?;
            crate::store::retention::purge(&mut conn, &config.retention_policy(), now)
                .map_err(|e| e.to_string())?;
            log.purged(now);
            if let Some(b) = &config.backup {
                let newest = crate::store::backup::list(&b.dir)
                    .unwrap_or_default()
                    .last()
                    .and_then(|p| p.metadata().ok()?.modified().ok());
                let due = newest.is_none_or(|t| {
                    t.elapsed().unwrap_or_default()
                        >= Duration::from_secs(u64::from(b.every_hours) * 3600)
                });
                if due {
                    let file = crate::store::backup::backup(&db, &b.dir, b.keep, now)?;
                    tracing::info!(file = %file.display(), "backup written");
                }
            }
            Ok::<(), String>(())
        })
        .await;
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "maintenance failed; retrying next hour"),
            Err(e) => tracing::error!(error = %e, "maintenance task panicked"),
        }
    }
}

/// The router for a state (what tests drive with `tower::ServiceExt::oneshot`).
pub fn app(state: AppState) -> Router {
    router::router(state)
}

impl Server {
    pub fn open(config: Config, db: &Database, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let lock = lock_database(&db.path).map_err(StoreError::Locked)?;
        let live = Arc::new(LiveConfig::new(Arc::new(config)));
        let (engine, engine_thread) = Engine::start(db, live.clone(), clock.clone())?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let state = AppState {
            engine,
            reads: ReadPool::new(db),
            live,
            clock,
            login_throttle: Arc::default(),
            pairings: Arc::default(),
            pairing_throttle: Arc::default(),
            remote_limits: Arc::default(),
            entrance: Arc::default(),
            status_limits: Arc::default(),
            principals: Arc::new(PrincipalCache::new(Duration::from_secs(
                PRINCIPAL_CACHE_SECONDS,
            ))),
            shutdown: shutdown_rx,
            maintenance: Arc::default(),
            shipping: Arc::default(),
            devices_seen: Arc::default(),
        };
        Ok(Self {
            state,
            engine_thread,
            shutdown,
            db: db.clone(),
            _lock: lock,
        })
    }

    /// Serves on `listener` until `signal` resolves, then finishes in-flight requests, ends event
    /// streams, lets the writer thread commit its last batch, and returns.
    pub async fn run(
        self,
        listener: TcpListener,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        self.run_on(Bind::Plain(listener), signal).await
    }

    /// Serves on `bind` until `signal` resolves, then finishes in-flight requests, ends event
    /// streams, lets the writer thread commit its last batch, and returns.
    pub async fn run_on(
        self,
        bind: Bind,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Server {
            state,
            engine_thread,
            shutdown,
            db,
            _lock,
        } = self;
        tokio::spawn(red_line_watch(state.engine.clone(), state.shutdown.clone()));
        let config = state.config();
        if let Some(rollup) = config.rollup.clone() {
            let shipper = crate::shipper::Shipper {
                config: rollup,
                branch: config.branch.id.clone(),
                reads: state.reads.clone(),
                engine: state.engine.clone(),
                clock: state.clock.clone(),
                log: state.shipping.clone(),
            };
            tokio::spawn(shipper.run(state.shutdown.clone()));
        }
        tokio::spawn(maintenance(
            db,
            state.live.clone(),
            state.clock.clone(),
            state.maintenance.clone(),
            state.shutdown.clone(),
        ));
        match crate::webhooks::client::Client::new(state.config().webhooks.ca_file.as_deref()) {
            Ok(client) => {
                tokio::spawn(crate::webhooks::run(
                    state.engine.clone(),
                    state.reads.clone(),
                    state.clock.clone(),
                    client,
                    state.shutdown.clone(),
                ));
            }
            // `Config::parse` read the file already: it changed since.
            Err(e) => tracing::error!(error = %e, "webhooks not sent"),
        }
        spawn_notices(&state).await;
        let connections = state.config().connections.clone();
        let router = app(state);
        let graceful = async move {
            signal.await;
            let _ = shutdown.send(true);
        };
        let (listener, tls) = match bind {
            Bind::Plain(l) => (l, None),
            Bind::Tls(l, config) => (l, Some(tokio_rustls::TlsAcceptor::from(config))),
        };
        crate::connections::serve(listener, tls, router, &connections, graceful).await;
        // The router (and with it every Engine handle) is gone: the writer drains and stops.
        tokio::task::spawn_blocking(move || engine_thread.join())
            .await
            .ok();
        Ok(())
    }
}

/// Starts the notices worker when `[push]` or `[sms]` is configured (making the VAPID key on
/// the first start with `[push]`).
async fn spawn_notices(state: &AppState) {
    let config = state.config();
    if config.push.is_none() && config.sms.is_none() {
        return;
    }
    let client = match &config.push {
        Some(p) => p.client(),
        None => crate::webhooks::client::Client::trusting("push.ca_file", None),
    };
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "notices not sent");
            return;
        }
    };
    let push = match &config.push {
        Some(p) => match crate::notify::worker::vapid_key(&state.engine).await {
            Ok(key) => Some((Arc::new(key), p.subject.clone())),
            Err(e) => {
                tracing::error!(error = %e, "no VAPID key: push notices not sent");
                None
            }
        },
        None => None,
    };
    let senders = crate::notify::worker::Senders {
        client,
        push,
        push_ttl_seconds: config.notify.push_ttl_seconds,
    };
    tokio::spawn(crate::notify::worker::run(
        state.engine.clone(),
        state.reads.clone(),
        senders,
        state.shutdown.clone(),
    ));
}

/// Where the server listens: plain HTTP (tests, a reverse proxy) or TLS on the branch network.
pub enum Bind {
    Plain(TcpListener),
    Tls(TcpListener, Arc<tokio_rustls::rustls::ServerConfig>),
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
