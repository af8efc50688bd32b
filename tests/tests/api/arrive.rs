//! Checking in from the phone by the entrance QR (issue 16, policy 3.4) over real HTTP, at the
//! injected clock's time: the display fetches the entrance link; a phone that joined opens it and
//! checks its place in with one button; a code older than its window and the next opens nothing;
//! a phone without the place's cookie types the code, and wrong codes typed on phones are limited
//! per address without stopping the kiosk; a booking checks in on its day only and gets a status
//! page.

use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::config::Config;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::remote::{Joined, Phone, between, check_in, code_of, label_of};
use crate::remote_booking::{booking_key_of, set_slots};

/// 09:01 in Riyadh on a Wednesday (a minute into a five-minute window of the entrance code).
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 9, 6, 1, 0).unwrap()
}

fn server_on(clock: &Arc<ManualClock>, config: Config) -> TestServer {
    TestServer::start_with(TestOptions {
        config,
        clock: clock.clone(),
        ..TestOptions::default()
    })
}

/// The paired display's cookie.
async fn display_cookie(server: &TestServer) -> String {
    let r = reqwest::Client::new()
        .post(format!("{}/display/session", server.base_url))
        .header("Origin", &server.base_url)
        .json(&json!({ "token": server.display_token }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    format!("awn_display={}", server.display_token)
}

/// What the display shows at the entrance now: `(status, body)`.
async fn entrance(server: &TestServer, cookie: Option<&str>) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().get(format!("{}/display/entrance", server.base_url));
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The path the entrance QR opens now (`/arrive/{code}`), checked against what the display got.
async fn entrance_path(server: &TestServer, cookie: &str) -> String {
    let (status, e) = entrance(server, Some(cookie)).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    let url = e["url"].as_str().unwrap();
    assert!(e["qr_svg"].as_str().unwrap().starts_with("<svg"), "{e}");
    let path = &url[url.find("/arrive/").expect("an entrance link")..];
    assert_eq!(path.len(), "/arrive/".len() + 16, "{url}");
    path.to_string()
}

fn refusal(page: &Joined) -> String {
    between(&page.html, "data-code=\"", "\"").to_string()
}

async fn status_of(api: &Api, token: &str) -> Value {
    let r = api.get(&format!("/api/v1/status/{token}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

/// The `Max-Age` of a `Set-Cookie` line.
fn max_age(line: &str) -> i64 {
    between(&format!("{line};"), "Max-Age=", ";")
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_phone_that_joined_checks_in_by_the_entrance_qr_and_a_stale_code_opens_nothing() {
    let clock = Arc::new(ManualClock::new(start()));
    let server = server_on(&clock, Config::demo());
    let api = Api::new(&server.base_url);
    let display = display_cookie(&server).await;

    // Only the paired display gets the entrance link.
    assert_eq!(
        entrance(&server, None).await.0,
        StatusCode::UNAUTHORIZED,
        "no display cookie"
    );
    let (_, shown) = entrance(&server, Some(&display)).await;
    assert_eq!(shown["refresh_seconds"], 240, "the code turns at 09:05");
    assert_eq!(shown["valid_seconds"], 540, "and holds until 09:10");
    let first = entrance_path(&server, &display).await;

    // A visitor joins from home: the phone keeps the place for the entrance, until the day ends.
    let phone = Phone::new(&server.base_url);
    let (_, key) = phone.open("ar").await;
    let joined = phone.join("inquiry", &key).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.html);
    let label = label_of(&joined.html);
    let line = phone
        .set_cookie_line("awn_place")
        .expect("the place's cookie");
    for attribute in ["Path=/arrive;", "HttpOnly", "SameSite=Lax"] {
        assert!(line.contains(attribute), "{attribute}: {line}");
    }
    let midnight = Utc.with_ymd_and_hms(2026, 12, 9, 21, 0, 0).unwrap();
    assert_eq!(max_age(&line), (midnight - start()).num_seconds(), "{line}");
    assert!(line.starts_with(&format!("awn_place={key};")), "{line}");
    assert!(joined.html.contains("شاشة الانتظار"), "how to check in");

    // Five minutes later it is at the entrance with the QR it saw on arrival: asked, not yet in.
    clock.advance(Duration::minutes(5));
    let asked = phone.get(&first).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.html);
    assert_eq!(label_of(&asked.html), label);
    assert!(asked.html.contains("id=\"arrive\""), "{}", asked.html);
    assert!(!asked.html.contains("<script"), "the page needs no script");
    assert_eq!(asked.headers["cache-control"], "no-store");
    assert_eq!(status_of(&api, &key).await["awaiting_arrival"], true);

    // A photo of that QR taken at 09:01 opens nothing at 09:11, and checks nothing in.
    clock.advance(Duration::minutes(5));
    let stale = phone.get(&format!("{first}?lang=en")).await;
    assert_eq!(stale.status, StatusCode::GONE);
    assert_eq!(refusal(&stale), "entrance_code_expired");
    assert!(stale.html.contains("waiting-room screen"), "{}", stale.html);
    let stale = phone.send(&first, &[("lang", "ar")]).await;
    assert_eq!(stale.status, StatusCode::GONE);
    assert_eq!(status_of(&api, &key).await["awaiting_arrival"], true);

    // The code on the screen now: "I'm here" checks the place in, and links to its status page.
    let now = entrance_path(&server, &display).await;
    assert_ne!(now, first, "the code has changed");
    let done = phone.send(&now, &[("lang", "ar")]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(done.html.contains("id=\"checked-in\""), "{}", done.html);
    assert_eq!(label_of(&done.html), label);
    assert!(done.html.contains(&format!("href=\"/t/{key}\"")));
    let status = status_of(&api, &key).await;
    assert_eq!(status["awaiting_arrival"], false, "{status}");
    assert_eq!(status["state"], "waiting", "{status}");

    // Sent again (a reload, a second scan): told it is in already, with room for another code.
    let again = phone.send(&now, &[("lang", "en")]).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.html);
    assert!(again.html.contains("checked in already"), "{}", again.html);
    assert!(again.html.contains("name=\"check_in_code\""));

    // Another place, joined in another browser: this one types its code; a wrong one is refused.
    let other = Phone::new(&server.base_url);
    let (_, key2) = other.open("ar").await;
    let joined2 = other.join("new_request", &key2).await;
    let code2 = code_of(&joined2.html);
    other.forget_cookies();
    let form = other.get(&now).await;
    assert!(
        form.html.contains("name=\"check_in_code\""),
        "{}",
        form.html
    );
    let wrong = if code2 == "000000" {
        "000001"
    } else {
        "000000"
    };
    let refused = other
        .send(&now, &[("check_in_code", wrong), ("lang", "ar")])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.html);
    assert_eq!(refusal(&refused), "check_in_code_unknown");
    assert_eq!(status_of(&api, &key2).await["awaiting_arrival"], true);
    let typed = other
        .send(&now, &[("check_in_code", &code2), ("lang", "en")])
        .await;
    assert_eq!(typed.status, StatusCode::OK, "{}", typed.html);
    assert_eq!(label_of(&typed.html), label_of(&joined2.html));
    assert!(
        typed.html.contains("the page where you joined"),
        "no link: {}",
        typed.html
    );
    assert_eq!(status_of(&api, &key2).await["awaiting_arrival"], false);

    // Typed a second time: the place is not waiting for its visitor any more.
    let twice = other
        .send(&now, &[("check_in_code", &code2), ("lang", "en")])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.html);
    assert_eq!(refusal(&twice), "not_awaiting_arrival");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_codes_typed_on_phones_are_limited_per_address_and_the_kiosk_keeps_working() {
    let clock = Arc::new(ManualClock::new(start()));
    let server = server_on(&clock, Config::demo());
    let api = Api::new(&server.base_url);
    let display = display_cookie(&server).await;
    let at = entrance_path(&server, &display).await;
    let joiner = Phone::new(&server.base_url);
    let (_, key) = joiner.open("ar").await;
    let code = code_of(&joiner.join("inquiry", &key).await.html);

    let guesser = Phone::new(&server.base_url);
    let mut wrong = 0;
    for n in 0.. {
        let guess = format!("{:06}", (n * 7919) % 1_000_000);
        if guess == code {
            continue;
        }
        let r = guesser
            .send(&at, &[("check_in_code", &guess), ("lang", "ar")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "guess {wrong}: {}", r.html);
        wrong += 1;
        if wrong == counter_server::limits::CHECK_IN_MISSES_PER_PHONE_ADDRESS {
            break;
        }
    }
    // Past the limit even the right code waits; the place is untouched.
    let r = guesser
        .send(&at, &[("check_in_code", &code), ("lang", "ar")])
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.html);
    assert_eq!(refusal(&r), "too_many_attempts");
    assert_eq!(status_of(&api, &key).await["awaiting_arrival"], true);
    // The kiosk counts its own wrong codes: the visitor checks in there.
    let r = check_in(&api, &server.kiosk_token, &code).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(status_of(&api, &key).await["awaiting_arrival"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_made_on_the_phone_checks_in_at_the_entrance_on_its_day_and_gets_a_status_page() {
    let clock = Arc::new(ManualClock::new(start()));
    let server = server_on(&clock, Config::demo());
    server.add_staff("admin", Role::Admin, Gender::Male);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let riyadh = FixedOffset::east_opt(3 * 3600).unwrap();
    let today = riyadh.with_ymd_and_hms(2026, 12, 9, 10, 0, 0).unwrap();
    let tomorrow = today + Duration::days(1);
    let slots = set_slots(&api, &admin, "inquiry", &[today, tomorrow], 2).await;
    let display = display_cookie(&server).await;
    let at = entrance_path(&server, &display).await;

    // Tomorrow's booking: remembered until tomorrow ends, and not for checking in today.
    let phone = Phone::new(&server.base_url);
    let (page, _) = phone.open("ar").await;
    let later = phone.book(slots[1], &booking_key_of(&page), "ar").await;
    assert_eq!(later.status, StatusCode::OK, "{}", later.html);
    let line = phone
        .set_cookie_line("awn_booking")
        .expect("the booking's cookie");
    let tomorrow_ends = Utc.with_ymd_and_hms(2026, 12, 10, 21, 0, 0).unwrap();
    assert_eq!(
        max_age(&line),
        (tomorrow_ends - start()).num_seconds(),
        "{line}"
    );
    let form = phone.get(&at).await;
    assert!(
        form.html.contains("name=\"check_in_code\""),
        "{}",
        form.html
    );
    assert!(
        !form.html.contains("id=\"arrive\""),
        "tomorrow's booking is not today's"
    );

    // Today's booking, from the same phone: the entrance QR finds it, with its service and time.
    let (page, _) = phone.open("ar").await;
    let booked = phone.book(slots[0], &booking_key_of(&page), "ar").await;
    assert_eq!(booked.status, StatusCode::OK, "{}", booked.html);
    let asked = phone.get(&format!("{at}?lang=en")).await;
    assert!(
        asked.html.contains("Your appointment today"),
        "{}",
        asked.html
    );
    assert!(
        asked.html.contains("Inquiry") && asked.html.contains("10:00"),
        "{}",
        asked.html
    );
    let done = phone.send(&at, &[("lang", "en")]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(done.html.contains("id=\"checked-in\""), "{}", done.html);
    // Its place has a status page of its own, waiting in line.
    let token = between(&done.html, "href=\"/t/", "\"").to_string();
    let status = status_of(&api, &token).await;
    assert_eq!(status["state"], "waiting", "{status}");
    assert_eq!(status["label"].as_str().unwrap(), label_of(&done.html));
    assert_eq!(
        phone.get(&format!("/t/{token}")).await.status,
        StatusCode::OK
    );
    // The booking's page says it has arrived, and the QR offers nothing more to check in.
    let booking_page = phone.get(&booked.path).await;
    assert!(
        booking_page.html.contains("data-state=\"arrived\""),
        "{}",
        booking_page.html
    );
    let after = phone.get(&at).await;
    assert!(!after.html.contains("id=\"arrive\""), "{}", after.html);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_display_shows_no_entrance_qr_when_no_service_is_open_for_joining_from_the_phone() {
    let clock = Arc::new(ManualClock::new(start()));
    let mut config = Config::demo();
    for s in &mut config.services {
        s.remote_joining = false;
    }
    let server = server_on(&clock, config);
    let display = display_cookie(&server).await;
    assert_eq!(
        entrance(&server, Some(&display)).await.0,
        StatusCode::NO_CONTENT
    );
}
