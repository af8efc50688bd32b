//! The sample ticket of the association, and an intake record that must never reach a ticket.

use kiosk_printer::{PaperWidth, TicketContent, Timestamp};

/// Planted in every field of [`Intake`]: must not appear in any byte or decoded text of a ticket.
pub const SENTINEL: &str = "SENTINEL-NAME-7731";

/// The status link of the sample ticket: an opaque 22-character base64url token, never a ticket id.
pub const STATUS_URL: &str = "http://192.168.1.20:8080/t/Xq3vN9cT0bLmA7RkW2pZ_e";

/// What the kiosk collects at intake (the kind of data a lost ticket must not leak).
#[allow(dead_code)] // Only its presence matters: the ticket must be built without it.
pub struct Intake {
    pub name: String,
    pub national_id: String,
    pub phone: String,
    pub need: String,
}

/// An intake record full of sentinels, as it sits in the kiosk's memory while the ticket is printed.
pub fn intake() -> Intake {
    Intake {
        name: SENTINEL.into(),
        national_id: format!("{SENTINEL}-ID"),
        phone: format!("{SENTINEL}-PHONE"),
        need: format!("{SENTINEL}-NEED"),
    }
}

/// The sample ticket (issued 2026-11-24 14:05 Riyadh time).
pub fn ticket(_intake: &Intake) -> TicketContent {
    TicketContent {
        association_name_ar: "جمعية عون لرعاية ضحايا الجريمة".into(),
        association_name_en: "Awn Association for the Care of Crime Victims".into(),
        label: "A-017".into(),
        service_name_ar: "طلب دعم جديد".into(),
        service_name_en: "New support request".into(),
        people_ahead: 4,
        issued_at: "2026-11-24T11:05:00Z".parse::<Timestamp>().unwrap(),
        status_url: Some(STATUS_URL.into()),
    }
}

pub const WIDTHS: [(PaperWidth, &str); 2] =
    [(PaperWidth::Mm80, "80mm"), (PaperWidth::Mm58, "58mm")];

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
