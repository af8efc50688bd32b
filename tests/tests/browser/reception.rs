//! Reception issues a number in a real headless Chromium, without and with the visitor's details:
//! the QR on screen (read back from a screenshot by `zbarimg`) is the status link shown to
//! dictate, the printed ticket (PDF by Chromium, read by `pdftotext` and `zbarimg`) has the label,
//! the service and the QR and nothing personal, details need the verbal consent ticked, a double
//! click makes one ticket, and nothing of one visitor stays for the next or after sign-out.
//! axe-core in both languages.

use std::path::{Path, PathBuf};
use std::process::Command;

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TestServer, counts};
use serde_json::{Value, json};

use crate::console_steps::{self, SECS, accessible};

const NAME: &str = "VISITOR-ON-THE-PHONE";

/// What `zbarimg` reads in a PNG: the QR codes' texts.
pub(crate) fn qr_codes(png: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(png)
        .output()
        .expect("zbarimg (apt-get install zbar-tools)");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The first page of `pdf` as a PNG, for `zbarimg`.
fn pdf_png(pdf: &Path) -> PathBuf {
    let png = pdf.with_extension("png");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(png.with_extension(""))
        .status()
        .unwrap();
    assert!(status.success(), "pdftoppm failed");
    png
}

async fn value(b: &Browser, script: &str) -> Value {
    b.js(&format!("return {script};"), json!([])).await
}

/// Issues with the form as filled in and waits for the result; returns (label, status URL).
async fn issue(b: &Browser) -> (String, String) {
    b.click("#rc-issue").await;
    b.wait(
        "!document.getElementById('rc-result').classList.contains('hidden')",
        "the issued ticket",
        SECS,
    )
    .await;
    let label = b.text("#rc-label").await;
    let url = value(b, "document.getElementById('rc-url').value").await;
    (label, url.as_str().unwrap().to_string())
}

/// The QR on screen decodes to the status link.
async fn screen_qr(b: &Browser, dir: &Path, url: &str) {
    b.js(
        "document.getElementById('rc-qr').scrollIntoView({block: 'center'});",
        json!([]),
    )
    .await;
    b.screenshot(Some(dir), "screen.png").await;
    assert_eq!(qr_codes(&dir.join("screen.png")), vec![url.to_string()]);
}

/// The printed ticket: label, service, the QR of the status link, and nothing else.
async fn printed(b: &Browser, dir: &Path, label: &str, service: &str, url: &str) {
    let pdf = b.print_pdf().await;
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let path = dir.join("ticket.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = pdf_text(&path);
    assert!(text.contains(label), "{text}");
    assert!(text.contains(service), "{text}");
    for absent in [NAME, "0512345678", "/t/", "الطابور", "تسجيل الدخول"] {
        assert!(!text.contains(absent), "{absent:?} printed: {text}");
    }
    assert_eq!(qr_codes(&pdf_png(&path)), vec![url.to_string()]);
}

/// `url` is this branch's status link of ticket `label`.
async fn assert_status_link(api: &Api, base: &str, url: &str, label: &str) {
    let token = url
        .strip_prefix(&format!("{base}/t/"))
        .unwrap_or_else(|| panic!("{url}"));
    let status = api.get(&format!("/api/v1/status/{token}"), None).await;
    assert_eq!(status.json["label"], json!(label), "{}", status.text);
}

/// Nothing of the visitor is left on screen.
async fn assert_clear(b: &Browser, after: &str) {
    let left = value(
        b,
        "['rc-label', 'rc-qr', 'rc-ticket-label', 'rc-ticket-qr', 'rc-ticket-service', 'rc-service-name']
            .map(id => document.getElementById(id).innerHTML).join('')
         + ['rc-url', 'rc-name', 'rc-nid', 'rc-mobile'].map(id => document.getElementById(id).value).join('')
         + Array.from(document.querySelectorAll('#rc-form input[type=checkbox]')).filter(c => c.checked).length",
    )
    .await;
    assert_eq!(left, json!("0"), "after {after}");
}

/// The browser printed the ticket: the screen is ready for the next visitor.
async fn wait_cleared(b: &Browser, after: &str) {
    b.wait(
        "document.getElementById('rc-result').classList.contains('hidden') && document.getElementById('rc-qr').innerHTML === ''",
        &format!("cleared after {after}"),
        SECS,
    )
    .await;
    assert_clear(b, after).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reception_issues_a_number_shown_and_printed_with_and_without_details() {
    if !webdriver::available("reception issue") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login("amal").await;

    let b = Browser::start().await;
    b.goto(&format!("{}/console", server.base_url)).await;
    console_steps::login(&b, "amal").await;
    b.wait(
        "document.querySelectorAll('#rc-service option').length > 0 && document.getElementById('rc-notice').textContent !== ''",
        "the services and the notice",
        SECS,
    )
    .await;
    accessible(&b, "reception form").await;

    // Without details: a visitor who needs priority, on the phone.
    b.js(
        "const s = document.getElementById('rc-service'); s.value = 'inquiry'; s.dispatchEvent(new Event('change'));",
        json!([]),
    )
    .await;
    b.click("#rc-priority").await;
    let (label, url) = issue(&b).await;
    assert_status_link(&api, &server.base_url, &url, &label).await;
    let service = b.text("#rc-service-name").await;
    assert!(!service.is_empty());
    screen_qr(&b, dir.path(), &url).await;
    printed(&b, dir.path(), &label, &service, &url).await;
    let queue = api.get("/api/v1/queue", Some(&amal)).await;
    let t = queue.json["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == json!(label))
        .unwrap_or_else(|| panic!("{label} in {}", queue.text))
        .clone();
    assert_eq!(
        (t["service"].as_str(), t["priority"].as_str()),
        (Some("inquiry"), Some("priority"))
    );
    wait_cleared(&b, "printing").await;

    // With details: refused until the verbal consent is ticked; a double click makes one ticket.
    b.click("#rc-details").await;
    b.wait(
        "!document.getElementById('rc-intake').classList.contains('hidden')",
        "the notice and the details",
        SECS,
    )
    .await;
    b.type_into("#rc-name", NAME).await;
    b.type_into("#rc-mobile", "0512345678").await;
    b.click("#rc-issue").await;
    b.wait(
        "document.getElementById('rc-error').dataset.code === 'consent_not_given'",
        "the consent refusal",
        SECS,
    )
    .await;
    let before = counts(&server.db_path);
    b.click("#rc-consent").await;
    accessible(&b, "reception details with the notice").await;
    b.js(
        "const b = document.getElementById('rc-issue'); b.click(); b.click();",
        json!([]),
    )
    .await;
    b.wait(
        "!document.getElementById('rc-result').classList.contains('hidden')",
        "the issued ticket",
        SECS,
    )
    .await;
    let after = counts(&server.db_path);
    assert_eq!(
        (after.tickets, after.intakes, after.consents),
        (before.tickets + 1, before.intakes + 1, before.consents + 1),
        "one ticket for a double click, with its details and consent"
    );
    let label = b.text("#rc-label").await;
    let url = value(&b, "document.getElementById('rc-url').value").await;
    let url = url.as_str().unwrap().to_string();
    assert_status_link(&api, &server.base_url, &url, &label).await;
    let service = b.text("#rc-service-name").await;
    screen_qr(&b, dir.path(), &url).await;
    accessible(&b, "reception ticket issued").await;
    let to_result = "document.getElementById('rc-result').scrollIntoView({block: 'start'});";
    b.js(to_result, json!([])).await;
    b.screenshot(shots, "console-reception-issue-ar.png").await;
    b.click("#lang-btn").await;
    b.wait("document.documentElement.lang === 'en'", "English", SECS)
        .await;
    b.js(to_result, json!([])).await;
    b.screenshot(shots, "console-reception-issue-en.png").await;
    let service_en = b.text("#rc-service-name").await;
    assert_ne!(service_en, service, "the service in English");
    printed(&b, dir.path(), &label, &service_en, &url).await;
    wait_cleared(&b, "printing").await;
    b.click("#lang-btn").await;
    b.wait("document.documentElement.lang === 'ar'", "Arabic", SECS)
        .await;

    // A visitor on the phone: the link dictated, then the next visitor.
    b.click("#rc-issue").await;
    b.wait(
        "!document.getElementById('rc-result').classList.contains('hidden')",
        "the issued ticket",
        SECS,
    )
    .await;
    b.click("#rc-next").await;
    wait_cleared(&b, "next visitor").await;

    // Signing out with a ticket on screen clears it for whoever logs in next.
    b.click("#rc-issue").await;
    b.wait(
        "!document.getElementById('rc-result').classList.contains('hidden')",
        "the issued ticket",
        SECS,
    )
    .await;
    b.click("#logout-btn").await;
    b.wait(
        "!document.getElementById('login').classList.contains('hidden')",
        "the login form",
        SECS,
    )
    .await;
    assert_clear(&b, "sign-out").await;
    assert_eq!(
        value(
            &b,
            "document.getElementById('reception').classList.contains('hidden')"
        )
        .await,
        json!(true)
    );
    b.quit().await;
}
