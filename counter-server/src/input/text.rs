//! Text hygiene for every free-text field a client sends: the rule is `awn_core::text` (shared
//! with the kiosk); this names the field that failed.

use awn_core::text::{self, TextProblem};

use super::FieldError;

impl FieldError {
    /// A text field that failed the shared hygiene rule.
    pub fn text(field: &str, p: TextProblem) -> Self {
        FieldError {
            field: field.to_string(),
            code: p.code(),
            message: p.message(),
        }
    }
}

/// Cleans one text field, or says why it cannot be accepted.
pub fn clean(
    field: &str,
    value: &str,
    max_chars: usize,
    allow_newlines: bool,
) -> Result<String, FieldError> {
    text::clean(value, max_chars, allow_newlines).map_err(|p| FieldError::text(field, p))
}

/// Like `clean`, for a field that must not be empty.
pub fn required(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    text::required(value, max_chars).map_err(|p| FieldError::text(field, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failing_field_is_named() {
        let e = clean("comment", "a\u{0}b", 50, false).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("comment", "invalid_characters")
        );
        assert_eq!(required("reason", " ", 5).unwrap_err().code, "required");
    }
}
