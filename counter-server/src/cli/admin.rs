//! Administration commands on a branch's database, one function each. Secrets are read from files
//! or standard input, never taken from the command line, and never echoed (a new device token is
//! printed once, as the one way to hand it over). The SQL they run is in `store::admin`.

use std::io::BufRead;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use super::{CliError, DbArgs};
use crate::auth::DeviceScope;
use crate::config::Config;
use crate::domain::{Gender, Role};
use crate::provision;
use crate::store::key::DbKey;
use crate::store::{admin, backup};
use crate::web::rights_page;

fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::Failed(e.to_string())
}

pub(super) fn read_secret_line() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(failed)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn role_parser() -> impl TypedValueParser<Value = Role> {
    PossibleValuesParser::new(["reception", "researcher", "supervisor", "admin"])
        .map(|s| crate::store::role_from(&s).expect("one of the possible values"))
}

fn gender_parser() -> impl TypedValueParser<Value = Gender> {
    PossibleValuesParser::new(["female", "male"])
        .map(|s| crate::store::gender_from(&s).expect("one of the possible values"))
}

fn scope_parser() -> impl TypedValueParser<Value = DeviceScope> {
    PossibleValuesParser::new(["kiosk", "display", "rating", "integration", "applicant"])
        .map(|s| DeviceScope::parse(&s).expect("one of the possible values"))
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("{s:?} is not an RFC 3339 time like 2026-11-25T08:00:00+03:00"))
}

#[derive(Debug, Args)]
pub struct AddStaff {
    #[command(flatten)]
    db: DbArgs,
    /// The login name
    #[arg(long)]
    username: String,
    /// The name shown to colleagues
    #[arg(long, value_name = "DISPLAY")]
    name: String,
    #[arg(long, value_parser = role_parser(), value_name = "ROLE")]
    role: Role,
    #[arg(long, value_parser = gender_parser(), value_name = "GENDER")]
    gender: Gender,
}

pub fn add_staff(a: &AddStaff) -> Result<(), CliError> {
    let db = a.db.database()?;
    let pw = read_secret_line()?;
    let id =
        provision::add_staff(&db, &a.username, &a.name, a.role, a.gender, &pw).map_err(failed)?;
    println!("staff account {id} created");
    Ok(())
}

/// A command on one staff account.
#[derive(Debug, Args)]
pub struct Username {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    username: String,
}

pub fn reset_password(a: &Username) -> Result<(), CliError> {
    let db = a.db.database()?;
    let pw = read_secret_line()?;
    provision::reset_password(&db, &a.username, &pw).map_err(failed)?;
    println!("password changed; the account's sessions were ended");
    Ok(())
}

pub fn disable_staff(a: &Username) -> Result<(), CliError> {
    provision::disable_staff(&a.db.database()?, &a.username).map_err(failed)?;
    println!("account disabled; its sessions were ended");
    Ok(())
}

/// A command that registers something under a name.
#[derive(Debug, Args)]
pub struct Named {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    name: String,
}

pub fn add_metrics_token(a: &Named) -> Result<(), CliError> {
    let token = provision::add_metrics_token(&a.db.database()?, &a.name).map_err(failed)?;
    println!("{token}");
    eprintln!(
        "(shown once: only its hash is stored; scrape GET /metrics with Authorization: Bearer)"
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct AddDevice {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    name: String,
    /// integration: reads the staff event stream, GET /api/v1/events, and nothing else;
    /// applicant: the tablet facing the applicant at one desk (needs --desk)
    #[arg(long, value_parser = scope_parser(), value_name = "SCOPE")]
    scope: DeviceScope,
    /// The desk an applicant tablet faces (its id in the branch configuration)
    #[arg(long, required_if_eq("scope", "applicant"))]
    desk: Option<u32>,
}

pub fn add_device(a: &AddDevice) -> Result<(), CliError> {
    let db = a.db.database()?;
    let device =
        provision::NewDevice::new(&a.name, a.scope, a.desk).map_err(|e| failed(e.message.en))?;
    let token = provision::add_new_device(&db, &device).map_err(failed)?;
    println!("{token}");
    eprintln!("(shown once: only its hash is stored)");
    Ok(())
}

pub fn list_devices(a: &DbArgs) -> Result<(), CliError> {
    for d in provision::list_devices(&a.database()?).map_err(failed)? {
        println!(
            "{:>4}  {:<11} {:<10} {}",
            d.id,
            d.scope,
            if d.revoked_at.is_some() {
                "revoked"
            } else {
                "active"
            },
            d.name
        );
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct RevokeDevice {
    #[command(flatten)]
    db: DbArgs,
    /// The device number (see list-devices)
    #[arg(long, value_name = "N")]
    id: i64,
}

pub fn revoke_device(a: &RevokeDevice) -> Result<(), CliError> {
    provision::revoke_device(&a.db.database()?, a.id).map_err(failed)?;
    println!("device {} revoked", a.id);
    Ok(())
}

#[derive(Debug, Args)]
pub struct GenKey {
    /// The new key file (refused if it exists)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn gen_key(a: &GenKey) -> Result<(), CliError> {
    DbKey::generate().write_new(&a.out).map_err(failed)?;
    println!(
        "key written (mode 600); keep a copy offline: without it the database and its backups cannot be read"
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct RotateKey {
    #[command(flatten)]
    db: DbArgs,
    /// The new key file (see gen-key)
    #[arg(long, value_name = "FILE")]
    new_key_file: PathBuf,
}

pub fn rotate_key(a: &RotateKey) -> Result<(), CliError> {
    let db = a.db.database()?;
    let new = DbKey::load(&a.new_key_file).map_err(CliError::KeyInvalid)?;
    let _lock = crate::server::lock_database(&db.path).map_err(failed)?;
    admin::rotate_key(&db, new)?;
    println!(
        "the database is now encrypted with the new key; backups made before keep the old one"
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct Backup {
    #[command(flatten)]
    db: DbArgs,
    /// The backup folder
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// How many backups to keep
    #[arg(long, value_name = "N", default_value_t = 7)]
    keep: usize,
}

pub fn backup(a: &Backup) -> Result<(), CliError> {
    let file = backup::backup(&a.db.database()?, &a.dir, a.keep, Utc::now()).map_err(failed)?;
    println!("{}", file.display());
    Ok(())
}

#[derive(Debug, Args)]
pub struct Restore {
    #[command(flatten)]
    db: DbArgs,
    /// The backup file to restore
    #[arg(long, value_name = "BACKUP")]
    from: PathBuf,
}

pub fn restore(a: &Restore) -> Result<(), CliError> {
    let db = a.db.database()?;
    let _lock = crate::server::lock_database(&db.path).map_err(failed)?;
    backup::restore(&db, &a.from).map_err(failed)?;
    admin::record_action(&db, "restore", None, None, Utc::now())?;
    println!("restored");
    Ok(())
}

#[derive(Debug, Args)]
pub struct Purge {
    #[command(flatten)]
    db: DbArgs,
    /// The branch configuration whose retention policy applies (default: the demo's)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn purge(a: &Purge) -> Result<(), CliError> {
    let config = match &a.config {
        Some(p) => Config::load(p).map_err(CliError::Failed)?,
        None => Config::demo(),
    };
    let r = admin::purge(&a.db.database()?, &config, Utc::now())?;
    println!(
        "purged {} visits ({} with intake); {} kept under legal hold",
        r.visits, r.intakes, r.held
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct Hold {
    #[command(flatten)]
    db: DbArgs,
    /// The ticket id
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..))]
    ticket: i64,
    /// Why (kept in the audit chain)
    #[arg(long, value_name = "TEXT")]
    reason: String,
}

pub fn hold(a: &Hold) -> Result<(), CliError> {
    let db = a.db.database()?;
    let reason =
        crate::input::text::required("reason", &a.reason, 500).map_err(|e| failed(e.message.en))?;
    admin::place_hold(&db, a.ticket, &reason, Utc::now())?;
    println!("legal hold placed on ticket {}", a.ticket);
    Ok(())
}

pub fn verify_audit(a: &DbArgs) -> Result<(), CliError> {
    match admin::verify_audit(&a.database()?)? {
        Ok(n) => {
            println!("audit chain intact: {n} rows");
            Ok(())
        }
        Err(b) => Err(failed(b)),
    }
}

#[derive(Debug, Args)]
pub struct BreachReport {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    username: String,
    /// Start of the window (RFC 3339, e.g. 2026-11-25T08:00:00+03:00)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    from: DateTime<Utc>,
    /// End of the window (RFC 3339)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    to: DateTime<Utc>,
}

pub fn breach_report(a: &BreachReport) -> Result<(), CliError> {
    let (username, from, to) = (&a.username, a.from, a.to);
    let rows = admin::breach_report(&a.db.database()?, username, from, to)?
        .ok_or_else(|| failed(format!("no staff account {username:?}")))?;
    println!(
        "{username} accessed {} visitor records between {from} and {to}",
        rows.len()
    );
    for (ticket, n) in rows {
        println!("  ticket {ticket}: {n} access(es)");
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct ExportVisitor {
    #[command(flatten)]
    db: DbArgs,
    /// The ticket id
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..))]
    ticket: i64,
    /// Also write a printable page here (its stylesheet inside: it opens from disk)
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

pub fn export_visitor(a: &ExportVisitor) -> Result<(), CliError> {
    let export = admin::export_visitor(&a.db.database()?, a.ticket, Utc::now())?
        .ok_or_else(|| failed(format!("no ticket {}", a.ticket)))?;
    if let Some(html) = &a.html {
        std::fs::write(html, rights_page::file(&export)).map_err(failed)?;
    }
    println!("{}", serde_json::to_string_pretty(&export).map_err(failed)?);
    Ok(())
}

#[derive(Debug, Args)]
pub struct MakeCa {
    /// Where to write ca.crt, ca.key, server.crt, server.key
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// A name or IP address the branch uses to reach the server (repeat for each)
    #[arg(long = "host", value_name = "NAME", required = true)]
    hosts: Vec<String>,
    /// The branch's name in the certificates
    #[arg(long, default_value = "branch")]
    branch: String,
}

pub fn make_ca(a: &MakeCa) -> Result<(), CliError> {
    crate::tls::make_branch_ca(&a.dir, &a.hosts, &a.branch).map_err(failed)?;
    println!(
        "wrote ca.crt, ca.key, server.crt, server.key in {}",
        a.dir.display()
    );
    println!("install ca.crt on the branch's browsers and kiosks; keep ca.key offline");
    Ok(())
}

#[derive(Debug, Args)]
pub struct AddReference {
    #[command(flatten)]
    db: DbArgs,
    /// The document: Markdown (.md) or HTML (.html), converted and sanitised once, now; or a PDF
    /// (.pdf; its text searched when pdftotext, Debian poppler-utils, is installed, else its titles)
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Its title in Arabic, as the console lists it
    #[arg(long, value_name = "TITLE")]
    title_ar: String,
    /// Its title in English
    #[arg(long, value_name = "TITLE")]
    title_en: String,
    /// The document's own language (its direction in the console)
    #[arg(long, value_parser = ["ar", "en"], default_value = "ar")]
    lang: String,
}

/// A PDF's text from poppler's `pdftotext` (Debian `poppler-utils`), which puts Arabic in reading
/// order; none when it is not installed or finds no text (a scan).
fn pdf_text(file: &std::path::Path) -> Option<String> {
    let out = std::process::Command::new("pdftotext")
        .args(["-q", "-enc", "UTF-8"])
        .arg(file)
        .arg("-")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then_some(text)
}

pub fn add_reference(a: &AddReference) -> Result<(), CliError> {
    let bytes = std::fs::read(&a.file)
        .map_err(|e| failed(format!("cannot read {}: {e}", a.file.display())))?;
    let file_name = a.file.file_name().map(|n| n.to_string_lossy().into_owned());
    let is_pdf = bytes.starts_with(b"%PDF-");
    let text = is_pdf.then(|| pdf_text(&a.file)).flatten();
    if is_pdf && text.is_none() {
        eprintln!(
            "note: no text from this PDF (pdftotext, Debian poppler-utils, missing or the PDF is a scan): it is found by its titles only"
        );
    }
    let id = provision::add_reference(
        &a.db.database()?,
        &provision::NewReference {
            file_name: file_name.as_deref().unwrap_or_default(),
            bytes: &bytes,
            title_ar: &a.title_ar,
            title_en: &a.title_en,
            lang: &a.lang,
            pdf_text: text.as_deref(),
        },
    )
    .map_err(failed)?;
    println!("reference document {id} added");
    Ok(())
}

#[derive(Debug, Args)]
pub struct RemoveReference {
    #[command(flatten)]
    db: DbArgs,
    /// The document's number (see list-references)
    #[arg(long, value_name = "N")]
    id: i64,
}

pub fn remove_reference(a: &RemoveReference) -> Result<(), CliError> {
    provision::remove_reference(&a.db.database()?, a.id).map_err(failed)?;
    println!("reference document {} removed", a.id);
    Ok(())
}

pub fn list_references(a: &DbArgs) -> Result<(), CliError> {
    for d in provision::list_references(&a.database()?).map_err(failed)? {
        println!(
            "{:>4}  {:<4} {:<2} {:>9} B  {}  {} / {}",
            d.id,
            d.kind.as_str(),
            d.lang,
            d.bytes,
            &d.added_at[..10.min(d.added_at.len())],
            d.title_ar,
            d.title_en
        );
    }
    Ok(())
}
