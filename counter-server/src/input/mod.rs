//! Input rules that are not queue rules: text hygiene and the intake fields, whose rules are
//! `awn_core`'s (shared with the kiosk); this names the failing field. Pure, no HTTP types.

use awn_core::Bi;

pub mod documents;
pub mod intake;
pub mod text;

/// A rejected field: which field, a stable code, and the reason in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: Bi,
}

impl FieldError {
    pub fn new(
        field: &str,
        code: &'static str,
        ar: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            field: field.to_string(),
            code,
            message: Bi::new(ar, en),
        }
    }
}
