//! What a ticket says, and the fixed bilingual wording around it.
//!
//! **A ticket may be lost in the street**, so [`TicketContent`] has no field for a name, ID number, phone or the
//! person's need: only the queue position and an opaque status link (none on a check-in slip). Adding such a field is a privacy decision
//! that must go through review (the oracle test destructures this struct field by field so that it fails to
//! compile when one is added).

use chrono::FixedOffset;

use crate::time::Timestamp;

/// Everything printed on a ticket. Deliberately has no field for a name, ID, phone or need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketContent {
    /// The association's name in Arabic (printed first, largest).
    pub association_name_ar: String,
    /// The association's name in English.
    pub association_name_en: String,
    /// The ticket label called out at the counter, e.g. "A-017".
    pub label: String,
    /// The service's public name in Arabic, e.g. "طلب دعم جديد".
    pub service_name_ar: String,
    /// The service's public name in English, e.g. "New support request".
    pub service_name_en: String,
    /// How many people were waiting before this ticket when the server issued it.
    pub people_ahead: u32,
    /// When the server issued the ticket. Printed in Asia/Riyadh local time.
    pub issued_at: Timestamp,
    /// The public status link, printed as a QR code. It carries an opaque token, never the ticket's
    /// database id. `None` for the slip of a visitor who checked in with the code from their phone:
    /// they follow their turn there already, so the slip has no QR code and no "scan" line.
    pub status_url: Option<String>,
}

/// Left-to-right isolate: wraps dates, labels, numbers and English inside Arabic lines so the bidi algorithm
/// does not reorder them (`2026-11-24` would otherwise print as `24-11-2026`).
pub(crate) fn ltr(text: &str) -> String {
    format!("\u{2066}{text}\u{2069}")
}

/// "Scan to follow your turn", Arabic line.
pub const SCAN_AR: &str = "امسح الرمز لمتابعة دورك";
/// "Scan to follow your turn", English line.
pub const SCAN_EN: &str = "Scan to follow your turn";
/// The privacy note, Arabic line.
pub const PRIVACY_AR: &str = "لا تحتوي هذه التذكرة على أي بيانات شخصية";
/// The privacy note, English line.
pub const PRIVACY_EN: &str = "This ticket holds no personal data";
/// Caption above the label.
pub(crate) fn label_caption() -> String {
    format!("رقم دورك  {}", ltr("Your number"))
}

/// The date and time line: `التاريخ والوقت: 2026-11-24 14:05` with the value kept left to right.
pub(crate) fn date_line(issued_at: Timestamp, zone: FixedOffset) -> String {
    format!(
        "التاريخ والوقت:  {}",
        ltr(&issued_at.format_at(zone, "%Y-%m-%d  %H:%M"))
    )
}

/// "N people ahead of you" in Arabic, with the grammatical number Arabic needs (dual, 3–10 plural, 11+
/// singular accusative).
pub(crate) fn people_ahead_ar(n: u32) -> String {
    match n {
        0 => "لا يوجد أحد قبلك".to_owned(),
        1 => "أمامك شخص واحد".to_owned(),
        2 => "أمامك شخصان".to_owned(),
        _ => {
            let noun = match n % 100 {
                3..=10 => "أشخاص",
                11..=99 => "شخصًا",
                _ => "شخص",
            };
            format!("أمامك {} {noun}", ltr(&n.to_string()))
        }
    }
}

/// "N people ahead of you" in English.
pub(crate) fn people_ahead_en(n: u32) -> String {
    match n {
        0 => "You are next".to_owned(),
        1 => "1 person ahead of you".to_owned(),
        _ => format!("{n} people ahead of you"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_is_riyadh_local_time_kept_ltr() {
        // 11:05 UTC is 14:05 in Riyadh.
        let t: Timestamp = "2026-11-24T11:05:00Z".parse().unwrap();
        let line = date_line(t, crate::time::riyadh());
        assert!(
            line.ends_with("\u{2066}2026-11-24  14:05\u{2069}"),
            "{line}"
        );
    }

    #[test]
    fn arabic_number_agreement() {
        assert_eq!(people_ahead_ar(0), "لا يوجد أحد قبلك");
        assert_eq!(people_ahead_ar(2), "أمامك شخصان");
        assert_eq!(people_ahead_ar(4), "أمامك \u{2066}4\u{2069} أشخاص");
        assert_eq!(people_ahead_ar(11), "أمامك \u{2066}11\u{2069} شخصًا");
        assert_eq!(people_ahead_ar(100), "أمامك \u{2066}100\u{2069} شخص");
        assert_eq!(people_ahead_en(1), "1 person ahead of you");
        assert_eq!(people_ahead_en(4), "4 people ahead of you");
    }
}
