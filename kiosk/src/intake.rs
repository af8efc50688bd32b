//! The optional intake fields: digit normalisation, national ID / iqama check, mobile number.
//!
//! Pure functions, no I/O. The server re-validates everything and is the authority; these checks
//! exist so the visitor sees a clear message while typing instead of a rejection at the end.

/// Converts Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII and drops spaces, dashes and
/// the Arabic thousands/decimal marks. Any other character is kept as is (so it fails validation).
pub fn normalise_digits(input: &str) -> String {
    input
        .chars()
        .filter(|c| {
            !matches!(
                c,
                ' ' | '-' | '\u{066C}' | '\u{066B}' | '\u{00A0}' | '\u{200F}' | '\u{200E}'
            )
        })
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            other => other,
        })
        .collect()
}

/// How a field looks while the visitor types. `Partial` is not an error yet (shown as a hint);
/// only `Empty` and `Valid` let the visitor continue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check<T> {
    Empty,
    Partial(Problem),
    Invalid(Problem),
    Valid(T),
}

impl<T> Check<T> {
    /// True when the field does not block "continue" (empty fields are fine: all are optional).
    pub fn is_acceptable(&self) -> bool {
        matches!(self, Check::Empty | Check::Valid(_))
    }
    pub fn valid(self) -> Option<T> {
        match self {
            Check::Valid(v) => Some(v),
            _ => None,
        }
    }
}

/// Why a field is not (yet) valid; the text for each is in `text.rs`, in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    IdNeedsTenDigits,
    IdFirstDigit,
    IdTooLong,
    IdCheckDigit,
    NotDigits,
    MobileIncomplete,
    MobileInvalid,
    NameTooLong,
}

/// Luhn check over a string of ASCII digits (the last digit is the check digit).
pub fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// Saudi national ID (first digit 1) or iqama (first digit 2): 10 digits, Luhn check digit.
/// Returns the ASCII digits when valid.
pub fn check_national_id(input: &str) -> Check<String> {
    let d = normalise_digits(input);
    if d.is_empty() {
        return Check::Empty;
    }
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return Check::Invalid(Problem::NotDigits);
    }
    if !matches!(d.as_bytes()[0], b'1' | b'2') {
        return Check::Invalid(Problem::IdFirstDigit);
    }
    match d.len() {
        n if n < 10 => Check::Partial(Problem::IdNeedsTenDigits),
        10 if luhn_ok(&d) => Check::Valid(d),
        10 => Check::Invalid(Problem::IdCheckDigit),
        _ => Check::Invalid(Problem::IdTooLong),
    }
}

/// Saudi mobile number, normalised to `+9665XXXXXXXX`. Accepts `05XXXXXXXX`, `5XXXXXXXX`,
/// `9665XXXXXXXX`, `009665XXXXXXXX` and `+9665XXXXXXXX`, in any digit script.
pub fn check_mobile(input: &str) -> Check<String> {
    let d = normalise_digits(input);
    if d.is_empty() {
        return Check::Empty;
    }
    let (plus, rest) = match d.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, d.as_str()),
    };
    if !rest.bytes().all(|b| b.is_ascii_digit()) {
        return Check::Invalid(Problem::NotDigits);
    }
    // The national part (9 digits starting with 5) after whichever prefix was typed.
    let national = if plus {
        match rest.strip_prefix("966") {
            Some(n) => n,
            None if "966".starts_with(rest) => return Check::Partial(Problem::MobileIncomplete),
            None => return Check::Invalid(Problem::MobileInvalid),
        }
    } else if let Some(n) = rest.strip_prefix("00966") {
        n
    } else if "00966".starts_with(rest) && rest.starts_with("00") {
        return Check::Partial(Problem::MobileIncomplete);
    } else if let Some(n) = rest.strip_prefix("966") {
        n
    } else if rest == "9" || rest == "96" {
        return Check::Partial(Problem::MobileIncomplete);
    } else if let Some(n) = rest.strip_prefix('0') {
        n
    } else {
        rest
    };
    if national.is_empty() {
        return Check::Partial(Problem::MobileIncomplete);
    }
    if !national.starts_with('5') {
        return Check::Invalid(Problem::MobileInvalid);
    }
    match national.len() {
        n if n < 9 => Check::Partial(Problem::MobileIncomplete),
        9 => Check::Valid(format!("+966{national}")),
        _ => Check::Invalid(Problem::MobileInvalid),
    }
}

/// Longest name accepted (characters, after trimming).
pub const NAME_MAX: usize = 80;

/// The name is free text; only its length is checked. Returns the trimmed name.
pub fn check_name(input: &str) -> Check<String> {
    let t = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        Check::Empty
    } else if t.chars().count() > NAME_MAX {
        Check::Invalid(Problem::NameTooLong)
    } else {
        Check::Valid(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_from_every_script() {
        assert_eq!(normalise_digits("١٢٣٤٥٦٧٨٩٠"), "1234567890");
        assert_eq!(normalise_digits("۱۲۳۴۵۶۷۸۹۰"), "1234567890");
        assert_eq!(normalise_digits("05 12-34 ٥٦٧٨"), "0512345678");
    }

    #[test]
    fn luhn_examples() {
        assert!(luhn_ok("1234567897"));
        assert!(luhn_ok("79927398713")); // the textbook Luhn example
        assert!(!luhn_ok("1234567890"));
        assert!(!luhn_ok(""));
    }

    #[test]
    fn national_ids() {
        // Valid citizen (1…) and resident (2…) numbers with correct check digits.
        for id in [
            "1234567897",
            "1000000008",
            "2000000006",
            "2345678904",
            "1111111116",
        ] {
            assert_eq!(check_national_id(id), Check::Valid(id.to_string()), "{id}");
        }
        assert_eq!(
            check_national_id("١٢٣٤٥٦٧٨٩٧"),
            Check::Valid("1234567897".into())
        );
        assert_eq!(
            check_national_id("۲۰۰۰۰۰۰۰۰۶"),
            Check::Valid("2000000006".into())
        );
        assert_eq!(check_national_id(""), Check::Empty);
        assert_eq!(
            check_national_id("12345"),
            Check::Partial(Problem::IdNeedsTenDigits)
        );
        assert_eq!(
            check_national_id("3234567897"),
            Check::Invalid(Problem::IdFirstDigit)
        );
        assert_eq!(
            check_national_id("1234567890"),
            Check::Invalid(Problem::IdCheckDigit)
        );
        assert_eq!(
            check_national_id("1234567898"),
            Check::Invalid(Problem::IdCheckDigit)
        );
        assert_eq!(
            check_national_id("12345678970"),
            Check::Invalid(Problem::IdTooLong)
        );
        assert_eq!(check_national_id("12a"), Check::Invalid(Problem::NotDigits));
    }

    #[test]
    fn mobiles() {
        let ok = Check::Valid("+966512345678".to_string());
        for m in [
            "0512345678",
            "512345678",
            "966512345678",
            "00966512345678",
            "+966512345678",
            "٠٥١٢٣٤٥٦٧٨",
            "۰۵۱۲۳۴۵۶۷۸",
        ] {
            assert_eq!(check_mobile(m), ok, "{m}");
        }
        assert_eq!(check_mobile(""), Check::Empty);
        assert_eq!(
            check_mobile("05"),
            Check::Partial(Problem::MobileIncomplete)
        );
        assert_eq!(check_mobile("0"), Check::Partial(Problem::MobileIncomplete));
        assert_eq!(
            check_mobile("009"),
            Check::Partial(Problem::MobileIncomplete)
        );
        assert_eq!(
            check_mobile("96"),
            Check::Partial(Problem::MobileIncomplete)
        );
        assert_eq!(
            check_mobile("0412345678"),
            Check::Invalid(Problem::MobileInvalid)
        );
        assert_eq!(
            check_mobile("05123456789"),
            Check::Invalid(Problem::MobileInvalid)
        );
        assert_eq!(
            check_mobile("+44512345678"),
            Check::Invalid(Problem::MobileInvalid)
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            check_name("  نورة   العتيبي "),
            Check::Valid("نورة العتيبي".into())
        );
        assert_eq!(check_name("   "), Check::Empty);
        assert_eq!(
            check_name(&"ا".repeat(81)),
            Check::Invalid(Problem::NameTooLong)
        );
    }
}
