//! The virtual printer, the device-file driver and the print worker.

use std::sync::mpsc;
use std::time::Duration;

use kiosk_printer::fake_printer::{FakePrinter, FakeState};
use kiosk_printer::{
    DriverConfig, PaperWidth, PrintFault, PrintWorker, PrinterConfig, encode_escpos, print_ticket,
    render_ticket,
};

use crate::common::{intake, ticket};

#[test]
fn virtual_printer_writes_bytes_and_preview() {
    let dir = tempfile::tempdir().unwrap();
    let config = PrinterConfig::new(
        PaperWidth::Mm58,
        DriverConfig::Virtual {
            dir: dir.path().join("tickets"),
        },
    );
    let t = ticket(&intake());
    let report = print_ticket(&config, &t).unwrap();
    let files = report.files.unwrap();
    assert_eq!(files.stream, dir.path().join("tickets/A-017-1.bin"));
    let raster = render_ticket(&t, PaperWidth::Mm58).unwrap();
    assert_eq!(
        std::fs::read(&files.stream).unwrap(),
        encode_escpos(&raster, &config)
    );
    let preview = image::open(&files.preview).unwrap();
    assert_eq!((preview.width(), preview.height()), (384, raster.height()));
    // A reprint is numbered 2 and identical.
    let again = print_ticket(&config, &t).unwrap().files.unwrap();
    assert_eq!(again.stream, dir.path().join("tickets/A-017-2.bin"));
    assert_eq!(
        std::fs::read(&again.stream).unwrap(),
        std::fs::read(&files.stream).unwrap()
    );
}

#[test]
fn device_file_without_status_replies_is_no_answer() {
    // A plain file stands in for /dev/usb/lp0 of a printer that never answers.
    let file = tempfile::NamedTempFile::new().unwrap();
    let mut config = PrinterConfig::new(
        PaperWidth::Mm80,
        DriverConfig::DeviceFile {
            path: file.path().into(),
        },
    );
    config.status_timeout = Duration::from_millis(200);
    let result = print_ticket(&config, &ticket(&intake()));
    assert_eq!(result.unwrap_err(), PrintFault::NoAnswer);
    assert_eq!(
        std::fs::read(file.path()).unwrap(),
        [0x10, 0x04, 1],
        "only the status query was written"
    );
}

#[test]
fn missing_device_file_is_an_io_fault() {
    let config = PrinterConfig::new(
        PaperWidth::Mm80,
        DriverConfig::DeviceFile {
            path: "/nonexistent/lp9".into(),
        },
    );
    assert!(matches!(
        print_ticket(&config, &ticket(&intake())),
        Err(PrintFault::Io(_))
    ));
}

#[test]
fn worker_prints_in_order_off_the_calling_thread() {
    let printer = FakePrinter::start(FakeState::Ok).unwrap();
    let worker = PrintWorker::spawn(printer.config(PaperWidth::Mm58)).unwrap();
    let (tx, rx) = mpsc::channel();
    for label in ["A-001", "A-002"] {
        let tx = tx.clone();
        let mut t = ticket(&intake());
        t.label = label.into();
        worker.submit(t, move |result| {
            tx.send((
                label,
                result.is_ok(),
                std::thread::current().name().map(str::to_owned),
            ))
            .unwrap();
        });
    }
    let first = rx.recv().unwrap();
    let second = rx.recv().unwrap();
    assert_eq!((first.0, first.1), ("A-001", true));
    assert_eq!((second.0, second.1), ("A-002", true));
    assert_eq!(first.2.as_deref(), Some("kiosk-printer"));
    drop(worker);
    assert_eq!(printer.connections().len(), 2);
}

#[test]
fn worker_reports_faults_through_the_callback() {
    let printer = FakePrinter::start(FakeState::PaperOut).unwrap();
    let worker = PrintWorker::spawn(printer.config(PaperWidth::Mm80)).unwrap();
    let (tx, rx) = mpsc::channel();
    worker.submit(ticket(&intake()), move |result| tx.send(result).unwrap());
    assert_eq!(rx.recv().unwrap().unwrap_err(), PrintFault::PaperEnd);
}

#[test]
fn a_check_in_slip_has_no_qr_code_and_a_ticket_needs_its_link() {
    let ticket = ticket(&intake());
    let slip = kiosk_printer::TicketContent {
        status_url: None,
        ..ticket.clone()
    };
    for width in [PaperWidth::Mm80, PaperWidth::Mm58] {
        let with_qr = render_ticket(&ticket, width).unwrap();
        let without = render_ticket(&slip, width).unwrap();
        assert_eq!(without.width(), with_qr.width());
        // The QR code, its quiet zone and the "scan" lines are more than 250 rows on either paper.
        assert!(
            without.height() + 250 < with_qr.height(),
            "{width:?}: slip {} rows, ticket {} rows",
            without.height(),
            with_qr.height()
        );
        assert!(
            without.black_dots() > 10_000,
            "{width:?}: the slip is nearly blank"
        );
    }
    let no_link = kiosk_printer::TicketContent {
        status_url: Some(" ".into()),
        ..ticket
    };
    assert_eq!(
        render_ticket(&no_link, PaperWidth::Mm80),
        Err(kiosk_printer::RenderError::EmptyStatusUrl),
        "a ticket whose link went missing is a fault, not a slip"
    );
}
