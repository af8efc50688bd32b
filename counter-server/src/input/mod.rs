//! Input rules that are not queue rules: text hygiene and the intake fields. Pure, no HTTP types.

pub mod intake;
pub mod text;

/// A rejected field: which field, a stable code, and the reason in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub ar: String,
    pub en: String,
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
            ar: ar.into(),
            en: en.into(),
        }
    }
}
