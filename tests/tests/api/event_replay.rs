//! Event ids and replay: a client that reconnects with `Last-Event-ID` gets exactly what it missed,
//! or a `reset` when the server no longer has it; an integration device reads the staff stream and
//! nothing else.

use std::process::Command;
use std::time::Duration;

use counter_server::domain::{Gender, Role};
use e2e::{Api, SseEvent, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;

const BIN: &str = env!("CARGO_BIN_EXE_test-counter-server");
const EVENTS: &str = "/api/v1/events";
/// A name in an intake: it must never reach an event stream.
const SENTINEL: &str = "Sentinel-Name-Integration";

/// The next event that carries data (heartbeats carry only an id).
async fn next(rx: &mut UnboundedReceiver<SseEvent>) -> SseEvent {
    loop {
        let e = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("an event in time")
            .expect("the stream is open");
        if !e.data.is_empty() {
            return e;
        }
    }
}

/// Events up to and including the `issued` event of ticket `id`.
async fn until_issued(rx: &mut UnboundedReceiver<SseEvent>, id: &Value) -> Vec<SseEvent> {
    let mut seen = Vec::new();
    loop {
        let e = next(rx).await;
        let done = e.event == "issued" && data(&e)["ticket"]["id"] == *id;
        seen.push(e);
        if done {
            return seen;
        }
    }
}

fn data(e: &SseEvent) -> Value {
    serde_json::from_str(&e.data).expect("event data is JSON")
}

fn seq(id: &str) -> u64 {
    id.rsplit_once('-')
        .expect("<boot>-<seq>")
        .1
        .parse()
        .unwrap()
}

fn boot(id: &str) -> &str {
    id.rsplit_once('-').expect("<boot>-<seq>").0
}

async fn issue(api: &Api, server: &TestServer) -> Value {
    let r = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json["id"].clone()
}

/// Opens a stream resuming after `last` and returns the reset reason it gets, if any, having
/// checked that the stream starts with `hello` and `retry: 2000`.
async fn resume(api: &Api, token: &str, last: &str) -> (UnboundedReceiver<SseEvent>, SseEvent) {
    let mut rx = api.sse(EVENTS, Some(token), Some(last)).await;
    let hello = next(&mut rx).await;
    assert_eq!(hello.event, "hello");
    assert_eq!(hello.retry, Some(2000));
    let after = next(&mut rx).await;
    (rx, after)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_event_has_an_increasing_id_and_a_reconnecting_client_gets_exactly_what_it_missed() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let staff = api.login("amal").await;
    // Connected all along: what a client that never dropped sees.
    let mut observer = api.sse(EVENTS, Some(&staff), None).await;
    let hello = next(&mut observer).await;
    assert_eq!((hello.event.as_str(), hello.retry), ("hello", Some(2000)));
    let start = hello.id.clone().expect("hello carries the position");

    let mut client = api.sse(EVENTS, Some(&staff), None).await;
    next(&mut client).await;
    let first = issue(&api, &server).await;
    let last_seen = until_issued(&mut client, &first).await.pop().unwrap();
    let last_seen = last_seen.id.expect("every event has an id");
    drop(client);

    // Missed while away: two issues, a sign-in, a call.
    issue(&api, &server).await;
    issue(&api, &server).await;
    api.post("/api/v1/desks/1/sign-in", &staff, None).await;
    let called = api.post("/api/v1/desks/1/call-next", &staff, None).await;
    assert_eq!(called.status, StatusCode::OK, "{}", called.text);

    let mut resumed = api.sse(EVENTS, Some(&staff), Some(&last_seen)).await;
    let hello_again = next(&mut resumed).await;
    assert_eq!(hello_again.event, "hello");
    assert_eq!(
        hello_again.id, None,
        "a resumed stream keeps the client's position until the missed events are through"
    );
    let marker = issue(&api, &server).await;
    let replayed = until_issued(&mut resumed, &marker).await;

    let live = until_issued(&mut observer, &marker).await;
    let ids: Vec<u64> = live.iter().map(|e| seq(e.id.as_deref().unwrap())).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]) && ids[0] > seq(&start),
        "ids increase: {ids:?}"
    );
    assert!(
        live.iter()
            .all(|e| boot(e.id.as_deref().unwrap()) == boot(&start))
    );
    let after_gap: Vec<_> = live
        .iter()
        .skip_while(|e| e.id.as_deref() != Some(last_seen.as_str()))
        .skip(1)
        .map(|e| (e.id.clone(), e.event.clone(), e.data.clone()))
        .collect();
    let got: Vec<_> = replayed
        .iter()
        .map(|e| (e.id.clone(), e.event.clone(), e.data.clone()))
        .collect();
    assert!(after_gap.len() >= 5, "the gap held events: {after_gap:?}");
    assert_eq!(
        got, after_gap,
        "the missed events, in order, then live ones"
    );
    assert!(!got.iter().any(|e| e.1 == "reset"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resuming_display_gets_the_calls_it_missed_as_label_and_desk_only() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let staff = api.login("amal").await;
    let mut display = api.sse(EVENTS, Some(&server.display_token), None).await;
    let hello = next(&mut display).await;
    assert_eq!(
        next(&mut display).await.event,
        "snapshot",
        "a fresh display"
    );
    drop(display);

    let ticket = issue(&api, &server).await;
    api.post("/api/v1/desks/1/sign-in", &staff, None).await;
    api.post("/api/v1/desks/1/call-next", &staff, None).await;

    let (mut rx, missed) = resume(&api, &server.display_token, hello.id.as_deref().unwrap()).await;
    assert_eq!(missed.event, "called", "no snapshot and no staff events");
    let d = data(&missed);
    assert_eq!(d, json!({ "type": "called", "label": "C-001", "desk": 1 }));
    assert!(missed.id.is_some());
    // Then live, still projected for a display.
    api.post(&format!("/api/v1/tickets/{ticket}/recall"), &staff, None)
        .await;
    let recalled = next(&mut rx).await;
    assert_eq!(recalled.event, "recalled");
    assert!(seq(recalled.id.as_deref().unwrap()) > seq(missed.id.as_deref().unwrap()));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_id_too_old_unknown_or_from_before_a_restart_gets_a_reset() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let staff = api.login("amal").await;
    let mut rx = api.sse(EVENTS, Some(&staff), None).await;
    let start = next(&mut rx).await.id.unwrap();

    for (bad, why) in [
        ("nonsense".to_string(), "unknown_id"),
        (format!("{}-999999", boot(&start)), "unknown_id"),
    ] {
        let (_, reset) = resume(&api, &staff, &bad).await;
        assert_eq!(reset.event, "reset", "{bad}");
        assert_eq!(data(&reset), json!({ "type": "reset", "reason": why }));
        assert_eq!(
            reset.id.as_deref(),
            Some(start.as_str()),
            "the position to resume from"
        );
    }

    // More events than the server keeps (1,024), issued from 8 kiosks' worth of connections.
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (api, kiosk) = (api.clone(), server.kiosk_token.clone());
            tokio::spawn(async move {
                for _ in 0..130 {
                    let r = api
                        .issue(&kiosk, &key(), &json!({ "service": "inquiry" }))
                        .await;
                    assert_eq!(r.status, StatusCode::CREATED);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let mut recent = start.clone();
    for _ in 0..8 * 130 {
        recent = next(&mut rx).await.id.unwrap();
    }
    let (_, reset) = resume(&api, &staff, &start).await;
    assert_eq!(data(&reset)["reason"], "too_old");
    // The latest id still resumes: nothing missed, then live.
    let mut rx = api.sse(EVENTS, Some(&staff), Some(&recent)).await;
    assert_eq!(next(&mut rx).await.event, "hello");
    let marker = issue(&api, &server).await;
    let after = until_issued(&mut rx, &marker).await;
    assert_eq!(after.len(), 1, "nothing was missed: {after:?}");

    let (dir_path, dir) = server.stop_keep_files();
    let restarted = TestServer::start_with(TestOptions {
        db_path: Some(dir_path),
        ..TestOptions::default()
    });
    let api = Api::new(&restarted.base_url);
    let staff = api.login("amal").await;
    let (mut rx, reset) = resume(&api, &staff, &recent).await;
    assert_eq!(data(&reset)["reason"], "restarted");
    assert_ne!(boot(reset.id.as_deref().unwrap()), boot(&start));
    let ticket = issue(&api, &restarted).await;
    assert_eq!(until_issued(&mut rx, &ticket).await.len(), 1);
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_integration_device_reads_the_staff_stream_without_intake_and_nothing_else() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let staff = api.login("amal").await;
    let supervisor = api.login("sara").await;
    // Made with the device command, as an administrator would.
    let out = Command::new(BIN)
        .args(["add-device", "--db"])
        .arg(server.db_path())
        .args(["--name", "queue board", "--scope", "integration"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let integration = String::from_utf8(out.stdout).unwrap().trim().to_string();

    let mut stream = api.sse(EVENTS, Some(&integration), None).await;
    assert_eq!(next(&mut stream).await.event, "hello");
    let mut sup = api.sse(EVENTS, Some(&supervisor), None).await;
    next(&mut sup).await;
    let body = json!({ "service": "inquiry", "intake": { "notice_version": "2026-11-v1", "name": SENTINEL, "feels_unsafe": true } });
    let r = api.issue(&server.kiosk_token, &key(), &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let ticket = r.json["id"].clone();
    api.post("/api/v1/desks/1/sign-in", &staff, None).await;
    api.post("/api/v1/desks/1/call-next", &staff, None).await;
    let marker = issue(&api, &server).await;

    let seen = until_issued(&mut stream, &marker).await;
    let kinds: Vec<&str> = seen.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(kinds, ["issued", "desk_changed", "called", "issued"]);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    for e in &seen {
        assert!(e.id.is_some());
        assert!(!e.data.contains(SENTINEL), "{}", e.data);
        let d = data(e);
        assert_eq!(keys(&d), ["desk", "ticket", "type"], "{d}");
        if d["ticket"].is_object() {
            assert_eq!(
                keys(&d["ticket"]),
                ["id", "label", "priority", "service", "state"],
                "{d}"
            );
        }
    }
    assert_eq!(
        data(&seen[2])["ticket"]["id"],
        ticket,
        "the call is of that ticket"
    );
    // The supervisor was alerted; the integration was not.
    assert!(
        until_issued(&mut sup, &marker)
            .await
            .iter()
            .any(|e| e.event == "alert")
    );

    for (method, path) in [
        ("GET", "/api/v1/queue".to_string()),
        ("GET", "/api/v1/me".into()),
        ("GET", "/api/v1/services".into()),
        ("GET", format!("/api/v1/tickets/{ticket}/visit")),
        ("GET", "/api/v1/metrics/summary".into()),
        ("POST", "/api/v1/desks/1/call-next".into()),
        ("POST", "/api/v1/tickets".into()),
    ] {
        let r = api
            .send(
                method.parse().unwrap(),
                &path,
                Some(&integration),
                Some(&json!({ "service": "inquiry" })),
                &[("Idempotency-Key", "integration-key-0123456789")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            r.text
        );
    }
    let listed = Command::new(BIN)
        .args(["list-devices", "--db"])
        .arg(server.db_path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("integration"));
}
