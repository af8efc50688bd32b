//! Pairing: a kiosk whose token file is missing or empty (`Config::needs_pairing`) first shows a
//! six-digit code, in Arabic and English, with a QR of the console's pairing link; an admin
//! types (or scans) it in the staff console; the worker (`client`) receives the device token,
//! which is written to the token file (mode 0600), and the kiosk goes on to its mode.

pub mod client;

use crate::config::{Config, Mode};
use crate::text::{PAIRING_AR, PAIRING_EN, PairingLabels};
use client::{PairingClient, PairingEvent};
use slint::{ComponentHandle, SharedString};
use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The pause after a failed call to the server.
const RETRY: Duration = Duration::from_secs(3);

/// What the screen says under the code.
#[derive(Clone, Copy)]
enum Status {
    Asking,
    Waiting,
    Offline,
    WrongScope,
    Paired,
}

fn status_text(l: &PairingLabels, s: Status) -> &'static str {
    match s {
        Status::Asking => l.asking,
        Status::Waiting => l.waiting,
        Status::Offline => l.offline,
        Status::WrongScope => l.wrong_scope,
        Status::Paired => l.paired,
    }
}

fn texts(l: &PairingLabels, s: Status) -> ui::PairingTexts {
    ui::PairingTexts {
        title: l.title.into(),
        how: l.how.into(),
        renew: l.renew.into(),
        status: status_text(l, s).into(),
    }
}

/// The pairing window and its worker.
pub struct Pairing {
    pub ui: ui::PairingWindow,
    client: PairingClient,
    token_file: PathBuf,
    console_link: String,
    /// The scope last refused (shown until the next code arrives).
    wrong_scope: RefCell<bool>,
}

impl Pairing {
    /// The window (not yet shown) and the worker asking for a code.
    pub fn start(cfg: &Config) -> Result<Pairing, String> {
        let token_file = cfg
            .token_file
            .clone()
            .ok_or("pairing needs a token_file to write the token to")?;
        let http = crate::http::Http::with_trust(
            &cfg.server,
            "",
            Duration::from_millis(cfg.request_timeout_ms),
            cfg.trust()?.as_ref(),
        );
        let scope = match cfg.mode {
            Mode::Ticket => "kiosk",
            Mode::Rating => "rating",
        };
        let ui = ui::PairingWindow::new().map_err(|e| e.to_string())?;
        let p = Pairing {
            ui,
            client: PairingClient::start(http, scope, RETRY),
            token_file,
            console_link: format!("{}/console#pair=", cfg.public_base().trim_end_matches('/')),
            wrong_scope: RefCell::new(false),
        };
        p.show_status(Status::Asking);
        Ok(p)
    }

    fn show_status(&self, s: Status) {
        self.ui.set_ar(texts(&PAIRING_AR, s));
        self.ui.set_en(texts(&PAIRING_EN, s));
    }

    /// The code on screen (empty before the first one arrives).
    pub fn code(&self) -> String {
        self.ui.get_code().replace(' ', "")
    }

    /// Reads the worker's events into the window; once paired, writes the token file and
    /// returns the token.
    pub fn poll(&self) -> Result<Option<String>, String> {
        for event in self.client.events() {
            match event {
                PairingEvent::Code(code) => {
                    // Three and three, as people read it out; the QR holds the digits only.
                    let shown = format!(
                        "{} {}",
                        &code[..3.min(code.len())],
                        &code[3.min(code.len())..]
                    );
                    self.ui.set_code(SharedString::from(shown));
                    self.ui.set_qr(crate::ticket::view::qr_image(&format!(
                        "{}{code}",
                        self.console_link
                    )));
                    let wrong = std::mem::take(&mut *self.wrong_scope.borrow_mut());
                    self.show_status(if wrong {
                        Status::WrongScope
                    } else {
                        Status::Waiting
                    });
                }
                PairingEvent::Offline => self.show_status(Status::Offline),
                PairingEvent::WrongScope(_) => {
                    *self.wrong_scope.borrow_mut() = true;
                    self.show_status(Status::WrongScope);
                }
                PairingEvent::Paired(token) => {
                    write_token_file(&self.token_file, &token)?;
                    self.show_status(Status::Paired);
                    return Ok(Some(token));
                }
            }
        }
        Ok(None)
    }
}

/// Writes `token` to `path`, readable by this user only (0600): into a new file beside it,
/// synced, then renamed over, so a crash never leaves half a token.
pub fn write_token_file(path: &Path, token: &str) -> Result<(), String> {
    let show = |e: std::io::Error| format!("token file {}: {e}", path.display());
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".new");
    let tmp = PathBuf::from(tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&tmp).map_err(show)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(show)?;
    }
    writeln!(f, "{token}").map_err(show)?;
    f.sync_all().map_err(show)?;
    std::fs::rename(&tmp, path).map_err(show)
}

/// Shows the pairing window until the kiosk is paired (its own event loop, which ends then).
pub fn run(cfg: &Config) -> Result<(), String> {
    let pairing = std::rc::Rc::new(Pairing::start(cfg)?);
    pairing.ui.show().map_err(|e| e.to_string())?;
    if cfg.fullscreen {
        crate::fullscreen::fill_screen(&pairing.ui);
    }
    // None while pairing; then whether the token was written.
    let outcome = std::rc::Rc::new(RefCell::new(None));
    let timer = slint::Timer::default();
    {
        let (pairing, outcome) = (pairing.clone(), outcome.clone());
        timer.start(
            slint::TimerMode::Repeated,
            Duration::from_millis(250),
            move || {
                let done = match pairing.poll() {
                    Ok(None) => return,
                    Ok(Some(_)) => Ok(()),
                    Err(e) => Err(e),
                };
                *outcome.borrow_mut() = Some(done);
                let _ = slint::quit_event_loop();
            },
        );
    }
    // Ends when paired, or when the window is closed.
    slint::run_event_loop().map_err(|e| e.to_string())?;
    timer.stop();
    pairing.ui.hide().map_err(|e| e.to_string())?;
    outcome
        .borrow_mut()
        .take()
        .unwrap_or_else(|| Err("the pairing window was closed before the kiosk was paired".into()))
}
