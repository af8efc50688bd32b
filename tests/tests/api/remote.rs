//! Joining the line from the phone (issue 16, policy 3.4) over real HTTP: the public join page,
//! its caps, the status page's check-in code, a remote place moved back and then lapsing when its
//! visitor is not there, and checking in at the kiosk with the code.

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer, key};
use reqwest::StatusCode;
use serde_json::Value;

/// A phone's browser: the cookies the site sets (each sent only under its `Path`, as a browser
/// does), and our Origin on the forms.
pub(crate) struct Phone {
    http: reqwest::Client,
    base: String,
    /// name → (value, path, the whole `Set-Cookie` line).
    cookies: std::sync::Mutex<std::collections::BTreeMap<String, (String, String, String)>>,
}

pub(crate) struct Joined {
    pub status: StatusCode,
    pub html: String,
    pub headers: reqwest::header::HeaderMap,
    /// The path of the page answered: the one a `303` sent to (a booking's `/b/{token}`), or
    /// the path posted to.
    pub path: String,
}

impl Phone {
    pub fn new(base: &str) -> Self {
        Self::with_client(
            base,
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        )
    }

    /// A phone on its own client (e.g. bound to another loopback source address).
    pub fn with_client(base: &str, http: reqwest::Client) -> Self {
        Self {
            http,
            base: base.to_string(),
            cookies: std::sync::Mutex::default(),
        }
    }

    /// The `Set-Cookie` line last received for cookie `name`, if it is held.
    pub fn set_cookie_line(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).map(|c| c.2.clone())
    }

    /// Forgets every cookie (another browser on the same phone).
    pub fn forget_cookies(&self) {
        self.cookies.lock().unwrap().clear();
    }

    fn with_cookies(&self, req: reqwest::RequestBuilder, path: &str) -> reqwest::RequestBuilder {
        let path = path.split('?').next().unwrap_or(path);
        let header = self
            .cookies
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, (_, p, _))| path == p || path.starts_with(&format!("{p}/")) || p == "/")
            .map(|(n, (v, _, _))| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if header.is_empty() {
            req
        } else {
            req.header("Cookie", header)
        }
    }

    fn keep_cookies(&self, headers: &reqwest::header::HeaderMap) {
        for set in headers.get_all("set-cookie") {
            let line = set.to_str().unwrap().to_string();
            let (pair, attributes) = line.split_once(';').unwrap_or((&line, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let path = attributes
                .split(';')
                .find_map(|a| a.trim().strip_prefix("Path="))
                .unwrap_or("/")
                .to_string();
            let mut jar = self.cookies.lock().unwrap();
            if attributes.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_string(), (value.to_string(), path, line.clone()));
            }
        }
    }

    /// Opens the join page and returns it with the form's key.
    pub async fn open(&self, lang: &str) -> (String, String) {
        let path = format!("/join?lang={lang}");
        let req = self.with_cookies(self.http.get(format!("{}{path}", self.base)), &path);
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        if let Some(set) = r.headers().get("set-cookie") {
            let set = set.to_str().unwrap();
            assert!(
                set.contains("HttpOnly") && set.contains("Path=/join"),
                "{set}"
            );
        }
        self.keep_cookies(r.headers());
        let html = r.text().await.unwrap();
        let key = between(&html, "name=\"key\" value=\"", "\"").to_string();
        (html, key)
    }

    pub async fn join(&self, service: &str, key: &str) -> Joined {
        self.send(
            "/join",
            &[("service", service), ("key", key), ("lang", "ar")],
        )
        .await
    }

    /// Presses a slot's button on the join page: `key` is the booking forms' key
    /// (`booking_key_of`).
    pub async fn book(&self, slot: i64, key: &str, lang: &str) -> Joined {
        let slot = slot.to_string();
        self.send(
            "/join/book",
            &[("slot", slot.as_str()), ("key", key), ("lang", lang)],
        )
        .await
    }

    /// Posts a form of this site's pages (with its `Origin`), and follows a `303` as a browser.
    pub async fn send(&self, path: &str, form: &[(&str, &str)]) -> Joined {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("Origin", &self.base)
            .form(form);
        let r = self.with_cookies(req, path).send().await.unwrap();
        self.keep_cookies(r.headers());
        if r.status() == StatusCode::SEE_OTHER {
            let to = r.headers()["location"].to_str().unwrap().to_string();
            assert_eq!(r.headers()["cache-control"], "no-store");
            return self.get(&to).await;
        }
        Joined {
            status: r.status(),
            headers: r.headers().clone(),
            html: r.text().await.unwrap(),
            path: path.to_string(),
        }
    }

    /// Opens a page of this site (`path` with its query).
    pub async fn get(&self, path: &str) -> Joined {
        let req = self.http.get(format!("{}{path}", self.base));
        let r = self.with_cookies(req, path).send().await.unwrap();
        self.keep_cookies(r.headers());
        Joined {
            status: r.status(),
            headers: r.headers().clone(),
            html: r.text().await.unwrap(),
            path: path.to_string(),
        }
    }
}

pub(crate) fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} in {text}"))
        + start.len();
    let len = text[from..].find(end).unwrap();
    &text[from..from + len]
}

pub(crate) fn code_of(html: &str) -> String {
    between(html, "id=\"check-in-code\">", "<").to_string()
}

pub(crate) fn label_of(html: &str) -> String {
    between(html, "class=\"number ltr\">", "<").to_string()
}

async fn status(api: &Api, token: &str) -> Value {
    let r = api.get(&format!("/api/v1/status/{token}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

pub(crate) async fn check_in(api: &Api, kiosk: &str, code: &str) -> e2e::Reply {
    api.post(
        "/api/v1/kiosk/check-in",
        kiosk,
        Some(&serde_json::json!({ "code": code })),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_place_joined_from_the_phone_is_kept_moves_back_once_and_is_called_once_checked_in() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let phone = Phone::new(&server.base_url);

    // The page offers the demo's services open for remote joining, and only those.
    let (page, key1) = phone.open("en").await;
    assert!(page.contains("Inquiry") && page.contains("Follow up a request"));
    assert!(
        !page.contains("Volunteering"),
        "not open for remote joining"
    );
    assert!(!page.contains("<script"), "the page needs no script");
    let joined = phone.join("inquiry", &key1).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.html);
    let (label, code) = (label_of(&joined.html), code_of(&joined.html));
    assert_eq!(label, "C-001");
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
    // The same form sent again (a double tap, a reload) is the same place.
    let again = phone.join("inquiry", &key1).await;
    assert_eq!(
        (label_of(&again.html), code_of(&again.html)),
        (label.clone(), code.clone())
    );
    let s = status(&api, &key1).await;
    assert_eq!(
        (s["awaiting_arrival"].as_bool(), s["check_in_code"].as_str()),
        (Some(true), Some(code.as_str()))
    );

    // Two walk-ins after it; the desk calls: the remote place stood first, its visitor is not
    // here, so the first walk-in is called and the place moves back behind the second.
    let w1 = api
        .issue(
            &server.kiosk_token,
            &key(),
            &serde_json::json!({"service": "inquiry"}),
        )
        .await;
    let w2 = api
        .issue(
            &server.kiosk_token,
            &key(),
            &serde_json::json!({"service": "inquiry"}),
        )
        .await;
    assert_eq!(status(&api, &key1).await["people_ahead"], 0);
    assert_eq!(
        w1.json["people_ahead"], 1,
        "the remote place holds its place"
    );
    let amal = api.login_at_desk("amal", 1).await;
    let called = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(called.json["id"], w1.json["id"], "{}", called.text);
    assert_eq!(
        status(&api, &key1).await["people_ahead"],
        1,
        "moved back behind w2"
    );
    api.post(
        &format!("/api/v1/tickets/{}/no-show", w1.json["id"]),
        &amal,
        None,
    )
    .await;

    // Checked in at the kiosk with the code: callable in the place it holds now.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        check_in(&api, &server.kiosk_token, wrong).await.code(),
        "check_in_code_unknown"
    );
    let r = check_in(&api, &server.kiosk_token, &code).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.json["label"].as_str(), r.json["people_ahead"].as_u64()),
        (Some(label.as_str()), Some(1))
    );
    assert_eq!(
        check_in(&api, &server.kiosk_token, &code).await.code(),
        "not_awaiting_arrival"
    );
    let s = status(&api, &key1).await;
    assert_eq!(
        (s["awaiting_arrival"].as_bool(), s.get("check_in_code")),
        (Some(false), None)
    );
    let next = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(next.json["id"], w2.json["id"]);
    api.post(
        &format!("/api/v1/tickets/{}/no-show", w2.json["id"]),
        &amal,
        None,
    )
    .await;
    let next = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(next.json["label"], label.as_str(), "{}", next.text);
    assert_eq!(status(&api, &key1).await["state"], "called");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remote_place_whose_visitor_never_comes_lapses_at_its_second_turn() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let phone = Phone::new(&server.base_url);
    let (_, k) = phone.open("ar").await;
    let joined = phone.join("follow_up", &k).await;
    let code = code_of(&joined.html);
    let amal = api.login_at_desk("amal", 1).await;
    for _ in 0..4 {
        let w = api
            .issue(
                &server.kiosk_token,
                &key(),
                &serde_json::json!({"service": "follow_up"}),
            )
            .await;
        assert_eq!(w.status, StatusCode::CREATED);
    }
    for _ in 0..4 {
        let c = api.post("/api/v1/desks/1/call-next", &amal, None).await;
        assert_eq!(c.status, StatusCode::OK, "{}", c.text);
        api.post(
            &format!("/api/v1/tickets/{}/no-show", c.json["id"]),
            &amal,
            None,
        )
        .await;
    }
    // Passed over twice: gone from the line, and its code checks nothing in.
    let r = api.get(&format!("/api/v1/status/{k}"), None).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "an expired place: {}",
        r.text
    );
    assert_eq!(
        check_in(&api, &server.kiosk_token, &code).await.code(),
        "not_awaiting_arrival"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn joins_are_held_to_the_device_and_address_caps_and_refused_for_other_services() {
    let server = TestServer::start();
    let phone = Phone::new(&server.base_url);
    // The demo allows 2 a day per device (the page's cookie).
    for service in ["inquiry", "follow_up"] {
        let (_, k) = phone.open("ar").await;
        assert_eq!(phone.join(service, &k).await.status, StatusCode::OK);
    }
    let (_, k) = phone.open("ar").await;
    let third = phone.join("inquiry", &k).await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(third.html.contains("حُجز العدد المسموح"), "{}", third.html);
    // Other phones on the same address: 4 a day per address in the demo, so two more, then refused.
    let other = Phone::new(&server.base_url);
    for service in ["inquiry", "new_request"] {
        let (_, k) = other.open("ar").await;
        assert_eq!(other.join(service, &k).await.status, StatusCode::OK);
    }
    let third_phone = Phone::new(&server.base_url);
    let (_, k) = third_phone.open("ar").await;
    assert_eq!(
        third_phone.join("inquiry", &k).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A service not open for joining, and a form without a key.
    let (_, k) = Phone::new(&server.base_url).open("ar").await;
    let p = Phone::new(&server.base_url);
    assert_eq!(
        p.join("volunteering", &k).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        p.join("inquiry", "x").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Nothing about the caller is kept but keyed hashes: no address in the database.
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM remote_places", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 4);
    let raw = std::fs::read(&server.db_path).unwrap();
    assert!(
        !raw.windows(9).any(|w| w == b"127.0.0.1"),
        "no address in the file"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_appointment_booked_on_the_phone_enters_the_line_at_check_in_and_shows_on_the_board() {
    let (now, _clock, server) = e2e::at_nine_in_riyadh_today();
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sami", Role::Supervisor, Gender::Male);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let amal = api.login("amal").await;
    // A slot later today (the test server is open around the clock).
    let later = now + chrono::Duration::minutes(90);
    let body = serde_json::json!({
        "service": "inquiry",
        "day": later.format("%Y-%m-%d").to_string(),
        "times": [later.format("%H:%M").to_string()],
        "capacity": 1,
    });
    let r = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/admin/appointment-slots",
            Some(&admin),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let slot = r.json[0]["id"].as_i64().unwrap();
    let booked = api
        .post(
            "/api/v1/appointments",
            &amal,
            Some(&serde_json::json!({ "slot": slot })),
        )
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.text);
    let code = booked.json["code"].as_str().unwrap().to_string();
    let full = api
        .post(
            "/api/v1/appointments",
            &amal,
            Some(&serde_json::json!({ "slot": slot })),
        )
        .await;
    assert_eq!(full.code(), "slot_full");
    let slots = api.get("/api/v1/appointment-slots", Some(&amal)).await;
    assert_eq!(slots.json[0]["booked"], 1);

    let sami = api.login("sami").await;
    let board = api.get("/api/v1/board", Some(&sami)).await;
    assert_eq!(
        board.json["appointments"][0]["state"], "expected",
        "{}",
        board.text
    );

    // Checked in early: a ticket in line, waiting for its slot.
    let r = check_in(&api, &server.kiosk_token, &code).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let label = r.json["label"].as_str().unwrap().to_string();
    assert_eq!(
        check_in(&api, &server.kiosk_token, &code).await.code(),
        "not_awaiting_arrival"
    );
    let board = api.get("/api/v1/board", Some(&sami)).await;
    assert_eq!(board.json["appointments"][0]["state"], "arrived");
    assert_eq!(board.json["appointments"][0]["label"], label.as_str());
    // Before its slot a desk does not call it.
    let desk = api.login_at_desk("amal", 1).await;
    let c = api.post("/api/v1/desks/1/call-next", &desk, None).await;
    assert_eq!(c.code(), "no_ticket_waiting", "{}", c.text);
}

/// A caller cancels on the phone by the booking's day and code: the place is free again for the
/// next caller, the code checks nothing in, the board says cancelled; a checked-in booking is not
/// cancelled (its ticket is in the line).
#[tokio::test(flavor = "multi_thread")]
async fn a_booking_cancelled_on_the_phone_frees_its_place_and_checks_nothing_in() {
    let (now, _clock, server) = e2e::at_nine_in_riyadh_today();
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sami", Role::Supervisor, Gender::Male);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let amal = api.login("amal").await;
    let later = now + chrono::Duration::minutes(90);
    let day = later.format("%Y-%m-%d").to_string();
    let body = serde_json::json!({
        "service": "inquiry",
        "day": day,
        "times": [later.format("%H:%M").to_string()],
        "capacity": 1,
    });
    let r = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/admin/appointment-slots",
            Some(&admin),
            Some(&body),
            &[],
        )
        .await;
    let slot = r.json[0]["id"].as_i64().unwrap();
    let book = || async {
        api.post(
            "/api/v1/appointments",
            &amal,
            Some(&serde_json::json!({ "slot": slot })),
        )
        .await
    };
    let cancel = |code: String| {
        let (api, amal, day) = (&api, &amal, day.clone());
        async move {
            api.post(
                "/api/v1/appointments/cancel",
                amal,
                Some(&serde_json::json!({ "day": day, "code": code })),
            )
            .await
        }
    };
    let first = book().await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let code = first.json["code"].as_str().unwrap().to_string();

    let r = cancel(code.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["cancelled"], true);
    let again = cancel(code.clone()).await;
    assert_eq!(
        (again.status, &again.json["cancelled"]),
        (StatusCode::OK, &serde_json::json!(true)),
        "cancelling twice is the same answer"
    );
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(cancel(wrong.into()).await.code(), "booking_not_found");
    assert_eq!(cancel("12345".into()).await.code(), "invalid_booking");
    assert_eq!(
        check_in(&api, &server.kiosk_token, &code).await.code(),
        "not_awaiting_arrival",
        "a cancelled booking checks nothing in"
    );
    let sami = api.login("sami").await;
    let board = api.get("/api/v1/board", Some(&sami)).await;
    assert_eq!(
        board.json["appointments"][0]["state"], "cancelled",
        "{}",
        board.text
    );
    let slots = api.get("/api/v1/appointment-slots", Some(&amal)).await;
    assert_eq!(slots.json[0]["booked"], 0, "the place is free again");

    // The next caller gets the place; once checked in it is not cancelled.
    let second = book().await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text);
    let code2 = second.json["code"].as_str().unwrap().to_string();
    assert_ne!(code2, code);
    assert_eq!(
        check_in(&api, &server.kiosk_token, &code2).await.status,
        StatusCode::OK
    );
    assert_eq!(cancel(code2).await.code(), "booking_arrived");

    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'appointment_cancelled'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1, "one cancellation, audited once");
}
