//! A 1-bit image in the printer's own memory layout.
//!
//! Rows are packed most-significant bit first with 1 = black dot, exactly as `GS v 0` wants them, so encoding
//! is a copy and the PNG preview is a plain unpacking.

use std::path::Path;

/// A black-and-white image, one bit per printer dot.
#[derive(Clone, PartialEq, Eq)]
pub struct Raster {
    width: u32,
    height: u32,
    bytes_per_row: usize,
    data: Vec<u8>,
}

impl std::fmt::Debug for Raster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The bitmap itself is tens of kilobytes: show the shape only.
        f.debug_struct("Raster")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

impl Raster {
    /// An all-white image.
    pub fn new(width: u32, height: u32) -> Self {
        let bytes_per_row = width.div_ceil(8) as usize;
        Self {
            width,
            height,
            bytes_per_row,
            data: vec![0; bytes_per_row * height as usize],
        }
    }

    /// Thresholds an ink-coverage buffer (0 = paper, 255 = full ink, row-major, `width` per row).
    ///
    /// Coverage ≥ 128 becomes a dot. No dithering: on text it only makes edges noisy.
    pub fn from_coverage(width: u32, height: u32, coverage: &[u8]) -> Self {
        let mut raster = Self::new(width, height);
        let w = width as usize;
        for (y, row) in coverage.chunks_exact(w).take(height as usize).enumerate() {
            let out = &mut raster.data[y * raster.bytes_per_row..(y + 1) * raster.bytes_per_row];
            for (x, &c) in row.iter().enumerate() {
                if c >= 128 {
                    out[x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        raster
    }

    /// Width in dots.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in dots (rows).
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes per packed row: `ceil(width / 8)`.
    pub fn bytes_per_row(&self) -> usize {
        self.bytes_per_row
    }

    /// The packed rows, MSB first, 1 = black.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Whether the dot at (x, y) is black. Out-of-range reads are white.
    pub fn get(&self, x: u32, y: u32) -> bool {
        if x >= self.width || y >= self.height {
            return false;
        }
        let byte = self.data[y as usize * self.bytes_per_row + x as usize / 8];
        byte & (0x80 >> (x % 8)) != 0
    }

    /// Sets the dot at (x, y). Out-of-range writes are ignored.
    pub fn set(&mut self, x: u32, y: u32, black: bool) {
        if x >= self.width || y >= self.height {
            return;
        }
        let byte = &mut self.data[y as usize * self.bytes_per_row + x as usize / 8];
        let mask = 0x80 >> (x % 8);
        if black {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
    }

    /// Number of black dots (used by tests and as a cheap sanity check).
    pub fn black_dots(&self) -> u64 {
        self.data.iter().map(|b| u64::from(b.count_ones())).sum()
    }

    /// A greyscale image (black on white) for previews and screenshots.
    pub fn to_gray_image(&self) -> image::GrayImage {
        image::GrayImage::from_fn(self.width, self.height, |x, y| {
            image::Luma([if self.get(x, y) { 0 } else { 255 }])
        })
    }

    /// Writes a PNG preview.
    pub fn save_png(&self, path: &Path) -> Result<(), image::ImageError> {
        self.to_gray_image()
            .save_with_format(path, image::ImageFormat::Png)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_packs_msb_first() {
        // 10 wide: needs 2 bytes per row; the last 6 bits of each row stay 0.
        let mut cov = vec![0u8; 10 * 2];
        cov[0] = 255; // (0,0)
        cov[9] = 128; // (9,0) exactly at threshold
        cov[10 + 1] = 127; // (1,1) just under
        cov[10 + 7] = 200; // (7,1)
        let r = Raster::from_coverage(10, 2, &cov);
        assert_eq!(r.bytes_per_row(), 2);
        assert_eq!(r.data(), &[0b1000_0000, 0b0100_0000, 0b0000_0001, 0]);
        assert!(r.get(0, 0) && r.get(9, 0) && !r.get(1, 1) && r.get(7, 1));
        assert_eq!(r.black_dots(), 3);
    }

    #[test]
    fn set_and_get_round_trip() {
        let mut r = Raster::new(16, 3);
        r.set(15, 2, true);
        assert!(r.get(15, 2));
        r.set(15, 2, false);
        assert_eq!(r.black_dots(), 0);
        r.set(16, 0, true); // ignored
        assert_eq!(r.black_dots(), 0);
    }
}
