//! Data protection: encryption at rest, the retention purge, the audit chain, a visitor's export,
//! backups and restore, and the systemd units.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use counter_server::clock::{Clock, ManualClock};
use counter_server::domain::{Gender, Role};
use counter_server::store::key::DbKey;
use counter_server::store::{Database, audit, backup, open, retention, rights};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_test-counter-server");

fn intake_body(service: &str, name: &str) -> serde_json::Value {
    json!({ "service": service, "intake": { "notice_version": "2026-11-v1", "name": name,
            "national_id": "1234567897", "mobile": "0551234567", "needs": { "wheelchair": true } } })
}

/// The database file and its WAL and shared-memory files, as raw bytes.
fn raw_files(db: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|ext| PathBuf::from(format!("{}{ext}", db.display())))
        .filter(|p| p.exists())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn key_file(dir: &Path, name: &str) -> (PathBuf, DbKey) {
    let k = DbKey::generate();
    let p = dir.join(name);
    k.write_new(&p).unwrap();
    (p, k)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_encrypted_database_and_its_backups_show_no_personal_data_in_their_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (_, k) = key_file(dir.path(), "db.key");
    for encrypted in [false, true] {
        let sentinel = format!("SENTINEL-{}-9137", if encrypted { "ENC" } else { "PLAIN" });
        let db_path = dir.path().join(format!("{sentinel}.db"));
        let server = TestServer::start_with(TestOptions {
            db_path: Some(db_path.clone()),
            key: encrypted.then(|| k.clone()),
            ..TestOptions::default()
        });
        let api = Api::new(&server.base_url);
        let r = api
            .issue(
                &server.kiosk_token,
                &key(),
                &intake_body("new_request", &sentinel),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let backup_file = backup::backup(
            &server.db,
            &dir.path().join(format!("backups-{encrypted}")),
            3,
            Utc::now(),
        )
        .unwrap();
        // While the server runs: the file, the WAL (which holds the last commits) and the shm.
        let mut files = raw_files(&db_path);
        files.push((backup_file.clone(), std::fs::read(&backup_file).unwrap()));
        let found = files.iter().any(|(_, bytes)| contains(bytes, &sentinel));
        let header = &files[0].1[..16];
        if encrypted {
            assert_ne!(header, b"SQLite format 3\0", "the file is not plain SQLite");
            assert!(
                !found,
                "no sentinel in {:?}",
                files.iter().map(|f| &f.0).collect::<Vec<_>>()
            );
        } else {
            // The control: the same search finds it in a plain database, so the search works.
            assert_eq!(header, b"SQLite format 3\0");
            assert!(found, "the plain control should contain the sentinel");
        }
    }
}

#[test]
fn a_wrong_or_missing_key_stops_the_server_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_, k) = key_file(dir.path(), "right.key");
    let (wrong, _) = key_file(dir.path(), "wrong.key");
    let db = dir.path().join("counter.db");
    drop(open(&Database::encrypted(&db, k), false).unwrap());
    for args in [vec!["--key-file", wrong.to_str().unwrap()], vec![]] {
        let out = Command::new(BIN)
            .args([
                "serve",
                "--db",
                db.to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
            ])
            .args(&args)
            .env_remove("CREDENTIALS_DIRECTORY")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(3),
            "exit code 3: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("database_key_invalid"), "{stderr}");
        assert!(
            !stderr.contains(&DbKey::load(&wrong).unwrap().to_hex()),
            "the key is never printed"
        );
    }
    // A key file others can read is refused before anything is opened.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrong, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = Command::new(BIN)
            .args([
                "serve",
                "--db",
                db.to_str().unwrap(),
                "--key-file",
                wrong.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert!(String::from_utf8_lossy(&out.stderr).contains("chmod 600"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_purge_destroys_old_personal_data_keeps_held_records_and_statistics() {
    let start = Utc.with_ymd_and_hms(2026, 1, 10, 7, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let server = TestServer::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let mut staff = api.login("amal").await;
    api.post("/api/v1/desks/1/sign-in", &staff, None).await;
    let names = [
        "SENTINEL-OLD-1111",
        "SENTINEL-HELD-2222",
        "SENTINEL-NEW-3333",
    ];
    let mut ids = vec![];
    let mut tokens = vec![];
    for (i, name) in names.iter().enumerate() {
        if i == 2 {
            clock.advance(Duration::days(100));
            staff = api.login("amal").await; // sessions do not last 100 days
        }
        let t = api
            .issue(&server.kiosk_token, &key(), &intake_body("inquiry", name))
            .await;
        let id = t.json["id"].as_i64().unwrap();
        tokens.push(t.json["status_token"].as_str().unwrap().to_string());
        assert_eq!(
            api.post("/api/v1/desks/1/call-next", &staff, None)
                .await
                .json["id"],
            id
        );
        api.post(&format!("/api/v1/tickets/{id}/start"), &staff, None)
            .await;
        let done = api
            .post(
                &format!("/api/v1/tickets/{id}/finish"),
                &staff,
                Some(&json!({ "outcome": "information_given" })),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        ids.push(id);
        if i == 0 {
            let label = t.json["label"].as_str().unwrap();
            let body = json!({ "label": label, "score": 4, "reasons": ["courtesy"], "comment": "SENTINEL-COMMENT-8080", "contact_requested": false });
            let rated = api
                .post("/api/v1/ratings", &server.rating_token, Some(&body))
                .await;
            assert_eq!(rated.status, StatusCode::CREATED, "{}", rated.text);
        }
    }
    let mut conn = open(&server.db, false).unwrap();
    retention::place_hold(&conn, ids[1], "court order", None, clock.now()).unwrap();
    // 100 days after the first two visits, inquiry's window (180 days by default) has not passed.
    let policy = retention::RetentionPolicy::default();
    assert_eq!(
        retention::purge(&mut conn, &policy, clock.now()).unwrap(),
        retention::PurgeReport::default()
    );
    clock.advance(Duration::days(90));
    let report = retention::purge(&mut conn, &policy, clock.now()).unwrap();
    assert_eq!(
        report,
        retention::PurgeReport {
            visits: 1,
            intakes: 1,
            held: 1
        }
    );
    assert_eq!(
        retention::purge(&mut conn, &policy, clock.now())
            .unwrap()
            .visits,
        0,
        "idempotent"
    );

    let intakes: Vec<i64> = conn
        .prepare("SELECT ticket_id FROM intakes ORDER BY ticket_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        intakes,
        [ids[1], ids[2]],
        "the held and the recent intakes stay"
    );
    let (state, outcome, finished): (String, String, Option<String>) = conn
        .query_row(
            "SELECT state, outcome, finished_at FROM tickets WHERE id = ?1",
            [ids[0]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (state.as_str(), outcome.as_str()),
        ("done", "information_given"),
        "statistics stay"
    );
    assert!(finished.is_some());
    let (score, comment): (i64, Option<String>) = conn
        .query_row(
            "SELECT score, comment FROM ratings WHERE ticket_id = ?1",
            [ids[0]],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (score, comment),
        (4, None),
        "the rating stays for the statistics, its free text does not"
    );
    assert!(
        conn.execute("UPDATE ratings SET score = 1", []).is_err(),
        "ratings stay immutable otherwise"
    );
    let gone = api
        .get(&format!("/api/v1/status/{}", tokens[0]), None)
        .await;
    assert_eq!(
        gone.status,
        StatusCode::NOT_FOUND,
        "the QR link no longer leads anywhere"
    );
    drop(conn);
    let files = raw_files(&server.db_path);
    assert!(
        files.iter().all(|(_, b)| !contains(b, names[0])),
        "the purged name is gone from the file and WAL"
    );
    assert!(
        files
            .iter()
            .all(|(_, b)| !contains(b, "SENTINEL-COMMENT-8080")),
        "the erased comment is gone too"
    );
    assert!(
        files.iter().any(|(_, b)| contains(b, names[1])),
        "the held name is still there (the search works)"
    );
}

#[test]
fn a_byte_patch_of_an_audit_row_is_named_by_verify_audit() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::plain(dir.path().join("counter.db"));
    {
        let mut conn = open(&db, false).unwrap();
        counter_server::store::migrate(&mut conn).unwrap();
        for i in 1..=5 {
            let entry = audit::AuditEntry {
                action: "view_visit".into(),
                reason: Some(format!("reason-{i:04}")),
                ..Default::default()
            };
            audit::append(&conn, &entry, Utc::now()).unwrap();
        }
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        assert!(
            conn.execute("DELETE FROM audit_log WHERE id = 1", [])
                .is_err(),
            "no delete"
        );
        assert!(
            conn.execute("UPDATE audit_log SET reason = 'x'", [])
                .is_err(),
            "no update"
        );
    }
    let verify = || {
        Command::new(BIN)
            .args(["verify-audit", "--db", db.path.to_str().unwrap()])
            .env_remove("CREDENTIALS_DIRECTORY")
            .output()
            .unwrap()
    };
    let ok = verify();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact: 5 rows"));
    let mut bytes = std::fs::read(&db.path).unwrap();
    let at = bytes
        .windows(11)
        .position(|w| w == b"reason-0003")
        .expect("row 3 in the file");
    bytes[at + 10] = b'9';
    std::fs::write(&db.path, bytes).unwrap();
    let bad = verify();
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("audit row 3 was altered"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_holds_every_field_of_one_visitor_and_nothing_of_another() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let a = api
        .issue(
            &server.kiosk_token,
            &key(),
            &intake_body("new_request", "SENTINEL-A-4242"),
        )
        .await;
    let other = json!({ "service": "new_request", "intake": { "notice_version": "2026-11-v1", "name": "SENTINEL-B-5353",
        "national_id": "2000000006", "mobile": "0561111111", "needs": { "interpreter_language": "Tagalog" } } });
    api.issue(&server.kiosk_token, &key(), &other).await;
    let id = a.json["id"].as_i64().unwrap();
    let conn = open(&server.db, true).unwrap();
    let export = rights::export(&conn, id).unwrap().unwrap();
    let text = export.to_string();
    for expected in [
        "SENTINEL-A-4242",
        "1234567897",
        "+966551234567",
        "2026-11-v1",
        "new_request",
    ] {
        assert!(text.contains(expected), "export has {expected}");
    }
    for foreign in ["SENTINEL-B-5353", "2000000006", "+966561111111", "Tagalog"] {
        assert!(!text.contains(foreign), "export must not hold {foreign}");
    }
    let intake = &export["data"]["intakes"][0];
    for field in [
        "name",
        "national_id",
        "mobile",
        "wheelchair",
        "hearing",
        "interpreter_language",
        "companion",
        "feels_unsafe",
    ] {
        assert!(intake.get(field).is_some(), "intake field {field} exported");
    }
    let page = counter_server::web::rights_page::page(&export).into_string();
    assert!(
        page.contains("dir=\"rtl\"")
            && page.contains("SENTINEL-A-4242")
            && !page.contains("SENTINEL-B-5353")
    );
    assert!(rights::export(&conn, 999_999).unwrap().is_none());
}

/// `export-visitor --html` writes a page that opens from disk, where the server's `/assets` are
/// not: its stylesheet inside, nothing linked, the visitor's text escaped.
#[tokio::test(flavor = "multi_thread")]
async fn the_cli_writes_a_printable_file_with_its_stylesheet_inside() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let a = api
        .issue(
            &server.kiosk_token,
            &key(),
            &intake_body("inquiry", "SENTINEL-F <b>"),
        )
        .await;
    let id = a.json["id"].as_i64().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.html");
    let out = Command::new(BIN)
        .args(["export-visitor", "--db", server.db_path.to_str().unwrap()])
        .args(["--ticket", &id, "--html", file.to_str().unwrap()])
        .env_remove("CREDENTIALS_DIRECTORY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(
        html.contains("<style>") && html.contains("border-collapse"),
        "{html}"
    );
    assert!(!html.contains("<link") && !html.contains("url("), "{html}");
    assert!(html.contains("SENTINEL-F &lt;b&gt;"), "{html}");
}

/// Everything the queue holds, for comparing two databases.
fn dump(db: &Database) -> Vec<String> {
    let conn = open(db, true).unwrap();
    let mut out = vec![];
    for table in [
        "tickets",
        "ticket_events",
        "intakes",
        "consents",
        "devices",
        "audit_log",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Text(t) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                        other => format!("{other:?}"),
                    })
                    .collect();
                Ok(cells.join("|"))
            })
            .unwrap();
        out.extend(rows.map(|r| format!("{table}:{}", r.unwrap())));
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn backup_then_restore_is_identical_and_a_corrupted_backup_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, k) = key_file(dir.path(), "db.key");
    let db_path = dir.path().join("counter.db");
    let mut server = TestServer::start_with(TestOptions {
        db_path: Some(db_path.clone()),
        key: Some(k.clone()),
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    for i in 0..5 {
        api.issue(
            &server.kiosk_token,
            &key(),
            &intake_body("inquiry", &format!("name {i}")),
        )
        .await;
    }
    let db = server.db.clone();
    let backups = dir.path().join("backups");
    let file = backup::backup(&db, &backups, 2, Utc::now()).unwrap();
    let at_backup = dump(&db);
    api.issue(
        &server.kiosk_token,
        &key(),
        &intake_body("inquiry", "after the backup"),
    )
    .await;
    let key_path = dir.path().join("db.key");
    let restore = |from: &Path| {
        Command::new(BIN)
            .args([
                "restore",
                "--db",
                db.path.to_str().unwrap(),
                "--key-file",
                key_path.to_str().unwrap(),
                "--from",
                from.to_str().unwrap(),
            ])
            .output()
            .unwrap()
    };
    let refused = restore(&file);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("in use by a running counter-server")
    );
    server.stop();
    assert_ne!(dump(&db), at_backup);

    // A corrupted copy is refused and the live file is untouched.
    let corrupt = dir.path().join("corrupt.backup");
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b ^= 0x5a;
    }
    std::fs::write(&corrupt, bytes).unwrap();
    let live_before = std::fs::read(&db.path).unwrap();
    let out = restore(&corrupt);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&db.path).unwrap(),
        live_before,
        "the live database is untouched"
    );

    let out = restore(&file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut restored = dump(&db);
    // The restore itself is audited: one row more at the end of the chain.
    assert!(restored.pop().unwrap().contains("restore"));
    assert_eq!(
        restored, at_backup,
        "identical to the database at backup time"
    );

    // Rotation keeps the newest two.
    for _ in 0..3 {
        backup::backup(&db, &backups, 2, Utc::now()).unwrap();
    }
    assert_eq!(backup::list(&backups).unwrap().len(), 2);
}

#[test]
fn kill_9_during_a_backup_leaves_the_live_database_intact() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::plain(dir.path().join("counter.db"));
    {
        let mut conn = open(&db, false).unwrap();
        counter_server::store::migrate(&mut conn).unwrap();
        conn.execute_batch("CREATE TABLE filler (x BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO filler SELECT randomblob(1024) FROM n;").unwrap();
    }
    let before = dump(&db);
    for delay_ms in [5u64, 20, 60] {
        let mut child = Command::new(BIN)
            .args([
                "backup",
                "--db",
                db.path.to_str().unwrap(),
                "--dir",
                dir.path().join("b").to_str().unwrap(),
            ])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        let conn = open(&db, true).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        drop(conn);
        assert_eq!(dump(&db), before);
        for b in backup::list(&dir.path().join("b")).unwrap_or_default() {
            backup::verify_backup(&db, &b).expect("a backup that exists is complete");
        }
    }
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify() {
    let Ok(out) = Command::new("systemd-analyze").arg("--version").output() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "systemd-analyze is missing in CI"
        );
        eprintln!("SKIPPED: systemd-analyze is not installed");
        return;
    };
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../counter-server/deploy");
    for unit in ["awn-counter-server.service", "awn-kiosk.service"] {
        // The binaries are not installed here: point ExecStart at one that exists.
        let text = std::fs::read_to_string(deploy.join(unit)).unwrap();
        let text = text
            .replace("/usr/local/bin/counter-server", BIN)
            .replace("/usr/local/bin/kiosk", BIN);
        let path = dir.path().join(unit);
        std::fs::write(&path, text).unwrap();
        let out = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && !stderr.contains(unit),
            "{unit}: {stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn supervisors_export_correct_and_destroy_a_record_each_audited_and_holds_win() {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 7, 0, 0).unwrap(),
    ));
    let server = TestServer::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let sup = api.login("sara").await;
    let a = api
        .issue(
            &server.kiosk_token,
            &key(),
            &intake_body("inquiry", "SENTINEL-R-1"),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let b = api
        .issue(
            &server.kiosk_token,
            &key(),
            &intake_body("inquiry", "SENTINEL-R-2"),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();

    let export = api
        .get(&format!("/api/v1/visitors/{a}/export"), Some(&sup))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.text.contains("SENTINEL-R-1") && !export.text.contains("SENTINEL-R-2"));
    let page = api
        .get(&format!("/api/v1/visitors/{a}/printable"), Some(&sup))
        .await;
    assert!(page.text.contains("dir=\"rtl\"") && page.text.contains("SENTINEL-R-1"));

    let bad = api
        .post(
            &format!("/api/v1/visitors/{a}/correct"),
            &sup,
            Some(&json!({ "field": "national_id", "value": "1234567890" })),
        )
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_national_id")
    );
    let wrong_field = api
        .post(
            &format!("/api/v1/visitors/{a}/correct"),
            &sup,
            Some(&json!({ "field": "feels_unsafe", "value": "1" })),
        )
        .await;
    assert_eq!(wrong_field.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = api
        .post(
            &format!("/api/v1/visitors/{a}/correct"),
            &sup,
            Some(&json!({ "field": "mobile", "value": "٠٥٩٩٩٩٩٩٩٩" })),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.text);
    let conn = open(&server.db, true).unwrap();
    let mobile: String = conn
        .query_row(
            "SELECT mobile FROM intakes WHERE ticket_id = ?1",
            [a],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mobile, "+966599999999");

    assert_eq!(
        api.post(
            &format!("/api/v1/visitors/{b}/hold"),
            &sup,
            Some(&json!({ "reason": "court order" }))
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let held = api
        .post(
            &format!("/api/v1/visitors/{b}/destroy"),
            &sup,
            Some(&json!({ "reason": "visitor asked" })),
        )
        .await;
    assert_eq!(
        (held.status, held.code()),
        (StatusCode::CONFLICT, "legal_hold")
    );
    let gone = api
        .post(
            &format!("/api/v1/visitors/{a}/destroy"),
            &sup,
            Some(&json!({ "reason": "visitor asked" })),
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let left: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM intakes WHERE ticket_id = ?1",
            [a],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    let actions: Vec<(String, Option<String>)> = conn
        .prepare("SELECT action, reason FROM audit_log WHERE ticket_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([a], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        [
            "export_visitor",
            "export_visitor",
            "correct_visitor",
            "destroy_visitor"
        ]
    );
    assert_eq!(
        actions[2].1.as_deref(),
        Some("mobile"),
        "the field's name, never its value"
    );
    assert_eq!(audit::verify(&conn, None).unwrap().map(|n| n > 0), Ok(true));

    // The request register flags a request open for more than 20 days.
    let r = api
        .post(
            "/api/v1/rights-requests",
            &sup,
            Some(&json!({ "kind": "copy", "ticket": a })),
        )
        .await;
    let req = r.json["id"].as_i64().unwrap();
    clock.advance(Duration::days(21));
    let sup = api.login("sara").await;
    let list = api.get("/api/v1/rights-requests", Some(&sup)).await;
    assert_eq!(list.json[0]["overdue"], true);
    api.post(
        &format!("/api/v1/rights-requests/{req}/identity-checked"),
        &sup,
        None,
    )
    .await;
    assert_eq!(
        api.post(
            &format!("/api/v1/rights-requests/{req}/answered"),
            &sup,
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let again = api
        .post(
            &format!("/api/v1/rights-requests/{req}/answered"),
            &sup,
            None,
        )
        .await;
    assert_eq!(again.code(), "request_step_done");
    assert_eq!(
        api.get("/api/v1/rights-requests", Some(&sup)).await.json[0]["overdue"],
        false
    );
}

#[test]
fn rotating_the_key_re_encrypts_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let (old_file, old) = key_file(dir.path(), "old.key");
    let (new_file, new) = key_file(dir.path(), "new.key");
    let db = dir.path().join("counter.db");
    {
        let mut conn = open(&Database::encrypted(&db, old.clone()), false).unwrap();
        counter_server::store::migrate(&mut conn).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
    let out = Command::new(BIN)
        .args([
            "rotate-key",
            "--db",
            db.to_str().unwrap(),
            "--key-file",
            old_file.to_str().unwrap(),
            "--new-key-file",
            new_file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(matches!(
        open(&Database::encrypted(&db, old), true),
        Err(counter_server::store::StoreError::KeyInvalid)
    ));
    let conn = open(&Database::encrypted(&db, new), true).unwrap();
    assert_eq!(
        counter_server::store::schema_version(&conn).unwrap(),
        counter_server::store::latest_version()
    );
}
