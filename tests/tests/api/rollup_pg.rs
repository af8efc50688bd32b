//! The roll-up to a real PostgreSQL (issue 17 item 2, shipping side): two branch servers ship
//! their outbox over TLS through a loopback proxy the test controls. The proxy cuts the
//! connections in the middle of a batch and later refuses them; one branch is killed with -9;
//! PostgreSQL is crashed and restarted; head office already holding a batch the branch never
//! marked shipped is replayed. Once both have caught up, head office holds each branch's facts
//! exactly once, contiguous from 1, kind by kind equal to the branch's own records. A sentinel
//! intake, note, referral reason and rating comment are found nowhere in PostgreSQL: not in a
//! table, not in a file under the data directory, not in `pg_waldump`'s reading of the WAL. A
//! branch given the wrong CA ships nothing and counts its failures on `/metrics`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use counter_server::config::{Config, RollupConfig};
use counter_server::domain::{Gender, Role};
use counter_server::head_office::{PgTarget, ingest::ingest, schema};
use e2e::postgres::TestPostgres;
use e2e::{Api, TEST_PASSWORD, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const SENTINEL: &str = "SENTINEL-7c41";
const NATIONAL_ID: &str = "1234567897";
const MOBILE: &str = "0598765432";

/// A TCP proxy in front of PostgreSQL that can refuse connections, cut every open one, or cut
/// them all once a number of bytes more has gone towards the server.
struct Proxy {
    port: u16,
    down: Arc<Mutex<bool>>,
    /// Bytes towards the server still allowed before everything is cut (`None`: no limit).
    budget: Arc<Mutex<Option<usize>>>,
    cut: watch::Sender<u64>,
}

impl Proxy {
    async fn start(upstream: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(Mutex::new(false));
        let budget = Arc::new(Mutex::new(None));
        let (cut, _) = watch::channel(0u64);
        let (d, b, c) = (down.clone(), budget.clone(), cut.clone());
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                if *d.lock().unwrap() {
                    continue;
                }
                tokio::spawn(pipe(client, upstream, b.clone(), c.clone()));
            }
        });
        Self {
            port,
            down,
            budget,
            cut,
        }
    }

    fn cut_all(&self) {
        self.cut.send_modify(|g| *g += 1);
    }

    /// Refuses new connections and cuts the open ones (or lets them in again).
    fn set_down(&self, down: bool) {
        *self.down.lock().unwrap() = down;
        if down {
            self.cut_all();
        }
    }

    /// Cuts every connection once `bytes` more have gone towards the server.
    fn cut_after(&self, bytes: usize) {
        *self.budget.lock().unwrap() = Some(bytes);
    }

    fn budget_left(&self) -> Option<usize> {
        *self.budget.lock().unwrap()
    }
}

async fn pipe(
    client: TcpStream,
    upstream: u16,
    budget: Arc<Mutex<Option<usize>>>,
    cut: watch::Sender<u64>,
) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await else {
        return;
    };
    let mut cut_rx = cut.subscribe();
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let up = async {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match cr.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let allowed = {
                let mut b = budget.lock().unwrap();
                match *b {
                    None => n,
                    Some(left) if left >= n => {
                        *b = Some(left - n);
                        n
                    }
                    Some(left) => {
                        *b = None;
                        left
                    }
                }
            };
            if sw.write_all(&buf[..allowed]).await.is_err() {
                return;
            }
            if allowed < n {
                cut.send_modify(|g| *g += 1);
                return;
            }
        }
    };
    let down = tokio::io::copy(&mut sr, &mut cw);
    tokio::select! {
        () = up => {}
        _ = down => {}
        _ = cut_rx.changed() => {}
    }
}

fn rollup(target: &PgTarget) -> RollupConfig {
    RollupConfig {
        conninfo: target.conninfo.clone(),
        password_file: target.password_file.clone(),
        ca_file: target.ca_file.clone(),
        batch: 8,
        interval_seconds: Some(1),
    }
}

/// The in-process branch: the demo with `id` and `[rollup]`.
fn branch_server(id: &str, rollup: RollupConfig) -> TestServer {
    let mut config = Config::demo();
    config.branch.id = id.into();
    config.rollup = Some(rollup);
    TestServer::start_with(TestOptions {
        config,
        ..TestOptions::default()
    })
}

/// The branch in a child process (killed with -9), configured by file.
struct ChildBranch {
    db: PathBuf,
    config: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl ChildBranch {
    fn new(dir: &Path, id: &str, rollup: &RollupConfig) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = e2e::always_open_config(dir, &format!("http://127.0.0.1:{port}"));
        let toml = std::fs::read_to_string(&config).unwrap();
        let demo_id = format!("id = {:?}", Config::demo().branch.id);
        assert!(toml.contains(&demo_id));
        let toml = format!(
            "{}\n[rollup]\nconninfo = {:?}\npassword_file = {:?}\nca_file = {:?}\nbatch = {}\ninterval_seconds = 1\n",
            toml.replacen(&demo_id, &format!("id = {id:?}"), 1),
            rollup.conninfo,
            rollup.password_file.as_ref().unwrap().display().to_string(),
            rollup.ca_file.as_ref().unwrap().display().to_string(),
            rollup.batch,
        );
        std::fs::write(&config, toml).unwrap();
        Self {
            db: dir.join("counter.db"),
            config,
            port,
            child: None,
        }
    }

    fn api(&self) -> Api {
        Api::new(&format!("http://127.0.0.1:{}", self.port))
    }

    async fn spawn(&mut self) {
        let child = Command::new(env!("CARGO_BIN_EXE_test-counter-server"))
            .args(["serve", "--config"])
            .arg(&self.config)
            .arg("--db")
            .arg(&self.db)
            .args(["--listen", &format!("127.0.0.1:{}", self.port)])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the branch server");
        self.child = Some(child);
        let api = self.api();
        for _ in 0..200 {
            if let Ok(r) = api
                .http
                .get(format!("{}/api/v1/health", api.base))
                .send()
                .await
                && r.status() == StatusCode::OK
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the branch server did not come up");
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap(); // SIGKILL
            c.wait().unwrap();
        }
    }
}

impl Drop for ChildBranch {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn ok(api: &Api, path: &str, token: &str, body: Option<Value>) -> Value {
    let r = api.post(path, token, body.as_ref()).await;
    assert!(r.status.is_success(), "{path}: {}", r.text);
    r.json
}

/// `n` visits, each issued, called, started and finished at desk 1: four facts each.
async fn serve_visits(api: &Api, kiosk: &str, staff: &str, n: usize) {
    for _ in 0..n {
        let t = api
            .issue(kiosk, &key(), &json!({ "service": "inquiry" }))
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
        let id = t.json["id"].as_i64().unwrap();
        let called = ok(api, "/api/v1/desks/1/call-next", staff, None).await;
        assert_eq!(called["id"], id);
        ok(api, &format!("/api/v1/tickets/{id}/start"), staff, None).await;
        let done = json!({ "outcome": "information_given" });
        ok(
            api,
            &format!("/api/v1/tickets/{id}/finish"),
            staff,
            Some(done),
        )
        .await;
    }
}

fn read_only(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// (the last seq the branch numbered, how far head office acknowledged).
fn outbox_position(db: &Path) -> (i64, i64) {
    let conn = read_only(db);
    let last = conn
        .query_row(
            "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let shipped = conn
        .query_row("SELECT shipped_up_to FROM outbox_state", [], |r| r.get(0))
        .unwrap();
    (last, shipped)
}

async fn wait_caught_up(db: &Path, what: &str) -> i64 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    loop {
        let (last, shipped) = outbox_position(db);
        if last > 0 && shipped == last {
            return last;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: shipped {shipped} of {last}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The branch's own record of what happened, as fact kinds: its ticket history and ratings.
fn branch_counts(db: &Path) -> BTreeMap<String, i64> {
    let conn = read_only(db);
    let kind = |action: &str| {
        Some(match action {
            "issue" => "issued",
            "call" => "called",
            "recall" => "recalled",
            "start" => "started",
            "finish" => "finished",
            "no_show" => "no_show",
            "refer" => "referred",
            "transfer" => "transferred",
            "return_to_queue" => "returned",
            "cancel" => "cancelled",
            "expire" => "expired",
            _ => return None,
        })
    };
    let mut counts = BTreeMap::new();
    let mut stmt = conn
        .prepare("SELECT action, count(*) FROM ticket_events GROUP BY action")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap();
    for row in rows {
        let (action, n) = row.unwrap();
        if let Some(k) = kind(&action) {
            counts.insert(k.to_string(), n);
        }
    }
    let rated: i64 = conn
        .query_row("SELECT count(*) FROM ratings", [], |r| r.get(0))
        .unwrap();
    if rated > 0 {
        counts.insert("rated".into(), rated);
    }
    counts
}

/// Head office's facts of `branch` by kind, and (count, min seq, max seq).
async fn head_office_counts(
    ho: &tokio_postgres::Client,
    branch: &str,
) -> (BTreeMap<String, i64>, (i64, i64, i64)) {
    let rows = ho
        .query(
            "SELECT kind, count(*) FROM facts WHERE branch = $1 GROUP BY kind",
            &[&branch],
        )
        .await
        .unwrap();
    let kinds = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let r = ho
        .query_one(
            "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM facts WHERE branch = $1",
            &[&branch],
        )
        .await
        .unwrap();
    (kinds, (r.get(0), r.get(1), r.get(2)))
}

async fn metric(api: &Api, token: &str, series: &str) -> Option<f64> {
    let r = api.get("/metrics", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.text
        .lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_branches_ship_through_cuts_kills_and_restarts_exactly_once_and_nothing_personal() {
    let pg = TestPostgres::start();
    let mut ho = pg.client().await;
    schema::migrate(&mut ho).await.unwrap();
    schema::migrate(&mut ho).await.unwrap();
    let proxy = Proxy::start(pg.port()).await;
    let via_proxy = rollup(&pg.target_on(proxy.port));
    // Branch B ships as its own role, which row-level security holds to its own facts (the
    // head-office set-up the README gives, with its scripts).
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../counter-server/deploy");
    pg.psql_file(&deploy.join("head-office-policies.sql"), &[]);
    let b_password = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(b_password.path(), "jeddah-password-1\n").unwrap();
    pg.psql_file(
        &deploy.join("head-office-branch-role.sql"),
        &[("branch", "jeddah-1"), ("password", "jeddah-password-1")],
    );
    let as_b = |t: PgTarget| PgTarget {
        conninfo: t.conninfo.replace("user=awn", "user=jeddah-1"),
        password_file: Some(b_password.path().to_path_buf()),
        ..t
    };
    let b_rollup = rollup(&as_b(pg.target_on(proxy.port)));
    let mut b_role = counter_server::head_office::connect(&as_b(pg.target()))
        .await
        .unwrap();
    let other = counter_server::store::outbox::Row {
        seq: 1,
        at: "2026-12-01T06:00:00.000000Z".into(),
        kind: "issued".into(),
        fact: "{}".into(),
    };
    let refused = ingest(&mut b_role, "riyadh-1", &[other], 0)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("row-level security"),
        "{refused}"
    );

    // Branch A in this process; branch B a child process.
    let a = branch_server("riyadh-1", via_proxy.clone());
    a.add_staff("amal", Role::Reception, Gender::Female);
    let a_api = Api::new(&a.base_url);
    let a_staff = a_api.login_at_desk("amal", 1).await;
    let a_metrics = counter_server::provision::add_metrics_token(&a.db, "prometheus").unwrap();
    let b_dir = tempfile::tempdir().unwrap();
    let mut b = ChildBranch::new(b_dir.path(), "jeddah-1", &b_rollup);
    let b_db = counter_server::store::Database::plain(&b.db);
    let b_kiosk = counter_server::provision::add_device(
        &b_db,
        "kiosk",
        counter_server::auth::DeviceScope::Kiosk,
    )
    .unwrap();
    counter_server::provision::add_staff(
        &b_db,
        "amal",
        "amal",
        Role::Reception,
        Gender::Female,
        TEST_PASSWORD,
    )
    .unwrap();
    b.spawn().await;
    let b_api = b.api();
    let b_staff = b_api.login_at_desk("amal", 1).await;

    // 1. Both ship as they go.
    serve_visits(&a_api, &a.kiosk_token, &a_staff, 3).await;
    serve_visits(&b_api, &b_kiosk, &b_staff, 3).await;
    wait_caught_up(&a.db_path, "A, first visits").await;
    wait_caught_up(&b.db, "B, first visits").await;

    // A visit with personal data in every field that has some: kept at the branch only.
    let intake = json!({ "service": "new_request", "intake": {
        "notice_version": "2026-11-v1", "name": SENTINEL, "national_id": NATIONAL_ID,
        "mobile": MOBILE, "needs": { "disability": SENTINEL } } });
    let t = a_api.issue(&a.kiosk_token, &key(), &intake).await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let v1 = t.json["id"].as_i64().unwrap();
    ok(&a_api, "/api/v1/desks/1/call-next", &a_staff, None).await;
    let reason = json!({ "reason": format!("{SENTINEL} reason") });
    ok(
        &a_api,
        &format!("/api/v1/tickets/{v1}/refer"),
        &a_staff,
        Some(reason),
    )
    .await;
    let t = a_api
        .issue(&a.kiosk_token, &key(), &json!({ "service": "inquiry" }))
        .await;
    let v2 = t.json["id"].as_i64().unwrap();
    let label2 = t.json["label"].as_str().unwrap().to_string();
    ok(&a_api, "/api/v1/desks/1/call-next", &a_staff, None).await;
    ok(
        &a_api,
        &format!("/api/v1/tickets/{v2}/start"),
        &a_staff,
        None,
    )
    .await;
    let finish = json!({ "outcome": "information_given", "note": format!("{SENTINEL} note") });
    ok(
        &a_api,
        &format!("/api/v1/tickets/{v2}/finish"),
        &a_staff,
        Some(finish),
    )
    .await;
    let rating = json!({ "label": label2, "score": 2, "reasons": ["waiting_time"],
        "comment": format!("{SENTINEL} comment") });
    let r = a_api
        .post("/api/v1/ratings", &a.rating_token, Some(&rating))
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    wait_caught_up(&a.db_path, "A, the sentinel visit").await;

    // 2. The connections are cut in the middle of the next batch: a few hundred bytes of it
    // reach PostgreSQL (its statement alone is longer), then nothing. It is not kept.
    let failures_before = metric(
        &a_api,
        &a_metrics,
        "awn_rollup_ship_failures_total{branch=\"riyadh-1\"}",
    )
    .await
    .unwrap();
    proxy.cut_after(200);
    serve_visits(&a_api, &a.kiosk_token, &a_staff, 2).await;
    serve_visits(&b_api, &b_kiosk, &b_staff, 2).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while proxy.budget_left().is_some() {
        assert!(tokio::time::Instant::now() < deadline, "no batch was cut");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_caught_up(&a.db_path, "A, after the cut").await;
    wait_caught_up(&b.db, "B, after the cut").await;
    let failures = metric(
        &a_api,
        &a_metrics,
        "awn_rollup_ship_failures_total{branch=\"riyadh-1\"}",
    )
    .await
    .unwrap();
    assert!(
        failures > failures_before,
        "the cut batch failed and was counted"
    );
    assert!(
        metric(
            &a_api,
            &a_metrics,
            "awn_rollup_last_ship_timestamp_seconds{branch=\"riyadh-1\"}"
        )
        .await
        .unwrap()
            > 0.0
    );

    // 3. Head office away: facts wait in the outboxes. B is killed with -9 meanwhile, and
    // PostgreSQL crashes and comes back.
    proxy.set_down(true);
    serve_visits(&a_api, &a.kiosk_token, &a_staff, 3).await;
    serve_visits(&b_api, &b_kiosk, &b_staff, 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    b.kill();
    drop(ho);
    pg.restart();
    let mut ho = pg.client().await;
    // Head office committed A's next batch, but A never heard (it "crashed" before marking it
    // shipped): A sends it again, and nothing is kept twice.
    let unshipped = counter_server::store::outbox::batch(&read_only(&a.db_path), 5).unwrap();
    assert!(!unshipped.is_empty());
    ingest(&mut ho, "riyadh-1", &unshipped, 0).await.unwrap();
    proxy.set_down(false);
    b.spawn().await;
    serve_visits(&a_api, &a.kiosk_token, &a_staff, 1).await;
    serve_visits(&b_api, &b_kiosk, &b_staff, 1).await;
    let a_last = wait_caught_up(&a.db_path, "A, after the restarts").await;
    let b_last = wait_caught_up(&b.db, "B, after the restarts").await;

    // Each branch's facts exactly once, contiguous from 1, kind by kind its own record.
    for (branch, db, last) in [
        ("riyadh-1", &a.db_path, a_last),
        ("jeddah-1", &b.db, b_last),
    ] {
        let (kinds, (count, min, max)) = head_office_counts(&ho, branch).await;
        assert_eq!(
            (count, min, max),
            (last, 1, last),
            "{branch}: seq 1..={last}, once each"
        );
        assert_eq!(kinds, branch_counts(db), "{branch}: per kind");
        // The fold into visits counted the re-sent batch once too (a statement trigger sees
        // only the rows that insert kept).
        let folded = ho
            .query_one(
                "SELECT count(*), count(*) FILTER (WHERE done) FROM visits WHERE branch = $1",
                &[&branch],
            )
            .await
            .unwrap();
        assert_eq!(
            (folded.get::<_, i64>(0), folded.get::<_, i64>(1)),
            (kinds["issued"], kinds.get("finished").copied().unwrap_or(0)),
            "{branch}: one visit per ticket issued, done per finished"
        );
        let row = ho
            .query_one(
                "SELECT last_seq, dropped, last_batch_at IS NOT NULL FROM branches WHERE id = $1",
                &[&branch],
            )
            .await
            .unwrap();
        assert_eq!(
            (
                row.get::<_, i64>(0),
                row.get::<_, i64>(1),
                row.get::<_, bool>(2)
            ),
            (last, 0, true)
        );
    }
    let kinds = head_office_counts(&ho, "riyadh-1").await.0;
    assert_eq!(kinds["rated"], 1);
    assert_eq!(kinds["referred"], 1);

    // Nothing personal anywhere in PostgreSQL. First, every row of every table, as text.
    let needles = [SENTINEL, NATIONAL_ID, MOBILE];
    let tables = ho
        .query(
            "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
            &[],
        )
        .await
        .unwrap();
    let mut dump = String::new();
    for t in &tables {
        let name: String = t.get(0);
        for r in ho
            .query(&format!("SELECT x::text FROM {name} x"), &[])
            .await
            .unwrap()
        {
            dump.push_str(&r.get::<_, String>(0));
            dump.push('\n');
        }
    }
    assert!(
        dump.contains("riyadh-1") && dump.contains("new_request"),
        "the dump is not empty"
    );
    for needle in needles {
        assert!(!dump.contains(needle), "{needle} in a head-office table");
    }
    // Then the bytes of every file under the data directory (heap, indexes, WAL, …).
    ho.batch_execute("CHECKPOINT").await.unwrap();
    let mut files = Vec::new();
    files_under(&pg.data_dir(), &mut files);
    let mut found_branch = false;
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        found_branch |= contains(&bytes, "jeddah-1");
        for needle in needles {
            assert!(!contains(&bytes, needle), "{needle} in {}", f.display());
        }
    }
    assert!(found_branch, "the raw search sees what head office holds");
    // And pg_waldump's reading of every WAL segment.
    let mut wal = String::new();
    for f in files.iter().filter(|f| {
        f.parent().is_some_and(|p| p.ends_with("pg_wal"))
            && f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.len() == 24 && n.bytes().all(|b| b.is_ascii_hexdigit()))
    }) {
        let out = Command::new(pg.program("pg_waldump"))
            .arg(f)
            .output()
            .unwrap();
        wal.push_str(&String::from_utf8_lossy(&out.stdout));
        wal.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        wal.contains("rmgr: Heap"),
        "pg_waldump read the WAL:\n{}",
        &wal[..wal.len().min(2000)]
    );
    for needle in needles {
        assert!(!wal.contains(needle), "{needle} in pg_waldump's output");
    }

    // A branch that does not trust head office's certificate ships nothing, and says so.
    let other_ca = tempfile::tempdir().unwrap();
    counter_server::tls::make_branch_ca(other_ca.path(), &["127.0.0.1".into()], "not head office")
        .unwrap();
    let mut wrong = rollup(&pg.target());
    wrong.ca_file = Some(other_ca.path().join("ca.crt"));
    let c = branch_server("dammam-1", wrong);
    let c_api = Api::new(&c.base_url);
    let c_metrics = counter_server::provision::add_metrics_token(&c.db, "prometheus").unwrap();
    let t = c_api
        .issue(&c.kiosk_token, &key(), &json!({ "service": "inquiry" }))
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let failures = metric(
            &c_api,
            &c_metrics,
            "awn_rollup_ship_failures_total{branch=\"dammam-1\"}",
        )
        .await
        .unwrap();
        if failures >= 2.0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the wrong CA was not refused"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(head_office_counts(&ho, "dammam-1").await.1.0, 0);
    assert_eq!(
        metric(
            &c_api,
            &c_metrics,
            "awn_outbox_backlog{branch=\"dammam-1\"}"
        )
        .await,
        Some(1.0)
    );
    assert_eq!(
        metric(
            &c_api,
            &c_metrics,
            "awn_rollup_last_ship_timestamp_seconds{branch=\"dammam-1\"}"
        )
        .await,
        Some(0.0)
    );
}
