//! Head office (issue 17 item 3) against a real PostgreSQL: two real branch servers run visits,
//! their outboxes are ingested as the shipper does, and head office's figures, by every level,
//! equal the sum of the branches' own `/api/v1/metrics/summary` for the same period. Satisfaction
//! is hidden below 10 ratings at every level (a branch with 6 hides it, the association with 12
//! shows it). Viewers sign in; a session ends after 15 idle minutes; `/metrics` wants a scrape
//! token and passes promtool.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::config::Config;
use counter_server::domain::{Gender, Role};
use counter_server::head_office::settings::{HeadOfficeConfig, Name};
use counter_server::head_office::{ingest, read, schema};
use e2e::postgres::TestPostgres;
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// One branch's day: `served` visits served and rated with `scores` (in turn), then `no_shows`.
async fn run_day(
    server: &TestServer,
    clock: &ManualClock,
    served: usize,
    scores: &[u8],
    no_shows: usize,
) {
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login_at_desk("amal", 1).await;
    for i in 0..served + no_shows {
        let t = api
            .issue(
                &server.kiosk_token,
                &key(),
                &json!({ "service": "inquiry" }),
            )
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
        let id = t.json["id"].as_i64().unwrap();
        let label = t.json["label"].as_str().unwrap().to_string();
        clock.advance(Duration::seconds(120 + 30 * i as i64));
        let r = api.post("/api/v1/desks/1/call-next", &amal, None).await;
        assert!(r.status.is_success(), "{}", r.text);
        if i >= served {
            clock.advance(Duration::seconds(60));
            let r = api
                .post(&format!("/api/v1/tickets/{id}/no-show"), &amal, None)
                .await;
            assert!(r.status.is_success(), "{}", r.text);
            continue;
        }
        api.post(&format!("/api/v1/tickets/{id}/start"), &amal, None)
            .await;
        clock.advance(Duration::seconds(300));
        let finish = json!({ "outcome": "information_given" });
        let r = api
            .post(
                &format!("/api/v1/tickets/{id}/finish"),
                &amal,
                Some(&finish),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        if let Some(score) = scores.get(i) {
            let rating = json!({ "label": label, "score": score, "reasons": [] });
            let r = api
                .post("/api/v1/ratings", &server.rating_token, Some(&rating))
                .await;
            assert!(r.status.is_success(), "{}", r.text);
        }
    }
}

fn branch(id: &str, clock: Arc<ManualClock>) -> TestServer {
    let mut config = Config::demo();
    config.branch.id = id.into();
    TestServer::start_with(TestOptions {
        config,
        clock,
        ..TestOptions::default()
    })
}

/// Ships a branch's whole outbox, as the shipper does.
async fn ship(client: &mut tokio_postgres::Client, id: &str, server: &TestServer) {
    let conn = counter_server::store::open(&server.db, true).unwrap();
    let rows = counter_server::store::outbox::batch(&conn, 100_000).unwrap();
    assert!(!rows.is_empty());
    ingest::ingest(client, id, &rows, 0).await.unwrap();
    // Again: a retry after a lost acknowledgement keeps each fact once.
    ingest::ingest(client, id, &rows, 0).await.unwrap();
}

fn head_office_config(pg: &TestPostgres, listen: std::net::SocketAddr) -> HeadOfficeConfig {
    HeadOfficeConfig {
        listen,
        public_base_url: format!("http://{listen}"),
        postgres: pg.target(),
        tls: None,
        branches: vec![Name {
            id: "riyadh-1".into(),
            name_ar: "الرياض".into(),
            name_en: "Riyadh".into(),
        }],
        services: Vec::new(),
    }
}

/// The branch's own summary of the day, as its supervisor sees it.
async fn branch_summary(server: &TestServer, day: &str) -> Value {
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let sara = api.login("sara").await;
    let r = api
        .get(
            &format!("/api/v1/metrics/summary?from={day}&to={day}"),
            Some(&sara),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json["total"].clone()
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("awn_head_office=") && !v.starts_with("awn_head_office=;"))
        .map(|v| v.split(';').next().unwrap().to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn head_office_figures_are_the_sum_of_the_branches_own() {
    let pg = TestPostgres::start();
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 6, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let riyadh = branch("riyadh-1", clock.clone());
    let jeddah = branch("jeddah-1", clock.clone());
    // Six ratings each: too few for either branch, enough for the association (12).
    run_day(&riyadh, &clock, 7, &[5, 4, 2, 5, 3, 4], 2).await;
    run_day(&jeddah, &clock, 6, &[1, 5, 5, 4, 2, 5], 1).await;

    let mut client = pg.client().await;
    schema::migrate(&mut client).await.unwrap();
    ship(&mut client, "riyadh-1", &riyadh).await;
    ship(&mut client, "jeddah-1", &jeddah).await;

    // Head office on a loopback port, with one viewer and one scrape token.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = head_office_config(&pg, addr);
    read::put_viewer(
        &mut client,
        "board-member",
        &counter_server::auth::password::hash_password("a long passphrase"),
    )
    .await
    .unwrap();
    let scrape = "scrape-token-for-the-test-0123456789abcdef";
    read::add_scrape_token(
        &client,
        "prometheus",
        &counter_server::auth::tokens::hash(scrape),
    )
    .await
    .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let ho_clock: Arc<dyn counter_server::clock::Clock> = clock.clone();
    let served = tokio::spawn(counter_server::head_office::web::serve(
        config,
        listener,
        ho_clock,
        async {
            let _ = stopped.await;
        },
    ));
    let base = format!("http://{addr}");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Not signed in: the page sends to the sign-in form, the data answers 401.
    let r = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login");
    let r = http
        .get(format!("{base}/api/v1/figures"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let wrong = [("name", "board-member"), ("password", "not it")];
    let r = http
        .post(format!("{base}/login"))
        .form(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&r).is_none());
    let right = [("name", "board-member"), ("password", "a long passphrase")];
    let r = http
        .post(format!("{base}/login"))
        .form(&right)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = session_cookie(&r).expect("a session cookie");

    let day = "2026-12-01";
    let r = http
        .get(format!("{base}/api/v1/figures?from={day}&to={day}"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.unwrap();
    let level = |branch: Option<&str>, service: Option<&str>, month: Option<&str>| -> Value {
        report["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["branch"].as_str() == branch
                    && f["service"].as_str() == service
                    && f["month"].as_str() == month
                    && f["channel"].is_null()
            })
            .cloned()
            .unwrap_or_else(|| panic!("no row {branch:?} {service:?} {month:?}: {report}"))
    };

    // Every branch's own figures, and the association's as their sum.
    let mut sums = [0i64; 6];
    for (id, server) in [("riyadh-1", &riyadh), ("jeddah-1", &jeddah)] {
        let own = branch_summary(server, day).await;
        let ho = level(Some(id), None, None);
        let pairs = [
            (&own["visits"], &ho["visits"]),
            (&own["done"], &ho["done"]),
            (&own["no_shows"], &ho["no_shows"]),
            (&own["referrals"], &ho["referrals"]),
            (&own["support_requests"], &ho["support_requests"]),
            (&own["ratings"]["count"], &ho["ratings"]),
        ];
        for (i, (a, b)) in pairs.iter().enumerate() {
            assert_eq!(a, b, "{id} figure {i}: branch {own} head office {ho}");
            sums[i] += a.as_i64().unwrap();
        }
        assert_eq!(ho["csat"], Value::Null, "{id} has 6 ratings: hidden");
        assert_eq!(
            level(Some(id), Some("inquiry"), Some("2026-12-01"))["visits"],
            own["visits"]
        );
    }
    assert_eq!(sums, [16, 13, 3, 0, 0, 12]);
    let all = level(None, None, None);
    for (i, k) in [
        "visits",
        "done",
        "no_shows",
        "referrals",
        "support_requests",
        "ratings",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(all[k], sums[i], "association {k}");
    }
    // 12 ratings: 4 and 5 are 8 of them.
    assert_eq!(all["csat"].as_f64().unwrap(), 8.0 / 12.0);
    assert_eq!(level(None, None, Some("2026-12-01"))["visits"], 16);
    assert_eq!(level(None, Some("inquiry"), None)["visits"], 16);
    // Per channel (issue 16): every visit here came by the kiosk, and the roll-up said so.
    let channels: Vec<(Option<&str>, Option<&str>, i64)> = report["figures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["channel"].is_null() && f["service"].is_null() && f["month"].is_null())
        .map(|f| {
            (
                f["branch"].as_str(),
                f["channel"].as_str(),
                f["visits"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        channels,
        [
            (None, Some("kiosk"), 16),
            (Some("jeddah-1"), Some("kiosk"), 7),
            (Some("riyadh-1"), Some("kiosk"), 9),
        ]
    );

    // The page in both languages names the branch as configured; CSV has the same figures.
    for (lang, name, kiosk) in [
        ("", "الرياض", "حضوري عند الجهاز"),
        ("&lang=en", "Riyadh", "Walk-in, kiosk"),
    ] {
        let r = http
            .get(format!("{base}/?from={day}&to={day}{lang}"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains(name) && html.contains(kiosk), "{html}");
        assert!(
            html.contains("jeddah-1"),
            "an unnamed branch shows by its id"
        );
    }
    let csv = http
        .get(format!("{base}/figures.csv?from={day}&to={day}"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines().any(|l| l.starts_with(",,,,16,13,3,0,0,")),
        "{csv}"
    );

    // /metrics: a scrape token, promtool's approval, this month's visits by branch.
    let r = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let text = http
        .get(format!("{base}/metrics"))
        .bearer_auth(scrape)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("awn_association_month_visits{branch=\"riyadh-1\",service=\"inquiry\"} 9"),
        "{text}"
    );
    assert!(
        text.contains(
            "awn_association_month_visits_by_channel{branch=\"riyadh-1\",channel=\"kiosk\"} 9"
        ),
        "{text}"
    );
    assert!(
        !text.contains("awn_association_month_csat_ratio{"),
        "6 ratings a branch: no CSAT series"
    );
    crate::metrics::promtool_accepts(&text);

    // Every read was recorded; a session idle for 15 minutes is over.
    let reads: i64 = client
        .query_one(
            "SELECT count(*) FROM viewer_access WHERE viewer = 'board-member'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(reads, 4, "json, two pages, csv");
    clock.advance(Duration::minutes(15));
    let r = http
        .get(format!("{base}/api/v1/figures"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let _ = stop.send(());
    served.await.unwrap().unwrap();
}
