//! Where a visitor who was not in the room when the place was made stands (issue 16, policy 3.4):
//! a place joined from the phone, and an appointment. Pure rules over plain values; `Queue`
//! applies them (not yet: this module is the first step of issue 16).
//!
//! **A remote place** keeps the time it was joined as its place in line, as a kiosk ticket keeps
//! its issue time: joining from the phone secures the place. It is callable only once checked in
//! (the entrance QR or the short code at the kiosk). When a desk's next would be a remote place
//! not checked in, the place moves back once, behind the next `remote_move_back` callable
//! tickets of its line (the visitor was told their turn is near); the second time it lapses.
//!
//! **An appointment** has a slot. Checked in before the slot, it waits for it. From the slot it is
//! called ahead of normal walk-ins but behind urgent and priority tickets (`Rank::Appointment`),
//! ordered by its slot; it counts toward a desk's priority streak like a priority ticket, so a
//! heavy appointment day cannot starve the walk-ins. Not checked in by `slot + grace`, it is
//! missed: arriving later, the visitor becomes a walk-in placed at their check-in.

use chrono::{DateTime, Duration, Utc};

use super::model::Priority;

/// How a place came to be: every channel counts in the metrics (issue 16 item 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    Kiosk,
    Reception,
    Remote,
    Appointment,
}

/// The calling class of a callable place. The derived order is the calling order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rank {
    Urgent,
    Priority,
    Appointment,
    Normal,
}

impl Rank {
    pub fn of(priority: Priority) -> Self {
        match priority {
            Priority::Urgent => Self::Urgent,
            Priority::Priority => Self::Priority,
            Priority::Normal => Self::Normal,
        }
    }

    /// Whether calling it adds to a desk's streak of non-normal calls (routing rule 4).
    pub fn counts_toward_streak(self) -> bool {
        self != Self::Normal
    }
}

/// The branch's rules for places made away from the room (set in administration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArrivalPolicy {
    /// Callable tickets a remote place not checked in moves back behind, the first time.
    pub remote_move_back: usize,
    /// Minutes after its slot an appointment not checked in keeps it.
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

/// What is known of a place, apart from the line it waits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlaceFacts {
    pub channel: Channel,
    pub priority: Priority,
    /// Issued at the kiosk or reception; joined from the phone; booked (an appointment).
    pub made_at: DateTime<Utc>,
    /// An appointment's slot.
    pub slot: Option<DateTime<Utc>>,
    /// When the visitor checked in; walk-ins are in the room from the start.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Times this remote place already moved back.
    pub moved_back: u32,
}

/// Where a place stands at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Callable: ordered by (rank, since), then id, as `Ticket::order_key`.
    Callable { rank: Rank, since: DateTime<Utc> },
    /// In the room but before its slot: callable from then.
    EarlyForSlot { slot: DateTime<Utc> },
    /// Joined from the phone and not here yet: it keeps `since` as its place.
    NotArrived { since: DateTime<Utc> },
    /// An appointment not checked in by the end of its grace: a walk-in if the visitor comes.
    Missed,
}

impl ArrivalPolicy {
    /// Where `p` stands at `now`.
    pub fn standing(&self, p: &PlaceFacts, now: DateTime<Utc>) -> Standing {
        match p.channel {
            Channel::Kiosk | Channel::Reception => Standing::Callable {
                rank: Rank::of(p.priority),
                since: p.made_at,
            },
            Channel::Remote => match p.checked_in_at {
                Some(_) => Standing::Callable {
                    rank: Rank::of(p.priority),
                    since: p.made_at,
                },
                None => Standing::NotArrived { since: p.made_at },
            },
            Channel::Appointment => {
                let slot = p.slot.unwrap_or(p.made_at);
                let grace_ends =
                    slot + Duration::minutes(i64::from(self.appointment_grace_minutes));
                match p.checked_in_at {
                    Some(at) if at >= grace_ends => Standing::Callable {
                        // Late: a walk-in from the moment they arrived.
                        rank: Rank::of(p.priority),
                        since: at,
                    },
                    Some(_) if now < slot => Standing::EarlyForSlot { slot },
                    Some(_) => Standing::Callable {
                        // Urgent and priority needs keep their class; otherwise the slot's.
                        rank: Rank::of(p.priority).min(Rank::Appointment),
                        since: slot,
                    },
                    None if now < grace_ends => Standing::NotArrived { since: slot },
                    None => Standing::Missed,
                }
            }
        }
    }

    /// A desk's next would be remote place `p`, not checked in. `behind` is the places (`since`)
    /// of the callable tickets after it in its line, in order. `MoveBack` gives its new place:
    /// just after the `remote_move_back`-th of them (or the last, or `now` if none).
    pub fn on_turn_not_arrived(
        &self,
        p: &PlaceFacts,
        behind: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> TurnNotArrived {
        if p.moved_back >= 1 {
            return TurnNotArrived::Lapse;
        }
        let after = behind
            .get(self.remote_move_back.saturating_sub(1))
            .or(behind.last())
            .copied()
            .unwrap_or(now);
        // One microsecond later: behind that ticket, ahead of the next made at the same instant.
        TurnNotArrived::MoveBack {
            since: after + Duration::microseconds(1),
        }
    }
}

/// What happens to a remote place whose turn came before its visitor did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TurnNotArrived {
    MoveBack { since: DateTime<Utc> },
    Lapse,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(hm: &str) -> DateTime<Utc> {
        format!("2026-12-08T{hm}:00Z").parse().unwrap()
    }

    fn place(channel: Channel) -> PlaceFacts {
        PlaceFacts {
            channel,
            priority: Priority::Normal,
            made_at: t("06:00"),
            slot: None,
            checked_in_at: None,
            moved_back: 0,
        }
    }

    #[test]
    fn walk_ins_and_remote_places_stand_by_when_they_were_made() {
        let policy = ArrivalPolicy::default();
        let now = t("07:00");
        let cases = [
            (
                "kiosk",
                place(Channel::Kiosk),
                Standing::Callable {
                    rank: Rank::Normal,
                    since: t("06:00"),
                },
            ),
            (
                "remote, not here",
                place(Channel::Remote),
                Standing::NotArrived { since: t("06:00") },
            ),
            (
                "remote, checked in later: keeps the place it joined",
                PlaceFacts {
                    checked_in_at: Some(t("06:50")),
                    ..place(Channel::Remote)
                },
                Standing::Callable {
                    rank: Rank::Normal,
                    since: t("06:00"),
                },
            ),
            (
                "remote, urgent",
                PlaceFacts {
                    priority: Priority::Urgent,
                    checked_in_at: Some(t("06:50")),
                    ..place(Channel::Remote)
                },
                Standing::Callable {
                    rank: Rank::Urgent,
                    since: t("06:00"),
                },
            ),
        ];
        for (what, p, expected) in cases {
            assert_eq!(policy.standing(&p, now), expected, "{what}");
        }
    }

    #[test]
    fn an_appointment_waits_for_its_slot_then_goes_ahead_of_walk_ins_until_its_grace_ends() {
        let policy = ArrivalPolicy::default();
        let booked = PlaceFacts {
            made_at: t("05:00"),
            slot: Some(t("08:00")),
            ..place(Channel::Appointment)
        };
        let here = |at: &str| PlaceFacts {
            checked_in_at: Some(t(at)),
            ..booked
        };
        let at_slot = Standing::Callable {
            rank: Rank::Appointment,
            since: t("08:00"),
        };
        let cases = [
            (
                "booked, not here, before the slot",
                booked,
                "07:30",
                Standing::NotArrived { since: t("08:00") },
            ),
            (
                "booked, not here, within the grace",
                booked,
                "08:09",
                Standing::NotArrived { since: t("08:00") },
            ),
            (
                "booked, not here, grace over",
                booked,
                "08:10",
                Standing::Missed,
            ),
            (
                "here early: waits for the slot",
                here("07:40"),
                "07:59",
                Standing::EarlyForSlot { slot: t("08:00") },
            ),
            ("here early, the slot came", here("07:40"), "08:00", at_slot),
            ("here within the grace", here("08:09"), "08:09", at_slot),
            (
                "here after the grace: a walk-in from arriving",
                here("08:10"),
                "08:30",
                Standing::Callable {
                    rank: Rank::Normal,
                    since: t("08:10"),
                },
            ),
            (
                "an urgent need keeps its class",
                PlaceFacts {
                    priority: Priority::Urgent,
                    ..here("07:40")
                },
                "08:00",
                Standing::Callable {
                    rank: Rank::Urgent,
                    since: t("08:00"),
                },
            ),
        ];
        for (what, p, now, expected) in cases {
            assert_eq!(policy.standing(&p, t(now)), expected, "{what}");
        }
    }

    #[test]
    fn appointments_call_after_urgent_and_priority_and_before_normal_walk_ins() {
        let mut ranks = [
            Rank::Normal,
            Rank::Appointment,
            Rank::Urgent,
            Rank::Priority,
        ];
        ranks.sort();
        assert_eq!(
            ranks,
            [
                Rank::Urgent,
                Rank::Priority,
                Rank::Appointment,
                Rank::Normal
            ]
        );
        assert!(Rank::Appointment.counts_toward_streak());
        assert!(!Rank::Normal.counts_toward_streak());
    }

    #[test]
    fn a_remote_place_not_here_at_its_turn_moves_back_once_then_lapses() {
        let policy = ArrivalPolicy::default();
        let p = place(Channel::Remote);
        let now = t("07:00");
        let behind = [t("06:05"), t("06:10"), t("06:20"), t("06:30")];
        let cases: [(&str, &[DateTime<Utc>], u32, TurnNotArrived); 5] = [
            (
                "behind the third",
                &behind,
                0,
                TurnNotArrived::MoveBack {
                    since: t("06:20") + Duration::microseconds(1),
                },
            ),
            (
                "fewer than three behind: after the last",
                &behind[..2],
                0,
                TurnNotArrived::MoveBack {
                    since: t("06:10") + Duration::microseconds(1),
                },
            ),
            (
                "nobody behind: from now",
                &[],
                0,
                TurnNotArrived::MoveBack {
                    since: now + Duration::microseconds(1),
                },
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
            let p = PlaceFacts { moved_back, ..p };
            assert_eq!(
                policy.on_turn_not_arrived(&p, behind, now),
                expected,
                "{what}"
            );
        }
    }
}
