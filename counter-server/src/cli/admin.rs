//! Administration commands on a branch's database. Secrets are read from files or standard input,
//! never taken from the command line, and never echoed (a new device token is printed once, as
//! the one way to hand it over).

use std::io::BufRead;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::{Args, CliError};
use crate::auth::DeviceScope;
use crate::config::Config;
use crate::domain::{Gender, Role};
use crate::provision;
use crate::store::key::DbKey;
use crate::store::{Context, Database, audit, backup, open, retention, rights};

fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::Failed(e.to_string())
}

fn read_secret_line() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(failed)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Records an administration action in the audit chain (no personal data).
fn audit_cli(
    db: &Database,
    action: &str,
    ticket: Option<i64>,
    reason: Option<&str>,
) -> Result<(), CliError> {
    let conn = open(db, false)?;
    let entry = audit::AuditEntry {
        role: Some("cli".into()),
        ticket_id: ticket,
        action: action.into(),
        reason: reason.map(str::to_string),
        ..audit::AuditEntry::default()
    };
    conn.execute_batch("BEGIN IMMEDIATE").ctx("begin audit")?;
    audit::append(&conn, &entry, Utc::now())?;
    conn.execute_batch("COMMIT").ctx("commit audit")?;
    Ok(())
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, CliError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            CliError::Usage(format!(
                "{s:?} is not an RFC 3339 time like 2026-11-25T08:00:00+03:00"
            ))
        })
}

fn parse_ticket(a: &Args<'_>) -> Result<i64, CliError> {
    a.required("--ticket")?
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| CliError::Usage("--ticket is a ticket id (a positive number)".into()))
}

pub fn run(cmd: &str, rest: &[String]) -> Result<(), CliError> {
    match cmd {
        "add-staff" => {
            let a = Args::new(
                rest,
                &[
                    "--db",
                    "--key-file",
                    "--username",
                    "--name",
                    "--role",
                    "--gender",
                ],
            )?;
            let role = match a.required("--role")? {
                "reception" => Role::Reception,
                "researcher" => Role::Researcher,
                "supervisor" => Role::Supervisor,
                "admin" => Role::Admin,
                other => return Err(CliError::Usage(format!("unknown role {other:?}"))),
            };
            let gender = match a.required("--gender")? {
                "female" => Gender::Female,
                "male" => Gender::Male,
                other => return Err(CliError::Usage(format!("unknown gender {other:?}"))),
            };
            let db = a.database()?;
            let pw = read_secret_line()?;
            let id = provision::add_staff(
                &db,
                a.required("--username")?,
                a.required("--name")?,
                role,
                gender,
                &pw,
            )
            .map_err(failed)?;
            println!("staff account {id} created");
            Ok(())
        }
        "reset-password" => {
            let a = Args::new(rest, &["--db", "--key-file", "--username"])?;
            let db = a.database()?;
            let pw = read_secret_line()?;
            provision::reset_password(&db, a.required("--username")?, &pw).map_err(failed)?;
            println!("password changed; the account's sessions were ended");
            Ok(())
        }
        "disable-staff" => {
            let a = Args::new(rest, &["--db", "--key-file", "--username"])?;
            provision::disable_staff(&a.database()?, a.required("--username")?).map_err(failed)?;
            println!("account disabled; its sessions were ended");
            Ok(())
        }
        "add-metrics-token" => {
            let a = Args::new(rest, &["--db", "--key-file", "--name"])?;
            let token = provision::add_metrics_token(&a.database()?, a.required("--name")?)
                .map_err(failed)?;
            println!("{token}");
            eprintln!(
                "(shown once: only its hash is stored; scrape GET /metrics with Authorization: Bearer)"
            );
            Ok(())
        }
        "add-device" => {
            let a = Args::new(rest, &["--db", "--key-file", "--name", "--scope"])?;
            let scope = DeviceScope::parse(a.required("--scope")?).ok_or_else(|| {
                CliError::Usage("--scope is kiosk, display, rating or integration".into())
            })?;
            let token = provision::add_device(&a.database()?, a.required("--name")?, scope)
                .map_err(failed)?;
            println!("{token}");
            eprintln!("(shown once: only its hash is stored)");
            Ok(())
        }
        "list-devices" => {
            let a = Args::new(rest, &["--db", "--key-file"])?;
            for d in provision::list_devices(&a.database()?).map_err(failed)? {
                println!(
                    "{:>4}  {:<11} {:<10} {}",
                    d.id,
                    d.scope,
                    if d.revoked { "revoked" } else { "active" },
                    d.name
                );
            }
            Ok(())
        }
        "revoke-device" => {
            let a = Args::new(rest, &["--db", "--key-file", "--id"])?;
            let id = a
                .required("--id")?
                .parse::<i64>()
                .map_err(|_| CliError::Usage("--id is a device number".into()))?;
            provision::revoke_device(&a.database()?, id).map_err(failed)?;
            println!("device {id} revoked");
            Ok(())
        }
        "gen-key" => {
            let a = Args::new(rest, &["--out"])?;
            DbKey::generate()
                .write_new(Path::new(a.required("--out")?))
                .map_err(failed)?;
            println!(
                "key written (mode 600); keep a copy offline: without it the database and its backups cannot be read"
            );
            Ok(())
        }
        "rotate-key" => {
            let a = Args::new(rest, &["--db", "--key-file", "--new-key-file"])?;
            let db = a.database()?;
            let new = a
                .key("--new-key-file")?
                .ok_or_else(|| CliError::Usage("--new-key-file is required".into()))?;
            let _lock = crate::server::lock_database(&db.path).map_err(failed)?;
            let conn = open(&db, false)?;
            conn.execute_batch(&new.rekey_pragma()).ctx("rekey")?;
            drop(conn);
            open(
                &Database {
                    path: db.path.clone(),
                    key: Some(new),
                },
                true,
            )?;
            println!(
                "the database is now encrypted with the new key; backups made before keep the old one"
            );
            Ok(())
        }
        "backup" => {
            let a = Args::new(rest, &["--db", "--key-file", "--dir", "--keep"])?;
            let keep = a.value("--keep")?.map_or(Ok(7), |k| {
                k.parse::<usize>()
                    .map_err(|_| CliError::Usage("--keep is a number".into()))
            })?;
            let file = backup::backup(
                &a.database()?,
                Path::new(a.required("--dir")?),
                keep,
                Utc::now(),
            )
            .map_err(failed)?;
            println!("{}", file.display());
            Ok(())
        }
        "restore" => {
            let a = Args::new(rest, &["--db", "--key-file", "--from"])?;
            let db = a.database()?;
            let _lock = crate::server::lock_database(&db.path).map_err(failed)?;
            backup::restore(&db, Path::new(a.required("--from")?)).map_err(failed)?;
            audit_cli(&db, "restore", None, None)?;
            println!("restored");
            Ok(())
        }
        "purge" => {
            let a = Args::new(rest, &["--db", "--key-file", "--config"])?;
            let config = match a.value("--config")? {
                Some(p) => Config::load(Path::new(p)).map_err(CliError::Failed)?,
                None => Config::demo(),
            };
            let db = a.database()?;
            let mut conn = open(&db, false)?;
            let r = retention::purge(&mut conn, &config.retention_policy(), Utc::now())?;
            println!(
                "purged {} visits ({} with intake); {} kept under legal hold",
                r.visits, r.intakes, r.held
            );
            Ok(())
        }
        "hold" => {
            let a = Args::new(rest, &["--db", "--key-file", "--ticket", "--reason"])?;
            let db = a.database()?;
            let ticket = parse_ticket(&a)?;
            let reason = crate::input::text::required("reason", a.required("--reason")?, 500)
                .map_err(|e| failed(e.message.en))?;
            let conn = open(&db, false)?;
            retention::place_hold(&conn, ticket, &reason, None, Utc::now())?;
            drop(conn);
            audit_cli(&db, "legal_hold", Some(ticket), Some(&reason))?;
            println!("legal hold placed on ticket {ticket}");
            Ok(())
        }
        "verify-audit" => {
            let a = Args::new(rest, &["--db", "--key-file"])?;
            let conn = open(&a.database()?, true)?;
            match audit::verify(&conn, None)? {
                Ok(n) => {
                    println!("audit chain intact: {n} rows");
                    Ok(())
                }
                Err(b) => Err(CliError::Failed(b.to_string())),
            }
        }
        "breach-report" => {
            let a = Args::new(
                rest,
                &["--db", "--key-file", "--username", "--from", "--to"],
            )?;
            let (from, to) = (
                parse_time(a.required("--from")?)?,
                parse_time(a.required("--to")?)?,
            );
            let conn = open(&a.database()?, true)?;
            let username = a.required("--username")?;
            let staff: i64 = conn
                .query_row(
                    "SELECT id FROM staff WHERE username = ?1",
                    [username],
                    |r| r.get(0),
                )
                .map_err(|_| failed(format!("no staff account {username:?}")))?;
            let rows = audit::accessed_by(&conn, staff, from, to)?;
            println!(
                "{username} accessed {} visitor records between {from} and {to}",
                rows.len()
            );
            for (ticket, n) in rows {
                println!("  ticket {ticket}: {n} access(es)");
            }
            Ok(())
        }
        "export-visitor" => {
            let a = Args::new(rest, &["--db", "--key-file", "--ticket", "--html"])?;
            let db = a.database()?;
            let ticket = parse_ticket(&a)?;
            let conn = open(&db, true)?;
            let export = rights::export(&conn, ticket)?
                .ok_or_else(|| failed(format!("no ticket {ticket}")))?;
            drop(conn);
            if let Some(html) = a.value("--html")? {
                std::fs::write(html, rights::printable_page(&export)).map_err(failed)?;
            }
            audit_cli(&db, "export_visitor", Some(ticket), None)?;
            println!("{}", serde_json::to_string_pretty(&export).map_err(failed)?);
            Ok(())
        }
        "make-ca" => {
            let a = Args::new(rest, &["--dir", "--host", "--branch"])?;
            // Every --host value (names and IP addresses the branch uses to reach the server).
            let hosts: Vec<String> = rest
                .windows(2)
                .filter(|w| w[0] == "--host")
                .map(|w| w[1].clone())
                .collect();
            if hosts.is_empty() {
                return Err(CliError::Usage(
                    "give at least one --host (a name or IP address of the server)".into(),
                ));
            }
            let dir = Path::new(a.required("--dir")?);
            crate::tls::make_branch_ca(dir, &hosts, a.value("--branch")?.unwrap_or("branch"))
                .map_err(failed)?;
            println!(
                "wrote ca.crt, ca.key, server.crt, server.key in {}",
                dir.display()
            );
            println!("install ca.crt on the branch's browsers and kiosks; keep ca.key offline");
            Ok(())
        }
        other => Err(CliError::Usage(format!("unknown command {other:?}"))),
    }
}
