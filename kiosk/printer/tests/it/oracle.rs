//! The ticket as an independent decoder sees it.
//!
//! The bytes the fake printer recorded are decoded by npm `npos@0.1.19` (not written by us,
//! `tests/oracle/decode.js`) into an image. That image must equal what we rendered dot for dot, its QR code
//! must read back (zbarimg) as exactly the status link, and no intake data may appear in the bytes, the
//! decoded text, the QR payload or (when tesseract is installed) the OCR of the ticket.
//!
//! Tools: node + `npm ci` in `tests/oracle`, zbar-tools, imagemagick. Missing tools fail the test when `CI`
//! is set and skip it loudly otherwise. `UPDATE_SCREENSHOTS=1` also writes `docs/screenshots/ticket-*.png`
//! from the decoded images.

use std::path::{Path, PathBuf};
use std::process::Command;

use kiosk_printer::fake_printer::{FakePrinter, FakeState};
use kiosk_printer::{PaperWidth, Raster, TicketContent, print_ticket, render_ticket};

use crate::common::{SENTINEL, STATUS_URL, WIDTHS, contains, intake, ticket};

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle")
}

/// Checks the external tools. `None` means skip (only outside CI).
fn tools_present() -> Option<()> {
    let mut missing = Vec::new();
    for (tool, arg) in [
        ("node", "--version"),
        ("zbarimg", "--version"),
        ("convert", "-version"),
    ] {
        let ok = Command::new(tool)
            .arg(arg)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            missing.push(tool.to_owned());
        }
    }
    if !oracle_dir().join("node_modules/npos/package.json").exists() {
        missing.push("npos (node_modules in kiosk/printer/tests/oracle)".to_owned());
    }
    if missing.is_empty() {
        return Some(());
    }
    let message = format!(
        "oracle tools missing: {}. Install with: apt-get install -y nodejs npm zbar-tools imagemagick && \
         (cd kiosk/printer/tests/oracle && npm ci --no-audit --no-fund --omit=optional)",
        missing.join(", ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("{message}");
    }
    eprintln!("\n!!!!! SKIPPING the ESC/POS oracle test: {message} !!!!!\n");
    None
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

/// Fails to compile when a field is added to `TicketContent`: any new field must be reviewed for privacy
/// (no name, ID, phone or need may ever be printed) before this list is extended.
fn ticket_fields(t: &TicketContent) -> Vec<String> {
    let TicketContent {
        association_name_ar,
        association_name_en,
        label,
        service_name_ar,
        service_name_en,
        people_ahead,
        issued_at,
        status_url,
    } = t;
    vec![
        association_name_ar.clone(),
        association_name_en.clone(),
        label.clone(),
        service_name_ar.clone(),
        service_name_en.clone(),
        people_ahead.to_string(),
        issued_at.to_string(),
        status_url.clone().unwrap_or_default(),
    ]
}

#[test]
fn ticket_content_cannot_carry_intake_data() {
    let t = ticket(&intake());
    assert!(ticket_fields(&t).iter().all(|f| !f.contains(SENTINEL)));
    assert!(!format!("{t:?}").contains(SENTINEL));
}

#[test]
fn decoded_stream_shows_the_ticket_and_its_qr_reads_back_as_the_status_link() {
    let Some(()) = tools_present() else { return };
    let work = tempfile::tempdir().unwrap();
    let intake = intake();
    for (width, name) in WIDTHS {
        let printer = FakePrinter::start(FakeState::Ok).unwrap();
        let t = ticket(&intake);
        print_ticket(&printer.config(width), &t).unwrap();
        let stream = printer.received();
        assert!(
            !contains(&stream, SENTINEL.as_bytes()),
            "{name}: sentinel in the byte stream"
        );
        assert!(
            !contains(&stream, b"7731"),
            "{name}: part of the sentinel in the byte stream"
        );

        let bin = work.path().join(format!("{name}.bin"));
        std::fs::write(&bin, &stream).unwrap();
        let out_dir = work.path().join(name);
        let json = run(Command::new("node")
            .arg(oracle_dir().join("decode.js"))
            .arg(&bin)
            .arg(&out_dir));
        let decoded: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(
            !json.contains(SENTINEL),
            "{name}: sentinel in the decoded stream"
        );
        for text in decoded["texts"].as_array().unwrap() {
            assert!(!text.as_str().unwrap().contains(SENTINEL));
        }
        let commands: Vec<&str> = decoded["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(
            commands.contains(&"ESC@") && commands.contains(&"GSv0") && commands.contains(&"GSV"),
            "{commands:?}"
        );

        // npos merges consecutive bands into one image; stack them if it did not.
        let files: Vec<String> = decoded["rasters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["file"].as_str().unwrap().to_owned())
            .collect();
        assert!(!files.is_empty(), "{name}: npos found no image");
        let png = work.path().join(format!("ticket-{name}.png"));
        run(Command::new("convert")
            .args(&files)
            .arg("-append")
            .arg(&png));

        let rendered = render_ticket(&t, width).unwrap();
        assert_same_dots(&png, &rendered, name);

        let qr = run(Command::new("zbarimg").args(["-q", "--raw"]).arg(&png));
        assert_eq!(qr, format!("{STATUS_URL}\n"), "{name}: QR payload");

        ocr_check(&png, name);

        if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
            let dest = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../docs/screenshots/ticket-{name}.png"));
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            run(Command::new("convert")
                .arg(&png)
                .args(["-strip", "-colors", "2", "-depth", "1"])
                .arg(&dest));
            eprintln!("wrote {}", dest.display());
        }
    }
}

/// The decoded image must be the rendered raster, dot for dot.
fn assert_same_dots(png: &Path, rendered: &Raster, name: &str) {
    let decoded = image::open(png).unwrap().to_luma8();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (rendered.width(), rendered.height()),
        "{name}: size"
    );
    let wrong = (0..rendered.height())
        .flat_map(|y| (0..rendered.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| (decoded.get_pixel(x, y).0[0] < 128) != rendered.get(x, y))
        .count();
    assert!(
        rendered.black_dots() > 10_000,
        "{name}: the ticket is nearly blank"
    );
    // Only dots defused by the encoder (isolated `10 04`-like bytes) may differ.
    assert!(
        wrong <= 4,
        "{name}: {wrong} dots differ between the decoded stream and the rendered ticket"
    );
}

/// OCR of a few words in both languages, when tesseract with Arabic is installed (optional: ~2 s per ticket).
fn ocr_check(png: &Path, name: &str) {
    let has_ara = Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == "ara")
        })
        .unwrap_or(false);
    if !has_ara {
        eprintln!(
            "(optional OCR check skipped: tesseract with the `ara` language is not installed)"
        );
        return;
    }
    let mut text = String::new();
    for psm in ["3", "6", "11"] {
        text += &run(Command::new("tesseract")
            .arg(png)
            .arg("-")
            .args(["-l", "ara+eng", "--psm", psm]));
    }
    assert!(!text.contains(SENTINEL), "{name}: sentinel in OCR");
    for word in [
        "Awn",
        "Association",
        "A-017",
        "support",
        "Scan",
        "personal",
        "جمعية",
        "الجريمة",
        "دعم",
        "التذكرة",
    ] {
        assert!(
            text.contains(word),
            "{name}: OCR did not find {word:?} in:\n{text}"
        );
    }
}

#[test]
fn rendering_is_deterministic_and_sized_to_the_paper() {
    let t = ticket(&intake());
    let a = render_ticket(&t, PaperWidth::Mm80).unwrap();
    let b = render_ticket(&t, PaperWidth::Mm80).unwrap();
    assert_eq!(
        a, b,
        "rendering must be deterministic (a reprint is the same ticket)"
    );
    let narrow = render_ticket(&t, PaperWidth::Mm58).unwrap();
    assert_eq!((a.width(), narrow.width()), (576, 384));
}
