//! Start-up of either window: the waker the workers call, the periodic tick, full screen, and
//! the event loop. The mode brings its app (`ModeApp`); this runs it.

use crate::shell::session::ShellFlow;
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Called by a worker (HTTP client, print thread) after each answer, from its own thread
/// (production: makes the event loop poll the running app; tests: nothing, they poll).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// How often the idle timer, the wipes and the fault message are checked.
const TICK_EVERY: Duration = Duration::from_millis(250);

/// A mode's app (its window, flow and workers) as the shell drives it.
pub trait ModeApp: 'static {
    type Ui: ComponentHandle + 'static;
    type Flow: ShellFlow;
    fn ui(&self) -> &Self::Ui;
    /// Runs one flow action with the current time, then carries out the flow's effects and
    /// renders the window again.
    fn act(&self, f: impl FnOnce(&mut Self::Flow, Instant));
    /// Drains the workers' answers into the flow (called when a worker wakes the event loop,
    /// by the periodic timer, and by tests).
    fn poll(&self);
    /// The periodic timer: the workers' answers, then the flow's timers.
    fn tick(&self) {
        self.poll();
        self.act(|f, now| f.tick(now));
    }
}

thread_local! {
    /// Polls the running app; set while the event loop runs, so the waker reaches it on the UI
    /// thread.
    static POLL: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

fn waker() -> Waker {
    Arc::new(|| {
        let _ = slint::invoke_from_event_loop(|| {
            POLL.with(|p| {
                if let Some(poll) = p.borrow().as_ref() {
                    poll();
                }
            })
        });
    })
}

/// Builds the app with a waker, shows its window (covering the screen when `fullscreen`) and
/// runs the event loop until the window closes.
pub fn run<A: ModeApp>(
    build: impl FnOnce(Waker) -> Result<Rc<A>, String>,
    fullscreen: bool,
) -> Result<(), String> {
    let app = build(waker())?;
    let weak = Rc::downgrade(&app);
    POLL.with(|p| {
        *p.borrow_mut() = Some(Box::new(move || {
            if let Some(app) = weak.upgrade() {
                app.poll();
            }
        }))
    });
    let timer = slint::Timer::default();
    let weak = Rc::downgrade(&app);
    timer.start(slint::TimerMode::Repeated, TICK_EVERY, move || {
        if let Some(app) = weak.upgrade() {
            app.tick();
        }
    });
    if fullscreen {
        crate::fullscreen::fill_screen(app.ui());
    }
    let result = app.ui().run().map_err(|e| e.to_string());
    POLL.with(|p| p.borrow_mut().take());
    result
}
