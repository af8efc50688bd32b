//! A supervisor alert when a line turns red (`domain::wait_level`): raised once per crossing,
//! that is when a line that was not red is found red; a line that stays red raises nothing more,
//! even once the alert is acknowledged. The alert's ticket is the one waiting longest there.
//! After a restart a line still red raises again unless its alert is still open.

use std::collections::BTreeSet;

use crate::commands::CommandError;
use crate::domain::wait_level::{self, WaitLevel};
use crate::store::engine::{Alert, Engine};
use crate::store::{reads, writes};

/// The kind of these alerts in the `alerts` table and the event stream.
pub const KIND: &str = "line_red";

/// The services whose line is red now.
pub async fn red_lines(engine: &Engine) -> Result<BTreeSet<String>, CommandError> {
    Ok(engine
        .read(|ctx| {
            ctx.config
                .services
                .iter()
                .filter(|s| {
                    let oldest = ctx
                        .queue
                        .oldest_waiting_in_line(&s.code)
                        .map(|t| t.in_room_since());
                    wait_level::classify(oldest, ctx.now, s.target_wait_minutes()) == WaitLevel::Red
                })
                .map(|s| s.code.clone())
                .collect()
        })
        .await?)
}

/// Raises an alert for each line red now that was not in `red_before`; returns the red lines,
/// the `red_before` of the next check.
pub async fn raise_for_new_red_lines(
    engine: &Engine,
    red_before: &BTreeSet<String>,
) -> Result<BTreeSet<String>, CommandError> {
    let red = red_lines(engine).await?;
    let crossed: Vec<String> = red.difference(red_before).cloned().collect();
    if crossed.is_empty() {
        return Ok(red);
    }
    engine
        .write(move |ctx| -> Result<(), CommandError> {
            for code in crossed {
                let Some(oldest) = ctx.queue.oldest_waiting_in_line(&code).map(|t| t.id) else {
                    continue;
                };
                if writes::open_line_alert_exists(ctx.tx, &code)? {
                    continue;
                }
                let label = reads::ticket_label(ctx.tx, oldest)?;
                let id = writes::raise_alert(ctx.tx, KIND, None, oldest, ctx.now)?;
                ctx.publish_alert(Alert {
                    id,
                    kind: KIND,
                    reason: None,
                    ticket: oldest,
                    label,
                    raised_at: ctx.now,
                });
            }
            Ok(())
        })
        .await?;
    Ok(red)
}
