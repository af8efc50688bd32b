//! The binary's commands. `main.rs` only calls `cli::main`.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::auth::DeviceScope;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::domain::{Gender, Role};
use crate::provision;
use crate::server::{Server, shutdown_signal};

const USAGE: &str = "\
counter-server — the queue server of an Awn branch

USAGE:
  counter-server demo  [--listen ADDR] [--data DIR] [--no-kiosk]
      Runs the demo branch (embedded configuration) with its database in DIR (default ./demo-data),
      makes demo staff accounts and device tokens, prints the URLs, and opens the kiosk when a display exists.
  counter-server serve [--config FILE] [--db FILE] [--listen ADDR]
      Runs a branch. Without --config the embedded demo configuration is used.
  counter-server add-staff --db FILE --username NAME --name DISPLAY --role reception|researcher|supervisor|admin --gender female|male
      Creates a staff account; the password is read from standard input (one line).
  counter-server add-device --db FILE --name NAME --scope kiosk|display|rating
      Creates a device and prints its token once (only its hash is stored).
";

/// Exit codes: 0 ok, 2 usage, 1 failure.
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
    }
}

enum CliError {
    Usage(String),
    Failed(String),
}

/// `--name value` pairs and bare `--flags`.
struct Args<'a> {
    rest: &'a [String],
}

impl<'a> Args<'a> {
    fn value(&self, name: &str) -> Result<Option<&'a str>, CliError> {
        match self.rest.iter().position(|a| a == name) {
            None => Ok(None),
            Some(i) => self
                .rest
                .get(i + 1)
                .map(|v| Some(v.as_str()))
                .ok_or_else(|| CliError::Usage(format!("{name} needs a value"))),
        }
    }

    fn required(&self, name: &str) -> Result<&'a str, CliError> {
        self.value(name)?
            .ok_or_else(|| CliError::Usage(format!("{name} is required")))
    }

    fn flag(&self, name: &str) -> bool {
        self.rest.iter().any(|a| a == name)
    }

    fn check_known(&self, known: &[&str]) -> Result<(), CliError> {
        let mut i = 0;
        while i < self.rest.len() {
            let a = &self.rest[i];
            if !known.contains(&a.as_str()) {
                return Err(CliError::Usage(format!("unknown argument {a:?}")));
            }
            i += if a.starts_with("--")
                && self.rest.get(i + 1).is_some_and(|n| !n.starts_with("--"))
            {
                2
            } else {
                1
            };
        }
        Ok(())
    }
}

fn run(args: &[String]) -> Result<(), CliError> {
    let (cmd, rest) = args
        .split_first()
        .map_or(("demo", &[][..]), |(c, r)| (c.as_str(), r));
    let a = Args { rest };
    match cmd {
        "demo" => {
            a.check_known(&["--listen", "--data", "--no-kiosk"])?;
            let listen = parse_addr(a.value("--listen")?.unwrap_or("127.0.0.1:8080"))?;
            demo(
                listen,
                Path::new(a.value("--data")?.unwrap_or("demo-data")),
                !a.flag("--no-kiosk"),
            )
        }
        "serve" => {
            a.check_known(&["--config", "--db", "--listen"])?;
            let config = match a.value("--config")? {
                Some(p) => Config::load(Path::new(p)).map_err(CliError::Failed)?,
                None => Config::demo(),
            };
            let db = PathBuf::from(a.value("--db")?.unwrap_or("counter.db"));
            let listen = parse_addr(a.value("--listen")?.unwrap_or("127.0.0.1:8080"))?;
            serve(config, &db, listen, None)
        }
        "add-staff" => {
            a.check_known(&["--db", "--username", "--name", "--role", "--gender"])?;
            let role = match a.required("--role")? {
                "reception" => Role::Reception,
                "researcher" => Role::Researcher,
                "supervisor" => Role::Supervisor,
                "admin" => Role::Admin,
                other => return Err(CliError::Usage(format!("unknown role {other:?}"))),
            };
            let gender = parse_gender(a.required("--gender")?)?;
            let mut pw = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut pw)
                .map_err(|e| CliError::Failed(e.to_string()))?;
            let pw = pw.trim_end_matches(['\r', '\n']);
            let id = provision::add_staff(
                Path::new(a.required("--db")?),
                a.required("--username")?,
                a.required("--name")?,
                role,
                gender,
                pw,
            )
            .map_err(CliError::Failed)?;
            println!("staff account {id} created");
            Ok(())
        }
        "add-device" => {
            a.check_known(&["--db", "--name", "--scope"])?;
            let scope = DeviceScope::parse(a.required("--scope")?)
                .ok_or_else(|| CliError::Usage("--scope is kiosk, display or rating".into()))?;
            let token =
                provision::add_device(Path::new(a.required("--db")?), a.required("--name")?, scope)
                    .map_err(CliError::Failed)?;
            println!("{token}");
            Ok(())
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(CliError::Usage(format!("unknown command {other:?}"))),
    }
}

fn parse_addr(s: &str) -> Result<SocketAddr, CliError> {
    s.parse()
        .map_err(|_| CliError::Usage(format!("{s:?} is not an address like 127.0.0.1:8080")))
}

fn parse_gender(s: &str) -> Result<Gender, CliError> {
    match s {
        "female" => Ok(Gender::Female),
        "male" => Ok(Gender::Male),
        other => Err(CliError::Usage(format!("unknown gender {other:?}"))),
    }
}

fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// Serves until Ctrl-C/SIGTERM. `announce` runs once the port is bound (the demo prints its URLs).
fn serve(
    config: Config,
    db: &Path,
    listen: SocketAddr,
    announce: Option<Box<dyn FnOnce(SocketAddr) + Send>>,
) -> Result<(), CliError> {
    init_logging();
    let server = Server::open(config, db, Arc::new(SystemClock))
        .map_err(|e| CliError::Failed(format!("cannot open {}: {e}", db.display())))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Failed(e.to_string()))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| CliError::Failed(format!("cannot listen on {listen}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| CliError::Failed(e.to_string()))?;
        tracing::info!(%addr, "counter-server listening");
        if let Some(f) = announce {
            f(addr);
        }
        server
            .run(listener, shutdown_signal())
            .await
            .map_err(|e| CliError::Failed(e.to_string()))
    })?;
    tracing::info!("stopped");
    Ok(())
}

/// The demo staff: (username, display name, role, gender).
const DEMO_STAFF: [(&str, &str, Role, Gender); 4] = [
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
];

fn demo(listen: SocketAddr, data: &Path, open_kiosk: bool) -> Result<(), CliError> {
    std::fs::create_dir_all(data)
        .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", data.display())))?;
    let db = data.join("counter.db");
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
    let kiosk_token =
        provision::add_device(&db, "demo kiosk", DeviceScope::Kiosk).map_err(CliError::Failed)?;
    let display_token = provision::add_device(&db, "demo display", DeviceScope::Display)
        .map_err(CliError::Failed)?;
    let token_file = data.join("kiosk.token");
    write_private(&token_file, &kiosk_token)?;
    write_private(&data.join("display.token"), &display_token)?;
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let announce = move |addr: SocketAddr| {
        println!(
            "\nAwn demo branch is running (database: {}; demo mode, not encrypted)\n",
            db_display(&token_file)
        );
        println!("  API:            http://{addr}/api/v1/health");
        println!("  API reference:  http://{addr}/api/v1/openapi.json");
        println!("  kiosk token:    {}", token_file.display());
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
        Config::demo(),
        &data.join("counter.db"),
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
