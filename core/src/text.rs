//! Text hygiene for every free-text field a client sends.
//!
//! Normalised to NFC and trimmed; refused when it holds control characters (an escaped NUL arrives
//! as U+0000), bidirectional overrides, embeddings or isolates (U+202A–U+202E, U+2066–U+2069; they
//! can make a name display as something else), or zero-width and other invisible format characters.
//! Length is counted in characters, after normalisation.

use unicode_normalization::UnicodeNormalization;

use crate::Bi;

/// Why a text cannot be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    /// The first character that is not allowed.
    Forbidden(char),
    /// Longer than `max` characters (`len` after normalisation).
    TooLong { max: usize, len: usize },
    /// Blank where a value is required.
    Required,
}

impl TextProblem {
    /// The stable error code of the API.
    pub fn code(self) -> &'static str {
        match self {
            TextProblem::Forbidden(_) => "invalid_characters",
            TextProblem::TooLong { .. } => "too_long",
            TextProblem::Required => "required",
        }
    }

    pub fn message(self) -> Bi {
        match self {
            TextProblem::Forbidden(c) => Bi::new(
                format!("يحتوي الحقل على رمز غير مسموح به (U+{:04X})", c as u32),
                format!(
                    "The field contains a character that is not allowed (U+{:04X})",
                    c as u32
                ),
            ),
            TextProblem::TooLong { max, len } => Bi::new(
                format!("النص أطول من الحد المسموح ({max} حرفًا)"),
                format!("The text is longer than {max} characters ({len})"),
            ),
            TextProblem::Required => Bi::new("هذا الحقل مطلوب", "This field is required"),
        }
    }
}

/// The direction marks LRM, RLM and ALM: invisible, but unlike overrides and isolates they
/// cannot reorder what follows. Right-to-left keyboards and copied numbers carry them.
pub fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Whether a character may never appear in client text.
pub fn is_forbidden(c: char, allow_newlines: bool) -> bool {
    if c == '\n' && allow_newlines {
        return false;
    }
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{061C}')
}

/// Cleans one text field, or says why it cannot be accepted.
pub fn clean(value: &str, max_chars: usize, allow_newlines: bool) -> Result<String, TextProblem> {
    if let Some(c) = value.chars().find(|c| is_forbidden(*c, allow_newlines)) {
        return Err(TextProblem::Forbidden(c));
    }
    let normalized: String = value.nfc().collect();
    let trimmed = normalized.trim().to_string();
    let len = trimmed.chars().count();
    if len > max_chars {
        return Err(TextProblem::TooLong {
            max: max_chars,
            len,
        });
    }
    Ok(trimmed)
}

/// Like `clean`, for a field that must not be empty.
pub fn required(value: &str, max_chars: usize) -> Result<String, TextProblem> {
    let v = clean(value, max_chars, false)?;
    if v.is_empty() {
        return Err(TextProblem::Required);
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_trims() {
        // "e" + combining acute → "é" (one character after NFC).
        assert_eq!(clean("  e\u{301} ", 1, false).unwrap(), "é");
        assert_eq!(clean(" سارة ", 10, false).unwrap(), "سارة");
    }

    #[test]
    fn refuses_controls_bidi_and_zero_width() {
        for bad in [
            "a\u{0}b",
            "a\u{7}",
            "\u{202E}evil",
            "x\u{2066}y",
            "zero\u{200B}width",
            "bom\u{FEFF}",
            "tab\t",
        ] {
            assert_eq!(
                clean(bad, 50, false).unwrap_err().code(),
                "invalid_characters",
                "{bad:?}"
            );
        }
        assert!(clean("line\nbreak", 50, true).is_ok());
    }

    #[test]
    fn length_is_counted_in_characters() {
        let arabic = "ع".repeat(10); // 20 bytes, 10 characters
        assert!(clean(&arabic, 10, false).is_ok());
        assert_eq!(
            clean(&"ع".repeat(11), 10, false).unwrap_err().code(),
            "too_long"
        );
        assert_eq!(required("  ", 10), Err(TextProblem::Required));
    }
}
