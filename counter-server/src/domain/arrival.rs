//! Where a visitor who was not in the room when the place was made stands (policy 3.4): a place
//! joined from the phone, and an appointment. `Queue` applies these rules.
//!
//! **A remote place** keeps the time it was joined as its place in line, as a kiosk ticket keeps
//! its issue time: joining from the phone secures the place. It is callable only once checked in
//! (the entrance QR or the short code at the kiosk). When a desk calls someone else while a remote
//! place not checked in stood first, that place moves back once, behind the next
//! `remote_move_back` callable tickets of its line and class (the visitor was told their turn is
//! near); the second time it lapses. A desk with nobody else to call passes nobody, so it moves
//! nobody back.
//!
//! **An appointment** is a booking until the visitor checks in; the queue holds it from then.
//! Checked in before `slot + grace`, it keeps its slot: it waits for it (callable from the slot),
//! then is called ahead of normal walk-ins but behind urgent and priority tickets
//! (`Rank::Appointment`), ordered by slot, and counts toward a desk's priority streak, so a heavy
//! appointment day cannot starve the walk-ins. Checked in later, the slot is missed: the visitor
//! becomes a walk-in placed at the check-in.

use chrono::{DateTime, Duration, Utc};

/// The branch's rules for places made away from the room (set in administration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArrivalPolicy {
    /// Callable tickets a remote place not checked in moves back behind, the first time.
    pub remote_move_back: usize,
    /// Minutes after its slot an appointment may still check in and keep it.
    pub appointment_grace_minutes: u32,
}

impl Default for ArrivalPolicy {
    fn default() -> Self {
        Self {
            remote_move_back: 3,
            appointment_grace_minutes: 10,
        }
    }
}

/// Where an appointment goes in line when its visitor checks in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppointmentPlace {
    /// On time or early: it keeps the slot (callable from it, ranked as an appointment).
    Slot(DateTime<Utc>),
    /// After the grace: a walk-in from the check-in.
    WalkIn(DateTime<Utc>),
}

/// What happens to a remote place whose turn came before its visitor did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TurnNotArrived {
    /// Its new place in line.
    MoveBack {
        place_at: DateTime<Utc>,
    },
    Lapse,
}

impl ArrivalPolicy {
    /// When an appointment for `slot` stops keeping it: from then it is a walk-in (and late on
    /// the supervisor's board).
    pub fn grace_ends(&self, slot: DateTime<Utc>) -> DateTime<Utc> {
        slot + Duration::minutes(i64::from(self.appointment_grace_minutes))
    }

    /// The place of an appointment for `slot` checked in at `now`.
    pub fn appointment_place(&self, slot: DateTime<Utc>, now: DateTime<Utc>) -> AppointmentPlace {
        if now < self.grace_ends(slot) {
            AppointmentPlace::Slot(slot)
        } else {
            AppointmentPlace::WalkIn(now)
        }
    }

    /// A desk called another ticket while remote place (moved back `moved_back` times already)
    /// stood first. `behind` holds the places of the callable tickets after it in its line and
    /// class, in order (the one being called among them). Moving back puts it just after the
    /// `remote_move_back`-th of them (or the last, or `now` if none).
    pub fn on_turn_not_arrived(
        &self,
        moved_back: u32,
        behind: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> TurnNotArrived {
        if moved_back >= 1 {
            return TurnNotArrived::Lapse;
        }
        let after = behind
            .get(self.remote_move_back.saturating_sub(1))
            .or(behind.last())
            .copied()
            .unwrap_or(now);
        // One microsecond later: just behind that ticket (a ticket made in the same microsecond
        // as it, with a higher id, still stands ahead).
        TurnNotArrived::MoveBack {
            place_at: after + Duration::microseconds(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(hm: &str) -> DateTime<Utc> {
        format!("2026-12-08T{hm}:00Z").parse().unwrap()
    }

    #[test]
    fn an_appointment_keeps_its_slot_until_the_grace_ends_then_becomes_a_walk_in() {
        let policy = ArrivalPolicy::default();
        let slot = t("08:00");
        let cases = [
            (
                "early: waits for the slot",
                "07:40",
                AppointmentPlace::Slot(slot),
            ),
            ("on time", "08:00", AppointmentPlace::Slot(slot)),
            ("within the grace", "08:09", AppointmentPlace::Slot(slot)),
            (
                "grace over: a walk-in from now",
                "08:10",
                AppointmentPlace::WalkIn(t("08:10")),
            ),
            ("much later", "11:00", AppointmentPlace::WalkIn(t("11:00"))),
        ];
        for (what, now, expected) in cases {
            assert_eq!(policy.appointment_place(slot, t(now)), expected, "{what}");
        }
    }

    #[test]
    fn a_remote_place_not_here_at_its_turn_moves_back_once_then_lapses() {
        let policy = ArrivalPolicy::default();
        let now = t("07:00");
        let behind = [t("06:05"), t("06:10"), t("06:20"), t("06:30")];
        let us = Duration::microseconds(1);
        let cases: [(&str, &[DateTime<Utc>], u32, TurnNotArrived); 5] = [
            (
                "behind the third",
                &behind,
                0,
                TurnNotArrived::MoveBack {
                    place_at: t("06:20") + us,
                },
            ),
            (
                "fewer than three behind: after the last",
                &behind[..2],
                0,
                TurnNotArrived::MoveBack {
                    place_at: t("06:10") + us,
                },
            ),
            (
                "nobody behind: from now",
                &[],
                0,
                TurnNotArrived::MoveBack { place_at: now + us },
            ),
            (
                "moved back already: lapses",
                &behind,
                1,
                TurnNotArrived::Lapse,
            ),
            ("and stays lapsed", &[], 2, TurnNotArrived::Lapse),
        ];
        for (what, behind, moved_back, expected) in cases {
            assert_eq!(
                policy.on_turn_not_arrived(moved_back, behind, now),
                expected,
                "{what}"
            );
        }
    }
}
