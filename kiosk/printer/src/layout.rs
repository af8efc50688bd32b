//! The ticket layout: which block goes where, at which size, for each paper width.
//!
//! Everything is drawn on the host into one image, Arabic shaped right to left, Latin text and the QR code
//! alongside it, so the printer only has to print dots. Sizes are in dots at 203 dpi; Arabic body text stays
//! at 24 dots or more on 80 mm paper and 22 or more on 58 mm, where it is still easy to read.

use std::fmt;

use qrcode::{EcLevel, QrCode};

use crate::canvas::Canvas;
use crate::config::PaperWidth;
use crate::content::{self, TicketContent};
use crate::raster::Raster;
use crate::text::{ARABIC, LATIN, TextEngine, TextStyle};

/// Why a ticket could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// The status link is empty.
    EmptyStatusUrl,
    /// The status link is too long for a QR code that fits the paper at a scannable size.
    StatusUrlTooLong {
        /// Its length in bytes.
        len: usize,
    },
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::EmptyStatusUrl => f.write_str("the ticket's status link is empty"),
            RenderError::StatusUrlTooLong { len } => {
                write!(
                    f,
                    "the ticket's status link ({len} bytes) is too long for a QR code on this paper"
                )
            }
        }
    }
}

impl std::error::Error for RenderError {}

/// Sizes for one paper width.
struct Sizes {
    margin: u32,
    assoc_ar: f32,
    assoc_en: f32,
    caption: f32,
    label: f32,
    service_ar: f32,
    service_en: f32,
    ahead_ar: f32,
    ahead_en: f32,
    date: f32,
    scan_ar: f32,
    scan_en: f32,
    privacy_ar: f32,
    privacy_en: f32,
    /// Preferred dots per QR module (6 ≈ 0.75 mm, easy for phone cameras; 4 is the practical minimum).
    qr_module: u32,
    gap: u32,
}

const WIDE: Sizes = Sizes {
    margin: 12,
    assoc_ar: 36.0,
    assoc_en: 22.0,
    caption: 24.0,
    label: 150.0,
    service_ar: 34.0,
    service_en: 24.0,
    ahead_ar: 30.0,
    ahead_en: 22.0,
    date: 26.0,
    scan_ar: 28.0,
    scan_en: 22.0,
    privacy_ar: 24.0,
    privacy_en: 20.0,
    qr_module: 6,
    gap: 12,
};

const NARROW: Sizes = Sizes {
    margin: 8,
    assoc_ar: 30.0,
    assoc_en: 19.0,
    caption: 22.0,
    label: 112.0,
    service_ar: 30.0,
    service_en: 21.0,
    ahead_ar: 26.0,
    ahead_en: 20.0,
    date: 24.0,
    scan_ar: 24.0,
    scan_en: 20.0,
    privacy_ar: 22.0,
    privacy_en: 18.0,
    qr_module: 5,
    gap: 8,
};

/// The smallest module that still scans reliably off thermal paper.
const MIN_QR_MODULE: u32 = 3;
/// Blank modules around the QR code required by the standard.
const QR_QUIET_ZONE: u32 = 4;

fn arabic(px: f32, bold: bool) -> TextStyle {
    TextStyle {
        family: ARABIC,
        bold,
        px,
        line: 1.45,
        min_px: None,
    }
}

fn latin(px: f32, bold: bool) -> TextStyle {
    TextStyle {
        family: LATIN,
        bold,
        px,
        line: 1.3,
        min_px: None,
    }
}

/// Keeps a line on one line by shrinking it down to 80 % before wrapping.
fn one_line(style: TextStyle) -> TextStyle {
    TextStyle {
        min_px: Some(style.px * 0.8),
        ..style
    }
}

/// Draws the whole ticket as a 1-bit image `width` dots wide (without the QR code and its
/// caption when the ticket has no status link: a check-in slip).
///
/// Uses the process-wide text engine; callers on several threads are serialised on it.
pub fn render_ticket(ticket: &TicketContent, width: PaperWidth) -> Result<Raster, RenderError> {
    let qr = ticket.status_url.as_deref().map(qr_code).transpose()?;
    let mut engine = TextEngine::shared()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    draw(&mut engine, ticket, width, qr.as_ref())
}

fn qr_code(url: &str) -> Result<QrCode, RenderError> {
    if url.trim().is_empty() {
        return Err(RenderError::EmptyStatusUrl);
    }
    // Q recovers 25 % damage (creases, a thumb over the corner) and costs no extra size for a ~46-byte link.
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::Q)
        .map_err(|_| RenderError::StatusUrlTooLong { len: url.len() })
}

fn draw(
    engine: &mut TextEngine,
    t: &TicketContent,
    width: PaperWidth,
    qr: Option<&QrCode>,
) -> Result<Raster, RenderError> {
    let s = if width.is_narrow() { &NARROW } else { &WIDE };
    let mut canvas = Canvas::new(width.dots());
    let left = s.margin;
    let inner = canvas.width() - 2 * s.margin;
    let mut y = s.margin;

    let mut block = |canvas: &mut Canvas, y: &mut u32, text: &str, style: TextStyle| {
        *y += engine.draw_block(canvas, text, style, left, *y, inner);
    };

    // Who we are.
    // Shrunk a little rather than wrapped on 58 mm, but never below the legible minimum.
    let assoc_ar = TextStyle {
        min_px: Some(s.assoc_ar.min(26.0)),
        ..arabic(s.assoc_ar, true)
    };
    let assoc_en = TextStyle {
        min_px: Some(s.assoc_en.min(16.0)),
        ..latin(s.assoc_en, false)
    };
    block(&mut canvas, &mut y, &t.association_name_ar, assoc_ar);
    block(&mut canvas, &mut y, &t.association_name_en, assoc_en);
    y += s.gap / 2;
    canvas.fill_rect(left, y, inner, 3);
    y += 3 + s.gap / 2;

    // The number called at the counter, as large as the paper allows.
    block(
        &mut canvas,
        &mut y,
        &content::label_caption(),
        arabic(s.caption, false),
    );
    let label_style = TextStyle {
        line: 1.08,
        min_px: Some(s.label * 0.4),
        ..latin(s.label, true)
    };
    block(&mut canvas, &mut y, &t.label, label_style);

    // Which service, and how long the wait is.
    block(
        &mut canvas,
        &mut y,
        &t.service_name_ar,
        arabic(s.service_ar, true),
    );
    block(
        &mut canvas,
        &mut y,
        &t.service_name_en,
        latin(s.service_en, false),
    );
    y += s.gap / 2;
    block(
        &mut canvas,
        &mut y,
        &content::people_ahead_ar(t.people_ahead),
        arabic(s.ahead_ar, false),
    );
    block(
        &mut canvas,
        &mut y,
        &content::people_ahead_en(t.people_ahead),
        latin(s.ahead_en, false),
    );
    y += s.gap / 2;
    block(
        &mut canvas,
        &mut y,
        &content::date_line(t.issued_at, crate::time::riyadh()),
        one_line(arabic(s.date, false)),
    );

    // The status link. Modules are whole dots: no resampling, so every edge is sharp.
    if let Some(qr) = qr {
        let modules = qr.width() as u32;
        let module = s
            .qr_module
            .min(canvas.width() / (modules + 2 * QR_QUIET_ZONE));
        if module < MIN_QR_MODULE {
            return Err(RenderError::StatusUrlTooLong {
                len: t.status_url.as_deref().map_or(0, str::len),
            });
        }
        let side = modules * module;
        let qr_left = (canvas.width() - side) / 2;
        let qr_top = y + QR_QUIET_ZONE * module;
        canvas.ensure_height(qr_top + side);
        for (i, color) in qr.to_colors().into_iter().enumerate() {
            if color == qrcode::Color::Dark {
                let (mx, my) = (i as u32 % modules, i as u32 / modules);
                canvas.fill_rect(qr_left + mx * module, qr_top + my * module, module, module);
            }
        }
        y = qr_top + side + QR_QUIET_ZONE * module;

        block(
            &mut canvas,
            &mut y,
            content::SCAN_AR,
            one_line(arabic(s.scan_ar, true)),
        );
        block(
            &mut canvas,
            &mut y,
            content::SCAN_EN,
            one_line(latin(s.scan_en, false)),
        );
    }
    y += s.gap;
    canvas.fill_rect(left + inner / 4, y, inner / 2, 1);
    y += 1 + s.gap / 2;
    block(
        &mut canvas,
        &mut y,
        content::PRIVACY_AR,
        one_line(arabic(s.privacy_ar, false)),
    );
    block(
        &mut canvas,
        &mut y,
        content::PRIVACY_EN,
        one_line(latin(s.privacy_en, false)),
    );
    y += s.margin;

    Ok(canvas.into_raster(y))
}
