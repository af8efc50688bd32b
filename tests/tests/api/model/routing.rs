//! The routing rules of the reference model (ARCHITECTURE.md "Routing rules"): which lines a desk
//! calls from, the same-gender request, calling order, anti-starvation; and people ahead.

use super::branch::{
    self, GENDER_FALLBACK_MINUTES, Kind, MAX_PRIORITY_STREAK, NORMAL_MAX_WAIT_MINUTES,
    REMOTE_MOVE_BACK, STAFF,
};
use super::spec::{Line, MINUTE, Spec, State, Ticket};

/// The rank of a normal ticket: last.
pub const NORMAL: u8 = 3;

/// Rule 5's `Rank`: urgent, priority, an appointment that kept its slot, normal.
pub fn rank(t: &Ticket) -> u8 {
    match (t.class, t.slot) {
        (0, _) => 0,
        (1, _) => 1,
        (_, Some(_)) => 2,
        _ => NORMAL,
    }
}

/// Calling order within a line: rank, then place (issue time, where a phone place moved back
/// to, an appointment's slot), then issue order.
pub fn order_key(t: &Ticket, i: usize) -> (u8, i64, usize) {
    (rank(t), t.place_us, i)
}

/// Whether call-next may take a waiting ticket now: its visitor is here, and its place has come
/// (an appointment checked in early is callable from its slot).
fn callable(spec: &Spec, t: &Ticket) -> bool {
    !t.awaiting && t.place_us <= spec.now * 1_000_000
}

/// Rule 1: a desk calls from its services' lines; research desks also from the referred line;
/// a line of one named desk only there.
pub fn can_serve(desk: u32, line: Line) -> bool {
    let Some(d) = branch::desk(desk) else {
        return false;
    };
    match line {
        Line::Service(s) => d.services.contains(&s),
        Line::Research => d.kind == Kind::Research,
        Line::Desk(id) => id == desk,
    }
}

/// Minutes since its place in line (the rules' waiting time).
fn waited_minutes(spec: &Spec, t: &Ticket) -> i64 {
    ((spec.now * 1_000_000 - t.place_us) / (MINUTE * 1_000_000)).max(0)
}

/// Rule 2: a same-gender request is left by a desk of the other gender while a matching desk that
/// could call it is open and it has waited less than the fallback time.
pub fn gender_allows(spec: &Spec, desk: u32, i: usize) -> bool {
    let t = &spec.tickets[i];
    let Some(wanted) = t.same_gender else {
        return true;
    };
    let gender_at = |d: u32| {
        spec.desk(d)
            .and_then(|d| d.on_duty)
            .map(|w| STAFF[w].gender)
    };
    if gender_at(desk) == Some(wanted) || waited_minutes(spec, t) >= GENDER_FALLBACK_MINUTES {
        return true;
    }
    let a_match_is_open = spec.desks.iter().any(|d| {
        d.id != desk
            && d.on_duty.is_some()
            && !d.paused
            && gender_at(d.id) == Some(wanted)
            && can_serve(d.id, t.line)
    });
    !a_match_is_open
}

/// Rules 1–4: the ticket `desk` calls next.
pub fn choose_next(spec: &Spec, desk: u32) -> Option<usize> {
    let eligible: Vec<usize> = spec
        .waiting()
        .into_iter()
        .filter(|&i| {
            callable(spec, &spec.tickets[i])
                && can_serve(desk, spec.tickets[i].line)
                && gender_allows(spec, desk, i)
        })
        .collect();
    let best = *eligible.first()?;
    let streak = spec.desk(desk).map_or(0, |d| d.streak);
    // Rule 4: the streak defers priority and appointment tickets, never urgent ones.
    if matches!(rank(&spec.tickets[best]), 1 | 2) && streak >= MAX_PRIORITY_STREAK {
        let starving = eligible.iter().copied().find(|&i| {
            rank(&spec.tickets[i]) == NORMAL
                && waited_minutes(spec, &spec.tickets[i]) >= NORMAL_MAX_WAIT_MINUTES
        });
        if let Some(n) = starving {
            return Some(n);
        }
    }
    Some(best)
}

/// For `AWN_MODEL_STATS`: what a call-next that calls `called` at `desk` shows of the
/// appointment rule.
pub fn note_appointments(spec: &Spec, desk: u32, called: usize) {
    let others = || {
        spec.waiting().into_iter().filter(move |&i| {
            i != called && can_serve(desk, spec.tickets[i].line) && !spec.tickets[i].awaiting
        })
    };
    let c = &spec.tickets[called];
    if rank(c) == 2 && others().any(|i| rank(&spec.tickets[i]) == NORMAL) {
        super::note("appointment called ahead of a walk-in");
    }
    if rank(c) == NORMAL && others().any(|i| rank(&spec.tickets[i]) == 2) {
        super::note("walk-in called while an appointment waits (its slot ahead, or the streak)");
    }
    if c.channel == "appointment" && c.slot.is_none() {
        super::note("late appointment called as a walk-in");
    }
}

/// Rule 5: the phone places not checked in that `desk` would have called before `called`
/// (lines it serves, the same-gender rule kept, an earlier place in the calling order).
pub fn passed_over(spec: &Spec, desk: u32, called: usize) -> Vec<usize> {
    let limit = order_key(&spec.tickets[called], called);
    spec.waiting()
        .into_iter()
        .filter(|&i| {
            let t = &spec.tickets[i];
            t.awaiting
                && can_serve(desk, t.line)
                && gender_allows(spec, desk, i)
                && order_key(t, i) < limit
        })
        .collect()
}

/// Where passed-over place `p` moves: just behind the `REMOTE_MOVE_BACK`-th callable ticket
/// after it in its line and class (the one being called counts), or the last of them, or now;
/// `None` the second time: it lapses.
pub fn moved_back_place(spec: &Spec, p: usize) -> Option<i64> {
    let t = &spec.tickets[p];
    if t.moved_back >= 1 {
        return None;
    }
    let behind: Vec<i64> = spec
        .waiting()
        .into_iter()
        .filter(|&i| {
            let o = &spec.tickets[i];
            !o.awaiting
                && o.line == t.line
                && rank(o) == rank(t)
                && order_key(o, i) > order_key(t, p)
        })
        .map(|i| spec.tickets[i].place_us)
        .take(REMOTE_MOVE_BACK)
        .collect();
    Some(behind.last().copied().unwrap_or(spec.now * 1_000_000) + 1)
}

/// Waiting tickets of the same line with an earlier place (phone places not here included:
/// they hold their places).
pub fn people_ahead(spec: &Spec, i: usize) -> u32 {
    let t = &spec.tickets[i];
    if t.state != State::Waiting {
        return 0;
    }
    let n = spec
        .tickets
        .iter()
        .enumerate()
        .filter(|(j, o)| {
            *j != i
                && o.state == State::Waiting
                && o.line == t.line
                && order_key(o, *j) < order_key(t, i)
        })
        .count();
    n as u32
}
