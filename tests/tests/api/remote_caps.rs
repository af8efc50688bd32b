//! The limits of joining from the phone hold under concurrency (issue 16): joins sent all at once
//! are counted one by one, so exactly the cap is accepted and every other one is refused with its
//! own code: per device, per address, per service and day, and per address per minute. Other
//! addresses are other loopback sources (all of 127/8 is loopback on Linux). Not timed: the figures
//! are `remote_flood`'s (docs/benchmarks.md).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use counter_server::config::Config;
use counter_server::limits::JOINS_PER_ADDRESS_PER_MINUTE;
use e2e::{TestOptions, TestServer};
use reqwest::StatusCode;

use crate::remote::Phone;
use crate::remote_booking::refusal_of;

/// A phone whose connections come from `source`.
fn phone_at(base: &str, source: IpAddr) -> Phone {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(source)
        .build()
        .unwrap();
    Phone::with_client(base, http)
}

/// Sends one join form from each phone at once (each opened the page first, for its key and
/// cookie); returns how many ended in each outcome (`joined`, or the refusal's code).
async fn join_all_at_once(phones: Vec<Arc<Phone>>, service: &str) -> BTreeMap<String, usize> {
    let mut forms = Vec::new();
    for p in &phones {
        let (_, key) = p.open("en").await;
        forms.push((p.clone(), key));
    }
    let start = Arc::new(tokio::sync::Barrier::new(forms.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for (phone, key) in forms {
        let (start, service) = (start.clone(), service.to_string());
        tasks.spawn(async move {
            start.wait().await;
            let r = phone.join(&service, &key).await;
            match r.status {
                StatusCode::OK => "joined".to_string(),
                s => format!("{} {}", s.as_u16(), refusal_of(&r.html)),
            }
        });
    }
    let mut outcomes = BTreeMap::new();
    while let Some(r) = tasks.join_next().await {
        *outcomes.entry(r.unwrap()).or_default() += 1;
    }
    outcomes
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

fn server_with(caps: impl FnOnce(&mut counter_server::config::RemoteSettings)) -> TestServer {
    let mut config = Config::demo();
    caps(&mut config.remote);
    TestServer::start_with(TestOptions {
        config,
        ..TestOptions::default()
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn joins_sent_at_once_from_one_device_or_one_address_are_held_to_the_cap() {
    let server = TestServer::start();
    let base = &server.base_url;
    let demo = Config::demo().remote;
    // One device (one cookie), 8 forms at once from 127.0.0.2: its 2 a day, the rest refused.
    let device = Arc::new(phone_at(base, "127.0.0.2".parse().unwrap()));
    let phones = (0..8).map(|_| device.clone()).collect();
    assert_eq!(
        join_all_at_once(phones, "inquiry").await,
        counts(&[
            ("joined", demo.per_device_per_day as usize),
            (
                "429 remote_limit_reached",
                8 - demo.per_device_per_day as usize
            ),
        ])
    );
    // One address, 16 phones (each its own cookie) at once from 127.0.0.3: its 4 a day.
    let phones = (0..16)
        .map(|_| Arc::new(phone_at(base, "127.0.0.3".parse().unwrap())))
        .collect();
    assert_eq!(
        join_all_at_once(phones, "follow_up").await,
        counts(&[
            ("joined", demo.per_address_per_day as usize),
            (
                "429 remote_limit_reached",
                16 - demo.per_address_per_day as usize
            ),
        ])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn joins_sent_at_once_from_many_addresses_are_held_to_the_services_daily_cap() {
    let server = server_with(|r| r.daily_cap_per_service = 5);
    // 12 phones on 12 addresses, at once: the service's 5 places of the day, then full.
    let phones = (10..22)
        .map(|i| {
            let source = format!("127.0.1.{i}").parse().unwrap();
            Arc::new(phone_at(&server.base_url, source))
        })
        .collect();
    assert_eq!(
        join_all_at_once(phones, "inquiry").await,
        counts(&[("joined", 5), ("409 remote_places_full", 7)])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn join_forms_sent_at_once_from_one_address_are_held_to_the_per_minute_limit() {
    // Daily caps out of the way: only the per-minute limit in front of them binds.
    let server = server_with(|r| {
        r.per_address_per_day = 1000;
        r.per_device_per_day = 1000;
    });
    let n = JOINS_PER_ADDRESS_PER_MINUTE + 10;
    let phones = (0..n)
        .map(|_| Arc::new(phone_at(&server.base_url, "127.0.0.4".parse().unwrap())))
        .collect();
    assert_eq!(
        join_all_at_once(phones, "inquiry").await,
        counts(&[
            ("joined", JOINS_PER_ADDRESS_PER_MINUTE),
            ("429 too_many_requests", 10),
        ])
    );
}
