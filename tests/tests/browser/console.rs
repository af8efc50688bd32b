//! The staff console for the next visitor and the next staff member, in a real headless Chromium:
//! after every action (call next, call a given ticket, recall, arrived, no-show, return, refer,
//! transfer to a line and to a desk, cancel, finish, pause, a supervisor moving the visitor away,
//! sign-out) the next visitor's form is empty; an unattended console signs itself out while
//! events keep flowing and says why; actions are offered only when they make sense, refusals are
//! shown next to the action in the staff member's words. axe-core checks every state reached, in
//! Arabic and English.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::console_steps::{self, SECS, accessible, click_when_enabled};

/// Logs in and waits for the desks this staff member may use.
async fn login(b: &Browser, user: &str) {
    console_steps::login(b, user).await;
    b.wait(
        "document.querySelectorAll('#desk-select option').length > 0",
        "desks listed",
        SECS,
    )
    .await;
}

async fn wait_focus(b: &Browser, id: &str) {
    b.wait(
        &format!("document.activeElement && document.activeElement.id === {id:?}"),
        &format!("focus on #{id}"),
        SECS,
    )
    .await;
}

/// A ticket's number, which a transfer to another line keeps (the letter changes).
fn number(label: &str) -> String {
    label.rsplit('-').next().unwrap_or(label).to_string()
}

/// Waits until a visitor is called to the desk and their details are shown; returns the label.
async fn current_visitor(b: &Browser, names: &HashMap<String, String>) -> String {
    b.wait(
        "!document.getElementById('current').classList.contains('hidden') && document.getElementById('intake-name').textContent !== ''",
        "a visitor with their details",
        SECS,
    )
    .await;
    let label = b.text("#current-label").await;
    assert_eq!(
        b.text("#intake-name").await,
        names
            .get(&number(&label))
            .map(String::as_str)
            .unwrap_or("?"),
        "the details shown are those of {label}"
    );
    label
}

/// Fills in everything a visitor's form has: note, referral reason, outcome, transfer choice,
/// the reveal, and (once arrived) a checklist tick.
async fn dirty(b: &Browser, arrived: bool) {
    b.type_into("#finish-note", "NOTE-OF-THE-PREVIOUS").await;
    if b.js(
        "return document.getElementById('refer-box').offsetParent !== null;",
        json!([]),
    )
    .await
        == json!(true)
    {
        b.type_into("#refer-reason", "السبب: عنف أسري").await;
    }
    b.js(
        "const o = document.getElementById('outcome-select'); o.value = 'other'; o.dispatchEvent(new Event('change'));\
         document.getElementById('transfer-target').value = 'service:follow_up';",
        json!([]),
    )
    .await;
    b.click("#reveal-btn").await;
    b.wait(
        "!document.getElementById('intake-nid').textContent.includes('•')",
        "the full number revealed",
        SECS,
    )
    .await;
    if arrived {
        b.type_into("#edit-value", "EDIT-OF-THE-PREVIOUS").await;
        b.click("#check-documents_checked").await;
        b.wait(
            "document.getElementById('done-documents_checked').textContent !== ''",
            "a tick",
            SECS,
        )
        .await;
    }
}

/// Everything a visitor's form holds, as the page has it now.
async fn form(b: &Browser) -> Value {
    b.js(
        "const v = (id) => document.getElementById(id).value;\
         const t = (id) => document.getElementById(id).textContent;\
         return { note: v('finish-note'), reason: v('refer-reason'), outcome: v('outcome-select'),\
           transfer: v('transfer-target'), nid: t('intake-nid'), mobile: t('intake-mobile'),\
           checks: Array.from(document.querySelectorAll('#checklist input')).filter(c => c.checked).length,\
           edit: v('edit-value'), consent: document.getElementById('desk-consent').checked,\
           documents: Array.from(document.querySelectorAll('#documents input')).map(i => i.value).join('')\
             + Array.from(document.querySelectorAll('#documents .done')).map(d => d.textContent).join(''),\
           done: Array.from(document.querySelectorAll('#checklist .done')).map(d => d.textContent).join(''),\
           errors: Array.from(document.querySelectorAll('#current .error, #call-error')).map(e => e.textContent).join('') };",
        json!([]),
    )
    .await
}

/// The visitor now at the desk starts with an empty form (`after` names what happened before).
async fn assert_clean(b: &Browser, names: &HashMap<String, String>, after: &str) -> String {
    let label = current_visitor(b, names).await;
    let f = form(b).await;
    assert_eq!(f["note"], "", "note after {after}: {f}");
    assert_eq!(f["reason"], "", "referral reason after {after}: {f}");
    assert_eq!(
        f["outcome"], "information_given",
        "outcome after {after}: {f}"
    );
    assert_eq!(f["transfer"], "", "transfer choice after {after}: {f}");
    assert_eq!(f["checks"], 0, "checklist after {after}: {f}");
    assert_eq!(f["edit"], "", "details being typed after {after}: {f}");
    assert_eq!(
        f["consent"], false,
        "consent at the desk after {after}: {f}"
    );
    assert_eq!(f["documents"], "", "documents after {after}: {f}");
    assert_eq!(f["done"], "", "ticks after {after}: {f}");
    assert!(
        f["nid"].as_str().unwrap().contains('•'),
        "the number is masked again after {after}: {f}"
    );
    assert_eq!(f["errors"], "", "refusals after {after}: {f}");
    label
}

async fn call_next(b: &Browser) {
    click_when_enabled(b, "call-next-btn").await;
}

async fn wait_free(b: &Browser) {
    b.wait(
        "document.getElementById('current').classList.contains('hidden')",
        "the desk free",
        SECS,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_of_one_visitor_or_staff_member_reaches_the_next() {
    if !webdriver::available("console carry-over") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("badr", Role::Reception, Gender::Male);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let mut names = HashMap::new();
    for n in 1..=14 {
        let name = format!("VISITOR-{n:02}");
        let t = api
            .issue(
                &server.kiosk_token,
                &key(),
                &json!({ "service": "inquiry", "intake": { "notice_version": "2026-11-v1",
                    "name": name, "national_id": "1234567897", "mobile": "0512345678" } }),
            )
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
        names.insert(number(t.json["label"].as_str().unwrap()), name);
    }
    let sara_api = api.login("sara").await;

    let b = Browser::start().await;
    b.goto(&format!("{}/console", server.base_url)).await;
    accessible(&b, "login").await;
    login(&b, "amal").await;
    // Reception sees the reception desks only, the first free one chosen, and why calling waits.
    let desks = b
        .js(
            "return Array.from(document.querySelectorAll('#desk-select option')).map(o => o.value).join(',');",
            json!([]),
        )
        .await;
    assert_eq!(desks, json!("1,2,3"));
    assert_eq!(
        b.js(
            "return document.getElementById('desk-select').value;",
            json!([])
        )
        .await,
        json!("1")
    );
    wait_focus(&b, "desk-select").await;
    assert_eq!(
        b.js(
            "return document.getElementById('call-next-btn').disabled;",
            json!([])
        )
        .await,
        json!(true)
    );
    b.wait_text("#call-hint", "بدء العمل على المكتب").await;
    accessible(&b, "logged in, no desk").await;
    b.screenshot(shots, "console-desk-hint-ar.png").await;
    b.click("#sign-in-btn").await;
    b.wait_text("#desk-id", "1").await;
    wait_focus(&b, "call-next-btn").await;

    // 1. Call next: nothing that needs the visitor present is live before they arrive; a forced
    // finish is refused next to the button, in the staff member's words.
    call_next(&b).await;
    current_visitor(&b, &names).await;
    wait_focus(&b, "start-btn").await;
    let disabled = b
        .js(
            "return ['finish-btn', 'refer-btn', 'check-documents_checked'].map(id => document.getElementById(id).disabled);",
            json!([]),
        )
        .await;
    assert_eq!(disabled, json!([true, true, true]));
    b.wait_text("#arrive-hint", "وصل الزائر").await;
    accessible(&b, "visitor called").await;
    b.js(
        "const f = document.getElementById('finish-btn'); f.disabled = false; f.click();",
        json!([]),
    )
    .await;
    b.wait_text("#finish-error", "لم يصل الزائر بعد").await;
    b.click("#lang-btn").await;
    b.wait_text("#finish-error", "has not arrived yet").await;
    b.js(
        "document.getElementById('finish-error').scrollIntoView({ block: 'center' });",
        json!([]),
    )
    .await;
    b.screenshot(shots, "console-not-arrived-en.png").await;
    b.click("#lang-btn").await;
    b.wait_text("#finish-error", "لم يصل الزائر بعد").await;
    dirty(&b, false).await;
    b.click("#start-btn").await;
    wait_focus(&b, "check-documents_checked").await;
    dirty(&b, true).await;
    accessible(&b, "visitor served").await;
    let first = b.text("#current-label").await;
    click_when_enabled(&b, "finish-btn").await;
    b.wait_text("#finished-label", &first).await;
    wait_focus(&b, "call-next-btn").await;
    call_next(&b).await;
    assert_clean(&b, &names, "finish").await;

    // 2. No-show, then call a given ticket from the list.
    dirty(&b, false).await;
    b.click("#no-show-btn").await;
    b.wait_text("#done-note", "لم يحضر").await;
    b.wait(
        "document.querySelector('#waiting-list .call-btn') && !document.querySelector('#waiting-list .call-btn').disabled",
        "a call button enabled",
        SECS,
    )
    .await;
    b.click("#waiting-list .call-btn").await;
    assert_clean(&b, &names, "no-show, then calling a given ticket").await;

    // 3. Recall, then return to the line (the same visitor may come back: still empty).
    dirty(&b, false).await;
    b.click("#recall-btn").await;
    b.click("#return-btn").await;
    b.wait_text("#done-note", "الطابور").await;
    call_next(&b).await;
    assert_clean(&b, &names, "return to the line").await;

    // 4. Arrived, refer: the referral is confirmed.
    dirty(&b, false).await;
    b.click("#start-btn").await;
    dirty(&b, true).await;
    click_when_enabled(&b, "refer-btn").await;
    b.wait_text("#done-note", "الباحث الاجتماعي").await;
    accessible(&b, "referral confirmed").await;
    call_next(&b).await;
    assert_clean(&b, &names, "refer").await;

    // 5. Transfer to a line; 6. to a desk; 7. cancel.
    dirty(&b, false).await;
    b.click("#transfer-btn").await;
    b.wait_text("#done-note", "حُوّل").await;
    call_next(&b).await;
    assert_clean(&b, &names, "transfer to a line").await;
    dirty(&b, false).await;
    b.js(
        "document.getElementById('transfer-target').value = 'desk:2';",
        json!([]),
    )
    .await;
    b.click("#transfer-btn").await;
    b.wait_text("#done-note", "حُوّل").await;
    call_next(&b).await;
    assert_clean(&b, &names, "transfer to a desk").await;
    dirty(&b, false).await;
    b.click("#cancel-btn").await;
    b.wait_text("#done-note", "أُلغيت").await;
    call_next(&b).await;
    let moved = assert_clean(&b, &names, "cancel").await;

    // 8. A supervisor moves the visitor away: the event empties the form by itself.
    dirty(&b, false).await;
    let id = api.get("/api/v1/queue", Some(&sara_api)).await.json["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == moved.as_str())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = api
        .post(
            &format!("/api/v1/tickets/{id}/transfer"),
            &sara_api,
            Some(&json!({ "desk": 3 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    wait_free(&b).await;
    let f = form(&b).await;
    assert_eq!(
        (f["note"].clone(), f["reason"].clone()),
        (json!(""), json!("")),
        "{f}"
    );
    call_next(&b).await;
    assert_clean(&b, &names, "a supervisor's transfer").await;

    // 9. Finish, a break and back, call again.
    dirty(&b, false).await;
    b.click("#start-btn").await;
    dirty(&b, true).await;
    click_when_enabled(&b, "finish-btn").await;
    wait_free(&b).await;
    click_when_enabled(&b, "break-btn").await;
    b.wait_text("#call-hint", "استراحة").await;
    click_when_enabled(&b, "break-btn").await;
    call_next(&b).await;
    assert_clean(&b, &names, "a break").await;

    // At 320 px the header wraps and sign-out stays on screen.
    b.size(320, 800).await;
    let fits = b
        .js(
            "const r = document.getElementById('logout-btn').getBoundingClientRect();\
             const wide = Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > innerWidth + 1 || e.getBoundingClientRect().left < -1).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8);\
             return { left: r.left, right: r.right, width: innerWidth, scroll: document.documentElement.scrollWidth, wide };",
            json!([]),
        )
        .await;
    let width = fits["width"].as_f64().unwrap();
    assert!(width <= 400.0, "the window is narrow: {fits}");
    assert!(
        fits["left"].as_f64().unwrap() >= 0.0 && fits["right"].as_f64().unwrap() <= width,
        "sign-out is inside the screen: {fits}"
    );
    assert!(
        fits["scroll"].as_f64().unwrap() <= width + 1.0,
        "no sideways scrolling: {fits}"
    );
    b.js("window.scrollTo(0, 0);", json!([])).await;
    b.screenshot(shots, "console-320-ar.png").await;
    b.size(1280, 900).await;

    // 10. Sign-out with a half-filled form: the next staff member sees nothing of it.
    dirty(&b, false).await;
    let last = b.text("#current-label").await;
    b.click("#logout-btn").await;
    b.wait(
        "!document.getElementById('login').classList.contains('hidden')",
        "the login form",
        SECS,
    )
    .await;
    wait_focus(&b, "login-user").await;
    assert_eq!(
        b.js(
            "return document.getElementById('login-user').value;",
            json!([])
        )
        .await,
        json!("")
    );
    login(&b, "badr").await;
    assert_eq!(
        b.js(
            "return document.getElementById('desk-select').value;",
            json!([])
        )
        .await,
        json!("2"),
        "desk 1 is taken: the first free one is chosen"
    );
    let everything = b
        .js(
            "return document.body.innerText + ' ' + Array.from(document.querySelectorAll('input, textarea, select')).map(e => e.value).join(' ');",
            json!([]),
        )
        .await
        .as_str()
        .unwrap()
        .to_string();
    for gone in [
        "NOTE-OF-THE-PREVIOUS",
        "عنف أسري",
        "VISITOR-",
        "1234567897",
        "amal",
        &last,
    ] {
        assert!(
            !everything.contains(gone),
            "{gone:?} survived the sign-out: {everything}"
        );
    }
    b.click("#logout-btn").await;

    // The researcher: only the research desk, no "refer" there.
    login(&b, "huda").await;
    let desks = b
        .js(
            "return Array.from(document.querySelectorAll('#desk-select option')).map(o => o.value).join(',');",
            json!([]),
        )
        .await;
    assert_eq!(desks, json!("4"));
    b.click("#sign-in-btn").await;
    b.wait_text("#desk-id", "4").await;
    call_next(&b).await;
    current_visitor(&b, &names).await;
    b.wait_text("#referral-reason", "عنف أسري").await;
    assert_eq!(
        b.js(
            "return document.getElementById('refer-box').offsetParent === null;",
            json!([])
        )
        .await,
        json!(true),
        "no referral from the research desk"
    );
    accessible(&b, "research desk").await;
    b.click("#logout-btn").await;

    // The supervisor acts on another desk's visitor from "At the desks".
    login(&b, "sara").await;
    b.wait_text("#at-desk-list", &last).await;
    accessible(&b, "supervisor: at the desks").await;
    b.js(
        "document.getElementById('at-desks').scrollIntoView({ block: 'center' });",
        json!([]),
    )
    .await;
    b.screenshot(shots, "console-supervisor-ar.png").await;
    b.click("#at-desk-list li[data-ticket] .at-desk-cancel")
        .await;
    b.wait(
        &format!("!document.getElementById('at-desk-list').innerText.includes({last:?}) || document.querySelectorAll('#at-desk-list li').length < 2"),
        "the cancelled visitor gone from the list",
        SECS,
    )
    .await;
    b.quit().await;

    // The note typed for the first visitor stayed with that visitor only.
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let notes: Vec<String> = conn
        .prepare("SELECT t.service || '-' || t.number FROM visit_notes n JOIN tickets t ON t.id = n.ticket_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(notes.len(), 2, "two finishes, two notes: {notes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unattended_console_signs_out_by_itself_while_events_keep_flowing() {
    if !webdriver::available("console idle") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots: Option<&Path> = shots.as_deref();
    const IDLE: u64 = 4;
    let toml = counter_server::config::DEMO_TOML
        .replace("idle_seconds = 1800", &format!("idle_seconds = {IDLE}"));
    let server = TestServer::start_with(TestOptions {
        config: counter_server::config::Config::parse(&toml).unwrap(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    api.issue(
        &server.kiosk_token,
        &key(),
        &json!({ "service": "inquiry", "intake": { "notice_version": "2026-11-v1",
            "name": "VISITOR-IDLE", "national_id": "1234567897" } }),
    )
    .await;
    let b = Browser::start().await;
    b.goto(&format!("{}/console", server.base_url)).await;
    login(&b, "amal").await;
    b.click("#sign-in-btn").await;
    b.wait_text("#desk-id", "1").await;
    call_next(&b).await;
    b.wait_text("#intake-name", "VISITOR-IDLE").await;
    let cookie = b.cookie("awn_session").await.expect("the session cookie");

    // Events keep flowing all along (a ticket every half second).
    let flow = {
        let api = api.clone();
        let kiosk = server.kiosk_token.clone();
        tokio::spawn(async move {
            loop {
                api.issue(&kiosk, &key(), &json!({ "service": "follow_up" }))
                    .await;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    };
    // A person typing keeps it open past the idle time.
    let typing = Instant::now();
    while typing.elapsed() < Duration::from_secs(IDLE + 2) {
        b.type_into("#finish-note", &format!("{}", typing.elapsed().as_millis()))
            .await;
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    assert_eq!(
        b.text("#intake-name").await,
        "VISITOR-IDLE",
        "still signed in"
    );
    // Then nobody touches it: the console clears itself and says why.
    let left = Instant::now();
    b.wait(
        "!document.getElementById('login').classList.contains('hidden')",
        "the console signed out by itself",
        Duration::from_secs(IDLE + 8),
    )
    .await;
    // The last keystroke that reached the server was at most ~2 s before `left` (pings while
    // typing are throttled to one per idle/3).
    let after = left.elapsed();
    assert!(
        after >= Duration::from_secs(IDLE - 2),
        "not before the idle time: {after:?}"
    );
    b.wait_text("#login-reason", "انتهت الجلسة لعدم النشاط")
        .await;
    let html = b.source().await;
    for gone in ["VISITOR-IDLE", "1234567897", "7897"] {
        assert!(!html.contains(gone), "{gone} still on the page");
    }
    b.screenshot(shots, "console-expired-ar.png").await;
    accessible(&b, "signed out for inactivity").await;
    b.click("#lang-btn").await;
    b.wait_text(
        "#login-reason",
        &format!("Signed out after {IDLE} seconds without activity"),
    )
    .await;
    b.screenshot(shots, "console-expired-en.png").await;
    b.click("#lang-btn").await;
    // The server refuses the old session too, background refresh or not.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let me = api
        .http
        .get(format!("{}/api/v1/me", server.base_url))
        .header("Cookie", format!("awn_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    flow.abort();
    b.quit().await;
}

/// Issue 12 item 7: "Raise to priority" in the waiting list raises the class on the server (as a
/// person's action), and the raised visitor is called next, before an earlier normal one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raise_to_priority_from_the_waiting_list_puts_the_visitor_first() {
    if !webdriver::available("console raise to priority") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let mut labels = Vec::new();
    for _ in 0..2 {
        let t = api
            .issue(
                &server.kiosk_token,
                &key(),
                &json!({ "service": "inquiry" }),
            )
            .await;
        labels.push(t.json["label"].as_str().unwrap().to_string());
    }
    let b = Browser::start().await;
    b.goto(&format!("{}/console", server.base_url)).await;
    login(&b, "amal").await;
    b.click("#sign-in-btn").await;
    b.wait_text("#desk-id", "1").await;
    let second = "#waiting-list li:nth-child(2) .raise-btn";
    b.wait(
        &format!("!!document.querySelector({second:?})"),
        "a raise button",
        SECS,
    )
    .await;
    accessible(&b, "waiting list with raise buttons").await;
    b.click(second).await;
    // The list re-renders: the raised visitor is first and has no raise button any more.
    b.wait(
        &format!(
            "(() => {{ const li = document.querySelector('#waiting-list li'); return li && li.textContent.includes({:?}) && !li.querySelector('.raise-btn'); }})()",
            labels[1]
        ),
        "the raised visitor first",
        SECS,
    )
    .await;
    call_next(&b).await;
    b.wait_text("#current-label", &labels[1]).await;
}

/// Issue 16: a place joined from the phone is in the waiting list marked "not here yet" with its
/// Call button off (a direct call would be refused: not_checked_in); once its visitor types the code
/// at the kiosk the list redraws by itself (the checked_in event), the mark goes and the desk
/// calls it. axe on the list with the mark, in Arabic and English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_joined_by_phone_is_marked_until_its_visitor_checks_in() {
    if !webdriver::available("console phone place") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let b = Browser::start().await;
    // The phone's visitor joins the inquiry line (the page is public, this browser will do).
    b.goto(&format!("{}/join?lang=en", server.base_url)).await;
    b.click("form[action='/join']:has(input[name='service'][value='inquiry']) button")
        .await;
    b.wait("!!document.querySelector('#check-in-code')", "joined", SECS)
        .await;
    let label = b.text(".number").await;
    let code = b.text("#check-in-code").await;
    assert!(label.starts_with("C-"), "an inquiry place: {label}");

    b.goto(&format!("{}/console", server.base_url)).await;
    login(&b, "amal").await;
    b.click("#sign-in-btn").await;
    b.wait_text("#desk-id", "1").await;
    let row = format!(
        "[...document.querySelectorAll('#waiting-list li')].find((li) => li.textContent.includes({label:?}))"
    );
    b.wait(
        &format!("(() => {{ const li = {row}; return li && !!li.querySelector('.flag.away') && li.querySelector('.call-btn').disabled; }})()"),
        "the phone's place marked, its Call off",
        SECS,
    )
    .await;
    let mark = b
        .js(
            &format!("return {row}.querySelector('.flag.away').textContent;"),
            json!([]),
        )
        .await;
    assert_eq!(mark, json!("من الهاتف، لم يصل بعد"));
    accessible(&b, "waiting list with a place joined by phone").await;

    let api = Api::new(&server.base_url);
    let r = api
        .post(
            "/api/v1/kiosk/check-in",
            &server.kiosk_token,
            Some(&json!({ "code": code })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    b.wait(
        &format!("(() => {{ const li = {row}; return li && !li.querySelector('.flag.away') && !li.querySelector('.call-btn').disabled; }})()"),
        "the mark gone and Call on, without a reload",
        SECS,
    )
    .await;
    call_next(&b).await;
    b.wait_text("#current-label", &label).await;
}
