//! What the branch says while it issues no tickets, in both languages: "Closed now: we open on
//! Sunday 6 December at 08:00". Written once, so the kiosk's closed screen and the server's
//! `branch_closed` refusal say the same. Reads the Riyadh local time the server sends
//! (`2026-12-06T08:00:00+03:00`); no clock, no time-zone database.

use crate::Bi;

const DAYS: [(&str, &str); 7] = [
    ("الأحد", "Sunday"),
    ("الاثنين", "Monday"),
    ("الثلاثاء", "Tuesday"),
    ("الأربعاء", "Wednesday"),
    ("الخميس", "Thursday"),
    ("الجمعة", "Friday"),
    ("السبت", "Saturday"),
];

const MONTHS: [(&str, &str); 12] = [
    ("يناير", "January"),
    ("فبراير", "February"),
    ("مارس", "March"),
    ("أبريل", "April"),
    ("مايو", "May"),
    ("يونيو", "June"),
    ("يوليو", "July"),
    ("أغسطس", "August"),
    ("سبتمبر", "September"),
    ("أكتوبر", "October"),
    ("نوفمبر", "November"),
    ("ديسمبر", "December"),
];

/// "الأحد 6 ديسمبر الساعة 08:00" / "Sunday 6 December at 08:00" for a local time
/// `YYYY-MM-DDTHH:MM…`; `None` when it does not read as one.
pub fn opening_words(local: &str) -> Option<Bi> {
    let (date, hour, minute) = read_local(local)?;
    Some(Bi::new(
        format!("{} الساعة {hour:02}:{minute:02}", date.ar),
        format!("{} at {hour:02}:{minute:02}", date.en),
    ))
}

/// "الأحد 6 ديسمبر" / "Sunday 6 December": the date part of the same local time (the join page's
/// appointment days).
pub fn date_words(local: &str) -> Option<Bi> {
    read_local(local).map(|(date, _, _)| date)
}

/// The date's words, hour and minute of a local time `YYYY-MM-DDTHH:MM…`.
fn read_local(local: &str) -> Option<(Bi, u32, u32)> {
    let number = |from: usize, len: usize| -> Option<u32> {
        let s = local.get(from..from + len)?;
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let shape = local.as_bytes();
    if shape.len() < 16 || shape[4] != b'-' || shape[7] != b'-' || shape[13] != b':' {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute) = (number(11, 2)?, number(14, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let (day_ar, day_en) = DAYS[weekday(year, month, day)];
    let (month_ar, month_en) = MONTHS[month as usize - 1];
    let date = Bi::new(
        format!("{day_ar} {day} {month_ar}"),
        format!("{day_en} {day} {month_en}"),
    );
    Some((date, hour, minute))
}

/// "Closed now: we open on …", or only "closed now" when no opening is known.
pub fn closed_message(opens_at: Option<&str>) -> Bi {
    match opens_at.and_then(opening_words) {
        Some(when) => Bi::new(
            format!("مغلق الآن، نفتح يوم {}", when.ar),
            format!("Closed now: we open on {}", when.en),
        ),
        None => Bi::new("مغلق الآن", "Closed now"),
    }
}

/// Days from Sunday of a Gregorian date (Sakamoto's method).
fn weekday(year: u32, month: u32, day: u32) -> usize {
    const T: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    ((y + y / 4 - y / 100 + y / 400 + T[month as usize - 1] + day) % 7) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_opening_reads_with_its_weekday_in_both_languages() {
        let m = closed_message(Some("2026-12-06T08:00:00+03:00"));
        assert_eq!(m.en, "Closed now: we open on Sunday 6 December at 08:00");
        assert_eq!(m.ar, "مغلق الآن، نفتح يوم الأحد 6 ديسمبر الساعة 08:00");
        let w = opening_words("2027-02-28T07:30:00+03:00").unwrap();
        assert_eq!(w.en, "Sunday 28 February at 07:30");
        assert_eq!(
            opening_words("2028-02-29T08:00:00+03:00").unwrap().en,
            "Tuesday 29 February at 08:00"
        );
        assert_eq!(
            opening_words("2026-12-05T08:00").unwrap().en,
            "Saturday 5 December at 08:00"
        );
        let d = date_words("2026-12-08T09:30:00+03:00").unwrap();
        assert_eq!(
            (d.ar.as_str(), d.en.as_str()),
            ("الثلاثاء 8 ديسمبر", "Tuesday 8 December")
        );
        assert_eq!(
            date_words("2026-12-08"),
            None,
            "a time is part of the shape"
        );
    }

    #[test]
    fn an_unknown_or_unreadable_opening_says_only_closed() {
        for bad in [
            None,
            Some(""),
            Some("soon"),
            Some("2026-13-01T08:00"),
            Some("2026-12-06 8:00"),
        ] {
            assert_eq!(
                closed_message(bad),
                Bi::new("مغلق الآن", "Closed now"),
                "{bad:?}"
            );
        }
    }
}
