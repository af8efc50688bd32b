//! `--fullscreen`: fill the screen whether or not a window manager runs.
//!
//! `Window::set_fullscreen` only asks the window manager (on X11 the `_NET_WM_STATE_FULLSCREEN`
//! hint); a bare kiosk box often runs X with no window manager, and the window then stays at its
//! preferred size in a corner. So once the native window exists, it is also moved to its
//! monitor's origin and sized to the whole monitor by the kiosk itself. With a window manager
//! the fullscreen request does the same and the two agree.

use slint::ComponentHandle;

/// Makes `ui`'s window cover its monitor. Call before the event loop runs.
pub fn fill_screen<C: ComponentHandle + 'static>(ui: &C) {
    ui.window().set_fullscreen(true);
    #[cfg(feature = "window")]
    cover_monitor(ui);
}

/// The winit window, once it exists: at the monitor's origin, the monitor's size, no frame.
#[cfg(feature = "window")]
fn cover_monitor<C: ComponentHandle + 'static>(ui: &C) {
    use slint::winit_030::WinitWindowAccessor;
    let weak = ui.as_weak();
    let task = slint::spawn_local(async move {
        let Some(ui) = weak.upgrade() else { return };
        // Not the winit backend (e.g. KMS, which is full screen anyway): nothing to do.
        let Ok(w) = ui.window().winit_window().await else {
            return;
        };
        let Some(monitor) = w
            .current_monitor()
            .or_else(|| w.primary_monitor())
            .or_else(|| w.available_monitors().next())
        else {
            eprintln!("kiosk: --fullscreen: no monitor reported; the window keeps its size");
            return;
        };
        w.set_decorations(false);
        w.set_outer_position(monitor.position());
        // Granted at once without a window manager; a window manager's fullscreen wins anyway.
        let _ = w.request_inner_size(monitor.size());
    });
    if let Err(e) = task {
        eprintln!("kiosk: --fullscreen: {e}");
    }
}
