//! Booking an appointment from the phone (issue 16, policy 3.4) over real HTTP: the join page lists
//! the slots a visitor may book, `POST /join/book` answers with the booking code, the same form
//! sent twice is the same booking, a full, passed or closed slot and a visitor past the cap are
//! refused with their own words, and the code checks in at the kiosk.

use chrono::{DateTime, Duration, FixedOffset};
use counter_server::domain::{Gender, Role};
use e2e::Api;
use reqwest::StatusCode;
use serde_json::json;

use crate::remote::{Phone, between, check_in};

/// The booking forms' key on a join page (the joining forms have their own).
pub(crate) fn booking_key_of(html: &str) -> String {
    let section = &html[html.find("action=\"/join/book\"").expect("a booking form")..];
    between(section, "name=\"key\" value=\"", "\"").to_string()
}

/// The refusal's stable code on a page (`data-code`).
pub(crate) fn refusal_of(html: &str) -> String {
    between(html, "data-code=\"", "\"").to_string()
}

/// Sets slots of `service` at `times` (Riyadh time) on their day; returns their ids in order.
pub(crate) async fn set_slots(
    api: &Api,
    admin: &str,
    service: &str,
    times: &[DateTime<FixedOffset>],
    capacity: u32,
) -> Vec<i64> {
    let mut ids = Vec::new();
    for t in times {
        let body = json!({
            "service": service,
            "day": t.format("%Y-%m-%d").to_string(),
            "times": [t.format("%H:%M").to_string()],
            "capacity": capacity,
        });
        let r = api
            .send(
                reqwest::Method::PUT,
                "/api/v1/admin/appointment-slots",
                Some(admin),
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let at = t.format("%H:%M").to_string();
        let slot = r.json.as_array().unwrap().iter().find(|s| {
            s["starts_at"]
                .as_str()
                .is_some_and(|s| s.contains(&format!("T{at}")))
        });
        ids.push(slot.expect("the slot set")["id"].as_i64().unwrap());
    }
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_books_a_slot_on_the_join_page_and_checks_in_with_the_code() {
    let (now, _clock, server) = e2e::at_nine_in_riyadh_today();
    server.add_staff("admin", Role::Admin, Gender::Male);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let later = now + Duration::minutes(90);
    let in_three_days = now + Duration::days(3);
    let [one_place] = set_slots(&api, &admin, "inquiry", &[later], 1).await[..] else {
        unreachable!()
    };
    let [roomy] = set_slots(&api, &admin, "follow_up", &[in_three_days], 5).await[..] else {
        unreachable!()
    };
    // Not open for remote joining: never offered, refused if sent anyway.
    let [volunteering] = set_slots(&api, &admin, "volunteering", &[later], 5).await[..] else {
        unreachable!()
    };
    // This minute: its time has come.
    let [passed] = set_slots(&api, &admin, "inquiry", &[now], 5).await[..] else {
        unreachable!()
    };

    let phone = Phone::new(&server.base_url);
    let (page, _) = phone.open("en").await;
    assert!(page.contains("Or book an appointment"), "{page}");
    let button = |id: i64| format!("name=\"slot\" value=\"{id}\"");
    assert!(page.contains(&button(one_place)) && page.contains(&button(roomy)));
    assert!(
        !page.contains(&button(volunteering)),
        "not for remote joining"
    );
    assert!(!page.contains(&button(passed)), "its time has come");
    assert!(page.contains(&later.format("%H:%M").to_string()));
    assert!(!page.contains("<script"), "the page needs no script");

    // Booked: the code, the service, the date and time in Riyadh time, how to check in.
    let key = booking_key_of(&page);
    let booked = phone.book(one_place, &key, "en").await;
    assert_eq!(booked.status, StatusCode::OK, "{}", booked.html);
    let code = between(&booked.html, "id=\"booking-code\">", "<").to_string();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
    assert!(
        booked.html.contains("class=\"code ltr\""),
        "digits left to right"
    );
    let when = awn_core::opening::opening_words(&later.to_rfc3339()).unwrap();
    for needle in [
        "Inquiry",
        when.en.as_str(),
        "Riyadh time",
        "type this code at the ticket kiosk",
    ] {
        assert!(booked.html.contains(needle), "{needle}: {}", booked.html);
    }
    // Answered on the booking's page, whose address is the way back to it (`booking_page.rs`).
    assert!(booked.path.starts_with("/b/"), "{}", booked.path);
    assert_eq!(booked.headers["referrer-policy"], "strict-origin");
    assert_eq!(booked.headers["cache-control"], "no-store");
    // The same form again (a double tap, a reload) is the same booking, even with another button.
    let again = phone.book(roomy, &key, "en").await;
    assert_eq!(
        between(&again.html, "id=\"booking-code\">", "<"),
        code,
        "{}",
        again.html
    );

    // Another phone: the slot is full, and no longer offered.
    let other = Phone::new(&server.base_url);
    let (page, _) = other.open("ar").await;
    assert!(
        !page.contains(&button(one_place)),
        "a full slot is not offered"
    );
    let full = other.book(one_place, &booking_key_of(&page), "ar").await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert_eq!(refusal_of(&full.html), "slot_full");
    assert!(full.html.contains("اكتمل هذا الموعد"), "{}", full.html);
    let (page, _) = other.open("en").await;
    let r = other.book(passed, &booking_key_of(&page), "en").await;
    assert_eq!(
        (r.status, refusal_of(&r.html)),
        (StatusCode::CONFLICT, "slot_passed".into())
    );
    assert!(r.html.contains("This slot's time has come or passed"));
    let (page, _) = other.open("en").await;
    let r = other.book(volunteering, &booking_key_of(&page), "en").await;
    assert_eq!(
        (r.status, refusal_of(&r.html)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_for_remote_joining".into()
        )
    );
    // A form from another site: refused by the Origin check before anything is booked.
    let forged = reqwest::Client::new()
        .post(format!("{}/join/book", server.base_url))
        .header("Origin", "https://evil.example")
        .form(&[("slot", roomy.to_string()), ("key", booking_key_of(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // The demo allows 2 a day per device: the first phone books one more, then is refused.
    let (page, _) = phone.open("en").await;
    let second = phone.book(roomy, &booking_key_of(&page), "en").await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.html);
    let (page, _) = phone.open("en").await;
    let third = phone.book(roomy, &booking_key_of(&page), "en").await;
    assert_eq!(
        (third.status, refusal_of(&third.html)),
        (
            StatusCode::TOO_MANY_REQUESTS,
            "booking_limit_reached".into()
        )
    );
    assert!(
        third
            .html
            .contains("booked as many appointments as allowed today")
    );

    // On arrival the code checks in at the kiosk: a ticket in line, as an appointment.
    let r = check_in(&api, &server.kiosk_token, &code).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["service"], "inquiry");
    assert!(
        r.json["label"].as_str().unwrap().starts_with("C-"),
        "{}",
        r.text
    );
}
