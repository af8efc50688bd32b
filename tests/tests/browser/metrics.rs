//! The metrics page and the phone rating form in a real headless Chromium: a supervisor opens
//! `/console/metrics` over a seeded month (charts are inline SVG drawn by the server, figures shown),
//! downloads the CSV (content, and a comment starting with `=` escaped), in Arabic and English;
//! a visitor rates a finished visit from the status page. Screenshots with `SCREENSHOT_DIR`.

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use counter_server::domain::numbering::service_day;
use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TEST_PASSWORD, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

fn staff_id(conn: &rusqlite::Connection, username: &str) -> i64 {
    conn.query_row(
        "SELECT id FROM staff WHERE username = ?1",
        [username],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_reads_the_metrics_and_downloads_the_csv_and_a_visitor_rates() {
    if !webdriver::available("metrics page") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    for (name, role) in [
        ("sup", Role::Supervisor),
        ("amal", Role::Reception),
        ("noura", Role::Reception),
        ("huda", Role::Reception),
    ] {
        server.add_staff(name, role, Gender::Female);
    }
    let mut conn = rusqlite::Connection::open(&server.db_path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    let staff = [
        staff_id(&conn, "amal"),
        staff_id(&conn, "noura"),
        staff_id(&conn, "huda"),
    ];
    let api = Api::new(&server.base_url);
    // A visit finished today, before the history is written (the writer numbers tickets itself).
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let token = t.json["status_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", t.text))
        .to_string();
    let huda = api.login("huda").await;
    assert!(
        api.post("/api/v1/desks/1/sign-in", &huda, None)
            .await
            .status
            .is_success()
    );
    let called = api.post("/api/v1/desks/1/call-next", &huda, None).await;
    let id = called.json["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{} {}", called.text, t.text));
    api.post(&format!("/api/v1/tickets/{id}/start"), &huda, None)
        .await;
    let done = api
        .post(
            &format!("/api/v1/tickets/{id}/finish"),
            &huda,
            Some(&json!({ "outcome": "information_given" })),
        )
        .await;
    assert!(done.status.is_success(), "{}", done.text);
    let today = service_day(Utc::now());
    let last = today - chrono::Duration::days(1);
    let from = last - chrono::Duration::days(27);
    let seeded = e2e::seed::history(&mut conn, last, 28, 40, staff, 7);
    let sup = api.login("sup").await;
    let summary = api
        .get(
            &format!("/api/v1/metrics/summary?from={from}&to={last}"),
            Some(&sup),
        )
        .await;
    assert_eq!(summary.status, StatusCode::OK);
    assert_eq!(summary.json["total"]["visits"], seeded.visits);
    assert_eq!(summary.json["total"]["ratings"]["count"], seeded.ratings);

    let b = Browser::start().await;
    b.size(1280, 2200).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    b.type_into("#login-user", "sup").await;
    b.type_into("#login-pass", TEST_PASSWORD).await;
    b.click("#login-btn").await;
    b.wait(
        "document.getElementById('login').classList.contains('hidden')",
        "logged in",
        Duration::from_secs(10),
    )
    .await;
    let page = format!("{}/console/metrics?from={from}&to={last}", server.base_url);
    b.goto(&page).await;
    b.wait(
        "document.querySelectorAll('svg.chart').length >= 5",
        "the charts",
        Duration::from_secs(10),
    )
    .await;
    let charts = b
        .js(
            "return Array.from(document.querySelectorAll('svg.chart')).map(s => s.querySelectorAll('rect').length);",
            json!([]),
        )
        .await;
    let bars: Vec<u64> = serde_json::from_value(charts).unwrap();
    assert_eq!(bars.len(), 5);
    assert_eq!(bars[0], 28, "CSAT by day: one bar per day");
    assert!(bars.iter().all(|n| *n > 0), "{bars:?}");
    assert_eq!(
        b.js("return document.documentElement.dir;", json!([]))
            .await,
        "rtl"
    );
    assert_eq!(
        b.text("#kpi-visits").await,
        seeded.visits.to_string(),
        "the visits shown"
    );
    let csat = summary.json["total"]["ratings"]["csat"].as_f64().unwrap();
    assert_eq!(b.text("#kpi-csat").await, format!("{:.1}%", csat * 100.0));
    // Per staff member: aggregates only, each with at least 10 ratings.
    let rows = b
        .js(
            "return document.querySelectorAll('#staff tbody tr').length;",
            json!([]),
        )
        .await;
    assert_eq!(rows, json!(3));
    assert!(b.text("#comments").await.contains("شكرًا"));
    b.screenshot(shots, "metrics-ar.png").await;

    // The CSV, downloaded with the page's own session.
    let href = b
        .js(
            "return document.getElementById('csv').getAttribute('href');",
            json!([]),
        )
        .await;
    let csv = b
        .js(
            "return fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text().then(t => [r.status, r.headers.get('content-type'), r.headers.get('content-disposition'), t]));",
            json!([href]),
        )
        .await;
    assert_eq!(csv[0], 200);
    assert_eq!(csv[1], "text/csv; charset=utf-8");
    assert_eq!(
        csv[2],
        format!("attachment; filename=\"awn-metrics-{from}-{last}.csv\"")
    );
    let text = csv[3].as_str().unwrap().trim_start_matches('\u{FEFF}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "section,key,metric,value");
    assert!(lines.contains(&format!("total,all,visits,{}", seeded.visits).as_str()));
    assert!(lines.contains(&format!("total,all,ratings,{}", seeded.ratings).as_str()));
    let formula: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("comment,") && l.contains("=1+2"))
        .collect();
    assert!(!formula.is_empty());
    for l in formula {
        assert!(
            l.ends_with(",'=1+2 (a comment that looks like a formula)"),
            "{l}"
        );
    }
    assert!(!lines.iter().any(|l| l.contains(",=")));

    // English.
    b.goto(&format!("{page}&lang=en")).await;
    b.wait_text("h1", "metrics").await;
    assert_eq!(
        b.js("return document.documentElement.dir;", json!([]))
            .await,
        "ltr"
    );
    b.screenshot(shots, "metrics-en.png").await;

    // A reception member: own aggregate only, no CSV link, no comments.
    b.goto(&format!("{}/console", server.base_url)).await;
    b.click("#logout-btn").await;
    b.wait(
        "!document.getElementById('login').classList.contains('hidden')",
        "logged out",
        Duration::from_secs(10),
    )
    .await;
    b.type_into("#login-user", "amal").await;
    b.type_into("#login-pass", TEST_PASSWORD).await;
    b.click("#login-btn").await;
    b.wait(
        "document.getElementById('login').classList.contains('hidden')",
        "logged in",
        Duration::from_secs(10),
    )
    .await;
    b.goto(&page).await;
    b.wait(
        "document.getElementById('kpi-own-ratings')",
        "own aggregate",
        Duration::from_secs(10),
    )
    .await;
    let counts = b
        .js(
            "return [document.querySelectorAll('svg.chart').length, document.querySelectorAll('#csv, #comments, #staff, #contacts').length];",
            json!([]),
        )
        .await;
    assert_eq!(counts, json!([0, 0]));

    // The visitor rates from the phone once the visit is done.
    b.size(412, 1500).await;
    b.js("localStorage.setItem('awn.lang', 'ar');", json!([]))
        .await;
    b.goto(&format!("{}/t/{token}", server.base_url)).await;
    b.wait(
        "!document.getElementById('rate').classList.contains('hidden')",
        "the rating form",
        Duration::from_secs(10),
    )
    .await;
    // The page's words for scores and reasons are the shared ones (`awn_core::rating`, served as
    // /assets/rating-words.js), the same as on the rating kiosk and this metrics page.
    let words = b
        .js(
            "return [\"input[name=reasons][value='courtesy']\", \"input[name=score][value='4']\"]
                .map((q) => document.querySelector(q).parentElement.textContent.trim());",
            json!([]),
        )
        .await;
    assert_eq!(
        words,
        json!([
            awn_core::rating::Reason::Courtesy.word(awn_core::Lang::Ar),
            awn_core::rating::score_words(awn_core::Lang::Ar)[3]
        ])
    );
    b.click("input[name=score][value='4']").await;
    b.click("input[name=reasons][value='courtesy']").await;
    b.type_into("#comment", "تعامل محترم").await;
    b.screenshot(shots, "status-rate-ar.png").await;
    b.click("#rate-send").await;
    b.wait(
        "!document.getElementById('rate-thanks').classList.contains('hidden')",
        "thanks",
        Duration::from_secs(10),
    )
    .await;
    let row: (i64, String, String, String) = conn
        .query_row(
            "SELECT score, reasons, comment, channel FROM ratings WHERE ticket_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            4,
            "courtesy".into(),
            "تعامل محترم".into(),
            "status_page".into()
        )
    );
    b.quit().await;
}
