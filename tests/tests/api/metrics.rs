//! The metrics over real HTTP, against a known set of visits and ratings written to the store:
//! every value exact, the k ≥ 10 rule per staff member, staff see only their own aggregate, contact
//! requests only for supervisors, the CSV (formula cells guarded), and `GET /metrics`.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use counter_server::domain::numbering::service_day;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer};
use reqwest::StatusCode;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

/// Visits and ratings written straight to the store (also the daily report's, `daily_report`).
pub(crate) struct Seed<'a> {
    pub(crate) conn: &'a Connection,
    pub(crate) next: std::collections::HashMap<(String, NaiveDate), i64>,
}

impl Seed<'_> {
    /// A visit issued at `utc_hour` UTC on `day`, called after `wait` s, served `service` s (None:
    /// a no-show). Returns the ticket id.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn visit(
        &mut self,
        service: &str,
        prefix: &str,
        day: NaiveDate,
        utc_hour: u32,
        desk: i64,
        wait: i64,
        service_s: Option<i64>,
        outcome: Option<&str>,
    ) -> i64 {
        let n = self.next.entry((service.to_string(), day)).or_insert(0);
        *n += 1;
        let issued = Utc
            .from_utc_datetime(&day.and_hms_opt(utc_hour, 0, 0).unwrap())
            .checked_sub_signed(Duration::hours(0))
            .unwrap();
        let t = |d: chrono::DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let called = issued + Duration::seconds(wait);
        let started = called + Duration::seconds(30);
        let (state, started_at, finished_at) = match service_s {
            Some(s) => (
                "done",
                Some(t(started)),
                Some(t(started + Duration::seconds(s))),
            ),
            None => ("no_show", None, Some(t(called + Duration::seconds(300)))),
        };
        self.conn
            .execute(
                "INSERT INTO tickets (service, service_day, number, label, priority, state, route, desk,
                    issued_at, called_at, started_at, finished_at, outcome, status_token_hash)
                 VALUES (?1, ?2, ?3, ?4, 'normal', ?5, 'service', ?6, ?7, ?8, ?9, ?10, ?11, randomblob(32))",
                params![
                    service,
                    day.to_string(),
                    *n,
                    format!("{prefix}-{:03}", *n),
                    state,
                    desk,
                    t(issued),
                    t(called),
                    started_at,
                    finished_at,
                    outcome
                ],
            )
            .unwrap();
        self.conn.last_insert_rowid()
    }

    pub(crate) fn rating(
        &self,
        ticket: i64,
        staff: i64,
        score: i64,
        reasons: &str,
        comment: Option<&str>,
        contact: bool,
    ) {
        self.conn
            .execute(
                "INSERT INTO ratings (ticket_id, service, service_day, desk, staff_id, issued_at, called_at,
                    started_at, finished_at, score, reasons, comment, channel, rated_at)
                 SELECT id, service, service_day, desk, ?2, issued_at, called_at, started_at, finished_at,
                    ?3, ?4, ?5, 'rating_device', finished_at FROM tickets WHERE id = ?1",
                params![ticket, staff, score, reasons, comment],
            )
            .unwrap();
        if contact {
            let id = self.conn.last_insert_rowid();
            self.conn
                .execute(
                    "INSERT INTO contact_requests (rating_id, requested_at) VALUES (?1, '2026-01-01T00:00:00Z')",
                    [id],
                )
                .unwrap();
        }
    }
}

pub(crate) fn staff_id(conn: &Connection, username: &str) -> i64 {
    conn.query_row(
        "SELECT id FROM staff WHERE username = ?1",
        [username],
        |r| r.get(0),
    )
    .unwrap()
}

fn f(n: usize, d: usize) -> Value {
    json!(n as f64 / d as f64)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_metric_has_its_exact_value_and_staff_see_only_their_own() {
    let server = TestServer::start();
    for (name, role) in [
        ("amal", Role::Reception),
        ("huda", Role::Reception),
        ("sup", Role::Supervisor),
        ("root", Role::Admin),
    ] {
        server.add_staff(name, role, Gender::Female);
    }
    let api = Api::new(&server.base_url);
    let conn = Connection::open(&server.db_path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    let (amal, huda) = (staff_id(&conn, "amal"), staff_id(&conn, "huda"));
    let today = service_day(Utc::now());
    let (d1, d2) = (today - Duration::days(3), today - Duration::days(2));
    let mut seed = Seed {
        conn: &conn,
        next: Default::default(),
    };
    // Amal: 10 inquiry visits on d1 at 09:00 Riyadh, desk 1, waits 2..20 min, 5 min of service.
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
            d1,
            6,
            1,
            120 * (i as i64 + 1),
            Some(300),
            Some(outcome),
        );
        let reasons = match i {
            0..=2 => "waiting_time",
            3 => "courtesy,privacy",
            _ => "",
        };
        let comment = match i {
            0 => Some("=HYPERLINK(\"http://x\",\"y\")"),
            1 => Some("شكرًا على حسن الاستقبال"),
            _ => None,
        };
        seed.rating(id, amal, *score, reasons, comment, i == 7);
    }
    // Huda: 9 new_request visits on d2 at 10:00 Riyadh, desk 2, 10 min wait and service, all 4.
    let mut huda_tickets = Vec::new();
    for _ in 0..9 {
        let id = seed.visit(
            "new_request",
            "A",
            d2,
            7,
            2,
            600,
            Some(600),
            Some("information_given"),
        );
        seed.rating(id, huda, 4, "", None, huda_tickets.is_empty());
        huda_tickets.push(id);
    }
    // Two no-shows (called after 30 min), one referral to a researcher.
    seed.visit("new_request", "A", d2, 7, 2, 1800, None, None);
    seed.visit("new_request", "A", d2, 7, 2, 1800, None, None);
    conn.execute(
        "INSERT INTO ticket_events (ticket_id, action, desk, staff_id, at) VALUES (?1, 'refer', 2, ?2, '2026-01-01T00:00:00Z')",
        params![huda_tickets[0], huda],
    )
    .unwrap();
    // Committee dates: one within 14 days, one later, one past.
    for (ticket, days) in [
        (huda_tickets[1], 5),
        (huda_tickets[2], 30),
        (huda_tickets[3], -1),
    ] {
        conn.execute(
            "INSERT INTO follow_ups (ticket_id, opened_at, opened_by, visit_date, earliest_answer_date)
             VALUES (?1, '2026-01-01T00:00:00Z', ?2, ?3, ?4)",
            params![ticket, huda, d2.to_string(), (today + Duration::days(days)).to_string()],
        )
        .unwrap();
    }

    let sup = api.login("sup").await;
    let q = format!("/api/v1/metrics/summary?from={d1}&to={d2}");
    let r = api.get(&q, Some(&sup)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = &r.json;
    let total = &s["total"];
    // 21 visits: waits sorted 120,240,360,480, 600×10, 720,840,960,1080,1200, 1800×2.
    assert_eq!(total["visits"], 21);
    assert_eq!(total["done"], 19);
    assert_eq!(total["no_shows"], 2);
    assert_eq!(total["referrals"], 1);
    assert_eq!(total["support_requests"], 1);
    assert_eq!(
        total["wait"],
        json!({ "count": 21, "median_s": 600, "p90_s": 1200 })
    );
    assert_eq!(total["within_target"], 16);
    assert_eq!(total["within_target_share"], f(16, 21));
    // Service: 300×10, 600×9.
    assert_eq!(
        total["service_time"],
        json!({ "count": 19, "median_s": 300, "p90_s": 600 })
    );
    // 19 ratings: 7 + 9 of 4–5; scores sum to 38 + 36.
    assert_eq!(
        total["ratings"],
        json!({ "count": 19, "csat": f(16, 19), "average": f(74, 19), "response_rate": 1.0 })
    );
    assert_eq!(s["target_wait_minutes"], 15);
    let keys = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|g| g["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(keys(&s["by_service"]), ["inquiry", "new_request"]);
    assert_eq!(keys(&s["by_day"]), [d1.to_string(), d2.to_string()]);
    assert_eq!(keys(&s["by_hour"]), ["09", "10"]);
    assert_eq!(keys(&s["by_desk"]), ["1", "2"]);
    let inquiry = &s["by_service"][0];
    assert_eq!(inquiry["visits"], 10);
    assert_eq!(
        inquiry["wait"],
        json!({ "count": 10, "median_s": 600, "p90_s": 1080 })
    );
    assert_eq!(inquiry["within_target"], 7);
    assert_eq!(
        inquiry["ratings"],
        json!({ "count": 10, "csat": 0.7, "average": 3.8, "response_rate": 1.0 })
    );
    let new_request = &s["by_service"][1];
    assert_eq!(new_request["visits"], 11);
    assert_eq!(new_request["no_shows"], 2);
    assert_eq!(new_request["referrals"], 1);
    assert_eq!(
        new_request["wait"],
        json!({ "count": 11, "median_s": 600, "p90_s": 1800 })
    );
    assert_eq!(
        new_request["ratings"],
        json!({ "count": 9, "csat": 1.0, "average": 4.0, "response_rate": 1.0 })
    );
    assert_eq!(s["by_hour"][1]["visits"], 11);
    assert_eq!(s["by_desk"][0]["ratings"]["count"], 10);
    assert_eq!(
        s["reasons"],
        json!([
            { "key": "waiting_time", "count": 3 }, { "key": "courtesy", "count": 1 },
            { "key": "clarity", "count": 0 }, { "key": "time_given", "count": 0 },
            { "key": "privacy", "count": 1 }
        ])
    );
    assert_eq!(s["comments"].as_array().unwrap().len(), 2);
    assert_eq!(s["comments"][1]["text"], "شكرًا على حسن الاستقبال");
    assert_eq!(s["comments"][1]["score"], 4);
    assert_eq!(
        s["committee_due"],
        json!([{ "key": (today + Duration::days(5)).to_string(), "count": 1 }])
    );
    // k ≥ 10: Amal (10 ratings) is shown, Huda (9) is not.
    assert_eq!(
        s["staff"],
        json!([{ "staff_id": amal, "name": "amal", "ratings": 10, "csat": 0.7, "average": 3.8 }])
    );
    // Contact requests: for the supervisor (who served none of them), both.
    let contacts = s["contact_requests"].as_array().unwrap();
    assert_eq!(contacts.len(), 2);
    assert!(contacts.iter().all(|c| c.get("name").is_none()));
    // Admins see the metrics but not the contact requests.
    let root = api.login("root").await;
    let r = api.get(&q, Some(&root)).await;
    assert_eq!(r.json["total"], s["total"]);
    assert!(r.json.get("contact_requests").is_none());

    // Reception: their own aggregate only.
    let amal_s = api.login("amal").await;
    let r = api.get(&q, Some(&amal_s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json,
        json!({ "from": d1.to_string(), "to": d2.to_string(), "min_staff_ratings": 10,
            "own": { "staff_id": amal, "name": "amal", "ratings": 10, "csat": 0.7, "average": 3.8 } })
    );
    assert!(!r.text.contains("HYPERLINK") && !r.text.contains("huda"));
    let r = api.get(&format!("{q}&staff={amal}"), Some(&amal_s)).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = api.get(&format!("{q}&staff={huda}"), Some(&amal_s)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "forbidden"));
    let r = api
        .get(
            &format!("/api/v1/metrics/export.csv?from={d1}&to={d2}"),
            Some(&amal_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Huda: 9 ratings, nothing shown.
    let huda_s = api.login("huda").await;
    let r = api.get(&q, Some(&huda_s)).await;
    assert_eq!(r.json["own"], Value::Null);
    // A 10th rating: now shown, to her and to the supervisor.
    let id = seed.visit(
        "new_request",
        "A",
        d2,
        7,
        2,
        600,
        Some(600),
        Some("information_given"),
    );
    seed.rating(id, huda, 2, "", None, false);
    let r = api.get(&q, Some(&huda_s)).await;
    assert_eq!(
        r.json["own"],
        json!({ "staff_id": huda, "name": "huda", "ratings": 10, "csat": 0.9, "average": 3.8 })
    );
    let r = api.get(&q, Some(&sup)).await;
    assert_eq!(r.json["staff"].as_array().unwrap().len(), 2);
    // Today's ratings never reach a staff member's own figure (no single rating in real time).
    let r = api.get("/api/v1/metrics/summary", Some(&huda_s)).await;
    assert_eq!(r.json["to"], (today - Duration::days(1)).to_string());

    // Bad periods.
    for bad in [
        "from=2026-13-01",
        &format!("from={d2}&to={d1}"),
        "from=2020-01-01&to=2026-01-01",
    ] {
        let r = api
            .get(&format!("/api/v1/metrics/summary?{bad}"), Some(&sup))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }

    // The CSV: the same numbers, formula cells guarded.
    let r = api
        .get(
            &format!("/api/v1/metrics/export.csv?from={d1}&to={d2}"),
            Some(&sup),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let csv = r.text.trim_start_matches('\u{FEFF}');
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "section,key,metric,value");
    assert!(lines.contains(&"total,all,visits,22"));
    assert!(lines.contains(&"total,all,wait_median_s,600"));
    assert!(lines.contains(&"service,inquiry,csat,0.7000"));
    assert!(lines.contains(&"reason,waiting_time,count,3"));
    assert!(
        lines.contains(
            &format!("comment,{d1},inquiry 5,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"").as_str()
        ),
        "{csv}"
    );
    assert!(
        !lines.iter().any(|l| l.contains(",=")),
        "no cell starts with ="
    );

    // Prometheus: its own token; staff sessions and devices are refused.
    let r = api.get("/metrics", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = api.get("/metrics", Some(&sup)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let token = counter_server::provision::add_metrics_token(&server.db, "prometheus").unwrap();
    let r = api.get("/metrics", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for line in [
        "# TYPE awn_queue_length gauge",
        "awn_queue_length{branch=\"riyadh-1\",service=\"inquiry\"} 0",
        "awn_tickets_issued_total{branch=\"riyadh-1\",service=\"inquiry\"} 10",
        "awn_tickets_issued_total{branch=\"riyadh-1\",service=\"new_request\"} 12",
        "awn_ratings_total{branch=\"riyadh-1\",score=\"4\"} 12",
        "awn_ratings_total{branch=\"riyadh-1\",score=\"2\"} 2",
        "# TYPE awn_calls_total counter",
        "awn_desks_open{branch=\"riyadh-1\"} 0",
        // Every configured service is a series from the start, at 0 before its first event.
        "awn_tickets_issued_total{branch=\"riyadh-1\",service=\"volunteering\"} 0",
        "awn_calls_total{branch=\"riyadh-1\",service=\"volunteering\"} 0",
        "awn_wait_today_seconds_count{branch=\"riyadh-1\",service=\"volunteering\"} 0",
        "# TYPE awn_wait_today_seconds summary",
        // Backups are not configured in this branch, and the purge has not run yet.
        "awn_last_backup_timestamp_seconds{branch=\"riyadh-1\"} 0",
    ] {
        assert!(r.text.lines().any(|l| l == line), "{line} in\n{}", r.text);
    }
    assert!(
        r.text.contains(&format!(
            "awn_build_info{{branch=\"riyadh-1\",version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        )),
        "{}",
        r.text
    );
    assert!(
        r.text
            .contains("# TYPE awn_last_purge_timestamp_seconds gauge")
    );
    // Every series names its branch (the configuration's `[branch] id`), first among its labels.
    for sample in r.text.lines().filter(|l| !l.starts_with('#')) {
        assert!(
            sample.contains("{branch=\"riyadh-1\""),
            "{sample} has no branch label"
        );
    }
    promtool_accepts(&r.text);
    // The example Grafana dashboard is valid JSON and queries only names this endpoint exports.
    let dashboard: Value = serde_json::from_str(include_str!(
        "../../../counter-server/deploy/grafana-dashboard.json"
    ))
    .expect("the dashboard is valid JSON");
    // Its branch selector: several branches or all of them, used by every query.
    let branch = &dashboard["templating"]["list"][0];
    assert_eq!(
        (&branch["name"], &branch["multi"], &branch["includeAll"]),
        (&json!("branch"), &json!(true), &json!(true))
    );
    let mut used = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            assert_eq!(
                expr.matches("awn_").count(),
                expr.matches("{branch=~\"$branch\"").count(),
                "every series of {expr} is filtered by the branch selector"
            );
            for name in expr
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| w.starts_with("awn_"))
            {
                used += 1;
                // A summary's _sum and _count series belong to the family's TYPE line.
                let name = name
                    .strip_suffix("_sum")
                    .or_else(|| name.strip_suffix("_count"))
                    .unwrap_or(name);
                assert!(
                    r.text.contains(&format!("# TYPE {name} ")),
                    "{name} (dashboard) is not exported"
                );
            }
        }
    }
    assert!(used >= 8);
}

/// Each channel is a group of its own (issue 16 item 4), so the association sees which way of
/// coming to grow; a place joined by phone or booked waits from its check-in, not from the join.
#[tokio::test(flavor = "multi_thread")]
async fn visits_are_counted_per_channel_and_phone_places_wait_from_their_check_in() {
    let server = TestServer::start();
    server.add_staff("sup", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let conn = Connection::open(&server.db_path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    let day = service_day(Utc::now()) - Duration::days(1);
    let mut seed = Seed {
        conn: &conn,
        next: Default::default(),
    };
    // (channel, seconds from issue to call, seconds from check-in to call)
    let visits = [
        ("kiosk", 600, None),
        ("kiosk", 900, None),
        ("reception", 300, None),
        ("remote", 3600, Some(240)),
        ("remote", 5400, Some(360)),
        ("appointment", 60, Some(60)),
    ];
    for (channel, wait, in_room) in visits {
        let id = seed.visit("inquiry", "C", day, 6, 1, wait, Some(300), None);
        conn.execute(
            "UPDATE tickets SET channel = ?2,
                checked_in_at = strftime('%Y-%m-%dT%H:%M:%fZ', called_at, '-' || ?3 || ' seconds')
             WHERE id = ?1",
            params![id, channel, in_room.unwrap_or(wait)],
        )
        .unwrap();
        if in_room.is_none() {
            conn.execute(
                "UPDATE tickets SET checked_in_at = NULL WHERE id = ?1",
                [id],
            )
            .unwrap();
        }
    }
    let sup = api.login("sup").await;
    let r = api
        .get(
            &format!("/api/v1/metrics/summary?from={day}&to={day}"),
            Some(&sup),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let by: Vec<(String, u64, i64)> = r.json["by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["key"].as_str().unwrap().to_string(),
                g["visits"].as_u64().unwrap(),
                g["wait"]["median_s"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            ("kiosk".to_string(), 2, 600),
            ("reception".to_string(), 1, 300),
            ("remote".to_string(), 2, 240),
            ("appointment".to_string(), 1, 60),
        ]
    );
    // The branch-wide wait is the wait in the room too: 60, 240, 300, 360, 600, 900.
    assert_eq!(r.json["total"]["wait"]["median_s"], 300);
    let csv = api
        .get(
            &format!("/api/v1/metrics/export.csv?from={day}&to={day}"),
            Some(&sup),
        )
        .await
        .text;
    assert!(csv.contains("channel,remote,visits,2\r\n"), "{csv}");
    let page = api
        .get(
            &format!("/console/metrics?from={day}&to={day}&lang=en"),
            Some(&sup),
        )
        .await
        .text;
    let table = &page[page.find("id=\"by-channel\"").expect("a by-channel table")..];
    let table = &table[..table.find("</table>").unwrap()];
    for name in [
        "Walk-in, kiosk",
        "Walk-in, reception",
        "Joined by phone",
        "Appointment",
    ] {
        assert!(table.contains(name), "{name} in {table}");
    }
    let token = counter_server::provision::add_metrics_token(&server.db, "prometheus").unwrap();
    let text = api.get("/metrics", Some(&token)).await.text;
    for line in [
        "awn_tickets_issued_by_channel_total{branch=\"riyadh-1\",channel=\"kiosk\"} 2",
        "awn_tickets_issued_by_channel_total{branch=\"riyadh-1\",channel=\"remote\"} 2",
        "awn_tickets_issued_by_channel_total{branch=\"riyadh-1\",channel=\"appointment\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    promtool_accepts(&text);
}

/// Prometheus' own checker (`promtool`, Debian package `prometheus`, installed by `.ci/run`) reads
/// the exposition as a scraper would and reports every problem with names, types and suffixes.
pub(crate) fn promtool_accepts(text: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs (Debian package prometheus; .ci/run installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics failed:\n{}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A desk is one person for the day: its ratings are shown only from 10 in the period, in the
/// JSON, the CSV, the page and the Prometheus text alike (issue 11, item 9).
#[tokio::test(flavor = "multi_thread")]
async fn desk_ratings_are_hidden_under_ten_in_every_output() {
    let server = TestServer::start();
    server.add_staff("sup", Role::Supervisor, Gender::Female);
    server.add_staff("huda", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let conn = Connection::open(&server.db_path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    let huda = staff_id(&conn, "huda");
    let day = service_day(Utc::now()) - Duration::days(2);
    let mut seed = Seed {
        conn: &conn,
        next: Default::default(),
    };
    let rate_one = |seed: &mut Seed<'_>| {
        let id = seed.visit(
            "inquiry",
            "C",
            day,
            7,
            3,
            300,
            Some(300),
            Some("information_given"),
        );
        seed.rating(id, huda, 5, "", None, false);
    };
    for _ in 0..9 {
        rate_one(&mut seed);
    }
    let sup = api.login("sup").await;
    let metrics_token =
        counter_server::provision::add_metrics_token(&server.db, "prometheus").unwrap();
    let (desk, csv, row, prom) = desk_outputs(&api, &sup, &metrics_token, day).await;
    assert_eq!(desk["count"], 9);
    assert_eq!(
        (&desk["csat"], &desk["average"]),
        (&Value::Null, &Value::Null)
    );
    assert!(csv.contains(&"desk,3,csat,".to_string()), "{csv:?}");
    assert!(
        csv.contains(&"desk,3,average_score,".to_string()),
        "{csv:?}"
    );
    assert_eq!(row, ["—", "—"], "CSAT and average on the page");
    let per_desk_ratings = |text: &str| {
        text.lines()
            .any(|l| l.starts_with("awn_rating") && l.contains("desk="))
    };
    assert!(!per_desk_ratings(&prom), "{prom}");

    rate_one(&mut seed);
    let (desk, csv, row, prom) = desk_outputs(&api, &sup, &metrics_token, day).await;
    assert_eq!(
        desk,
        json!({ "count": 10, "csat": 1.0, "average": 5.0, "response_rate": 1.0 })
    );
    assert!(csv.contains(&"desk,3,csat,1.0000".to_string()), "{csv:?}");
    assert_eq!(row, ["100.0%", "5.00"]);
    assert!(!per_desk_ratings(&prom), "{prom}");
}

/// Desk 3 in each output for `day`: its ratings in the JSON, its CSV rows, the CSAT and average
/// cells of its row in the page's by-desk table, and the whole Prometheus text.
async fn desk_outputs(
    api: &Api,
    sup: &str,
    metrics_token: &str,
    day: NaiveDate,
) -> (Value, Vec<String>, Vec<String>, String) {
    let q = format!("from={day}&to={day}");
    let json = api
        .get(&format!("/api/v1/metrics/summary?{q}"), Some(sup))
        .await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text);
    let desk = json.json["by_desk"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "3")
        .expect("desk 3 is listed")["ratings"]
        .clone();
    let csv = api
        .get(&format!("/api/v1/metrics/export.csv?{q}"), Some(sup))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let csv_rows = csv
        .text
        .lines()
        .filter(|l| l.starts_with("desk,3,"))
        .map(str::to_string)
        .collect();
    let page = api
        .get(&format!("/console/metrics?{q}&lang=en"), Some(sup))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let table = page.text.split("<table id=\"by-desk\">").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    let row = table
        .split("<tr>")
        .find(|r| r.starts_with("<td>Desk 3</td>"))
        .expect("desk 3 row on the page");
    // Key, visits, no-shows, wait ×2, within target, service, ratings, CSAT, average, response.
    let cells: Vec<String> = row
        .split("</td>")
        .map(|c| c.rsplit('>').next().unwrap_or("").to_string())
        .collect();
    let row = cells[8..10].to_vec();
    let prom = api.get("/metrics", Some(metrics_token)).await;
    assert_eq!(prom.status, StatusCode::OK);
    (desk, csv_rows, row, prom.text)
}
