//! The words of the two notices, in Arabic and English: "your turn is near" and "it is your
//! turn". Pure.
//!
//! A notice names only the ticket's label, the desk's public name (as the waiting-room board shows
//! it) and the association's or branch's name: an SMS is read on a lock screen and kept by the
//! carrier, a push message passes through the browser vendor's service, so never a name, a
//! service, a reason or anything the visitor told us. One SMS: the English text stays within 160
//! GSM characters for the demo names and a 30-character desk name (the longest a desk's name may
//! be); the Arabic one (UCS-2, 70 characters a segment) is kept as short as it reads well.

use awn_core::Lang;

/// Which notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The visitor's turn is near: come back to the branch.
    Near,
    /// The visitor is called now, at a desk.
    Called,
}

/// The desk as the waiting-room board names it: its configured name, or "المكتب 3" / "desk 3".
pub fn desk_name(lang: Lang, number: u16, name: Option<&str>) -> String {
    match name {
        Some(name) => name.to_string(),
        None => format!("{} {number}", lang.pick("المكتب", "desk")),
    }
}

/// The notice without the sender's name: a push message's body (its title is the branch's name).
/// `desk` (the desk's public name, `desk_name`) is said only when called.
pub fn body(kind: Kind, lang: Lang, label: &str, desk: Option<&str>) -> String {
    match (kind, lang, desk) {
        (Kind::Near, Lang::Ar, _) => format!("اقترب دورك، التذكرة {label}. يرجى الحضور إلى الفرع."),
        (Kind::Near, Lang::En, _) => {
            format!("Your turn is near, ticket {label}. Please come to the branch.")
        }
        (Kind::Called, Lang::Ar, Some(desk)) => format!("حان دورك، التذكرة {label}، {desk}."),
        (Kind::Called, Lang::Ar, None) => format!("حان دورك، التذكرة {label}."),
        (Kind::Called, Lang::En, Some(desk)) => format!("It is your turn, ticket {label}, {desk}."),
        (Kind::Called, Lang::En, None) => format!("It is your turn, ticket {label}."),
    }
}

/// The whole notice as an SMS says it: the sender's name first (`branch_name`), then `body`.
pub fn text(kind: Kind, lang: Lang, label: &str, desk: Option<&str>, branch_name: &str) -> String {
    format!("{branch_name}: {}", body(kind, lang, label, desk))
}

/// The SMS reminder of an appointment: the sender's name, the slot's date and time in Riyadh
/// (`when`, `awn_core::opening::opening_words`), the booking code and how to check in. Never the
/// service (its reason for coming) nor anything the visitor told us.
pub fn reminder(lang: Lang, when: &str, code: &str, branch_name: &str) -> String {
    match lang {
        Lang::Ar => format!(
            "{branch_name}: موعدك {when} بتوقيت الرياض. عند وصولك اكتب الرمز {code} في جهاز التذاكر."
        ),
        Lang::En => format!(
            "{branch_name}: Your appointment is {when}, Riyadh time. On arrival, type code {code} at the kiosk."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWN_AR: &str = "جمعية عون";
    const AWN_EN: &str = "Awn";

    #[test]
    fn each_notice_in_each_language() {
        let ar3 = desk_name(Lang::Ar, 3, None);
        let en3 = desk_name(Lang::En, 3, None);
        let cases: [(Kind, Lang, Option<&str>, &str, &str); 6] = [
            (
                Kind::Near,
                Lang::Ar,
                None,
                AWN_AR,
                "جمعية عون: اقترب دورك، التذكرة B-017. يرجى الحضور إلى الفرع.",
            ),
            (
                Kind::Near,
                Lang::En,
                None,
                AWN_EN,
                "Awn: Your turn is near, ticket B-017. Please come to the branch.",
            ),
            (
                Kind::Called,
                Lang::Ar,
                Some(&ar3),
                AWN_AR,
                "جمعية عون: حان دورك، التذكرة B-017، المكتب 3.",
            ),
            (
                Kind::Called,
                Lang::En,
                Some(&en3),
                AWN_EN,
                "Awn: It is your turn, ticket B-017, desk 3.",
            ),
            (
                Kind::Called,
                Lang::Ar,
                None,
                AWN_AR,
                "جمعية عون: حان دورك، التذكرة B-017.",
            ),
            (
                Kind::Called,
                Lang::En,
                Some("Reception"),
                AWN_EN,
                "Awn: It is your turn, ticket B-017, Reception.",
            ),
        ];
        for (kind, lang, desk, branch, want) in cases {
            assert_eq!(
                text(kind, lang, "B-017", desk, branch),
                want,
                "{kind:?} {lang:?}"
            );
        }
    }

    #[test]
    fn the_reminder_says_when_and_the_code_and_fits_one_sms_in_english() {
        let config = crate::config::Config::demo();
        // The longest date in English.
        let when = awn_core::opening::opening_words("2026-09-30T08:30:00+03:00").unwrap();
        let en = reminder(Lang::En, &when.en, "048213", &config.branch.name_en);
        assert!(en.is_ascii() && en.len() <= 160, "{} {en}", en.len());
        assert!(en.contains("Wednesday 30 September at 08:30") && en.contains("048213"));
        let ar = reminder(Lang::Ar, &when.ar, "048213", &config.branch.name_ar);
        assert!(ar.contains("048213") && ar.contains("08:30"), "{ar}");
        assert!(ar.chars().count() <= 3 * 67, "{} {ar}", ar.chars().count());
    }

    #[test]
    fn the_near_notice_says_no_desk_even_if_given_one() {
        assert_eq!(
            body(Kind::Near, Lang::En, "A-001", Some("desk 2")),
            body(Kind::Near, Lang::En, "A-001", None)
        );
    }

    #[test]
    fn a_notice_fits_one_sms_in_english_and_stays_short_in_arabic() {
        let config = crate::config::Config::demo();
        let desk = "x".repeat(30);
        for kind in [Kind::Near, Kind::Called] {
            let en = text(kind, Lang::En, "B-017", Some(&desk), &config.branch.name_en);
            assert!(en.is_ascii() && en.len() <= 160, "{} {en}", en.len());
            let ar = text(kind, Lang::Ar, "B-017", Some(&desk), &config.branch.name_ar);
            // Three UCS-2 segments of 67 (concatenated) at the most, with the demo's long name.
            assert!(ar.chars().count() <= 3 * 67, "{} {ar}", ar.chars().count());
        }
    }
}
