//! When the unattended jobs last succeeded, for `/metrics` (an alert can then say "no backup for
//! two days" or "the retention purge stopped running").

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

use crate::config::Config;

/// The last successful retention purge of this process. The hourly job runs once at start-up,
/// so after a restart the time is back within the hour.
#[derive(Debug, Default)]
pub struct MaintenanceLog {
    last_purge: AtomicI64,
}

impl MaintenanceLog {
    pub fn purged(&self, at: DateTime<Utc>) {
        self.last_purge.store(at.timestamp(), Ordering::Relaxed);
    }

    /// Unix seconds of the last purge, 0 before the first one.
    pub fn last_purge(&self) -> i64 {
        self.last_purge.load(Ordering::Relaxed)
    }
}

/// Unix seconds of the newest finished backup in the configured folder (the server's own and
/// those made with the `backup` command), 0 when there is none or backups are not configured.
pub fn last_backup(config: &Config) -> i64 {
    config
        .backup
        .as_ref()
        .and_then(|b| crate::store::backup::list(&b.dir).ok()?.pop())
        .and_then(|newest| newest.metadata().ok()?.modified().ok())
        .map_or(0, |t| DateTime::<Utc>::from(t).timestamp())
}
