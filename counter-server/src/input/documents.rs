//! A document record sent by the desk (policy 6.2): which document of the service's checklist,
//! whether it is valid, its expiry date and its number. The rules of a record are
//! `domain::visit::check_document`; this parses the fields and names the one that failed.

use chrono::NaiveDate;

use super::{FieldError, text};
use crate::domain::visit::DocumentProblem;

/// A case or police report number: short, one line.
pub const REFERENCE_MAX: usize = 40;

/// The fields of a record, parsed; `reference` is cleaned and blank is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentInput {
    pub expires_on: Option<NaiveDate>,
    pub reference: Option<String>,
}

pub fn parse(
    expires_on: Option<&str>,
    reference: Option<&str>,
) -> Result<DocumentInput, FieldError> {
    let expires_on = match expires_on.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            FieldError::new(
                "expires_on",
                "invalid_date",
                "اكتب تاريخ الانتهاء بالصيغة سنة-شهر-يوم (ميلادي)",
                "Give the expiry date as YYYY-MM-DD (Gregorian)",
            )
        })?),
    };
    let reference = match reference {
        None => None,
        Some(r) => {
            Some(text::clean("reference", r, REFERENCE_MAX, false)?).filter(|r| !r.is_empty())
        }
    };
    Ok(DocumentInput {
        expires_on,
        reference,
    })
}

pub fn unknown_document() -> FieldError {
    FieldError::new(
        "document",
        "unknown_document",
        "هذا المستند ليس في قائمة مستندات هذه الخدمة",
        "This document is not on this service's checklist",
    )
}

/// The field a refused record must change, and why.
pub fn problem(p: DocumentProblem) -> FieldError {
    match p {
        DocumentProblem::ExpiryRequired => FieldError::new(
            "expires_on",
            "expiry_required",
            "اكتب تاريخ انتهاء المستند",
            "Give the document's expiry date",
        ),
        DocumentProblem::Expired => FieldError::new(
            "expires_on",
            "document_expired",
            "انتهت صلاحية المستند: لا يمكن اعتماده ساريًا",
            "The document has expired: it cannot be recorded as valid",
        ),
        DocumentProblem::ReferenceRequired => FieldError::new(
            "reference",
            "reference_required",
            "اكتب رقم المستند",
            "Give the document's number",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers_are_parsed_and_blank_is_none() {
        let ok = parse(Some(" 2027-01-31 "), Some(" 4471/1448 ")).unwrap();
        assert_eq!(ok.expires_on, NaiveDate::from_ymd_opt(2027, 1, 31));
        assert_eq!(ok.reference.as_deref(), Some("4471/1448"));
        assert_eq!(
            parse(Some(""), Some("  ")).unwrap(),
            DocumentInput {
                expires_on: None,
                reference: None
            }
        );
        let bad = parse(Some("31/01/2027"), None).unwrap_err();
        assert_eq!(
            (bad.field.as_str(), bad.code),
            ("expires_on", "invalid_date")
        );
        let long = "9".repeat(REFERENCE_MAX + 1);
        assert_eq!(parse(None, Some(&long)).unwrap_err().field, "reference");
    }
}
