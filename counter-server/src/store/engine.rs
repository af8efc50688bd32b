//! The writer thread: it owns the live `Queue` and the only write connection.
//!
//! Work arrives as jobs on a channel. The thread takes every job waiting (up to `MAX_BATCH`), runs
//! them in one `BEGIN IMMEDIATE` transaction, each inside its own savepoint so that one refused job
//! leaves the others alone, and commits once: one fsync for the whole batch (group commit). Replies
//! go out only after the commit, so an acknowledged write is on disk. If the commit fails, every job
//! in the batch gets an error and the in-memory queue is reloaded from the database, which is the
//! truth. Read jobs run after the commit against the committed queue.
//!
//! Job contract: a write job persists first and calls `Queue::apply` last, after every statement
//! succeeded; if it returns an error it must not have touched the queue.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use tokio::sync::oneshot;

use super::{
    Context, Database, StorageFault, StoreError, load_queue, migrate, open, sync_config, writes,
};
use crate::clock::Clock;
use crate::config::{Config, LiveConfig};
use crate::domain::hours::OpeningHours;
use crate::domain::numbering::service_day;
use crate::domain::{Queue, QueueError, QueueEvent};
use crate::event_log::EventLog;

const MAX_BATCH: usize = 256;
/// How often the thread wakes with no work, to roll the day over and tidy up.
const TICK: Duration = Duration::from_secs(30);

/// Why a job did not succeed.
#[derive(Debug)]
pub enum EngineError {
    /// A queue rule refused it.
    Queue(QueueError),
    /// A field of the request names something that does not exist (e.g. a ticket).
    Field(crate::input::FieldError),
    Store(StoreError),
    /// The engine has shut down.
    Stopped,
}

impl From<QueueError> for EngineError {
    fn from(e: QueueError) -> Self {
        Self::Queue(e)
    }
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// The error of a write job: an `EngineError` (the engine's own failures convert into it), or a
/// richer one of the caller's (`commands::CommandError`) that says when storage failed.
pub trait JobError: From<EngineError> + Send + 'static {
    /// The storage fault behind this error, if it is one.
    fn storage_fault(&self) -> Option<StorageFault>;
}

impl JobError for EngineError {
    fn storage_fault(&self) -> Option<StorageFault> {
        match self {
            Self::Store(se) => Some(se.fault()),
            _ => None,
        }
    }
}

/// What a write job sees.
pub struct WriteCtx<'a> {
    pub tx: &'a Transaction<'a>,
    pub queue: &'a mut Queue,
    pub config: &'a Config,
    /// When tickets are issued (see `Worker::hours`).
    pub hours: &'a OpeningHours,
    pub now: DateTime<Utc>,
    events: &'a mut Vec<Published>,
    truncate_wal: &'a mut bool,
    /// A full or read-only disk a job met: writes are failing even if the batch commits.
    job_fault: &'a mut Option<StorageFault>,
    /// Settings an administration job changed: in force once the batch commits.
    new_config: &'a mut Option<Arc<Config>>,
}

impl WriteCtx<'_> {
    /// Asks for a TRUNCATE checkpoint once the batch is committed, so that data this job erased
    /// leaves no old copy in the WAL file (a visitor's deletion request).
    pub fn truncate_wal_after_commit(&mut self) {
        *self.truncate_wal = true;
    }

    /// Announces an event once the batch is committed.
    pub fn publish(&mut self, event: QueueEvent) {
        self.events.push(Published::Queue(event));
    }

    /// Announces a supervisor alert once the batch is committed.
    pub fn publish_alert(&mut self, alert: Alert) {
        self.events.push(Published::Alert(alert));
    }

    /// Announces that alert `id` was acknowledged, so every supervisor console drops it.
    pub fn publish_acknowledged(&mut self, id: i64) {
        self.events.push(Published::AlertAcknowledged(id));
    }

    /// Announces that a booking was made or cancelled, so every supervisor's board redraws its
    /// appointments (a check-in is a queue event already).
    pub fn publish_appointments_changed(&mut self) {
        self.events.push(Published::AppointmentsChanged);
    }

    /// The settings as this job should see them: an earlier job's change in this batch included.
    pub fn current_config(&self) -> &Config {
        self.new_config.as_deref().unwrap_or(self.config)
    }

    /// Puts `config` in force once the batch commits (every handler and later batch reads it),
    /// and tells consoles, boards and kiosks' staff screens to reload what they show of it.
    pub fn replace_config(&mut self, config: Arc<Config>) {
        let names = Arc::new(config.desk_names());
        *self.new_config = Some(config);
        self.events.push(Published::SettingsChanged(names));
    }
}

/// What a read job sees: the committed queue and a connection.
pub struct ReadCtx<'a> {
    pub queue: &'a Queue,
    pub conn: &'a Connection,
    pub config: &'a Config,
    pub hours: &'a OpeningHours,
    pub now: DateTime<Utc>,
}

/// A silent alert for supervisors (a visitor who does not feel safe, a ticket not printed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    pub kind: &'static str,
    /// For printer alerts, what the printer said (`paper_out`, `paper_near_end`, ...).
    pub reason: Option<&'static str>,
    pub ticket: i64,
    pub label: String,
    pub raised_at: DateTime<Utc>,
}

/// Everything the event stream carries.
#[derive(Clone, Debug)]
pub enum Published {
    Queue(QueueEvent),
    Alert(Alert),
    AlertAcknowledged(i64),
    /// Administration changed services, desks, names or the notice; with the desks' names for
    /// the displays (number, Arabic, English).
    SettingsChanged(Arc<Vec<(u32, String, String)>>),
    /// A booking was made or cancelled (no detail: staff screens read the board again).
    AppointmentsChanged,
}

type Reply = Box<dyn FnOnce(Result<(), EngineError>) + Send>;
type WriteJob = Box<dyn FnOnce(&mut WriteCtx<'_>) -> (bool, Reply) + Send>;
type ReadJob = Box<dyn FnOnce(&ReadCtx<'_>) + Send>;

enum Msg {
    Write(WriteJob),
    Read(ReadJob),
}

/// A cheap handle to the engine; clone it freely.
#[derive(Clone)]
pub struct Engine {
    sender: mpsc::Sender<Msg>,
    events: Arc<EventLog>,
    write_fault: WriteFault,
    /// Notified after each commit that wrote something (the webhook worker looks for new
    /// deliveries then, instead of at its next tick).
    committed: Arc<Committed>,
}

/// One wake-up per worker that looks after commits (a `Notify` keeps one permit for one waiter).
#[derive(Default)]
pub struct Committed {
    /// The webhook delivery worker (`crate::webhooks`).
    pub webhooks: tokio::sync::Notify,
    /// The notices worker (`crate::notify::worker`).
    pub notices: tokio::sync::Notify,
}

impl Committed {
    fn notify(&self) {
        self.webhooks.notify_one();
        self.notices.notify_one();
    }
}

/// Why the last batch could not be committed; cleared by the next commit that wrote something.
type WriteFault = Arc<Mutex<Option<StorageFault>>>;

/// Joins the writer thread when dropped last (after every `Engine` clone is gone).
pub struct EngineThread(Option<JoinHandle<()>>);

impl EngineThread {
    /// Waits for the thread to finish its last batch.
    pub fn join(mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.join();
        }
    }
}

impl Engine {
    /// Opens (and migrates) the database, loads the queue and starts the writer thread.
    pub fn start(
        db: &Database,
        live: Arc<LiveConfig>,
        clock: Arc<dyn Clock>,
    ) -> Result<(Engine, EngineThread), StoreError> {
        let mut conn = open(db, false)?;
        migrate(&mut conn)?;
        crate::store::outbox::bind_branch(&conn, &live.get().branch.id)?;
        let config = crate::store::settings::in_force(&conn, &live.get(), clock.now())?;
        live.set(config.clone());
        sync_config(&mut conn, &config)?;
        let queue = load_queue(&conn, &config, service_day(clock.now()))?;
        // Checkpoints run on their own thread, so a commit never waits for one.
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .ctx("wal_autocheckpoint")?;
        let wal_pressure = Arc::new(AtomicBool::new(false));
        let checkpointer = start_checkpointer(db, wal_pressure.clone())?;
        let (sender, receiver) = mpsc::channel();
        let events = Arc::new(EventLog::new());
        let write_fault = WriteFault::default();
        let committed = Arc::new(Committed::default());
        let worker = Worker {
            committed: committed.clone(),
            write_fault: write_fault.clone(),
            _checkpointer: checkpointer,
            wal_pressure,
            conn,
            queue,
            hours: config.opening_hours(),
            config,
            live,
            clock,
            receiver,
            events: events.clone(),
            db: db.clone(),
        };
        let handle = std::thread::Builder::new()
            .name("queue-writer".into())
            .spawn(move || worker.run())
            .expect("spawning the writer thread");
        Ok((
            Engine {
                sender,
                events,
                write_fault,
                committed,
            },
            EngineThread(Some(handle)),
        ))
    }

    /// Runs `f` in the next batch's transaction; resolves after the commit.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: JobError,
        F: FnOnce(&mut WriteCtx<'_>) -> Result<T, E> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: WriteJob = Box::new(move |ctx| match f(ctx) {
            Ok(value) => (
                true,
                Box::new(move |committed: Result<(), EngineError>| {
                    drop(tx.send(committed.map(|()| value).map_err(E::from)))
                }),
            ),
            Err(e) => {
                // A full or read-only disk, not a busy lock or a refused statement.
                if let Some(fault) = e.storage_fault()
                    && matches!(fault, StorageFault::Full | StorageFault::ReadOnly)
                {
                    *ctx.job_fault = Some(fault);
                }
                (false, Box::new(move |_| drop(tx.send(Err(e)))))
            }
        });
        self.sender
            .send(Msg::Write(job))
            .map_err(|_| E::from(EngineError::Stopped))?;
        rx.await.map_err(|_| E::from(EngineError::Stopped))?
    }

    /// Runs `f` against the committed queue.
    pub async fn read<T, F>(&self, f: F) -> Result<T, EngineError>
    where
        T: Send + 'static,
        F: FnOnce(&ReadCtx<'_>) -> T + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: ReadJob = Box::new(move |ctx| drop(tx.send(f(ctx))));
        self.sender
            .send(Msg::Read(job))
            .map_err(|_| EngineError::Stopped)?;
        rx.await.map_err(|_| EngineError::Stopped)
    }

    /// The published events: live, and the recent ones for clients that reconnect.
    pub fn events(&self) -> &Arc<EventLog> {
        &self.events
    }

    /// Why writes are failing: set when a batch (or a job in it) met storage trouble, cleared by
    /// the next commit that wrote something.
    pub fn write_fault(&self) -> Option<StorageFault> {
        *self.write_fault.lock().expect("write fault lock")
    }

    /// Notified after each commit that wrote something (one permit is kept if nobody waits).
    pub fn committed(&self) -> &Arc<Committed> {
        &self.committed
    }
}

struct Worker {
    write_fault: WriteFault,
    committed: Arc<Committed>,
    /// Dropping it (when the worker stops) stops the checkpoint thread.
    _checkpointer: mpsc::Sender<()>,
    /// Set by the checkpoint thread when the WAL has grown: see `start_checkpointer`.
    wal_pressure: Arc<AtomicBool>,
    conn: Connection,
    queue: Queue,
    /// The settings in force (also in `live`, for the handlers).
    config: Arc<Config>,
    live: Arc<LiveConfig>,
    /// The branch's opening hours: the one source every job reads them from (the configuration
    /// today; the database once hours are edited in the browser).
    hours: OpeningHours,
    clock: Arc<dyn Clock>,
    receiver: mpsc::Receiver<Msg>,
    events: Arc<EventLog>,
    db: Database,
}

impl Worker {
    fn run(mut self) {
        loop {
            let first = match self.receiver.recv_timeout(TICK) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                // Every handle is gone: the server is shutting down and nothing is in flight.
                // Fold the WAL into the database so the files at rest are complete on their own.
                Err(RecvTimeoutError::Disconnected) => {
                    if let Err(e) = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
                        tracing::warn!(error = %e, "final checkpoint failed; the WAL will be replayed at next start");
                    }
                    return;
                }
            };
            let mut writes = Vec::new();
            let mut reads = Vec::new();
            for msg in first
                .into_iter()
                .chain(std::iter::from_fn(|| self.receiver.try_recv().ok()))
                .take(MAX_BATCH)
            {
                match msg {
                    Msg::Write(w) => writes.push(w),
                    Msg::Read(r) => reads.push(r),
                }
            }
            self.write_batch(writes);
            let ctx = ReadCtx {
                queue: &self.queue,
                conn: &self.conn,
                config: &self.config,
                hours: &self.hours,
                now: self.clock.now(),
            };
            for r in reads {
                r(&ctx);
            }
        }
    }

    /// The rollover job every batch starts with (a no-op on most batches).
    fn rollover(ctx: &mut WriteCtx<'_>) -> Result<(), EngineError> {
        if let Some(change) = ctx.queue.plan_rollover(ctx.now) {
            writes::persist_change(ctx.tx, &change, &[])?;
            writes::purge_idempotency(ctx.tx, ctx.now)?;
            ctx.queue.apply(&change);
            for e in change.events {
                ctx.publish(e);
            }
        }
        Ok(())
    }

    fn write_batch(&mut self, jobs: Vec<WriteJob>) {
        let now = self.clock.now();
        let mut published = Vec::new();
        let mut truncate_wal = false;
        let changes_before = self.conn.total_changes();
        let mut job_fault = None;
        let mut new_config = None;
        let mut replies: Vec<Reply> = Vec::with_capacity(jobs.len());
        let result = (|| -> Result<(), StoreError> {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(busy_or("begin batch"))?;
            {
                let mut ctx = WriteCtx {
                    tx: &tx,
                    queue: &mut self.queue,
                    config: &self.config,
                    hours: &self.hours,
                    now,
                    events: &mut published,
                    truncate_wal: &mut truncate_wal,
                    job_fault: &mut job_fault,
                    new_config: &mut new_config,
                };
                if let Err(e) = Self::rollover(&mut ctx) {
                    tracing::error!(error = ?e, "day rollover failed; will retry");
                }
                for job in jobs {
                    tx.execute_batch("SAVEPOINT job")
                        .map_err(busy_or("savepoint"))?;
                    let before = ctx.events.len();
                    let config_before = ctx.new_config.clone();
                    let (keep, reply) = job(&mut ctx);
                    if keep {
                        tx.execute_batch("RELEASE job")
                            .map_err(busy_or("release"))?;
                    } else {
                        ctx.events.truncate(before);
                        *ctx.new_config = config_before;
                        tx.execute_batch("ROLLBACK TO job; RELEASE job")
                            .map_err(busy_or("rollback to"))?;
                    }
                    replies.push(reply);
                }
            }
            tx.commit().map_err(busy_or("commit batch"))
        })();
        match result {
            Ok(()) => {
                let mut fault = self.write_fault.lock().expect("write fault lock");
                if job_fault.is_some() {
                    *fault = job_fault;
                } else if self.conn.total_changes() > changes_before {
                    // Something reached the disk: writes work (again).
                    *fault = None;
                }
                drop(fault);
                if self.conn.total_changes() > changes_before {
                    self.committed.notify();
                }
                if let Some(config) = new_config {
                    self.live.set(config.clone());
                    self.config = config;
                }
                // Before the replies: an erasure is acknowledged once no copy is left in the WAL.
                if truncate_wal {
                    self.truncate_wal();
                }
                for reply in replies {
                    reply(Ok(()));
                }
                for e in published {
                    self.events.publish(e);
                }
                if self.wal_pressure.swap(false, Ordering::Relaxed) && !truncate_wal {
                    // Cheap: the checkpoint thread has copied nearly every page already. Done here,
                    // between two batches, it completes, so the next batch restarts the WAL.
                    if let Err(e) =
                        self.conn
                            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!(error = %e, "checkpoint failed; will retry");
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "batch not committed; reloading the queue from the database");
                // Nothing was kept; each client is told why (busy: retry; full, read-only: not yet).
                let fault = e.fault();
                *self.write_fault.lock().expect("write fault lock") = Some(fault);
                for reply in replies {
                    reply(Err(EngineError::Store(StoreError::NotCommitted(fault))));
                }
                self.reload();
            }
        }
    }

    /// Copies the whole WAL into the database and empties the file (waiting up to the busy timeout
    /// for readers to finish). Not completing is logged: the next one, or shutdown, finishes it.
    fn truncate_wal(&mut self) {
        match self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            }) {
            Ok(0) => {}
            Ok(_) => tracing::warn!("WAL truncation blocked by a reader; will complete later"),
            Err(e) => tracing::warn!(error = %e, "WAL truncation failed; will complete later"),
        }
    }

    /// After a failed commit, memory may hold changes that never reached the disk: start again from it.
    fn reload(&mut self) {
        match load_queue(&self.conn, &self.config, service_day(self.clock.now())) {
            Ok(q) => self.queue = q,
            Err(e) => {
                // Memory can no longer be trusted and the disk cannot be read: stop, and let the
                // supervisor (systemd) restart us from the database.
                tracing::error!(error = %e, path = %self.db.path.display(), "cannot reload the queue; stopping");
                std::process::abort();
            }
        }
    }
}

/// How often the checkpoint thread copies committed WAL pages into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Above this many WAL frames (about 8 MiB) the writer is asked to finish a checkpoint.
const WAL_RESET_FRAMES: i64 = 2000;

/// A thread with its own connection running PASSIVE checkpoints, which never block the writer or
/// readers. Under a steady stream of commits such a checkpoint never quite catches up with the
/// writer, and the WAL only restarts from its beginning after a checkpoint that copied every
/// frame; so when the WAL passes `WAL_RESET_FRAMES`, this thread raises `pressure` and the writer
/// runs the (by then small) rest of the checkpoint itself between two batches.
fn start_checkpointer(
    db: &Database,
    pressure: Arc<AtomicBool>,
) -> Result<mpsc::Sender<()>, StoreError> {
    let conn = open(db, false)?;
    let (stop, stopped) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("wal-checkpointer".into())
        .spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
                match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1)) {
                    Ok(frames) if frames > WAL_RESET_FRAMES => {
                        pressure.store(true, Ordering::Relaxed)
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "checkpoint failed; will retry"),
                }
            }
        })
        .expect("spawning the checkpoint thread");
    Ok(stop)
}

fn busy_or(context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |err| StoreError::Sqlite { context, err }
}
