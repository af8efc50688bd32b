//! What a webhook says (issue 17 item 4), pure: the event types an endpoint may want, their JSON
//! payloads in the Standard Webhooks shape (`{"type", "timestamp", "data"}`), and when a failed
//! delivery is tried again. `store::webhooks` queues the payloads in the transaction of the change
//! they announce; `crate::webhooks` signs and sends them.
//!
//! A payload carries references and states, never personal data: `data` holds only the keys of
//! `Data` that apply (`DATA_KEYS` is the whole list, and a test holds every payload to it):
//! `branch` (`[branch] id`), `reference` (a registered request's), `service` (a service code),
//! `registered_at` and `earliest_answer` (on `request.registered`: the committee answers from that
//! day), `decision` and `decided_on` (on `committee.decided`), `score`, `reason_codes` (the fixed
//! reasons, never the comment) and `rated_at` (on `rating.low`). No ticket id either: a receiver
//! has no use for the branch's row numbers.

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use super::committee::Decision;

/// The top-level keys of every payload (Standard Webhooks).
pub const ALLOWED_KEYS: [&str; 3] = ["type", "timestamp", "data"];

/// Every key `data` may carry.
pub const DATA_KEYS: [&str; 10] = [
    "branch",
    "reference",
    "service",
    "registered_at",
    "earliest_answer",
    "decision",
    "decided_on",
    "score",
    "reason_codes",
    "rated_at",
];

/// Seconds to wait after each failed attempt: the 1st failure waits 5 s, the 10th 8 h; the 11th
/// failure (about 16 hours after the first attempt) makes the delivery dead, for an admin to
/// replay. Per endpoint, later deliveries wait behind the one being retried (order is kept).
pub const BACKOFF_SECONDS: [i64; 10] = [5, 30, 120, 300, 900, 1800, 3600, 7200, 14_400, 28_800];

/// When to try again after the `attempts`-th attempt failed at `now`; `None`: dead.
pub fn next_attempt(attempts: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let wait = BACKOFF_SECONDS.get((attempts as usize).checked_sub(1)?)?;
    Some(now + Duration::seconds(*wait))
}

/// What an endpoint may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    /// A support request was registered at a desk (it has its reference).
    RequestRegistered,
    /// The research committee's decision on a registered request was recorded.
    CommitteeDecided,
    /// A visitor rated at or below the endpoint's threshold.
    RatingLow,
}

impl EventType {
    pub const ALL: [EventType; 3] = [
        Self::RequestRegistered,
        Self::CommitteeDecided,
        Self::RatingLow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestRegistered => "request.registered",
            Self::CommitteeDecided => "committee.decided",
            Self::RatingLow => "rating.low",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One event, as queued for every endpoint that wants it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub event_type: EventType,
    pub at: DateTime<Utc>,
    pub data: Data,
}

/// A payload's `data`. Only these fields can reach a receiver (`DATA_KEYS`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Data {
    pub branch: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest_answer: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_codes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rated_at: Option<String>,
}

#[derive(Serialize)]
struct Payload<'a> {
    #[serde(rename = "type")]
    event_type: &'static str,
    timestamp: String,
    data: &'a Data,
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Event {
    /// The JSON body sent (and signed) as is.
    pub fn to_json(&self) -> String {
        let p = Payload {
            event_type: self.event_type.as_str(),
            timestamp: instant(self.at),
            data: &self.data,
        };
        serde_json::to_string(&p).expect("plain values serialize")
    }

    /// Whether an endpoint wanting `wanted` (with this rating threshold) gets this event: a
    /// rating only when its score is at or below the threshold.
    pub fn is_for(&self, wanted: &[EventType], threshold: Option<u8>) -> bool {
        wanted.contains(&self.event_type)
            && (self.event_type != EventType::RatingLow
                || matches!((threshold, self.data.score), (Some(t), Some(s)) if s <= t))
    }
}

/// A support request registered: its reference, service, when, and the committee's earliest day.
pub fn request_registered(
    branch: &str,
    reference: &str,
    service: &str,
    earliest_answer: NaiveDate,
    at: DateTime<Utc>,
) -> Event {
    Event {
        event_type: EventType::RequestRegistered,
        at,
        data: Data {
            branch: branch.to_string(),
            reference: Some(reference.to_string()),
            service: Some(service.to_string()),
            registered_at: Some(instant(at)),
            earliest_answer: Some(earliest_answer),
            ..Data::default()
        },
    }
}

/// The committee's decision on a registered request, by reference.
pub fn committee_decided(
    branch: &str,
    reference: &str,
    decision: Decision,
    decided_on: NaiveDate,
    at: DateTime<Utc>,
) -> Event {
    Event {
        event_type: EventType::CommitteeDecided,
        at,
        data: Data {
            branch: branch.to_string(),
            reference: Some(reference.to_string()),
            decision: Some(decision.as_str()),
            decided_on: Some(decided_on),
            ..Data::default()
        },
    }
}

/// A rating: service, score and the fixed reasons' codes; never the comment, nor the visit.
pub fn rating(
    branch: &str,
    service: &str,
    score: u8,
    reason_codes: &[String],
    at: DateTime<Utc>,
) -> Event {
    Event {
        event_type: EventType::RatingLow,
        at,
        data: Data {
            branch: branch.to_string(),
            service: Some(service.to_string()),
            score: Some(score),
            reason_codes: Some(reason_codes.to_vec()),
            rated_at: Some(instant(at)),
            ..Data::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn at() -> DateTime<Utc> {
        "2026-12-01T06:30:00Z".parse().unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()
    }

    fn every_event() -> Vec<Event> {
        vec![
            request_registered("riyadh-1", "R-20261201-0001", "new_request", day(), at()),
            committee_decided(
                "riyadh-1",
                "R-20261201-0001",
                Decision::Accepted,
                day(),
                at(),
            ),
            rating(
                "riyadh-1",
                "inquiry",
                2,
                &["waiting_time".into(), "clarity".into()],
                at(),
            ),
        ]
    }

    #[test]
    fn every_payload_holds_only_the_allowed_keys_and_every_data_key_is_used() {
        let mut used = std::collections::BTreeSet::new();
        for e in every_event() {
            let v: Value = serde_json::from_str(&e.to_json()).unwrap();
            let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(top.len(), 3, "{v}");
            assert!(top.iter().all(|k| ALLOWED_KEYS.contains(k)), "{v}");
            assert_eq!(v["type"], e.event_type.as_str());
            assert_eq!(v["timestamp"], "2026-12-01T06:30:00Z");
            assert_eq!(v["data"]["branch"], "riyadh-1");
            for k in v["data"].as_object().unwrap().keys() {
                assert!(DATA_KEYS.contains(&k.as_str()), "{k} is not allowed: {v}");
                used.insert(k.clone());
            }
        }
        assert_eq!(
            used.len(),
            DATA_KEYS.len(),
            "a data key no event uses: {used:?}"
        );
    }

    #[test]
    fn the_payloads_say_exactly_this() {
        let json: Vec<String> = every_event().iter().map(Event::to_json).collect();
        assert_eq!(
            json,
            [
                r#"{"type":"request.registered","timestamp":"2026-12-01T06:30:00Z","data":{"branch":"riyadh-1","reference":"R-20261201-0001","service":"new_request","registered_at":"2026-12-01T06:30:00Z","earliest_answer":"2026-12-15"}}"#,
                r#"{"type":"committee.decided","timestamp":"2026-12-01T06:30:00Z","data":{"branch":"riyadh-1","reference":"R-20261201-0001","decision":"accepted","decided_on":"2026-12-15"}}"#,
                r#"{"type":"rating.low","timestamp":"2026-12-01T06:30:00Z","data":{"branch":"riyadh-1","service":"inquiry","score":2,"reason_codes":["waiting_time","clarity"],"rated_at":"2026-12-01T06:30:00Z"}}"#,
            ]
        );
    }

    #[test]
    fn a_rating_goes_only_to_endpoints_whose_threshold_it_is_at_or_below() {
        let low = &every_event()[2];
        let all = EventType::ALL;
        assert!(low.is_for(&all, Some(2)), "at the threshold");
        assert!(low.is_for(&all, Some(3)));
        assert!(!low.is_for(&all, Some(1)), "above the threshold");
        assert!(!low.is_for(&all, None));
        assert!(!low.is_for(&[EventType::RequestRegistered], Some(5)));
        let registered = &every_event()[0];
        assert!(registered.is_for(&[EventType::RequestRegistered], None));
        assert!(!registered.is_for(&[EventType::CommitteeDecided], None));
    }

    #[test]
    fn failures_back_off_then_the_delivery_is_dead() {
        let t = at();
        assert_eq!(next_attempt(1, t), Some(t + Duration::seconds(5)));
        assert_eq!(next_attempt(2, t), Some(t + Duration::seconds(30)));
        assert_eq!(next_attempt(10, t), Some(t + Duration::hours(8)));
        assert_eq!(next_attempt(11, t), None);
        assert_eq!(next_attempt(0, t), None, "no attempt made: not a failure");
        for s in EventType::ALL {
            assert_eq!(EventType::parse(s.as_str()), Some(s));
        }
        assert_eq!(EventType::parse("ticket.issued"), None);
    }
}
