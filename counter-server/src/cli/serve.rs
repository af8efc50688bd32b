//! Running a branch (`serve`) and the demo (`demo`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::{CliError, KeyArgs};
use crate::auth::DeviceScope;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::domain::{Gender, Role};
use crate::logging::{self, LogFormat};
use crate::provision;
use crate::server::{Bind, Server, shutdown_signal};
use crate::store::Database;

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The branch configuration (default: the embedded demo configuration)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The database file
    #[arg(long, value_name = "FILE", default_value = "counter.db")]
    db: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
    /// Where to listen
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// How log lines are written when not under systemd (under systemd: the journal)
    #[arg(long, value_enum, default_value_t = LogFormatArg::Text)]
    log_format: LogFormatArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogFormatArg {
    /// Plain text, coloured on a terminal
    Text,
    /// One JSON object a line
    Json,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to listen
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// Where the demo keeps its database and tokens
    #[arg(long, value_name = "DIR", default_value = "demo-data")]
    data: PathBuf,
    /// Do not open the kiosk window
    #[arg(long)]
    no_kiosk: bool,
}

impl Default for DemoArgs {
    fn default() -> Self {
        Self {
            listen: DEFAULT_LISTEN.parse().expect("a valid address"),
            data: PathBuf::from("demo-data"),
            no_kiosk: false,
        }
    }
}

/// The embedded demo branch, its public address being where it listens (the `Origin` check and
/// the QR codes use it); a branch's own file names its real address.
fn demo_config(listen: SocketAddr) -> Config {
    let mut config = Config::demo();
    let host = if listen.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        listen.ip()
    };
    config.branch.public_base_url = format!("http://{}", SocketAddr::new(host, listen.port()));
    config
}

/// `serve`: a branch from its configuration file (or the embedded demo configuration).
pub fn serve_command(a: &ServeArgs) -> Result<(), CliError> {
    let config = match &a.config {
        Some(p) => Config::load(p).map_err(CliError::Failed)?,
        None => demo_config(a.listen),
    };
    let db = Database {
        path: a.db.clone(),
        key: a.key.load()?,
    };
    logging::init(match a.log_format {
        LogFormatArg::Text => LogFormat::Text,
        LogFormatArg::Json => LogFormat::Json,
    });
    if !db.is_encrypted() {
        tracing::warn!(
            "the database is not encrypted: give --key-file or the db-key credential on a branch"
        );
    }
    serve(config, &db, a.listen, None)
}

/// Threads for blocking work (SQLite reads, Argon2).
const BLOCKING_THREADS: usize = 8;

/// Serves until Ctrl-C/SIGTERM. `announce` runs once the port is bound (the demo prints its URLs).
fn serve(
    config: Config,
    db: &Database,
    listen: SocketAddr,
    announce: Option<Box<dyn FnOnce(SocketAddr) + Send>>,
) -> Result<(), CliError> {
    let config_tls = config.tls.clone();
    let server = Server::open(config, db, Arc::new(SystemClock)).map_err(|e| match e {
        crate::store::StoreError::KeyInvalid => CliError::KeyInvalid(e.to_string()),
        other => CliError::Failed(format!("cannot open {}: {other}", db.path.display())),
    })?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        // Database reads and password checks run on the blocking pool; a small pool keeps the
        // memory of a busy branch box bounded (extra work waits its turn).
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()
        .map_err(|e| CliError::Failed(e.to_string()))?;
    let tls = match &config_tls {
        Some(t) => Some(crate::tls::server_config(&t.cert, &t.key).map_err(CliError::Failed)?),
        None => None,
    };
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| CliError::Failed(format!("cannot listen on {listen}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| CliError::Failed(e.to_string()))?;
        let bind = match &tls {
            Some(config) => Bind::Tls(listener, config.clone()),
            None => Bind::Plain(listener),
        };
        tracing::info!(%addr, tls = tls.is_some(), "counter-server listening");
        crate::systemd::notify_ready();
        tokio::spawn(crate::systemd::watchdog(
            server.state.engine.clone(),
            server.state.shutdown.clone(),
        ));
        if let Some(f) = announce {
            f(addr);
        }
        server
            .run_on(bind, shutdown_signal())
            .await
            .map_err(|e| CliError::Failed(e.to_string()))
    })?;
    tracing::info!("stopped");
    Ok(())
}

/// The demo's reference documents (policy section 5), from `counter-server/demo/reference/`,
/// compiled in: (file name, Arabic title, English title, the document's language, text).
const DEMO_REFERENCES: [(&str, &str, &str, &str, &str); 3] = [
    (
        "beneficiary-relations-policy.ar.md",
        "سياسة تنظيم العلاقة مع المستفيدين",
        "Policy for the relationship with beneficiaries (Arabic)",
        "ar",
        include_str!("../../demo/reference/beneficiary-relations-policy.ar.md"),
    ),
    (
        "beneficiary-relations-policy.en.md",
        "سياسة تنظيم العلاقة مع المستفيدين (ترجمة إنجليزية)",
        "Policy for the relationship with beneficiaries",
        "en",
        include_str!("../../demo/reference/beneficiary-relations-policy.en.md"),
    ),
    (
        "social-research-services-guide.ar.md",
        "دليل خدمات البحث الاجتماعي (مقتطف تجريبي)",
        "Social-research services guide (demo excerpt)",
        "ar",
        include_str!("../../demo/reference/social-research-services-guide.ar.md"),
    ),
];

/// Adds the demo's reference documents to a database that has none yet.
fn add_demo_references(db: &Database) -> Result<(), CliError> {
    if !provision::list_references(db)
        .map_err(CliError::Failed)?
        .is_empty()
    {
        return Ok(());
    }
    for (file_name, title_ar, title_en, lang, text) in DEMO_REFERENCES {
        provision::add_reference(
            db,
            &provision::NewReference {
                file_name,
                bytes: text.as_bytes(),
                title_ar,
                title_en,
                lang,
                pdf_text: None,
            },
        )
        .map_err(CliError::Failed)?;
    }
    Ok(())
}

/// The demo staff: (username, display name, role, gender).
const DEMO_STAFF: [(&str, &str, Role, Gender); 5] = [
    (
        "reception1",
        "موظفة الاستقبال ١",
        Role::Reception,
        Gender::Female,
    ),
    (
        "reception2",
        "موظف الاستقبال ٢",
        Role::Reception,
        Gender::Male,
    ),
    (
        "researcher1",
        "الباحثة الاجتماعية",
        Role::Researcher,
        Gender::Female,
    ),
    ("supervisor1", "المشرفة", Role::Supervisor, Gender::Female),
    ("admin1", "مدير النظام", Role::Admin, Gender::Male),
];

/// `demo`: the demo branch, unencrypted, in `--data` (default `./demo-data`).
pub fn demo(a: &DemoArgs) -> Result<(), CliError> {
    let (listen, data, open_kiosk) = (a.listen, a.data.as_path(), !a.no_kiosk);
    logging::init(LogFormat::Text);
    std::fs::create_dir_all(data)
        .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", data.display())))?;
    let db = Database::plain(data.join("counter.db"));
    // Fresh demo passwords and device tokens at every start: nothing fixed to leak or reuse.
    let mut passwords = Vec::new();
    for (username, name, role, gender) in DEMO_STAFF {
        let pw = crate::auth::tokens::random_token(9);
        if provision::set_password(&db, username, &pw).is_err() {
            provision::add_staff(&db, username, name, role, gender, &pw)
                .map_err(CliError::Failed)?;
        }
        passwords.push((username, pw));
    }
    add_demo_references(&db)?;
    let kiosk_token =
        provision::add_device(&db, "demo kiosk", DeviceScope::Kiosk).map_err(CliError::Failed)?;
    let display_token = provision::add_device(&db, "demo display", DeviceScope::Display)
        .map_err(CliError::Failed)?;
    // One applicant tablet per desk (policy 6.4), opened in a browser facing the applicant.
    let mut tablets = Vec::new();
    for desk in &demo_config(listen).desks {
        let token = provision::add_applicant_tablet(
            &db,
            &format!("demo tablet, desk {}", desk.id),
            desk.id,
        )
        .map_err(CliError::Failed)?;
        tablets.push((desk.id, token));
    }
    let token_file = data.join("kiosk.token");
    write_private(&token_file, &kiosk_token)?;
    write_private(&data.join("display.token"), &display_token)?;
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let db_for_server = db.clone();
    // Said at start, so nobody trying the demo at night wonders why the kiosk gives no number.
    let hours = Config::demo().opening_hours();
    let announce = move |addr: SocketAddr| {
        let opening = hours.at(chrono::Utc::now());
        let tickets = if opening.issues_tickets() {
            "issued now (the demo opens Sunday to Thursday, 08:00-16:00 Riyadh time)".to_string()
        } else {
            let when = opening.opens_at().map(crate::http::views::local_time);
            format!(
                "{} ([hours] in counter-server/config/demo.toml; other hours: serve --config)",
                awn_core::opening::closed_message(when.as_deref()).en
            )
        };
        println!(
            "\nAwn demo branch is running (database: {}; demo mode, not encrypted)\n",
            db_display(&token_file)
        );
        println!("  staff console:  http://{addr}/console");
        println!("  display board:  http://{addr}/display#token={display_token}");
        for (desk, token) in &tablets {
            println!("  applicant tablet, desk {desk}: http://{addr}/applicant#token={token}");
        }
        println!("  administration: http://{addr}/console/admin (admin1)");
        println!("  API:            http://{addr}/api/v1/health");
        println!("  API reference:  http://{addr}/api/v1/openapi.json");
        println!("  kiosk token:    {}", token_file.display());
        println!("  tickets:        {tickets}");
        println!("  staff accounts (passwords are new at every start):");
        for (u, p) in &passwords {
            println!("    {u:<12} {p}");
        }
        let has_display =
            std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
        let kiosk = exe_dir.map(|d| d.join("kiosk")).filter(|k| k.exists());
        match (open_kiosk, has_display, kiosk) {
            (true, true, Some(k)) => {
                let spawned = std::process::Command::new(&k)
                    .arg("--server")
                    .arg(format!("http://{addr}"))
                    .arg("--token-file")
                    .arg(&token_file)
                    .spawn();
                match spawned {
                    Ok(_) => println!("  kiosk:          opened ({})", k.display()),
                    Err(e) => println!("  kiosk:          could not start {}: {e}", k.display()),
                }
            }
            (true, false, _) => {
                println!("  kiosk:          no display here; run it on a machine with one")
            }
            (true, true, None) => {
                println!("  kiosk:          not built (cargo build --release -p kiosk)")
            }
            (false, _, _) => {}
        }
        println!("\nCtrl-C stops the server.\n");
    };
    serve(
        demo_config(listen),
        &db_for_server,
        listen,
        Some(Box::new(announce)),
    )
}

fn db_display(token_file: &Path) -> String {
    token_file
        .with_file_name("counter.db")
        .display()
        .to_string()
}

fn write_private(path: &Path, contents: &str) -> Result<(), CliError> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    opts.mode(0o600);
    let mut f = opts
        .open(path)
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
    f.write_all(contents.as_bytes())
        .map_err(|e| CliError::Failed(e.to_string()))
}
