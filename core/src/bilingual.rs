//! One text in both languages, and the visitor's language.

use serde::{Deserialize, Serialize};

/// The visitor's language. Arabic first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Ar,
    En,
}

impl Lang {
    pub fn other(self) -> Lang {
        match self {
            Lang::Ar => Lang::En,
            Lang::En => Lang::Ar,
        }
    }
    pub fn is_rtl(self) -> bool {
        self == Lang::Ar
    }
    /// Picks the string for this language.
    pub fn pick<'a>(self, ar: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ar => ar,
            Lang::En => en,
        }
    }
}

/// A text in Arabic and English: `{"ar": …, "en": …}` on the wire. A missing side reads as empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bi {
    #[serde(default)]
    pub ar: String,
    #[serde(default)]
    pub en: String,
}

impl Bi {
    pub fn new(ar: impl Into<String>, en: impl Into<String>) -> Bi {
        Bi {
            ar: ar.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`, or in the other language when that side is blank (rather than
    /// showing nothing).
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Ar => (&self.ar, &self.en),
            Lang::En => (&self.en, &self.ar),
        };
        if first.trim().is_empty() {
            second
        } else {
            first
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_side_falls_back_to_the_other_language() {
        let b = Bi::new("", "Follow-up");
        assert_eq!(b.get(Lang::Ar), "Follow-up");
        assert_eq!(Bi::new("أ", "A").get(Lang::Ar), "أ");
        assert_eq!(Lang::Ar.other(), Lang::En);
    }
}
