//! Opening hours: when the branch issues tickets. Per weekday in Riyadh time, with holidays and an
//! evening cut-off (no new tickets in the last minutes, so the queue can be served before
//! closing). Only issuing stops: staff work the remaining queue whatever the hour.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

use super::numbering::{riyadh, service_day};

/// Minutes in a day; a day may close at 24:00.
pub const DAY_MINUTES: u16 = 24 * 60;

/// How far ahead the next opening is looked for (a year of holidays and closed days).
const SEARCH_DAYS: i64 = 400;

/// One working day: open from `open` to `close`, minutes after Riyadh midnight (`open < close ≤
/// 1440`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayHours {
    pub open: u16,
    pub close: u16,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningHours {
    /// Indexed by days from Sunday (the Saudi week starts on Sunday); `None`: closed that day.
    pub week: [Option<DayHours>; 7],
    /// Closed all day, whatever the weekday (Riyadh dates).
    pub holidays: BTreeSet<NaiveDate>,
    /// No new tickets this many minutes before closing.
    pub cutoff_minutes: u16,
}

/// Whether the branch issues tickets at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opening {
    /// Tickets are issued until `issuing_until` (the cut-off; the next day's, when days run into
    /// each other); the branch closes at `closes_at`.
    Open {
        issuing_until: DateTime<Utc>,
        closes_at: DateTime<Utc>,
    },
    /// Past the evening cut-off: no new tickets; the branch closes at `closes_at`.
    Cutoff {
        closes_at: DateTime<Utc>,
        opens_at: Option<DateTime<Utc>>,
    },
    /// Closed: a closed weekday, a holiday, before opening or after closing. `opens_at` is the next
    /// opening, `None` when none comes within a year (no working day configured).
    Closed { opens_at: Option<DateTime<Utc>> },
}

impl Opening {
    pub fn issues_tickets(&self) -> bool {
        matches!(self, Opening::Open { .. })
    }

    /// When tickets are issued again (`None` while open).
    pub fn opens_at(&self) -> Option<DateTime<Utc>> {
        match *self {
            Opening::Open { .. } => None,
            Opening::Cutoff { opens_at, .. } | Opening::Closed { opens_at } => opens_at,
        }
    }

    /// When issuing next starts or stops: the kiosk checks again then.
    pub fn changes_at(&self) -> Option<DateTime<Utc>> {
        match *self {
            Opening::Open { issuing_until, .. } => Some(issuing_until),
            _ => self.opens_at(),
        }
    }
}

impl OpeningHours {
    /// Open every day, all day, no cut-off (a 24/7 branch; the tests' configuration).
    pub fn always() -> Self {
        Self {
            week: [Some(DayHours {
                open: 0,
                close: DAY_MINUTES,
            }); 7],
            holidays: BTreeSet::new(),
            cutoff_minutes: 0,
        }
    }

    /// The hours of a Riyadh date (`None`: closed all day).
    pub fn on(&self, day: NaiveDate) -> Option<DayHours> {
        if self.holidays.contains(&day) {
            return None;
        }
        self.week[day.weekday().num_days_from_sunday() as usize]
    }

    /// Whether tickets are issued at `now`, and until or from when.
    pub fn at(&self, now: DateTime<Utc>) -> Opening {
        let today = service_day(now);
        if let Some(h) = self.on(today) {
            let (open, close) = (instant(today, h.open), instant(today, h.close));
            let last_issue = close - Duration::minutes(i64::from(self.cutoff_minutes));
            if open <= now && now < last_issue {
                return Opening::Open {
                    issuing_until: self.issuing_runs_on(today, last_issue),
                    closes_at: close,
                };
            }
            if last_issue <= now && now < close {
                return Opening::Cutoff {
                    closes_at: close,
                    opens_at: self.next_opening(today),
                };
            }
            if now < open {
                return Opening::Closed {
                    opens_at: Some(open),
                };
            }
        }
        Opening::Closed {
            opens_at: self.next_opening(today),
        }
    }

    /// When issuing next starts after `now`: while open, the opening after the current stretch
    /// (so a kiosk can say it before the cut-off comes).
    pub fn opens_next(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.at(now) {
            Opening::Open { issuing_until, .. } => self.at(issuing_until).opens_at(),
            closed => closed.opens_at(),
        }
    }

    /// The first opening on a day after `day`, skipping holidays and closed days.
    fn next_opening(&self, day: NaiveDate) -> Option<DateTime<Utc>> {
        (1..=SEARCH_DAYS)
            .map(|n| day + Duration::days(n))
            .find_map(|d| self.on(d).map(|h| instant(d, h.open)))
    }

    /// A day open until midnight with no cut-off runs into a next day opening at midnight: issuing
    /// goes on (bounded, for a branch open all week).
    fn issuing_runs_on(&self, mut day: NaiveDate, mut until: DateTime<Utc>) -> DateTime<Utc> {
        for _ in 0..SEARCH_DAYS {
            let next = day + Duration::days(1);
            match self.on(next) {
                Some(h) if h.open == 0 && until == instant(next, 0) => {
                    until =
                        instant(next, h.close) - Duration::minutes(i64::from(self.cutoff_minutes));
                    day = next;
                }
                _ => break,
            }
        }
        until
    }
}

/// `minutes` after midnight of a Riyadh date, as an instant (1440 is the next midnight).
fn instant(day: NaiveDate, minutes: u16) -> DateTime<Utc> {
    let midnight = riyadh()
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight exists"))
        .single()
        .expect("a fixed offset has one midnight");
    (midnight + Duration::minutes(i64::from(minutes))).with_timezone(&Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Riyadh local time as an instant.
    fn at(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> DateTime<Utc> {
        riyadh()
            .with_ymd_and_hms(y, m, d, hh, mm, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Sunday to Thursday 08:00-16:00, cut-off 30 minutes; 2026-12-06 (a Sunday) and
    /// 2026-12-10 (a Thursday) are holidays.
    fn branch() -> OpeningHours {
        let work = Some(DayHours {
            open: 8 * 60,
            close: 16 * 60,
        });
        OpeningHours {
            week: [work, work, work, work, work, None, None],
            holidays: [day(2026, 12, 6), day(2026, 12, 10)].into(),
            cutoff_minutes: 30,
        }
    }

    #[test]
    fn issuing_follows_the_weekday_the_cutoff_and_the_holidays() {
        let h = branch();
        let open = |i, c| Opening::Open {
            issuing_until: i,
            closes_at: c,
        };
        let closed = |o| Opening::Closed { opens_at: Some(o) };
        // 2026-12-03 is a Thursday; 12-04 Friday, 12-05 Saturday, 12-06 Sunday (holiday).
        let table = [
            (
                "Thursday, open",
                at(2026, 12, 3, 8, 44),
                open(at(2026, 12, 3, 15, 30), at(2026, 12, 3, 16, 0)),
            ),
            (
                "at opening",
                at(2026, 12, 3, 8, 0),
                open(at(2026, 12, 3, 15, 30), at(2026, 12, 3, 16, 0)),
            ),
            (
                "before opening",
                at(2026, 12, 3, 7, 59),
                closed(at(2026, 12, 3, 8, 0)),
            ),
            (
                "at the cut-off, the next opening skips Friday, Saturday and the holiday",
                at(2026, 12, 3, 15, 30),
                Opening::Cutoff {
                    closes_at: at(2026, 12, 3, 16, 0),
                    opens_at: Some(at(2026, 12, 7, 8, 0)),
                },
            ),
            (
                "after closing",
                at(2026, 12, 3, 16, 0),
                closed(at(2026, 12, 7, 8, 0)),
            ),
            (
                "Friday noon",
                at(2026, 12, 4, 12, 0),
                closed(at(2026, 12, 7, 8, 0)),
            ),
            (
                "a holiday on a Sunday",
                at(2026, 12, 6, 9, 0),
                closed(at(2026, 12, 7, 8, 0)),
            ),
            (
                "Wednesday evening before a Thursday holiday",
                at(2026, 12, 9, 20, 0),
                closed(at(2026, 12, 13, 8, 0)),
            ),
            (
                "just before Riyadh midnight (21:00 UTC)",
                at(2026, 12, 7, 23, 59),
                closed(at(2026, 12, 8, 8, 0)),
            ),
        ];
        for (what, now, expected) in table {
            assert_eq!(h.at(now), expected, "{what}");
        }
        assert_eq!(
            h.opens_next(at(2026, 12, 3, 9, 0)),
            Some(at(2026, 12, 7, 8, 0))
        );
        assert_eq!(
            h.opens_next(at(2026, 12, 3, 7, 0)),
            Some(at(2026, 12, 3, 8, 0))
        );
        assert!(h.at(at(2026, 12, 3, 15, 29)).issues_tickets());
        assert!(!h.at(at(2026, 12, 3, 15, 30)).issues_tickets());
    }

    #[test]
    fn no_working_day_means_no_next_opening() {
        let h = OpeningHours {
            week: [None; 7],
            ..branch()
        };
        assert_eq!(
            h.at(at(2026, 12, 3, 10, 0)),
            Opening::Closed { opens_at: None }
        );
    }

    #[test]
    fn a_branch_open_around_the_clock_issues_without_a_break() {
        let h = OpeningHours::always();
        let o = h.at(at(2026, 12, 3, 23, 59));
        assert!(o.issues_tickets());
        // Bounded: issuing runs on over a year of midnights, never "closing" at one.
        assert!(o.changes_at().unwrap() > at(2027, 12, 1, 0, 0));
        let with_cutoff = OpeningHours {
            cutoff_minutes: 10,
            ..OpeningHours::always()
        };
        assert_eq!(
            with_cutoff.at(at(2026, 12, 3, 12, 0)).changes_at(),
            Some(at(2026, 12, 3, 23, 50))
        );
    }

    #[test]
    fn a_day_may_close_at_midnight() {
        let late = Some(DayHours {
            open: 20 * 60,
            close: DAY_MINUTES,
        });
        let h = OpeningHours {
            week: [late; 7],
            holidays: BTreeSet::new(),
            cutoff_minutes: 0,
        };
        assert_eq!(
            h.at(at(2026, 12, 3, 23, 0)),
            Opening::Open {
                issuing_until: at(2026, 12, 4, 0, 0),
                closes_at: at(2026, 12, 4, 0, 0),
            }
        );
    }
}
