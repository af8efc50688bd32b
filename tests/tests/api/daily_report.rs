//! End of day (issue 15 item 6) over real HTTP with an injected clock: the daily report of a
//! seeded service day with every figure exact (each service against its own target; satisfaction
//! from 10 ratings, "—" below), the CSV carrying the page's figures, no personal data in either;
//! contact requests taken and handled by a supervisor (audited, the note erased by retention),
//! refused to other roles, to the supervisor who served the visit and when handled twice; the
//! board's count of open ones.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::config::Config;
use counter_server::domain::numbering::riyadh;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer};
use reqwest::StatusCode;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use crate::metrics::{Seed, staff_id};

/// The cells after the row heading `name` in the table `id` of the page.
fn row_cells(html: &str, id: &str, name: &str) -> Vec<String> {
    let table = &html[html
        .find(&format!("<table id=\"{id}\">"))
        .unwrap_or_else(|| panic!("table {id}"))..];
    let table = &table[..table.find("</table>").unwrap()];
    let row = &table[table
        .find(&format!("<th scope=\"row\">{name}</th>"))
        .unwrap_or_else(|| panic!("row {name} of {id}"))..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|c| {
            let c = &c[c.find('>').unwrap() + 1..];
            c.split("</td>").next().unwrap().to_string()
        })
        .collect()
}

/// The CSV as (section, key, metric) → value.
fn csv_values(text: &str) -> HashMap<(String, String, String), String> {
    let body = text.strip_prefix('\u{FEFF}').expect("a UTF-8 BOM");
    let mut lines = body.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(lines.next(), Some("section,key,metric,value"));
    lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            assert_eq!(c.len(), 4, "{l}");
            (
                (c[0].to_string(), c[1].to_string(), c[2].to_string()),
                c[3].to_string(),
            )
        })
        .collect()
}

fn minutes(csv_seconds: &str) -> String {
    format!("{:.1}", csv_seconds.parse::<f64>().unwrap() / 60.0)
}

fn percent(csv_share: &str) -> String {
    format!("{:.1}%", csv_share.parse::<f64>().unwrap() * 100.0)
}

fn audit_rows(conn: &Connection, action: &str) -> i64 {
    conn.query_row(
        "SELECT count(*) FROM audit_log WHERE action = ?1",
        [action],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daily_report_has_exact_figures_and_contact_requests_are_taken_and_handled() {
    // Now: 3 December, noon in Riyadh; the report is of the day before.
    let now = riyadh()
        .with_ymd_and_hms(2026, 12, 3, 12, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    let clock = Arc::new(ManualClock::new(now));
    let server = TestServer::start_with(TestOptions {
        config: Config::demo(),
        clock: clock.clone(),
        ..TestOptions::default()
    });
    for (name, role) in [
        ("amal", Role::Reception),
        ("huda", Role::Reception),
        ("sup", Role::Supervisor),
        ("nour", Role::Supervisor),
        ("root", Role::Admin),
    ] {
        server.add_staff(name, role, Gender::Female);
    }
    let api = Api::new(&server.base_url);
    let conn = Connection::open(&server.db_path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    let (amal, huda, nour) = (
        staff_id(&conn, "amal"),
        staff_id(&conn, "huda"),
        staff_id(&conn, "nour"),
    );
    let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let mut seed = Seed {
        conn: &conn,
        next: Default::default(),
    };
    // Inquiry (target 10 min): 10 visits by Amal, waits 2, 4, … 20 min; 10 ratings, 7 of 4–5,
    // scores summing to 38; the first registered a support request; the 8th asks for contact.
    let scores = [5, 4, 3, 5, 4, 2, 5, 1, 4, 5];
    for (i, score) in scores.iter().enumerate() {
        let outcome = if i == 0 {
            "support_request_registered"
        } else {
            "information_given"
        };
        let id = seed.visit(
            "inquiry",
            "C",
            day,
            6,
            1,
            120 * (i as i64 + 1),
            Some(300),
            Some(outcome),
        );
        seed.rating(id, amal, *score, "", Some("أحمد كان لطيفًا"), i == 7);
    }
    // New requests (target 15): 9 visits by Huda with 10 min waits, rated 4 (9 ratings: too few),
    // the first asking for contact and referred; 2 no-shows called after 30 min.
    let mut huda_tickets = Vec::new();
    for _ in 0..9 {
        let id = seed.visit(
            "new_request",
            "A",
            day,
            7,
            2,
            600,
            Some(600),
            Some("information_given"),
        );
        seed.rating(id, huda, 4, "", None, huda_tickets.is_empty());
        huda_tickets.push(id);
    }
    seed.visit("new_request", "A", day, 7, 2, 1800, None, None);
    seed.visit("new_request", "A", day, 7, 2, 1800, None, None);
    conn.execute(
        "INSERT INTO ticket_events (ticket_id, action, desk, staff_id, at) VALUES (?1, 'refer', 2, ?2, '2026-12-02T07:20:00Z')",
        params![huda_tickets[0], huda],
    )
    .unwrap();
    // The day before: a visit served by Nour (a supervisor) whose visitor asks for contact; not
    // in the report's figures.
    let before = day - Duration::days(1);
    let nours = seed.visit(
        "inquiry",
        "C",
        before,
        6,
        3,
        60,
        Some(300),
        Some("information_given"),
    );
    seed.rating(nours, nour, 2, "", None, true);
    // Registered requests: one within its time, one registered 40 days ago and unanswered
    // (overdue after 30 days), one answered and the applicant told (closed).
    for (n, ticket, registered) in [
        (1, huda_tickets[1], day),
        (2, huda_tickets[2], day - Duration::days(40)),
        (3, huda_tickets[3], day),
    ] {
        conn.execute(
            "INSERT INTO follow_ups (ticket_id, opened_at, opened_by, visit_date, earliest_answer_date, reference)
             VALUES (?1, '2026-12-02T08:00:00Z', ?2, ?3, ?4, ?5)",
            params![
                ticket,
                huda,
                registered.to_string(),
                (registered + Duration::days(14)).to_string(),
                format!("R-2026-{n:05}")
            ],
        )
        .unwrap();
    }
    let closed: i64 = conn
        .query_row(
            "SELECT id FROM follow_ups WHERE reference = 'R-2026-00003'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "INSERT INTO committee_decisions (follow_up_id, decision, decided_on, recorded_at, recorded_by)
         VALUES (?1, 'accepted', '2026-12-02', '2026-12-02T09:00:00Z', ?2)",
        params![closed, huda],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO applicant_informed (decision_id, channel, informed_on, recorded_at, recorded_by)
         VALUES (?1, 'phone', '2026-12-02', '2026-12-02T10:00:00Z', ?2)",
        params![conn.last_insert_rowid(), huda],
    )
    .unwrap();

    let sup = api.login("sup").await;
    let page = api
        .get(&format!("/console/report?day={day}&lang=en"), Some(&sup))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let html = &page.text;
    // Visits: issued, served, no-shows, referrals, registered requests.
    assert_eq!(
        row_cells(html, "visits", "Inquiry"),
        ["10", "10", "0", "0", "1"]
    );
    assert_eq!(
        row_cells(html, "visits", "New support request"),
        ["11", "9", "2", "1", "0"]
    );
    assert_eq!(
        row_cells(html, "visits", "Volunteering"),
        ["0", "0", "0", "0", "0"]
    );
    assert_eq!(
        row_cells(html, "visits", "Whole branch"),
        ["21", "19", "2", "1", "1"]
    );
    // Waits against each service's own target: inquiry 5 of 10 within 10 min (median rank 5 =
    // 10 min, p90 rank 9 = 18 min); new requests 9 of 11 within 15 (p90 rank 10 = 30 min); the
    // branch 14 of 21 (median rank 11 = 10 min, p90 rank 19 = 20 min).
    assert_eq!(
        row_cells(html, "waits", "Inquiry"),
        ["10", "10.0", "18.0", "5 (50.0%)"]
    );
    assert_eq!(
        row_cells(html, "waits", "New support request"),
        ["15", "10.0", "30.0", "9 (81.8%)"]
    );
    assert_eq!(
        row_cells(html, "waits", "Whole branch"),
        ["Each service's own", "10.0", "20.0", "14 (66.7%)"]
    );
    // Satisfaction: inquiry from its 10 ratings; new requests' 9 are too few; the branch's 19.
    assert_eq!(
        row_cells(html, "satisfaction", "Inquiry"),
        ["10", "70.0%", "3.80", ""]
    );
    assert_eq!(
        row_cells(html, "satisfaction", "New support request"),
        ["9", "—", "—", "Fewer than 10 ratings"]
    );
    assert_eq!(
        row_cells(html, "satisfaction", "Whole branch"),
        ["19", "84.2%", "3.89", ""]
    );
    // Follow-ups open now: 3 contact requests (one of the day before), 2 registered requests
    // open, 1 overdue.
    assert!(html.contains(r#"<dd id="open-contacts">3</dd>"#), "{html}");
    assert!(html.contains(r#"<dd id="open-requests">2</dd>"#));
    assert!(html.contains(r#"<dd id="overdue-requests">1</dd>"#));
    // No personal data: no label, no comment, no reference.
    for personal in ["C-001", "A-001", "أحمد", "R-2026-"] {
        assert!(!html.contains(personal), "{personal} in the report");
    }
    assert!(html.contains(r#"<link rel="stylesheet" href="/assets/report.css">"#));
    let css = api.get("/assets/report.css", None).await;
    assert!(css.text.contains("@page { size: A4;"), "{}", css.text);

    // The CSV carries the page's figures.
    let r = api
        .get(&format!("/api/v1/report/daily.csv?day={day}"), Some(&sup))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.text.matches("C-0").count() + r.text.matches("أحمد").count(),
        0
    );
    let csv = csv_values(&r.text);
    let v = |section: &str, key: &str, metric: &str| -> String {
        csv.get(&(section.into(), key.into(), metric.into()))
            .unwrap_or_else(|| panic!("{section},{key},{metric}"))
            .clone()
    };
    assert_eq!(v("report", "day", "date"), "2026-12-02");
    for (name, section, key) in [
        ("Inquiry", "service", "inquiry"),
        ("New support request", "service", "new_request"),
        ("Whole branch", "branch", "all"),
    ] {
        let visits: Vec<String> = [
            "issued",
            "served",
            "no_shows",
            "referrals",
            "registered_requests",
        ]
        .iter()
        .map(|m| v(section, key, m))
        .collect();
        assert_eq!(row_cells(html, "visits", name), visits, "{name}");
        let waits = row_cells(html, "waits", name);
        assert_eq!(
            waits[1],
            minutes(&v(section, key, "wait_median_s")),
            "{name}"
        );
        assert_eq!(waits[2], minutes(&v(section, key, "wait_p90_s")), "{name}");
        assert_eq!(
            waits[3],
            format!(
                "{} ({})",
                v(section, key, "within_target"),
                percent(&v(section, key, "within_target_share"))
            ),
            "{name}"
        );
        let sat = row_cells(html, "satisfaction", name);
        assert_eq!(sat[0], v(section, key, "ratings"));
        let csat = v(section, key, "csat");
        assert_eq!(
            sat[1],
            if csat.is_empty() {
                "—".into()
            } else {
                percent(&csat)
            },
            "{name}"
        );
    }
    assert_eq!(v("service", "inquiry", "target_wait_minutes"), "10");
    assert_eq!(v("service", "new_request", "target_wait_minutes"), "15");
    assert_eq!(
        v("service", "new_request", "satisfaction"),
        "fewer_than_min_ratings"
    );
    assert_eq!(v("service", "new_request", "csat"), "");
    assert_eq!(v("service", "inquiry", "csat"), "0.7000");
    assert_eq!(v("follow_ups", "all", "open_contact_requests"), "3");
    assert_eq!(v("follow_ups", "all", "open_committee_requests"), "2");
    assert_eq!(v("follow_ups", "all", "overdue_committee_requests"), "1");
    // A day after today, or not a date: 422.
    for bad in ["2026-12-04", "yesterday"] {
        let r = api
            .get(&format!("/api/v1/report/daily.csv?day={bad}"), Some(&sup))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(r.code(), "invalid_date");
    }

    // Contact requests: Sup sees the three; Nour, who served one, only the other two.
    let list = |token: String| {
        let api = &api;
        async move {
            api.get(
                &format!("/api/v1/contact-requests?from={before}&to={day}"),
                Some(&token),
            )
            .await
        }
    };
    let all = list(sup.clone()).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    let ids: Vec<i64> = all.json["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    let nour_token = api.login("nour").await;
    let for_nour = list(nour_token.clone()).await;
    let nours_id: i64 = conn
        .query_row(
            "SELECT c.id FROM contact_requests c JOIN ratings r ON r.id = c.rating_id WHERE r.ticket_id = ?1",
            [nours],
            |r| r.get(0),
        )
        .unwrap();
    let others: Vec<i64> = ids.iter().copied().filter(|i| *i != nours_id).collect();
    assert_eq!(for_nour.json["requests"].as_array().unwrap().len(), 2);
    assert!(
        !for_nour.json["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == nours_id),
        "Nour never sees the request about her own visit"
    );
    let b = api.get("/api/v1/board", Some(&nour_token)).await;
    assert_eq!(b.json["open_contact_requests"], 2, "{}", b.text);
    let b = api.get("/api/v1/board", Some(&sup)).await;
    assert_eq!(b.json["open_contact_requests"], 3, "{}", b.text);
    let root = api.login("root").await;
    let b = api.get("/api/v1/board", Some(&root)).await;
    assert_eq!(b.json["open_contact_requests"], 3);

    // Refusals: other roles (403), the supervisor who served the visit (404, as if absent).
    let take = |id: i64| format!("/api/v1/contact-requests/{id}/take");
    let handle = |id: i64| format!("/api/v1/contact-requests/{id}/handle");
    let amal_token = api.login("amal").await;
    for token in [&amal_token, &root] {
        let r = api.post(&take(others[0]), token, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        let r = api.get("/api/v1/contact-requests", Some(token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let r = api.post(&take(nours_id), &nour_token, None).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "contact_request_not_found")
    );
    let note = json!({ "note": "اتصلت بالزائر وأجبت عن سؤاله" });
    let r = api.post(&handle(nours_id), &nour_token, Some(&note)).await;
    assert_eq!(r.code(), "contact_request_not_found");
    let r = api.post(&take(999_999), &sup, None).await;
    assert_eq!(r.code(), "contact_request_not_found");

    // Sup takes one (twice: nothing changes); Nour cannot take or handle it then.
    let target = others[0];
    for _ in 0..2 {
        let r = api.post(&take(target), &sup, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    }
    assert_eq!(audit_rows(&conn, "take_contact_request"), 1);
    let r = api.post(&take(target), &nour_token, None).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "contact_request_taken")
    );
    let r = api.post(&handle(target), &nour_token, Some(&note)).await;
    assert_eq!(r.code(), "contact_request_taken");
    // A note is required.
    let r = api
        .post(&handle(target), &sup, Some(&json!({ "note": "  " })))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // Handled, with who, when and the note; once only.
    let r = api.post(&handle(target), &sup, Some(&note)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = api.post(&handle(target), &sup, Some(&note)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "contact_request_handled")
    );
    let r = api.post(&take(target), &nour_token, None).await;
    assert_eq!(r.code(), "contact_request_handled");
    assert_eq!(audit_rows(&conn, "handle_contact_request"), 1);
    // Handling one nobody took makes the handler its owner.
    let r = api.post(&handle(others[1]), &nour_token, Some(&note)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);

    let reads_before = audit_rows(&conn, "read_contact_note");
    let all = list(sup.clone()).await;
    let item = |id: i64| -> Value {
        all.json["requests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    let handled = item(target);
    let sup_id = staff_id(&conn, "sup");
    assert_eq!(handled["owner"]["staff_id"], sup_id);
    assert_eq!(handled["handled"]["staff_id"], sup_id);
    assert_eq!(handled["handled"]["at"], "2026-12-03T12:00:00+03:00");
    assert_eq!(handled["note"], note["note"]);
    assert_eq!(item(others[1])["owner"]["staff_id"], nour);
    assert!(item(nours_id)["handled"].is_null());
    // Two notes shown: two audited reads.
    assert_eq!(audit_rows(&conn, "read_contact_note"), reads_before + 2);

    // One open now for Sup (Nour's own visit's), none for Nour; the report follows.
    let b = api.get("/api/v1/board", Some(&sup)).await;
    assert_eq!(b.json["open_contact_requests"], 1);
    let b = api.get("/api/v1/board", Some(&nour_token)).await;
    assert_eq!(b.json["open_contact_requests"], 0);
    let r = api
        .get(&format!("/api/v1/report/daily.csv?day={day}"), Some(&sup))
        .await;
    assert_eq!(
        csv_values(&r.text)[&(
            "follow_ups".to_string(),
            "all".to_string(),
            "open_contact_requests".to_string()
        )],
        "1"
    );

    // The note goes with the visit's personal data (retention purge, deletion request).
    let ticket: i64 = conn
        .query_row(
            "SELECT r.ticket_id FROM contact_requests c JOIN ratings r ON r.id = c.rating_id WHERE c.id = ?1",
            [target],
            |r| r.get(0),
        )
        .unwrap();
    counter_server::store::retention::destroy_personal_data(&conn, ticket, now).unwrap();
    let (note_left, handled_at): (Option<String>, Option<String>) = conn
        .query_row(
            "SELECT handled_note, handled_at FROM contact_requests WHERE id = ?1",
            [target],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(note_left, None);
    assert!(handled_at.is_some(), "the handled state stays");
}
