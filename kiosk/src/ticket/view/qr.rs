//! The status link as a QR code image for the ticket screen.

use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// The status link as a QR code image (black modules on white, 4-module quiet zone).
pub fn qr_image(url: &str) -> Image {
    if url.is_empty() {
        return Image::default();
    }
    let Ok(code) = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
    else {
        return Image::default();
    };
    let n = code.width();
    let colors = code.to_colors();
    // One pixel per module: the view scales it by a whole number (pixelated), so it stays sharp
    // at any size.
    let scale = 1usize;
    let quiet = 4usize;
    let side = (n + 2 * quiet) * scale;
    let mut buf = SharedPixelBuffer::<Rgb8Pixel>::new(side as u32, side as u32);
    let px = buf.make_mut_slice();
    for (i, p) in px.iter_mut().enumerate() {
        let (x, y) = ((i % side) / scale, (i / side) / scale);
        let dark = x >= quiet
            && y >= quiet
            && x < n + quiet
            && y < n + quiet
            && colors[(y - quiet) * n + (x - quiet)] == qrcode::Color::Dark;
        *p = if dark {
            Rgb8Pixel::new(0, 0, 0)
        } else {
            Rgb8Pixel::new(255, 255, 255)
        };
    }
    Image::from_rgb8(buf)
}
