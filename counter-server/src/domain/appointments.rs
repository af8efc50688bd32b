//! Appointment slots and bookings: who may book which slot. Where a checked-in appointment stands
//! in line is `arrival`'s rule; this module is only about the booking.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// How far ahead a slot may be booked.
pub const BOOKING_DAYS_AHEAD: i64 = 14;

/// A slot as the booking rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub id: i64,
    pub service: String,
    pub starts_at: DateTime<Utc>,
    pub capacity: u32,
    /// Bookings not cancelled.
    pub booked: u32,
}

/// Why a slot cannot be booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingRefusal {
    /// Its time has come (or passed): join the line instead.
    Passed,
    /// Too far ahead (`BOOKING_DAYS_AHEAD`).
    TooFarAhead,
    /// Every place of it is booked.
    Full,
}

impl Slot {
    pub fn free(&self) -> u32 {
        self.capacity.saturating_sub(self.booked)
    }

    /// Whether one more booking of this slot may be made at `now`.
    pub fn check_booking(&self, now: DateTime<Utc>) -> Result<(), BookingRefusal> {
        if self.starts_at <= now {
            Err(BookingRefusal::Passed)
        } else if self.starts_at > now + Duration::days(BOOKING_DAYS_AHEAD) {
            Err(BookingRefusal::TooFarAhead)
        } else if self.free() == 0 {
            Err(BookingRefusal::Full)
        } else {
            Ok(())
        }
    }
}

/// Where a booking stands on its day, for the supervisor's board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingState {
    /// Not here yet, and the slot's grace has not ended.
    Expected,
    /// Checked in: its ticket is in line (or was served).
    Arrived,
    /// Not checked in by the end of the grace: a walk-in if the visitor still comes.
    Late,
    Cancelled,
}

impl BookingState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expected => "expected",
            Self::Arrived => "arrived",
            Self::Late => "late",
            Self::Cancelled => "cancelled",
        }
    }

    /// `grace_ends`: `ArrivalPolicy::grace_ends` of the booking's slot.
    pub fn of(
        arrived: bool,
        cancelled: bool,
        grace_ends: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        if cancelled {
            Self::Cancelled
        } else if arrived {
            Self::Arrived
        } else if now >= grace_ends {
            Self::Late
        } else {
            Self::Expected
        }
    }
}

/// Whether the visitor may still ask for a reminder of a booking: not cancelled, not checked in,
/// and its slot still ahead.
pub fn takes_reminder(
    cancelled: bool,
    arrived: bool,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    !cancelled && !arrived && starts_at > now
}

/// Whether `day` may get new slots at `today`: not in the past, within the booking window.
pub fn day_open_for_slots(day: NaiveDate, today: NaiveDate) -> bool {
    day >= today && day <= today + Duration::days(BOOKING_DAYS_AHEAD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_slot_is_booked_while_it_is_ahead_within_two_weeks_and_has_room() {
        let now = at("2026-12-08T06:00:00Z");
        let slot = |starts: &str, booked| Slot {
            id: 1,
            service: "inquiry".into(),
            starts_at: at(starts),
            capacity: 2,
            booked,
        };
        let cases = [
            ("later today, room", slot("2026-12-08T07:00:00Z", 1), Ok(())),
            (
                "full",
                slot("2026-12-08T07:00:00Z", 2),
                Err(BookingRefusal::Full),
            ),
            (
                "now",
                slot("2026-12-08T06:00:00Z", 0),
                Err(BookingRefusal::Passed),
            ),
            (
                "past",
                slot("2026-12-07T07:00:00Z", 0),
                Err(BookingRefusal::Passed),
            ),
            ("in 14 days", slot("2026-12-22T06:00:00Z", 0), Ok(())),
            (
                "in 15 days",
                slot("2026-12-23T07:00:00Z", 0),
                Err(BookingRefusal::TooFarAhead),
            ),
        ];
        for (what, s, expected) in cases {
            assert_eq!(s.check_booking(now), expected, "{what}");
        }
    }

    #[test]
    fn a_reminder_is_taken_only_for_a_booking_still_ahead() {
        let slot = at("2026-12-08T07:00:00Z");
        let cases = [
            ("ahead", false, false, "2026-12-08T06:59:00Z", true),
            ("its time", false, false, "2026-12-08T07:00:00Z", false),
            ("checked in", false, true, "2026-12-08T06:00:00Z", false),
            ("cancelled", true, false, "2026-12-08T06:00:00Z", false),
        ];
        for (what, cancelled, arrived, now, expected) in cases {
            assert_eq!(
                takes_reminder(cancelled, arrived, slot, at(now)),
                expected,
                "{what}"
            );
        }
    }

    #[test]
    fn a_booking_is_late_once_its_grace_ends_unless_it_arrived_or_was_cancelled() {
        let grace_ends =
            crate::domain::arrival::ArrivalPolicy::default().grace_ends(at("2026-12-08T07:00:00Z"));
        let cases = [
            (false, false, "2026-12-08T07:09:00Z", BookingState::Expected),
            (false, false, "2026-12-08T07:10:00Z", BookingState::Late),
            (true, false, "2026-12-08T07:30:00Z", BookingState::Arrived),
            (false, true, "2026-12-08T06:00:00Z", BookingState::Cancelled),
        ];
        for (arrived, cancelled, now, expected) in cases {
            assert_eq!(
                BookingState::of(arrived, cancelled, grace_ends, at(now)),
                expected,
                "{now}"
            );
        }
    }
}
