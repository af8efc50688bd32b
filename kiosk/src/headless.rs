//! Headless rendering with Slint's software renderer: a window that is a pixel buffer, used by
//! the tests, the screenshots, the benchmark and `kiosk --headless-frame`.

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, PointerEventButton, WindowAdapter, WindowEvent};
use slint::{LogicalPosition, PhysicalSize, Rgb8Pixel};
use std::rc::Rc;

struct Headless(Rc<MinimalSoftwareWindow>);

impl Platform for Headless {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.0.clone()) // every component shares this window
    }
}

/// Installs the headless platform (once per process, before any component exists).
pub fn install(width: u32, height: u32) -> Result<Rc<MinimalSoftwareWindow>, slint::PlatformError> {
    let win = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    win.set_size(PhysicalSize::new(width, height));
    slint::platform::set_platform(Box::new(Headless(win.clone())))
        .map_err(|e| slint::PlatformError::Other(e.to_string()))?;
    Ok(win)
}

/// A full repaint into a fresh RGB buffer (row stride = width).
pub fn frame(win: &MinimalSoftwareWindow) -> (u32, u32, Vec<Rgb8Pixel>) {
    let s = win.size();
    let mut px = vec![Rgb8Pixel::new(0, 0, 0); (s.width * s.height) as usize];
    slint::platform::update_timers_and_animations();
    win.request_redraw();
    win.draw_if_needed(|r| {
        r.render(&mut px, s.width as usize);
    });
    (s.width, s.height, px)
}

pub fn save_png(path: &std::path::Path, w: u32, h: u32, px: &[Rgb8Pixel]) -> std::io::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut enc = png::Encoder::new(file, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(std::io::Error::other)?;
    let bytes: Vec<u8> = px.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
    writer
        .write_image_data(&bytes)
        .map_err(std::io::Error::other)
}

/// A tap (press + release) at a logical position.
pub fn tap(window: &slint::Window, x: f32, y: f32) {
    let position = LogicalPosition::new(x, y);
    window.dispatch_event(WindowEvent::PointerPressed {
        position,
        button: PointerEventButton::Left,
    });
    window.dispatch_event(WindowEvent::PointerReleased {
        position,
        button: PointerEventButton::Left,
    });
    window.dispatch_event(WindowEvent::PointerExited);
}
