//! The waiting-room board in a real headless Chromium against a server on a loopback port: a
//! ticket is listed once, at the desk of its latest call (after a referral it moves to the
//! research desk, never shown at two desks); a visitor being served or finished leaves "Now
//! calling"; a reloaded screen shows the same board (previous calls come from the server); the
//! flash colour keeps the desk number readable.

use std::path::PathBuf;
use std::time::Duration;

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Every entry on the board as `[section, label, desk]`, "current" entries first.
const BOARD: &str = "return ['current', 'recent'].flatMap(s => Array.from(document.querySelectorAll('#' + s + ' li'))\
    .map(li => [s, li.querySelector('.label').textContent, li.querySelector('.desk').textContent]));";

async fn board(b: &Browser) -> Vec<(String, String, String)> {
    let v = b.js(BOARD, json!([])).await;
    v.as_array()
        .expect("board")
        .iter()
        .map(|e| {
            (
                e[0].as_str().unwrap().to_string(),
                e[1].as_str().unwrap().to_string(),
                e[2].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Waits until the board, as `[section, label, desk]`, is exactly `want`.
async fn wait_board(b: &Browser, want: &[(&str, &str, &str)], what: &str) {
    let want: Vec<Value> = want.iter().map(|(s, l, d)| json!([s, l, d])).collect();
    let script = format!(
        "JSON.stringify((function () {{ {BOARD} }})()) === {:?}",
        serde_json::to_string(&want).unwrap()
    );
    b.wait(&script, what, Duration::from_secs(10)).await;
}

async fn post_ok(api: &Api, path: &str, token: &str, body: Option<&Value>) -> Value {
    let r = api.post(path, token, body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text);
    r.json
}

/// WCAG contrast of two `rgb(r, g, b)` colours, computed in the page.
const CONTRAST: &str = "const lum = (c) => { const [r, g, b] = c.match(/\\d+/g).slice(0, 3).map(Number).map(v => v / 255)\
    .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };\
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_lists_each_ticket_once_at_its_latest_desk_and_survives_a_reload() {
    if !webdriver::available("display board") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    let api = Api::new(&server.base_url);
    let mut tickets = Vec::new();
    for service in ["new_request", "inquiry", "inquiry"] {
        let t = api
            .issue(&server.kiosk_token, &key(), &json!({ "service": service }))
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
        tickets.push((
            t.json["id"].as_i64().unwrap(),
            t.json["label"].as_str().unwrap().to_string(),
        ));
    }
    let (first, a) = tickets[0].clone();
    let (second, b_label) = tickets[1].clone();
    let (_, c_label) = tickets[2].clone();
    let reception = api.login("amal").await;
    let researcher = api.login("huda").await;
    post_ok(&api, "/api/v1/desks/1/sign-in", &reception, None).await;
    post_ok(&api, "/api/v1/desks/4/sign-in", &researcher, None).await;

    let b = Browser::start().await;
    b.size(1280, 720).await;
    b.goto(&format!(
        "{}/display#token={}",
        server.base_url, server.display_token
    ))
    .await;
    b.wait(
        "location.hash === '' && document.querySelector('#not-paired').classList.contains('hidden') && document.getElementById('conn').classList.contains('hidden')",
        "the display paired and connected",
        Duration::from_secs(10),
    )
    .await;

    // Desk 1 calls the first visitor.
    post_ok(&api, "/api/v1/desks/1/call-next", &reception, None).await;
    wait_board(&b, &[("current", &a, "1")], "called to desk 1").await;

    // Served: out of "Now calling". Referred to the researcher, who calls them at desk 4: listed
    // once, at desk 4.
    post_ok(
        &api,
        &format!("/api/v1/tickets/{first}/start"),
        &reception,
        None,
    )
    .await;
    wait_board(&b, &[("recent", &a, "1")], "being served, no longer called").await;
    post_ok(
        &api,
        &format!("/api/v1/tickets/{first}/refer"),
        &reception,
        Some(&json!({ "reason": "يحتاج شرح الإجراءات" })),
    )
    .await;
    let called = post_ok(&api, "/api/v1/desks/4/call-next", &researcher, None).await;
    assert_eq!(
        called["id"], first,
        "the researcher calls the referred visitor"
    );
    wait_board(
        &b,
        &[("current", &a, "4")],
        "called again at the research desk, once",
    )
    .await;

    // Desk 1 calls the next, who does not come, then the one after; the first is served and
    // finished at desk 4.
    post_ok(&api, "/api/v1/desks/1/call-next", &reception, None).await;
    wait_board(
        &b,
        &[("current", &b_label, "1"), ("current", &a, "4")],
        "two desks calling",
    )
    .await;
    post_ok(
        &api,
        &format!("/api/v1/tickets/{second}/no-show"),
        &reception,
        None,
    )
    .await;
    wait_board(
        &b,
        &[("current", &a, "4"), ("recent", &b_label, "1")],
        "a no-show leaves Now calling",
    )
    .await;
    post_ok(&api, "/api/v1/desks/1/call-next", &reception, None).await;
    wait_board(
        &b,
        &[
            ("current", &c_label, "1"),
            ("current", &a, "4"),
            ("recent", &b_label, "1"),
        ],
        "desk 1's next call",
    )
    .await;
    post_ok(
        &api,
        &format!("/api/v1/tickets/{first}/start"),
        &researcher,
        None,
    )
    .await;
    api.complete_checklist(first, &researcher).await;
    post_ok(
        &api,
        &format!("/api/v1/tickets/{first}/finish"),
        &researcher,
        Some(&json!({ "outcome": "support_request_registered" })),
    )
    .await;
    let want = [
        ("current", c_label.as_str(), "1"),
        // Latest call first: the no-show was called at desk 1 after the research desk's call.
        ("recent", b_label.as_str(), "1"),
        ("recent", a.as_str(), "4"),
    ];
    wait_board(&b, &want, "finished at desk 4, out of Now calling").await;
    b.screenshot(shots, "display-board.png").await;
    b.assert_accessible("the display with calls").await;

    // The clock shows the branch's time (Riyadh, UTC+3), not the machine's.
    let riyadh = chrono::Utc::now() + chrono::Duration::hours(3);
    let shown = b.text("#clock").await;
    let hours: Vec<String> = [riyadh, riyadh - chrono::Duration::minutes(1)]
        .iter()
        .map(|t| t.format("%I:%M").to_string())
        .collect();
    assert!(
        hours.iter().any(|h| shown.contains(h.as_str())),
        "clock {shown:?}, Riyadh {hours:?}"
    );

    // The flash colour keeps the desk number and the label readable (≥ 3:1).
    let ratios = b
        .js(
            &format!(
                "{CONTRAST} const li = document.querySelector('#current li');\
                 const flash = Array.from(document.styleSheets).flatMap(s => Array.from(s.cssRules))\
                   .find(r => r.type === CSSRule.KEYFRAMES_RULE && r.name === 'flash').cssRules[0].style.backgroundColor;\
                 const probe = document.createElement('span'); probe.style.color = flash; document.body.append(probe);\
                 const bg = getComputedStyle(probe).color; probe.remove();\
                 return [ratio(bg, getComputedStyle(li.querySelector('.desk')).color), ratio(bg, getComputedStyle(li.querySelector('.label')).color)];"
            ),
            json!([]),
        )
        .await;
    for r in ratios.as_array().unwrap() {
        assert!(r.as_f64().unwrap() >= 3.0, "flash contrast {ratios}");
    }

    // A reloaded screen (or a second TV) shows the same board, previous calls included.
    let before = board(&b).await;
    b.goto(&format!("{}/display", server.base_url)).await;
    wait_board(&b, &want, "the same board after a reload").await;
    assert_eq!(board(&b).await, before);
    b.quit().await;
}

/// With 4 to 12 desks calling at once, every entry lies inside the screen and the page has no
/// scrollbar, on a 1280×720 and a 1920×1080 TV, and on a 1080×1920 screen hung upright; the calls
/// now are always written larger than the previous ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_to_twelve_desks_calling_fit_the_screen_without_a_scrollbar() {
    if !webdriver::available("display fit") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start_with(TestOptions {
        config: e2e::config_with_desks(12),
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    // Six earlier calls, so "Previous calls" is full too.
    let mut staff = Vec::new();
    for desk in 1..=12u32 {
        let name = format!("staff{desk}");
        server.add_staff(&name, Role::Reception, Gender::Female);
        let token = api.login(&name).await;
        post_ok(&api, &format!("/api/v1/desks/{desk}/sign-in"), &token, None).await;
        staff.push(token);
    }
    for _ in 0..18 {
        let t = api
            .issue(
                &server.kiosk_token,
                &key(),
                &json!({ "service": "inquiry" }),
            )
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    }
    for desk in 1..=6u32 {
        let t = post_ok(
            &api,
            &format!("/api/v1/desks/{desk}/call-next"),
            &staff[desk as usize - 1],
            None,
        )
        .await;
        let id = t["id"].as_i64().unwrap();
        post_ok(
            &api,
            &format!("/api/v1/tickets/{id}/no-show"),
            &staff[desk as usize - 1],
            None,
        )
        .await;
    }
    let b = Browser::start().await;
    b.goto(&format!(
        "{}/display#token={}",
        server.base_url, server.display_token
    ))
    .await;
    b.wait(
        "document.querySelectorAll('#recent li').length === 6",
        "six previous calls",
        Duration::from_secs(10),
    )
    .await;
    let fits = "const d = document.documentElement;\
        const out = Array.from(document.querySelectorAll('.calls li, .calls li span')).filter(e => {\
          const r = e.getBoundingClientRect(); return r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth; });\
        const size = (sel) => Array.from(document.querySelectorAll(sel)).filter(e => e.offsetParent).map(e => parseFloat(getComputedStyle(e).fontSize));\
        const louder = Math.min(...size('#current li')) > Math.max(0, ...size('#recent li'));\
        const headingAlone = !!document.getElementById('recent-heading').offsetParent && size('#recent li').length === 0;\
        return { scroll: d.scrollHeight > d.clientHeight || d.scrollWidth > d.clientWidth, out: out.length, louder, headingAlone };";
    let mut calling = 0;
    for desks in [4u32, 5, 6, 9, 12] {
        while calling < desks {
            calling += 1;
            post_ok(
                &api,
                &format!("/api/v1/desks/{calling}/call-next"),
                &staff[calling as usize - 1],
                None,
            )
            .await;
        }
        b.wait(
            &format!("document.querySelectorAll('#current li').length === {desks}"),
            "every desk calling is shown",
            Duration::from_secs(10),
        )
        .await;
        for (w, h) in [(1280, 720), (1920, 1080), (1080, 1920)] {
            b.size(w, h).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            let got = b.js(fits, json!([])).await;
            assert_eq!(
                got,
                json!({ "scroll": false, "out": 0, "louder": true, "headingAlone": false }),
                "{desks} desks calling at {w}×{h} (\"louder\": the calls now are larger than the previous ones; \"headingAlone\": \"Previous calls\" over none)"
            );
            if desks == 12 && w == 1280 {
                b.screenshot(shots, "display-12-desks.png").await;
            }
            if desks == 12 && h == 1920 {
                b.screenshot(shots, "display-12-desks-portrait.png").await;
            }
        }
    }
    b.quit().await;
}
