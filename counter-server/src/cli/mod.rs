//! The binary's commands (clap, derive). `main.rs` only calls `cli::main`.
//!
//! - `serve`: running a branch (`serve`) and the demo (`demo`, also what no command means).
//! - `admin`: everything an office does to its database: accounts, devices, keys, backups,
//!   restore, purge, the audit chain, the breach drill, a visitor's export, the reference
//!   documents. One function per command; their SQL lives in `store::admin` (the reference
//!   documents': `store::reference`).
//!
//! Secrets are never arguments: passwords come on standard input, keys from files or the
//! systemd credential `db-key`.
//!
//! Exit codes: 0 done, 1 failed, 2 usage, 3 the database key is wrong or missing (so systemd can be
//! told not to restart in a loop: `RestartPreventExitStatus=3`).

mod admin;
mod head_office;
mod serve;

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::store::Database;
use crate::store::key::DbKey;

/// counter-server: the queue server of an Awn branch.
#[derive(Debug, Parser)]
#[command(
    name = "counter-server",
    version,
    about = "The queue server of an Awn branch",
    after_help = "Without a command it runs the demo branch.\n\
                  Exit codes: 0 done, 1 failed, 2 usage, 3 the database key is wrong or missing."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The demo branch (unencrypted); opens the kiosk where a display exists
    Demo(serve::DemoArgs),
    /// Serve a branch from its configuration file
    Serve(serve::ServeArgs),
    /// Create a staff account (the password is read from standard input)
    AddStaff(admin::AddStaff),
    /// Set a new password (read from standard input) and end the account's sessions
    ResetPassword(admin::Username),
    /// Disable a staff account and end its sessions
    DisableStaff(admin::Username),
    /// Register a device; prints its token once
    AddDevice(admin::AddDevice),
    /// List the registered devices
    ListDevices(DbArgs),
    /// A Prometheus scraper's token for GET /metrics (printed once)
    AddMetricsToken(admin::Named),
    /// Revoke a device's token
    RevokeDevice(admin::RevokeDevice),
    /// Write a new random 256-bit key file (mode 600)
    GenKey(admin::GenKey),
    /// Re-encrypt the database with a new key
    RotateKey(admin::RotateKey),
    /// Copy the database into a backup folder, keeping the newest N
    Backup(admin::Backup),
    /// Replace the database with a backup (server stopped; checks the backup first)
    Restore(admin::Restore),
    /// Run the retention purge now
    Purge(admin::Purge),
    /// Place a legal hold: the purge skips this visit
    Hold(admin::Hold),
    /// Check the audit chain
    VerifyAudit(DbArgs),
    /// The visitor records a staff account accessed in a time window (RFC 3339 times)
    BreachReport(admin::BreachReport),
    /// Everything held about one visit, as JSON
    ExportVisitor(admin::ExportVisitor),
    /// A branch-local CA and server certificate
    MakeCa(admin::MakeCa),
    /// Add a reference document for the staff console (Markdown, HTML or PDF)
    AddReference(admin::AddReference),
    /// Remove a reference document
    RemoveReference(admin::RemoveReference),
    /// List the reference documents
    ListReferences(DbArgs),
    /// Head office: the association's figures from the branches' roll-up (PostgreSQL)
    #[command(subcommand)]
    HeadOffice(head_office::HeadOfficeCommand),
}

/// The database a command opens, with its key.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// The database file
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
}

/// Where the database key comes from: `--key-file`, else the systemd credential `db-key`, else
/// none (an unencrypted database).
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// The database key file (mode 600); default: the systemd credential `db-key`, else none
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
}

impl DbArgs {
    pub fn database(&self) -> Result<Database, CliError> {
        Ok(Database {
            path: self.db.clone(),
            key: self.key.load()?,
        })
    }
}

impl KeyArgs {
    pub fn load(&self) -> Result<Option<DbKey>, CliError> {
        load_key(self.key_file.as_deref())
    }
}

/// A key from `file`, else from the systemd credential; a bad key is exit code 3.
fn load_key(file: Option<&std::path::Path>) -> Result<Option<DbKey>, CliError> {
    match file {
        Some(file) => DbKey::load(file).map(Some).map_err(CliError::KeyInvalid),
        None => match DbKey::from_credentials() {
            Some(k) => k.map(Some).map_err(CliError::KeyInvalid),
            None => Ok(None),
        },
    }
}

pub enum CliError {
    Usage(String),
    Failed(String),
    KeyInvalid(String),
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::KeyInvalid => Self::KeyInvalid(e.to_string()),
            other => Self::Failed(other.to_string()),
        }
    }
}

pub fn main() -> i32 {
    // `--version` also names the newest database schema this binary reads and writes.
    let version = format!(
        "{} (database schema {})",
        env!("CARGO_PKG_VERSION"),
        crate::store::latest_version()
    );
    let parsed = Cli::command()
        .version(version)
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        // --help and --version print to stdout and exit 0; usage errors to stderr, exit 2.
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    match run(cli.command) {
        Ok(()) => 0,
        Err(CliError::Usage(m)) => {
            eprintln!("error: {m}\n\nFor more information, try '--help'.");
            2
        }
        Err(CliError::Failed(m)) => {
            eprintln!("error: {m}");
            1
        }
        Err(CliError::KeyInvalid(m)) => {
            eprintln!("error: {m}");
            3
        }
    }
}

fn run(command: Option<Command>) -> Result<(), CliError> {
    match command.unwrap_or_else(|| Command::Demo(serve::DemoArgs::default())) {
        Command::Demo(a) => serve::demo(&a),
        Command::HeadOffice(c) => head_office::run(c),
        Command::Serve(a) => serve::serve_command(&a),
        Command::AddStaff(a) => admin::add_staff(&a),
        Command::ResetPassword(a) => admin::reset_password(&a),
        Command::DisableStaff(a) => admin::disable_staff(&a),
        Command::AddDevice(a) => admin::add_device(&a),
        Command::ListDevices(a) => admin::list_devices(&a),
        Command::AddMetricsToken(a) => admin::add_metrics_token(&a),
        Command::RevokeDevice(a) => admin::revoke_device(&a),
        Command::GenKey(a) => admin::gen_key(&a),
        Command::RotateKey(a) => admin::rotate_key(&a),
        Command::Backup(a) => admin::backup(&a),
        Command::Restore(a) => admin::restore(&a),
        Command::Purge(a) => admin::purge(&a),
        Command::Hold(a) => admin::hold(&a),
        Command::VerifyAudit(a) => admin::verify_audit(&a),
        Command::BreachReport(a) => admin::breach_report(&a),
        Command::ExportVisitor(a) => admin::export_visitor(&a),
        Command::MakeCa(a) => admin::make_ca(&a),
        Command::AddReference(a) => admin::add_reference(&a),
        Command::RemoveReference(a) => admin::remove_reference(&a),
        Command::ListReferences(a) => admin::list_references(&a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
