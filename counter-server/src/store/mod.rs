//! The only place with SQL: opening the database, migrations, and mapping rows to domain values.
//!
//! - `engine`: the writer thread, which owns the live `Queue` and the one write connection.
//! - `writes`: persisting a planned `Change` and everything issued with a ticket.
//! - `visits`: the visit at a desk: intake reads, checklist, follow-ups, notes, alerts, audit rows.
//! - `reads`: a small pool of read connections for lookups that need no queue rule.
//! - `admin`: the command line's jobs on a database file (rotation, purge, holds, audit checks).

pub mod admin;
pub mod appointments;
pub mod audit;
pub mod backup;
pub mod board;
pub mod committee;
pub mod confirmations;
pub mod contact_requests;
pub mod engine;
pub mod key;
pub mod metrics;
pub mod notify;
pub mod outbox;
pub mod provision;
pub mod ratings;
pub mod reads;
pub mod reference;
pub mod remote;
pub mod retention;
pub mod rights;
pub mod settings;
pub mod staff_admin;
pub mod visits;
pub mod webhooks;
pub mod writes;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::config::Config;
use crate::domain::*;

/// The schema, in order; the version of a database is `PRAGMA user_version`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../../../migrations/0001_initial.sql"),
    ),
    (
        "0002_intake",
        include_str!("../../../migrations/0002_intake.sql"),
    ),
    (
        "0003_console",
        include_str!("../../../migrations/0003_console.sql"),
    ),
    (
        "0004_data_protection",
        include_str!("../../../migrations/0004_data_protection.sql"),
    ),
    (
        "0005_ratings",
        include_str!("../../../migrations/0005_ratings.sql"),
    ),
    (
        "0006_ratings_comment_erasable",
        include_str!("../../../migrations/0006_ratings_comment_erasable.sql"),
    ),
    (
        "0007_ticket_line",
        include_str!("../../../migrations/0007_ticket_line.sql"),
    ),
    (
        "0008_integration_devices",
        include_str!("../../../migrations/0008_integration_devices.sql"),
    ),
    (
        "0009_session_idle_seconds",
        include_str!("../../../migrations/0009_session_idle_seconds.sql"),
    ),
    (
        "0010_alert_reasons",
        include_str!("../../../migrations/0010_alert_reasons.sql"),
    ),
    (
        "0011_visit_documents",
        include_str!("../../../migrations/0011_visit_documents.sql"),
    ),
    (
        "0012_committee",
        include_str!("../../../migrations/0012_committee.sql"),
    ),
    (
        "0013_applicant_confirmation",
        include_str!("../../../migrations/0013_applicant_confirmation.sql"),
    ),
    (
        "0014_reference_documents",
        include_str!("../../../migrations/0014_reference_documents.sql"),
    ),
    (
        "0015_reception_idempotency_keys",
        include_str!("../../../migrations/0015_reception_idempotency_keys.sql"),
    ),
    (
        "0016_alert_line_red",
        include_str!("../../../migrations/0016_alert_line_red.sql"),
    ),
    (
        "0017_password_codes",
        include_str!("../../../migrations/0017_password_codes.sql"),
    ),
    (
        "0018_branch_settings",
        include_str!("../../../migrations/0018_branch_settings.sql"),
    ),
    (
        "0019_contact_request_handling",
        include_str!("../../../migrations/0019_contact_request_handling.sql"),
    ),
    (
        "0020_desk_since",
        include_str!("../../../migrations/0020_desk_since.sql"),
    ),
    (
        "0021_rollup_outbox",
        include_str!("../../../migrations/0021_rollup_outbox.sql"),
    ),
    (
        "0022_webhooks",
        include_str!("../../../migrations/0022_webhooks.sql"),
    ),
    (
        "0023_remote_places",
        include_str!("../../../migrations/0023_remote_places.sql"),
    ),
    (
        "0024_notify",
        include_str!("../../../migrations/0024_notify.sql"),
    ),
    (
        "0025_appointment_reminders",
        include_str!("../../../migrations/0025_appointment_reminders.sql"),
    ),
];

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

#[derive(Debug)]
pub enum StoreError {
    /// SQLite said no; `context` names what we were doing (never with personal data).
    Sqlite {
        context: &'static str,
        err: rusqlite::Error,
    },
    /// The database was written by a newer binary; running would risk corrupting it.
    TooNew {
        found: i64,
        supported: i64,
    },
    Busy,
    /// The job was fine but the batch it ran in could not be committed, for this reason.
    NotCommitted(StorageFault),
    /// The key is wrong, or missing for an encrypted file (or given for a plain one).
    KeyInvalid,
    /// Another server runs on this database file.
    Locked(String),
    /// The database is another branch's (`store::outbox::bind_branch`).
    OtherBranch {
        stored: String,
        configured: String,
    },
}

/// What kind of storage trouble stopped a write: each asks something different of a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageFault {
    /// Another connection holds a lock (SQLITE_BUSY, SQLITE_LOCKED): retry shortly.
    Busy,
    /// The disk is full (SQLITE_FULL, which SQLite reports for ENOSPC): retrying will not help.
    Full,
    /// The file or its file system is read-only (SQLITE_READONLY, e.g. EROFS).
    ReadOnly,
    /// Any other I/O failure or corruption.
    Failed,
}

impl StorageFault {
    /// A stable word for logs and `/health` (`busy`, `full`, `readonly`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Busy => "busy",
            Self::Full => "full",
            Self::ReadOnly => "readonly",
            Self::Failed => "failed",
        }
    }
}

impl StoreError {
    /// Which kind of trouble this is, from SQLite's primary result code.
    pub fn fault(&self) -> StorageFault {
        use rusqlite::ErrorCode as C;
        match self {
            Self::Busy => StorageFault::Busy,
            Self::NotCommitted(f) => *f,
            Self::Sqlite {
                err: rusqlite::Error::SqliteFailure(e, _),
                ..
            } => match e.code {
                C::DatabaseBusy | C::DatabaseLocked => StorageFault::Busy,
                C::DiskFull => StorageFault::Full,
                C::ReadOnly => StorageFault::ReadOnly,
                _ => StorageFault::Failed,
            },
            _ => StorageFault::Failed,
        }
    }

    pub fn is_busy(&self) -> bool {
        self.fault() == StorageFault::Busy
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite { context, err } => write!(f, "{context}: {err}"),
            Self::TooNew { found, supported } => write!(
                f,
                "the database is at schema version {found} but this binary knows only up to {supported}; run the newer binary"
            ),
            Self::Busy => write!(f, "storage busy"),
            Self::NotCommitted(fault) => {
                write!(
                    f,
                    "the batch was not committed (storage {})",
                    fault.as_str()
                )
            }
            Self::Locked(why) => write!(f, "{why}"),
            Self::OtherBranch { stored, configured } => write!(
                f,
                "this database is branch {stored:?}'s but [branch] id says {configured:?}: a branch keeps its id for life (head office keys its facts by it); put {stored:?} back"
            ),
            Self::KeyInvalid => write!(
                f,
                "database_key_invalid: the database key is wrong or missing (an encrypted database needs --key-file or the db-key credential)"
            ),
        }
    }
}

impl std::error::Error for StoreError {}

/// Attaches what we were doing to a SQLite error.
pub trait Context<T> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError>;
}

impl<T> Context<T> for rusqlite::Result<T> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError> {
        self.map_err(|err| StoreError::Sqlite { context, err })
    }
}

/// Opens a connection with the settings every connection needs. PRAGMAs are per connection,
/// which is why they are here and not in a migration.
pub fn open(db: &Database, read_only: bool) -> Result<Connection, StoreError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(&db.path, flags).ctx("open database")?;
    if let Some(key) = &db.key {
        // Must be the first statement on the connection.
        conn.execute_batch(&key.pragma()).ctx("key")?;
    }
    // The first read tells a wrong or missing key apart from every other failure.
    if let Err(err) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        return Err(match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::KeyInvalid,
            _ => StoreError::Sqlite {
                context: "first read",
                err,
            },
        });
    }
    conn.busy_timeout(Duration::from_secs(5))
        .ctx("busy_timeout")?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .ctx("foreign_keys")?;
    if !read_only {
        conn.pragma_update(None, "journal_mode", "WAL")
            .ctx("journal_mode")?;
        // FULL: a commit is on disk (WAL fsynced) before we acknowledge it.
        conn.pragma_update(None, "synchronous", "FULL")
            .ctx("synchronous")?;
        // Once a checkpoint restarts the WAL, its file shrinks back to this size on disk.
        conn.pragma_update(None, "journal_size_limit", 16 * 1024 * 1024)
            .ctx("journal_size_limit")?;
        // Deleted personal data is overwritten, not left in free pages.
        conn.pragma_update(None, "secure_delete", "ON")
            .ctx("secure_delete")?;
    }
    conn.pragma_update(None, "temp_store", "MEMORY")
        .ctx("temp_store")?;
    Ok(conn)
}

/// A database file and, when it is encrypted, its key. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Database {
    pub path: PathBuf,
    pub key: Option<key::DbKey>,
}

impl Database {
    /// Unencrypted (the demo, and tests that read the raw bytes).
    pub fn plain(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            key: None,
        }
    }

    pub fn encrypted(path: impl Into<PathBuf>, key: key::DbKey) -> Self {
        Self {
            path: path.into(),
            key: Some(key),
        }
    }

    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }
}

/// Brings the schema up to date in one transaction, refusing a database newer than this binary.
pub fn migrate(conn: &mut Connection) -> Result<i64, StoreError> {
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .ctx("read user_version")?;
    let latest = latest_version();
    if found > latest {
        return Err(StoreError::TooNew {
            found,
            supported: latest,
        });
    }
    if found == latest {
        return Ok(found);
    }
    // A migration may rebuild a table that others reference (SQLite cannot alter a constraint in
    // place), which needs foreign keys off; the pragma is ignored inside a transaction, so it is
    // set around it, and the keys are checked before the commit instead.
    conn.pragma_update(None, "foreign_keys", "OFF")
        .ctx("foreign_keys off for migration")?;
    let applied = apply_migrations(conn, found, latest);
    conn.pragma_update(None, "foreign_keys", "ON")
        .ctx("foreign_keys on after migration")?;
    applied
}

fn apply_migrations(conn: &mut Connection, found: i64, latest: i64) -> Result<i64, StoreError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .ctx("begin migration")?;
    for (_, sql) in &MIGRATIONS[found as usize..] {
        tx.execute_batch(sql).ctx("apply migration")?;
    }
    let broken = tx
        .prepare("PRAGMA foreign_key_check")
        .and_then(|mut s| s.exists([]))
        .ctx("foreign_key_check after migration")?;
    if broken {
        return Err(StoreError::Sqlite {
            context: "foreign_key_check after migration",
            err: rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some("a migration left a reference to a missing row".into()),
            ),
        });
    }
    tx.pragma_update(None, "user_version", latest)
        .ctx("set user_version")?;
    tx.commit().ctx("commit migration")?;
    Ok(latest)
}

/// Writes the configured services and desks (keeping who sits at a desk).
pub fn sync_config(conn: &mut Connection, config: &Config) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .ctx("begin config sync")?;
    sync_catalog(&tx, config)?;
    tx.commit().ctx("commit config sync")
}

/// The services and desks tables as `config` has them (inside the caller's transaction).
pub fn sync_catalog(tx: &Connection, config: &Config) -> Result<(), StoreError> {
    for s in &config.services {
        tx.execute(
            "INSERT INTO services (code, prefix, name_ar, name_en) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (code) DO UPDATE SET prefix = excluded.prefix, name_ar = excluded.name_ar, name_en = excluded.name_en",
            params![s.code, s.prefix, s.name_ar, s.name_en],
        )
        .ctx("sync services")?;
    }
    for d in &config.desks {
        tx.execute(
            "INSERT INTO desks (id, kind, services) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, services = excluded.services",
            params![d.id, desk_kind_str(d.kind.into()), d.services.join(",")],
        )
        .ctx("sync desks")?;
    }
    Ok(())
}

/// The live queue as storage holds it.
pub fn load_queue(
    conn: &Connection,
    config: &Config,
    today: NaiveDate,
) -> Result<Queue, StoreError> {
    let services = config.services.iter().map(|s| s.for_queue()).collect();
    let mut desks = Vec::new();
    {
        let mut stmt = conn
            .prepare("SELECT d.id, d.kind, d.services, d.staff_id, d.paused, s.gender, d.since FROM desks d LEFT JOIN staff s ON s.id = d.staff_id ORDER BY d.id")
            .ctx("load desks")?;
        let rows = stmt
            .query_map([], |r| {
                let staff: Option<StaffId> = r.get(3)?;
                let gender: Option<String> = r.get(5)?;
                let on_duty = match (staff, gender.as_deref().and_then(gender_from)) {
                    (Some(staff), Some(gender)) => Some(OnDuty { staff, gender }),
                    _ => None,
                };
                let services: String = r.get(2)?;
                Ok(Desk {
                    id: r.get(0)?,
                    kind: desk_kind_from(&r.get::<_, String>(1)?),
                    services: services
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(ServiceCode::from)
                        .collect(),
                    on_duty,
                    paused: r.get(4)?,
                    priority_streak: 0,
                    since: r.get::<_, Option<String>>(6)?.map(|t| parse_time(&t)),
                })
            })
            .ctx("load desks")?;
        for d in rows {
            let d = d.ctx("load desks")?;
            // Desks removed from the configuration are not served any more.
            if config.desks.iter().any(|c| c.id == d.id) {
                desks.push(d);
            }
        }
    }
    let mut last_numbers = Vec::new();
    {
        let mut stmt = conn
            .prepare("SELECT service, service_day, MAX(number) FROM tickets WHERE service_day = ?1 GROUP BY service")
            .ctx("load counters")?;
        let rows = stmt
            .query_map([today.to_string()], |r| {
                Ok((
                    (r.get::<_, String>(0)?, parse_day(&r.get::<_, String>(1)?)),
                    r.get::<_, u32>(2)?,
                ))
            })
            .ctx("load counters")?;
        for row in rows {
            last_numbers.push(row.ctx("load counters")?);
        }
    }
    let max_id: TicketId = conn
        .query_row("SELECT COALESCE(MAX(id), 0) FROM tickets", [], |r| r.get(0))
        .ctx("max id")?;
    let mut queue = Queue::new(
        config.policy(),
        services,
        desks,
        vec![],
        last_numbers,
        max_id,
    );
    // Straight into the queue, not through a list first: a big day is held in memory once.
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE state IN ('waiting', 'called', 'serving')"
        ))
        .ctx("load tickets")?;
    let rows = stmt.query_map([], ticket_from_row).ctx("load tickets")?;
    for t in rows {
        queue.restore(t.ctx("load tickets")?);
    }
    Ok(queue)
}

pub const TICKET_COLUMNS: &str = "id, service, service_day, number, priority, gender_preference, state, route, route_desk, desk, issued_at, called_at, recalls, line, channel, place_at, slot, awaiting_arrival, moved_back, checked_in_at";

pub fn ticket_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Ticket> {
    let route = match (
        r.get::<_, String>(7)?.as_str(),
        r.get::<_, Option<DeskId>>(8)?,
    ) {
        ("research", _) => Route::Research,
        ("desk", Some(d)) => Route::Desk(d),
        _ => Route::Service,
    };
    let service: ServiceCode = r.get::<_, String>(1)?.into();
    // A row written without a line (by a tool, not the server) waits in its service's line.
    let line: String = r.get(13)?;
    let issued_at = parse_time(&r.get::<_, String>(10)?);
    Ok(Ticket {
        id: r.get(0)?,
        line: if line.is_empty() {
            service.clone()
        } else {
            line.into()
        },
        service,
        service_day: parse_day(&r.get::<_, String>(2)?),
        number: r.get(3)?,
        priority: priority_from(&r.get::<_, String>(4)?),
        gender_preference: r
            .get::<_, Option<String>>(5)?
            .as_deref()
            .and_then(gender_from),
        state: state_from(&r.get::<_, String>(6)?),
        route,
        desk: r.get(9)?,
        issued_at,
        called_at: r.get::<_, Option<String>>(11)?.as_deref().map(parse_time),
        recalls: r.get(12)?,
        channel: Channel::parse(&r.get::<_, String>(14)?).unwrap_or(Channel::Kiosk),
        // Rows from before migration 0023 hold their place by their issue time.
        place_at: r
            .get::<_, Option<String>>(15)?
            .as_deref()
            .map_or(issued_at, parse_time),
        slot: r.get::<_, Option<String>>(16)?.as_deref().map(parse_time),
        awaiting_arrival: r.get(17)?,
        moved_back: r.get(18)?,
        checked_in_at: r.get::<_, Option<String>>(19)?.as_deref().map(parse_time),
    })
}

// ----- text forms of domain values (the schema's CHECK constraints list the same words) -----

pub fn time_str(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::UNIX_EPOCH)
}

pub fn parse_day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

pub fn priority_str(p: Priority) -> &'static str {
    match p {
        Priority::Urgent => "urgent",
        Priority::Priority => "priority",
        Priority::Normal => "normal",
    }
}

pub fn priority_from(s: &str) -> Priority {
    match s {
        "urgent" => Priority::Urgent,
        "priority" => Priority::Priority,
        _ => Priority::Normal,
    }
}

pub fn gender_str(g: Gender) -> &'static str {
    match g {
        Gender::Female => "female",
        Gender::Male => "male",
    }
}

pub fn gender_from(s: &str) -> Option<Gender> {
    match s {
        "female" => Some(Gender::Female),
        "male" => Some(Gender::Male),
        _ => None,
    }
}

pub fn state_str(s: TicketState) -> &'static str {
    match s {
        TicketState::Waiting => "waiting",
        TicketState::Called => "called",
        TicketState::Serving => "serving",
        TicketState::Done => "done",
        TicketState::NoShow => "no_show",
        TicketState::Cancelled => "cancelled",
        TicketState::Expired => "expired",
    }
}

pub fn state_from(s: &str) -> TicketState {
    match s {
        "waiting" => TicketState::Waiting,
        "called" => TicketState::Called,
        "serving" => TicketState::Serving,
        "done" => TicketState::Done,
        "no_show" => TicketState::NoShow,
        "cancelled" => TicketState::Cancelled,
        _ => TicketState::Expired,
    }
}

pub fn desk_kind_str(k: DeskKind) -> &'static str {
    match k {
        DeskKind::BeneficiaryRelations => "beneficiary_relations",
        DeskKind::SocialResearch => "social_research",
    }
}

pub fn desk_kind_from(s: &str) -> DeskKind {
    if s == "social_research" {
        DeskKind::SocialResearch
    } else {
        DeskKind::BeneficiaryRelations
    }
}

pub fn role_str(r: Role) -> &'static str {
    match r {
        Role::Reception => "reception",
        Role::Researcher => "researcher",
        Role::Supervisor => "supervisor",
        Role::Admin => "admin",
    }
}

pub fn role_from(s: &str) -> Option<Role> {
    match s {
        "reception" => Some(Role::Reception),
        "researcher" => Some(Role::Researcher),
        "supervisor" => Some(Role::Supervisor),
        "admin" => Some(Role::Admin),
        _ => None,
    }
}

pub fn outcome_str(o: Outcome) -> &'static str {
    o.as_str()
}

pub fn route_parts(r: Route) -> (&'static str, Option<DeskId>) {
    match r {
        Route::Service => ("service", None),
        Route::Research => ("research", None),
        Route::Desk(d) => ("desk", Some(d)),
    }
}

/// The schema version of an existing database file, without changing it.
pub fn schema_version(conn: &Connection) -> Result<i64, StoreError> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .ctx("read user_version")
}

/// Whether a table has a row matching `sql` (used by tests and health checks).
pub fn exists(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<bool, StoreError> {
    conn.query_row(sql, args, |_| Ok(()))
        .optional()
        .map(|o| o.is_some())
        .ctx("exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_to_an_empty_database_and_are_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&Database::plain(dir.path().join("t.db")), false).unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), latest_version());
        assert_eq!(migrate(&mut conn).unwrap(), latest_version());
        let journal: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(journal, "wal");
    }

    #[test]
    fn storage_faults_are_told_apart_by_sqlite_code() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::plain(dir.path().join("t.db"));
        let mut conn = open(&db, false).unwrap();
        migrate(&mut conn).unwrap();
        let ro = open(&db, true).unwrap();
        let err = ro
            .execute("INSERT INTO services VALUES ('x', 'X', 'س', 'x')", [])
            .ctx("write on a read-only connection")
            .unwrap_err();
        assert_eq!(err.fault(), StorageFault::ReadOnly, "{err}");
        let full = StoreError::Sqlite {
            context: "t",
            err: rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
                None,
            ),
        };
        assert_eq!(full.fault(), StorageFault::Full);
        assert_eq!(StoreError::Busy.fault(), StorageFault::Busy);
        assert_eq!(
            StoreError::NotCommitted(StorageFault::Full).fault(),
            StorageFault::Full
        );
    }

    #[test]
    fn a_database_newer_than_the_binary_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&Database::plain(dir.path().join("t.db")), false).unwrap();
        migrate(&mut conn).unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::TooNew { .. })));
    }

    #[test]
    fn rebuilding_devices_keeps_every_device_and_what_refers_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&Database::plain(dir.path().join("t.db")), false).unwrap();
        let before = MIGRATIONS
            .iter()
            .position(|(name, _)| *name == "0008_integration_devices")
            .unwrap();
        for (_, sql) in &MIGRATIONS[..before] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", before as i64)
            .unwrap();
        sync_config(&mut conn, &Config::demo()).unwrap();
        conn.execute_batch(
            "INSERT INTO devices (id, name, scope, token_hash, created_at) VALUES (7, 'k', 'kiosk', x'01', 't');
             INSERT INTO tickets (id, service, service_day, number, label, priority, state, route, issued_at, status_token_hash, issued_by_device)
             VALUES (1, 'inquiry', '2026-11-25', 1, 'C-001', 'normal', 'waiting', 'service', '2026-11-25T06:00:00Z', x'02', 7);",
        )
        .unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), latest_version());
        let kept: (String, i64) = conn
            .query_row(
                "SELECT d.name, t.id FROM tickets t JOIN devices d ON d.id = t.issued_by_device",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(kept, ("k".to_string(), 1));
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1, "foreign keys are on again");
        assert!(
            conn.execute("DELETE FROM devices WHERE id = 7", [])
                .is_err(),
            "tickets still refer to the rebuilt table"
        );
        let add = |scope: &str| {
            conn.execute(
                "INSERT INTO devices (name, scope, token_hash, created_at) VALUES ('i', ?1, randomblob(8), 't')",
                [scope],
            )
        };
        add("integration").unwrap();
        assert!(add("anything").is_err());
    }

    #[test]
    fn the_schema_refuses_a_duplicate_number_for_a_service_and_day() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&Database::plain(dir.path().join("t.db")), false).unwrap();
        migrate(&mut conn).unwrap();
        sync_config(&mut conn, &Config::demo()).unwrap();
        let insert = |id: i64, hash: &[u8]| {
            conn.execute(
                "INSERT INTO tickets (id, service, service_day, number, label, priority, state, route, issued_at, status_token_hash)
                 VALUES (?1, 'inquiry', '2026-11-25', 1, 'C-001', 'normal', 'waiting', 'service', '2026-11-25T06:00:00Z', ?2)",
                params![id, hash],
            )
        };
        insert(1, b"a").unwrap();
        assert!(insert(2, b"b").is_err());
    }
}
