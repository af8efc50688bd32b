//! A visitor rates a finished visit, from the rating device at the counter (by label) or from the
//! status page on their phone (by status token). One engine job each: the checks and the insert run
//! in the writer's transaction, so two ratings of one visit cannot both pass.

use chrono::Duration;

use super::{CommandError, Refusal};
use crate::domain::numbering::service_day;
use crate::input::{FieldError, text};
use crate::metrics::REASONS;
use crate::store::engine::Engine;
use crate::store::ratings::{self, NewRating, Rateable};

/// A rating that passed `check` (score range, known reasons, comment hygiene).
#[derive(Clone, Debug)]
pub struct RatingInput {
    pub score: u8,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub contact: bool,
}

/// Which visit is rated.
#[derive(Clone, Debug)]
pub enum Target {
    /// Today's ticket with this label (rating device).
    Label(String),
    /// The ticket behind a status token's hash (the visitor's phone).
    Token([u8; 32]),
}

/// How long after the finish a visit is offered on the rating device.
pub const RECENT_MINUTES: i64 = 10;

fn not_found() -> CommandError {
    Refusal::VisitNotFound.into()
}

/// Longest comment, in characters.
pub const COMMENT_MAX: usize = 500;

/// The longest label a rating device can send (longer is no visit of today).
const LABEL_MAX: usize = 20;

/// Checks what every rating path receives.
pub fn check(
    score: i64,
    reasons: Vec<String>,
    comment: Option<String>,
    contact: bool,
) -> Result<RatingInput, FieldError> {
    let score = u8::try_from(score)
        .ok()
        .filter(|s| (1..=5).contains(s))
        .ok_or_else(|| {
            FieldError::new(
                "score",
                "invalid_score",
                "التقييم من ١ إلى ٥",
                "score must be a whole number from 1 to 5",
            )
        })?;
    let mut chosen: Vec<String> = Vec::new();
    for r in reasons {
        if !REASONS.contains(&r.as_str()) {
            return Err(FieldError::new(
                "reasons",
                "invalid_reason",
                "سبب غير معروف",
                format!("reasons are among: {}", REASONS.join(", ")),
            ));
        }
        if !chosen.contains(&r) {
            chosen.push(r);
        }
    }
    // The form's order, whatever order they were sent in.
    chosen.sort_by_key(|r| REASONS.iter().position(|x| x == r));
    let comment = match comment {
        Some(c) => Some(text::clean("comment", &c, COMMENT_MAX, true)?).filter(|c| !c.is_empty()),
        None => None,
    };
    Ok(RatingInput {
        score,
        reasons: chosen,
        comment,
        contact,
    })
}

/// Records the rating; returns its id.
pub async fn rate(
    engine: &Engine,
    target: Target,
    input: RatingInput,
) -> Result<i64, CommandError> {
    let target = match target {
        Target::Label(label) => {
            let label = label.trim().to_string();
            if label.is_empty() || label.chars().count() > LABEL_MAX {
                return Err(Refusal::VisitNotFound.into());
            }
            Target::Label(label)
        }
        token => token,
    };
    engine
        .write(move |ctx| {
            let found: Option<Rateable> = match &target {
                Target::Label(label) => ratings::by_label(ctx.tx, service_day(ctx.now), label)?,
                Target::Token(hash) => ratings::by_token(ctx.tx, hash)?,
            };
            let t = found.ok_or_else(not_found)?;
            if t.rated {
                return Err(Refusal::AlreadyRated.into());
            }
            if t.state != "done" {
                return Err(Refusal::VisitNotFinished.into());
            }
            let channel = match target {
                Target::Label(_) => "rating_device",
                Target::Token(_) => "status_page",
            };
            Ok(ratings::insert(
                ctx.tx,
                &NewRating {
                    ticket: t.id,
                    score: input.score,
                    reasons: &input.reasons,
                    comment: input.comment.as_deref(),
                    contact: input.contact,
                    channel,
                },
                ctx.now,
            )?)
        })
        .await
}

/// Labels of today's visits finished in the last `RECENT_MINUTES` and not rated yet.
pub async fn recent(engine: &Engine) -> Result<Vec<String>, CommandError> {
    engine
        .read(|ctx| {
            ratings::recent_unrated(
                ctx.conn,
                service_day(ctx.now),
                ctx.now - Duration::minutes(RECENT_MINUTES),
            )
        })
        .await?
        .map_err(CommandError::from)
}
