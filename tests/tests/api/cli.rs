//! The real binary's command line (clap): help and version exit 0 with useful text, `--flag=value`
//! works, usage errors exit 2 and name the argument, secrets only come on standard input, and
//! under systemd `serve` sends READY=1 once it listens, then watchdog beats.

use std::io::Write;
use std::os::unix::net::UnixDatagram;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use counter_server::store::{Database, latest_version, migrate, open};

const BIN: &str = env!("CARGO_BIN_EXE_test-counter-server");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("CREDENTIALS_DIRECTORY")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_and_version_exit_0_with_useful_text() {
    let top = run(&["--help"]);
    assert_eq!(top.status.code(), Some(0), "{}", text(&top.stderr));
    let out = text(&top.stdout);
    for word in [
        "serve",
        "add-staff",
        "rotate-key",
        "verify-audit",
        "Exit codes",
    ] {
        assert!(out.contains(word), "--help names {word}: {out}");
    }
    for args in [&["serve", "--help"][..], &["help", "serve"]] {
        let serve = run(args);
        assert_eq!(serve.status.code(), Some(0), "{args:?}");
        let out = text(&serve.stdout);
        for flag in ["--config", "--db", "--key-file", "--listen", "--log-format"] {
            assert!(out.contains(flag), "{args:?} names {flag}: {out}");
        }
    }
    let version = run(&["--version"]);
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        text(&version.stdout).trim(),
        format!(
            "counter-server {} (database schema {})",
            env!("CARGO_PKG_VERSION"),
            latest_version()
        )
    );
}

#[test]
fn usage_errors_exit_2_and_name_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("counter.db");
    let db = db.to_str().unwrap();
    let staff = [
        "add-staff",
        "--db",
        db,
        "--username",
        "amal",
        "--name",
        "Amal",
    ];
    for (args, named) in [
        (vec!["serve", "--bogus"], "--bogus"),
        (vec!["frobnicate"], "frobnicate"),
        (vec!["serve", "--listen", "nowhere"], "nowhere"),
        (vec!["serve", "--log-format", "xml"], "xml"),
        (
            [&staff[..], &["--role", "chef", "--gender", "female"]].concat(),
            "chef",
        ),
        // A password is never an argument: it comes on standard input.
        (
            [
                &staff[..],
                &[
                    "--role",
                    "reception",
                    "--gender",
                    "female",
                    "--password=hunter2-hunter2",
                ],
            ]
            .concat(),
            "--password",
        ),
        (
            vec!["hold", "--db", db, "--ticket", "0", "--reason", "x"],
            "0",
        ),
        (vec!["make-ca", "--dir", db], "--host"),
    ] {
        let out = run(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(named), "{args:?} names {named}: {stderr}");
    }
    assert!(!std::path::Path::new(db).exists(), "nothing was created");
}

#[test]
fn flag_equals_value_works_and_the_password_comes_on_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::plain(dir.path().join("counter.db"));
    migrate(&mut open(&db, false).unwrap()).unwrap();
    let db_arg = format!("--db={}", db.path.display());
    let add_staff = |username: &str, password: &str| {
        let mut child = Command::new(BIN)
            .args([
                "add-staff",
                &db_arg,
                &format!("--username={username}"),
                "--name=Amal",
                "--role=reception",
                "--gender=female",
            ])
            .env_remove("CREDENTIALS_DIRECTORY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = add_staff("amal", "a-long-enough-password");
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("staff account"));
    // The secret is never echoed.
    assert!(!text(&ok.stdout).contains("a-long-enough-password"));
    assert!(!text(&ok.stderr).contains("a-long-enough-password"));
    let short = add_staff("huda", "short");
    assert_eq!(
        short.status.code(),
        Some(1),
        "a refused password is a failure, not usage"
    );
    let names: Vec<String> = {
        let conn = open(&db, true).unwrap();
        let mut stmt = conn
            .prepare("SELECT username FROM staff ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(names, ["amal"]);
    let audit = run(&["verify-audit", &db_arg]);
    assert!(audit.status.success(), "{}", text(&audit.stderr));
    assert!(text(&audit.stdout).contains("audit chain intact"));
}

/// Receives one datagram, or `None` once `deadline` has passed.
fn receive(sock: &UnixDatagram, deadline: Instant) -> Option<String> {
    let left = deadline.checked_duration_since(Instant::now())?;
    sock.set_read_timeout(Some(left.max(Duration::from_millis(1))))
        .unwrap();
    let mut buf = [0u8; 512];
    let n = sock.recv(&mut buf).ok()?;
    Some(text(&buf[..n]))
}

#[test]
fn serve_tells_systemd_it_is_ready_once_listening_then_feeds_the_watchdog() {
    let dir = tempfile::tempdir().unwrap();
    let socket_path = dir.path().join("notify.sock");
    let sock = UnixDatagram::bind(&socket_path).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let db = dir.path().join("counter.db");
    // `exec` keeps the shell's pid, so WATCHDOG_PID names the server as systemd would.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(r#"WATCHDOG_PID=$$ exec "$0" serve --db "$1" --listen "$2""#)
        .arg(BIN)
        .arg(&db)
        .arg(format!("127.0.0.1:{port}"))
        .env("NOTIFY_SOCKET", &socket_path)
        // A one-second watchdog: a beat every half second.
        .env("WATCHDOG_USEC", "1000000")
        .env_remove("CREDENTIALS_DIRECTORY")
        .env_remove("JOURNAL_STREAM")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let first = receive(&sock, deadline);
    let connected = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
    let mut beats = 0;
    // Generous: on a loaded machine a commit (and so the writer's answer) can take seconds.
    let beats_deadline = Instant::now() + Duration::from_secs(60);
    while beats < 3 {
        match receive(&sock, beats_deadline) {
            Some(m) if m.trim() == "WATCHDOG=1" => beats += 1,
            Some(other) => panic!("unexpected notification {other:?}"),
            None => break,
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(first.as_deref().map(str::trim), Some("READY=1"));
    assert!(connected, "READY=1 comes after the listener is bound");
    assert_eq!(beats, 3, "the watchdog is fed while the writer answers");
}

#[test]
fn the_server_unit_waits_for_readiness_and_watches_the_writer() {
    let unit = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../counter-server/deploy/awn-counter-server.service"),
    )
    .unwrap();
    let lines: Vec<&str> = unit.lines().map(str::trim).collect();
    assert!(lines.contains(&"Type=notify"), "{unit}");
    assert!(
        lines.iter().any(|l| l.starts_with("WatchdogSec=")),
        "{unit}"
    );
    assert!(lines.contains(&"RestartPreventExitStatus=3"), "{unit}");
}
