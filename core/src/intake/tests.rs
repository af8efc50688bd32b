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
    assert_eq!(
        check_national_id("12a"),
        Check::Invalid(Problem::IdNotDigits)
    );
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
        "966 51 234 5678",
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
    for bad in ["0412345678", "05123456789", "+44512345678", "+966412345678"] {
        assert_eq!(
            check_mobile(bad),
            Check::Invalid(Problem::MobileInvalid),
            "{bad}"
        );
    }
}

#[test]
fn names() {
    assert_eq!(
        check_name("  نورة   العتيبي "),
        Check::Valid("نورة العتيبي".into())
    );
    assert_eq!(check_name("   "), Check::Empty);
    assert_eq!(
        check_name(&"ا".repeat(NAME_MAX + 1)),
        Check::Invalid(Problem::NameTooLong)
    );
    assert_eq!(
        check_name("\u{202E}evil").strict().unwrap_err().code(),
        "invalid_characters"
    );
}

#[test]
fn the_strict_form_refuses_what_is_unfinished_and_names_the_code() {
    assert_eq!(strict::national_id("  "), Ok(None));
    assert_eq!(
        strict::national_id("12345").unwrap_err().code(),
        "invalid_national_id"
    );
    assert_eq!(
        strict::mobile("05123").unwrap_err().code(),
        "invalid_mobile"
    );
    assert_eq!(
        strict::mobile("05\u{200B}12345678").unwrap_err().code(),
        "invalid_characters",
        "zero-width characters are still refused in digit fields"
    );
    assert_eq!(
        strict::national_id(&"1".repeat(21)).unwrap_err().code(),
        "too_long"
    );
    assert_eq!(
        strict::short_text(" en ", LANGUAGE_MAX),
        Ok(Some("en".to_string()))
    );
}

// --- The former disagreements between kiosk/src/intake.rs and counter-server/src/input/intake.rs.
// Each asserts both forms; the server side is also pinned end to end in the e2e `bad_input` tests.

/// Was 80 on the kiosk, 100 on the server: a 90-character name was refused while typing.
#[test]
fn disagreement_name_limit_is_100_on_both_sides() {
    let name = "ع".repeat(90);
    assert_eq!(check_name(&name), Check::Valid(name.clone()));
    assert_eq!(strict::name(&name), Ok(Some(name)));
    let long = "ع".repeat(101);
    assert_eq!(check_name(&long), Check::Invalid(Problem::NameTooLong));
    assert_eq!(strict::name(&long).unwrap_err().code(), "too_long");
}

/// The kiosk dropped LRM/RLM in digit fields; the server refused them (`invalid_characters`).
#[test]
fn disagreement_direction_marks_in_digit_fields_are_dropped_on_both_sides() {
    let mobile = "\u{200F}0512345678\u{200E}";
    assert_eq!(check_mobile(mobile), Check::Valid("+966512345678".into()));
    assert_eq!(strict::mobile(mobile), Ok(Some("+966512345678".into())));
    let id = "\u{200E}1234567897\u{061C}";
    assert_eq!(check_national_id(id), Check::Valid("1234567897".into()));
    assert_eq!(strict::national_id(id), Ok(Some("1234567897".into())));
}

/// Only the server stripped `(` `)` from mobiles; the kiosk said "digits only".
#[test]
fn disagreement_parentheses_in_mobiles_are_dropped_on_both_sides() {
    let mobile = "(050) 123 4567";
    assert_eq!(check_mobile(mobile), Check::Valid("+966501234567".into()));
    assert_eq!(strict::mobile(mobile), Ok(Some("+966501234567".into())));
}

/// The kiosk dropped the Arabic thousands separator (٬) and no-break spaces between digits; the
/// server kept them and refused the number.
#[test]
fn disagreement_arabic_separators_in_digit_fields_are_dropped_on_both_sides() {
    let mobile = "٠٥٠٬١٢٣\u{00A0}٤٥٦٧";
    assert_eq!(check_mobile(mobile), Check::Valid("+966501234567".into()));
    assert_eq!(strict::mobile(mobile), Ok(Some("+966501234567".into())));
}
