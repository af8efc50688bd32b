//! The de-identified facts a branch keeps for head office (issue 17): what happened to a visit,
//! never who the visitor is. `store::outbox` writes them in the transaction of the change they
//! describe, numbered by the outbox's `seq`; a shipper sends them in `seq` order and head office
//! keeps each once by (branch, seq). The branch id is the configuration's `[branch] id`, added by
//! the shipper (a row does not repeat it).
//!
//! A fact's row is `(seq, at, kind, fact)`: `at` the UTC instant (RFC 3339), `kind` one of
//! `FactKind::as_str`, and `fact` a JSON object of the keys of `Body` that apply (absent when
//! `null`): `ticket` (the branch's ticket id), `service_day`, `service` (issuing service code),
//! `line` (the line it waits in or was served from), `desk`, `channel` (`kiosk` / `reception`,
//! on `issued`), `wait_seconds` (issue to this call, on `called`), `service_seconds` (start to
//! finish, on `finished`), `outcome` (on `finished`), `score` and `reason_codes` (a rating's
//! fixed reasons, never its comment), `reference` (a registered request's), `decision` and
//! `decided_on` (the committee's). No name, ID number, mobile, note, comment, referral reason or
//! any other free text: `ALLOWED_KEYS` is the whole list, and a test holds the outbox to it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::committee::Decision;
use super::{Change, Channel, DeskId, HistoryEntry, Outcome, Ticket};

/// Every JSON key a fact may carry: the allow-list the tests check the outbox against.
pub const ALLOWED_KEYS: [&str; 14] = [
    "ticket",
    "service_day",
    "service",
    "line",
    "desk",
    "channel",
    "wait_seconds",
    "service_seconds",
    "outcome",
    "score",
    "reason_codes",
    "reference",
    "decision",
    "decided_on",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactKind {
    Issued,
    Called,
    Recalled,
    Started,
    Finished,
    NoShow,
    Referred,
    Transferred,
    Returned,
    Cancelled,
    Expired,
    Rated,
    RequestRegistered,
    CommitteeDecision,
}

impl FactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Called => "called",
            Self::Recalled => "recalled",
            Self::Started => "started",
            Self::Finished => "finished",
            Self::NoShow => "no_show",
            Self::Referred => "referred",
            Self::Transferred => "transferred",
            Self::Returned => "returned",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
            Self::Rated => "rated",
            Self::RequestRegistered => "request_registered",
            Self::CommitteeDecision => "committee_decision",
        }
    }

    /// The fact a ticket's history action gives, if any: a raised class is left out (the class
    /// hints at why: safety, disability), as is everything the history says in free text.
    fn of_action(action: &str) -> Option<Self> {
        Some(match action {
            "issue" => Self::Issued,
            "call" => Self::Called,
            "recall" => Self::Recalled,
            "start" => Self::Started,
            "finish" => Self::Finished,
            "no_show" => Self::NoShow,
            "refer" => Self::Referred,
            "transfer" => Self::Transferred,
            "return_to_queue" => Self::Returned,
            "cancel" => Self::Cancelled,
            "expire" | "lapse" => Self::Expired,
            _ => return None,
        })
    }
}

/// One fact: what happened, when, and its JSON object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub kind: FactKind,
    pub at: DateTime<Utc>,
    pub body: Body,
}

/// A fact's JSON object. Only these fields can reach the outbox (`ALLOWED_KEYS`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Body {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_day: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desk: Option<DeskId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_codes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
}

impl Fact {
    /// The JSON object stored in the outbox's `fact` column.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.body).expect("plain values serialize")
    }
}

/// The facts of a queue change, in its history's order. `service_seconds` needs the start time,
/// which the queue does not hold: the store adds it.
pub fn of_change(change: &Change) -> Vec<Fact> {
    change
        .history
        .iter()
        .filter_map(|h| {
            let kind = FactKind::of_action(h.action)?;
            let t = change
                .updated
                .iter()
                .chain(&change.issued)
                .find(|t| t.id == h.ticket)?;
            Some(of_entry(kind, h, t))
        })
        .collect()
}

fn of_entry(kind: FactKind, h: &HistoryEntry, t: &Ticket) -> Fact {
    let body = Body {
        ticket: Some(t.id),
        service_day: Some(t.service_day),
        service: Some(t.service.as_str().to_string()),
        line: Some(t.line.as_str().to_string()),
        desk: h.desk,
        channel: (kind == FactKind::Issued).then_some(t.channel),
        wait_seconds: (kind == FactKind::Called)
            .then(|| (h.at - t.in_room_since()).num_seconds().max(0)),
        outcome: h.outcome.map(Outcome::as_str),
        ..Body::default()
    };
    Fact {
        kind,
        at: h.at,
        body,
    }
}

/// A visitor's rating: the score and the fixed reasons' codes, never the comment.
pub fn rated(ticket: i64, score: u8, reason_codes: &[String], at: DateTime<Utc>) -> Fact {
    let body = Body {
        ticket: Some(ticket),
        score: Some(score),
        reason_codes: Some(reason_codes.to_vec()),
        ..Body::default()
    };
    Fact {
        kind: FactKind::Rated,
        at,
        body,
    }
}

/// A support request registered at a desk: its reference and visit, nothing of its content.
pub fn request_registered(ticket: i64, reference: &str, at: DateTime<Utc>) -> Fact {
    let body = Body {
        ticket: Some(ticket),
        reference: Some(reference.to_string()),
        ..Body::default()
    };
    Fact {
        kind: FactKind::RequestRegistered,
        at,
        body,
    }
}

/// The committee's decision on a registered request, by reference.
pub fn committee_decision(
    reference: &str,
    decision: Decision,
    decided_on: NaiveDate,
    at: DateTime<Utc>,
) -> Fact {
    let body = Body {
        reference: Some(reference.to_string()),
        decision: Some(decision.as_str()),
        decided_on: Some(decided_on),
        ..Body::default()
    };
    Fact {
        kind: FactKind::CommitteeDecision,
        at,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transitions::Action;
    use crate::domain::{IssueRequest, Priority, Queue};

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// Every field set: a field added to `Body` breaks this literal, so the allow-list is met
    /// again before it compiles.
    #[test]
    fn a_fact_carries_only_the_allowed_keys() {
        let body = Body {
            ticket: Some(1),
            service_day: Some(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()),
            service: Some("inquiry".into()),
            line: Some("inquiry".into()),
            desk: Some(2),
            channel: Some(Channel::Kiosk),
            wait_seconds: Some(60),
            service_seconds: Some(120),
            outcome: Some("other"),
            score: Some(4),
            reason_codes: Some(vec!["waiting_time".into()]),
            reference: Some("R-2026-00001".into()),
            decision: Some("accepted"),
            decided_on: Some(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()),
        };
        let json = serde_json::to_value(&body).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        let mut allowed = ALLOWED_KEYS.to_vec();
        allowed.sort_unstable();
        assert_eq!(keys, allowed);
    }

    fn queue() -> Queue {
        use crate::domain::{Desk, DeskKind, QueuePolicy, Service};
        Queue::new(
            QueuePolicy::default(),
            vec![Service {
                code: "inquiry".into(),
                prefix: "C".into(),
                average_service_minutes: 10,
                target_wait_minutes: 15,
            }],
            vec![Desk {
                id: 1,
                kind: DeskKind::BeneficiaryRelations,
                services: vec!["inquiry".into()],
                on_duty: None,
                paused: false,
                priority_streak: 0,
                since: None,
            }],
            vec![],
            vec![],
            0,
        )
    }

    #[test]
    fn a_visit_gives_its_facts_with_wait_channel_and_outcome_and_no_free_text() {
        let mut q = queue();
        let issued_at = t("2026-12-03T06:00:00Z");
        let change = q
            .plan_issue(
                &IssueRequest {
                    service: "inquiry".into(),
                    priority: Priority::Normal,
                    gender_preference: None,
                    channel: Channel::Reception,
                    slot: None,
                },
                issued_at,
            )
            .unwrap();
        let facts = of_change(&change);
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].kind, FactKind::Issued);
        assert_eq!(facts[0].body.channel, Some(Channel::Reception));
        assert_eq!(facts[0].body.wait_seconds, None);
        assert_eq!(facts[0].body.service.as_deref(), Some("inquiry"));
        q.apply(&change);
        let id = change.issued[0].id;

        let staff = 7;
        let on_duty = crate::domain::OnDuty {
            staff,
            gender: crate::domain::Gender::Female,
        };
        let sign_in = q.plan_sign_in(1, on_duty, issued_at).unwrap();
        assert!(of_change(&sign_in).is_empty(), "a desk's change is no fact");
        q.apply(&sign_in);
        let called_at = t("2026-12-03T06:05:30Z");
        let call = q.plan_call_next(1, staff, called_at).unwrap();
        let facts = of_change(&call);
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].kind, FactKind::Called);
        assert_eq!(facts[0].body.wait_seconds, Some(330));
        assert_eq!(
            facts[0].body.channel, None,
            "the channel is said once, at issue"
        );
        assert_eq!(facts[0].body.desk, Some(1));
        q.apply(&call);

        let refer = q
            .plan_action(
                id,
                &Action::Refer {
                    reason: "SENTINEL-9f3a free text".into(),
                },
                Some(1),
                Some(staff),
                called_at,
            )
            .unwrap();
        let facts = of_change(&refer);
        assert_eq!(facts[0].kind, FactKind::Referred);
        assert!(
            !facts[0].to_json().contains("SENTINEL"),
            "{}",
            facts[0].to_json()
        );
    }

    #[test]
    fn a_finish_says_its_outcome_and_a_raised_class_is_no_fact() {
        let mut q = queue();
        let at = t("2026-12-03T06:00:00Z");
        let issue = q
            .plan_issue(
                &IssueRequest {
                    service: "inquiry".into(),
                    priority: Priority::Normal,
                    gender_preference: None,
                    channel: Channel::Kiosk,
                    slot: None,
                },
                at,
            )
            .unwrap();
        q.apply(&issue);
        let id = issue.issued[0].id;
        let actor = crate::domain::Actor {
            desk: None,
            staff: Some(3),
            supervisor: true,
        };
        let raise = q
            .plan_raise_priority(id, Priority::Urgent, actor, at)
            .unwrap();
        assert!(of_change(&raise).is_empty());
        q.apply(&raise);
        let on_duty = crate::domain::OnDuty {
            staff: 7,
            gender: crate::domain::Gender::Female,
        };
        q.apply(&q.plan_sign_in(1, on_duty, at).unwrap());
        q.apply(&q.plan_call_next(1, 7, at).unwrap());
        q.apply(
            &q.plan_action(id, &Action::Start, Some(1), Some(7), at)
                .unwrap(),
        );
        let finish = q
            .plan_action(
                id,
                &Action::Finish(Outcome::InformationGiven),
                Some(1),
                Some(7),
                at,
            )
            .unwrap();
        let facts = of_change(&finish);
        assert_eq!(facts[0].kind, FactKind::Finished);
        assert_eq!(facts[0].body.outcome, Some("information_given"));
    }

    #[test]
    fn a_rating_keeps_its_score_and_reason_codes_only() {
        let f = rated(5, 2, &["waiting_time".into()], t("2026-12-03T06:00:00Z"));
        assert_eq!(
            f.to_json(),
            r#"{"ticket":5,"score":2,"reason_codes":["waiting_time"]}"#
        );
    }
}
