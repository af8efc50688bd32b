//! The visitor's status page in a real headless Chromium: the visitor's words for each state
//! (called: "it is your turn, go to desk N"; referred: "referred to the social researcher, please
//! keep waiting"), one `h1`, and, across a broken link (the server stopped), "not connected, last
//! updated HH:MM" until the server is back. Screenshots with `SCREENSHOT_DIR`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn post_ok(api: &Api, path: &str, token: &str, body: Option<&Value>) -> Value {
    let r = api.post(path, token, body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text);
    r.json
}

async fn one_h1_and_accessible(b: &Browser, what: &str) {
    assert_eq!(
        b.js("return document.querySelectorAll('h1').length;", json!([]))
            .await,
        json!(1),
        "exactly one h1 on {what}"
    );
    b.assert_accessible(what).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_speaks_to_the_visitor_and_says_when_it_is_not_connected() {
    if !webdriver::available("status page") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let id = t.json["id"].as_i64().unwrap();
    let token = t.json["status_token"].as_str().unwrap().to_string();

    let b = Browser::start().await;
    b.size(400, 820).await;
    b.goto(&format!("{}/t/{token}", server.base_url)).await;
    b.wait(
        "document.body.dataset.state === 'waiting' && document.body.dataset.link === 'online'",
        "waiting, connected",
        Duration::from_secs(10),
    )
    .await;
    b.wait_text("#state", "أنت في الانتظار").await;
    one_h1_and_accessible(&b, "the status page, waiting").await;

    // Called: the visitor's words, never the staff's "منادى".
    let staff = api.login("amal").await;
    post_ok(&api, "/api/v1/desks/1/sign-in", &staff, None).await;
    post_ok(&api, "/api/v1/desks/1/call-next", &staff, None).await;
    b.wait(
        "document.body.dataset.state === 'called'",
        "called",
        Duration::from_secs(10),
    )
    .await;
    let text = b.text("main").await;
    assert!(text.contains("حان دورك"), "{text}");
    assert!(text.contains("تفضل إلى المكتب"), "{text}");
    assert_eq!(b.text("#desk").await, "1");
    assert!(
        !text.contains("منادى"),
        "staff wording on the status page: {text}"
    );
    one_h1_and_accessible(&b, "the status page, called").await;

    // Referred to the social researcher: told so, without a count of people ahead.
    post_ok(&api, &format!("/api/v1/tickets/{id}/start"), &staff, None).await;
    post_ok(
        &api,
        &format!("/api/v1/tickets/{id}/refer"),
        &staff,
        Some(&json!({ "reason": "يحتاج شرح الإجراءات" })),
    )
    .await;
    b.wait_text(
        "#state",
        "أُحيلت تذكرتك إلى الباحث الاجتماعي، يرجى مواصلة الانتظار",
    )
    .await;
    assert!(
        b.js(
            "return document.getElementById('waiting').classList.contains('hidden');",
            json!([])
        )
        .await
            == json!(true),
        "no people-ahead count from another line"
    );
    b.screenshot(shots, "status-referred-ar.png").await;
    one_h1_and_accessible(&b, "the status page, referred").await;
    b.click("#lang-btn").await;
    b.wait_text(
        "#state",
        "You were referred to the social researcher, please keep waiting",
    )
    .await;
    b.screenshot(shots, "status-referred-en.png").await;

    // The link breaks (the server stops): the page says so, with the time of the last update,
    // and no longer claims it updates by itself.
    let addr = server.addr;
    let (db_path, dir) = server.stop_keep_files();
    b.wait(
        "document.body.dataset.link === 'offline'",
        "not connected",
        Duration::from_secs(10),
    )
    .await;
    let offline = b.text("#offline").await;
    assert!(
        regex_like_time(&offline, "Not connected — last updated "),
        "{offline}"
    );
    assert!(!b.text("main").await.contains("This page updates by itself"));
    b.screenshot(shots, "status-offline-en.png").await;
    one_h1_and_accessible(&b, "the status page, not connected (English)").await;
    b.click("#lang-btn").await;
    let offline = b.text("#offline").await;
    assert!(
        regex_like_time(&offline, "غير متصل — آخر تحديث "),
        "{offline}"
    );
    b.screenshot(shots, "status-offline-ar.png").await;
    one_h1_and_accessible(&b, "the status page, not connected (Arabic)").await;

    // Back: the same ticket, connected again, the message gone.
    let _server = TestServer::start_with(TestOptions {
        db_path: Some(db_path),
        addr: Some(addr),
        ..TestOptions::default()
    });
    b.wait(
        "document.body.dataset.link === 'online' && document.getElementById('offline').classList.contains('hidden')",
        "connected again",
        Duration::from_secs(20),
    )
    .await;
    b.wait_text("#state", "أُحيلت تذكرتك").await;
    b.quit().await;
    drop(dir);
}

/// `text` is `prefix` followed by a time `HH:MM`.
fn regex_like_time(text: &str, prefix: &str) -> bool {
    let Some(rest) = text.trim().strip_prefix(prefix) else {
        return false;
    };
    let b = rest.as_bytes();
    rest.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit())
}

/// A TCP relay to `target` that can go silent: while paused it holds every connection open and
/// passes nothing either way, as a dead Wi-Fi link or a stalled proxy does (no error reaches the
/// browser).
async fn relay(target: std::net::SocketAddr, flowing: Arc<AtomicBool>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            let flowing = flowing.clone();
            tokio::spawn(async move {
                while !flowing.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                let Ok(outbound) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                let (ri, wi) = inbound.into_split();
                let (ro, wo) = outbound.into_split();
                tokio::spawn(pipe(ri, wo, flowing.clone()));
                tokio::spawn(pipe(ro, wi, flowing));
            });
        }
    });
    addr
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    flowing: Arc<AtomicBool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        while !flowing.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

/// A link that goes silent without any error (the keep-alive stops arriving): after about 35 s
/// the page says it is not connected, and it recovers once the link carries data again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_notices_a_silent_link() {
    if !webdriver::available("status page, silent link") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let token = t.json["status_token"].as_str().unwrap().to_string();
    let flowing = Arc::new(AtomicBool::new(true));
    let via = relay(server.addr, flowing.clone()).await;

    let b = Browser::start().await;
    b.size(400, 820).await;
    b.goto(&format!("http://{via}/t/{token}")).await;
    b.wait(
        "document.body.dataset.state === 'waiting' && document.body.dataset.link === 'online'",
        "waiting, connected",
        Duration::from_secs(10),
    )
    .await;
    flowing.store(false, Ordering::SeqCst);
    b.wait(
        "document.body.dataset.link === 'offline'",
        "not connected after the link went silent",
        Duration::from_secs(50),
    )
    .await;
    let offline = b.text("#offline").await;
    assert!(
        regex_like_time(&offline, "غير متصل — آخر تحديث "),
        "{offline}"
    );
    flowing.store(true, Ordering::SeqCst);
    b.wait(
        "document.body.dataset.link === 'online'",
        "connected again once the link carries data",
        Duration::from_secs(20),
    )
    .await;
    b.quit().await;
}

/// On a phone, the status page's styles and scripts arrive gzipped (Chromium's resource timing:
/// fewer bytes on the wire than decoded), its fonts as WOFF2 (compressed by their format), and
/// its icon is found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_loads_compressed_and_has_an_icon() {
    if !webdriver::available("status page compression") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    let token = t.json["status_token"].as_str().unwrap().to_string();
    let b = Browser::start().await;
    b.size(400, 820).await;
    b.goto(&format!("{}/t/{token}", server.base_url)).await;
    b.wait(
        "document.body.dataset.state === 'waiting' && document.fonts.status === 'loaded'",
        "loaded, fonts included",
        Duration::from_secs(10),
    )
    .await;
    let entries = b
        .js(
            "return performance.getEntriesByType('resource')
               .filter(e => e.name.includes('/assets/'))
               .map(e => [new URL(e.name).pathname, e.encodedBodySize, e.decodedBodySize]);",
            json!([]),
        )
        .await;
    let entries = entries.as_array().unwrap();
    let mut fonts = 0;
    for e in entries {
        let (path, wire, decoded) = (
            e[0].as_str().unwrap(),
            e[1].as_f64().unwrap(),
            e[2].as_f64().unwrap(),
        );
        if path.ends_with(".woff2") {
            fonts += 1;
            continue;
        }
        assert!(
            wire < decoded * 0.75,
            "{path}: {wire} bytes on the wire of {decoded}"
        );
    }
    assert!(
        entries.iter().any(|e| e[0] == "/assets/common.css") && fonts >= 1,
        "{entries:?}"
    );
    let icon = b
        .js(
            "const href = document.querySelector('link[rel=icon]').href;
             return fetch(href).then(r => [r.status, r.headers.get('content-type')]);",
            json!([]),
        )
        .await;
    assert_eq!(icon, json!([200, "image/svg+xml"]));
    b.quit().await;
}

/// The most font bytes a page may load. The four faces a page in both scripts can need are
/// 126 KB of WOFF2 (two Noto Naskh Arabic weights with every Arabic block and presentation form,
/// two Noto Sans weights with Latin-1); 160 KB leaves room for a font update, and fails on any
/// TTF (the smallest, Noto Naskh Arabic Regular, is 176 KB) or on a face that is not subset
/// (all of Noto Sans Regular is 179 KB as WOFF2).
const FONT_BYTES_AT_MOST: f64 = 160_000.0;

/// On a phone, the status page loads its fonts as small WOFF2 subsets and nothing else, and
/// Chromium draws its Arabic (and Latin) text with them: the text on the page, and letters from
/// every block a branch's service names may use (Arabic Supplement, presentation forms).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_draws_arabic_with_small_woff2_web_fonts() {
    if !webdriver::available("status page fonts") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    let token = t.json["status_token"].as_str().unwrap().to_string();
    let b = Browser::start().await;
    b.size(400, 820).await;
    b.goto(&format!("{}/t/{token}", server.base_url)).await;
    b.wait(
        "document.body.dataset.state === 'waiting' && document.fonts.status === 'loaded'",
        "loaded, fonts included",
        Duration::from_secs(10),
    )
    .await;

    // Only WOFF2, and few bytes of it.
    let fonts = b
        .js(
            "return performance.getEntriesByType('resource')
               .filter(e => e.initiatorType === 'css' || /\\.(ttf|otf|woff2?)$/.test(e.name))
               .map(e => [new URL(e.name).pathname, e.encodedBodySize]);",
            json!([]),
        )
        .await;
    let fonts = fonts.as_array().unwrap();
    assert!(
        fonts
            .iter()
            .any(|f| f[0] == "/assets/fonts/NotoNaskhArabic-Regular.woff2"),
        "the Arabic face is loaded: {fonts:?}"
    );
    for f in fonts {
        let path = f[0].as_str().unwrap();
        assert!(
            path.starts_with("/assets/fonts/") && path.ends_with(".woff2"),
            "a font that is not WOFF2: {path}"
        );
    }
    let total: f64 = fonts.iter().map(|f| f[1].as_f64().unwrap()).sum();
    assert!(
        total > 0.0 && total <= FONT_BYTES_AT_MOST,
        "{total} font bytes: {fonts:?}"
    );

    // The Font Loading API: both Arabic weights are loaded and answer for Arabic text.
    let loaded = b
        .js(
            "return [...document.fonts].filter(f => f.status === 'loaded')
               .map(f => f.family.replace(/\"/g, '') + ' ' + f.weight);",
            json!([]),
        )
        .await;
    for face in ["Noto Naskh Arabic 400", "Noto Naskh Arabic 700"] {
        assert!(
            loaded.as_array().unwrap().iter().any(|f| f == face),
            "{face} not loaded: {loaded}"
        );
    }
    let check = b
        .js(
            "return [document.fonts.check('400 16px \"Noto Naskh Arabic\"', 'رقمك'),
                     document.fonts.check('700 16px \"Noto Naskh Arabic\"', 'جمعية عون')];",
            json!([]),
        )
        .await;
    assert_eq!(check, json!([true, true]));
    b.assert_accessible("the status page with its web fonts")
        .await;

    // What Chromium drew with: the web faces, for the page's own text and for letters of every
    // block a service name may use (presentation forms such as the lam-alef ligature, Arabic
    // Supplement, Latin-1), none left to a system font.
    b.js(
        "const probe = (id, cls, text) => { const s = document.createElement('span');
           s.id = id; s.className = cls; s.textContent = text; document.querySelector('main').append(s); };
         probe('probe-ar', '', 'ﻻ ﷲ ﺑﻴﺖ ڤيديو ݐ ࢠ ۱۲۳');
         probe('probe-latin', 'label', 'Café Zoë — 1,234 « ß »');",
        json!([]),
    )
    .await;
    b.wait(
        "document.fonts.status === 'loaded'",
        "fonts loaded for the probes",
        Duration::from_secs(10),
    )
    .await;
    for (css, family) in [
        (".caption", "Noto Naskh Arabic"),
        (".brand", "Noto Naskh Arabic"),
        ("#state", "Noto Naskh Arabic"),
        ("#probe-ar", "Noto Naskh Arabic"),
        ("#label", "Noto Sans"),
        ("#probe-latin", "Noto Sans"),
    ] {
        let drawn = b.fonts_drawing(css).await;
        assert!(
            !drawn.is_empty()
                && drawn
                    .iter()
                    .all(|(name, web, _)| *web && name.as_str() == family),
            "{css} is drawn with {drawn:?}, not only the web font {family}"
        );
    }
    // Arabic is shaped (the subset kept the joining forms): a word is narrower joined than as
    // its letters kept apart by zero-width non-joiners.
    let widths = b
        .js(
            "const c = document.createElement('canvas').getContext('2d');
             c.font = '32px \"Noto Naskh Arabic\"';
             return [c.measureText('بيت').width, c.measureText('ب\\u200cي\\u200cت').width];",
            json!([]),
        )
        .await;
    let (joined, apart) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
    assert!(joined < apart * 0.9, "not shaped: {joined} vs {apart}");
    b.quit().await;
}

/// With `[sms]` configured, the waiting visitor's page offers "notify me" in Arabic (and
/// English), accessible; the number typed goes in a POST body (the server then holds it: `asked`
/// says `sms`), the field is cleared, and withdrawing works from the same section. (Web Push
/// needs a real push service, which a headless browser offline has not: checked in the API
/// tests against a fake one.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_offers_notices_when_configured_and_takes_a_number() {
    if !webdriver::available("status page notices") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sms-token"), "t").unwrap();
    let mut config = counter_server::config::Config::demo();
    // A gateway nobody listens on: sending fails (logged), which this test does not look at.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    config.sms = Some(counter_server::config::SmsConfig {
        url: format!("http://127.0.0.1:{port}/send"),
        token_file: dir.path().join("sms-token"),
        sender: None,
    });
    let server = TestServer::start_with(TestOptions {
        config,
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let token = t.json["status_token"].as_str().unwrap().to_string();
    let notify = format!("/api/v1/status/{token}/notify");

    let b = Browser::start().await;
    b.size(360, 800).await;
    b.goto(&format!("{}/t/{token}", server.base_url)).await;
    b.wait(
        "!document.getElementById('notify').classList.contains('hidden') && \
         !document.getElementById('notify-sms').classList.contains('hidden')",
        "the notify section",
        Duration::from_secs(10),
    )
    .await;
    b.wait_text("#notify-title", "نبّهني عند اقتراب دوري").await;
    one_h1_and_accessible(&b, "the status page with notices").await;
    b.type_into("#sms-number", "0512345678").await;
    b.click("#sms-on").await;
    b.wait_text("#notify-msg", "ستصلك رسالة نصية").await;
    assert_eq!(api.get(&notify, None).await.json["asked"], json!(["sms"]));
    assert_eq!(
        b.js(
            "return document.getElementById('sms-number').value;",
            json!([])
        )
        .await,
        json!(""),
        "the number is not kept in the page"
    );
    b.click("#sms-off").await;
    b.wait_text("#notify-msg", "أُوقف التنبيه").await;
    assert_eq!(api.get(&notify, None).await.json["asked"], json!([]));
    b.click("#lang-btn").await;
    b.wait_text("#notify-title", "Tell me when my turn is near")
        .await;
    b.quit().await;
}
