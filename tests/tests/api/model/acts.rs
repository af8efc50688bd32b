//! The reference model's per-ticket actions (recall, start, finish, no-show, return, refer,
//! transfer, cancel): the state machine table of ARCHITECTURE.md and the rule of who may touch a
//! ticket (issue 11 item 2).

use super::actions::Op;
use super::branch::{self, Kind, Role, STAFF};
use super::routing::can_serve;
use super::spec::{Answer, Line, Spec, State};

use Answer::{Accepted, Refused};

/// Where an action leads from a state, or `None` where the table says "–".
fn next_state(from: State, op: Op) -> Option<State> {
    use State as S;
    match (from, op) {
        (S::Called, Op::Recall) => Some(S::Called),
        (S::Called, Op::Start) => Some(S::Serving),
        (S::Serving, Op::Finish) => Some(S::Done),
        (S::Called, Op::NoShow) => Some(S::NoShow),
        (S::Called | S::Serving, Op::Return | Op::Refer) => Some(S::Waiting),
        (S::Waiting | S::Called | S::Serving, Op::ToService(_) | Op::ToDesk(_)) => Some(S::Waiting),
        (S::Waiting | S::Called, Op::Cancel) => Some(S::Cancelled),
        _ => None,
    }
}

/// Actions only the desk the ticket is called to may take.
fn needs_owning_desk(op: Op) -> bool {
    matches!(
        op,
        Op::Recall | Op::Start | Op::Finish | Op::NoShow | Op::Return | Op::Refer
    )
}

pub fn act(spec: &mut Spec, who: usize, ticket: Option<usize>, op: Op) -> Answer {
    let supervisor = STAFF[who].role == Role::Supervisor;
    let mine = spec.desk_of(who);
    if mine.is_none() && !supervisor {
        return Refused(409, "not_signed_in");
    }
    let Some(i) = ticket else {
        return Refused(404, "ticket_not_found");
    };
    let t = spec.tickets[i].clone();
    // Finishing a visitor called here who has not arrived yet (issue 12).
    if op == Op::Finish && t.state == State::Called && t.desk == mine {
        return Refused(409, "not_arrived");
    }
    // A supervisor acts on a visitor at another desk as from no desk (issue 12).
    let mine = if supervisor && t.state.is_active() && t.desk.is_some() && t.desk != mine {
        None
    } else {
        mine
    };
    let Some(to) = next_state(t.state, op) else {
        return Refused(409, "illegal_transition");
    };
    let elsewhere = t.desk.is_some() && mine.is_some() && t.desk != mine;
    if (needs_owning_desk(op) && (mine.is_none() || t.desk != mine)) || elsewhere {
        return Refused(409, "not_your_desk");
    }
    // Item 2: a waiting ticket is touched only from a desk that may serve its line.
    if t.state == State::Waiting && !supervisor && !mine.is_some_and(|d| can_serve(d, t.line)) {
        return Refused(403, "not_your_line");
    }
    let line = match op {
        Op::Refer => {
            if t.line == Line::Research {
                return Refused(409, "already_referred");
            }
            // A research desk does not refer to research (issue 12).
            if mine
                .and_then(branch::desk)
                .is_some_and(|d| d.kind == Kind::Research)
            {
                return Refused(409, "refer_at_research_desk");
            }
            Line::Research
        }
        Op::ToService(s) => {
            if t.line == Line::Service(s) && t.state == State::Waiting {
                return Refused(409, "same_line");
            }
            Line::Service(s)
        }
        Op::ToDesk(d) => {
            if branch::desk(d).is_none() {
                return Refused(404, "unknown_desk");
            }
            if t.line == Line::Desk(d) && t.state == State::Waiting {
                return Refused(409, "same_line");
            }
            Line::Desk(d)
        }
        _ => t.line,
    };
    let t = &mut spec.tickets[i];
    t.state = to;
    t.line = line;
    if to == State::Waiting {
        t.desk = None;
    }
    Accepted(Some(i))
}
