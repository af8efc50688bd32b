//! Policy step 6 at the desk, in a real headless Chromium: a visitor who skipped the kiosk form
//! is completed at the desk (the data notice read to them and their agreement ticked first; the
//! kiosk's rules, refusals in the staff member's words), the service's documents are recorded
//! against the originals (6.2), registration waits for the whole checklist (6.6) and says what
//! is missing; and the next visitor's form holds nothing of this one. axe-core in both languages.

use std::path::PathBuf;

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

use crate::console_steps::{SECS, accessible, click_when_enabled, login};

async fn choose_registered(b: &Browser) {
    b.js(
        "const o = document.getElementById('outcome-select'); o.value = 'support_request_registered';\
         o.dispatchEvent(new Event('change'));",
        json!([]),
    )
    .await;
}

/// Chooses `field` in the details form, types `value` and saves.
async fn save_field(b: &Browser, field: &str, value: &str) {
    b.js(
        "document.getElementById('edit-field').value = arguments[0];",
        json!([field]),
    )
    .await;
    b.js(
        "document.getElementById('edit-value').value = '';",
        json!([]),
    )
    .await;
    b.type_into("#edit-value", value).await;
    b.click("#edit-save").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_who_skipped_the_kiosk_form_is_completed_checked_and_registered_at_the_desk() {
    if !webdriver::available("visit case at the desk") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    for _ in 0..2 {
        let t = api
            .issue(
                &server.kiosk_token,
                &key(),
                &json!({ "service": "new_request" }),
            )
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    }

    let b = Browser::start().await;
    b.size(1280, 1400).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    login(&b, "amal").await;
    click_when_enabled(&b, "sign-in-btn").await;
    click_when_enabled(&b, "call-next-btn").await;
    b.wait_text("#current-label", "A-").await;
    let first = b.text("#current-label").await;
    click_when_enabled(&b, "start-btn").await;
    b.wait_text("#current-state", "قيد الخدمة").await;

    // No details from the kiosk: the notice to read and the agreement are offered.
    b.wait(
        "!document.getElementById('no-intake').classList.contains('hidden')\
         && !document.getElementById('desk-consent-box').classList.contains('hidden')",
        "the consent box for a visitor without details",
        SECS,
    )
    .await;
    assert!(
        b.js(
            "return document.getElementById('notice-text').textContent;",
            json!([])
        )
        .await
        .as_str()
        .unwrap()
        .contains("نطلب بياناتك"),
        "the notice the staff member reads is the kiosk's"
    );
    save_field(&b, "name", "نورة العتيبي").await;
    b.wait_text("#edit-error", "اقرأ له إشعار البيانات").await;
    b.click("#desk-consent").await;
    save_field(&b, "name", "نورة العتيبي").await;
    b.wait_text("#intake-name", "نورة العتيبي").await;
    assert_eq!(b.text("#edit-error").await, "");
    // The kiosk's rule, in the staff member's language.
    save_field(&b, "national_id", "1234567890").await;
    b.wait(
        "document.getElementById('edit-error').textContent !== ''",
        "the national ID refused",
        SECS,
    )
    .await;
    save_field(&b, "national_id", "1234567897").await;
    b.wait_text("#intake-nid", "7897").await;
    assert!(b.text("#intake-nid").await.contains('•'), "shown masked");
    assert_eq!(
        b.js(
            "return document.getElementById('edit-value').value;",
            json!([])
        )
        .await,
        json!(""),
        "the typed value is cleared"
    );

    // 6.2: the documents of the service, each with what its rule asks.
    b.js(
        "document.getElementById('doc-expiry-identity').value = '2031-06-30';",
        json!([]),
    )
    .await;
    b.click("#doc-valid-identity").await;
    b.wait_text("#doc-done-identity", "2031-06-30").await;
    b.click("#doc-valid-case_report").await;
    b.wait_text("#documents-error", "رقم المستند").await;
    b.type_into("#doc-reference-case_report", "1448/4471").await;
    b.click("#doc-valid-case_report").await;
    b.wait_text("#doc-done-case_report", "amal").await;
    assert_eq!(b.text("#documents-error").await, "");

    // 6.6: registering says what it still waits for.
    choose_registered(&b).await;
    b.wait(
        "!document.getElementById('checklist-hint').classList.contains('hidden')",
        "the hint of what registration waits for",
        SECS,
    )
    .await;
    let missing = b.text("#registration-missing").await;
    for step in ["٦-٢", "٦-٤", "٦-٥"] {
        assert!(missing.contains(step), "{step} missing from {missing}");
    }
    b.click("#finish-btn").await;
    b.wait_text("#finish-error", "قائمة التحقق").await;
    b.js("window.scrollTo(0, 0);", json!([])).await;
    b.screenshot(shots, "console-desk-details-ar.png").await;
    accessible(&b, "a visitor completed at the desk").await;
    b.click("#lang-btn").await;
    b.wait_text("#documents-h", "Documents").await;
    b.screenshot(shots, "console-desk-details-en.png").await;
    b.click("#lang-btn").await;
    b.wait_text("#documents-h", "المستندات").await;
    // 6.4 is the applicant's: staff cannot tick it; here they signed the printed form.
    b.click("#check-documents_checked").await;
    b.wait_text("#done-documents_checked", "amal").await;
    b.click("#confirm-paper").await;
    b.wait_text("#done-data_confirmed", "amal").await;
    b.click("#check-committee_told").await;
    b.wait_text("#done-committee_told", "amal").await;
    b.click("#finish-btn").await;
    b.wait_text("#finished-label", &first).await;
    b.wait(
        "!document.getElementById('follow-up').classList.contains('hidden')",
        "the committee's earliest answer",
        SECS,
    )
    .await;

    // The next visitor: nothing of the first one in the form.
    click_when_enabled(&b, "call-next-btn").await;
    b.wait(
        &format!("document.getElementById('current-label').textContent.startsWith('A-') && document.getElementById('current-label').textContent !== {first:?}"),
        "the next visitor",
        SECS,
    )
    .await;
    click_when_enabled(&b, "start-btn").await;
    b.wait(
        "document.querySelectorAll('#documents li').length === 3",
        "the next visitor's documents",
        SECS,
    )
    .await;
    let left = b
        .js(
            "return { consent: document.getElementById('desk-consent').checked,\
               edit: document.getElementById('edit-value').value,\
               docs: Array.from(document.querySelectorAll('#documents input')).map(i => i.value).join(''),\
               done: Array.from(document.querySelectorAll('#documents .done')).map(d => d.textContent).join(''),\
               name: document.getElementById('intake-name').textContent };",
            json!([]),
        )
        .await;
    assert_eq!(
        left,
        json!({ "consent": false, "edit": "", "docs": "", "done": "", "name": "" }),
        "the next visitor starts empty"
    );

    // Registering this one over an incomplete checklist needs the supervisor's leave, given from
    // the supervisor's own console with a reason.
    let second = b.text("#current-label").await;
    choose_registered(&b).await;
    b.click("#finish-btn").await;
    b.wait_text("#finish-error", "بإذن المشرف").await;
    b.click("#logout-btn").await;
    login(&b, "sara").await;
    let allow = "#at-desk-list li[data-ticket] details.allow-registration";
    b.wait(
        &format!("document.querySelector({allow:?}) !== null"),
        "the supervisor's list of visitors at the desks",
        SECS,
    )
    .await;
    b.click(&format!("{allow} summary")).await;
    let ticket: i64 = b
        .js(
            &format!("return Number(document.querySelector({allow:?}).dataset.ticket);"),
            json!([]),
        )
        .await
        .as_i64()
        .unwrap();
    b.type_into(&format!("#allow-reason-{ticket}"), "الوثائق لدى الشرطة")
        .await;
    b.js("window.scrollTo(0, document.body.scrollHeight);", json!([]))
        .await;
    b.screenshot(shots, "console-allow-registration-ar.png")
        .await;
    accessible(&b, "the supervisor allowing a registration").await;
    b.click(&format!("#allow-btn-{ticket}")).await;
    b.wait_text("#done-note", &second).await;
    b.click("#logout-btn").await;
    login(&b, "amal").await;
    b.wait_text("#current-label", &second).await;
    choose_registered(&b).await;
    click_when_enabled(&b, "finish-btn").await;
    b.wait_text("#finished-label", &second).await;
    b.quit().await;
}
