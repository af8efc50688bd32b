//! Head office's pages in a real headless Chromium against a real PostgreSQL: a viewer signs in
//! through the form (a wrong password first), reads the association's figures in Arabic and
//! English on a laptop and a 390 px phone, and axe-core finds nothing on any of them; signing
//! out ends the session. Facts go in as branches ship them (`head_office::ingest`).

use std::path::PathBuf;
use std::sync::Arc;

use counter_server::clock::SystemClock;
use counter_server::domain::numbering::service_day;
use counter_server::head_office::settings::{HeadOfficeConfig, Name};
use counter_server::head_office::{ingest, read, schema};
use counter_server::store::outbox::Row;
use e2e::postgres::TestPostgres;
use e2e::webdriver::{self, Browser};
use serde_json::json;

/// A day of `visits` at `branch`: each issued, called, finished and (every other one) rated.
fn facts(visits: i64, day: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut push = |kind: &str, fact: serde_json::Value| {
        rows.push(Row {
            seq: rows.len() as i64 + 1,
            at: format!("{day}T07:00:00Z"),
            kind: kind.into(),
            fact: fact.to_string(),
        });
    };
    for t in 1..=visits {
        let base =
            json!({ "ticket": t, "service_day": day, "service": "inquiry", "line": "inquiry" });
        let with = |extra: serde_json::Value| {
            let mut v = base.clone();
            v.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            v
        };
        push("issued", with(json!({ "channel": "kiosk" })));
        push(
            "called",
            with(json!({ "desk": 1, "wait_seconds": 300 + 60 * t })),
        );
        push(
            "finished",
            with(json!({ "desk": 1, "service_seconds": 600, "outcome": "information_given" })),
        );
        if t % 2 == 0 {
            push(
                "rated",
                json!({ "ticket": t, "score": 3 + t % 3, "reason_codes": [] }),
            );
        }
    }
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_signs_in_and_reads_the_association_figures_in_both_languages() {
    if !webdriver::available("head office") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let pg = TestPostgres::start();
    let mut client = pg.client().await;
    schema::migrate(&mut client).await.unwrap();
    let today = service_day(chrono::Utc::now()).to_string();
    ingest::ingest(&mut client, "riyadh-1", &facts(24, &today), 0)
        .await
        .unwrap();
    ingest::ingest(&mut client, "jeddah-1", &facts(9, &today), 0)
        .await
        .unwrap();
    let hash = counter_server::auth::password::hash_password("a long passphrase");
    read::put_viewer(&mut client, "board-chair", &hash)
        .await
        .unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = HeadOfficeConfig {
        listen: addr,
        public_base_url: format!("http://{addr}"),
        postgres: pg.target(),
        tls: None,
        branches: vec![
            Name {
                id: "riyadh-1".into(),
                name_ar: "فرع الرياض".into(),
                name_en: "Riyadh branch".into(),
            },
            Name {
                id: "jeddah-1".into(),
                name_ar: "فرع جدة".into(),
                name_en: "Jeddah branch".into(),
            },
        ],
        services: vec![Name {
            id: "inquiry".into(),
            name_ar: "استفسار".into(),
            name_en: "Inquiry".into(),
        }],
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(counter_server::head_office::web::serve(
        config,
        listener,
        Arc::new(SystemClock),
        async {
            let _ = stopped.await;
        },
    ));
    let base = format!("http://{addr}");

    let b = Browser::start().await;
    b.size(1366, 900).await;
    b.goto(&format!("{base}/")).await;
    b.wait(
        "document.querySelector('#password')",
        "the sign-in form",
        std::time::Duration::from_secs(10),
    )
    .await;
    b.assert_accessible("head office sign-in (ar)").await;
    b.screenshot(shots, "head-office-login-ar.png").await;
    b.type_into("#name", "board-chair").await;
    b.type_into("#password", "not the password").await;
    b.click("button[type=submit]").await;
    b.wait_text(".error", "كلمة المرور غير صحيحة").await;
    b.type_into("#name", "board-chair").await;
    b.type_into("#password", "a long passphrase").await;
    b.click("button[type=submit]").await;
    b.wait_text("h1", "أرقام الجمعية").await;

    // Riyadh: 24 visits, 12 ratings (satisfaction shown); Jeddah: 9 visits, 4 ratings (hidden).
    let page = b.text("main").await;
    assert!(
        page.contains("فرع الرياض") && page.contains("فرع جدة"),
        "{page}"
    );
    assert!(page.contains("33"), "the association's 33 visits: {page}");
    let jeddah_row = b
        .js(
            "return [...document.querySelectorAll('tr')].find(r => r.innerText.startsWith('فرع جدة')).innerText;",
            json!([]),
        )
        .await;
    assert!(
        jeddah_row.as_str().unwrap().contains('—'),
        "4 ratings: no satisfaction {jeddah_row}"
    );
    b.assert_accessible("head office figures (ar)").await;
    b.screenshot(shots, "head-office-ar.png").await;

    b.click("header a[lang=en]").await;
    b.wait_text("h1", "The association's figures").await;
    assert!(b.text("main").await.contains("Riyadh branch"));
    b.assert_accessible("head office figures (en)").await;
    b.screenshot(shots, "head-office-en.png").await;

    b.size(390, 844).await;
    b.assert_accessible("head office figures on a phone (en)")
        .await;
    let overflow = b
        .js(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            json!([]),
        )
        .await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "the page scrolls sideways: {overflow} px (tables scroll in their box)"
    );
    b.screenshot(shots, "head-office-390-en.png").await;

    b.click("header form button").await;
    b.wait(
        "document.querySelector('#password')",
        "the sign-in form again",
        std::time::Duration::from_secs(10),
    )
    .await;
    b.goto(&format!("{base}/")).await;
    b.wait(
        "document.querySelector('#password')",
        "signed out for good",
        std::time::Duration::from_secs(10),
    )
    .await;
    b.quit().await;
    let _ = stop.send(());
    served.await.unwrap().unwrap();
}
