//! Who is served with the `priority` class (policy: the elderly, people with a disability,
//! pregnant women). The one place this rule lives; applied when a ticket is issued.
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
}

/// The class a ticket gets: any of these needs raises `Normal` to `Priority`; a class already
/// above it (e.g. `Urgent`, for a visitor who does not feel safe) is never lowered.
pub fn class_for(requested: Priority, needs: &Needs) -> Priority {
    let needs_priority =
        needs.wheelchair || needs.elderly || needs.pregnancy || needs.named_disability;
    if needs_priority && requested == Priority::Normal {
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
}
