//! The typing rules of the on-screen keyboards, shared by the ticket mode's details form and the
//! rating mode's comment. The limits are the callers' (`awn_core`'s intake and rating rules).

use awn_core::intake::normalise_digits;

/// Where a Latin letter is typed as a capital.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capitals {
    /// At the start of every word (a name: "Sara Lee").
    EachWord,
    /// At the start of the text only (a comment: "Thanks a lot").
    FirstLetter,
}

/// A key of the letter keyboard typed into free text of at most `max_chars` characters: no
/// leading or double spaces; a Latin letter is a capital where `caps` says, small elsewhere;
/// any other key (Arabic letters) is typed as it is.
pub fn type_letter(text: &mut String, key: &str, max_chars: usize, caps: Capitals) {
    if text.chars().count() >= max_chars {
        return;
    }
    let at_word_start = text.is_empty() || text.ends_with(' ');
    if key == " " && at_word_start {
        return;
    }
    let capital = match caps {
        Capitals::EachWord => at_word_start,
        Capitals::FirstLetter => text.is_empty(),
    };
    if key.chars().all(|c| c.is_ascii_alphabetic()) {
        if capital {
            text.push_str(&key.to_ascii_uppercase());
        } else {
            text.push_str(&key.to_ascii_lowercase());
        }
    } else {
        text.push_str(key);
    }
}

/// A key of the numeric keypad (Arabic-Indic digits become ASCII) typed into a number of at
/// most `max_len` digits; anything else is ignored.
pub fn type_digits(text: &mut String, key: &str, max_len: usize) {
    let digits = normalise_digits(key);
    if digits.bytes().all(|b| b.is_ascii_digit()) && text.len() < max_len {
        text.push_str(&digits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[&str], caps: Capitals) -> String {
        let mut s = String::new();
        for k in keys {
            type_letter(&mut s, k, 10, caps);
        }
        s
    }

    #[test]
    fn spaces_and_capitals() {
        let keys = [" ", "S", "A", " ", " ", "L", "E", "E"];
        assert_eq!(typed(&keys, Capitals::EachWord), "Sa Lee");
        assert_eq!(typed(&keys, Capitals::FirstLetter), "Sa lee");
        assert_eq!(typed(&["ن", "و", " ", "ع"], Capitals::EachWord), "نو ع");
        assert_eq!(typed(&["a"; 12], Capitals::FirstLetter).chars().count(), 10);
    }

    #[test]
    fn digits_only_up_to_the_limit() {
        let mut s = String::new();
        for k in ["٠", "5", "x", "1", "2"] {
            type_digits(&mut s, k, 3);
        }
        assert_eq!(s, "051");
    }
}
