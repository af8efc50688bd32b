//! Which class a new ticket gets from what the visitor told the kiosk: `urgent` for a visitor who
//! does not feel safe, `priority` for the elderly, people with a disability and pregnant women
//! (policy). The one place this rule lives; applied when a ticket is issued.
//! The class is all that is kept: no display, ticket or status page says why.

use super::Priority;

/// The needs a visitor told the kiosk about (all optional, all their own choice).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    pub wheelchair: bool,
    pub elderly: bool,
    pub pregnancy: bool,
    /// A disability the visitor named in their own words.
    pub named_disability: bool,
    /// "I do not feel safe right now" (with or without details).
    pub feels_unsafe: bool,
}

/// The class a ticket gets: not feeling safe makes it `Urgent` (silently: the ticket looks like
/// any other; only the order and a supervisor's alert change); any other of these needs raises
/// `Normal` to `Priority`; a class already above is never lowered.
pub fn class_for(requested: Priority, needs: &Needs) -> Priority {
    let needs_priority =
        needs.wheelchair || needs.elderly || needs.pregnancy || needs.named_disability;
    if needs.feels_unsafe {
        Priority::Urgent
    } else if needs_priority && requested == Priority::Normal {
        Priority::Priority
    } else {
        requested
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_need_raises_normal_to_priority_and_nothing_is_lowered() {
        let none = Needs::default();
        assert_eq!(class_for(Priority::Normal, &none), Priority::Normal);
        for needs in [
            Needs {
                wheelchair: true,
                ..none.clone()
            },
            Needs {
                elderly: true,
                ..none.clone()
            },
            Needs {
                pregnancy: true,
                ..none.clone()
            },
            Needs {
                named_disability: true,
                ..none.clone()
            },
        ] {
            assert_eq!(
                class_for(Priority::Normal, &needs),
                Priority::Priority,
                "{needs:?}"
            );
            assert_eq!(class_for(Priority::Urgent, &needs), Priority::Urgent);
        }
        assert_eq!(class_for(Priority::Priority, &none), Priority::Priority);
    }

    #[test]
    fn not_feeling_safe_is_urgent_whatever_else_was_asked() {
        let unsafe_visitor = Needs {
            feels_unsafe: true,
            ..Needs::default()
        };
        for requested in [Priority::Normal, Priority::Priority, Priority::Urgent] {
            assert_eq!(class_for(requested, &unsafe_visitor), Priority::Urgent);
        }
        let with_a_need = Needs {
            elderly: true,
            ..unsafe_visitor
        };
        assert_eq!(class_for(Priority::Normal, &with_a_need), Priority::Urgent);
    }
}
