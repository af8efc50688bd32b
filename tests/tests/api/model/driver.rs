//! The real side: a counter-server on loopback with an injected clock and a real SQLite file,
//! driven over HTTP. Accounts and their sessions are made once, in a template database that each
//! run copies, so that a run does not pay for password hashing.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::config::Config;
use counter_server::domain::numbering::riyadh;
use counter_server::domain::{Gender as SGender, Role as SRole};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::Method;
use serde_json::{Value, json};

use super::actions::Op;
use super::branch::{DESKS, Gender, Kind, Role, SLOTS, STAFF};
use super::spec::Step;

/// 20:00 in Riyadh: sessions opened now last until 08:00, past the first midnight.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 17, 0, 0).unwrap()
}

/// A session lasts 12 hours (`SESSION_HOURS`); staff log in again before that.
const RELOGIN_AFTER_SECS: i64 = 11 * 3600;
/// Status lookups per client address before the driver moves to the next loopback address
/// (the server allows 60 a minute per address).
const LOOKUPS_PER_ADDRESS: usize = 50;
/// A ticket id the server never gave.
pub const UNKNOWN_TICKET: i64 = 999_999;
/// Who books and cancels appointments for callers on the phone: a reception account.
const BOOKER: usize = 0;

/// When slot `i` of `SLOTS` starts, in Riyadh time.
pub fn slot_start(i: usize) -> DateTime<FixedOffset> {
    let s = &SLOTS[i];
    let day = start_time().with_timezone(&riyadh()).date_naive() + chrono::Days::new(s.day as u64);
    day.and_hms_opt(s.at.0 as u32, s.at.1 as u32, 0)
        .expect("a time of day")
        .and_local_timezone(riyadh())
        .single()
        .expect("Riyadh has no gaps")
}

fn config() -> Config {
    let mut toml = counter_server::config::DEMO_TOML
        .split("[[desks]]")
        .next()
        .expect("demo configuration")
        .to_string();
    for d in &DESKS {
        let kind = match d.kind {
            Kind::Relations => "beneficiary_relations",
            Kind::Research => "social_research",
        };
        let services: Vec<String> = d.services.iter().map(|s| format!("\"{s}\"")).collect();
        toml.push_str(&format!(
            "[[desks]]\nid = {}\nkind = \"{kind}\"\nservices = [{}]\n\n",
            d.id,
            services.join(", ")
        ));
    }
    Config::parse(&toml).expect("model test configuration")
}

/// A database with every account and an open session for each, and the appointment slots of
/// `SLOTS` set in administration, made once.
pub struct Template {
    dir: tempfile::TempDir,
    tokens: Vec<String>,
    /// The server's id of each of `SLOTS`.
    slot_ids: Vec<i64>,
}

impl Template {
    pub async fn make() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let server = TestServer::start_with(TestOptions {
            config: config(),
            clock: Arc::new(ManualClock::new(start_time())),
            db_path: Some(dir.path().join("counter.db")),
            ..TestOptions::default()
        });
        for s in &STAFF {
            let role = match s.role {
                Role::Reception => SRole::Reception,
                Role::Researcher => SRole::Researcher,
                Role::Supervisor => SRole::Supervisor,
            };
            let gender = match s.gender {
                Gender::Female => SGender::Female,
                Gender::Male => SGender::Male,
            };
            server.add_staff(s.name, role, gender);
        }
        server.add_staff("admin", SRole::Admin, SGender::Female);
        let api = Api::new(&server.base_url);
        let mut tokens = Vec::new();
        for s in &STAFF {
            tokens.push(api.login(s.name).await);
        }
        let admin = api.login("admin").await;
        let mut slot_ids = Vec::new();
        for (i, s) in SLOTS.iter().enumerate() {
            let at = slot_start(i);
            let body = json!({
                "service": s.service,
                "day": at.format("%Y-%m-%d").to_string(),
                "times": [at.format("%H:%M").to_string()],
                "capacity": s.capacity,
            });
            let r = api
                .send(
                    Method::PUT,
                    "/api/v1/admin/appointment-slots",
                    Some(&admin),
                    Some(&body),
                    &[],
                )
                .await;
            let starts = counter_server::http::views::local_time(at.to_utc());
            let id = r.json.as_array().and_then(|slots| {
                slots
                    .iter()
                    .find(|x| x["starts_at"] == starts.as_str())
                    .and_then(|x| x["id"].as_i64())
            });
            slot_ids.push(id.unwrap_or_else(|| panic!("slot {starts} set: {}", r.text)));
        }
        let (_, _) = server.stop_keep_files();
        Self {
            dir,
            tokens,
            slot_ids,
        }
    }

    /// A copy of the template database in a fresh directory.
    fn copy(&self) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temporary directory");
        for entry in std::fs::read_dir(self.dir.path()).expect("template directory") {
            let path = entry.expect("template file").path();
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .to_string();
            if !name.ends_with(".lock") {
                std::fs::copy(&path, dir.path().join(&name)).expect("copy the template");
            }
        }
        let db = dir.path().join("counter.db");
        (dir, db)
    }
}

/// What the server answered.
#[derive(Debug, Clone)]
pub struct Observed {
    pub status: u16,
    pub code: String,
    pub json: Value,
}

pub struct Driver {
    clock: Arc<ManualClock>,
    server: Option<TestServer>,
    db: PathBuf,
    _dir: tempfile::TempDir,
    api: Api,
    pub tokens: Vec<String>,
    logged_in_at: i64,
    /// Server ids and status tokens of the tickets issued, by issue order.
    pub ids: Vec<i64>,
    pub status_tokens: Vec<String>,
    /// People ahead as each issue reply said (a retry must say the same).
    pub issued_ahead: Vec<u64>,
    /// The check-in code of each place joined from the phone, by issue order.
    pub codes: Vec<Option<String>>,
    slot_ids: Vec<i64>,
    /// The code and slot of each booking, in booking order.
    bookings: Vec<(String, usize)>,
    /// Phones that joined so far (each from its own loopback address, so that the per-address
    /// and per-device caps stay out of the rules under test).
    phones: usize,
    /// The kiosk's last issue request: key and body.
    last_issue: Option<(String, Value)>,
    lookup_clients: Vec<reqwest::Client>,
    lookups: usize,
}

fn start(db: &Path, clock: &Arc<ManualClock>) -> TestServer {
    TestServer::start_with(TestOptions {
        config: config(),
        clock: clock.clone(),
        db_path: Some(db.to_path_buf()),
        ..TestOptions::default()
    })
}

impl Driver {
    pub fn new(template: &Template) -> Self {
        let (dir, db) = template.copy();
        let clock = Arc::new(ManualClock::new(start_time()));
        let server = start(&db, &clock);
        Self {
            api: Api::new(&server.base_url),
            clock,
            server: Some(server),
            db,
            _dir: dir,
            tokens: template.tokens.clone(),
            logged_in_at: start_time().timestamp(),
            ids: Vec::new(),
            status_tokens: Vec::new(),
            issued_ahead: Vec::new(),
            codes: Vec::new(),
            slot_ids: template.slot_ids.clone(),
            bookings: Vec::new(),
            phones: 0,
            last_issue: None,
            lookup_clients: Vec::new(),
            lookups: 0,
        }
    }

    fn server(&self) -> &TestServer {
        self.server.as_ref().expect("a running server")
    }

    fn id(&self, ticket: Option<usize>) -> i64 {
        ticket.map_or(UNKNOWN_TICKET, |i| self.ids[i])
    }

    async fn post(&self, who: usize, path: &str, body: Option<Value>) -> Observed {
        let token = &self.tokens[who];
        let r = self
            .api
            .send(Method::POST, path, Some(token), body.as_ref(), &[])
            .await;
        observed(r)
    }

    /// Sends one step; `None` for the steps that are not a request (clock, restart).
    pub async fn send(&mut self, step: &Step) -> Option<Observed> {
        let desk_path = |d: u32, what: &str| format!("/api/v1/desks/{d}/{what}");
        Some(match *step {
            Step::Issue {
                service,
                priority,
                same_gender,
                feels_unsafe,
            } => {
                let mut body = json!({
                    "service": service,
                    "priority": if priority { "priority" } else { "normal" },
                });
                if let Some(g) = same_gender {
                    body["gender_preference"] = json!(match g {
                        Gender::Female => "female",
                        Gender::Male => "male",
                    });
                }
                // Both ways the kiosk can say it: on its own (no details), or inside an intake.
                if feels_unsafe && same_gender.is_none() {
                    body["feels_unsafe"] = json!(true);
                } else if feels_unsafe {
                    let version = config().intake_notice.version;
                    body["intake"] = json!({ "notice_version": version, "feels_unsafe": true });
                }
                let kiosk = self.server().kiosk_token.clone();
                let k = key();
                let r = observed(self.api.issue(&kiosk, &k, &body).await);
                self.last_issue = Some((k, body));
                r
            }
            Step::RetryIssue(None) => return None,
            Step::RetryIssue(Some(_)) => {
                let (k, body) = self.last_issue.clone().expect("an issue to retry");
                let kiosk = self.server().kiosk_token.clone();
                observed(self.api.issue(&kiosk, &k, &body).await)
            }
            Step::SignIn(w, d) => self.post(w, &desk_path(d, "sign-in"), None).await,
            Step::SignOut(w, d) => self.post(w, &desk_path(d, "sign-out"), None).await,
            Step::Pause(w, d) => self.post(w, &desk_path(d, "pause"), None).await,
            Step::Resume(w, d) => self.post(w, &desk_path(d, "resume"), None).await,
            Step::CallNext(w, d) => self.post(w, &desk_path(d, "call-next"), None).await,
            Step::Call {
                who,
                desk,
                ticket,
                override_gender,
            } => {
                let mut body = json!({ "ticket": self.id(ticket) });
                if override_gender {
                    body["override_gender"] = json!(true);
                }
                self.post(who, &desk_path(desk, "call"), Some(body)).await
            }
            Step::Act(w, t, op) => {
                let id = self.id(t);
                let (what, body) = match op {
                    Op::Recall => ("recall", None),
                    Op::Start => ("start", None),
                    Op::Finish => ("finish", Some(json!({ "outcome": "information_given" }))),
                    Op::NoShow => ("no-show", None),
                    Op::Return => ("return", None),
                    Op::Refer => ("refer", Some(json!({ "reason": "needs a researcher" }))),
                    Op::Cancel => ("cancel", None),
                    Op::ToService(s) => ("transfer", Some(json!({ "service": s }))),
                    Op::ToDesk(d) => ("transfer", Some(json!({ "desk": d }))),
                };
                self.post(w, &format!("/api/v1/tickets/{id}/{what}"), body)
                    .await
            }
            Step::JoinRemote(service) => self.join_remote(service).await,
            Step::CheckIn(None) => return None,
            Step::CheckIn(Some(i)) => {
                let code = self.codes[i]
                    .clone()
                    .expect("a place joined by phone has a code");
                // Every other place checks in from its phone by the entrance QR: the same rule,
                // so the same answer as at the kiosk.
                if i % 2 == 1 {
                    self.entrance_check_in(i, &code).await
                } else {
                    self.kiosk_check_in(&code).await
                }
            }
            Step::Book(slot) => {
                let body = json!({ "slot": self.slot_ids[slot] });
                let r = self.post(BOOKER, "/api/v1/appointments", Some(body)).await;
                if r.status == 201 {
                    let code = r.json["code"].as_str().unwrap_or("").to_string();
                    self.bookings.push((code, slot));
                }
                r
            }
            Step::CheckInBooking { booking: None, .. } | Step::CancelBooking(None) => return None,
            Step::CheckInBooking {
                booking: Some(b), ..
            } => {
                let code = self.bookings[b].0.clone();
                let mut r = self.kiosk_check_in(&code).await;
                if r.status == 200 {
                    // The kiosk is told the label; the id comes from the staff queue (the
                    // newest of that label: yesterday's may still be served).
                    let label = r.json["label"].clone();
                    let queue = self.queue().await;
                    let id = queue.json["tickets"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|t| t["label"] == label)
                        .filter_map(|t| t["id"].as_i64())
                        .max()
                        .unwrap_or(UNKNOWN_TICKET);
                    r.json["id"] = json!(id);
                }
                r
            }
            Step::CancelBooking(Some(b)) => {
                let (code, slot) = self.bookings[b].clone();
                let day = slot_start(slot).format("%Y-%m-%d").to_string();
                let body = json!({ "day": day, "code": code });
                self.post(BOOKER, "/api/v1/appointments/cancel", Some(body))
                    .await
            }
            Step::Wait(_) | Step::Rollover | Step::Restart => return None,
        })
    }

    /// Place `i`'s phone (its status token in the place's cookie) opens the link of the QR the
    /// display shows now and says "I'm here". Only a place waiting for its visitor is offered the
    /// button; otherwise the page sends the visitor to the kiosk, and so does the driver (which
    /// must then be refused: a place the kiosk checks in was one the page should have offered).
    async fn entrance_check_in(&self, i: usize, code: &str) -> Observed {
        let server = self.server();
        let base = server.base_url.clone();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("phone client");
        let shown: Value = http
            .get(format!("{base}/display/entrance"))
            .header("Cookie", format!("awn_display={}", server.display_token))
            .send()
            .await
            .expect("the display's entrance link")
            .json()
            .await
            .unwrap_or_default();
        let url = shown["url"].as_str().unwrap_or_default();
        let path = &url[url.find("/arrive/").unwrap_or(0)..];
        let cookie = format!("awn_place={}", self.status_tokens[i]);
        let page = http
            .get(format!("{base}{path}?lang=en"))
            .header("Cookie", &cookie)
            .send()
            .await
            .expect("the entrance page answers")
            .text()
            .await
            .unwrap_or_default();
        if !page.contains("id=\"arrive\"") {
            let at_kiosk = self.kiosk_check_in(code).await;
            if at_kiosk.status == 200 {
                return Observed {
                    status: 500,
                    code: "entrance_page_missed_the_place".to_string(),
                    json: json!({ "html": page }),
                };
            }
            return at_kiosk;
        }
        let res = http
            .post(format!("{base}{path}"))
            .header("Origin", &base)
            .header("Cookie", &cookie)
            .form(&[("lang", "en")])
            .send()
            .await
            .expect("the entrance form answers");
        let status = res.status().as_u16();
        let html = res.text().await.unwrap_or_default();
        if status != 200 {
            let code = between(&html, "data-code=\"", "\"").unwrap_or_default();
            return Observed {
                status,
                code,
                json: json!({ "html": html }),
            };
        }
        let label = between(&html, "class=\"number ltr\">", "<").unwrap_or_default();
        let ahead = if html.contains("You are next") {
            Some(0)
        } else {
            between(&html, "People ahead of you: ", "<").and_then(|n| n.parse::<u64>().ok())
        };
        Observed {
            status,
            code: String::new(),
            json: json!({ "label": label, "people_ahead": ahead }),
        }
    }

    /// A code typed at the kiosk.
    async fn kiosk_check_in(&self, code: &str) -> Observed {
        let kiosk = self.server().kiosk_token.clone();
        observed(
            self.api
                .post(
                    "/api/v1/kiosk/check-in",
                    &kiosk,
                    Some(&json!({ "code": code })),
                )
                .await,
        )
    }

    /// The server's id of slot `i` of `SLOTS`.
    pub fn slot_id(&self, i: usize) -> i64 {
        self.slot_ids[i]
    }

    /// `GET /api/v1/appointment-slots`, as reception sees it.
    pub async fn slots(&self) -> Observed {
        observed(
            self.api
                .get("/api/v1/appointment-slots", Some(&self.tokens[BOOKER]))
                .await,
        )
    }

    /// Joins from a new phone: opens `/join`, sends its form, and reads the answer page's label
    /// and code; the id comes from the staff queue. Answers `{id, label, status_token, code}`.
    async fn join_remote(&mut self, service: &str) -> Observed {
        let k = self.phones;
        self.phones += 1;
        let addr = Ipv4Addr::new(127, 2, (k / 250) as u8, (k % 250 + 1) as u8);
        let phone = reqwest::Client::builder()
            .local_address(IpAddr::V4(addr))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("phone client");
        let base = self.server().base_url.clone();
        let page = phone
            .get(format!("{base}/join?lang=en"))
            .send()
            .await
            .expect("the join page answers")
            .text()
            .await
            .unwrap_or_default();
        let key = between(&page, "name=\"key\" value=\"", "\"").unwrap_or_default();
        let res = phone
            .post(format!("{base}/join"))
            .header("Origin", &base)
            .form(&[("service", service), ("key", key.as_str()), ("lang", "en")])
            .send()
            .await
            .expect("the join form answers");
        let status = res.status().as_u16();
        let html = res.text().await.unwrap_or_default();
        if status != 200 {
            // Refusals are drawn as a page; the API's code is what the model compares.
            let code = if html.contains("cannot be joined from the phone") {
                "not_for_remote_joining"
            } else {
                "unexpected_join_page"
            };
            return Observed {
                status,
                code: code.to_string(),
                json: json!({ "html": html }),
            };
        }
        let label = between(&html, "class=\"number ltr\">", "<").unwrap_or_default();
        let code = between(&html, "id=\"check-in-code\">", "<").unwrap_or_default();
        let queue = self.queue().await;
        // Yesterday's ticket of the same label may still be served: the newest is this one.
        let id = queue.json["tickets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["label"] == label.as_str())
            .filter_map(|t| t["id"].as_i64())
            .max()
            .unwrap_or(UNKNOWN_TICKET);
        Observed {
            status,
            code: String::new(),
            json: json!({ "id": id, "label": label, "status_token": key, "code": code }),
        }
    }

    /// Sets the injected clock. On a new Riyadh day one write runs the rollover at once (it runs
    /// at the first write of a day), so that reads agree with the model; sessions near their end
    /// are renewed by logging in again.
    pub async fn set_clock(&mut self, to: i64, new_day: bool) {
        self.clock
            .set(Utc.timestamp_opt(to, 0).single().expect("a valid instant"));
        if to - self.logged_in_at >= RELOGIN_AFTER_SECS {
            for (i, s) in STAFF.iter().enumerate() {
                self.tokens[i] = self.api.login(s.name).await;
            }
            self.logged_in_at = to;
        } else if new_day {
            let last = STAFF.len() - 1;
            self.tokens[last] = self.api.login(STAFF[last].name).await;
        }
    }

    /// Graceful stop and start on the same file, port and clock.
    pub fn restart(&mut self) {
        let mut old = self.server.take().expect("a running server");
        old.stop();
        drop(old);
        let server = start(&self.db, &self.clock);
        self.api = Api::new(&server.base_url);
        self.server = Some(server);
        self.lookups = 0;
        self.last_issue = None;
    }

    /// `GET /api/v1/queue`, as the supervisor sees it.
    pub async fn queue(&self) -> Observed {
        let token = &self.tokens[STAFF.len() - 1];
        observed(self.api.get("/api/v1/queue", Some(token)).await)
    }

    /// The public status of a ticket, from a loopback address that has not used up its lookups.
    pub async fn status(&mut self, i: usize) -> Observed {
        let n = self.lookups / LOOKUPS_PER_ADDRESS;
        self.lookups += 1;
        while self.lookup_clients.len() <= n {
            let k = self.lookup_clients.len();
            let addr = Ipv4Addr::new(127, 1, (k / 250) as u8, (k % 250 + 1) as u8);
            let client = reqwest::Client::builder()
                .local_address(IpAddr::V4(addr))
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .expect("lookup client");
            self.lookup_clients.push(client);
        }
        let url = format!(
            "{}/api/v1/status/{}",
            self.server().base_url,
            self.status_tokens[i]
        );
        let res = self.lookup_clients[n]
            .get(url)
            .send()
            .await
            .expect("the server answers a status lookup");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        Observed {
            status,
            code: json["code"].as_str().unwrap_or("").to_string(),
            json,
        }
    }
}

/// The text between `start` and the next `end`.
fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(text[from..from + len].to_string())
}

fn observed(r: e2e::Reply) -> Observed {
    Observed {
        status: r.status.as_u16(),
        code: r.code().to_string(),
        json: r.json,
    }
}
