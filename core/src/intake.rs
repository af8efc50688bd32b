//! The optional intake fields: name, national ID / iqama, mobile number. One rule set in two forms:
//!
//! - **as you type** (`check_name`, `check_national_id`, `check_mobile`): a `Check`, where
//!   `Partial` is "not finished yet" (a hint, not an error). The kiosk shows it under the field.
//! - **strict** (`strict::name`, …): the whole value at once, for the server, which is the authority.
//!   It is the typed form where `Partial` is an error, after the same text hygiene as every field.
//!
//! So whatever the kiosk lets through, the server accepts, and the other way round.

use unicode_normalization::UnicodeNormalization;

use crate::Bi;
use crate::text::{self, TextProblem};

/// Longest name accepted, in characters after trimming. 100, the server's limit, not the kiosk's
/// former 80: a full Arabic name (given name, two or three `bin` generations, family name) or its
/// transliteration can pass 80, and the server already stored and corrected names up to 100.
pub const NAME_MAX: usize = 100;
/// Longest interpreter language (a code or a name given by staff).
pub const LANGUAGE_MAX: usize = 40;
/// Longest named disability (it only decides the ticket's class; it is not stored).
pub const DISABILITY_MAX: usize = NAME_MAX;
/// Longest raw digit field (ID or mobile) before separators are dropped.
pub const DIGITS_RAW_MAX: usize = 20;

/// Converts Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII and drops what people put between
/// digits: spaces (also no-break), dashes, parentheses, the Arabic thousands and decimal marks,
/// and the direction marks LRM/RLM/ALM. Any other character is kept (so it fails validation).
///
/// Dropping the direction marks (the kiosk's former rule; the server refused them) is right for
/// digit fields: an RTL keyboard or a copied number puts them there, the visitor cannot see them,
/// and what is kept is ASCII digits only, so nothing invisible can survive. Parentheses (the
/// server's former rule; the kiosk refused them) are dropped too: `(050) 123 4567` is how people
/// write a number, and they carry no digit.
pub fn normalise_digits(input: &str) -> String {
    input
        .chars()
        .filter(|c| {
            !matches!(
                c,
                ' ' | '-' | '(' | ')' | '\u{066C}' | '\u{066B}' | '\u{00A0}'
            ) && !text::is_direction_mark(*c)
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
    /// The strict reading: empty is "not given", anything unfinished is an error.
    pub fn strict(self) -> Result<Option<T>, Problem> {
        match self {
            Check::Empty => Ok(None),
            Check::Valid(v) => Ok(Some(v)),
            Check::Partial(p) | Check::Invalid(p) => Err(p),
        }
    }
}

/// Why a field is not (yet) valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    IdNeedsTenDigits,
    IdFirstDigit,
    IdTooLong,
    IdCheckDigit,
    IdNotDigits,
    MobileNotDigits,
    MobileIncomplete,
    MobileInvalid,
    NameTooLong,
    /// Text hygiene (a forbidden character, or a raw value far too long).
    Text(TextProblem),
}

impl Problem {
    /// The stable error code of the API.
    pub fn code(self) -> &'static str {
        use Problem::*;
        match self {
            IdNeedsTenDigits | IdFirstDigit | IdTooLong | IdCheckDigit | IdNotDigits => {
                "invalid_national_id"
            }
            MobileNotDigits | MobileIncomplete | MobileInvalid => "invalid_mobile",
            NameTooLong => "too_long",
            Text(t) => t.code(),
        }
    }

    /// What the visitor (kiosk, under the field) or the client (API error) is told.
    pub fn message(self) -> Bi {
        use Problem::*;
        let (ar, en) = match self {
            IdNeedsTenDigits => (
                "رقم الهوية أو الإقامة من ١٠ أرقام",
                "The number has 10 digits",
            ),
            IdFirstDigit => (
                "يبدأ رقم الهوية بـ 1 ورقم الإقامة بـ 2",
                "A national ID starts with 1, an iqama with 2",
            ),
            IdTooLong => (
                "الرقم أطول من ١٠ أرقام",
                "The number is longer than 10 digits",
            ),
            IdCheckDigit => (
                "هذا الرقم غير صحيح، تحقق منه أو امسحه",
                "This number is not valid: check it or clear it",
            ),
            IdNotDigits | MobileNotDigits => ("أرقام فقط", "Digits only"),
            MobileIncomplete => (
                "رقم الجوال مثل 05XXXXXXXX",
                "A mobile number like 05XXXXXXXX",
            ),
            MobileInvalid => (
                "رقم الجوال غير صحيح، يبدأ بـ 05",
                "Not a valid mobile number: it starts with 05",
            ),
            NameTooLong => ("الاسم طويل جدًا", "The name is too long"),
            Text(t) => return t.message(),
        };
        Bi::new(ar, en)
    }
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
    let d: String = normalise_digits(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if d.is_empty() {
        return Check::Empty;
    }
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return Check::Invalid(Problem::IdNotDigits);
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
    let d: String = normalise_digits(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if d.is_empty() {
        return Check::Empty;
    }
    let (plus, rest) = match d.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, d.as_str()),
    };
    if !rest.bytes().all(|b| b.is_ascii_digit()) {
        return Check::Invalid(Problem::MobileNotDigits);
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

/// The name is free text: text hygiene, NFC, runs of spaces made one, at most `NAME_MAX`
/// characters. Returns the cleaned name.
pub fn check_name(input: &str) -> Check<String> {
    if let Some(c) = input.chars().find(|c| text::is_forbidden(*c, false)) {
        return Check::Invalid(Problem::Text(TextProblem::Forbidden(c)));
    }
    let nfc: String = input.nfc().collect();
    let t = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        Check::Empty
    } else if t.chars().count() > NAME_MAX {
        Check::Invalid(Problem::NameTooLong)
    } else {
        Check::Valid(t)
    }
}

/// The strict form, for the server: the whole value at once; `Ok(None)` when blank.
pub mod strict {
    use super::*;

    pub fn name(raw: &str) -> Result<Option<String>, Problem> {
        check_name(raw).strict()
    }

    /// Hygiene for a raw digit field: the direction marks are dropped (see `normalise_digits`),
    /// every other invisible or control character is refused, and the raw value is bounded.
    fn digits_hygiene(raw: &str) -> Result<String, Problem> {
        let unmarked: String = raw
            .chars()
            .filter(|c| !text::is_direction_mark(*c))
            .collect();
        text::clean(&unmarked, DIGITS_RAW_MAX, false).map_err(Problem::Text)
    }

    pub fn national_id(raw: &str) -> Result<Option<String>, Problem> {
        check_national_id(&digits_hygiene(raw)?).strict()
    }

    pub fn mobile(raw: &str) -> Result<Option<String>, Problem> {
        check_mobile(&digits_hygiene(raw)?).strict()
    }

    /// A short optional text (interpreter language, named disability): hygiene only.
    pub fn short_text(raw: &str, max: usize) -> Result<Option<String>, Problem> {
        let v = text::clean(raw, max, false).map_err(Problem::Text)?;
        Ok((!v.is_empty()).then_some(v))
    }
}

#[cfg(test)]
mod tests;
