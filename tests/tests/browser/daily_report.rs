//! End of day (issue 15 item 6) in a real headless Chromium, with the server's clock fixed: a
//! supervisor follows the console's link to the daily report of a seeded day, Chromium prints it
//! to an A4 PDF and `pdftotext` reads its Arabic headings and figures and none of the console's
//! chrome, in Arabic and in English; axe-core in both. On the metrics page the supervisor takes a
//! contact request and marks it handled with a note. Screenshots report-ar, report-en and
//! metrics-contact-handled-ar with `SCREENSHOT_DIR`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::domain::numbering::riyadh;
use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TestOptions, TestServer};
use serde_json::json;

use crate::console_steps::{self, SECS};

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    let info = String::from_utf8(out.stdout).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{info}"))
}

/// The page printed by Chromium, as text.
async fn printed(b: &Browser, dir: &Path, name: &str) -> String {
    let pdf = b.print_pdf().await;
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    assert_eq!(pdf_pages(&path), 1, "the report fits one A4 page");
    pdf_text(&path)
}

fn staff_id(conn: &rusqlite::Connection, username: &str) -> i64 {
    conn.query_row(
        "SELECT id FROM staff WHERE username = ?1",
        [username],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_prints_the_daily_report_and_handles_a_contact_request() {
    if !webdriver::available("daily report") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let now = riyadh()
        .with_ymd_and_hms(2026, 12, 3, 18, 30, 0)
        .unwrap()
        .with_timezone(&Utc);
    let server = TestServer::start_with(TestOptions {
        clock: Arc::new(ManualClock::new(now)),
        ..TestOptions::default()
    });
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
    let staff = ["amal", "noura", "huda"].map(|n| staff_id(&conn, n));
    let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let seeded = e2e::seed::history(&mut conn, day, 1, 60, staff, 11);
    // One contact request more, so there is one to handle whatever the seed drew.
    conn.execute(
        "INSERT INTO contact_requests (rating_id, requested_at)
         SELECT id, finished_at FROM ratings WHERE id NOT IN (SELECT rating_id FROM contact_requests)
         ORDER BY id LIMIT 1",
        [],
    )
    .unwrap();
    let open: i64 = conn
        .query_row("SELECT count(*) FROM contact_requests", [], |r| r.get(0))
        .unwrap();
    let api = Api::new(&server.base_url);
    let sup = api.login("sup").await;
    let csv = api
        .get(&format!("/api/v1/report/daily.csv?day={day}"), Some(&sup))
        .await;
    assert!(
        csv.text
            .contains(&format!("branch,all,issued,{}\r\n", seeded.visits)),
        "{}",
        csv.text
    );

    let dir = tempfile::tempdir().unwrap();
    let b = Browser::start().await;
    b.size(1280, 1450).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    console_steps::login(&b, "sup").await;
    // The console's supervisor area links to the report, in the console's language.
    b.wait(
        "!document.getElementById('report-link').classList.contains('hidden')",
        "the report link",
        SECS,
    )
    .await;
    b.click("#report-link").await;
    b.wait(
        "location.pathname === '/console/report' && !!document.getElementById('report-day')",
        "the daily report",
        SECS,
    )
    .await;
    assert_eq!(b.text("#report-day").await, day.to_string());
    b.assert_accessible("daily report (ar)").await;
    b.screenshot(shots, "report-ar.png").await;
    let ar = printed(&b, dir.path(), "report-ar.pdf").await;
    for words in [
        "التقرير اليومي",
        "الزيارات",
        "الانتظار مقابل الهدف",
        "رضا المستفيدين",
        "متابعات مفتوحة",
        "استفسار",
        "طلب دعم جديد",
        "الفرع كله",
        "2026-12-03",
    ] {
        assert!(ar.contains(words), "{words:?} not printed: {ar}");
    }
    let whole = ar
        .lines()
        .find(|l| l.contains("الفرع كله"))
        .unwrap_or_else(|| panic!("{ar}"));
    assert!(
        whole.contains(&seeded.visits.to_string()),
        "the branch's visits: {whole}"
    );
    // Only the report: no bar, form or buttons; no label of a visitor.
    for absent in ["لوحة الموظف", "تنزيل CSV", "طباعة", "English", "C-0", "A-0"]
    {
        assert!(!ar.contains(absent), "{absent:?} printed: {ar}");
    }

    b.goto(&format!(
        "{}/console/report?day={day}&lang=en",
        server.base_url
    ))
    .await;
    b.wait("document.documentElement.lang === 'en'", "English", SECS)
        .await;
    b.assert_accessible("daily report (en)").await;
    b.screenshot(shots, "report-en.png").await;
    let en = printed(&b, dir.path(), "report-en.pdf").await;
    for words in [
        "Daily report",
        "Waits against the target",
        "Satisfaction",
        "Open follow-ups",
        "Inquiry",
        "Whole branch",
        "Contact requests not handled",
    ] {
        assert!(en.contains(words), "{words:?} not printed: {en}");
    }
    assert!(en.contains(&open.to_string()), "{en}");
    for absent in ["Staff console", "Download CSV", "Print", "العربية"] {
        assert!(!en.contains(absent), "{absent:?} printed: {en}");
    }

    // The metrics page: take the first contact request, then mark it handled with a note.
    b.goto(&format!(
        "{}/console/metrics?from={day}&to={day}",
        server.base_url
    ))
    .await;
    b.wait(
        "!!document.querySelector('#contacts [data-take]')",
        "a contact request to take",
        SECS,
    )
    .await;
    let first = b
        .js(
            "return document.querySelector('#contacts [data-take]').dataset.take;",
            json!([]),
        )
        .await;
    let first = first.as_str().unwrap().to_string();
    b.click(&format!("[data-take='{first}']")).await;
    b.wait(
        &format!(
            "!document.querySelector(\"[data-take='{first}']\") && !!document.querySelector(\"form[data-handle='{first}']\")"
        ),
        "taken",
        SECS,
    )
    .await;
    b.assert_accessible("metrics page, a contact request taken (ar)")
        .await;
    b.type_into(
        &format!("form[data-handle='{first}'] input[name=note]"),
        "اتصلت بالزائر وأجبت عن سؤاله",
    )
    .await;
    b.click(&format!("form[data-handle='{first}'] button"))
        .await;
    b.wait(
        &format!("!!document.querySelector(\"li[data-contact='{first}'] .handled\")"),
        "handled",
        SECS,
    )
    .await;
    let item = b.text(&format!("li[data-contact='{first}']")).await;
    assert!(
        item.contains("عولج") && item.contains("اتصلت بالزائر"),
        "{item}"
    );
    b.js(
        &format!("document.querySelector(\"li[data-contact='{first}']\").scrollIntoView({{block: 'center'}});"),
        json!([]),
    )
    .await;
    b.screenshot(shots, "metrics-contact-handled-ar.png").await;
    let board = api.get("/api/v1/board", Some(&sup)).await;
    assert_eq!(board.json["open_contact_requests"], open - 1);
    b.quit().await;
}
