//! The binary's commands. `main.rs` only calls `cli::main`.
//!
//! - `serve`: running a branch (`serve`) and the demo (`demo`).
//! - `admin`: everything an office does to its database: accounts, devices, keys, backups,
//!   restore, purge, the audit chain, the breach drill, a visitor's export.
//!
//! Exit codes: 0 done, 1 failed, 2 usage, 3 the database key is wrong or missing (so systemd can be
//! told not to restart in a loop: `RestartPreventExitStatus=3`).

mod admin;
mod serve;

use std::path::{Path, PathBuf};

use crate::store::Database;
use crate::store::key::DbKey;

const USAGE: &str = "\
counter-server — the queue server of an Awn branch

Running:
  demo  [--listen ADDR] [--data DIR] [--no-kiosk]     the demo branch (unencrypted), opens the kiosk where a display exists
  serve [--config FILE] [--db FILE] [--key-file FILE] [--listen ADDR] [--log-format text|json]

Accounts and devices:
  add-staff      --db FILE --username NAME --name DISPLAY --role reception|researcher|supervisor|admin --gender female|male
                 (the password is read from standard input)
  reset-password --db FILE --username NAME            (new password on standard input)
  disable-staff  --db FILE --username NAME
  add-device     --db FILE --name NAME --scope kiosk|display|rating|integration   (prints the token once;
                 integration: reads the staff event stream, GET /api/v1/events, and nothing else)
  list-devices   --db FILE
  add-metrics-token --db FILE --name NAME             a Prometheus scraper's token for GET /metrics (printed once)
  revoke-device  --db FILE --id N

Keys, backups, data protection:
  gen-key        --out FILE                           a new random 256-bit key file (mode 600)
  rotate-key     --db FILE --key-file OLD --new-key-file NEW
  backup         --db FILE --dir DIR [--keep N]
  restore        --db FILE --from BACKUP              (server stopped; checks the backup first)
  purge          --db FILE [--config FILE]            the retention purge, now
  hold           --db FILE --ticket N --reason TEXT   legal hold: the purge skips this visit
  verify-audit   --db FILE
  breach-report  --db FILE --username NAME --from TIME --to TIME   (RFC 3339 times)
  export-visitor --db FILE --ticket N [--html FILE]   everything held about one visit, as JSON
  make-ca        --dir DIR --host NAME [--host IP…] [--branch NAME]   a branch-local CA and server certificate

Every command that opens a database takes --key-file FILE, or reads the systemd credential
`db-key`; without either the database is opened unencrypted.
";

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => 0,
        Err(CliError::Usage(m)) => {
            eprintln!("error: {m}\n\n{USAGE}");
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

/// `--name value` pairs and bare `--flags`, checked against the command's known names.
pub struct Args<'a> {
    rest: &'a [String],
}

impl<'a> Args<'a> {
    fn new(rest: &'a [String], known: &[&str]) -> Result<Self, CliError> {
        let mut i = 0;
        while i < rest.len() {
            let a = &rest[i];
            if !known.contains(&a.as_str()) {
                return Err(CliError::Usage(format!("unknown argument {a:?}")));
            }
            i += if rest.get(i + 1).is_some_and(|n| !n.starts_with("--")) {
                2
            } else {
                1
            };
        }
        Ok(Self { rest })
    }

    pub fn value(&self, name: &str) -> Result<Option<&'a str>, CliError> {
        match self.rest.iter().position(|a| a == name) {
            None => Ok(None),
            Some(i) => self
                .rest
                .get(i + 1)
                .filter(|v| !v.starts_with("--"))
                .map(|v| Some(v.as_str()))
                .ok_or_else(|| CliError::Usage(format!("{name} needs a value"))),
        }
    }

    pub fn required(&self, name: &str) -> Result<&'a str, CliError> {
        self.value(name)?
            .ok_or_else(|| CliError::Usage(format!("{name} is required")))
    }

    pub fn flag(&self, name: &str) -> bool {
        self.rest.iter().any(|a| a == name)
    }

    /// The database named by `--db`, with its key from `--key-file` or the systemd credential.
    pub fn database(&self) -> Result<Database, CliError> {
        let path = PathBuf::from(self.required("--db")?);
        Ok(Database {
            path,
            key: self.key("--key-file")?,
        })
    }

    pub fn key(&self, flag: &str) -> Result<Option<DbKey>, CliError> {
        match self.value(flag)? {
            Some(file) => DbKey::load(Path::new(file))
                .map(Some)
                .map_err(CliError::KeyInvalid),
            None => match DbKey::from_credentials() {
                Some(k) => k.map(Some).map_err(CliError::KeyInvalid),
                None => Ok(None),
            },
        }
    }
}

fn run(args: &[String]) -> Result<(), CliError> {
    let (cmd, rest) = args
        .split_first()
        .map_or(("demo", &[][..]), |(c, r)| (c.as_str(), r));
    match cmd {
        "demo" => serve::demo(&Args::new(rest, &["--listen", "--data", "--no-kiosk"])?),
        "serve" => serve::serve_command(&Args::new(
            rest,
            &["--config", "--db", "--key-file", "--listen", "--log-format"],
        )?),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => admin::run(other, rest),
    }
}
