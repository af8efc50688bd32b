//! A real PostgreSQL server for tests and benchmarks (head office's side of the roll-up): Debian's
//! `postgresql` binaries, a cluster made with `initdb` in a temporary directory and run with
//! `pg_ctl` on a free loopback port, as an unprivileged user (CI runs as root, which PostgreSQL
//! refuses: then the directory is handed to `postgres`, or `nobody`, and every server command
//! runs through `runuser`). TLS only (`hostssl` in `pg_hba.conf`), with a server certificate for
//! 127.0.0.1 from a test CA; password (SCRAM) for TCP, trust on the Unix socket in the directory.
//! Dropping it stops the server (`-m immediate`) and removes the directory.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use counter_server::head_office::PgTarget;

/// The cluster's superuser (and the user `target` connects as).
pub const SUPERUSER: &str = "awn";
/// The database `start` creates.
pub const DATABASE: &str = "rollup";

pub struct TestPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// Who runs the server when the tests run as root.
    run_as: Option<String>,
}

impl TestPostgres {
    /// initdb, start, and create `DATABASE`. Panics with the reason when PostgreSQL is missing
    /// (`.ci/run` installs Debian's `postgresql`).
    pub fn start() -> Self {
        let bin = bindir();
        let dir = tempfile::tempdir().expect("temporary directory");
        let port = free_port();
        let run_as = if is_root() {
            Some(unprivileged_user())
        } else {
            None
        };
        let pg = Self {
            dir,
            bin,
            port,
            run_as,
        };
        let tls = pg.dir.path().join("tls");
        counter_server::tls::make_branch_ca(&tls, &["127.0.0.1".into()], "head office")
            .expect("the test CA");
        std::fs::create_dir(pg.socket_dir()).expect("socket directory");
        std::fs::write(pg.password_file(), random_password()).expect("password file");
        if let Some(user) = &pg.run_as {
            run(Command::new("chown")
                .args(["-R", &format!("{user}:")])
                .arg(pg.dir.path()));
        }
        pg.as_server("initdb")
            .args([
                "--username",
                SUPERUSER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ])
            .args(["--encoding=UTF8", "--no-locale", "--pwfile"])
            .arg(pg.password_file())
            .arg("-D")
            .arg(pg.data_dir())
            .output()
            .map(check("initdb"))
            .expect("run initdb");
        let conf = format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\n\
             ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\nfsync = on\n",
            pg.port,
            pg.socket_dir().display(),
            tls.join("server.crt").display(),
            tls.join("server.key").display(),
        );
        append(&pg.data_dir().join("postgresql.conf"), &conf);
        std::fs::write(
            pg.data_dir().join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n",
        )
        .expect("pg_hba.conf");
        pg.start_again();
        pg.psql("postgres", &format!("CREATE DATABASE {DATABASE}"));
        pg
    }

    /// The loopback port PostgreSQL listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster's files (`pg_wal/` inside), for looking at what reached the disk.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The test CA the server's certificate is signed by (PEM).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("tls/ca.crt")
    }

    /// The superuser's password, in a file.
    pub fn password_file(&self) -> PathBuf {
        self.dir.path().join("password")
    }

    /// A PostgreSQL program (`pg_waldump`, `psql`, …) of the same version.
    pub fn program(&self, name: &str) -> PathBuf {
        self.bin.join(name)
    }

    /// Head office as a branch's `[rollup]` names it, through TLS on `port` (PostgreSQL's own,
    /// or a proxy's in front of it).
    pub fn target_on(&self, port: u16) -> PgTarget {
        PgTarget {
            conninfo: format!(
                "host=127.0.0.1 port={port} user={SUPERUSER} dbname={DATABASE} sslmode=require"
            ),
            password_file: Some(self.password_file()),
            ca_file: Some(self.ca_file()),
        }
    }

    /// Head office, directly.
    pub fn target(&self) -> PgTarget {
        self.target_on(self.port)
    }

    /// A client of `DATABASE` over TLS (inside a tokio runtime).
    pub async fn client(&self) -> tokio_postgres::Client {
        counter_server::head_office::connect(&self.target())
            .await
            .expect("connect to the test PostgreSQL")
    }

    /// Runs `sql` with psql on the Unix socket as the superuser; returns its unaligned output.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.program("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .arg("-h")
            .arg(self.socket_dir())
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                SUPERUSER,
                "-d",
                db,
                "-c",
                sql,
            ])
            .output()
            .expect("run psql");
        String::from_utf8_lossy(&check("psql")(out).stdout).into_owned()
    }

    /// Runs the psql script `file` on `DATABASE` as the superuser, with `-v name=value` for each
    /// of `vars`; returns its output.
    pub fn psql_file(&self, file: &Path, vars: &[(&str, &str)]) -> String {
        let mut cmd = Command::new(self.program("psql"));
        cmd.args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .arg("-h")
            .arg(self.socket_dir())
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                SUPERUSER,
                "-d",
                DATABASE,
            ]);
        for (name, value) in vars {
            cmd.arg("-v").arg(format!("{name}={value}"));
        }
        let out = cmd.arg("-f").arg(file).output().expect("run psql");
        String::from_utf8_lossy(&check("psql")(out).stdout).into_owned()
    }

    /// Stops the server at once, as a crash would (`pg_ctl stop -m immediate`).
    pub fn stop_immediately(&self) {
        self.as_server("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "-w", "stop"])
            .output()
            .map(check("pg_ctl stop"))
            .expect("run pg_ctl");
    }

    /// Starts the (stopped) server again and waits until it accepts connections.
    pub fn start_again(&self) {
        self.as_server("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-w", "-t", "60", "start"])
            .output()
            .map(check("pg_ctl start"))
            .expect("run pg_ctl");
    }

    /// A crash and a start: what was committed is there, what was in flight is not.
    pub fn restart(&self) {
        self.stop_immediately();
        self.start_again();
    }

    fn socket_dir(&self) -> PathBuf {
        self.dir.path().join("socket")
    }

    /// A server program, run as the unprivileged user when we are root.
    fn as_server(&self, program: &str) -> Command {
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(self.program(program));
                c
            }
            None => Command::new(self.program(program)),
        }
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let _ = self
            .as_server("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// `pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin` with `initdb`.
fn bindir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() {
            return dir;
        }
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b).expect(
        "PostgreSQL's server programs (initdb, pg_ctl): install Debian's postgresql (.ci/run does)",
    )
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Debian's `postgres` account when the package made it, else `nobody`.
fn unprivileged_user() -> String {
    let has_postgres = Command::new("id")
        .arg("postgres")
        .output()
        .is_ok_and(|o| o.status.success());
    if has_postgres { "postgres" } else { "nobody" }.into()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

fn random_password() -> String {
    counter_server::auth::tokens::random_token(18)
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("append to postgresql.conf");
}

fn run(cmd: &mut Command) {
    cmd.output().map(check("command")).expect("run a command");
}

fn check(what: &'static str) -> impl Fn(Output) -> Output {
    move |out| {
        assert!(
            out.status.success(),
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}
