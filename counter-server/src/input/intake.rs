//! The intake a visitor may give at the kiosk, and the rules each field must meet.
//! The kiosk validates as the visitor types; this is the authority.

use serde::Deserialize;

use super::{FieldError, text};

/// The intake as a client sends it (inside `POST /api/v1/tickets`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeInput {
    pub notice_version: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub national_id: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub needs: NeedsInput,
    #[serde(default)]
    pub feels_unsafe: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedsInput {
    #[serde(default)]
    pub wheelchair: bool,
    #[serde(default)]
    pub hearing: bool,
    #[serde(default)]
    pub interpreter_language: Option<String>,
    #[serde(default)]
    pub companion: bool,
    /// Elderly, pregnancy and a named disability only decide the ticket's class
    /// (`domain::needs`); they are not stored.
    #[serde(default)]
    pub elderly: bool,
    #[serde(default)]
    pub pregnancy: bool,
    #[serde(default)]
    pub disability: Option<String>,
    /// "Another disability", chosen at the kiosk without describing it.
    #[serde(default)]
    pub named_disability: bool,
}

impl NeedsInput {
    /// The needs as the priority rule reads them.
    pub fn for_priority(&self) -> crate::domain::needs::Needs {
        crate::domain::needs::Needs {
            wheelchair: self.wheelchair,
            elderly: self.elderly,
            pregnancy: self.pregnancy,
            named_disability: self.named_disability
                || self
                    .disability
                    .as_deref()
                    .is_some_and(|d| !d.trim().is_empty()),
        }
    }
}

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

pub const NAME_MAX_CHARS: usize = 100;
pub const LANGUAGE_MAX_CHARS: usize = 40;

/// Arabic-Indic (٠–٩) and Persian (۰–۹) digits to ASCII; everything else unchanged.
pub fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            _ => c,
        })
        .collect()
}

/// Luhn over all ten digits (the check used by Saudi national IDs and iqamas).
fn luhn_ok(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(*d);
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A national ID (first digit 1) or iqama (first digit 2): ten digits with a valid check digit.
pub fn national_id(field: &str, raw: &str) -> Result<String, FieldError> {
    let s: String = ascii_digits(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let err = |ar: &str, en: &str| Err(FieldError::new(field, "invalid_national_id", ar, en));
    if s.len() != 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return err(
            "رقم الهوية أو الإقامة عشرة أرقام",
            "an ID or iqama number has 10 digits",
        );
    }
    if !s.starts_with('1') && !s.starts_with('2') {
        return err(
            "يبدأ رقم الهوية بـ 1 ورقم الإقامة بـ 2",
            "a national ID starts with 1, an iqama with 2",
        );
    }
    let digits: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
    if !luhn_ok(&digits) {
        return err(
            "رقم الهوية غير صحيح، تحقق من الأرقام",
            "this ID number is not valid: check the digits",
        );
    }
    Ok(s)
}

/// A Saudi mobile number in any usual form, normalised to `+9665XXXXXXXX`.
pub fn mobile(field: &str, raw: &str) -> Result<String, FieldError> {
    let s: String = ascii_digits(raw)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let rest = s
        .strip_prefix("+966")
        .or_else(|| s.strip_prefix("00966"))
        .or_else(|| s.strip_prefix("966"))
        .or_else(|| s.strip_prefix('0'))
        .unwrap_or(&s);
    if rest.len() == 9 && rest.starts_with('5') && rest.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("+966{rest}"))
    } else {
        Err(FieldError::new(
            field,
            "invalid_mobile",
            "رقم الجوال يبدأ بـ 05 ويتكون من عشرة أرقام",
            "a mobile number starts with 05 and has 10 digits",
        ))
    }
}

/// An optional text field: absent or blank means "not given".
fn optional_text(
    field: &str,
    v: &Option<String>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match v {
        None => Ok(None),
        Some(v) => {
            let v = text::clean(field, v, max, false)?;
            Ok((!v.is_empty()).then_some(v))
        }
    }
}

/// A supervisor's correction of one intake field: the field's name (one of those that can be
/// corrected) and the new value checked by the same rule as at the kiosk; blank clears it.
pub fn correction(field: &str, value: &str) -> Result<(&'static str, Option<String>), FieldError> {
    let (name, max): (&'static str, usize) = match field {
        "name" => ("name", NAME_MAX_CHARS),
        "national_id" => ("national_id", 20),
        "mobile" => ("mobile", 20),
        "interpreter_language" => ("interpreter_language", LANGUAGE_MAX_CHARS),
        _ => {
            return Err(FieldError::new(
                "field",
                "invalid_field",
                "يمكن تصحيح الاسم أو رقم الهوية أو الجوال أو لغة الترجمة فقط",
                "only name, national_id, mobile and interpreter_language can be corrected",
            ));
        }
    };
    let path = "value";
    let v = text::clean(path, value, max, false)?;
    let v = match (name, v.is_empty()) {
        (_, true) => None,
        ("national_id", false) => Some(national_id(path, &v)?),
        ("mobile", false) => Some(mobile(path, &v)?),
        _ => Some(v),
    };
    Ok((name, v))
}

impl IntakeInput {
    /// Checks every field; the first failure names its field.
    pub fn validate(&self, current_notice_version: &str) -> Result<Intake, FieldError> {
        if self.notice_version != current_notice_version {
            return Err(FieldError::new(
                "intake.notice_version",
                "stale_notice",
                "تغيّر نص الإشعار، اعرضه على الزائر من جديد",
                "the consent notice has changed: show the current one",
            ));
        }
        let name = optional_text("intake.name", &self.name, NAME_MAX_CHARS)?;
        let national_id = match optional_text("intake.national_id", &self.national_id, 20)? {
            Some(v) => Some(national_id("intake.national_id", &v)?),
            None => None,
        };
        let mobile = match optional_text("intake.mobile", &self.mobile, 20)? {
            Some(v) => Some(mobile("intake.mobile", &v)?),
            None => None,
        };
        let interpreter_language = optional_text(
            "intake.needs.interpreter_language",
            &self.needs.interpreter_language,
            LANGUAGE_MAX_CHARS,
        )?;
        optional_text(
            "intake.needs.disability",
            &self.needs.disability,
            NAME_MAX_CHARS,
        )?;
        Ok(Intake {
            notice_version: self.notice_version.clone(),
            name,
            national_id,
            mobile,
            wheelchair: self.needs.wheelchair,
            hearing: self.needs.hearing,
            interpreter_language,
            companion: self.needs.companion,
            feels_unsafe: self.feels_unsafe,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids_need_ten_digits_a_valid_first_digit_and_check_digit() {
        assert_eq!(national_id("f", "1234567897").unwrap(), "1234567897");
        assert_eq!(national_id("f", "2000000006").unwrap(), "2000000006");
        assert_eq!(
            national_id("f", "١٢٣٤٥٦٧٨٩٧").unwrap(),
            "1234567897",
            "Arabic-Indic digits"
        );
        assert_eq!(
            national_id("f", "۱۲۳۴۵۶۷۸۹۷").unwrap(),
            "1234567897",
            "Persian digits"
        );
        for bad in [
            "1234567890",
            "2000000008",
            "3234567897",
            "123456789",
            "12345678970",
            "12345x7897",
        ] {
            assert_eq!(
                national_id("f", bad).unwrap_err().code,
                "invalid_national_id",
                "{bad}"
            );
        }
    }

    #[test]
    fn mobiles_are_normalised_to_international_form() {
        for ok in [
            "0512345678",
            "512345678",
            "+966512345678",
            "00966512345678",
            "966 51 234 5678",
            "٠٥١٢٣٤٥٦٧٨",
        ] {
            assert_eq!(mobile("f", ok).unwrap(), "+966512345678", "{ok}");
        }
        for bad in ["0412345678", "05123", "+966412345678", "05123456789"] {
            assert_eq!(
                mobile("f", bad).unwrap_err().code,
                "invalid_mobile",
                "{bad}"
            );
        }
    }

    #[test]
    fn blank_fields_mean_not_given_and_a_stale_notice_is_refused() {
        let input = IntakeInput {
            notice_version: "v1".into(),
            name: Some("  ".into()),
            national_id: None,
            mobile: Some("".into()),
            needs: NeedsInput::default(),
            feels_unsafe: false,
        };
        let intake = input.validate("v1").unwrap();
        assert_eq!((intake.name, intake.mobile), (None, None));
        assert_eq!(input.validate("v2").unwrap_err().code, "stale_notice");
    }
}
