//! The real server against its own OpenAPI document: schemathesis (from PyPI, the version
//! `.ci/run` installs) generates requests for every operation of `GET /api/v1/openapi.json` and
//! checks each reply: never a 5xx, a documented status, the documented content type, a body that
//! matches the documented schema, and every refusal in both languages with its English a sentence
//! (`fixtures/schemathesis_checks.py`); then call sequences it infers from the replies (stateful).
//! Bounded: 20 examples per operation, one fixed seed, and a deadline for the whole run.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer, key};
use serde_json::json;

/// The version `.ci/run` installs; another one still runs, with a note.
const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// The whole run, generous for a loaded 2-core machine (it takes under a minute there).
const DEADLINE: Duration = Duration::from_secs(240);

/// Operations called with a device's token (everything else with a supervisor's session).
const KIOSK_PATHS: [&str; 4] = [
    "/api/v1/services",
    "/api/v1/intake-notice",
    "/api/v1/tickets",
    "/api/v1/tickets/{id}/print-report",
];
const RATING_PATHS: [&str; 2] = ["/api/v1/rating/recent", "/api/v1/ratings"];

fn installed_version() -> String {
    let out = Command::new("schemathesis")
        .arg("--version")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "schemathesis is not installed ({e}): install it with \
                 `pip install schemathesis=={SCHEMATHESIS_VERSION}` (as .ci/run does)"
            )
        });
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn toml_list(paths: &[&str]) -> String {
    let quoted: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The run's configuration: which token each operation is called with, and event streams read
/// for one event only (they never end by themselves). Every request carries this server's
/// `Origin`, as its own pages do: the document also offers the session cookie, and a cookie
/// without it is refused before anything else is checked.
fn config(staff: &str, leaver: &str, status_token: &str, server: &TestServer) -> String {
    format!(
        r#"headers = {{ Authorization = "Bearer {staff}", Origin = "{origin}" }}
request-timeout = 20
max-stream-events = 1

[[operations]]
include-path = {kiosk_paths}
headers = {{ Authorization = "Bearer {kiosk}", Origin = "{origin}" }}

[[operations]]
include-path = {rating_paths}
headers = {{ Authorization = "Bearer {rating}", Origin = "{origin}" }}

[[operations]]
include-path-regex = "^/api/v1/status/"
parameters = {{ "path.token" = "{status_token}" }}

[[operations]]
include-path = "/api/v1/auth/logout"
headers = {{ Authorization = "Bearer {leaver}", Origin = "{origin}" }}
"#,
        origin = server.base_url,
        kiosk_paths = toml_list(&KIOSK_PATHS),
        kiosk = server.kiosk_token,
        rating_paths = toml_list(&RATING_PATHS),
        rating = server.rating_token,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_answers_as_its_openapi_document_says() {
    let version = installed_version();
    if !version.contains(SCHEMATHESIS_VERSION) {
        eprintln!("note: {version}, while .ci/run installs {SCHEMATHESIS_VERSION}");
    }
    let server = TestServer::start();
    server.add_staff("supervisor", Role::Supervisor, Gender::Male);
    // Logout ends its own session, not the one every other operation uses.
    server.add_staff("leaver", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let staff = api.login_at_desk("supervisor", 1).await;
    let leaver = api.login("leaver").await;
    // Something to find: tickets 1 and 2 exist, and 1 is called at desk 1; the status
    // operations use ticket 2's token.
    let mut status_token = String::new();
    for _ in 0..2 {
        let r = api
            .issue(
                &server.kiosk_token,
                &key(),
                &json!({ "service": "inquiry" }),
            )
            .await;
        assert_eq!(r.status, reqwest::StatusCode::CREATED, "{}", r.text);
        status_token = r.json["status_token"].as_str().unwrap().to_string();
    }
    let r = api.post("/api/v1/desks/1/call-next", &staff, None).await;
    assert!(r.status.is_success(), "{}", r.text);

    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("schemathesis.toml");
    std::fs::write(
        &config_path,
        config(&staff, &leaver, &status_token, &server),
    )
    .unwrap();
    // Examples per operation; a longer search: AWN_SCHEMATHESIS_EXAMPLES=200.
    let examples = std::env::var("AWN_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "20".into());
    let started = Instant::now();
    let mut child = Command::new("schemathesis")
        .arg("--no-color")
        .arg("--config-file")
        .arg(&config_path)
        .arg("run")
        .arg(format!("{}/api/v1/openapi.json", server.base_url))
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,refusals_read_on_a_screen",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            &examples,
            "--seed",
            "20261203",
            // One worker: schemathesis's workers are threads, and Hypothesis parses module
            // sources with `ast.parse` to describe lambdas; on this machine's CPython 3.11 two
            // threads parsing at once can fail with "SystemError: AST constructor recursion
            // depth mismatch" (the AST converter's depth counter is shared between threads),
            // which is what stopped this test now and then. One worker is no slower here.
            "--workers",
            "1",
            "--suppress-health-check",
            "all",
        ])
        // The API's own check (`refusals_read_on_a_screen`), loaded as a schemathesis hook.
        .env("PYTHONPATH", concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
        .env("SCHEMATHESIS_HOOKS", "schemathesis_checks")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start schemathesis");
    // Read both pipes while waiting, so that a long report cannot block the run.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).ok();
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > DEADLINE {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let report = format!("{}\n{}", out.join().unwrap(), err.join().unwrap());
    let took = started.elapsed().as_secs();
    match status {
        None => panic!("schemathesis ran past {DEADLINE:?}:\n{report}"),
        Some(s) => assert!(
            s.success(),
            "schemathesis found nonconformance ({s}, {took} s):\n{report}"
        ),
    }
    eprintln!("schemathesis: no failure in {took} s");
}
