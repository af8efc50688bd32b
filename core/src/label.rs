//! Ticket labels: the service's prefix (1–3 capital letters), a dash, the day's number with at
//! least three digits (`A-017`, `C-1234`). The server formats them; the rating kiosk parses what a
//! visitor types back into the same form.

use crate::intake::normalise_digits;

/// Longest prefix a service may have.
pub const PREFIX_MAX: usize = 3;
/// Most digits a typed label may have (numbers restart each day; four digits is a busy day).
pub const DIGITS_MAX: usize = 4;
/// Longest label sent or accepted anywhere (the server's bound on `label` fields).
pub const LABEL_MAX_CHARS: usize = 20;

/// Whether `prefix` is a valid service prefix: 1–3 capital letters A–Z.
pub fn is_prefix(prefix: &str) -> bool {
    (1..=PREFIX_MAX).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_uppercase())
}

/// The label shown to visitors and on the display board: prefix, dash, at least three digits.
pub fn format(prefix: &str, number: u32) -> String {
    format!("{prefix}-{number:03}")
}

/// "a17" / "A017" / "A-17" / "A-١٧" → "A-017"; None when it is not 1–3 letters then 1–4 digits.
pub fn parse(typed: &str) -> Option<String> {
    let s: String = normalise_digits(typed)
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .collect();
    let letters: String = s.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits = &s[letters.len()..];
    if !(1..=PREFIX_MAX).contains(&letters.len())
        || digits.is_empty()
        || digits.len() > DIGITS_MAX
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    Some(format(&letters.to_ascii_uppercase(), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_pad_to_three_digits_and_grow_past_999() {
        assert_eq!(format("B", 17), "B-017");
        assert_eq!(format("A", 1), "A-001");
        assert_eq!(format("C", 1234), "C-1234");
    }

    #[test]
    fn what_is_typed_parses_back_to_the_formatted_label() {
        for (typed, label) in [
            ("a17", "A-017"),
            ("A017", "A-017"),
            ("A-17", "A-017"),
            ("a-١٧", "A-017"),
            ("ab 5", "AB-005"),
            ("C1234", "C-1234"),
        ] {
            assert_eq!(parse(typed).as_deref(), Some(label), "{typed}");
        }
        for bad in ["", "17", "A", "ABCD1", "A12345", "A1B"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        // Every label the server formats parses back to itself.
        for n in [1, 17, 999, 1000, 9999] {
            assert_eq!(parse(&format("ABC", n)), Some(format("ABC", n)));
        }
        assert!(is_prefix("ABC") && !is_prefix("Ab") && !is_prefix("ABCD"));
    }
}
