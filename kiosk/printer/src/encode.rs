//! The ESC/POS byte stream for one ticket: initialise, darkness, the image as `GS v 0` bands, cut.
//!
//! The standard commands (`ESC @`, full cut) come from the `escpos` crate's `Printer`, run over an in-memory
//! driver so the stream can be built, tested and measured without a printer. The raster encoder is ours: the
//! crate's own needs its `graphics` feature, which pulls `image` with every codec for no gain.

use std::sync::{Arc, Mutex};

use escpos::driver::Driver;
use escpos::errors::Result as EscposResult;
use escpos::printer::Printer;
use escpos::utils::Protocol;

use crate::config::{CutMode, Density, PrinterConfig};
use crate::raster::Raster;

/// Rows per `GS v 0` command: small printer buffers choke on one huge image.
pub const BAND_ROWS: u32 = 256;

/// Lines fed after a ticket when there is no cutter, so it clears the tear bar.
const TEAR_OFF_FEED_LINES: u8 = 5;

/// Builds the complete byte stream for one ticket image.
pub fn encode_escpos(raster: &Raster, config: &PrinterConfig) -> Vec<u8> {
    let sink = Capture::default();
    let mut printer = Printer::new(sink.clone(), Protocol::default(), None);
    build(&mut printer, raster, config)
        // Invariant: the capture driver never fails and these commands take no user input.
        .expect("escpos commands into an in-memory buffer cannot fail");
    sink.take()
}

fn build(
    printer: &mut Printer<Capture>,
    raster: &Raster,
    config: &PrinterConfig,
) -> EscposResult<()> {
    printer.init()?;
    if config.density != Density::DEFAULT {
        printer.custom(&density_command(config.density))?;
    }
    printer.custom(&gs_v0_bands(raster))?;
    match config.cut {
        // `GS V 65 0`: feed to the cutter, then cut through.
        CutMode::Full => printer.cut()?,
        // `GS V 66 0`: feed to the cutter, then cut leaving a bridge. (escpos 0.20's `partial_cut` sends
        // `GS V 65 1`, which Epson defines as a *full* cut.)
        CutMode::Partial => printer.custom(&[0x1D, b'V', 66, 0])?,
        CutMode::None => printer.feeds(TEAR_OFF_FEED_LINES)?,
    };
    printer.print()?;
    Ok(())
}

/// Epson `GS ( K <Function 49>` (select print density): `1D 28 4B 02 00 31 m`, `m` = steps from the
/// printer's default as a signed byte (printers without the function skip it by its length).
pub fn density_command(density: Density) -> [u8; 7] {
    [0x1D, b'(', b'K', 2, 0, 49, density.step() as u8]
}

/// The image as `GS v 0` commands of at most [`BAND_ROWS`] rows each.
///
/// Each band: `1D 76 30 00`, bytes per row (u16 LE), rows (u16 LE), then the packed rows (MSB first,
/// 1 = black). Real-time command sequences (`DLE EOT`, `DLE ENQ`, `DLE DC4`) that happen to appear in the image
/// data are defused, because some printers execute them even inside an image.
pub fn gs_v0_bands(raster: &Raster) -> Vec<u8> {
    let bpr = raster.bytes_per_row();
    let mut out =
        Vec::with_capacity(raster.data().len() + 8 * raster.height().div_ceil(BAND_ROWS) as usize);
    for band in raster.data().chunks(bpr * BAND_ROWS as usize) {
        let rows = (band.len() / bpr) as u16;
        out.extend_from_slice(&[0x1D, 0x76, 0x30, 0x00]);
        out.extend_from_slice(&(bpr as u16).to_le_bytes());
        out.extend_from_slice(&rows.to_le_bytes());
        let start = out.len();
        out.extend_from_slice(band);
        defuse_realtime(&mut out[start..]);
    }
    out
}

/// Clears the single dot that makes `10 04|05|14` inside image data, which a printer could mistake for a
/// real-time command (`0x10` is one isolated dot: removing it cannot be seen).
fn defuse_realtime(data: &mut [u8]) {
    for i in 0..data.len().saturating_sub(1) {
        if data[i] == 0x10 && matches!(data[i + 1], 0x04 | 0x05 | 0x14) {
            data[i] = 0;
        }
    }
}

/// An escpos driver that keeps what it is given.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }
    fn write(&self, data: &[u8]) -> EscposResult<()> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> EscposResult<usize> {
        Ok(0)
    }
    fn flush(&self) -> EscposResult<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DriverConfig, PaperWidth};

    fn config(cut: CutMode, density: u8) -> PrinterConfig {
        let mut c = PrinterConfig::new(
            PaperWidth::Mm80,
            DriverConfig::Virtual {
                dir: "unused".into(),
            },
        );
        c.cut = cut;
        c.density = Density::new(density).unwrap();
        c
    }

    /// 10 x 3 image: row 0 = dots 0 and 9, row 1 = empty, row 2 = dots 0..8.
    fn tiny() -> Raster {
        let mut r = Raster::new(10, 3);
        r.set(0, 0, true);
        r.set(9, 0, true);
        for x in 0..8 {
            r.set(x, 2, true);
        }
        r
    }

    #[test]
    fn gs_v0_is_byte_exact_on_a_tiny_image() {
        assert_eq!(
            gs_v0_bands(&tiny()),
            [
                0x1D,
                0x76,
                0x30,
                0x00,
                2,
                0,
                3,
                0,
                0b1000_0000,
                0b0100_0000,
                0,
                0,
                0xFF,
                0
            ]
        );
    }

    #[test]
    fn tall_images_are_split_in_bands_of_256_rows() {
        let mut r = Raster::new(8, 600);
        r.set(0, 599, true);
        let bytes = gs_v0_bands(&r);
        // Three headers (256 + 256 + 88 rows) and one byte per row.
        assert_eq!(bytes.len(), 3 * 8 + 600);
        assert_eq!(&bytes[0..8], &[0x1D, 0x76, 0x30, 0, 1, 0, 0, 1]);
        assert_eq!(
            &bytes[8 + 256..8 + 256 + 8],
            &[0x1D, 0x76, 0x30, 0, 1, 0, 0, 1]
        );
        assert_eq!(
            &bytes[2 * (8 + 256)..2 * (8 + 256) + 8],
            &[0x1D, 0x76, 0x30, 0, 1, 0, 88, 0]
        );
        assert_eq!(*bytes.last().unwrap(), 0x80);
    }

    #[test]
    fn whole_stream_init_image_cut() {
        let image = gs_v0_bands(&tiny());
        let mut expected = vec![0x1B, b'@'];
        expected.extend_from_slice(&image);
        expected.extend_from_slice(&[0x1D, b'V', 66, 0]);
        assert_eq!(
            encode_escpos(&tiny(), &config(CutMode::Partial, 5)),
            expected
        );

        let full = encode_escpos(&tiny(), &config(CutMode::Full, 5));
        assert_eq!(&full[full.len() - 4..], &[0x1D, b'V', b'A', 0]);
        let none = encode_escpos(&tiny(), &config(CutMode::None, 5));
        assert_eq!(&none[none.len() - 3..], &[0x1B, b'd', TEAR_OFF_FEED_LINES]);
    }

    #[test]
    fn density_is_sent_only_when_not_default() {
        let dark = encode_escpos(&tiny(), &config(CutMode::Partial, 8));
        assert_eq!(&dark[2..9], &[0x1D, b'(', b'K', 2, 0, 49, 3]);
        let light = encode_escpos(&tiny(), &config(CutMode::Partial, 1));
        assert_eq!(&light[2..9], &[0x1D, b'(', b'K', 2, 0, 49, 0xFC]);
    }

    #[test]
    fn realtime_sequences_in_image_data_are_defused() {
        let mut r = Raster::new(16, 1);
        r.set(3, 0, true); // 0x10
        r.set(13, 0, true); // 0x04
        let bytes = gs_v0_bands(&r);
        assert_eq!(&bytes[8..], &[0x00, 0x04]);
    }
}
