//! Kiosk configuration: a TOML file, then command-line overrides (clap, derive: `Cli`).
//!
//! ```toml
//! server = "http://127.0.0.1:8080"
//! public_base_url = "https://queue.example.org"   # what the QR links to (default: server)
//! ca_file = "/etc/awn-kiosk/ca.crt"               # trust only this CA for https (the branch CA)
//! token_file = "/etc/awn-kiosk/token"             # the device token is read from this file;
//!                                                 # missing or empty: pair first (a code on screen)
//! mode = "ticket"
//! fullscreen = true
//! idle_timeout_secs = 60
//! still_there_secs = 20
//! ticket_wipe_secs = 30
//! print_fault_wipe_secs = 120                     # the ticket stays this long when it did not print
//! printed_dir = "/var/lib/awn-kiosk/printed"      # virtual printer folder when there is no [printer]
//!
//! [printer]                                       # see kiosk-printer's PrinterConfig
//! width = "80mm"
//! driver = "network"
//! address = "192.168.1.50:9100"
//! ```

use crate::shell::FlowConfig;
use crate::text::Lang;
use clap::Parser;
use kiosk_printer::{DriverConfig, PaperWidth, PrinterConfig};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The ticket touchscreen at the entrance.
    #[default]
    Ticket,
    /// The touchscreen at the exit: visitors rate a finished visit (its own device token).
    Rating,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: String,
    pub public_base_url: Option<String>,
    /// A PEM file of the CA(s) to trust for an `https://` server (the branch CA's `ca.crt`); the
    /// public web roots when `None`.
    pub ca_file: Option<PathBuf>,
    pub token_file: Option<PathBuf>,
    pub mode: Mode,
    pub fullscreen: bool,
    pub idle_timeout_secs: u64,
    pub still_there_secs: u64,
    pub ticket_wipe_secs: u64,
    pub print_fault_wipe_secs: u64,
    pub request_timeout_ms: u64,
    /// Where the virtual printer writes `<label>-<n>.bin` and `.png` when there is no `[printer]`
    /// table (default: `printed/` next to the token file, else `./demo-data/printed`).
    pub printed_dir: Option<PathBuf>,
    /// The `[printer]` table, validated by `kiosk_printer::PrinterConfig` (errors name the field).
    pub printer: Option<PrinterConfig>,
    /// Render one frame without a display, write it to this PNG and exit (`--headless-frame`).
    #[serde(skip)]
    pub headless_frame: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            server: "http://127.0.0.1:8080".into(),
            public_base_url: None,
            ca_file: None,
            token_file: None,
            mode: Mode::Ticket,
            fullscreen: false,
            idle_timeout_secs: 60,
            still_there_secs: 20,
            ticket_wipe_secs: 30,
            print_fault_wipe_secs: 120,
            request_timeout_ms: 2000,
            printed_dir: None,
            printer: None,
            headless_frame: None,
        }
    }
}

/// The command line. Every flag overrides the same setting of the `--config` file; the device
/// token is only ever read from a file, never given as an argument.
#[derive(Debug, Default, Parser)]
#[command(
    name = "kiosk",
    version,
    about = "The Awn walk-in kiosk: tickets at the entrance, or ratings at the exit"
)]
pub struct Cli {
    /// The TOML configuration file; the flags below override its settings
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The counter-server's address (default http://127.0.0.1:8080)
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// The file holding this device's token
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Which touchscreen this is
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    /// Fill the screen
    #[arg(long)]
    pub fullscreen: bool,
    /// Render one frame without a display, write it to this PNG and exit
    #[arg(long, value_name = "OUT.png")]
    pub headless_frame: Option<PathBuf>,
}

impl Cli {
    /// Reads `--config` (if given) and applies the other flags on top.
    pub fn into_config(self) -> Result<Config, String> {
        let mut cfg = match &self.config {
            Some(path) => {
                let p = path.display();
                let text = std::fs::read_to_string(path).map_err(|e| format!("{p}: {e}"))?;
                toml::from_str(&text).map_err(|e| format!("{p}: {e}"))?
            }
            None => Config::default(),
        };
        if let Some(server) = self.server {
            cfg.server = server;
        }
        if let Some(token_file) = self.token_file {
            cfg.token_file = Some(token_file);
        }
        if let Some(mode) = self.mode {
            cfg.mode = mode;
        }
        cfg.fullscreen |= self.fullscreen;
        cfg.headless_frame = self.headless_frame;
        Ok(cfg)
    }
}

impl Config {
    /// The process's own command line; `--help`, `--version` and usage errors print and exit
    /// here (0 for the first two, 2 for an error, as clap does).
    pub fn from_command_line() -> Result<Config, String> {
        Cli::parse().into_config()
    }

    /// Parses `args` (without the program name) like the command line.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
        let argv = std::iter::once("kiosk".to_string()).chain(args);
        Cli::try_parse_from(argv)
            .map_err(|e| e.to_string())?
            .into_config()
    }

    /// The device token, from the token file (never from the command line itself).
    pub fn token(&self) -> Result<String, String> {
        match &self.token_file {
            None => Ok(String::new()),
            Some(p) => std::fs::read_to_string(p)
                .map(|t| t.trim().to_string())
                .map_err(|e| format!("token file {}: {e}", p.display())),
        }
    }

    /// Whether the kiosk must be paired before it starts: a token file is set but missing or
    /// empty (a new device). The pairing screen then writes the token there (`crate::pairing`).
    pub fn needs_pairing(&self) -> bool {
        // An unreadable file is not a new device: `token` says why at start.
        self.token_file
            .as_deref()
            .is_some_and(|p| match std::fs::read_to_string(p) {
                Ok(t) => t.trim().is_empty(),
                Err(e) => e.kind() == std::io::ErrorKind::NotFound,
            })
    }

    /// The CAs of `ca_file`, if set (an unreadable or empty file stops the kiosk at start).
    pub fn trust(&self) -> Result<Option<crate::tls::Trust>, String> {
        self.ca_file
            .as_deref()
            .map(crate::tls::Trust::load)
            .transpose()
    }

    /// The connection to the counter-server with this device's token (either mode).
    pub fn http(&self) -> Result<crate::http::Http, String> {
        Ok(crate::http::Http::with_trust(
            &self.server,
            &self.token()?,
            Duration::from_millis(self.request_timeout_ms),
            self.trust()?.as_ref(),
        ))
    }

    pub fn public_base(&self) -> &str {
        self.public_base_url.as_deref().unwrap_or(&self.server)
    }

    /// The printer to use: the `[printer]` table, or a virtual printer writing into
    /// `printed_dir` (default: `printed/` beside the token file, else `./demo-data/printed`).
    pub fn printer(&self) -> PrinterConfig {
        if let Some(p) = &self.printer {
            return p.clone();
        }
        let dir = self.printed_dir.clone().unwrap_or_else(|| {
            match self.token_file.as_deref().and_then(|t| t.parent()) {
                Some(parent) if !parent.as_os_str().is_empty() => parent.join("printed"),
                _ => PathBuf::from("demo-data/printed"),
            }
        });
        PrinterConfig::new(PaperWidth::Mm80, DriverConfig::Virtual { dir })
    }

    pub fn flow(&self) -> FlowConfig {
        FlowConfig {
            idle_timeout: Duration::from_secs(self.idle_timeout_secs.max(5)),
            // The prompt stays at least 20 s, whatever the file says.
            still_there: Duration::from_secs(self.still_there_secs.max(20)),
            ticket_wipe: Duration::from_secs(self.ticket_wipe_secs.max(5)),
            // Never shorter than the normal ticket time.
            print_fault_wipe: Duration::from_secs(
                self.print_fault_wipe_secs.max(self.ticket_wipe_secs).max(5),
            ),
            default_lang: Lang::Ar,
            ..FlowConfig::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_flags() {
        let dir = std::env::temp_dir().join(format!("kiosk-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("k.toml");
        std::fs::write(
            &file,
            "server = \"http://10.0.0.5:8080\"\nidle_timeout_secs = 90\nstill_there_secs = 5\n",
        )
        .unwrap();
        let cfg = Config::from_args(
            [
                "--config",
                file.to_str().unwrap(),
                "--server",
                "http://127.0.0.1:9",
            ]
            .map(String::from),
        )
        .unwrap();
        assert_eq!(cfg.server, "http://127.0.0.1:9");
        assert_eq!(cfg.flow().idle_timeout, Duration::from_secs(90));
        assert_eq!(cfg.flow().still_there, Duration::from_secs(20));
        assert_eq!(cfg.public_base(), "http://127.0.0.1:9");
        std::fs::write(&file, "sever = \"typo\"\n").unwrap();
        assert!(Config::from_args(["--config", file.to_str().unwrap()].map(String::from)).is_err());
        assert_eq!(
            Config::from_args(["--mode", "rating"].map(String::from))
                .unwrap()
                .mode,
            Mode::Rating
        );
        assert!(Config::from_args(["--mode", "display"].map(String::from)).is_err());
        // `--flag=value`, and a flag beats the file's setting.
        let cfg = Config::from_args(
            [
                format!("--config={}", file.display()).as_str(),
                "--mode=rating",
                "--server=http://127.0.0.1:7",
                "--fullscreen",
            ]
            .map(String::from),
        );
        assert!(cfg.is_err(), "the file still has the typo");
        std::fs::write(
            &file,
            "server = \"http://10.0.0.5:8080\"\nmode = \"ticket\"\n",
        )
        .unwrap();
        let cfg = Config::from_args(
            [
                format!("--config={}", file.display()).as_str(),
                "--mode=rating",
                "--server=http://127.0.0.1:7",
                "--fullscreen",
            ]
            .map(String::from),
        )
        .unwrap();
        assert_eq!(
            (cfg.mode, cfg.server.as_str(), cfg.fullscreen),
            (Mode::Rating, "http://127.0.0.1:7", true)
        );
    }

    #[test]
    fn printer_table_and_virtual_default() {
        let dir = std::env::temp_dir().join(format!("kiosk-cfg-printer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("k.toml");
        let load = |text: &str| {
            std::fs::write(&file, text).unwrap();
            Config::from_args(["--config", file.to_str().unwrap()].map(String::from))
        };
        let cfg = load(
            "token_file = \"/etc/awn-kiosk/token\"\nprint_fault_wipe_secs = 90\n\n[printer]\nwidth = \"58mm\"\ndriver = \"network\"\naddress = \"192.168.1.50\"\ndensity = 7\ncut = \"full\"\n",
        )
        .unwrap();
        let p = cfg.printer();
        assert_eq!(p.width, PaperWidth::Mm58);
        assert_eq!(p.driver.kind(), "network");
        assert_eq!(p.density.get(), 7);
        assert_eq!(cfg.flow().print_fault_wipe, Duration::from_secs(90));

        let cfg = load(
            "[printer]\nwidth = \"80mm\"\ndriver = \"device-file\"\npath = \"/dev/usb/lp0\"\n",
        )
        .unwrap();
        assert_eq!(
            cfg.printer().driver,
            DriverConfig::DeviceFile {
                path: "/dev/usb/lp0".into()
            }
        );

        // No [printer]: a virtual printer beside the token file, or in ./demo-data/printed.
        let cfg = load("token_file = \"/etc/awn-kiosk/token\"\n").unwrap();
        assert_eq!(
            cfg.printer().driver,
            DriverConfig::Virtual {
                dir: "/etc/awn-kiosk/printed".into()
            }
        );
        assert_eq!(
            Config::default().printer().driver,
            DriverConfig::Virtual {
                dir: "demo-data/printed".into()
            }
        );

        // Bad values: the error names the field.
        for (text, field) in [
            (
                "[printer]\nwidth = \"80mm\"\ndriver = \"network\"\naddress = \"1.2.3.4\"\ndensity = 12\n",
                "`density`",
            ),
            (
                "[printer]\nwidth = \"70mm\"\ndriver = \"network\"\naddress = \"1.2.3.4\"\n",
                "`width`",
            ),
            (
                "[printer]\nwidth = \"80mm\"\ndriver = \"network\"\n",
                "`address`",
            ),
            (
                "[printer]\nwidth = \"80mm\"\ndriver = \"network\"\naddress = \"1.2.3.4\"\ncut = \"half\"\n",
                "cut",
            ),
            (
                "[printer]\nwidth = \"80mm\"\ndriver = \"netwrk\"\n",
                "driver",
            ),
        ] {
            let e = load(text).unwrap_err();
            assert!(e.contains(field) && e.contains("printer config"), "{e}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
