//! Where log lines go. Under systemd (`JOURNAL_STREAM` set) they go to the journal with native
//! priorities (an error is an error in `journalctl -p err`, not "info"); elsewhere to standard
//! output as plain text, coloured only on a terminal, or as JSON.
//!
//! Logs carry no personal data and no token: nothing personal or secret is ever passed to
//! `tracing`, whichever sink this picks.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The format off the journal (`serve --log-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Installs the global subscriber once (a second call is a no-op). `RUST_LOG` filters, default
/// `info`.
pub fn init(format: LogFormat) {
    if std::env::var_os("JOURNAL_STREAM").is_some() {
        // No journal socket (a container, a test): fall through to standard output.
        if let Ok(journal) = tracing_journald::layer() {
            let _ = tracing_subscriber::registry()
                .with(filter())
                .with(journal.with_syslog_identifier("counter-server".into()))
                .try_init();
            return;
        }
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.with_ansi(colour()).try_init(),
    };
}

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into())
}

/// Colour only for a person at a terminal who has not asked for none (`NO_COLOR`).
fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
