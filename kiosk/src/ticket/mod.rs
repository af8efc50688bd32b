//! The ticket mode: the touchscreen at the entrance where a visitor takes a number.
//! - `flow`: the screens, what the visitor typed, the request and the print (plain Rust);
//! - `view`: the `Api` global ↔ the flow (`App`), the effects carried out;
//! - `client`: the HTTP worker (retries with the same idempotency key, reconnects);
//! - `printer`: the print thread and what goes on paper;
//! - `fake` (tests only, `fake-client` feature): an in-memory server.

pub mod client;
#[cfg(any(test, feature = "fake-client"))]
pub mod fake;
pub mod flow;
pub mod printer;
pub mod view;

use crate::config::Config;
use crate::shell::{SystemClock, Waker};
use client::{Client, HttpApi, RetryPolicy};
use flow::Flow;
use std::rc::Rc;
use view::App;

/// Builds the ticket mode (window, flow, client, printer) in the current platform.
pub fn init(cfg: &Config, waker: Waker) -> Result<Rc<App>, String> {
    let api = HttpApi::from(cfg.http()?);
    let client = Client::start(api, RetryPolicy::default(), waker.clone());
    let printer = printer::Printer::start(cfg.printer(), waker)?;
    let flow = Flow::new(cfg.flow(), std::time::Instant::now());
    let ui = ui::Kiosk::new().map_err(|e| e.to_string())?;
    Ok(App::new(
        ui,
        flow,
        client,
        printer,
        Rc::new(SystemClock),
        cfg.public_base(),
    ))
}
