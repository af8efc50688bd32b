//! The intake a visitor may give at the kiosk, checked by the strict form of the shared rules
//! (`awn_core::intake`, the same rules the kiosk applies while the visitor types). This module
//! only names the failing field and builds the value to store.

use awn_core::intake::{self as rules, Problem, strict};
use awn_core::wire::{IntakeRequest, Needs};

use super::FieldError;

/// A validated intake, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intake {
    pub notice_version: String,
    pub name: Option<String>,
    pub national_id: Option<String>,
    pub mobile: Option<String>,
    pub wheelchair: bool,
    pub hearing: bool,
    pub interpreter_language: Option<String>,
    pub companion: bool,
    pub feels_unsafe: bool,
}

impl FieldError {
    /// An intake field that failed the shared rule.
    pub fn intake(field: &str, p: Problem) -> Self {
        FieldError {
            field: field.to_string(),
            code: p.code(),
            message: p.message(),
        }
    }
}

/// The needs as the priority rule reads them.
pub fn for_priority(needs: &Needs) -> crate::domain::needs::Needs {
    crate::domain::needs::Needs {
        wheelchair: needs.wheelchair,
        elderly: needs.elderly,
        pregnancy: needs.pregnancy,
        named_disability: needs.any_disability(),
        feels_unsafe: false,
    }
}

/// A supervisor's correction of one intake field: the field's name (one of those that can be
/// corrected) and the new value checked by the same rule as at the kiosk; blank clears it.
pub fn correction(field: &str, value: &str) -> Result<(&'static str, Option<String>), FieldError> {
    let checked = match field {
        "name" => ("name", strict::name(value)),
        "national_id" => ("national_id", strict::national_id(value)),
        "mobile" => ("mobile", strict::mobile(value)),
        "interpreter_language" => (
            "interpreter_language",
            strict::short_text(value, rules::LANGUAGE_MAX),
        ),
        _ => {
            return Err(FieldError::new(
                "field",
                "invalid_field",
                "يمكن تصحيح الاسم أو رقم الهوية أو الجوال أو لغة الترجمة فقط",
                "Only name, national_id, mobile and interpreter_language can be corrected",
            ));
        }
    };
    let (name, v) = checked;
    Ok((name, v.map_err(|p| FieldError::intake("value", p))?))
}

/// Applies one strict rule to an optional field; the failure names `field`.
fn optional(
    field: &str,
    v: &Option<String>,
    rule: impl Fn(&str) -> Result<Option<String>, Problem>,
) -> Result<Option<String>, FieldError> {
    match v {
        None => Ok(None),
        Some(v) => rule(v).map_err(|p| FieldError::intake(field, p)),
    }
}

/// Checks every field; the first failure names its field.
pub fn validate(input: &IntakeRequest, current_notice_version: &str) -> Result<Intake, FieldError> {
    if input.notice_version != current_notice_version {
        return Err(FieldError::new(
            "intake.notice_version",
            "stale_notice",
            "تغيّر نص الإشعار، اعرضه على الزائر من جديد",
            "The consent notice has changed: show the current one",
        ));
    }
    let name = optional("intake.name", &input.name, strict::name)?;
    let national_id = optional(
        "intake.national_id",
        &input.national_id,
        strict::national_id,
    )?;
    let mobile = optional("intake.mobile", &input.mobile, strict::mobile)?;
    let interpreter_language = optional(
        "intake.needs.interpreter_language",
        &input.needs.interpreter_language,
        |v| strict::short_text(v, rules::LANGUAGE_MAX),
    )?;
    optional("intake.needs.disability", &input.needs.disability, |v| {
        strict::short_text(v, rules::DISABILITY_MAX)
    })?;
    Ok(Intake {
        notice_version: input.notice_version.clone(),
        name,
        national_id,
        mobile,
        wheelchair: input.needs.wheelchair,
        hearing: input.needs.hearing,
        interpreter_language,
        companion: input.needs.companion,
        feels_unsafe: input.feels_unsafe,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intake(name: Option<&str>, mobile: Option<&str>) -> IntakeRequest {
        IntakeRequest {
            notice_version: "v1".into(),
            name: name.map(str::to_string),
            national_id: None,
            mobile: mobile.map(str::to_string),
            needs: Needs::default(),
            feels_unsafe: false,
        }
    }

    #[test]
    fn blank_fields_mean_not_given_and_a_stale_notice_is_refused() {
        let input = intake(Some("  "), Some(""));
        let i = validate(&input, "v1").unwrap();
        assert_eq!((i.name, i.mobile), (None, None));
        assert_eq!(validate(&input, "v2").unwrap_err().code, "stale_notice");
    }

    #[test]
    fn a_failure_names_its_field_and_the_shared_code() {
        let e = validate(&intake(None, Some("0412345678")), "v1").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("intake.mobile", "invalid_mobile")
        );
        let e = correction("national_id", "1234567890").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("value", "invalid_national_id"));
        assert_eq!(correction("name", "  "), Ok(("name", None)));
        assert_eq!(correction("pwn", "x").unwrap_err().code, "invalid_field");
    }

    /// Former disagreement: the kiosk dropped LRM/RLM in digit fields, the server refused them.
    #[test]
    fn direction_marks_in_a_mobile_are_dropped_as_on_the_kiosk() {
        let i = validate(&intake(None, Some("\u{200F}0512345678")), "v1").unwrap();
        assert_eq!(i.mobile.as_deref(), Some("+966512345678"));
    }
}
