//! Many desks and many kiosks at once: nobody called twice, nobody skipped, numbers gap-free.

use std::collections::{BTreeMap, HashMap};

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer, config_with_desks, key};
use reqwest::StatusCode;
use serde_json::json;

const DESKS: u32 = 8;
const TICKETS: usize = 2_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_desks_call_two_thousand_tickets_each_exactly_once() {
    let server = TestServer::start_with(TestOptions {
        config: config_with_desks(DESKS),
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    // Issue from 8 kiosks' worth of concurrent requests.
    let services = ["new_request", "follow_up", "inquiry", "volunteering"];
    let mut issued = Vec::new();
    for chunk in (0..TICKETS).collect::<Vec<_>>().chunks(64) {
        let mut set = tokio::task::JoinSet::new();
        for i in chunk {
            let (api, token) = (api.clone(), server.kiosk_token.clone());
            let service = services[i % services.len()];
            set.spawn(async move {
                api.issue(&token, &key(), &json!({ "service": service }))
                    .await
            });
        }
        while let Some(r) = set.join_next().await {
            let r = r.unwrap();
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            issued.push(r.json["id"].as_i64().unwrap());
        }
    }
    assert_eq!(issued.len(), TICKETS);

    let mut desks = tokio::task::JoinSet::new();
    for d in 1..=DESKS {
        let user = format!("desk{d}");
        server.add_staff(
            &user,
            Role::Reception,
            if d % 2 == 0 {
                Gender::Male
            } else {
                Gender::Female
            },
        );
        let api = api.clone();
        desks.spawn(async move {
            let token = api.login(&user).await;
            let r = api
                .post(&format!("/api/v1/desks/{d}/sign-in"), &token, None)
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
            let (mut called, mut busy) = (Vec::new(), 0);
            loop {
                let r = api
                    .post(&format!("/api/v1/desks/{d}/call-next"), &token, None)
                    .await;
                match r.status {
                    StatusCode::OK => {
                        let id = r.json["id"].as_i64().unwrap();
                        assert_eq!(r.json["desk"], json!(d));
                        called.push(id);
                        let done = api
                            .post(&format!("/api/v1/tickets/{id}/no-show"), &token, None)
                            .await;
                        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
                    }
                    StatusCode::NOT_FOUND => {
                        assert_eq!(r.code(), "no_ticket_waiting");
                        break;
                    }
                    StatusCode::SERVICE_UNAVAILABLE => busy += 1,
                    other => panic!("desk {d}: unexpected {other}: {}", r.text),
                }
            }
            (called, busy)
        });
    }
    let mut times_called: HashMap<i64, u32> = HashMap::new();
    let mut busy_total = 0;
    while let Some(r) = desks.join_next().await {
        let (called, busy) = r.unwrap();
        busy_total += busy;
        for id in called {
            *times_called.entry(id).or_default() += 1;
        }
    }
    assert_eq!(busy_total, 0, "no storage-busy errors");
    assert_eq!(times_called.len(), TICKETS, "every ticket called");
    assert!(
        times_called.values().all(|n| *n == 1),
        "no ticket called twice"
    );
    assert!(
        issued.iter().all(|id| times_called.contains_key(id)),
        "none skipped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_kiosks_issue_unique_gap_free_numbers_per_service() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let mut kiosks = tokio::task::JoinSet::new();
    for k in 0..8 {
        let (api, token) = (api.clone(), server.kiosk_token.clone());
        kiosks.spawn(async move {
            let mut labels = Vec::new();
            for i in 0..60 {
                let service = if (i + k) % 3 == 0 {
                    "inquiry"
                } else {
                    "new_request"
                };
                let r = api
                    .issue(&token, &key(), &json!({ "service": service }))
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
                labels.push((
                    r.json["service"].as_str().unwrap().to_string(),
                    r.json["label"].as_str().unwrap().to_string(),
                ));
            }
            labels
        });
    }
    let mut numbers: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    while let Some(r) = kiosks.join_next().await {
        for (service, label) in r.unwrap() {
            let n: u32 = label.split('-').nth(1).unwrap().parse().unwrap();
            numbers.entry(service).or_default().push(n);
        }
    }
    assert_eq!(numbers.len(), 2);
    for (service, mut ns) in numbers {
        ns.sort_unstable();
        let expected: Vec<u32> = (1..=ns.len() as u32).collect();
        assert_eq!(ns, expected, "{service}: unique and gap-free from 1");
    }
}
