//! Policy 6.4 in two real headless Chromiums: the staff console at desk 1 and the applicant
//! tablet paired with desk 1. The tablet shows the verified data (Arabic, English on request) and
//! the declaration; "something is wrong" stores nothing and tells the desk; the applicant signs
//! with a finger (WebDriver touch actions) and the desk sees the tick. The request is registered
//! and its form printed to PDF by Chromium: `pdftotext` finds the reference, the name and the
//! declaration in Arabic reading order, `pdftoppm` finds the signature's blue ink, and the
//! applicant's copy has the ID masked. axe-core on the tablet in both languages.

use std::path::{Path, PathBuf};
use std::process::Command;

use counter_server::domain::{Gender, Role};
use counter_server::provision;
use e2e::webdriver::{self, Browser};
use e2e::{Api, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

use crate::console_steps::{SECS, click_when_enabled, login};

const NAME: &str = "نورة العتيبي";

fn visible(id: &str) -> String {
    format!("!document.getElementById('{id}').classList.contains('hidden')")
}

fn confirmations(server: &TestServer) -> Vec<String> {
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let mut stmt = conn.prepare("SELECT method FROM confirmations").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The text of a PDF as `pdftotext` reads it (Debian's poppler-utils).
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

/// Pixels of the pen's blue in the PDF's first page rendered by `pdftoppm` (PPM, 60 dpi); the
/// page's text is black, so only the signature's ink counts. Also writes a PNG when asked.
fn blue_ink(pdf: &Path, png: Option<PathBuf>) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&base)
        .status()
        .expect("pdftoppm (apt-get install poppler-utils)");
    assert!(status.success());
    let ppm = std::fs::read(base.with_extension("ppm")).unwrap();
    // "P6\n<w> <h>\n255\n", then RGB bytes.
    let mut fields = 0;
    let mut start = 0;
    for (i, b) in ppm.iter().enumerate() {
        if b.is_ascii_whitespace() && i > 0 && !ppm[i - 1].is_ascii_whitespace() {
            fields += 1;
            if fields == 4 {
                start = i + 1;
                break;
            }
        }
    }
    if let Some(png) = png {
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile"])
            .arg(pdf)
            .arg(png.with_extension(""))
            .status()
            .unwrap();
        assert!(status.success());
    }
    ppm[start..]
        .chunks_exact(3)
        .filter(|p| {
            let (r, g, b) = (i32::from(p[0]), i32::from(p[1]), i32::from(p[2]));
            b > r + 60 && b > g + 40
        })
        .count()
}

/// Prints `url` to PDF in a new tab of `b` and returns the file (kept in `dir`).
async fn print_form(b: &Browser, url: &str, dir: &Path, name: &str) -> PathBuf {
    let console = b.current_window().await;
    let tab = b.new_window().await;
    b.switch_to(&tab).await;
    b.goto(url).await;
    b.wait(
        "document.fonts.status === 'loaded' && !!document.querySelector('h1')",
        "the form",
        SECS,
    )
    .await;
    let pdf = b.print_pdf().await;
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    b.switch_to(&console).await;
    path
}

async fn tablet_accessible(tab: &Browser, what: &str) {
    tab.assert_accessible(&format!("{what} (ar)")).await;
    tab.click("#lang").await;
    tab.wait("document.documentElement.lang === 'en'", "English", SECS)
        .await;
    tab.assert_accessible(&format!("{what} (en)")).await;
    tab.click("#lang").await;
    tab.wait("document.documentElement.lang === 'ar'", "Arabic", SECS)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_applicant_reads_the_data_signs_with_a_finger_and_the_printed_form_carries_it() {
    if !webdriver::available("applicant tablet") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let tablet_token = provision::add_applicant_tablet(&server.db, "tablet", 1).unwrap();
    let api = Api::new(&server.base_url);
    let intake = json!({ "notice_version": "2026-11-v1", "name": NAME,
        "national_id": "1234567897", "mobile": "0512345678" });
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request", "intake": intake }),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);

    // The tablet, paired by its link; the token leaves the address bar.
    let tab = Browser::start().await;
    tab.size(820, 1180).await;
    tab.goto(&format!(
        "{}/applicant#token={tablet_token}",
        server.base_url
    ))
    .await;
    tab.wait(&visible("idle"), "the tablet's idle screen", SECS)
        .await;
    assert!(
        !tab.js("return location.href;", json!([]))
            .await
            .as_str()
            .unwrap()
            .contains("token")
    );

    // The desk serves the visitor and checks the documents.
    let b = Browser::start().await;
    b.size(1280, 1400).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    login(&b, "amal").await;
    click_when_enabled(&b, "sign-in-btn").await;
    click_when_enabled(&b, "call-next-btn").await;
    b.wait_text("#current-label", "A-").await;
    click_when_enabled(&b, "start-btn").await;
    b.wait_text("#current-state", "قيد الخدمة").await;
    b.js(
        "document.getElementById('doc-expiry-identity').value = '2031-06-30';",
        json!([]),
    )
    .await;
    b.click("#doc-valid-identity").await;
    b.wait_text("#doc-done-identity", "2031-06-30").await;
    b.type_into("#doc-reference-case_report", "1448/4471").await;
    b.click("#doc-valid-case_report").await;
    b.wait_text("#doc-done-case_report", "amal").await;
    b.click("#check-documents_checked").await;
    b.wait_text("#done-documents_checked", "amal").await;
    assert_eq!(
        b.js(
            "return document.getElementById('check-data_confirmed').disabled;",
            json!([])
        )
        .await,
        json!(true),
        "6.4 is the applicant's, not a staff tick"
    );

    // Shown on the tablet: the data in full, the documents, the declaration.
    click_when_enabled(&b, "confirm-ask").await;
    tab.wait(&visible("review"), "the data on the tablet", SECS)
        .await;
    let shown = tab.text("#data").await;
    for part in [NAME, "1234567897", "+966512345678", "طلب دعم جديد"] {
        assert!(shown.contains(part), "{part} missing from {shown}");
    }
    assert!(tab.text("#documents").await.contains("1448/4471"));
    assert!(
        tab.text("#declaration")
            .await
            .contains("مسؤول مسؤولية مباشرة")
    );
    b.wait_text("#confirm-state", "معروضة على شاشة المتقدم")
        .await;
    tab.screenshot(shots, "applicant-review-ar.png").await;
    tablet_accessible(&tab, "the applicant's review").await;
    tab.click("#lang").await;
    tab.wait_text("#review-title", "Please check your details")
        .await;
    assert!(tab.text("#data").await.contains("New support request"));
    tab.screenshot(shots, "applicant-review-en.png").await;
    tab.click("#lang").await;
    tab.wait_text("#review-title", "راجع بياناتك").await;

    // "Something is wrong": nothing stored, the desk is told, the tablet is blank again.
    tab.click("#wrong").await;
    tab.wait_text("#thanks-text", "سيراجع البيانات معك").await;
    assert_eq!(tab.text("#data").await, "", "the data left the screen");
    b.wait_text("#confirm-state", "في البيانات خطأ").await;
    assert!(confirmations(&server).is_empty());

    // Asked again; the applicant signs with a finger.
    click_when_enabled(&b, "confirm-ask").await;
    tab.wait(&visible("review"), "the data again", SECS).await;
    tab.click("#correct").await;
    tab.wait(&visible("sign"), "the signature pad", SECS).await;
    tab.click("#submit").await;
    tab.wait_text("#sign-error", "وقّع في المربع أولًا").await;
    tab.draw(
        "#pad",
        &[
            (-220, 10),
            (-170, -50),
            (-120, 40),
            (-60, -45),
            (0, 35),
            (60, -30),
            (130, 20),
            (200, -10),
        ],
    )
    .await;
    tab.draw("#pad", &[(-200, 60), (180, 55)]).await;
    tab.screenshot(shots, "applicant-sign-ar.png").await;
    tab.assert_accessible("the signature pad (ar)").await;
    tab.click("#submit").await;
    tab.wait_text("#thanks-text", "تم تأكيد بياناتك").await;
    assert_eq!(
        tab.text("#data").await,
        "",
        "nothing of the applicant stays on screen"
    );
    assert_eq!(confirmations(&server), ["screen"]);
    b.wait_text("#done-data_confirmed", "amal").await;
    b.wait_text("#confirm-state", "ووقّع على الشاشة").await;
    b.js(
        "document.getElementById('confirm-box').scrollIntoView();",
        json!([]),
    )
    .await;
    b.screenshot(shots, "console-confirmed-ar.png").await;
    // The tablet goes back to waiting for the next applicant.
    tab.wait(&visible("idle"), "the idle screen after the thanks", SECS)
        .await;

    // 6.5 told, registered; the reference is shown and the form printed.
    b.click("#check-committee_told").await;
    b.wait_text("#done-committee_told", "amal").await;
    b.js(
        "const o = document.getElementById('outcome-select'); o.value = 'support_request_registered';\
         o.dispatchEvent(new Event('change'));",
        json!([]),
    )
    .await;
    b.click("#finish-btn").await;
    b.wait_text("#follow-up-reference", "R-").await;
    let reference = b.text("#follow-up-reference").await;
    // The console's button opens the form in a tab of its own.
    assert_eq!(b.windows().await.len(), 1);
    b.click("#finished-form").await;
    let deadline = std::time::Instant::now() + SECS;
    while b.windows().await.len() < 2 {
        assert!(std::time::Instant::now() < deadline, "no tab for the form");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let id = t.json["id"].as_i64().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let form_url = format!("{}/api/v1/tickets/{id}/request-form", server.base_url);
    let file = print_form(&b, &form_url, dir.path(), "form.pdf").await;
    let text = pdf_text(&file);
    for part in [
        reference.as_str(),
        NAME,
        "1234567897",
        "نموذج طلب دعم",
        "مسؤول مسؤولية مباشرة",
        "1448/4471",
    ] {
        assert!(
            text.contains(part),
            "{part} missing from the printed form:\n{text}"
        );
    }
    let ink = blue_ink(&file, shots.map(|d| d.join("request-form-ar.png")));
    assert!(
        ink > 150,
        "the signature's ink on the page: {ink} blue pixels"
    );
    let copy = print_form(
        &b,
        &format!("{form_url}?copy=applicant"),
        dir.path(),
        "copy.pdf",
    )
    .await;
    let text = pdf_text(&copy);
    assert!(
        text.contains("نسخة المتقدم") && text.contains(&reference),
        "{text}"
    );
    assert!(
        !text.contains("1234567897") && text.contains("7897"),
        "{text}"
    );
    assert!(text.contains("لا تقل عن أسبوعين"), "{text}");
    if let Some(d) = shots {
        blue_ink(&copy, Some(d.join("request-form-copy-ar.png")));
    }
    tab.quit().await;
    b.quit().await;
}
