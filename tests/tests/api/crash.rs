//! kill -9 under load: a child server is killed at random moments and restarted. Every ticket it
//! acknowledged is still there, a retry with the same key never makes a second ticket, and the
//! numbering invariants hold.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use counter_server::auth::DeviceScope;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TEST_PASSWORD, key};
use reqwest::StatusCode;
use serde_json::json;

const ROUNDS: usize = 4;
const ISSUERS: usize = 6;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The demo branch, open around the clock (the test runs at any hour), next to the database.
fn spawn(db: &std::path::Path, port: u16) -> Child {
    let dir = db.parent().expect("the database's folder");
    let config = e2e::always_open_config(dir, &format!("http://127.0.0.1:{port}"));
    Command::new(env!("CARGO_BIN_EXE_test-counter-server"))
        .args(["serve", "--config"])
        .arg(config)
        .arg("--db")
        .arg(db)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the server")
}

async fn wait_healthy(api: &Api) {
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
    panic!("the server did not come up");
}

/// A pseudo-random delay from the clock's nanoseconds: each run kills at different moments.
fn random_delay() -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    Duration::from_millis(80 + u64::from(nanos % 400))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_at_random_moments_the_server_loses_and_duplicates_nothing() {
    let dir = tempfile_dir();
    let db = dir.join("counter.db");
    let database = counter_server::store::Database::plain(&db);
    let kiosk = counter_server::provision::add_device(&database, "crash kiosk", DeviceScope::Kiosk)
        .unwrap();
    counter_server::provision::add_staff(
        &database,
        "amal",
        "amal",
        Role::Reception,
        Gender::Female,
        TEST_PASSWORD,
    )
    .unwrap();
    // Acknowledged tickets: key -> (id, label).
    let mut acked: HashMap<String, (i64, String)> = HashMap::new();
    // Keys whose request got no answer: retried after the restart.
    let mut unknown: Vec<(String, &str)> = Vec::new();
    // Tickets acknowledged as no-show at the desk.
    let mut closed: Vec<i64> = Vec::new();

    for round in 0..ROUNDS {
        let port = free_port();
        let mut child = spawn(&db, port);
        let api = Api::new(&format!("http://127.0.0.1:{port}"));
        wait_healthy(&api).await;
        // Retries first: the same key must give the committed ticket or a first one, never two.
        for (k, service) in unknown.drain(..) {
            let r = api.issue(&kiosk, &k, &json!({ "service": service })).await;
            assert_eq!(r.status, StatusCode::CREATED, "retry: {}", r.text);
            acked.insert(
                k,
                (
                    r.json["id"].as_i64().unwrap(),
                    r.json["label"].as_str().unwrap().into(),
                ),
            );
        }
        let staff = api.login("amal").await;
        let sign_in = api.post("/api/v1/desks/1/sign-in", &staff, None).await;
        assert!(
            sign_in.status == StatusCode::NO_CONTENT || sign_in.code() == "desk_occupied",
            "{}",
            sign_in.text
        );
        // A visitor left called at the desk by the previous round is closed first.
        let q = api.get("/api/v1/queue", Some(&staff)).await;
        for t in q.json["tickets"].as_array().unwrap() {
            if t["desk"] == json!(1) {
                api.post(
                    &format!("/api/v1/tickets/{}/no-show", t["id"]),
                    &staff,
                    None,
                )
                .await;
            }
        }

        let mut issuers = tokio::task::JoinSet::new();
        for w in 0..ISSUERS {
            let (api, kiosk) = (api.clone(), kiosk.clone());
            issuers.spawn(async move {
                let service = if w % 2 == 0 { "inquiry" } else { "follow_up" };
                let (mut ok, mut lost) = (Vec::new(), Vec::new());
                loop {
                    let k = key();
                    let res = api
                        .http
                        .post(format!("{}/api/v1/tickets", api.base))
                        .bearer_auth(&kiosk)
                        .header("Idempotency-Key", &k)
                        .json(&json!({ "service": service }))
                        .send()
                        .await;
                    match res {
                        Ok(r) if r.status() == StatusCode::CREATED => {
                            match r.json::<serde_json::Value>().await {
                                Ok(v) => ok.push((
                                    k,
                                    v["id"].as_i64().unwrap(),
                                    v["label"].as_str().unwrap().to_string(),
                                )),
                                Err(_) => {
                                    lost.push((k, service));
                                    break;
                                }
                            }
                        }
                        Ok(r) => panic!("unexpected status {}", r.status()),
                        Err(_) => {
                            lost.push((k, service));
                            break;
                        }
                    }
                }
                (ok, lost)
            });
        }
        let desk = {
            let (api, staff) = (api.clone(), staff.clone());
            tokio::spawn(async move {
                let mut done = Vec::new();
                loop {
                    let Ok(r) = api
                        .http
                        .post(format!("{}/api/v1/desks/1/call-next", api.base))
                        .bearer_auth(&staff)
                        .send()
                        .await
                    else {
                        break;
                    };
                    let Ok(v) = r.json::<serde_json::Value>().await else {
                        break;
                    };
                    let Some(id) = v["id"].as_i64() else {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        continue;
                    };
                    let Ok(r) = api
                        .http
                        .post(format!("{}/api/v1/tickets/{id}/no-show", api.base))
                        .bearer_auth(&staff)
                        .send()
                        .await
                    else {
                        break;
                    };
                    if r.status() == StatusCode::OK {
                        done.push(id);
                    } else {
                        break;
                    }
                }
                done
            })
        };
        tokio::time::sleep(random_delay()).await;
        child.kill().expect("kill -9");
        child.wait().unwrap();
        while let Some(r) = issuers.join_next().await {
            let (ok, lost) = r.unwrap();
            for (k, id, label) in ok {
                acked.insert(k, (id, label));
            }
            unknown.extend(lost);
        }
        closed.extend(desk.await.unwrap());
        assert!(!acked.is_empty() || round > 0, "the load ran");
    }

    // Last start: the retries, then the checks.
    let port = free_port();
    let mut child = spawn(&db, port);
    let api = Api::new(&format!("http://127.0.0.1:{port}"));
    wait_healthy(&api).await;
    for (k, service) in unknown.drain(..) {
        let r = api.issue(&kiosk, &k, &json!({ "service": service })).await;
        acked.insert(
            k,
            (
                r.json["id"].as_i64().unwrap(),
                r.json["label"].as_str().unwrap().into(),
            ),
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    for (k, (id, label)) in &acked {
        let stored: String = conn
            .query_row("SELECT label FROM tickets WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap_or_else(|_| panic!("acknowledged ticket {id} ({k}) is missing"));
        assert_eq!(&stored, label);
    }
    let tickets: i64 = conn
        .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        tickets as usize,
        acked.len(),
        "one ticket per key: nothing duplicated, nothing unacknowledged left over"
    );
    let gaps: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT service, service_day, MAX(number) AS m, COUNT(*) AS n FROM tickets GROUP BY service, service_day) WHERE m != n",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(gaps, 0, "numbers are gap-free per service and day");
    for id in &closed {
        let state: String = conn
            .query_row("SELECT state FROM tickets WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(state, "no_show", "an acknowledged no-show survived");
    }
    let called_twice: i64 = conn
        .query_row("SELECT COUNT(*) FROM (SELECT ticket_id FROM ticket_events WHERE action = 'call' GROUP BY ticket_id HAVING COUNT(*) > 1)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(called_twice, 0, "no ticket was called twice");
    assert!(
        acked.len() > ROUNDS,
        "load ran in every round ({} tickets)",
        acked.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "awn-crash-{}",
        counter_server::auth::tokens::random_token(6)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}
