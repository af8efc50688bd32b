//! The status QR drawn on the server as SVG, so the console needs no script library and the
//! token never leaves the response body (no URL, no log).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG QR code of `url` (error correction M, as the kiosk prints it), black on white with the
/// quiet zone, sized by the page's CSS.
pub fn svg(url: &str) -> String {
    match QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build()
            // Inline in HTML: without the XML declaration.
            .split_once("<svg")
            .map(|(_, rest)| format!("<svg{rest}"))
            .unwrap_or_default(),
        // A status link is ~60 bytes; only an absurd base URL could not fit.
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_an_svg_qr() {
        let s = super::svg("https://awn.example/t/Xq3vR8mK2pL9sT4wY7zA1b");
        assert!(s.starts_with("<svg"), "{s:.40}");
        assert!(s.contains("<path"));
    }
}
