//! A real counter-server for tests of other parts (kiosk, end-to-end): a temporary SQLite file, a
//! real HTTP listener on 127.0.0.1 with a random port, its own runtime thread, and device tokens
//! and staff accounts made for it. Not used by the server itself.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::auth::DeviceScope;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::domain::{Gender, Role};
use crate::provision;
use crate::server::{Bind, Server};
use crate::store::Database;
use crate::store::key::DbKey;

/// The password of every account `TestServer::add_staff` makes.
pub const TEST_PASSWORD: &str = "test-password-123";

pub struct TestOptions {
    /// The branch; the demo's opening hours are replaced by `Hours::always_open`.
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    /// Reuse this database file (restart tests); a fresh temporary one when `None`.
    pub db_path: Option<PathBuf>,
    /// Encrypt the database with this key (SQLCipher); plain when `None`.
    pub key: Option<DbKey>,
    /// Bind this address (restart on the same port); 127.0.0.1:0 when `None`.
    pub addr: Option<SocketAddr>,
}

impl Default for TestOptions {
    fn default() -> Self {
        Self {
            config: Config::demo(),
            clock: Arc::new(SystemClock),
            db_path: None,
            key: None,
            addr: None,
        }
    }
}

pub struct TestServer {
    pub base_url: String,
    pub addr: SocketAddr,
    pub db_path: PathBuf,
    /// The database with its key, for tests that open it themselves.
    pub db: Database,
    pub kiosk_token: String,
    pub display_token: String,
    pub rating_token: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

impl TestServer {
    /// The demo branch on a fresh database.
    pub fn start() -> Self {
        Self::start_with(TestOptions::default())
    }

    pub fn start_with(opts: TestOptions) -> Self {
        let (dir, db_path) = match opts.db_path {
            Some(p) => (None, p),
            None => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let p = dir.path().join("counter.db");
                (Some(dir), p)
            }
        };
        let db = Database {
            path: db_path.clone(),
            key: opts.key,
        };
        let kiosk_token =
            provision::add_device(&db, "test kiosk", DeviceScope::Kiosk).expect("kiosk device");
        let display_token = provision::add_device(&db, "test display", DeviceScope::Display)
            .expect("display device");
        let rating_token =
            provision::add_device(&db, "test rating", DeviceScope::Rating).expect("rating device");
        let bind = opts
            .addr
            .unwrap_or_else(|| "127.0.0.1:0".parse().expect("loopback address"));
        let listener = std::net::TcpListener::bind(bind).expect("bind the test server");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let mut config = opts.config;
        let scheme = if config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let base_url = format!("{scheme}://{addr}");
        // The Origin check compares with the public address: make it this server's, unless the
        // test chose one.
        if config.branch.public_base_url == Config::demo().branch.public_base_url {
            config.branch.public_base_url = base_url.clone();
        }
        // Tests run at any hour (CI at 03:00 Riyadh time): the demo's opening hours become
        // around the clock, unless the test chose its own.
        if config.hours == Config::demo().hours {
            config.hours = crate::config::Hours::always_open();
        }
        let tls = config
            .tls
            .as_ref()
            .map(|t| crate::tls::server_config(&t.cert, &t.key).expect("the test TLS certificate"));
        let server = Server::open(config, &db, opts.clock).expect("open the test server");
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(listener).expect("the test listener");
                let bind = match tls {
                    Some(config) => Bind::Tls(listener, config),
                    None => Bind::Plain(listener),
                };
                server
                    .run_on(bind, async {
                        stop_rx.await.ok();
                    })
                    .await
                    .expect("serve");
            });
        });
        Self {
            base_url,
            addr,
            db_path,
            db,
            kiosk_token,
            display_token,
            rating_token,
            stop: Some(stop_tx),
            thread: Some(thread),
            _dir: dir,
        }
    }

    /// Makes a staff account with `TEST_PASSWORD`.
    pub fn add_staff(&self, username: &str, role: Role, gender: Gender) {
        provision::add_staff(&self.db, username, username, role, gender, TEST_PASSWORD)
            .expect("add staff");
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Stops gracefully and waits; the database file stays (for restart tests) while `self` lives.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops and hands over the temporary directory, so the database outlives this server.
    pub fn stop_keep_files(mut self) -> (PathBuf, Option<tempfile::TempDir>) {
        self.stop();
        (self.db_path.clone(), self._dir.take())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A small real file system (tmpfs) mounted on a temporary directory, to put a database on a disk
/// that fills up. Needs the right to mount (root, as on CI); unmounted when dropped.
pub struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// Mounts `size_kib` KiB; `Err` says why mounting is not possible here (the caller skips).
    pub fn mount(size_kib: u64) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kib}k"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs refused: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Self { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn filler(&self) -> PathBuf {
        self.dir.path().join("filler")
    }

    /// Takes every free block (a file written until the disk answers ENOSPC).
    pub fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.filler())
            .expect("open the filler file");
        let block = [0u8; 4096];
        while f.write_all(&block).is_ok() {}
        while f.write_all(&block[..1]).is_ok() {}
    }

    /// Gives the space back.
    pub fn free(&self) {
        let _ = std::fs::remove_file(self.filler());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazy: a server thread may still hold a file open for a moment.
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}
