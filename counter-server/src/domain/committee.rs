//! The research committee's work on registered support requests (policy 6.5): the request's
//! reference, the decision, telling the applicant, and when the console reminds staff. Pure: the
//! day is an argument.

use chrono::{Days, NaiveDate};

/// The committee's answer. "More information" keeps the request open for a later decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    Accepted,
    Rejected,
    MoreInformation,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Self::Accepted, Self::Rejected, Self::MoreInformation];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::MoreInformation => "more_information",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The committee has answered the request (accepted or rejected).
    pub fn is_final(self) -> bool {
        self != Self::MoreInformation
    }
}

/// How the applicant was told (the channels of policy section 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    Visit,
    Phone,
    Letter,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Self::Visit, Self::Phone, Self::Letter];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visit => "visit",
            Self::Phone => "phone",
            Self::Letter => "letter",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A request's reference: an opaque series of the branch (never the national ID), by the year it
/// was registered and the follow-up's number.
pub fn reference(registered: NaiveDate, follow_up: i64) -> String {
    format!("R-{}-{follow_up:05}", registered.format("%Y"))
}

/// What the console reminds staff of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    /// The earliest answer date has come and the committee has not answered.
    AnswerDue,
    /// No answer for longer than the branch's limit.
    Overdue,
    /// The committee answered and the applicant has not been told.
    TellApplicant,
}

impl Reminder {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AnswerDue => "answer_due",
            Self::Overdue => "overdue",
            Self::TellApplicant => "tell_applicant",
        }
    }
}

/// Where a request stands, as far as reminders go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestFacts {
    pub registered: NaiveDate,
    pub earliest_answer: NaiveDate,
    /// The latest decision, if any.
    pub decision: Option<Decision>,
    /// The applicant was told of the latest decision.
    pub informed: bool,
}

/// The reminder for a request on `today`; `overdue_days` counts from registration.
pub fn reminder(facts: RequestFacts, today: NaiveDate, overdue_days: u32) -> Option<Reminder> {
    match facts.decision {
        Some(d) if d.is_final() => (!facts.informed).then_some(Reminder::TellApplicant),
        _ => {
            let overdue = facts.registered + Days::new(u64::from(overdue_days));
            if today >= overdue {
                Some(Reminder::Overdue)
            } else if today >= facts.earliest_answer {
                Some(Reminder::AnswerDue)
            } else {
                None
            }
        }
    }
}

/// Still the committee's or the desk's to act on: not answered, or answered and not yet told.
pub fn is_open(facts: RequestFacts) -> bool {
    !matches!(facts.decision, Some(d) if d.is_final()) || !facts.informed
}

/// The day a request closed: the applicant was told of the committee's final answer. `None` while
/// it is open (no answer, "more information needed", or not yet told); its personal data is kept
/// until then and for the request's own retention period afterwards.
pub fn closed_on(decision: Option<Decision>, informed_on: Option<NaiveDate>) -> Option<NaiveDate> {
    match (decision, informed_on) {
        (Some(d), Some(on)) if d.is_final() => Some(on),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_closes_when_the_applicant_is_told_of_a_final_answer() {
        let told = Some(day(20));
        assert_eq!(closed_on(None, None), None);
        assert_eq!(closed_on(Some(Decision::MoreInformation), told), None);
        assert_eq!(closed_on(Some(Decision::Accepted), None), None);
        assert_eq!(closed_on(Some(Decision::Accepted), told), told);
        assert_eq!(closed_on(Some(Decision::Rejected), told), told);
    }
    use crate::domain::visit::earliest_committee_answer;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + Days::new(u64::from(d))
    }

    #[test]
    fn reminders_over_the_committees_two_weeks_and_the_branch_limit() {
        use Reminder::*;
        let registered = day(0);
        let facts = |decision, informed| RequestFacts {
            registered,
            earliest_answer: earliest_committee_answer(registered),
            decision,
            informed,
        };
        let cases = [
            (facts(None, false), 13, None),
            (facts(None, false), 14, Some(AnswerDue)),
            (facts(None, false), 29, Some(AnswerDue)),
            (facts(None, false), 30, Some(Overdue)),
            // More information asked: still the committee's, reminded the same way.
            (
                facts(Some(Decision::MoreInformation), false),
                20,
                Some(AnswerDue),
            ),
            (
                facts(Some(Decision::MoreInformation), true),
                31,
                Some(Overdue),
            ),
            // Answered: the applicant is to be told, then nothing is left.
            (
                facts(Some(Decision::Accepted), false),
                16,
                Some(TellApplicant),
            ),
            (
                facts(Some(Decision::Rejected), false),
                40,
                Some(TellApplicant),
            ),
            (facts(Some(Decision::Accepted), true), 40, None),
        ];
        for (f, d, expected) in cases {
            assert_eq!(reminder(f, day(d), 30), expected, "day {d}: {f:?}");
        }
        // Only an answered request whose applicant was told leaves the open list.
        let open: Vec<bool> = cases.iter().map(|(f, _, _)| is_open(*f)).collect();
        assert_eq!(
            open,
            [true, true, true, true, true, true, true, true, false]
        );
    }

    #[test]
    fn a_reference_names_the_year_and_a_number_only() {
        assert_eq!(reference(day(40), 17), "R-2027-00017");
        assert_eq!(
            Decision::parse("more_information"),
            Some(Decision::MoreInformation)
        );
        assert_eq!(Channel::parse("letter"), Some(Channel::Letter));
        assert_eq!(Channel::parse("sms"), None);
    }
}
