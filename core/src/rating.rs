//! A visitor's rating of a finished visit: the score, the reasons, the limits, and their wording.
//! The rating kiosk, the status page, the server's checks and the metrics page all read this one
//! list (rating is the visitor's right, a tool for improving the service: calm words, no blame).

use crate::{Bi, Lang};

/// Scores run from 1 (very poor) to 5 (excellent).
pub const SCORE_MIN: u8 = 1;
pub const SCORE_MAX: u8 = 5;
/// Longest comment the server accepts, in characters.
pub const COMMENT_MAX: usize = 500;
/// Longest comment typed on the rating kiosk's on-screen keyboard (a short comment; the phone's
/// status page takes up to `COMMENT_MAX`).
pub const COMMENT_MAX_TYPED: usize = 300;

/// A score from a client, when it is a whole number from 1 to 5.
pub fn score(n: i64) -> Option<u8> {
    u8::try_from(n)
        .ok()
        .filter(|s| (SCORE_MIN..=SCORE_MAX).contains(s))
}

/// The words for scores 1 … 5. Arabic agrees with "زيارة" (the question is "how was your visit").
pub const fn score_words(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::Ar => ["سيئة جدًا", "سيئة", "مقبولة", "جيدة", "ممتازة"],
        Lang::En => ["Very poor", "Poor", "Fair", "Good", "Excellent"],
    }
}

/// What a rating may be about. The order is the forms' order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    WaitingTime,
    Courtesy,
    Clarity,
    TimeGiven,
    Privacy,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::WaitingTime,
        Reason::Courtesy,
        Reason::Clarity,
        Reason::TimeGiven,
        Reason::Privacy,
    ];

    /// The key on the wire and in the database.
    pub const fn key(self) -> &'static str {
        match self {
            Reason::WaitingTime => "waiting_time",
            Reason::Courtesy => "courtesy",
            Reason::Clarity => "clarity",
            Reason::TimeGiven => "time_given",
            Reason::Privacy => "privacy",
        }
    }

    pub fn from_key(key: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The reason's wording on every form and on the metrics page.
    pub const fn word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Reason::WaitingTime, Lang::Ar) => "مدة الانتظار",
            (Reason::WaitingTime, Lang::En) => "Waiting time",
            (Reason::Courtesy, Lang::Ar) => "حسن التعامل",
            (Reason::Courtesy, Lang::En) => "Courtesy",
            (Reason::Clarity, Lang::Ar) => "وضوح المعلومات",
            (Reason::Clarity, Lang::En) => "Clear information",
            (Reason::TimeGiven, Lang::Ar) => "الوقت المخصص لي",
            (Reason::TimeGiven, Lang::En) => "Time given to me",
            (Reason::Privacy, Lang::Ar) => "الخصوصية",
            (Reason::Privacy, Lang::En) => "Privacy",
        }
    }

    pub fn name(self) -> Bi {
        Bi::new(self.word(Lang::Ar), self.word(Lang::En))
    }
}

/// The keys in the forms' order.
pub const REASON_KEYS: [&str; 5] = [
    Reason::ALL[0].key(),
    Reason::ALL[1].key(),
    Reason::ALL[2].key(),
    Reason::ALL[3].key(),
    Reason::ALL[4].key(),
];

/// The reasons' words in the forms' order.
pub const fn reason_words(lang: Lang) -> [&'static str; 5] {
    [
        Reason::ALL[0].word(lang),
        Reason::ALL[1].word(lang),
        Reason::ALL[2].word(lang),
        Reason::ALL[3].word(lang),
        Reason::ALL[4].word(lang),
    ]
}

/// Why a rating is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RatingProblem {
    Score,
    /// The first key that is not a reason.
    Reason(String),
}

impl RatingProblem {
    pub fn code(&self) -> &'static str {
        match self {
            RatingProblem::Score => "invalid_score",
            RatingProblem::Reason(_) => "invalid_reason",
        }
    }
    pub fn field(&self) -> &'static str {
        match self {
            RatingProblem::Score => "score",
            RatingProblem::Reason(_) => "reasons",
        }
    }
    pub fn message(&self) -> Bi {
        match self {
            RatingProblem::Score => Bi::new(
                "التقييم من ١ إلى ٥",
                "Score must be a whole number from 1 to 5",
            ),
            RatingProblem::Reason(_) => Bi::new(
                "سبب غير معروف",
                format!("Reasons are among: {}", REASON_KEYS.join(", ")),
            ),
        }
    }
}

/// The reasons a client sent, each once, in the forms' order whatever order they came in.
pub fn reasons(keys: &[String]) -> Result<Vec<Reason>, RatingProblem> {
    let mut chosen = Vec::new();
    for k in keys {
        let r = Reason::from_key(k).ok_or_else(|| RatingProblem::Reason(k.clone()))?;
        if !chosen.contains(&r) {
            chosen.push(r);
        }
    }
    chosen.sort();
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_whole_numbers_from_one_to_five() {
        assert_eq!(score(1), Some(1));
        assert_eq!(score(5), Some(5));
        for bad in [0, 6, -1, 256, i64::MAX] {
            assert_eq!(score(bad), None, "{bad}");
        }
    }

    #[test]
    fn reasons_come_back_once_each_in_the_forms_order() {
        let keys: Vec<String> = ["privacy", "courtesy", "privacy"]
            .map(String::from)
            .to_vec();
        assert_eq!(reasons(&keys), Ok(vec![Reason::Courtesy, Reason::Privacy]));
        assert_eq!(
            reasons(&["rude".to_string()]).unwrap_err().code(),
            "invalid_reason"
        );
        for r in Reason::ALL {
            assert_eq!(Reason::from_key(r.key()), Some(r));
        }
        assert_eq!(REASON_KEYS[3], "time_given");
        assert_eq!(reason_words(Lang::En)[1], "Courtesy");
    }
}
