//! The rating mode (`kiosk --mode rating`): the touchscreen at the exit where a visitor rates a
//! finished visit.
//! - `flow`: the screens and what the visitor chose or typed (plain Rust);
//! - `view`: the `RatingApi` global ↔ the flow (`RatingApp`);
//! - `client`: the HTTP worker (recent visits, send a rating).

pub mod client;
pub mod flow;
pub mod view;

use crate::config::Config;
use crate::shell::{SystemClock, Waker};
use client::{HttpRatingApi, RatingClient};
use flow::RatingFlow;
use std::rc::Rc;
use view::RatingApp;

/// Builds the rating mode (window, flow, worker) in the current platform.
pub fn init(cfg: &Config, waker: Waker) -> Result<Rc<RatingApp>, String> {
    let client = RatingClient::start(HttpRatingApi::from(cfg.http()?), waker);
    let flow = RatingFlow::new(cfg.flow(), std::time::Instant::now());
    let ui = ui::RatingKiosk::new().map_err(|e| e.to_string())?;
    Ok(RatingApp::new(ui, flow, client, Rc::new(SystemClock)))
}
