//! A visitor rates a finished visit, from the rating device at the counter (by label) or from the
//! status page on their phone (by status token). One engine job each: the checks and the insert run
//! in the writer's transaction, so two ratings of one visit cannot both pass.

use awn_core::rating;
use chrono::Duration;

use super::{CommandError, Refusal};
use crate::domain::numbering::service_day;
use crate::input::{FieldError, text};
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

/// The longest label a rating device can send (longer is no visit of today).
const LABEL_MAX: usize = awn_core::label::LABEL_MAX_CHARS;

/// Checks what every rating path receives: the shared score, reasons and comment rules
/// (`awn_core::rating`), the comment cleaned like any free text.
pub fn check(
    score: i64,
    reasons: Vec<String>,
    comment: Option<String>,
    contact: bool,
) -> Result<RatingInput, FieldError> {
    let refused = |p: rating::RatingProblem| {
        let m = p.message();
        FieldError::new(p.field(), p.code(), m.ar, m.en)
    };
    let score = rating::score(score)
        .ok_or(rating::RatingProblem::Score)
        .map_err(refused)?;
    let chosen = rating::reasons(&reasons)
        .map_err(refused)?
        .into_iter()
        .map(|r| r.key().to_string())
        .collect();
    let comment = match comment {
        Some(c) => {
            Some(text::clean("comment", &c, rating::COMMENT_MAX, true)?).filter(|c| !c.is_empty())
        }
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
