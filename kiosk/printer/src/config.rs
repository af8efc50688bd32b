//! Printer settings from the kiosk's TOML config, validated once at start-up.
//!
//! The `[printer]` table is flat so that installers can write it by hand:
//!
//! ```toml
//! [printer]
//! width = "80mm"              # "80mm" | "58mm" | printable width in dots, e.g. 512
//! driver = "network"          # network | usb | serial | device-file | virtual
//! address = "192.168.1.50"    # network: IP address, optional ":port" (default 9100)
//! # vendor_id = 0x04b8        # usb
//! # product_id = 0x0202       # usb
//! # path = "/dev/ttyUSB0"     # serial or device-file (e.g. "/dev/usb/lp0")
//! # baud = 115200             # serial
//! # dir = "demo-data/tickets" # virtual: folder for <label>-<n>.bin and .png
//! density = 5                 # 1..=9; 5 leaves the printer's own setting alone
//! cut = "partial"             # full | partial | none
//! status_timeout_ms = 2000    # how long a status query may stay unanswered
//! print_timeout_ms = 10000    # how long the ticket may take to come out
//! ```
//!
//! Every error names the field and what it accepts, because the person reading it is an installer on site,
//! not a developer.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// Raw TCP port of network receipt printers ("JetDirect").
pub const DEFAULT_NETWORK_PORT: u16 = 9100;

/// Paper width, which fixes the printable width in dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperWidth {
    /// 80 mm paper, 576 printable dots at 203 dpi.
    Mm80,
    /// 58 mm paper, 384 printable dots at 203 dpi.
    Mm58,
    /// Another printable width (some 80 mm models print 512 dots).
    Custom(Dots),
}

impl PaperWidth {
    /// Printable width in dots.
    pub fn dots(self) -> u32 {
        match self {
            PaperWidth::Mm80 => 576,
            PaperWidth::Mm58 => 384,
            PaperWidth::Custom(d) => u32::from(d.get()),
        }
    }

    /// Whether this is narrow paper that needs the compact layout.
    pub fn is_narrow(self) -> bool {
        self.dots() < 480
    }
}

/// A validated custom printable width: a multiple of 8 in `Dots::MIN..=Dots::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dots(u16);

impl Dots {
    /// Narrower than this, the QR code and the Arabic text no longer fit legibly.
    pub const MIN: u16 = 256;
    /// Wider than any receipt printer (112 mm paper is 832 dots).
    pub const MAX: u16 = 1024;

    /// Checks the range and the multiple of 8 (`GS v 0` sends whole bytes per row).
    pub fn new(dots: u16) -> Result<Self, ConfigError> {
        if (Self::MIN..=Self::MAX).contains(&dots) && dots.is_multiple_of(8) {
            Ok(Self(dots))
        } else {
            Err(ConfigError::Invalid {
                field: "width",
                value: dots.to_string(),
                allowed: "\"80mm\", \"58mm\", or a number of dots that is a multiple of 8 from 256 to 1024",
            })
        }
    }

    /// The width in dots.
    pub fn get(self) -> u16 {
        self.0
    }
}

/// Print darkness. Sent as Epson's `GS ( K` function 49 (print density), which printers that lack it skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Density(u8);

impl Density {
    /// Leaves the printer's own setting alone: no command is sent.
    pub const DEFAULT: Density = Density(5);
    /// Lightest.
    pub const MIN: u8 = 1;
    /// Darkest.
    pub const MAX: u8 = 9;

    /// Checks the range `1..=9`.
    pub fn new(level: u8) -> Result<Self, ConfigError> {
        if (Self::MIN..=Self::MAX).contains(&level) {
            Ok(Self(level))
        } else {
            Err(ConfigError::Invalid {
                field: "density",
                value: level.to_string(),
                allowed: "a whole number from 1 (lightest) to 9 (darkest); 5 keeps the printer's own setting",
            })
        }
    }

    /// The level, 1..=9.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Steps away from the printer's default, -4..=4.
    pub fn step(self) -> i8 {
        self.0 as i8 - Self::DEFAULT.0 as i8
    }
}

impl Default for Density {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What happens at the end of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CutMode {
    /// Cut the paper through.
    Full,
    /// Leave a small bridge so the ticket hangs until taken (the usual kiosk choice).
    #[default]
    Partial,
    /// No cutter: feed far enough to tear the ticket off.
    None,
}

/// How the bytes reach the printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriverConfig {
    /// Raw TCP, normally port 9100.
    Network {
        /// IP address and port (an IP literal: a connect timeout needs no DNS).
        addr: SocketAddr,
    },
    /// USB through libusb (cargo feature `usb`).
    Usb {
        /// USB vendor id, e.g. 0x04b8 for Epson.
        vendor_id: u16,
        /// USB product id.
        product_id: u16,
    },
    /// A serial port (cargo feature `serial`).
    Serial {
        /// Device path, e.g. `/dev/ttyUSB0`.
        path: PathBuf,
        /// Baud rate.
        baud: u32,
    },
    /// A character device such as the kernel's `/dev/usb/lp0`.
    DeviceFile {
        /// Device path.
        path: PathBuf,
    },
    /// No printer: writes `<dir>/<label>-<n>.bin` and a PNG preview (demo and tests).
    Virtual {
        /// Output folder, created if missing.
        dir: PathBuf,
    },
}

impl DriverConfig {
    /// The name used in the config file.
    pub fn kind(&self) -> &'static str {
        match self {
            DriverConfig::Network { .. } => "network",
            DriverConfig::Usb { .. } => "usb",
            DriverConfig::Serial { .. } => "serial",
            DriverConfig::DeviceFile { .. } => "device-file",
            DriverConfig::Virtual { .. } => "virtual",
        }
    }
}

/// All printer settings. Build it with [`PrinterConfig::from_toml_str`], by deserializing a `[printer]` table
/// inside a larger config, or in code with [`PrinterConfig::new`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawPrinterConfig")]
pub struct PrinterConfig {
    /// Paper width.
    pub width: PaperWidth,
    /// Transport.
    pub driver: DriverConfig,
    /// Print darkness.
    pub density: Density,
    /// Cut at the end of each ticket.
    pub cut: CutMode,
    /// How long a status query may stay unanswered before the printer counts as not answering.
    pub status_timeout: Duration,
    /// How long the printer may take to print a ticket before the status after printing counts as missing.
    pub print_timeout: Duration,
}

impl PrinterConfig {
    /// Default for `status_timeout`.
    pub const DEFAULT_STATUS_TIMEOUT: Duration = Duration::from_secs(2);
    /// Default for `print_timeout`.
    pub const DEFAULT_PRINT_TIMEOUT: Duration = Duration::from_secs(10);

    /// Settings with the defaults: default density, partial cut, 2 s status timeout, 10 s print timeout.
    pub fn new(width: PaperWidth, driver: DriverConfig) -> Self {
        Self {
            width,
            driver,
            density: Density::DEFAULT,
            cut: CutMode::default(),
            status_timeout: Self::DEFAULT_STATUS_TIMEOUT,
            print_timeout: Self::DEFAULT_PRINT_TIMEOUT,
        }
    }

    /// Parses the body of a `[printer]` table (without the header line).
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let raw: RawPrinterConfig =
            toml::from_str(text).map_err(|e| ConfigError::Toml(e.to_string()))?;
        Self::try_from(raw)
    }
}

/// A bad printer setting. The message names the field and the values it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// Not TOML, an unknown field, or a value of the wrong type (the message comes from the TOML parser).
    Toml(String),
    /// A field this driver needs is absent.
    Missing {
        /// The field.
        field: &'static str,
        /// The driver that needs it.
        driver: &'static str,
    },
    /// A field that belongs to another driver (usually a copy-paste slip).
    NotForDriver {
        /// The field.
        field: &'static str,
        /// The chosen driver.
        driver: &'static str,
    },
    /// A value outside what the field accepts.
    Invalid {
        /// The field.
        field: &'static str,
        /// What was written.
        value: String,
        /// What is accepted.
        allowed: &'static str,
    },
    /// The driver exists but this build was made without its cargo feature.
    FeatureMissing {
        /// The driver.
        driver: &'static str,
        /// The cargo feature of `kiosk-printer` that enables it.
        feature: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Toml(msg) => write!(f, "printer config: {msg}"),
            ConfigError::Missing { field, driver } => {
                write!(
                    f,
                    "printer config: driver \"{driver}\" needs the field `{field}`"
                )
            }
            ConfigError::NotForDriver { field, driver } => write!(
                f,
                "printer config: field `{field}` is not used by driver \"{driver}\" (remove it, or choose the driver it belongs to)"
            ),
            ConfigError::Invalid {
                field,
                value,
                allowed,
            } => {
                write!(
                    f,
                    "printer config: `{field}` = {value} is not allowed; expected {allowed}"
                )
            }
            ConfigError::FeatureMissing { driver, feature } => write!(
                f,
                "printer config: driver \"{driver}\" is not in this build; rebuild kiosk-printer with the cargo feature `{feature}`"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The table as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrinterConfig {
    width: Option<RawWidth>,
    driver: Option<String>,
    address: Option<String>,
    vendor_id: Option<i64>,
    product_id: Option<i64>,
    path: Option<PathBuf>,
    baud: Option<i64>,
    dir: Option<PathBuf>,
    density: Option<i64>,
    cut: Option<String>,
    status_timeout_ms: Option<i64>,
    print_timeout_ms: Option<i64>,
}

/// `width` is either a paper name or a number of dots.
#[derive(Debug)]
enum RawWidth {
    Name(String),
    Dots(i64),
}

impl<'de> Deserialize<'de> for RawWidth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RawWidth;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"80mm\", \"58mm\" or a number of dots")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawWidth, E> {
                Ok(RawWidth::Name(v.to_owned()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawWidth, E> {
                Ok(RawWidth::Dots(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawWidth, E> {
                Ok(RawWidth::Dots(i64::try_from(v).unwrap_or(i64::MAX)))
            }
        }
        d.deserialize_any(V)
    }
}

const DRIVERS: &str = "one of \"network\", \"usb\", \"serial\", \"device-file\", \"virtual\"";
const BAUDS: [u32; 6] = [9600, 19200, 38400, 57600, 115200, 230400];

impl TryFrom<RawPrinterConfig> for PrinterConfig {
    type Error = ConfigError;

    fn try_from(raw: RawPrinterConfig) -> Result<Self, ConfigError> {
        let width = match raw.width {
            None => return Err(missing("width", "any")),
            Some(RawWidth::Name(name)) => match name.to_ascii_lowercase().replace(' ', "").as_str()
            {
                "80mm" => PaperWidth::Mm80,
                "58mm" => PaperWidth::Mm58,
                _ => {
                    return Err(ConfigError::Invalid {
                        field: "width",
                        value: format!("\"{name}\""),
                        allowed: "\"80mm\", \"58mm\", or a number of dots that is a multiple of 8 from 256 to 1024",
                    });
                }
            },
            Some(RawWidth::Dots(n)) => {
                PaperWidth::Custom(Dots::new(u16::try_from(n).unwrap_or(0)).map_err(|mut e| {
                    if let ConfigError::Invalid { value, .. } = &mut e {
                        *value = n.to_string();
                    }
                    e
                })?)
            }
        };

        let driver_name = raw.driver.ok_or_else(|| missing("driver", "any"))?;
        // Fields each driver reads; any other driver field present is a mistake worth reporting.
        let present: [(&'static str, bool); 6] = [
            ("address", raw.address.is_some()),
            ("vendor_id", raw.vendor_id.is_some()),
            ("product_id", raw.product_id.is_some()),
            ("path", raw.path.is_some()),
            ("baud", raw.baud.is_some()),
            ("dir", raw.dir.is_some()),
        ];
        let (kind, used): (&'static str, &[&str]) = match driver_name.as_str() {
            "network" => ("network", &["address"]),
            "usb" => ("usb", &["vendor_id", "product_id"]),
            "serial" => ("serial", &["path", "baud"]),
            "device-file" => ("device-file", &["path"]),
            "virtual" => ("virtual", &["dir"]),
            other => {
                return Err(ConfigError::Invalid {
                    field: "driver",
                    value: format!("\"{other}\""),
                    allowed: DRIVERS,
                });
            }
        };
        if let Some((field, _)) = present.iter().find(|(f, set)| *set && !used.contains(f)) {
            return Err(ConfigError::NotForDriver {
                field,
                driver: kind,
            });
        }

        let driver = match kind {
            "network" => DriverConfig::Network {
                addr: parse_address(&raw.address.ok_or_else(|| missing("address", kind))?)?,
            },
            "usb" => {
                if !cfg!(feature = "usb") {
                    return Err(ConfigError::FeatureMissing {
                        driver: kind,
                        feature: "usb",
                    });
                }
                DriverConfig::Usb {
                    vendor_id: usb_id(
                        "vendor_id",
                        raw.vendor_id.ok_or_else(|| missing("vendor_id", kind))?,
                    )?,
                    product_id: usb_id(
                        "product_id",
                        raw.product_id.ok_or_else(|| missing("product_id", kind))?,
                    )?,
                }
            }
            "serial" => {
                if !cfg!(feature = "serial") {
                    return Err(ConfigError::FeatureMissing {
                        driver: kind,
                        feature: "serial",
                    });
                }
                let baud = raw.baud.ok_or_else(|| missing("baud", kind))?;
                let baud = u32::try_from(baud)
                    .ok()
                    .filter(|b| BAUDS.contains(b))
                    .ok_or_else(|| ConfigError::Invalid {
                        field: "baud",
                        value: baud.to_string(),
                        allowed: "one of 9600, 19200, 38400, 57600, 115200, 230400",
                    })?;
                DriverConfig::Serial {
                    path: non_empty_path("path", raw.path.ok_or_else(|| missing("path", kind))?)?,
                    baud,
                }
            }
            "device-file" => DriverConfig::DeviceFile {
                path: non_empty_path("path", raw.path.ok_or_else(|| missing("path", kind))?)?,
            },
            _ => DriverConfig::Virtual {
                dir: non_empty_path("dir", raw.dir.ok_or_else(|| missing("dir", kind))?)?,
            },
        };

        let density = match raw.density {
            None => Density::DEFAULT,
            Some(n) => Density::new(u8::try_from(n).unwrap_or(0)).map_err(|_| ConfigError::Invalid {
                field: "density",
                value: n.to_string(),
                allowed: "a whole number from 1 (lightest) to 9 (darkest); 5 keeps the printer's own setting",
            })?,
        };

        let cut = match raw.cut.as_deref() {
            None => CutMode::default(),
            Some("full") => CutMode::Full,
            Some("partial") => CutMode::Partial,
            Some("none") => CutMode::None,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    field: "cut",
                    value: format!("\"{other}\""),
                    allowed: "one of \"full\", \"partial\", \"none\"",
                });
            }
        };

        let status_timeout = millis(
            "status_timeout_ms",
            raw.status_timeout_ms,
            PrinterConfig::DEFAULT_STATUS_TIMEOUT,
            100..=30_000,
            "milliseconds from 100 to 30000",
        )?;
        let print_timeout = millis(
            "print_timeout_ms",
            raw.print_timeout_ms,
            PrinterConfig::DEFAULT_PRINT_TIMEOUT,
            1_000..=120_000,
            "milliseconds from 1000 to 120000",
        )?;

        Ok(PrinterConfig {
            width,
            driver,
            density,
            cut,
            status_timeout,
            print_timeout,
        })
    }
}

fn missing(field: &'static str, driver: &'static str) -> ConfigError {
    ConfigError::Missing { field, driver }
}

/// `192.168.1.50` or `192.168.1.50:9100`. Host names are refused: a kiosk must not wait on DNS to print.
fn parse_address(text: &str) -> Result<SocketAddr, ConfigError> {
    let text = text.trim();
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, DEFAULT_NETWORK_PORT));
    }
    Err(ConfigError::Invalid {
        field: "address",
        value: format!("\"{text}\""),
        allowed: "an IP address with an optional port, e.g. \"192.168.1.50\" or \"192.168.1.50:9100\" (no host names)",
    })
}

fn usb_id(field: &'static str, value: i64) -> Result<u16, ConfigError> {
    u16::try_from(value)
        .ok()
        .filter(|v| *v != 0)
        .ok_or_else(|| ConfigError::Invalid {
            field,
            value: value.to_string(),
            allowed: "a USB id from 0x0001 to 0xFFFF (see `lsusb`)",
        })
}

fn non_empty_path(field: &'static str, path: PathBuf) -> Result<PathBuf, ConfigError> {
    if path.as_os_str().is_empty() {
        Err(ConfigError::Invalid {
            field,
            value: "\"\"".into(),
            allowed: "a non-empty path",
        })
    } else {
        Ok(path)
    }
}

fn millis(
    field: &'static str,
    value: Option<i64>,
    default: Duration,
    range: std::ops::RangeInclusive<i64>,
    allowed: &'static str,
) -> Result<Duration, ConfigError> {
    match value {
        None => Ok(default),
        Some(ms) if range.contains(&ms) => Ok(Duration::from_millis(ms as u64)),
        Some(ms) => Err(ConfigError::Invalid {
            field,
            value: ms.to_string(),
            allowed,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PrinterConfig, ConfigError> {
        PrinterConfig::from_toml_str(text)
    }

    #[test]
    fn full_network_config() {
        let c = parse(
            r#"
            width = "80mm"
            driver = "network"
            address = "192.168.1.50"
            density = 7
            cut = "full"
            status_timeout_ms = 1500
            "#,
        )
        .unwrap();
        assert_eq!(c.width, PaperWidth::Mm80);
        assert_eq!(
            c.driver,
            DriverConfig::Network {
                addr: "192.168.1.50:9100".parse().unwrap()
            }
        );
        assert_eq!(c.density.get(), 7);
        assert_eq!(c.density.step(), 2);
        assert_eq!(c.cut, CutMode::Full);
        assert_eq!(c.status_timeout, Duration::from_millis(1500));
        assert_eq!(c.print_timeout, PrinterConfig::DEFAULT_PRINT_TIMEOUT);
    }

    #[test]
    fn defaults_and_other_drivers() {
        let c = parse("width = \"58mm\"\ndriver = \"virtual\"\ndir = \"out\"").unwrap();
        assert_eq!(c.width.dots(), 384);
        assert_eq!(c.density, Density::DEFAULT);
        assert_eq!(c.cut, CutMode::Partial);
        assert_eq!(c.status_timeout, Duration::from_secs(2));
        let c = parse("width = 512\ndriver = \"device-file\"\npath = \"/dev/usb/lp0\"").unwrap();
        assert_eq!(c.width.dots(), 512);
        assert_eq!(
            c.driver,
            DriverConfig::DeviceFile {
                path: "/dev/usb/lp0".into()
            }
        );
        let c =
            parse("width = \"80mm\"\ndriver = \"network\"\naddress = \"10.0.0.9:9101\"").unwrap();
        assert_eq!(
            c.driver,
            DriverConfig::Network {
                addr: "10.0.0.9:9101".parse().unwrap()
            }
        );
    }

    #[test]
    fn config_embeds_in_a_larger_document() {
        #[derive(Deserialize)]
        struct Kiosk {
            printer: PrinterConfig,
        }
        let k: Kiosk =
            toml::from_str("[printer]\nwidth = \"58mm\"\ndriver = \"virtual\"\ndir = \"x\"")
                .unwrap();
        assert_eq!(k.printer.width, PaperWidth::Mm58);
        let err = toml::from_str::<Kiosk>(
            "[printer]\nwidth = \"58mm\"\ndriver = \"virtual\"\ndir = \"x\"\ndensity = 0",
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("`density` = 0"), "{err}");
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_field_and_the_allowed_values() {
        let base = "driver = \"virtual\"\ndir = \"x\"\n";
        let e = err(&format!("{base}width = \"60mm\""));
        assert!(
            e.contains("`width`") && e.contains("\"60mm\"") && e.contains("\"80mm\", \"58mm\""),
            "{e}"
        );
        let e = err(&format!("{base}width = 500"));
        assert!(
            e.contains("`width` = 500") && e.contains("multiple of 8"),
            "{e}"
        );
        let e = err(&format!("{base}width = \"80mm\"\ndensity = 12"));
        assert!(
            e.contains("`density` = 12") && e.contains("1 (lightest) to 9 (darkest)"),
            "{e}"
        );
        let e = err(&format!("{base}width = \"80mm\"\ncut = \"half\""));
        assert!(
            e.contains("`cut`") && e.contains("\"full\", \"partial\", \"none\""),
            "{e}"
        );
        let e = err(&format!("{base}width = \"80mm\"\nstatus_timeout_ms = 5"));
        assert!(
            e.contains("`status_timeout_ms` = 5") && e.contains("100 to 30000"),
            "{e}"
        );
        let e = err("width = \"80mm\"\ndriver = \"bluetooth\"");
        assert!(
            e.contains("`driver`") && e.contains("\"network\", \"usb\""),
            "{e}"
        );
        let e = err("width = \"80mm\"\ndriver = \"network\"");
        assert!(e.contains("needs the field `address`"), "{e}");
        let e = err("width = \"80mm\"\ndriver = \"network\"\naddress = \"printer.local\"");
        assert!(
            e.contains("`address`") && e.contains("no host names"),
            "{e}"
        );
        let e = err("width = \"80mm\"\ndriver = \"network\"\naddress = \"10.0.0.2\"\ndir = \"x\"");
        assert!(e.contains("`dir` is not used by driver \"network\""), "{e}");
        let e = err("driver = \"network\"\naddress = \"10.0.0.2\"");
        assert!(e.contains("`width`"), "{e}");
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_rejected() {
        let e = err("width = \"80mm\"\ndriver = \"virtual\"\ndir = \"x\"\ndarkness = 3");
        assert!(
            e.contains("unknown field `darkness`") && e.contains("`density`"),
            "{e}"
        );
        let e = err("width = \"80mm\"\ndriver = \"virtual\"\ndir = \"x\"\ndensity = \"dark\"");
        assert!(e.contains("density"), "{e}");
    }

    #[test]
    fn feature_gated_drivers() {
        let usb =
            parse("width = \"80mm\"\ndriver = \"usb\"\nvendor_id = 0x04b8\nproduct_id = 0x0202");
        if cfg!(feature = "usb") {
            assert_eq!(
                usb.unwrap().driver,
                DriverConfig::Usb {
                    vendor_id: 0x04b8,
                    product_id: 0x0202
                }
            );
        } else {
            let e = usb.unwrap_err().to_string();
            assert!(e.contains("feature `usb`"), "{e}");
        }
        let serial =
            parse("width = \"80mm\"\ndriver = \"serial\"\npath = \"/dev/ttyUSB0\"\nbaud = 1234");
        let e = serial.unwrap_err().to_string();
        if cfg!(feature = "serial") {
            assert!(e.contains("`baud` = 1234") && e.contains("115200"), "{e}");
        } else {
            assert!(e.contains("feature `serial`"), "{e}");
        }
    }
}
