//! Text hygiene for every free-text field a client sends.
//!
//! Normalised to NFC and trimmed; refused when it holds control characters (an escaped NUL arrives
//! as U+0000), bidirectional overrides, embeddings or isolates (U+202A–U+202E, U+2066–U+2069; they
//! can make a name display as something else), or zero-width and other invisible format characters.
//! Length is counted in characters, after normalisation.

use unicode_normalization::UnicodeNormalization;

use super::FieldError;

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
pub fn clean(
    field: &str,
    value: &str,
    max_chars: usize,
    allow_newlines: bool,
) -> Result<String, FieldError> {
    if let Some(c) = value.chars().find(|c| is_forbidden(*c, allow_newlines)) {
        return Err(FieldError::new(
            field,
            "invalid_characters",
            format!("يحتوي الحقل على رمز غير مسموح به (U+{:04X})", c as u32),
            format!(
                "the field contains a character that is not allowed (U+{:04X})",
                c as u32
            ),
        ));
    }
    let normalized: String = value.nfc().collect();
    let trimmed = normalized.trim().to_string();
    let len = trimmed.chars().count();
    if len > max_chars {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("النص أطول من الحد المسموح ({max_chars} حرفًا)"),
            format!("the text is longer than {max_chars} characters ({len})"),
        ));
    }
    Ok(trimmed)
}

/// Like `clean`, for a field that must not be empty.
pub fn required(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    let v = clean(field, value, max_chars, false)?;
    if v.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            "هذا الحقل مطلوب",
            "this field is required",
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_trims() {
        // "e" + combining acute → "é" (one character after NFC).
        assert_eq!(clean("f", "  e\u{301} ", 1, false).unwrap(), "é");
        assert_eq!(clean("f", " سارة ", 10, false).unwrap(), "سارة");
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
                clean("f", bad, 50, false).unwrap_err().code,
                "invalid_characters",
                "{bad:?}"
            );
        }
        assert!(clean("f", "line\nbreak", 50, true).is_ok());
    }

    #[test]
    fn length_is_counted_in_characters() {
        let arabic = "ع".repeat(10); // 20 bytes, 10 characters
        assert!(clean("f", &arabic, 10, false).is_ok());
        assert_eq!(
            clean("f", &"ع".repeat(11), 10, false).unwrap_err().code,
            "too_long"
        );
    }
}
