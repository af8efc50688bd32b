//! The shell both modes share, so that each rule of the frame lives in one place:
//! - `clock`: where "now" comes from (injected everywhere, moved by hand in tests);
//! - `session`: the visitor's language, the idle timer ("still there?", then the wipe) and the
//!   debounce after a screen change, plus `ShellFlow`, what the shell asks of a mode's flow;
//! - `typing`: the typing rules of the on-screen keyboards (free text and digits);
//! - `frame`: the `Shell` global both windows read (direction, shared labels, keyboard rows,
//!   busy / fault / "still there?" overlays) and the frame's buttons wired to the flow;
//! - `window`: start-up: the waker, the periodic tick, full screen, the event loop.
//!
//! The ticket mode (`crate::ticket`) and the rating mode (`crate::rating`) each bring their flow,
//! view and client, and use this shell.

pub mod clock;
pub mod frame;
pub mod session;
pub mod typing;
pub mod window;

pub use clock::{Clock, ManualClock, SystemClock};
pub use session::{FlowConfig, Session, ShellFlow};
pub use window::{ModeApp, Waker};
