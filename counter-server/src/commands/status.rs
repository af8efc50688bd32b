//! The visitor's status page: what it may show of a ticket, in one place.

use crate::auth::tokens;
use crate::domain::TicketState;
use crate::store::engine::{Engine, EngineError};
use crate::store::reads::{self, ReadPool};

/// All the status page shows: label, state, people ahead, desk, whether referred. Nothing else
/// (no service, no name, no intake), and a desk only while the visitor is called or served there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusView {
    pub label: String,
    pub state: TicketState,
    pub people_ahead: u32,
    pub estimated_wait_minutes: u32,
    pub desk: Option<u32>,
    /// Waiting again, for the social researcher: the page tells the visitor so.
    pub referred: bool,
    /// Joined from the phone and not checked in yet: the page shows how to check in, and the code.
    pub awaiting_arrival: bool,
    pub check_in_code: Option<String>,
}

/// The ticket behind a status token; `None` for a malformed, unknown or expired token (all
/// answered alike, so a token cannot be probed for existence).
pub async fn lookup(
    reads: &ReadPool,
    engine: &Engine,
    token: &str,
) -> Result<Option<StatusView>, EngineError> {
    if !tokens::well_formed(token) {
        return Ok(None);
    }
    let hash = tokens::hash(token);
    let Some(found) = reads
        .run(move |conn| reads::status_by_token(conn, &hash))
        .await?
    else {
        return Ok(None);
    };
    if found.state == TicketState::Expired {
        return Ok(None);
    }
    let (people_ahead, estimated_wait_minutes) = if found.state == TicketState::Waiting {
        super::place_in_line(engine, found.id)
            .await?
            .unwrap_or((0, 0))
    } else {
        (0, 0)
    };
    let desk = if matches!(found.state, TicketState::Called | TicketState::Serving) {
        found.desk
    } else {
        None
    };
    Ok(Some(StatusView {
        label: found.label,
        state: found.state,
        people_ahead,
        estimated_wait_minutes,
        desk,
        referred: found.referred && found.state == TicketState::Waiting,
        awaiting_arrival: found.awaiting_arrival && found.state == TicketState::Waiting,
        check_in_code: found
            .check_in_code
            .filter(|_| found.awaiting_arrival && found.state == TicketState::Waiting),
    }))
}
