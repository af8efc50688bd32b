//! Online backups and a checked restore.
//!
//! `backup` copies the live database with SQLite's online backup API (the server keeps running)
//! into a new file encrypted with the same key, written under a temporary name, synced, then
//! renamed: a backup that exists is complete. Only the newest `keep` backups are kept, so data the
//! retention purge destroyed survives in backups for at most `keep` backup intervals.
//!
//! `restore` refuses a backup unless its integrity check passes, its schema is one this binary
//! knows, and its audit chain is intact; only then does it replace the live file (server stopped).

use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use rusqlite::backup::Backup;

use super::{Database, StoreError, audit, latest_version, open, schema_version};

const PREFIX: &str = "counter-";
const SUFFIX: &str = ".backup";

fn err(context: &str, e: impl std::fmt::Display) -> String {
    format!("{context}: {e}")
}

/// Makes one backup in `dir` and deletes the oldest beyond `keep`. Returns the new file.
pub fn backup(
    db: &Database,
    dir: &Path,
    keep: usize,
    now: DateTime<Utc>,
) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| err("backup folder", e))?;
    let name = format!("{PREFIX}{}{SUFFIX}", now.format("%Y%m%dT%H%M%S%.3fZ"));
    let target = dir.join(&name);
    let partial = dir.join(format!("{name}.partial"));
    let _ = std::fs::remove_file(&partial);
    {
        let src = open(db, true).map_err(|e| err("open the live database", e))?;
        let mut dst = Connection::open(&partial).map_err(|e| err("create the backup file", e))?;
        if let Some(key) = &db.key {
            dst.execute_batch(&key.pragma())
                .map_err(|e| err("key the backup", e))?;
        }
        let copy = Backup::new(&src, &mut dst).map_err(|e| err("start the backup", e))?;
        // Small steps with short pauses let the server's writer go on during a large backup.
        copy.run_to_completion(256, std::time::Duration::from_millis(5), None)
            .map_err(|e| err("copy", e))?;
    }
    File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| err("sync the backup", e))?;
    std::fs::rename(&partial, &target).map_err(|e| err("name the backup", e))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    rotate(dir, keep)?;
    Ok(target)
}

/// The finished backups in `dir`, oldest first.
pub fn list(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| err("backup folder", e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    found.sort();
    Ok(found)
}

fn rotate(dir: &Path, keep: usize) -> Result<(), String> {
    let all = list(dir)?;
    let excess = all.len().saturating_sub(keep.max(1));
    for old in &all[..excess] {
        std::fs::remove_file(old).map_err(|e| err("delete an old backup", e))?;
    }
    Ok(())
}

/// Why a backup was refused.
fn check(backup: &Database) -> Result<(), String> {
    let conn = open(backup, true).map_err(|e| match e {
        StoreError::KeyInvalid => {
            "the backup cannot be opened with this key (or is not a database)".to_string()
        }
        other => err("open the backup", other),
    })?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| err("the backup failed its integrity check", e))?;
    if integrity != "ok" {
        return Err(format!(
            "the backup failed its integrity check: {integrity}"
        ));
    }
    let version = schema_version(&conn).map_err(|e| err("schema version", e))?;
    if version < 1 || version > latest_version() {
        return Err(format!(
            "the backup has schema version {version}; this binary knows 1 to {}",
            latest_version()
        ));
    }
    match audit::verify(&conn, None).map_err(|e| err("audit chain", e))? {
        Ok(_) => Ok(()),
        Err(b) => Err(format!("the backup's audit chain is broken: {b}")),
    }
}

/// Replaces the live database with a checked backup. The server must be stopped (the caller
/// holds the database lock). On any refusal the live database is untouched.
pub fn restore(db: &Database, from: &Path) -> Result<(), String> {
    let candidate = Database {
        path: from.to_path_buf(),
        key: db.key.clone(),
    };
    check(&candidate)?;
    let staged = db.path.with_extension("restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(from, &staged).map_err(|e| err("stage the backup", e))?;
    File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(|e| err("sync the staged copy", e))?;
    // The live WAL belongs to the live file: drop it before the swap, or SQLite would replay it.
    for ext in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{ext}", db.path.display()));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| err("remove the old WAL", e))?;
        }
    }
    std::fs::rename(&staged, &db.path).map_err(|e| err("swap in the backup", e))?;
    Ok(())
}

/// Checks a backup without restoring it.
pub fn verify_backup(db: &Database, from: &Path) -> Result<(), String> {
    check(&Database {
        path: from.to_path_buf(),
        key: db.key.clone(),
    })
}
