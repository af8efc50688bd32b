//! Opening the configured connection to a physical printer, as an `escpos` driver.
//!
//! Network, USB and serial use the `escpos` crate's drivers. The device-file driver is ours: escpos's
//! `FileDriver` reads without a timeout, and a blocked read on `/dev/usb/lp0` would hang the print worker
//! instead of reporting [`PrintFault::NoAnswer`].

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use escpos::driver::{Driver, NetworkDriver};
use escpos::errors::{PrinterError, Result as EscposResult};

use crate::config::{DriverConfig, PrinterConfig};
use crate::fault::PrintFault;

/// An open connection to a printer.
pub(crate) type Transport = Box<dyn Driver + Send>;

/// Opens the configured printer. `Virtual` has no connection and is handled by the caller.
pub(crate) fn open(config: &PrinterConfig) -> Result<Transport, PrintFault> {
    let timeout = config.status_timeout;
    match &config.driver {
        DriverConfig::Network { addr } => {
            let started = Instant::now();
            NetworkDriver::open(&addr.ip().to_string(), addr.port(), Some(timeout))
                .map(|d| Box::new(d) as Transport)
                // A refused or unreachable address fails at once; a printer that never answers the SYN
                // takes the whole timeout.
                .map_err(|_| {
                    if started.elapsed() >= timeout {
                        PrintFault::NoAnswer
                    } else {
                        PrintFault::Offline
                    }
                })
        }
        DriverConfig::DeviceFile { path } => DeviceFile::open(path)
            .map(|d| Box::new(d) as Transport)
            .map_err(|e| PrintFault::Io(format!("{}: {e}", path.display()))),
        #[cfg(feature = "usb")]
        DriverConfig::Usb {
            vendor_id,
            product_id,
        } => escpos::driver::UsbDriver::open(*vendor_id, *product_id, Some(timeout), None)
            .map(|d| Box::new(d) as Transport)
            .map_err(|_| PrintFault::Offline),
        #[cfg(feature = "serial")]
        DriverConfig::Serial { path, baud } => {
            escpos::driver::SerialPortDriver::open(&path.to_string_lossy(), *baud, Some(timeout))
                .map(|d| Box::new(d) as Transport)
                .map_err(|e| PrintFault::Io(format!("{}: {e}", path.display())))
        }
        // Config parsing already refuses these drivers in builds without their feature.
        #[cfg(not(feature = "usb"))]
        DriverConfig::Usb { .. } => Err(crate::config::ConfigError::FeatureMissing {
            driver: "usb",
            feature: "usb",
        }
        .into()),
        #[cfg(not(feature = "serial"))]
        DriverConfig::Serial { .. } => Err(crate::config::ConfigError::FeatureMissing {
            driver: "serial",
            feature: "serial",
        }
        .into()),
        DriverConfig::Virtual { .. } => Err(PrintFault::Io(
            "the virtual printer has no connection to open".into(),
        )),
    }
}

/// A printer character device (`/dev/usb/lp0`, `/dev/lp0`) opened read-write.
///
/// Reads wait at most [`DeviceFile::READ_SLICE`] (with `poll`), so the status code can keep its own deadline.
#[derive(Clone)]
pub(crate) struct DeviceFile {
    name: String,
    file: Arc<Mutex<File>>,
}

impl DeviceFile {
    /// How long one read waits for the printer.
    const READ_SLICE: Duration = Duration::from_millis(50);

    pub(crate) fn open(path: &Path) -> std::io::Result<Self> {
        // One handle: the kernel's usblp allows a single open at a time.
        let file = File::options().read(true).write(true).open(path)?;
        Ok(Self {
            name: path.display().to_string(),
            file: Arc::new(Mutex::new(file)),
        })
    }

    fn lock(&self) -> EscposResult<std::sync::MutexGuard<'_, File>> {
        self.file
            .lock()
            .map_err(|e| PrinterError::Io(e.to_string()))
    }
}

impl Driver for DeviceFile {
    fn name(&self) -> String {
        format!("device file ({})", self.name)
    }

    fn write(&self, data: &[u8]) -> EscposResult<()> {
        Ok(self.lock()?.write_all(data)?)
    }

    fn read(&self, buf: &mut [u8]) -> EscposResult<usize> {
        let mut file = self.lock()?;
        let timeout = rustix::event::Timespec::try_from(Self::READ_SLICE).unwrap_or_default();
        let mut fds = [rustix::event::PollFd::new(
            &*file,
            rustix::event::PollFlags::IN,
        )];
        let ready = rustix::event::poll(&mut fds, Some(&timeout))
            .map_err(|e| PrinterError::Io(e.to_string()))?;
        if ready == 0 {
            return Ok(0);
        }
        Ok(file.read(buf)?)
    }

    fn flush(&self) -> EscposResult<()> {
        Ok(self.lock()?.flush()?)
    }
}
