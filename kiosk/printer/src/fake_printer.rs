//! A fake network printer for tests: a TCP listener on a loopback port that records every byte and answers
//! `DLE EOT n` and `GS r n` from a state the test sets.
//!
//! It scans the stream the way a printer does, skipping `GS v 0` and `GS ( x` payloads, so that image bytes are
//! never mistaken for status queries. Enabled by the `test-support` feature.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;

use crate::config::{DriverConfig, PaperWidth, PrinterConfig};

/// How the fake printer answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeState {
    /// Ready.
    Ok,
    /// Ready, paper roll nearly used up.
    NearEnd,
    /// Out of paper (offline, stopped by paper end).
    PaperOut,
    /// Cover open (offline).
    CoverOpen,
    /// Offline because of an error (e.g. cutter jam).
    Error,
    /// Answers nothing.
    Silent,
    /// Ready until the first image arrives, then out of paper: the roll ran out during the ticket.
    RunsOutDuringTicket,
}

impl FakeState {
    /// The reply byte to `DLE EOT n`, or `None` when silent.
    fn dle_eot(self, n: u8) -> Option<u8> {
        const BASE: u8 = 0b0001_0010;
        Some(match (self, n) {
            (FakeState::Silent, _) => return None,
            (FakeState::PaperOut | FakeState::CoverOpen | FakeState::Error, 1) => BASE | 0x08,
            (FakeState::PaperOut, 2) => BASE | 0x20,
            (FakeState::CoverOpen, 2) => BASE | 0x04,
            (FakeState::Error, 2) => BASE | 0x40,
            (FakeState::PaperOut, 4) => BASE | 0x60,
            (FakeState::NearEnd, 4) => BASE | 0x0C,
            _ => BASE,
        })
    }

    /// The reply byte to `GS r n`, or `None` when silent.
    fn gs_r(self, n: u8) -> Option<u8> {
        match (self, n) {
            (FakeState::Silent, _) => None,
            (FakeState::PaperOut, 1 | 49) => Some(0x0F),
            (FakeState::NearEnd, 1 | 49) => Some(0x03),
            _ => Some(0x00),
        }
    }
}

struct Shared {
    state: Mutex<FakeState>,
    /// Bytes received, one entry per connection.
    connections: Mutex<Vec<Vec<u8>>>,
    images: AtomicUsize,
    stop: AtomicBool,
}

/// A running fake printer. Stops listening when dropped.
pub struct FakePrinter {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl FakePrinter {
    /// Listens on `127.0.0.1:0` with the given state.
    pub fn start(state: FakeState) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            connections: Mutex::new(Vec::new()),
            images: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let accept = Arc::clone(&shared);
        thread::Builder::new()
            .name("fake-printer".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if accept.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let conn = Arc::clone(&accept);
                    let index = {
                        let mut c = lock(&conn.connections);
                        c.push(Vec::new());
                        c.len() - 1
                    };
                    thread::spawn(move || serve(stream, &conn, index));
                }
            })?;
        Ok(Self { addr, shared })
    }

    /// The address to print to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A network printer config pointing here, with short timeouts so fault tests stay quick.
    pub fn config(&self, width: PaperWidth) -> PrinterConfig {
        let mut config = PrinterConfig::new(width, DriverConfig::Network { addr: self.addr });
        config.status_timeout = std::time::Duration::from_millis(300);
        config.print_timeout = std::time::Duration::from_secs(3);
        config
    }

    /// Changes how the printer answers from now on.
    pub fn set_state(&self, state: FakeState) {
        *lock(&self.shared.state) = state;
    }

    /// The current state.
    pub fn state(&self) -> FakeState {
        *lock(&self.shared.state)
    }

    /// Every byte received so far, all connections in order.
    pub fn received(&self) -> Vec<u8> {
        lock(&self.shared.connections).concat()
    }

    /// Bytes received, one entry per connection.
    pub fn connections(&self) -> Vec<Vec<u8>> {
        lock(&self.shared.connections).clone()
    }

    /// How many `GS v 0` image commands arrived.
    pub fn images_received(&self) -> usize {
        self.shared.images.load(Ordering::SeqCst)
    }
}

impl Drop for FakePrinter {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn serve(mut stream: TcpStream, shared: &Shared, index: usize) {
    let mut scanner = Scanner::default();
    let mut buf = [0u8; 8192];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        lock(&shared.connections)[index].extend_from_slice(&buf[..n]);
        let mut replies = Vec::new();
        scanner.feed(&buf[..n], shared, &mut replies);
        if !replies.is_empty() && stream.write_all(&replies).is_err() {
            return;
        }
    }
}

/// Finds status queries in a stream that arrives in arbitrary pieces.
#[derive(Default)]
struct Scanner {
    pending: Vec<u8>,
    /// Payload bytes still to skip.
    skip: usize,
}

impl Scanner {
    fn feed(&mut self, data: &[u8], shared: &Shared, replies: &mut Vec<u8>) {
        self.pending.extend_from_slice(data);
        let mut i = 0;
        loop {
            if self.skip > 0 {
                let n = self.skip.min(self.pending.len() - i);
                self.skip -= n;
                i += n;
                if self.skip > 0 {
                    break;
                }
            }
            let rest = &self.pending[i..];
            let Some(&first) = rest.first() else { break };
            let needed = match (first, rest.get(1)) {
                (0x10, _) => 3,
                (0x1D, Some(b'v')) => 8,
                (0x1D, Some(b'(')) => 5,
                (0x1D, Some(b'r')) => 3,
                (0x1D, None) => 2,
                _ => 1,
            };
            if rest.len() < needed {
                break;
            }
            let state = *lock(&shared.state);
            match (first, rest.get(1).copied()) {
                (0x10, Some(0x04)) => replies.extend(state.dle_eot(rest[2])),
                (0x1D, Some(b'v')) => {
                    let bytes_per_row = u16::from_le_bytes([rest[4], rest[5]]) as usize;
                    let rows = u16::from_le_bytes([rest[6], rest[7]]) as usize;
                    self.skip = bytes_per_row * rows;
                    shared.images.fetch_add(1, Ordering::SeqCst);
                    if state == FakeState::RunsOutDuringTicket {
                        *lock(&shared.state) = FakeState::PaperOut;
                    }
                }
                (0x1D, Some(b'(')) => self.skip = u16::from_le_bytes([rest[3], rest[4]]) as usize,
                (0x1D, Some(b'r')) => replies.extend(state.gs_r(rest[2])),
                _ => {}
            }
            // Unknown bytes advance by one; known commands by their header.
            i += match (first, rest.get(1).copied()) {
                (0x10, Some(0x04)) | (0x1D, Some(b'v' | b'(' | b'r')) => needed,
                _ => 1,
            };
        }
        self.pending.drain(..i);
    }
}
