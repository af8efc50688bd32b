//! Shaping and drawing text on the host, because thermal printers cannot shape Arabic.
//!
//! cosmic-text does the HarfBuzz-grade shaping (harfrust), the Unicode bidi algorithm, line breaking and glyph
//! rasterising (swash). The fonts are compiled in, so a ticket looks the same on every kiosk whatever fonts
//! its OS has. One [`TextEngine`] lives for the whole process: its glyph cache makes a warm ticket about five
//! times cheaper than the first one.

use std::sync::{Mutex, OnceLock};

use cosmic_text::{
    Align, Attrs, Buffer, Color, Family, FontSystem, Metrics, Shaping, SwashCache, Weight,
};

use crate::canvas::Canvas;

/// Arabic face (Noto Naskh Arabic, SIL OFL 1.1, licence in `ui/fonts/OFL.txt`).
pub(crate) const ARABIC: &str = "Noto Naskh Arabic";
/// Latin face (Noto Sans, SIL OFL 1.1).
pub(crate) const LATIN: &str = "Noto Sans";

const FONTS: [&[u8]; 4] = [
    include_bytes!("../../../ui/fonts/NotoNaskhArabic-Regular.ttf"),
    include_bytes!("../../../ui/fonts/NotoNaskhArabic-Bold.ttf"),
    include_bytes!("../../../ui/fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../../ui/fonts/NotoSans-Bold.ttf"),
];

/// How one block of text looks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextStyle {
    /// Font family name ([`ARABIC`] or [`LATIN`]); missing glyphs fall back to the other face.
    pub family: &'static str,
    /// Bold weight.
    pub bold: bool,
    /// Font size in dots (pixels at 203 dpi).
    pub px: f32,
    /// Line height as a multiple of `px` (Naskh needs more room for its descenders).
    pub line: f32,
    /// Shrink down to this size to keep the block on one line; wrap only below it.
    pub min_px: Option<f32>,
}

/// Fonts and glyph cache shared by every ticket of the process.
pub(crate) struct TextEngine {
    fonts: FontSystem,
    swash: SwashCache,
}

impl TextEngine {
    fn new() -> Self {
        let mut db = cosmic_text::fontdb::Database::new();
        for face in FONTS {
            db.load_font_data(face.to_vec());
        }
        Self {
            fonts: FontSystem::new_with_locale_and_db("ar-SA".into(), db),
            swash: SwashCache::new(),
        }
    }

    /// The process-wide engine. Printing runs off the UI thread, one ticket at a time, so a mutex is enough.
    pub(crate) fn shared() -> &'static Mutex<TextEngine> {
        static ENGINE: OnceLock<Mutex<TextEngine>> = OnceLock::new();
        ENGINE.get_or_init(|| Mutex::new(TextEngine::new()))
    }

    /// Lays `text` out centred in `width` dots and draws it with its top at `top`, `left` dots from the
    /// canvas edge. Returns the height used.
    pub(crate) fn draw_block(
        &mut self,
        canvas: &mut Canvas,
        text: &str,
        style: TextStyle,
        left: u32,
        top: u32,
        width: u32,
    ) -> u32 {
        let mut px = style.px;
        let mut buffer = self.layout(text, style, px, width);
        if let Some(min_px) = style.min_px {
            while px > min_px && !self.fits_one_line(&buffer, width) {
                px = (px * 0.93).max(min_px);
                buffer = self.layout(text, style, px, width);
            }
        }
        let height = buffer
            .layout_runs()
            .map(|run| run.line_top + run.line_height)
            .fold(0.0f32, f32::max)
            .ceil() as u32;
        canvas.ensure_height(top + height);
        buffer.draw(
            &mut self.fonts,
            &mut self.swash,
            Color::rgb(0, 0, 0),
            |x, y, w, h, color| {
                let alpha = color.a();
                if alpha == 0 {
                    return;
                }
                for dy in 0..h as i32 {
                    for dx in 0..w as i32 {
                        canvas.ink(left as i32 + x + dx, top as i32 + y + dy, alpha);
                    }
                }
            },
        );
        height
    }

    fn layout(&mut self, text: &str, style: TextStyle, px: f32, width: u32) -> Buffer {
        let mut buffer = Buffer::new(&mut self.fonts, Metrics::new(px, px * style.line));
        let weight = if style.bold {
            Weight::BOLD
        } else {
            Weight::NORMAL
        };
        let attrs = Attrs::new()
            .family(Family::Name(style.family))
            .weight(weight);
        buffer.set_size(Some(width as f32), None);
        // Shaping::Advanced is what joins Arabic letters; Basic prints them isolated and reversed.
        buffer.set_text(text, &attrs, Shaping::Advanced, Some(Align::Center));
        buffer.shape_until_scroll(&mut self.fonts, false);
        buffer
    }

    fn fits_one_line(&self, buffer: &Buffer, width: u32) -> bool {
        let mut runs = buffer.layout_runs();
        match (runs.next(), runs.next()) {
            (Some(run), None) => run.line_w <= width as f32,
            _ => false,
        }
    }
}
