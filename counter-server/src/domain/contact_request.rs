//! A rating's "please contact me" request (issue 15): who may see it, take it and mark it
//! handled. The staff member who served the rated visit never sees it (the quality officer
//! follows it up, policy 3.6.3); a supervisor takes an open one, and its owner marks it handled
//! once, with a note.

use super::StaffId;

/// What the rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactFacts {
    /// Who finished the rated visit.
    pub served_by: Option<StaffId>,
    pub owner: Option<StaffId>,
    pub handled: bool,
}

/// Why a step is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactRefusal {
    /// The asker served the visit: for them the request does not exist.
    Hidden,
    /// Marked handled already: nothing more to do.
    Handled,
    /// Another supervisor took it.
    TakenByAnother,
}

/// What taking it changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// The asker becomes its owner.
    Now,
    /// The asker owns it already: nothing changes.
    Already,
}

/// Whether `staff` may see the request at all.
pub fn visible_to(f: ContactFacts, staff: StaffId) -> bool {
    f.served_by != Some(staff)
}

fn open_for(f: ContactFacts, staff: StaffId) -> Result<(), ContactRefusal> {
    if !visible_to(f, staff) {
        return Err(ContactRefusal::Hidden);
    }
    if f.handled {
        return Err(ContactRefusal::Handled);
    }
    match f.owner {
        Some(o) if o != staff => Err(ContactRefusal::TakenByAnother),
        _ => Ok(()),
    }
}

/// `staff` takes the request.
pub fn take(f: ContactFacts, staff: StaffId) -> Result<Take, ContactRefusal> {
    open_for(f, staff)?;
    Ok(if f.owner == Some(staff) {
        Take::Already
    } else {
        Take::Now
    })
}

/// `staff` marks it handled (taking it first if nobody had).
pub fn handle(f: ContactFacts, staff: StaffId) -> Result<(), ContactRefusal> {
    open_for(f, staff)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(served_by: i64, owner: Option<i64>, handled: bool) -> ContactFacts {
        ContactFacts {
            served_by: Some(served_by),
            owner,
            handled,
        }
    }

    #[test]
    fn the_staff_member_who_served_never_sees_takes_or_handles_it() {
        let f = facts(7, None, false);
        assert!(!visible_to(f, 7));
        assert_eq!(take(f, 7), Err(ContactRefusal::Hidden));
        assert_eq!(handle(f, 7), Err(ContactRefusal::Hidden));
        assert!(visible_to(f, 8));
    }

    #[test]
    fn one_owner_and_handled_once() {
        assert_eq!(take(facts(7, None, false), 8), Ok(Take::Now));
        assert_eq!(take(facts(7, Some(8), false), 8), Ok(Take::Already));
        assert_eq!(
            take(facts(7, Some(8), false), 9),
            Err(ContactRefusal::TakenByAnother)
        );
        assert_eq!(
            handle(facts(7, Some(8), false), 9),
            Err(ContactRefusal::TakenByAnother)
        );
        assert_eq!(handle(facts(7, None, false), 9), Ok(()));
        assert_eq!(handle(facts(7, Some(8), false), 8), Ok(()));
        assert_eq!(
            handle(facts(7, Some(8), true), 8),
            Err(ContactRefusal::Handled)
        );
        assert_eq!(
            take(facts(7, Some(8), true), 9),
            Err(ContactRefusal::Handled)
        );
    }
}
