//! The rules of a visit at a desk, from the beneficiary-relations policy (step 6): who may see a
//! visitor's details and when, the checklist of the visit, and when the research committee answers.
//! Pure, like the rest of `domain`: the time and the people are arguments.

use chrono::{Days, NaiveDate};

use super::{DeskId, Outcome, Role, Ticket, TicketState};

/// The research committee answers "within a period of no less than two weeks" (policy 6.5).
pub const COMMITTEE_MIN_DAYS: u64 = 14;

/// What the policy asks the desk to do during a visit, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckItem {
    /// 6.2: the data was checked against the documents and is valid now.
    DocumentsChecked,
    /// 6.4: the applicant confirmed that the data is correct (and signed).
    DataConfirmed,
    /// 6.5: the applicant was told the committee answers in no less than two weeks.
    CommitteeTold,
}

impl CheckItem {
    pub const ALL: [CheckItem; 3] = [
        Self::DocumentsChecked,
        Self::DataConfirmed,
        Self::CommitteeTold,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DocumentsChecked => "documents_checked",
            Self::DataConfirmed => "data_confirmed",
            Self::CommitteeTold => "committee_told",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == s)
    }

    /// The policy step the item comes from, for the console and the audit trail.
    pub fn policy_step(self) -> &'static str {
        match self {
            Self::DocumentsChecked => "6.2",
            Self::DataConfirmed => "6.4",
            Self::CommitteeTold => "6.5",
        }
    }
}

/// Every item of the checklist is done: the registration can be completed (policy 6.6).
pub fn checklist_complete(done: &[CheckItem]) -> bool {
    CheckItem::ALL.iter().all(|i| done.contains(i))
}

/// The earliest day the committee's answer may be expected for a visit on `visit_day`.
pub fn earliest_committee_answer(visit_day: NaiveDate) -> NaiveDate {
    visit_day + Days::new(COMMITTEE_MIN_DAYS)
}

/// What a service's checklist asks of one document (from the configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocumentRule {
    /// Registration waits for it.
    pub required: bool,
    /// Its expiry date is recorded and must not have passed.
    pub expiry: bool,
    /// Its number is recorded.
    pub reference: bool,
}

/// What the desk recorded of one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSeen {
    /// Seen and valid; false records that it was shown but is not valid (expired, unreadable).
    pub valid: bool,
    pub expires_on: Option<NaiveDate>,
    pub has_reference: bool,
}

/// Why a document record is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentProblem {
    /// The rule asks for the expiry date of a valid document.
    ExpiryRequired,
    /// Recorded as valid, but its expiry date has passed.
    Expired,
    /// The rule asks for the document's number.
    ReferenceRequired,
}

/// Checks one record against its rule on `today` (the day of the visit).
pub fn check_document(
    rule: DocumentRule,
    seen: &DocumentSeen,
    today: NaiveDate,
) -> Result<(), DocumentProblem> {
    if !seen.valid {
        return Ok(());
    }
    if rule.expiry {
        match seen.expires_on {
            None => return Err(DocumentProblem::ExpiryRequired),
            Some(day) if day < today => return Err(DocumentProblem::Expired),
            Some(_) => {}
        }
    }
    if rule.reference && !seen.has_reference {
        return Err(DocumentProblem::ReferenceRequired);
    }
    Ok(())
}

/// Every required document is recorded valid, and none has expired since it was recorded
/// (policy 6.2): "documents checked" may be ticked.
pub fn documents_complete<'a>(
    documents: impl IntoIterator<Item = (DocumentRule, Option<&'a DocumentSeen>)>,
    today: NaiveDate,
) -> bool {
    documents.into_iter().all(|(rule, seen)| match seen {
        Some(seen) => !rule.required || (seen.valid && check_document(rule, seen, today).is_ok()),
        None => !rule.required,
    })
}

/// Whether what was ticked still holds now: the documents still satisfy the checklist (none
/// expired or was recorded not valid after the tick), and the applicant's newest confirmation
/// is of the visit's data as it is now (`confirmation::still_confirms`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StillValid {
    pub documents: bool,
    pub confirmation: bool,
}

/// What a registration (policy 6.6) still waits for, in the policy's order: the items not
/// ticked, and a ticked item again when it no longer holds (`StillValid`).
pub fn registration_missing(done: &[CheckItem], still: StillValid) -> Vec<CheckItem> {
    CheckItem::ALL
        .into_iter()
        .filter(|i| {
            !done.contains(i)
                || (*i == CheckItem::DocumentsChecked && !still.documents)
                || (*i == CheckItem::DataConfirmed && !still.confirmation)
        })
        .collect()
}

/// Only a registered support request goes to the committee and so needs a follow-up.
pub fn opens_follow_up(outcome: Outcome) -> bool {
    outcome == Outcome::SupportRequestRegistered
}

/// A staff member looking at a ticket: their role and the desk they are signed in at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub role: Role,
    pub desk: Option<DeskId>,
}

/// The visitor is at this viewer's desk right now: called to it or being served there.
pub fn at_viewers_desk(viewer: Viewer, ticket: &Ticket) -> bool {
    matches!(ticket.state, TicketState::Called | TicketState::Serving)
        && viewer.desk.is_some()
        && ticket.desk == viewer.desk
}

/// A visitor's details are visible on a desk only while that visitor is called to it or served
/// there; supervisors may always see them. Everyone else sees labels only.
pub fn may_view_visitor(viewer: Viewer, ticket: &Ticket) -> bool {
    sees_every_visit(viewer.role) || at_viewers_desk(viewer, ticket)
}

/// Supervisors may see every visit, live or finished.
fn sees_every_visit(role: Role) -> bool {
    role == Role::Supervisor
}

/// The staff member who registered a support request may open its visit again after it
/// finished (their own requests, policy 6.5): to follow the committee's answer and print the
/// request form for the paper file. Audited like any other view.
pub fn may_reopen(viewer_staff: super::StaffId, registered_by: super::StaffId) -> bool {
    viewer_staff == registered_by
}

/// Whether the committee's list offers to open a request's finished visit: to whoever registered
/// it, and to supervisors (who see every visit).
pub fn may_open_request_visit(
    role: Role,
    viewer_staff: super::StaffId,
    registered_by: super::StaffId,
) -> bool {
    sees_every_visit(role) || may_reopen(viewer_staff, registered_by)
}

/// Ticking the checklist is part of serving: only at the desk the visitor is at.
pub fn may_tick(viewer: Viewer, ticket: &Ticket) -> bool {
    at_viewers_desk(viewer, ticket)
}

/// The visitor was called but has not come to the desk yet: the checklist and finishing wait for
/// their arrival (`start`).
pub fn awaiting_arrival(ticket: &Ticket) -> bool {
    ticket.state == TicketState::Called
}

/// A national ID as the console first shows it: only its last four digits.
pub fn mask_last4(value: &str) -> String {
    let n = value.chars().count();
    value
        .chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n { '•' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::{Channel, Priority, Route};

    fn ticket(state: TicketState, desk: Option<DeskId>) -> Ticket {
        Ticket {
            id: 1,
            service: "new_request".into(),
            line: "new_request".into(),
            service_day: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            number: 1,
            priority: Priority::Normal,
            gender_preference: None,
            state,
            route: Route::Service,
            desk,
            issued_at: Utc.with_ymd_and_hms(2026, 11, 3, 6, 0, 0).unwrap(),
            called_at: None,
            recalls: 0,
            channel: Channel::Kiosk,
            place_at: Utc.with_ymd_and_hms(2026, 11, 3, 6, 0, 0).unwrap(),
            slot: None,
            awaiting_arrival: false,
            moved_back: 0,
            checked_in_at: None,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    const ID: DocumentRule = DocumentRule {
        required: true,
        expiry: true,
        reference: false,
    };
    const REPORT: DocumentRule = DocumentRule {
        required: true,
        expiry: false,
        reference: true,
    };
    const FAMILY: DocumentRule = DocumentRule {
        required: false,
        expiry: false,
        reference: false,
    };

    fn seen(valid: bool, expires_on: Option<NaiveDate>, has_reference: bool) -> DocumentSeen {
        DocumentSeen {
            valid,
            expires_on,
            has_reference,
        }
    }

    #[test]
    fn a_valid_document_needs_what_its_rule_asks_and_an_expiry_not_passed() {
        use DocumentProblem::*;
        let today = day(3);
        let cases = [
            (ID, seen(true, Some(day(3)), false), Ok(())),
            (ID, seen(true, Some(day(2)), false), Err(Expired)),
            (ID, seen(true, None, false), Err(ExpiryRequired)),
            // Shown but not valid: recorded as such, nothing else asked.
            (ID, seen(false, None, false), Ok(())),
            (REPORT, seen(true, None, true), Ok(())),
            (REPORT, seen(true, None, false), Err(ReferenceRequired)),
            (FAMILY, seen(true, None, false), Ok(())),
        ];
        for (rule, record, expected) in cases {
            assert_eq!(
                check_document(rule, &record, today),
                expected,
                "{rule:?} {record:?}"
            );
        }
    }

    #[test]
    fn documents_are_complete_when_every_required_one_is_valid_today() {
        let id_ok = seen(true, Some(day(20)), false);
        let report_ok = seen(true, None, true);
        let invalid = seen(false, None, false);
        let complete = |records: [Option<&DocumentSeen>; 3], today| {
            documents_complete([ID, REPORT, FAMILY].into_iter().zip(records), today)
        };
        assert!(complete([Some(&id_ok), Some(&report_ok), None], day(3)));
        assert!(
            !complete([Some(&id_ok), None, None], day(3)),
            "a required one missing"
        );
        assert!(
            !complete([Some(&invalid), Some(&report_ok), None], day(3)),
            "not valid"
        );
        // The ID expires between recording and registration: no longer complete.
        assert!(!complete([Some(&id_ok), Some(&report_ok), None], day(21)));
        // The optional document, even shown as not valid, does not hold registration.
        assert!(complete(
            [Some(&id_ok), Some(&report_ok), Some(&invalid)],
            day(3)
        ));
        assert!(
            documents_complete([], day(3)),
            "a service without documents"
        );
    }

    #[test]
    fn registration_waits_for_every_item_in_the_policy_order() {
        use CheckItem::*;
        let holds = StillValid {
            documents: true,
            confirmation: true,
        };
        assert_eq!(
            registration_missing(&[CommitteeTold], holds),
            vec![DocumentsChecked, DataConfirmed]
        );
        let all = [CommitteeTold, DataConfirmed, DocumentsChecked];
        assert!(registration_missing(&all, holds).is_empty());
        // Ticked, but a document has expired (or was recorded not valid) since.
        let expired = StillValid {
            documents: false,
            ..holds
        };
        assert_eq!(registration_missing(&all, expired), vec![DocumentsChecked]);
        // Confirmed, but the data was corrected since.
        let corrected = StillValid {
            confirmation: false,
            ..holds
        };
        assert_eq!(registration_missing(&all, corrected), vec![DataConfirmed]);
    }

    fn at(role: Role, desk: Option<DeskId>) -> Viewer {
        Viewer { role, desk }
    }

    #[test]
    fn details_are_visible_only_at_the_desk_the_visitor_is_called_to() {
        use TicketState::*;
        let cases = [
            // (state, ticket desk, viewer, visible)
            (Called, Some(1), at(Role::Reception, Some(1)), true),
            (Serving, Some(1), at(Role::Reception, Some(1)), true),
            (Called, Some(1), at(Role::Reception, Some(2)), false),
            (Called, Some(1), at(Role::Reception, None), false),
            (Waiting, None, at(Role::Reception, Some(1)), false),
            (Waiting, None, at(Role::Reception, None), false),
            (Done, Some(1), at(Role::Reception, Some(1)), false),
            (NoShow, Some(1), at(Role::Researcher, Some(1)), false),
            (Called, Some(4), at(Role::Researcher, Some(4)), true),
            (Waiting, None, at(Role::Supervisor, None), true),
            (Done, Some(1), at(Role::Supervisor, None), true),
            (Called, Some(1), at(Role::Admin, None), false),
        ];
        for (state, desk, viewer, visible) in cases {
            let t = ticket(state, desk);
            assert_eq!(
                may_view_visitor(viewer, &t),
                visible,
                "{state:?} at {desk:?} seen by {viewer:?}"
            );
        }
    }

    #[test]
    fn only_the_desk_serving_the_visitor_ticks_the_checklist() {
        let t = ticket(TicketState::Serving, Some(2));
        assert!(may_tick(at(Role::Reception, Some(2)), &t));
        assert!(may_tick(at(Role::Supervisor, Some(2)), &t));
        assert!(!may_tick(at(Role::Supervisor, None), &t));
        assert!(!may_tick(at(Role::Reception, Some(1)), &t));
    }

    #[test]
    fn the_committee_answers_no_sooner_than_fourteen_days_after_the_visit() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(earliest_committee_answer(day(11, 3)), day(11, 17));
        assert_eq!(
            earliest_committee_answer(day(12, 25)),
            NaiveDate::from_ymd_opt(2027, 1, 8).unwrap()
        );
        assert_eq!(earliest_committee_answer(day(2, 20)), day(3, 6));
    }

    #[test]
    fn checklist_is_complete_with_all_three_items_in_any_order() {
        use CheckItem::*;
        assert!(!checklist_complete(&[]));
        assert!(!checklist_complete(&[DocumentsChecked, CommitteeTold]));
        assert!(checklist_complete(&[
            CommitteeTold,
            DocumentsChecked,
            DataConfirmed
        ]));
        for i in CheckItem::ALL {
            assert_eq!(CheckItem::parse(i.as_str()), Some(i));
        }
        assert_eq!(CheckItem::parse("signed"), None);
    }

    #[test]
    fn only_a_registered_support_request_opens_a_follow_up() {
        assert!(opens_follow_up(Outcome::SupportRequestRegistered));
        for o in [
            Outcome::InformationGiven,
            Outcome::ReferredElsewhere,
            Outcome::Other,
        ] {
            assert!(!opens_follow_up(o));
        }
    }

    #[test]
    fn national_ids_show_only_their_last_four_digits() {
        assert_eq!(mask_last4("1234567897"), "••••••7897");
        assert_eq!(mask_last4("789"), "789");
        assert_eq!(mask_last4(""), "");
    }
}
