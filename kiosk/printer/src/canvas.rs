//! An ink-coverage canvas that grows downwards as the ticket is laid out, then becomes a [`Raster`].

use crate::raster::Raster;

/// Ink coverage per dot, 0 = paper, 255 = full ink. Width is fixed by the paper; height grows.
pub(crate) struct Canvas {
    width: u32,
    height: u32,
    ink: Vec<u8>,
}

impl Canvas {
    pub(crate) fn new(width: u32) -> Self {
        // About the height of an 80 mm ticket, so that growing is rare.
        let mut ink = Vec::with_capacity(width as usize * 1200);
        ink.clear();
        Self {
            width,
            height: 0,
            ink,
        }
    }

    pub(crate) fn width(&self) -> u32 {
        self.width
    }

    /// Makes rows `0..height` exist (new rows are blank).
    pub(crate) fn ensure_height(&mut self, height: u32) {
        if height > self.height {
            self.height = height;
            self.ink.resize(self.width as usize * height as usize, 0);
        }
    }

    /// Adds coverage at (x, y); overlapping glyph edges keep the darker value. Outside the canvas is ignored.
    pub(crate) fn ink(&mut self, x: i32, y: i32, alpha: u8) {
        if x < 0 || y < 0 || x as u32 >= self.width || y as u32 >= self.height {
            return;
        }
        let cell = &mut self.ink[y as usize * self.width as usize + x as usize];
        *cell = (*cell).max(alpha);
    }

    /// Fills a solid black rectangle (rules and QR modules), growing the canvas if needed.
    pub(crate) fn fill_rect(&mut self, x: u32, y: u32, w: u32, h: u32) {
        self.ensure_height(y + h);
        let x_end = (x + w).min(self.width);
        for row in y..y + h {
            let start = row as usize * self.width as usize;
            self.ink[start + x as usize..start + x_end as usize].fill(255);
        }
    }

    /// Thresholds the canvas into a 1-bit raster of exactly `height` rows.
    pub(crate) fn into_raster(mut self, height: u32) -> Raster {
        self.ensure_height(height);
        Raster::from_coverage(self.width, height, &self.ink)
    }
}
