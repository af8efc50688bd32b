//! The reference panel (issue 14 item 6, policy section 5) in a real headless Chromium: with a
//! visitor at the desk, the officer opens the branch's documents, searches with hamza and
//! tashkeel and finds the text written without them, reads a document in the panel's frame
//! while the visit stays on screen and usable, goes back with the keyboard; at 320 px too.
//! axe-core in both languages, on the console with a document open and on the document's page.

use std::path::PathBuf;

use counter_server::domain::{Gender, Role};
use counter_server::provision::{self, NewReference};
use e2e::webdriver::{self, Browser};
use e2e::{TestServer, key};
use serde_json::json;

use crate::console_steps::{SECS, accessible, click_when_enabled, login};

const ESCAPE: &str = "\u{E00C}";

fn add_demo_documents(server: &TestServer) {
    for (file_name, title_ar, title_en, lang, text) in [
        (
            "policy.ar.md",
            "سياسة تنظيم العلاقة مع المستفيدين",
            "Policy for the relationship with beneficiaries (Arabic)",
            "ar",
            include_str!(
                "../../../counter-server/demo/reference/beneficiary-relations-policy.ar.md"
            ),
        ),
        (
            "policy.en.md",
            "سياسة تنظيم العلاقة مع المستفيدين (ترجمة إنجليزية)",
            "Policy for the relationship with beneficiaries",
            "en",
            include_str!(
                "../../../counter-server/demo/reference/beneficiary-relations-policy.en.md"
            ),
        ),
        (
            "guide.ar.md",
            "دليل خدمات البحث الاجتماعي (مقتطف تجريبي)",
            "Social-research services guide (demo excerpt)",
            "ar",
            include_str!(
                "../../../counter-server/demo/reference/social-research-services-guide.ar.md"
            ),
        ),
    ] {
        provision::add_reference(
            &server.db,
            &NewReference {
                file_name,
                bytes: text.as_bytes(),
                title_ar,
                title_en,
                lang,
                pdf_text: None,
            },
        )
        .unwrap();
    }
}

/// The visit's label is on screen and nothing covers it (the panel is beside it, not over it).
async fn visit_in_view(b: &Browser) {
    let seen = b
        .js(
            "const l = document.getElementById('current-label'); l.scrollIntoView({block: 'nearest'});\
             const r = l.getBoundingClientRect(); const p = document.getElementById('reference').getBoundingClientRect();\
             const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);\
             const apart = r.right <= p.left || r.left >= p.right || r.bottom <= p.top || r.top >= p.bottom;\
             return { apart, uncovered: hit === l || l.contains(hit), inside: r.top >= 0 && r.bottom <= innerHeight, scroll: document.documentElement.scrollWidth, width: innerWidth };",
            json!([]),
        )
        .await;
    assert_eq!(
        seen["apart"],
        json!(true),
        "the visit beside the panel: {seen}"
    );
    assert_eq!(seen["uncovered"], json!(true), "{seen}");
    assert_eq!(seen["inside"], json!(true), "{seen}");
    assert!(
        seen["scroll"].as_f64().unwrap() <= seen["width"].as_f64().unwrap() + 1.0,
        "no sideways scrolling: {seen}"
    );
}

/// Types a query the way the search box receives it, and waits for `n` results.
async fn search(b: &Browser, query: &str, n: usize) {
    b.js(
        "const q = document.getElementById('reference-q'); q.value = arguments[0];\
         q.dispatchEvent(new Event('input', { bubbles: true }));",
        json!([query]),
    )
    .await;
    b.wait(
        &format!(
            "document.querySelectorAll('#reference-list li').length === {n} \
             && document.getElementById('reference-count').textContent !== ''"
        ),
        &format!("{n} results for {query}"),
        SECS,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_reads_the_branchs_documents_beside_the_visit() {
    if !webdriver::available("reference panel") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    add_demo_documents(&server);
    let api = e2e::Api::new(&server.base_url);
    api.issue(
        &server.kiosk_token,
        &key(),
        &json!({ "service": "new_request" }),
    )
    .await;

    let b = Browser::start().await;
    b.size(1280, 900).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    login(&b, "amal").await;
    click_when_enabled(&b, "sign-in-btn").await;
    click_when_enabled(&b, "call-next-btn").await;
    b.wait_text("#current-label", "A-").await;
    click_when_enabled(&b, "start-btn").await;
    b.wait_text("#current-state", "قيد الخدمة").await;

    // Opened from the header; every document listed, the search box focused.
    b.click("#reference-btn").await;
    b.wait(
        "document.querySelectorAll('#reference-list li').length === 3",
        "the branch's three documents",
        SECS,
    )
    .await;
    assert_eq!(
        b.js("return document.activeElement.id;", json!([])).await,
        json!("reference-q")
    );
    // Typed with hamza and tashkeel; the documents write أسبوعين and اللجنة without tashkeel.
    search(&b, "أُسْبُوعَيْن", 2).await;
    // Each with a passage around the word, in the document's own spelling.
    let first = b.text("#reference-list li:first-child").await;
    assert!(first.contains("سياسة تنظيم العلاقة"), "{first}");
    assert!(first.contains("لا تقل عن أسبوعين"), "{first}");
    // The policy writes مسئولية, the guide مسؤولية: one search form finds both.
    search(&b, "مسئولية مباشرة", 2).await;
    search(&b, "غير موجود إطلاقا", 0).await;
    b.wait_text("#reference-count", "لا توجد مراجع").await;
    search(&b, "سياسة", 3).await;

    // Read without leaving the visit: the policy in the panel's frame, the visit beside it.
    b.click("#reference-list li:first-child button").await;
    b.wait(
        "(() => { const d = document.getElementById('reference-frame').contentDocument;\
           return d && d.documentElement.dir === 'rtl' && d.querySelector('h1')\
             && d.querySelector('h1').textContent.includes('سياسة تنظيم العلاقة'); })()",
        "the policy in the frame",
        SECS,
    )
    .await;
    assert_eq!(
        b.js("return document.activeElement.id;", json!([])).await,
        json!("reference-back")
    );
    visit_in_view(&b).await;
    assert!(
        b.text("#reference-doc-title")
            .await
            .contains("سياسة تنظيم العلاقة")
    );
    b.screenshot(shots, "console-reference-ar.png").await;
    accessible(&b, "the console with a reference document open").await;
    // The visit is still usable while reading: a checklist tick is saved.
    b.click("#check-committee_told").await;
    b.wait_text("#done-committee_told", "amal").await;

    // The keyboard: Escape goes back to the results (focus on the document read), then closes
    // the panel (focus on its button), and the page takes its whole width again.
    b.send_keys("#reference-back", ESCAPE).await;
    b.wait(
        "document.getElementById('reference-reader').classList.contains('hidden')\
         && document.activeElement.matches('#reference-list li:first-child button')",
        "back to the results",
        SECS,
    )
    .await;
    b.send_keys("#reference-list li:first-child button", ESCAPE)
        .await;
    b.wait(
        "document.getElementById('reference').classList.contains('hidden')\
         && document.activeElement.id === 'reference-btn'\
         && !document.body.classList.contains('reading-reference')",
        "the panel closed",
        SECS,
    )
    .await;
    assert_eq!(
        b.js(
            "return document.getElementById('reference-btn').getAttribute('aria-expanded');",
            json!([])
        )
        .await,
        json!("false")
    );

    // At 320 px: the panel is the lower part of the screen, the visit still above it.
    b.size(320, 800).await;
    b.click("#reference-btn").await;
    b.click("#reference-list li:first-child button").await;
    b.wait(
        "(() => { const d = document.getElementById('reference-frame').contentDocument;\
           return d && d.querySelector('h1'); })()",
        "the document at 320 px",
        SECS,
    )
    .await;
    visit_in_view(&b).await;
    b.screenshot(shots, "console-reference-320-ar.png").await;
    b.size(1280, 900).await;

    // In English: the titles in English, and the English translation read left to right.
    b.click("#lang-btn").await;
    b.wait("document.documentElement.lang === 'en'", "English", SECS)
        .await;
    b.wait_text("#reference-doc-title", "Policy for the relationship")
        .await;
    b.click("#reference-back").await;
    search(&b, "research committee", 1).await;
    b.click("#reference-list li:first-child button").await;
    b.wait(
        "(() => { const d = document.getElementById('reference-frame').contentDocument;\
           return d && d.documentElement.lang === 'en' && d.documentElement.dir === 'ltr'\
             && d.body.textContent.includes('research committee'); })()",
        "the English translation in the frame",
        SECS,
    )
    .await;
    visit_in_view(&b).await;
    b.screenshot(shots, "console-reference-en.png").await;
    b.click("#lang-btn").await;
    b.wait("document.documentElement.lang === 'ar'", "Arabic", SECS)
        .await;

    // The document's own page (as the frame shows it) passes axe too.
    let url = b
        .js(
            "return document.getElementById('reference-frame').src;",
            json!([]),
        )
        .await;
    // Signing out closes the panel and forgets the search.
    b.click("#logout-btn").await;
    b.wait(
        "document.getElementById('reference').classList.contains('hidden')\
         && document.getElementById('reference-q').value === ''\
         && document.getElementById('reference-frame').src === 'about:blank'\
         && document.getElementById('reference-btn').classList.contains('hidden')",
        "nothing of the panel after sign-out",
        SECS,
    )
    .await;
    login(&b, "amal").await;
    b.goto(url.as_str().unwrap()).await;
    b.wait(
        "document.querySelector('main h1') !== null",
        "the page",
        SECS,
    )
    .await;
    b.assert_accessible("a reference document's page").await;
    b.quit().await;
}
