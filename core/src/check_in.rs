//! The check-in code: six digits on the status page of a place joined from the phone, typed at
//! the kiosk on arrival. The server makes and checks codes; the kiosk's keypad takes exactly this
//! many digits before it offers "confirm".

/// How many digits a check-in code has.
pub const CODE_DIGITS: usize = 6;

/// Whether `code` has the shape of a check-in code: exactly `CODE_DIGITS` ASCII digits.
pub fn well_formed(code: &str) -> bool {
    code.len() == CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_ascii_digits_and_nothing_else() {
        assert!(well_formed("042917"));
        assert!(!well_formed("42917"));
        assert!(!well_formed("0429170"));
        assert!(!well_formed("04291a"));
        assert!(
            !well_formed("٠٤٢٩١٧"),
            "Arabic-Indic digits are the keypad's to normalise"
        );
        assert!(!well_formed(" 42917"));
    }
}
