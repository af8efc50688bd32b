//! The roll-up shipper (issue 17): a task that sends the branch's outbox (`store::outbox`) to
//! head office's PostgreSQL (`head_office::ingest`) in `seq` order, in batches, and only then
//! marks them shipped through the engine's writer (no second write connection).
//!
//! Nothing is lost and nothing is kept twice: a fact leaves the outbox only after head office
//! committed it, and head office keeps each (branch, seq) once, so a batch sent again after a
//! crash between the two commits, a cut connection or a restart of either side changes nothing.
//! On any failure the shipper drops its connection and tries again after 1 s, doubling up to 60 s,
//! with one log line that names the error, never a fact. While the outbox is empty it waits for
//! the next queue change (then a moment, so a burst ships as one batch) or `interval_seconds`.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tokio_postgres::Client;

use crate::clock::Clock;
use crate::config::RollupConfig;
use crate::head_office::{self, PgError};
use crate::store::StoreError;
use crate::store::engine::{Engine, EngineError};
use crate::store::outbox;
use crate::store::reads::ReadPool;

/// The first wait after a failure; doubled after each failure in a row.
pub const BACKOFF_FIRST: Duration = Duration::from_secs(1);
/// The longest wait between two attempts (a head office away for days is retried every minute).
pub const BACKOFF_MAX: Duration = Duration::from_secs(60);
/// The longest wait with an empty outbox when no queue change wakes the shipper.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
/// After a queue change wakes the shipper, the commits of the same moment join its batch.
const SETTLE: Duration = Duration::from_millis(200);
/// A connection or a batch taking longer than this has failed (a silent network).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(120);

/// How shipping goes, for `/metrics`.
#[derive(Debug, Default)]
pub struct ShipLog {
    last_ship: AtomicI64,
    failures: AtomicU64,
}

impl ShipLog {
    fn shipped(&self, at: DateTime<Utc>) {
        self.last_ship.store(at.timestamp(), Ordering::Relaxed);
    }

    fn failed(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Unix seconds of the last batch head office committed, 0 before the first since start-up.
    pub fn last_ship(&self) -> i64 {
        self.last_ship.load(Ordering::Relaxed)
    }

    /// Attempts that failed since start-up (connecting, sending or marking a batch).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }
}

/// Why an attempt failed: named in the log line, without data.
#[derive(Debug)]
enum ShipError {
    Pg(PgError),
    Store(StoreError),
    Stopped,
    Timeout,
}

impl fmt::Display for ShipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pg(e) => e.fmt(f),
            Self::Store(e) => write!(f, "the outbox: {e}"),
            Self::Stopped => f.write_str("the writer has stopped"),
            Self::Timeout => write!(f, "no answer within {} s", ATTEMPT_TIMEOUT.as_secs()),
        }
    }
}

impl From<PgError> for ShipError {
    fn from(e: PgError) -> Self {
        Self::Pg(e)
    }
}

impl From<StoreError> for ShipError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<EngineError> for ShipError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Store(e) => Self::Store(e),
            _ => Self::Stopped,
        }
    }
}

/// What the shipper works with: the server's handles.
pub struct Shipper {
    pub config: RollupConfig,
    /// `[branch] id`: the branch of every fact sent.
    pub branch: String,
    pub reads: ReadPool,
    pub engine: Engine,
    pub clock: Arc<dyn Clock>,
    pub log: Arc<ShipLog>,
}

impl Shipper {
    /// Ships until `shutdown` turns true (then drops its engine handle, so the writer can stop).
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut woken = self.engine.events().subscribe(None).receiver;
        let interval = self
            .config
            .interval_seconds
            .map_or(DEFAULT_INTERVAL, Duration::from_secs);
        let mut client = None;
        let mut backoff = BACKOFF_FIRST;
        loop {
            let attempt = tokio::select! {
                r = self.ship_one_batch(&mut client) => r,
                _ = shutdown.changed() => return,
            };
            let wait = match attempt {
                Ok(shipped) => {
                    backoff = BACKOFF_FIRST;
                    if shipped > 0 {
                        continue;
                    }
                    None
                }
                Err(e) => {
                    client = None;
                    self.log.failed();
                    tracing::warn!(error = %e, retry_in_seconds = backoff.as_secs(), "roll-up: shipping to head office failed");
                    let wait = backoff;
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                    Some(wait)
                }
            };
            let woke = async {
                match wait {
                    Some(d) => tokio::time::sleep(d).await,
                    None => {
                        tokio::select! {
                            _ = woken.recv() => tokio::time::sleep(SETTLE).await,
                            () = tokio::time::sleep(interval) => {}
                        }
                    }
                }
            };
            tokio::select! {
                () = woke => {}
                _ = shutdown.changed() => return,
            }
            // Changes during a back-off or the settle are in the outbox already.
            woken = woken.resubscribe();
        }
    }

    /// Sends the next batch and marks it shipped; returns how many facts it held (0: none waiting).
    async fn ship_one_batch(&self, client: &mut Option<Client>) -> Result<usize, ShipError> {
        let limit = self.config.batch;
        let (rows, dropped) = self
            .reads
            .run(move |conn| Ok((outbox::batch(conn, limit)?, outbox::state(conn)?.dropped)))
            .await?;
        let Some(last) = rows.last().map(|r| r.seq) else {
            return Ok(0);
        };
        if client.as_ref().is_none_or(Client::is_closed) {
            let target = self.config.target();
            let connected = tokio::time::timeout(ATTEMPT_TIMEOUT, head_office::connect(&target));
            *client = Some(connected.await.map_err(|_| ShipError::Timeout)??);
        }
        let c = client.as_mut().expect("connected just above");
        let sent = head_office::ingest::ingest(c, &self.branch, &rows, dropped);
        tokio::time::timeout(ATTEMPT_TIMEOUT, sent)
            .await
            .map_err(|_| ShipError::Timeout)??;
        // Head office holds them: a crash before this line sends them again, harmlessly.
        self.engine
            .write(move |ctx| -> Result<(), EngineError> {
                outbox::mark_shipped(ctx.tx, last)?;
                Ok(())
            })
            .await?;
        self.log.shipped(self.clock.now());
        Ok(rows.len())
    }
}
