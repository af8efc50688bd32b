//! The "virtual printer" for the demo and for tests: each ticket becomes `<dir>/<label>-<n>.bin` (the exact
//! bytes a printer would get) and `<dir>/<label>-<n>.png` (what it would print). `n` counts up from 1, so a
//! reprint of the same ticket sits beside the first print instead of replacing it.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::raster::Raster;

/// The files written for one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualOutput {
    /// The ESC/POS stream.
    pub stream: PathBuf,
    /// The PNG preview.
    pub preview: PathBuf,
}

/// Writes one ticket's bytes and preview into `dir` (created if missing).
pub(crate) fn write_ticket(
    dir: &Path,
    label: &str,
    bytes: &[u8],
    raster: &Raster,
) -> std::io::Result<VirtualOutput> {
    fs::create_dir_all(dir)?;
    let stem = file_stem(label);
    for n in 1u32.. {
        let stream = dir.join(format!("{stem}-{n}.bin"));
        // create_new: two kiosks' worth of threads can never write the same file.
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&stream)
        {
            Ok(mut file) => {
                file.write_all(bytes)?;
                let preview = stream.with_extension("png");
                raster.save_png(&preview).map_err(std::io::Error::other)?;
                return Ok(VirtualOutput { stream, preview });
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free file name"))
}

/// The label made safe as a file name: ASCII letters, digits, `-` and `_` are kept, anything else becomes `_`.
fn file_stem(label: &str) -> String {
    let stem: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "ticket".into()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprints_get_the_next_number() {
        let dir = tempfile::tempdir().unwrap();
        let r = Raster::new(8, 2);
        let a = write_ticket(dir.path(), "A-017", b"one", &r).unwrap();
        let b = write_ticket(dir.path(), "A-017", b"two", &r).unwrap();
        assert_eq!(a.stream, dir.path().join("A-017-1.bin"));
        assert_eq!(b.stream, dir.path().join("A-017-2.bin"));
        assert_eq!(fs::read(&b.stream).unwrap(), b"two");
        assert!(b.preview.exists());
    }

    #[test]
    fn labels_cannot_escape_the_folder() {
        assert_eq!(file_stem("../../etc/x"), "______etc_x");
        assert_eq!(file_stem(""), "ticket");
    }
}
