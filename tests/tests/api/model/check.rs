//! The checks after every step: the server's answer against the model's, and the invariants
//! that must hold whatever the model says (labels fixed and unique, numbers gap-free, one
//! ticket per desk, no 5xx).

use std::collections::HashMap;

use serde_json::Value;

use super::branch::SLOTS;
use super::driver::{Driver, Observed, slot_start};
use super::routing::people_ahead;
use super::spec::{Answer, Line, Spec, State, Step};

/// What the server has said so far, for the invariants that need no model.
#[derive(Default)]
pub struct Seen {
    /// The first label each ticket id was given.
    labels: HashMap<i64, String>,
    /// (service day, label) → ticket id.
    by_day: HashMap<(String, String), i64>,
    /// (service day, prefix) → last number issued.
    numbers: HashMap<(String, String), u32>,
}

impl Seen {
    fn label(&mut self, id: i64, label: &str) -> Result<(), String> {
        match self.labels.get(&id) {
            Some(first) if first != label => Err(format!(
                "ticket {id} was {first} and is now called {label}: a label never changes"
            )),
            Some(_) => Ok(()),
            None => {
                self.labels.insert(id, label.to_string());
                Ok(())
            }
        }
    }

    fn issued(&mut self, id: i64, label: &str, day: &str) -> Result<(), String> {
        self.label(id, label)?;
        if let Some(other) = self.by_day.insert((day.into(), label.into()), id) {
            return Err(format!(
                "{label} issued twice on {day}: tickets {other} and {id}"
            ));
        }
        let (prefix, number) = label
            .split_once('-')
            .and_then(|(p, n)| Some((p.to_string(), n.parse::<u32>().ok()?)))
            .ok_or_else(|| format!("label {label} is not PREFIX-NUMBER"))?;
        let last = self
            .numbers
            .entry((day.into(), prefix.clone()))
            .or_insert(0);
        if number != *last + 1 {
            return Err(format!(
                "{label} issued on {day} after {prefix}-{:03}: numbers are gap-free",
                *last
            ));
        }
        *last = number;
        Ok(())
    }
}

fn class_name(c: u8) -> &'static str {
    ["urgent", "priority", "normal"][usize::from(c)]
}

/// The line a ticket stands in, as the staff JSON says it: `route` (service, research or one
/// desk) and, for a service line, `line` (or `service` before lines had their own field).
fn line_of(t: &Value) -> Option<Line> {
    let service = |s: &str| {
        super::branch::SERVICES
            .iter()
            .map(|(c, _)| *c)
            .find(|c| *c == s)
    };
    match t["route"].as_str()? {
        "service" => {
            let line = t.get("line").unwrap_or(&t["service"]);
            service(line.as_str()?).map(Line::Service)
        }
        "research" => Some(Line::Research),
        "desk" => Some(Line::Desk(u32::try_from(t["route_desk"].as_u64()?).ok()?)),
        _ => None,
    }
}

fn same_answer(expected: Answer, got: &Observed) -> bool {
    match expected {
        Answer::Accepted(_) => (200..300).contains(&got.status),
        Answer::Refused(status, code) => got.status == status && got.code == code,
    }
}

/// The server's answer to a step against the model's.
pub fn answer(
    spec: &Spec,
    driver: &mut Driver,
    seen: &mut Seen,
    step: &Step,
    expected: Answer,
    got: Option<&Observed>,
) -> Result<(), String> {
    if let Some(got) = got {
        if got.status >= 500 {
            return Err(format!("the server failed: {} {}", got.status, got.json));
        }
        if !same_answer(expected, got) {
            return Err(format!(
                "model: {expected:?}; server: {} {} {}",
                got.status, got.code, got.json["message"]["en"]
            ));
        }
        if let Answer::Accepted(Some(i)) = expected {
            ticket_reply(spec, driver, seen, step, i, got)?;
        }
        if let (Answer::Accepted(_), Step::Book(slot)) = (expected, step) {
            booking_reply(*slot, got, false)?;
        }
        if let (Answer::Accepted(_), Step::CancelBooking(Some(b))) = (expected, step) {
            booking_reply(spec.bookings[*b].slot, got, true)?;
        }
    }
    Ok(())
}

/// A booking's answer: a six-digit code, the slot's service and time, and whether cancelled.
fn booking_reply(slot: usize, got: &Observed, cancelled: bool) -> Result<(), String> {
    let code = got.json["code"].as_str().unwrap_or("");
    let starts = counter_server::http::views::local_time(slot_start(slot).to_utc());
    let server = (
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        got.json["service"].as_str(),
        got.json["starts_at"].as_str(),
        got.json["cancelled"].as_bool(),
    );
    let model = (
        true,
        Some(SLOTS[slot].service),
        Some(starts.as_str()),
        Some(cancelled),
    );
    if server != model {
        return Err(format!(
            "the booking answered (six-digit code, service, starts, cancelled) {server:?}; the model says {model:?}"
        ));
    }
    Ok(())
}

/// The slots reception sees (today to two weeks ahead) with the model's bookings counted.
async fn slots_view(spec: &Spec, driver: &Driver) -> Result<(), String> {
    let got = driver.slots().await;
    let listed = got.json.as_array().cloned().unwrap_or_default();
    let today = super::spec::service_day(spec.now);
    let mut server = Vec::new();
    let mut model = Vec::new();
    for (i, s) in SLOTS.iter().enumerate() {
        if let Some(l) = listed
            .iter()
            .find(|l| l["id"].as_i64() == Some(driver.slot_id(i)))
        {
            server.push((i, l["booked"].as_u64(), l["capacity"].as_u64()));
        }
        let day = super::spec::service_day(spec.slot_at[i]);
        if day >= today && day <= today + super::branch::BOOKING_DAYS_AHEAD {
            model.push((
                i,
                Some(u64::from(spec.booked[i])),
                Some(u64::from(s.capacity)),
            ));
        }
    }
    if got.status != 200 || server != model {
        return Err(format!(
            "the slots listed (slot, booked, capacity) are {} {server:?}; the model says {model:?}",
            got.status
        ));
    }
    Ok(())
}

/// What staff and visitors see after a step: the queue and the status pages.
pub async fn views(
    spec: &Spec,
    driver: &mut Driver,
    seen: &mut Seen,
    step: &Step,
) -> Result<(), String> {
    queue_view(spec, driver, seen).await?;
    if matches!(step, Step::Book(_) | Step::CancelBooking(Some(_))) {
        slots_view(spec, driver).await?;
    }
    statuses(spec, driver, seen, step).await
}

/// The ticket in an accepted reply is the model's, with its label.
fn ticket_reply(
    spec: &Spec,
    driver: &mut Driver,
    seen: &mut Seen,
    step: &Step,
    i: usize,
    got: &Observed,
) -> Result<(), String> {
    let t = &spec.tickets[i];
    // The kiosk's check-in answers the label and the place, not the id.
    let id = match step {
        Step::CheckIn(_) => driver.ids[i],
        // The driver found it in the staff queue by the label the kiosk was told.
        _ => got.json["id"].as_i64().ok_or("a ticket reply without id")?,
    };
    let label = got.json["label"].as_str().unwrap_or("");
    if let Step::Issue { .. } = step {
        let token = got.json["status_token"].as_str().ok_or("no status token")?;
        driver.ids.push(id);
        driver.status_tokens.push(token.to_string());
        driver.codes.push(None);
        seen.issued(id, label, got.json["service_day"].as_str().unwrap_or(""))?;
        let ahead = got.json["people_ahead"].as_u64();
        driver.issued_ahead.push(ahead.unwrap_or(u64::MAX));
        if ahead != Some(u64::from(people_ahead(spec, i))) {
            return Err(format!(
                "issued {label} with {ahead:?} people ahead; the model says {}",
                people_ahead(spec, i)
            ));
        }
    } else if let Step::JoinRemote(_) = step {
        let token = got.json["status_token"].as_str().unwrap_or("");
        let code = got.json["code"].as_str().unwrap_or("");
        if label.is_empty() || code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "the join page answered without a label or a code: {}",
                got.json
            ));
        }
        driver.ids.push(id);
        driver.status_tokens.push(token.to_string());
        driver.codes.push(Some(code.to_string()));
        driver.issued_ahead.push(u64::MAX);
        let day =
            chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(t.day);
        seen.issued(id, label, &day.to_string())?;
    } else if let Step::CheckInBooking { .. } = step {
        // The visitor of an appointment gets no status page (nothing to scan on a phone).
        driver.ids.push(id);
        driver.status_tokens.push(String::new());
        driver.codes.push(None);
        driver.issued_ahead.push(u64::MAX);
        let day =
            chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(t.day);
        seen.issued(id, label, &day.to_string())?;
        let service = got.json["service"].as_str();
        let ahead = got.json["people_ahead"].as_u64();
        let server = (service, ahead);
        let model = (Some(t.service), Some(u64::from(people_ahead(spec, i))));
        if server != model {
            return Err(format!(
                "{label} checked in for its appointment with (service, people ahead) {server:?}; the model says {model:?}"
            ));
        }
    } else if let Step::CheckIn(_) = step {
        let ahead = got.json["people_ahead"].as_u64();
        if ahead != Some(u64::from(people_ahead(spec, i))) {
            return Err(format!(
                "{label} checked in with {ahead:?} people ahead; the model says {}",
                people_ahead(spec, i)
            ));
        }
    } else if let Step::RetryIssue(_) = step {
        let same = (
            id,
            got.json["status_token"].as_str(),
            got.json["people_ahead"].as_u64(),
        );
        let first = (
            driver.ids[i],
            Some(driver.status_tokens[i].as_str()),
            Some(driver.issued_ahead[i]),
        );
        if got.status != 201 || same != first {
            return Err(format!(
                "a retry with the same key answered {} {same:?}; the first reply was {first:?}",
                got.status
            ));
        }
    } else {
        seen.label(id, label)?;
        if id != driver.ids[i] {
            let other = driver.ids.iter().position(|x| *x == id);
            return Err(format!(
                "the server answered with ticket {id} ({label}, model ticket {other:?}); the model expected {}",
                t.label
            ));
        }
        let state = got.json["state"].as_str().unwrap_or("");
        if state != t.state.name() {
            return Err(format!(
                "{label} is {state}; the model says {}",
                t.state.name()
            ));
        }
    }
    if label != t.label {
        return Err(format!(
            "the server says {label}; the model says {}",
            t.label
        ));
    }
    Ok(())
}

/// `GET /api/v1/queue` holds exactly the model's active tickets, and its desks.
async fn queue_view(spec: &Spec, driver: &mut Driver, seen: &mut Seen) -> Result<(), String> {
    let q = driver.queue().await;
    if q.status != 200 {
        return Err(format!("GET /queue answered {} {}", q.status, q.json));
    }
    let listed = q.json["tickets"].as_array().cloned().unwrap_or_default();
    let mut at_desk: HashMap<u64, String> = HashMap::new();
    let mut found = 0;
    for t in &listed {
        let id = t["id"].as_i64().unwrap_or(0);
        let label = t["label"].as_str().unwrap_or("");
        seen.label(id, label)?;
        if let Some(d) = t["desk"].as_u64()
            && matches!(t["state"].as_str(), Some("called" | "serving"))
            && let Some(other) = at_desk.insert(d, label.to_string())
        {
            return Err(format!("desk {d} has both {other} and {label}"));
        }
        let Some(i) = driver.ids.iter().position(|x| *x == id) else {
            return Err(format!(
                "the queue lists {label} (id {id}), never issued by the model"
            ));
        };
        let m = &spec.tickets[i];
        if !m.state.is_active() {
            return Err(format!(
                "the queue lists {label} as {}; the model says {}",
                t["state"],
                m.state.name()
            ));
        }
        found += 1;
        let server = (
            label.to_string(),
            t["state"].as_str().unwrap_or("").to_string(),
            t["desk"].as_u64().map(|d| d as u32),
            line_of(t),
            t["priority"].as_str().unwrap_or("").to_string(),
            t["wants_same_gender"].as_bool().unwrap_or(false),
            t["awaiting_arrival"].as_bool(),
            t["channel"].as_str().unwrap_or("").to_string(),
        );
        let model = (
            m.label.clone(),
            m.state.name().to_string(),
            if m.state == State::Waiting {
                None
            } else {
                m.desk
            },
            Some(m.line),
            class_name(m.class).to_string(),
            m.same_gender.is_some(),
            Some(m.awaiting),
            m.channel.to_string(),
        );
        // Once lines are their own field, `service` stays the issuing one.
        if t.get("line").is_some() && t["service"].as_str() != Some(m.service) {
            return Err(format!(
                "{label} shows service {}; it was issued for {}",
                t["service"], m.service
            ));
        }
        if server != model {
            return Err(format!(
                "the queue shows (label, state, desk, line, class, same gender, not here yet, channel) {server:?}; the model says {model:?}"
            ));
        }
    }
    let active = spec.tickets.iter().filter(|t| t.state.is_active()).count();
    if found != active {
        let missing: Vec<&str> = spec
            .tickets
            .iter()
            .enumerate()
            .filter(|(i, t)| {
                t.state.is_active()
                    && !listed
                        .iter()
                        .any(|l| l["id"].as_i64() == driver.ids.get(*i).copied())
            })
            .map(|(_, t)| t.label.as_str())
            .collect();
        return Err(format!("the queue lacks {missing:?}, active in the model"));
    }
    for d in q.json["desks"].as_array().cloned().unwrap_or_default() {
        let id = d["id"].as_u64().unwrap_or(0) as u32;
        let Some(m) = spec.desk(id) else { continue };
        let server = (d["staffed"].as_bool(), d["paused"].as_bool());
        let model = (Some(m.on_duty.is_some()), Some(m.paused));
        if server != model {
            return Err(format!(
                "desk {id} (staffed, paused) is {server:?}; the model says {model:?}"
            ));
        }
    }
    Ok(())
}

/// The public status of every waiting ticket (people ahead) and of the ticket the step touched.
async fn statuses(
    spec: &Spec,
    driver: &mut Driver,
    seen: &mut Seen,
    step: &Step,
) -> Result<(), String> {
    let mut which = spec.waiting();
    let touched = match *step {
        Step::Call { ticket, .. } | Step::Act(_, ticket, _) | Step::CheckIn(ticket) => ticket,
        _ => None,
    };
    if let Some(t) = touched.filter(|t| !which.contains(t)) {
        which.push(t);
    }
    for i in which {
        let m = &spec.tickets[i];
        if driver.status_tokens[i].is_empty() {
            continue; // an appointment's ticket: no status page
        }
        let got = driver.status(i).await;
        if got.status == 429 {
            super::note("status lookup refused by its rate limit (not checked)");
            continue; // the lookup limit, not a rule of the queue
        }
        if m.state == State::Expired {
            if got.status != 404 {
                return Err(format!(
                    "expired {} still has a status: {}",
                    m.label, got.json
                ));
            }
            continue;
        }
        if got.status != 200 {
            return Err(format!(
                "status of {}: {} {}",
                m.label, got.status, got.json
            ));
        }
        let label = got.json["label"].as_str().unwrap_or("");
        seen.label(driver.ids[i], label)?;
        let server = (
            label.to_string(),
            got.json["state"].as_str().unwrap_or("").to_string(),
            got.json["people_ahead"].as_u64().unwrap_or(u64::MAX) as u32,
            got.json["desk"].as_u64().map(|d| d as u32),
        );
        let desk = if matches!(m.state, State::Called | State::Serving) {
            m.desk
        } else {
            None
        };
        let model = (
            m.label.clone(),
            m.state.name().to_string(),
            people_ahead(spec, i),
            desk,
        );
        if server != model {
            return Err(format!(
                "the status page shows (label, state, people ahead, desk) {server:?}; the model says {model:?}"
            ));
        }
    }
    Ok(())
}
