//! Queue rules: table tests through small helpers, and a model-based property test.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::transitions::{ALL_ACTIONS, ALL_STATES, next_state};
use super::*;

fn t0() -> DateTime<Utc> {
    // 09:00 in Riyadh.
    Utc.with_ymd_and_hms(2026, 11, 25, 6, 0, 0).unwrap()
}

fn service(code: &str, prefix: &str) -> Service {
    Service {
        code: code.into(),
        prefix: prefix.into(),
        average_service_minutes: 10,
        target_wait_minutes: 15,
    }
}

fn desk(id: DeskId, kind: DeskKind, services: &[&str]) -> Desk {
    Desk {
        id,
        kind,
        services: services.iter().map(|s| (*s).into()).collect(),
        on_duty: None,
        paused: false,
        priority_streak: 0,
        since: None,
    }
}

fn queue_with(policy: QueuePolicy) -> Queue {
    Queue::new(
        policy,
        vec![
            service("new", "A"),
            service("inquiry", "C"),
            service("research", "D"),
        ],
        vec![
            desk(1, DeskKind::BeneficiaryRelations, &["new", "inquiry"]),
            desk(2, DeskKind::BeneficiaryRelations, &["new", "inquiry"]),
            desk(9, DeskKind::SocialResearch, &["research"]),
        ],
        vec![],
        vec![],
        0,
    )
}

fn queue() -> Queue {
    queue_with(QueuePolicy::default())
}

/// Plans and applies in one go, as the store would after a successful commit.
fn run(
    q: &mut Queue,
    plan: impl FnOnce(&Queue) -> Result<Change, QueueError>,
) -> Result<Change, QueueError> {
    let change = plan(q)?;
    q.apply(&change);
    Ok(change)
}

fn issue(q: &mut Queue, service: &str, priority: Priority, at: DateTime<Utc>) -> TicketId {
    let req = IssueRequest {
        service: service.into(),
        priority,
        gender_preference: None,
        channel: Channel::Kiosk,
        slot: None,
    };
    run(q, |q| q.plan_issue(&req, at)).unwrap().issued[0].id
}

fn sign_in(q: &mut Queue, d: DeskId, staff: StaffId, gender: Gender) {
    run(q, |q| q.plan_sign_in(d, OnDuty { staff, gender }, t0())).unwrap();
}

fn call_next(
    q: &mut Queue,
    d: DeskId,
    staff: StaffId,
    at: DateTime<Utc>,
) -> Result<TicketId, QueueError> {
    run(q, |q| q.plan_call_next(d, staff, at)).map(|c| c.updated[0].id)
}

fn act(
    q: &mut Queue,
    id: TicketId,
    a: Action,
    d: Option<DeskId>,
    at: DateTime<Utc>,
) -> Result<Change, QueueError> {
    run(q, |q| q.plan_action(id, &a, d, Some(1), at))
}

#[test]
fn numbers_start_at_one_per_service_and_day_and_labels_use_the_prefix() {
    let mut q = queue();
    let a1 = issue(&mut q, "new", Priority::Normal, t0());
    let c1 = issue(&mut q, "inquiry", Priority::Normal, t0());
    let a2 = issue(&mut q, "new", Priority::Normal, t0());
    let labels: Vec<String> = [a1, c1, a2]
        .iter()
        .map(|id| q.label_of(q.ticket(*id).unwrap()))
        .collect();
    assert_eq!(labels, ["A-001", "C-001", "A-002"]);
    let tomorrow = issue(&mut q, "new", Priority::Normal, t0() + Duration::days(1));
    assert_eq!(q.ticket(tomorrow).unwrap().number, 1);
}

#[test]
fn unknown_service_is_refused() {
    let q = queue();
    let req = IssueRequest {
        service: "nope".into(),
        priority: Priority::Normal,
        gender_preference: None,
        channel: Channel::Kiosk,
        slot: None,
    };
    assert_eq!(
        q.plan_issue(&req, t0()),
        Err(QueueError::UnknownService("nope".into()))
    );
}

#[test]
fn call_next_orders_by_class_then_issue_time_across_the_desks_services() {
    let mut q = queue();
    let n1 = issue(&mut q, "new", Priority::Normal, t0());
    let p1 = issue(
        &mut q,
        "inquiry",
        Priority::Priority,
        t0() + Duration::minutes(1),
    );
    let u1 = issue(&mut q, "new", Priority::Urgent, t0() + Duration::minutes(2));
    let n2 = issue(
        &mut q,
        "inquiry",
        Priority::Normal,
        t0() + Duration::minutes(3),
    );
    sign_in(&mut q, 1, 1, Gender::Female);
    let mut order = vec![];
    for _ in 0..4 {
        let id = call_next(&mut q, 1, 1, t0() + Duration::minutes(4)).unwrap();
        order.push(id);
        act(&mut q, id, Action::Start, Some(1), t0()).unwrap();
        act(
            &mut q,
            id,
            Action::Finish(Outcome::InformationGiven),
            Some(1),
            t0(),
        )
        .unwrap();
    }
    assert_eq!(order, [u1, p1, n1, n2]);
    assert_eq!(
        call_next(&mut q, 1, 1, t0()),
        Err(QueueError::NoTicketWaiting)
    );
}

#[test]
fn anti_starvation_lets_an_old_normal_ticket_through_after_a_priority_streak() {
    let policy = QueuePolicy {
        max_priority_streak: 2,
        normal_max_wait_minutes: 20,
        gender_fallback_minutes: 15,
        ..QueuePolicy::default()
    };
    let mut q = queue_with(policy);
    let old_normal = issue(&mut q, "new", Priority::Normal, t0());
    let ps: Vec<_> = (1..=4)
        .map(|i| {
            issue(
                &mut q,
                "new",
                Priority::Priority,
                t0() + Duration::minutes(i),
            )
        })
        .collect();
    sign_in(&mut q, 1, 1, Gender::Male);
    let later = t0() + Duration::minutes(25);
    let mut order = vec![];
    for _ in 0..4 {
        let id = call_next(&mut q, 1, 1, later).unwrap();
        order.push(id);
        act(&mut q, id, Action::NoShow, Some(1), later).unwrap();
    }
    assert_eq!(order, [ps[0], ps[1], old_normal, ps[2]]);
}

#[test]
fn anti_starvation_waits_for_the_normal_ticket_to_be_old_enough_and_never_defers_urgent() {
    let policy = QueuePolicy {
        max_priority_streak: 1,
        normal_max_wait_minutes: 20,
        gender_fallback_minutes: 15,
        ..QueuePolicy::default()
    };
    let mut q = queue_with(policy);
    let normal = issue(&mut q, "new", Priority::Normal, t0());
    let p1 = issue(&mut q, "new", Priority::Priority, t0());
    let p2 = issue(&mut q, "new", Priority::Priority, t0());
    let u = issue(&mut q, "new", Priority::Urgent, t0());
    sign_in(&mut q, 1, 1, Gender::Male);
    let soon = t0() + Duration::minutes(5);
    let mut order = vec![];
    for _ in 0..3 {
        let id = call_next(&mut q, 1, 1, soon).unwrap();
        order.push(id);
        act(&mut q, id, Action::NoShow, Some(1), soon).unwrap();
    }
    assert_eq!(
        order,
        [u, p1, p2],
        "the normal ticket has waited only 5 minutes"
    );
    assert_eq!(call_next(&mut q, 1, 1, soon).unwrap(), normal);
}

#[test]
fn same_gender_request_waits_for_a_matching_desk_then_falls_back() {
    let mut q = queue();
    let req = IssueRequest {
        service: "new".into(),
        priority: Priority::Normal,
        gender_preference: Some(Gender::Female),
        channel: Channel::Kiosk,
        slot: None,
    };
    let wants_female = run(&mut q, |q| q.plan_issue(&req, t0())).unwrap().issued[0].id;
    let other = issue(&mut q, "new", Priority::Normal, t0() + Duration::minutes(1));
    sign_in(&mut q, 1, 1, Gender::Male);
    sign_in(&mut q, 2, 2, Gender::Female);
    // The male desk skips the ticket while a female desk is open.
    assert_eq!(
        call_next(&mut q, 1, 1, t0() + Duration::minutes(2)).unwrap(),
        other
    );
    act(&mut q, other, Action::NoShow, Some(1), t0()).unwrap();
    assert_eq!(
        call_next(&mut q, 1, 1, t0() + Duration::minutes(2)),
        Err(QueueError::NoTicketWaiting)
    );
    // After the fallback time any desk may call it.
    assert_eq!(
        call_next(&mut q, 1, 1, t0() + Duration::minutes(15)).unwrap(),
        wants_female
    );
}

#[test]
fn same_gender_request_goes_to_any_desk_when_no_matching_staff_is_on_duty() {
    let mut q = queue();
    let req = IssueRequest {
        service: "new".into(),
        priority: Priority::Normal,
        gender_preference: Some(Gender::Female),
        channel: Channel::Kiosk,
        slot: None,
    };
    let id = run(&mut q, |q| q.plan_issue(&req, t0())).unwrap().issued[0].id;
    sign_in(&mut q, 1, 1, Gender::Male);
    assert_eq!(call_next(&mut q, 1, 1, t0()).unwrap(), id);
}

#[test]
fn desk_rules_busy_paused_and_not_signed_in() {
    let mut q = queue();
    let a = issue(&mut q, "new", Priority::Normal, t0());
    issue(&mut q, "new", Priority::Normal, t0());
    assert_eq!(
        call_next(&mut q, 1, 1, t0()),
        Err(QueueError::NotSignedIn(1))
    );
    sign_in(&mut q, 1, 1, Gender::Male);
    assert_eq!(
        q.plan_sign_in(
            1,
            OnDuty {
                staff: 2,
                gender: Gender::Male
            },
            t0()
        ),
        Err(QueueError::DeskOccupied(1))
    );
    assert_eq!(
        q.plan_sign_in(
            2,
            OnDuty {
                staff: 1,
                gender: Gender::Male
            },
            t0()
        ),
        Err(QueueError::StaffAtOtherDesk(1))
    );
    assert_eq!(call_next(&mut q, 1, 1, t0()).unwrap(), a);
    assert_eq!(call_next(&mut q, 1, 1, t0()), Err(QueueError::DeskBusy(a)));
    assert_eq!(q.plan_sign_out(1, 1), Err(QueueError::DeskBusy(a)));
    act(&mut q, a, Action::NoShow, Some(1), t0()).unwrap();
    run(&mut q, |q| q.plan_pause(1, 1, true, t0())).unwrap();
    assert_eq!(
        call_next(&mut q, 1, 1, t0()),
        Err(QueueError::DeskPaused(1))
    );
    run(&mut q, |q| q.plan_pause(1, 1, false, t0())).unwrap();
    assert!(call_next(&mut q, 1, 1, t0()).is_ok());
}

#[test]
fn a_desk_remembers_since_when_it_is_on_duty_or_on_a_break() {
    let mut q = queue();
    let at = |m: i64| t0() + Duration::minutes(m);
    let since = |q: &Queue| q.desks().find(|d| d.id == 1).unwrap().since;
    let who = OnDuty {
        staff: 1,
        gender: Gender::Female,
    };
    run(&mut q, |q| q.plan_sign_in(1, who, at(0))).unwrap();
    assert_eq!(since(&q), Some(at(0)));
    run(&mut q, |q| q.plan_sign_in(1, who, at(3))).unwrap();
    assert_eq!(since(&q), Some(at(0)), "signing in again changes nothing");
    run(&mut q, |q| q.plan_pause(1, 1, true, at(5))).unwrap();
    run(&mut q, |q| q.plan_pause(1, 1, true, at(7))).unwrap();
    assert_eq!(since(&q), Some(at(5)), "on a break since the first pause");
    run(&mut q, |q| q.plan_pause(1, 1, false, at(9))).unwrap();
    assert_eq!(since(&q), Some(at(9)));
    run(&mut q, |q| q.plan_sign_out(1, 1)).unwrap();
    assert_eq!(since(&q), None);
}

#[test]
fn referral_keeps_the_place_by_issue_time_and_carries_the_reason() {
    let mut q = queue();
    let early = issue(&mut q, "new", Priority::Normal, t0());
    let research_walk_in = issue(
        &mut q,
        "research",
        Priority::Normal,
        t0() + Duration::minutes(5),
    );
    sign_in(&mut q, 1, 1, Gender::Male);
    sign_in(&mut q, 9, 9, Gender::Female);
    call_next(&mut q, 1, 1, t0() + Duration::minutes(6)).unwrap();
    act(&mut q, early, Action::Start, Some(1), t0()).unwrap();
    assert_eq!(
        act(
            &mut q,
            early,
            Action::Refer { reason: " ".into() },
            Some(1),
            t0()
        ),
        Err(QueueError::ReasonRequired)
    );
    let change = act(
        &mut q,
        early,
        Action::Refer {
            reason: "procedure unclear".into(),
        },
        Some(1),
        t0(),
    )
    .unwrap();
    assert_eq!(
        change.history[0].detail.as_deref(),
        Some("procedure unclear")
    );
    assert_eq!(q.ticket(early).unwrap().route, Route::Research);
    // The researcher calls the referred visitor first: issued before the walk-in.
    assert_eq!(
        call_next(&mut q, 9, 9, t0() + Duration::minutes(7)).unwrap(),
        early
    );
    assert_eq!(
        act(
            &mut q,
            early,
            Action::Refer {
                reason: "again".into()
            },
            Some(9),
            t0()
        ),
        Err(QueueError::AlreadyReferred(early))
    );
    let _ = research_walk_in;
}

#[test]
fn transfer_to_a_named_desk_is_only_called_there() {
    let mut q = queue();
    let id = issue(&mut q, "new", Priority::Normal, t0());
    act(
        &mut q,
        id,
        Action::Transfer(TransferTarget::Desk(2)),
        None,
        t0(),
    )
    .unwrap();
    sign_in(&mut q, 1, 1, Gender::Male);
    sign_in(&mut q, 2, 2, Gender::Male);
    assert_eq!(
        call_next(&mut q, 1, 1, t0()),
        Err(QueueError::NoTicketWaiting)
    );
    assert_eq!(call_next(&mut q, 2, 2, t0()).unwrap(), id);
}

#[test]
fn actions_on_a_ticket_called_elsewhere_are_refused() {
    let mut q = queue();
    let id = issue(&mut q, "new", Priority::Normal, t0());
    sign_in(&mut q, 1, 1, Gender::Male);
    call_next(&mut q, 1, 1, t0()).unwrap();
    assert_eq!(
        act(&mut q, id, Action::Start, Some(2), t0()),
        Err(QueueError::NotYourDesk(id))
    );
    assert_eq!(
        act(&mut q, id, Action::Cancel, Some(2), t0()),
        Err(QueueError::NotYourDesk(id))
    );
    assert_eq!(
        act(&mut q, id, Action::Finish(Outcome::Other), Some(1), t0()),
        Err(QueueError::IllegalTransition {
            from: TicketState::Called,
            action: ActionKind::Finish
        })
    );
}

#[test]
fn rollover_expires_waiting_and_called_of_past_days_but_not_serving() {
    let mut q = queue();
    let waiting = issue(&mut q, "new", Priority::Normal, t0());
    let called = issue(&mut q, "new", Priority::Normal, t0());
    let serving = issue(&mut q, "inquiry", Priority::Normal, t0());
    sign_in(&mut q, 1, 1, Gender::Male);
    sign_in(&mut q, 2, 2, Gender::Male);
    run(&mut q, |q| {
        q.plan_call_ticket(1, 1, serving, CallAs::default(), t0())
    })
    .unwrap();
    act(&mut q, serving, Action::Start, Some(1), t0()).unwrap();
    run(&mut q, |q| {
        q.plan_call_ticket(2, 2, called, CallAs::default(), t0())
    })
    .unwrap();
    assert!(
        q.plan_rollover(t0() + Duration::hours(2)).is_none(),
        "same day: nothing to expire"
    );
    let change = q.plan_rollover(t0() + Duration::days(1)).unwrap();
    let expired: Vec<_> = change.updated.iter().map(|t| t.id).collect();
    assert_eq!(expired, [waiting, called]);
    q.apply(&change);
    assert!(q.ticket(waiting).is_none() && q.ticket(called).is_none());
    assert_eq!(q.ticket(serving).unwrap().state, TicketState::Serving);
}

#[test]
fn transition_table_matches_the_documented_table() {
    use ActionKind as A;
    use TicketState as S;
    // Written out independently of `next_state`, as ARCHITECTURE.md shows it.
    let allowed: &[(S, A, S)] = &[
        (S::Waiting, A::Call, S::Called),
        (S::Waiting, A::Transfer, S::Waiting),
        (S::Waiting, A::Cancel, S::Cancelled),
        (S::Waiting, A::Expire, S::Expired),
        (S::Called, A::Recall, S::Called),
        (S::Called, A::Start, S::Serving),
        (S::Called, A::NoShow, S::NoShow),
        (S::Called, A::ReturnToQueue, S::Waiting),
        (S::Called, A::Refer, S::Waiting),
        (S::Called, A::Transfer, S::Waiting),
        (S::Called, A::Cancel, S::Cancelled),
        (S::Called, A::Expire, S::Expired),
        (S::Serving, A::Finish, S::Done),
        (S::Serving, A::ReturnToQueue, S::Waiting),
        (S::Serving, A::Refer, S::Waiting),
        (S::Serving, A::Transfer, S::Waiting),
    ];
    for from in ALL_STATES {
        for action in ALL_ACTIONS {
            let expected = allowed
                .iter()
                .find(|(f, a, _)| *f == from && *a == action)
                .map(|(_, _, to)| *to);
            assert_eq!(
                next_state(from, action),
                expected,
                "{from:?} --{action:?}-->"
            );
        }
    }
}

// ----- labels for life, and who may touch a waiting ticket -----

fn supervisor_at(desk: Option<DeskId>) -> Actor {
    Actor {
        desk,
        staff: Some(7),
        supervisor: true,
    }
}

fn staff_at(desk: DeskId) -> Actor {
    Actor {
        desk: Some(desk),
        staff: Some(desk as StaffId),
        supervisor: false,
    }
}

#[test]
fn a_transfer_changes_the_line_never_the_label_and_numbers_stay_per_issuing_service() {
    let mut q = queue();
    let a1 = issue(&mut q, "new", Priority::Normal, t0());
    sign_in(&mut q, 1, 1, Gender::Male);
    sign_in(&mut q, 9, 9, Gender::Male);
    call_next(&mut q, 1, 1, t0()).unwrap();
    let moved = act(
        &mut q,
        a1,
        Action::Transfer(TransferTarget::Service("research".into())),
        Some(1),
        t0(),
    )
    .unwrap();
    let t = &moved.updated[0];
    assert_eq!((t.service.as_str(), t.line.as_str()), ("new", "research"));
    assert_eq!(q.label_of(t), "A-001");
    assert_eq!(moved.events[0].ticket.as_ref().unwrap().label, "A-001");
    // The research line numbers its own tickets from 1; no collision with the moved ticket.
    let d1 = issue(
        &mut q,
        "research",
        Priority::Normal,
        t0() + Duration::minutes(1),
    );
    assert_eq!(q.label_of(q.ticket(d1).unwrap()), "D-001");
    assert_eq!(
        q.people_ahead(d1),
        Some(1),
        "the moved ticket keeps its earlier place"
    );
    let a2 = issue(&mut q, "new", Priority::Normal, t0() + Duration::minutes(2));
    assert_eq!(q.label_of(q.ticket(a2).unwrap()), "A-002");
    // The research desk calls it, still as A-001.
    assert_eq!(
        call_next(&mut q, 9, 9, t0() + Duration::minutes(3)).unwrap(),
        a1
    );
    assert_eq!(q.label_of(q.ticket(a1).unwrap()), "A-001");
}

#[test]
fn only_a_desk_of_the_line_may_transfer_or_cancel_a_waiting_ticket() {
    let mut q = queue();
    let research = issue(&mut q, "research", Priority::Normal, t0());
    sign_in(&mut q, 1, 1, Gender::Male);
    // Desk 1 serves new and inquiry: it may not pull a research ticket to itself, nor cancel it.
    for action in [
        Action::Transfer(TransferTarget::Desk(1)),
        Action::Transfer(TransferTarget::Service("new".into())),
        Action::Cancel,
    ] {
        assert_eq!(
            q.plan_action_as(research, &action, staff_at(1), t0()),
            Err(QueueError::NotYourLine(research)),
            "{action:?}"
        );
    }
    // A research desk may, without any override.
    let ok = q
        .plan_action_as(
            research,
            &Action::Transfer(TransferTarget::Desk(1)),
            staff_at(9),
            t0(),
        )
        .unwrap();
    assert!(ok.overrides.is_empty());
    // A supervisor may, at no desk or at a desk of another line: the override is recorded.
    for at in [None, Some(1)] {
        let change = q
            .plan_action_as(research, &Action::Cancel, supervisor_at(at), t0())
            .unwrap();
        assert_eq!(
            change.overrides,
            [Override {
                ticket: research,
                staff: Some(7),
                desk: at,
                action: "cancel",
                rule: OverrideRule::Line,
            }]
        );
    }
    // Once transferred to desk 2, only desk 2 (of the beneficiary desks) may touch it.
    run(&mut q, |q| {
        q.plan_action_as(
            research,
            &Action::Transfer(TransferTarget::Desk(2)),
            staff_at(9),
            t0(),
        )
    })
    .unwrap();
    assert_eq!(
        q.plan_action_as(research, &Action::Cancel, staff_at(1), t0()),
        Err(QueueError::NotYourLine(research))
    );
    assert!(
        q.plan_action_as(research, &Action::Cancel, staff_at(2), t0())
            .is_ok()
    );
}

#[test]
fn a_direct_call_keeps_the_line_and_the_same_gender_request_unless_a_supervisor_overrides() {
    let mut q = queue();
    let research = issue(&mut q, "research", Priority::Normal, t0());
    let req = IssueRequest {
        service: "new".into(),
        priority: Priority::Normal,
        gender_preference: Some(Gender::Female),
        channel: Channel::Kiosk,
        slot: None,
    };
    let wants_female = run(&mut q, |q| q.plan_issue(&req, t0())).unwrap().issued[0].id;
    sign_in(&mut q, 1, 1, Gender::Male);
    sign_in(&mut q, 2, 2, Gender::Female);
    let soon = t0() + Duration::minutes(2);
    let plain = CallAs::default();
    assert_eq!(
        q.plan_call_ticket(1, 1, research, plain, soon),
        Err(QueueError::NotYourLine(research))
    );
    assert_eq!(
        q.plan_call_ticket(1, 1, wants_female, plain, soon),
        Err(QueueError::GenderPreference(wants_female))
    );
    // A staff member's override flag counts for nothing (the API refuses it with 403).
    let not_supervisor = CallAs {
        supervisor: false,
        override_gender: true,
    };
    assert_eq!(
        q.plan_call_ticket(1, 1, wants_female, not_supervisor, soon),
        Err(QueueError::GenderPreference(wants_female))
    );
    // A supervisor must ask for the gender override explicitly.
    let supervisor = CallAs {
        supervisor: true,
        override_gender: false,
    };
    assert_eq!(
        q.plan_call_ticket(1, 1, wants_female, supervisor, soon),
        Err(QueueError::GenderPreference(wants_female))
    );
    let overriding = CallAs {
        supervisor: true,
        override_gender: true,
    };
    let change = q
        .plan_call_ticket(1, 1, wants_female, overriding, soon)
        .unwrap();
    assert_eq!(
        change.overrides.iter().map(|o| o.rule).collect::<Vec<_>>(),
        [OverrideRule::Gender]
    );
    let change = q
        .plan_call_ticket(1, 1, research, supervisor, soon)
        .unwrap();
    assert_eq!(
        change.overrides.iter().map(|o| o.rule).collect::<Vec<_>>(),
        [OverrideRule::Line]
    );
    // The matching desk calls it; after the fallback time so does any desk, as with call-next.
    assert!(q.plan_call_ticket(2, 2, wants_female, plain, soon).is_ok());
    let later = t0() + Duration::minutes(15);
    let change = q
        .plan_call_ticket(1, 1, wants_female, plain, later)
        .unwrap();
    assert!(change.overrides.is_empty());
}

// ----- the line index against a full scan -----

/// A random branch: tickets in every line, state and class, desks open, paused, busy or closed.
fn random_queue() -> impl Strategy<Value = (Queue, DateTime<Utc>)> {
    let ticket = (
        0..3usize,
        0..3usize,
        0..3u8,
        0..3u8,
        0..4u8,
        0..2400i64,
        0..3usize,
        // 0-1 kiosk, 2 remote not checked in, 3 remote checked in, 4 appointment at its slot.
        0..5u8,
    );
    let desk_state = (0..3u8, 0..5u32);
    (
        proptest::collection::vec(ticket, 0..60),
        proptest::collection::vec(desk_state, 3),
        0..4u32,
        0..2700i64,
    )
        .prop_map(|(tickets, desks, streak, now_s)| {
            let classes = [Priority::Urgent, Priority::Priority, Priority::Normal];
            let prefs = [None, Some(Gender::Female), Some(Gender::Male)];
            let desk_ids = [1, 2, 9];
            let mut ds = vec![
                desk(1, DeskKind::BeneficiaryRelations, &["new", "inquiry"]),
                desk(2, DeskKind::BeneficiaryRelations, &["inquiry"]),
                desk(9, DeskKind::SocialResearch, &["research"]),
            ];
            for (d, (state, dstreak)) in ds.iter_mut().zip(desks) {
                d.on_duty = match state {
                    0 => None,
                    1 => Some(OnDuty {
                        staff: d.id as StaffId,
                        gender: Gender::Female,
                    }),
                    _ => Some(OnDuty {
                        staff: d.id as StaffId,
                        gender: Gender::Male,
                    }),
                };
                d.paused = dstreak == 4;
                d.priority_streak = dstreak;
            }
            let mut busy = std::collections::HashSet::new();
            let active = tickets
                .into_iter()
                .enumerate()
                .map(
                    |(i, (svc, line, class, pref, route, at_s, at_desk, kind))| {
                        let mut state = TicketState::Waiting;
                        let mut on_desk = None;
                        let mut route = match route {
                            0 | 1 => Route::Service,
                            2 => Route::Research,
                            _ => Route::Desk(desk_ids[at_desk]),
                        };
                        if i % 7 == 3 && busy.insert(desk_ids[at_desk]) {
                            state = TicketState::Called;
                            on_desk = Some(desk_ids[at_desk]);
                            route = Route::Service;
                        }
                        Ticket {
                            id: i as TicketId + 1,
                            service: SERVICES[svc].into(),
                            line: SERVICES[line].into(),
                            service_day: numbering::service_day(t0()),
                            number: i as u32 + 1,
                            priority: classes[class as usize],
                            gender_preference: prefs[pref as usize],
                            state,
                            route,
                            desk: on_desk,
                            issued_at: t0() + Duration::seconds(at_s),
                            called_at: None,
                            recalls: 0,
                            channel: match kind {
                                2 | 3 => Channel::Remote,
                                4 => Channel::Appointment,
                                _ => Channel::Kiosk,
                            },
                            place_at: t0() + Duration::seconds(at_s),
                            // Some slots are still to come at `now`, some have come.
                            slot: (kind == 4).then(|| t0() + Duration::seconds(at_s)),
                            awaiting_arrival: kind == 2 && state == TicketState::Waiting,
                            moved_back: u32::from(at_s % 2 == 0),
                            checked_in_at: None,
                        }
                    },
                )
                .collect();
            let policy = QueuePolicy {
                max_priority_streak: streak,
                ..QueuePolicy::default()
            };
            let services = SERVICES
                .iter()
                .zip(["A", "C", "D"])
                .map(|(c, p)| service(c, p))
                .collect();
            let q = Queue::new(policy, services, ds, active, vec![], 100);
            (q, t0() + Duration::seconds(now_s))
        })
}

/// The index gives what a walk over every active ticket gives: call-next at every desk, and the
/// people ahead of every ticket.
fn check_index_against_scan(q: &Queue, now: DateTime<Utc>) -> Result<(), TestCaseError> {
    let open: Vec<&Desk> = q.desks().filter(|d| d.is_open()).collect();
    for d in q.desks() {
        let scanned =
            routing::choose_next(d, q.active_tickets(), &open, q.policy(), now).map(|t| t.id);
        let staff = d.on_duty.map_or(0, |o| o.staff);
        match q.plan_call_next(d.id, staff, now) {
            Ok(change) => {
                prop_assert_eq!(Some(change.updated[0].id), scanned, "desk {}", d.id);
                // Every remote place not checked in that stood ahead of the called one for this
                // desk moved back or lapsed, and no other ticket changed.
                let called = q.ticket(change.updated[0].id).unwrap();
                let mut passed: Vec<TicketId> = q
                    .active_tickets()
                    .filter(|t| {
                        t.state == TicketState::Waiting
                            && t.awaiting_arrival
                            && d.can_serve(t)
                            && routing::gender_allows(d, t, &open, q.policy(), now)
                            && t.order_key() < called.order_key()
                    })
                    .map(|t| t.id)
                    .collect();
                passed.sort();
                let mut changed: Vec<TicketId> = change.updated[1..].iter().map(|t| t.id).collect();
                changed.sort();
                prop_assert_eq!(changed, passed, "desk {}: remote places passed over", d.id);
            }
            Err(QueueError::NoTicketWaiting) => prop_assert_eq!(scanned, None, "desk {}", d.id),
            Err(
                QueueError::NotSignedIn(_) | QueueError::DeskPaused(_) | QueueError::DeskBusy(_),
            ) => {}
            Err(e) => prop_assert!(false, "desk {}: {:?}", d.id, e),
        }
    }
    for t in q.active_tickets() {
        let same_line =
            |o: &Ticket| o.route == t.route && (t.route != Route::Service || o.line == t.line);
        let scanned = if t.state == TicketState::Waiting {
            q.active_tickets()
                .filter(|o| {
                    o.id != t.id
                        && o.state == TicketState::Waiting
                        && same_line(o)
                        && o.order_key() < t.order_key()
                })
                .count() as u32
        } else {
            0
        };
        prop_assert_eq!(q.people_ahead(t.id), Some(scanned), "ticket {}", t.id);
    }
    Ok(())
}

#[derive(Clone, Debug)]
enum IndexOp {
    Issue(usize, u8, u8),
    CallNext(usize),
    /// 0 return, 1 no-show, 2 cancel, 3 transfer to a service, 4 transfer to a desk, 5 refer.
    Act(usize, u8, usize),
    Wait(i64),
}

fn index_op() -> impl Strategy<Value = IndexOp> {
    prop_oneof![
        (0..3usize, 0..3u8, 0..3u8).prop_map(|(s, c, p)| IndexOp::Issue(s, c, p)),
        (0..3usize).prop_map(IndexOp::CallNext),
        (0..80usize, 0..6u8, 0..3usize).prop_map(|(t, a, x)| IndexOp::Act(t, a, x)),
        (0..600i64).prop_map(IndexOp::Wait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]
    #[test]
    fn indexed_call_next_and_people_ahead_equal_a_full_scan(
        (mut q, mut now) in random_queue(),
        ops in proptest::collection::vec(index_op(), 0..40),
    ) {
        check_index_against_scan(&q, now)?;
        let classes = [Priority::Urgent, Priority::Priority, Priority::Normal];
        let prefs = [None, Some(Gender::Female), Some(Gender::Male)];
        let desk_ids = [1, 2, 9];
        for op in ops {
            // Refusals are fine here: only what was applied must stay indexed right.
            match op {
                IndexOp::Issue(s, c, p) => {
                    let req = IssueRequest { service: SERVICES[s].into(), priority: classes[c as usize], gender_preference: prefs[p as usize], channel: Channel::Kiosk, slot: None };
                    let _ = run(&mut q, |q| q.plan_issue(&req, now));
                }
                IndexOp::CallNext(d) => {
                    let d = desk_ids[d];
                    let staff = q.desk(d).and_then(|x| x.on_duty).map_or(0, |o| o.staff);
                    let _ = run(&mut q, |q| q.plan_call_next(d, staff, now));
                }
                IndexOp::Act(i, a, x) => {
                    let mut ids: Vec<TicketId> = q.active_tickets().map(|t| t.id).collect();
                    ids.sort_unstable();
                    let Some(&id) = ids.get(i % ids.len().max(1)) else { continue };
                    let desk = q.ticket(id).and_then(|t| t.desk);
                    let action = match a {
                        0 => Action::ReturnToQueue,
                        1 => Action::NoShow,
                        2 => Action::Cancel,
                        3 => Action::Transfer(TransferTarget::Service(SERVICES[x].into())),
                        4 => Action::Transfer(TransferTarget::Desk(desk_ids[x])),
                        _ => Action::Refer { reason: "r".into() },
                    };
                    let _ = run(&mut q, |q| q.plan_action_as(id, &action, supervisor_at(desk), now));
                }
                IndexOp::Wait(s) => now += Duration::seconds(s),
            }
            check_index_against_scan(&q, now)?;
        }
    }
}

// ----- model-based property test -----

/// The reference model: a list of tickets and one rule, "lowest (class, issue order) among the
/// desk's services", with the anti-starvation and gender rules switched off.
#[derive(Clone, Debug)]
struct RefTicket {
    service: &'static str,
    priority: Priority,
    state: TicketState,
    desk: Option<DeskId>,
}

#[derive(Clone, Debug)]
enum Op {
    Issue(usize, Priority),
    CallNext(DeskId),
    Act(usize, u8),
}

const SERVICES: [&str; 3] = ["new", "inquiry", "research"];

fn desk_services(d: DeskId) -> &'static [&'static str] {
    match d {
        1 => &["new", "inquiry"],
        2 => &["inquiry"],
        _ => &["research"],
    }
}

fn op() -> impl Strategy<Value = Op> {
    let prio = prop_oneof![
        Just(Priority::Urgent),
        Just(Priority::Priority),
        Just(Priority::Normal)
    ];
    prop_oneof![
        (0..3usize, prio).prop_map(|(s, p)| Op::Issue(s, p)),
        prop_oneof![Just(1u32), Just(2), Just(9)].prop_map(Op::CallNext),
        (0..40usize, 0..6u8).prop_map(|(t, a)| Op::Act(t, a)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]
    #[test]
    fn queue_matches_the_reference_model(ops in proptest::collection::vec(op(), 1..120)) {
        let policy = QueuePolicy { max_priority_streak: u32::MAX, normal_max_wait_minutes: 0, gender_fallback_minutes: 0, ..QueuePolicy::default() };
        let mut q = Queue::new(
            policy,
            SERVICES.iter().zip(["A", "C", "D"]).map(|(c, p)| service(c, p)).collect(),
            vec![desk(1, DeskKind::BeneficiaryRelations, desk_services(1)), desk(2, DeskKind::BeneficiaryRelations, desk_services(2)), desk(9, DeskKind::SocialResearch, desk_services(9))],
            vec![], vec![], 0,
        );
        for (d, staff) in [(1, 1), (2, 2), (9, 9)] {
            run(&mut q, |q| q.plan_sign_in(d, OnDuty { staff, gender: Gender::Female }, t0())).unwrap();
        }
        let mut model: Vec<RefTicket> = vec![];
        let mut ids: Vec<TicketId> = vec![];
        let mut now = t0();
        for op in ops {
            now += Duration::seconds(1);
            match op {
                Op::Issue(s, p) => {
                    let req = IssueRequest { service: SERVICES[s].into(), priority: p, gender_preference: None, channel: Channel::Kiosk, slot: None };
                    let id = run(&mut q, |q| q.plan_issue(&req, now)).unwrap().issued[0].id;
                    ids.push(id);
                    model.push(RefTicket { service: SERVICES[s], priority: p, state: TicketState::Waiting, desk: None });
                }
                Op::CallNext(d) => {
                    let busy = model.iter().any(|t| t.desk == Some(d) && matches!(t.state, TicketState::Called | TicketState::Serving));
                    let expected = if busy { None } else {
                        model.iter().enumerate()
                            .filter(|(_, t)| t.state == TicketState::Waiting && desk_services(d).contains(&t.service))
                            .min_by_key(|(i, t)| (t.priority, *i))
                            .map(|(i, _)| i)
                    };
                    let got = run(&mut q, |q| q.plan_call_next(d, d as StaffId, now));
                    match (expected, got) {
                        (Some(i), Ok(c)) => {
                            prop_assert_eq!(c.updated[0].id, ids[i]);
                            model[i].state = TicketState::Called;
                            model[i].desk = Some(d);
                        }
                        (None, Err(QueueError::DeskBusy(_) | QueueError::NoTicketWaiting)) => {}
                        (e, g) => prop_assert!(false, "expected {:?}, got {:?}", e, g),
                    }
                }
                Op::Act(i, a) => {
                    if i >= model.len() { continue; }
                    let t = model[i].clone();
                    let (action, to) = match a {
                        0 => (Action::Start, (t.state == TicketState::Called).then_some(TicketState::Serving)),
                        1 => (Action::Finish(Outcome::Other), (t.state == TicketState::Serving).then_some(TicketState::Done)),
                        2 => (Action::NoShow, (t.state == TicketState::Called).then_some(TicketState::NoShow)),
                        3 => (Action::ReturnToQueue, matches!(t.state, TicketState::Called | TicketState::Serving).then_some(TicketState::Waiting)),
                        4 => (Action::Cancel, matches!(t.state, TicketState::Waiting | TicketState::Called).then_some(TicketState::Cancelled)),
                        _ => (Action::Recall, (t.state == TicketState::Called).then_some(TicketState::Called)),
                    };
                    let got = run(&mut q, |q| q.plan_action(ids[i], &action, t.desk, None, now));
                    match (to, got) {
                        (Some(to), Ok(c)) => {
                            prop_assert_eq!(c.updated[0].state, to);
                            model[i].state = to;
                            if to == TicketState::Waiting || !to.is_active() { model[i].desk = if to.is_active() { None } else { t.desk }; }
                        }
                        (None, Err(QueueError::IllegalTransition { .. } | QueueError::UnknownTicket(_))) => {}
                        (e, g) => prop_assert!(false, "action {:?} on {:?}: expected {:?}, got {:?}", action, t.state, e, g),
                    }
                }
            }
            // Invariants: memory agrees with the model; one visitor per desk; nothing active is lost.
            for (i, t) in model.iter().enumerate() {
                match q.ticket(ids[i]) {
                    Some(real) => { prop_assert_eq!(real.state, t.state); prop_assert!(t.state.is_active()); }
                    None => prop_assert!(!t.state.is_active()),
                }
            }
            for d in [1, 2, 9] {
                let n = q.active_tickets().filter(|t| t.desk == Some(d)).count();
                prop_assert!(n <= 1, "desk {} has {} visitors", d, n);
            }
        }
    }
}

#[test]
fn a_raised_class_moves_the_ticket_up_its_line_and_a_class_is_never_lowered() {
    let mut q = queue();
    let a = issue(&mut q, "new", Priority::Normal, t0());
    let b = issue(&mut q, "new", Priority::Normal, t0() + Duration::minutes(1));
    let c = issue(&mut q, "new", Priority::Normal, t0() + Duration::minutes(2));
    sign_in(&mut q, 1, 1, Gender::Female);
    assert_eq!(q.people_ahead(c), Some(2));
    let at_desk_1 = Actor {
        desk: Some(1),
        staff: Some(1),
        supervisor: false,
    };
    let change = run(&mut q, |q| {
        q.plan_raise_priority(c, Priority::Priority, at_desk_1, t0())
    })
    .unwrap();
    assert!(change.overrides.is_empty(), "its own line: no override");
    assert_eq!(change.events[0].kind, EventKind::Reclassed);
    // The index moved it: nobody ahead, and the others each one further back.
    assert_eq!(q.people_ahead(c), Some(0));
    assert_eq!(q.people_ahead(a), Some(1));
    let t = q.ticket(c).unwrap();
    assert_eq!(
        (t.priority, t.issued_at, q.label_of(t)),
        (
            Priority::Priority,
            t0() + Duration::minutes(2),
            "A-003".into()
        )
    );
    for lower_or_same in [Priority::Normal, Priority::Priority] {
        assert_eq!(
            q.plan_raise_priority(c, lower_or_same, at_desk_1, t0()),
            Err(QueueError::PriorityNotRaised(c))
        );
    }
    // Desk 9 does not serve "new"; a supervisor there may, as an audited override.
    let at_desk_9 = Actor {
        desk: Some(9),
        ..at_desk_1
    };
    assert_eq!(
        q.plan_raise_priority(b, Priority::Urgent, at_desk_9, t0()),
        Err(QueueError::NotYourLine(b))
    );
    let supervisor = Actor {
        supervisor: true,
        ..at_desk_9
    };
    let change = run(&mut q, |q| {
        q.plan_raise_priority(b, Priority::Urgent, supervisor, t0())
    })
    .unwrap();
    assert_eq!(change.overrides[0].rule, OverrideRule::Line);
    assert_eq!(call_next(&mut q, 1, 1, t0() + Duration::minutes(3)), Ok(b));
    assert_eq!(
        q.plan_raise_priority(b, Priority::Urgent, supervisor, t0()),
        Err(QueueError::NotWaiting(b))
    );
    assert_eq!(q.people_ahead(a), Some(1));
}

// ----- administration: new services and desks over a running queue -----

fn plan(id: DeskId, kind: DeskKind, services: &[&str]) -> DeskPlan {
    DeskPlan {
        id,
        kind,
        services: services.iter().map(|s| (*s).to_string()).collect(),
    }
}

fn running_services() -> Vec<Service> {
    vec![
        service("new", "A"),
        service("inquiry", "C"),
        service("research", "D"),
    ]
}

fn running_desks() -> Vec<DeskPlan> {
    vec![
        plan(1, DeskKind::BeneficiaryRelations, &["new", "inquiry"]),
        plan(2, DeskKind::BeneficiaryRelations, &["new", "inquiry"]),
        plan(9, DeskKind::SocialResearch, &["research"]),
    ]
}

#[test]
fn a_service_with_tickets_in_its_line_keeps_its_prefix_and_cannot_be_removed() {
    let mut q = queue();
    let id = issue(&mut q, "inquiry", Priority::Normal, t0());
    let without: Vec<Service> = running_services()
        .into_iter()
        .filter(|s| &*s.code != "inquiry")
        .collect();
    assert_eq!(
        q.check_reconfigure(&without, &running_desks()),
        Err(ReconfigureRefusal::ServiceInUse("inquiry".into()))
    );
    let mut renamed = running_services();
    renamed[1].prefix = "Q".into();
    assert_eq!(
        q.check_reconfigure(&renamed, &running_desks()),
        Err(ReconfigureRefusal::ServiceInUse("inquiry".into()))
    );
    // A longer average or a new target is fine while it is in use.
    let mut slower = running_services();
    slower[1].average_service_minutes = 30;
    assert_eq!(q.check_reconfigure(&slower, &running_desks()), Ok(()));

    act(&mut q, id, Action::Cancel, None, t0()).unwrap();
    assert_eq!(q.check_reconfigure(&renamed, &running_desks()), Ok(()));
    q.reconfigure(renamed, running_desks());
    let next = issue(&mut q, "inquiry", Priority::Normal, t0());
    assert_eq!(
        q.label_of(q.ticket(next).unwrap()),
        "Q-002",
        "numbers go on"
    );
    q.reconfigure(without, running_desks());
    let req = IssueRequest {
        service: "inquiry".into(),
        priority: Priority::Normal,
        gender_preference: None,
        channel: Channel::Kiosk,
        slot: None,
    };
    assert!(
        q.plan_issue(&req, t0()).is_err(),
        "a removed service issues nothing"
    );
}

#[test]
fn a_staffed_desk_keeps_its_kind_and_person_and_calls_from_its_new_lines() {
    let mut q = queue();
    sign_in(&mut q, 1, 5, Gender::Female);
    let asks_research = issue(&mut q, "research", Priority::Normal, t0());
    let other_kind = vec![
        plan(1, DeskKind::SocialResearch, &["research"]),
        plan(2, DeskKind::BeneficiaryRelations, &["new", "inquiry"]),
        plan(9, DeskKind::SocialResearch, &["research"]),
    ];
    assert_eq!(
        q.check_reconfigure(&running_services(), &other_kind),
        Err(ReconfigureRefusal::DeskInUse(1))
    );
    let gone = vec![
        plan(2, DeskKind::BeneficiaryRelations, &["new"]),
        plan(9, DeskKind::SocialResearch, &["research"]),
    ];
    assert_eq!(
        q.check_reconfigure(&running_services(), &gone),
        Err(ReconfigureRefusal::DeskInUse(1))
    );
    // Desk 1 also takes the research line; desk 2 is removed (nobody there); desk 3 is new.
    let wider = vec![
        plan(1, DeskKind::BeneficiaryRelations, &["research", "new"]),
        plan(3, DeskKind::BeneficiaryRelations, &["inquiry"]),
        plan(9, DeskKind::SocialResearch, &["research"]),
    ];
    assert_eq!(q.check_reconfigure(&running_services(), &wider), Ok(()));
    q.reconfigure(running_services(), wider);
    let d1 = q.desk(1).unwrap();
    assert_eq!(d1.on_duty.map(|o| o.staff), Some(5), "still signed in");
    assert!(q.desk(2).is_none());
    assert!(q.desk(3).is_some_and(|d| d.on_duty.is_none()));
    assert_eq!(call_next(&mut q, 1, 5, t0()), Ok(asks_research));
}

/// Each running desk (1, 2, 9) kept or not, with its kind or the other, and its lines; maybe a
/// new desk 3; the services kept; the first kept one renamed or not. Mostly close to what runs,
/// so that many changes pass the check.
#[allow(clippy::type_complexity)]
fn reconfiguration()
-> impl Strategy<Value = (Vec<usize>, Vec<(bool, bool, Vec<usize>)>, bool, bool)> {
    let lines = || proptest::sample::subsequence(vec![0usize, 1, 2], 0..=3);
    (
        proptest::sample::subsequence(vec![0usize, 1, 2], 0..=3),
        proptest::collection::vec(
            (
                prop::bool::weighted(0.8),
                prop::bool::weighted(0.8),
                lines(),
            ),
            3,
        ),
        any::<bool>(),
        prop::bool::weighted(0.2),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]
    /// Whatever administration asks over whatever is running: what the check lets through never
    /// leaves a ticket without its service, line or desk, nor a person without their desk and
    /// its kind; and the queue goes on working (call-next equals a full scan).
    #[test]
    fn an_accepted_reconfiguration_never_strands_a_ticket_or_a_person(
        (mut q, now) in random_queue(),
        (kept, desks, renamed, new_desk) in reconfiguration(),
    ) {
        let mut services: Vec<Service> = kept.iter().map(|&i| running_services()[i].clone()).collect();
        if renamed && let Some(s) = services.first_mut() {
            s.prefix = "Z".into();
        }
        let kept_lines = |lines: &[usize]| -> Vec<&str> {
            lines.iter().filter(|&&i| kept.contains(&i)).map(|&i| SERVICES[i]).collect()
        };
        let mut plans: Vec<DeskPlan> = Vec::new();
        for (running, (keep, same_kind, lines)) in running_desks().into_iter().zip(desks) {
            if !keep { continue; }
            let kind = match (running.kind, same_kind) {
                (k, true) => k,
                (DeskKind::SocialResearch, false) => DeskKind::BeneficiaryRelations,
                (DeskKind::BeneficiaryRelations, false) => DeskKind::SocialResearch,
            };
            plans.push(plan(running.id, kind, &kept_lines(&lines)));
        }
        if new_desk {
            plans.push(plan(3, DeskKind::BeneficiaryRelations, &kept_lines(&[0, 1])));
        }
        let before: Vec<(DeskId, DeskKind, Option<OnDuty>)> = q.desks().map(|d| (d.id, d.kind, d.on_duty)).collect();
        if q.check_reconfigure(&services, &plans).is_err() {
            return Ok(());
        }
        q.reconfigure(services, plans);
        for t in q.active_tickets() {
            prop_assert!(q.service(&t.service).is_some(), "ticket {} lost its service", t.id);
            prop_assert!(q.service(&t.line).is_some(), "ticket {} lost its line", t.id);
            if let Some(d) = t.desk { prop_assert!(q.desk(d).is_some(), "ticket {} lost desk {d}", t.id); }
            if let Route::Desk(d) = t.route { prop_assert!(q.desk(d).is_some(), "ticket {} routed to gone desk {d}", t.id); }
        }
        for (id, kind, on_duty) in before {
            if on_duty.is_some() {
                let d = q.desk(id);
                prop_assert!(d.is_some_and(|d| d.kind == kind && d.on_duty == on_duty), "desk {id} lost its person or kind");
            }
        }
        check_index_against_scan(&q, now)?;
    }
}

// ----- places made away from the room (domain::arrival) -----

fn join_remotely(q: &mut Queue, service: &str, at: DateTime<Utc>) -> TicketId {
    let req = IssueRequest::walk_in(service, Priority::Normal, Channel::Remote);
    run(q, |q| q.plan_issue(&req, at)).unwrap().issued[0].id
}

fn arrive_for_appointment(
    q: &mut Queue,
    service: &str,
    slot: DateTime<Utc>,
    at: DateTime<Utc>,
) -> TicketId {
    let req = IssueRequest {
        slot: Some(slot),
        ..IssueRequest::walk_in(service, Priority::Normal, Channel::Appointment)
    };
    run(q, |q| q.plan_issue(&req, at)).unwrap().issued[0].id
}

fn check_in(q: &mut Queue, id: TicketId, at: DateTime<Utc>) {
    run(q, |q| q.plan_check_in(id, at)).unwrap();
}

fn minutes(m: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(m)
}

#[test]
fn a_remote_place_holds_its_place_but_is_called_only_once_checked_in() {
    let mut q = queue();
    let remote = join_remotely(&mut q, "new", minutes(0));
    let walk_in = issue(&mut q, "new", Priority::Normal, minutes(5));
    assert_eq!(
        q.people_ahead(walk_in),
        Some(1),
        "the remote place is ahead"
    );
    assert_eq!(q.people_ahead(remote), Some(0));
    sign_in(&mut q, 1, 1, Gender::Female);
    let direct = q.plan_call_ticket(1, 1, remote, CallAs::default(), minutes(6));
    assert_eq!(direct, Err(QueueError::NotArrived(remote)));
    check_in(&mut q, remote, minutes(7));
    assert_eq!(
        q.plan_check_in(remote, minutes(8)),
        Err(QueueError::NotAwaitingArrival(remote)),
        "a second check-in is refused"
    );
    assert_eq!(
        call_next(&mut q, 1, 1, minutes(8)),
        Ok(remote),
        "it kept its place"
    );
}

#[test]
fn a_remote_place_passed_before_its_visitor_came_moves_back_behind_three_then_lapses() {
    let mut q = queue();
    let remote = join_remotely(&mut q, "new", minutes(0));
    let walk_ins: Vec<_> = (1..=5)
        .map(|m| issue(&mut q, "new", Priority::Normal, minutes(m)))
        .collect();
    sign_in(&mut q, 1, 1, Gender::Female);
    let change = run(&mut q, |q| q.plan_call_next(1, 1, minutes(10))).unwrap();
    assert_eq!(
        change.updated[0].id, walk_ins[0],
        "the first walk-in is called"
    );
    let moved = q.ticket(remote).unwrap();
    assert_eq!(
        (moved.moved_back, moved.place_at),
        (1, minutes(3) + Duration::microseconds(1)),
        "behind the third callable ticket (the one called counts)"
    );
    assert_eq!(change.events[1].kind, EventKind::MovedBack);
    assert_eq!(change.history[1].action, "move_back");
    assert_eq!(q.people_ahead(remote), Some(2), "walk-ins 2 and 3");
    act(&mut q, walk_ins[0], Action::NoShow, Some(1), minutes(11)).unwrap();
    // Passed over again (its visitor still not here): it lapses.
    for (i, expected) in walk_ins[1..3].iter().enumerate() {
        assert_eq!(
            call_next(&mut q, 1, 1, minutes(12 + i as i64)),
            Ok(*expected)
        );
        act(
            &mut q,
            *expected,
            Action::NoShow,
            Some(1),
            minutes(12 + i as i64),
        )
        .unwrap();
    }
    assert!(
        q.ticket(remote).is_some(),
        "not passed yet: walk-ins 2 and 3 were ahead"
    );
    let change = run(&mut q, |q| q.plan_call_next(1, 1, minutes(20))).unwrap();
    assert_eq!(change.updated[0].id, walk_ins[3]);
    assert_eq!(change.updated[1].state, TicketState::Expired);
    assert_eq!(change.history[1].action, "lapse");
    assert!(q.ticket(remote).is_none(), "lapsed");
}

#[test]
fn a_desk_with_nobody_else_to_call_moves_no_remote_place_back() {
    let mut q = queue();
    let remote = join_remotely(&mut q, "new", minutes(0));
    sign_in(&mut q, 1, 1, Gender::Female);
    for m in [10, 20, 30] {
        assert_eq!(
            call_next(&mut q, 1, 1, minutes(m)),
            Err(QueueError::NoTicketWaiting)
        );
    }
    assert_eq!(q.ticket(remote).unwrap().moved_back, 0);
    // A remote place in a line this desk does not serve is not passed by it.
    let mut q = queue();
    let elsewhere = join_remotely(&mut q, "research", minutes(0));
    issue(&mut q, "new", Priority::Normal, minutes(1));
    sign_in(&mut q, 1, 1, Gender::Female);
    call_next(&mut q, 1, 1, minutes(5)).unwrap();
    assert_eq!(q.ticket(elsewhere).unwrap().moved_back, 0);
}

#[test]
fn an_appointment_waits_for_its_slot_then_goes_after_priority_and_before_normal_walk_ins() {
    let mut q = queue();
    let early_normal = issue(&mut q, "new", Priority::Normal, minutes(0));
    let booked = arrive_for_appointment(&mut q, "new", minutes(30), minutes(20));
    let priority = issue(&mut q, "new", Priority::Priority, minutes(25));
    sign_in(&mut q, 1, 1, Gender::Female);
    sign_in(&mut q, 2, 2, Gender::Female);
    // Before its slot: the walk-in goes first although the appointment ranks above it.
    assert_eq!(call_next(&mut q, 1, 1, minutes(26)), Ok(priority));
    assert_eq!(call_next(&mut q, 2, 2, minutes(26)), Ok(early_normal));
    act(&mut q, priority, Action::NoShow, Some(1), minutes(27)).unwrap();
    assert_eq!(
        call_next(&mut q, 1, 1, minutes(29)),
        Err(QueueError::NoTicketWaiting),
        "a minute before its slot nobody is callable"
    );
    let later_priority = issue(&mut q, "new", Priority::Priority, minutes(29));
    let later_normal = issue(&mut q, "new", Priority::Normal, minutes(29));
    assert_eq!(call_next(&mut q, 1, 1, minutes(31)), Ok(later_priority));
    act(&mut q, later_priority, Action::NoShow, Some(1), minutes(31)).unwrap();
    assert_eq!(
        call_next(&mut q, 1, 1, minutes(31)),
        Ok(booked),
        "ahead of the normal walk-in"
    );
    assert_eq!(
        q.ticket(booked).unwrap().issued_at,
        minutes(20),
        "its wait starts at check-in"
    );
    assert!(q.ticket(later_normal).is_some());
}

#[test]
fn an_appointment_checked_in_after_its_grace_is_a_walk_in_from_then() {
    let mut q = queue();
    let grace = QueuePolicy::default().arrival.appointment_grace_minutes as i64;
    let walk_in = issue(&mut q, "new", Priority::Normal, minutes(35));
    let late = arrive_for_appointment(&mut q, "new", minutes(30), minutes(30 + grace));
    let t = q.ticket(late).unwrap();
    assert_eq!(
        (t.slot, t.place_at, t.rank()),
        (None, minutes(30 + grace), Rank::Normal)
    );
    assert_eq!(
        t.channel,
        Channel::Appointment,
        "still counted as an appointment"
    );
    sign_in(&mut q, 1, 1, Gender::Female);
    assert_eq!(call_next(&mut q, 1, 1, minutes(60)), Ok(walk_in));
    // One minute earlier it keeps its slot.
    let on_time = arrive_for_appointment(&mut q, "new", minutes(30), minutes(29 + grace));
    assert_eq!(q.ticket(on_time).unwrap().rank(), Rank::Appointment);
}

#[test]
fn appointments_count_toward_the_streak_so_an_old_normal_walk_in_is_not_starved() {
    let policy = QueuePolicy {
        max_priority_streak: 2,
        ..QueuePolicy::default()
    };
    let mut q = queue_with(policy);
    let old_normal = issue(&mut q, "new", Priority::Normal, minutes(0));
    let booked: Vec<_> = (1..=3)
        .map(|m| arrive_for_appointment(&mut q, "new", minutes(m), minutes(0)))
        .collect();
    sign_in(&mut q, 1, 1, Gender::Female);
    let mut order = vec![];
    for _ in 0..4 {
        let id = call_next(&mut q, 1, 1, minutes(25)).unwrap();
        order.push(id);
        act(&mut q, id, Action::NoShow, Some(1), minutes(25)).unwrap();
    }
    assert_eq!(order, [booked[0], booked[1], old_normal, booked[2]]);
}

/// Routing rule 5 for an appointment as a table (slot at minute 30, grace 10): whom call-next
/// takes first from a line holding the appointment, a normal walk-in and maybe a priority
/// ticket, by when the appointment's visitor checked in and when the desk calls.
#[test]
fn whom_a_desk_calls_first_by_when_an_appointment_checked_in_and_when_it_calls() {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Who {
        Appointment,
        WalkIn,
        PriorityTicket,
    }
    use Who::*;
    let slot = 30;
    // (what, walk-in issued at, priority issued at, appointment checked in at, call at, first)
    type Case = (&'static str, i64, Option<i64>, i64, i64, Who);
    let cases: [Case; 9] = [
        (
            "early, before its slot: not callable yet",
            5,
            None,
            15,
            29,
            WalkIn,
        ),
        (
            "early, at its slot: ahead of the walk-in",
            5,
            None,
            15,
            30,
            Appointment,
        ),
        (
            "on time, ahead of an older walk-in",
            5,
            None,
            30,
            31,
            Appointment,
        ),
        (
            "last minute of the grace: keeps its slot",
            5,
            None,
            39,
            40,
            Appointment,
        ),
        (
            "grace over: a walk-in behind an older one",
            5,
            None,
            40,
            41,
            WalkIn,
        ),
        (
            "grace over: a walk-in ahead of a newer one",
            45,
            None,
            40,
            50,
            Appointment,
        ),
        ("much later: a walk-in from then", 45, None, 90, 91, WalkIn),
        (
            "priority goes before an appointment",
            5,
            Some(35),
            30,
            36,
            PriorityTicket,
        ),
        (
            "priority before an appointment early",
            5,
            Some(20),
            15,
            30,
            PriorityTicket,
        ),
    ];
    for (what, walk_in_at, priority_at, checked_in_at, call_at, first) in cases {
        let mut q = queue();
        let walk_in = issue(&mut q, "new", Priority::Normal, minutes(walk_in_at));
        let priority = priority_at.map(|at| issue(&mut q, "new", Priority::Priority, minutes(at)));
        let booked = arrive_for_appointment(&mut q, "new", minutes(slot), minutes(checked_in_at));
        sign_in(&mut q, 1, 1, Gender::Female);
        let called = call_next(&mut q, 1, 1, minutes(call_at));
        let expected = match first {
            Appointment => booked,
            WalkIn => walk_in,
            PriorityTicket => priority.expect("a priority ticket in the case"),
        };
        assert_eq!(called, Ok(expected), "{what}");
    }
}
