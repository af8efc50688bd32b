//! Print jobs against the fake network printer.

use kiosk_printer::fake_printer::{FakePrinter, FakeState};
use kiosk_printer::{PaperWidth, PrintFault, encode_escpos, print_ticket, render_ticket};

use crate::common::{contains, intake, ticket};

const GS_V0: &[u8] = &[0x1D, 0x76, 0x30];

fn print_with(state: FakeState) -> (FakePrinter, Result<kiosk_printer::PrintReport, PrintFault>) {
    let printer = FakePrinter::start(state).unwrap();
    let result = print_ticket(&printer.config(PaperWidth::Mm80), &ticket(&intake()));
    (printer, result)
}

#[test]
fn ready_printer_receives_the_exact_ticket_bytes() {
    let (printer, result) = print_with(FakeState::Ok);
    let report = result.unwrap();
    let config = printer.config(PaperWidth::Mm80);
    let expected = encode_escpos(
        &render_ticket(&ticket(&intake()), PaperWidth::Mm80).unwrap(),
        &config,
    );
    let received = printer.received();
    assert_eq!(report.bytes, expected.len());
    assert!(
        contains(&received, &expected),
        "the ticket stream must arrive byte for byte"
    );
    assert!(printer.images_received() >= 1);
    assert!(!report.paper_near_end);
    // Status queries came before and after the ticket.
    assert!(received.starts_with(&[0x10, 0x04, 1]));
    assert!(contains(&received[received.len() - 12..], &[0x1D, b'r', 1]));
}

#[test]
fn paper_out_is_a_fault_and_no_ticket_is_sent() {
    let (printer, result) = print_with(FakeState::PaperOut);
    assert_eq!(result.unwrap_err(), PrintFault::PaperEnd);
    assert_eq!(printer.images_received(), 0);
    assert!(!contains(&printer.received(), GS_V0));
}

#[test]
fn cover_open_is_a_fault_and_no_ticket_is_sent() {
    let (printer, result) = print_with(FakeState::CoverOpen);
    assert_eq!(result.unwrap_err(), PrintFault::CoverOpen);
    assert_eq!(printer.images_received(), 0);
    assert!(!contains(&printer.received(), GS_V0));
}

#[test]
fn silent_printer_is_no_answer_and_no_ticket_is_sent() {
    let (printer, result) = print_with(FakeState::Silent);
    assert_eq!(result.unwrap_err(), PrintFault::NoAnswer);
    assert_eq!(printer.images_received(), 0);
    // Only the first status query went out.
    assert_eq!(printer.received(), [0x10, 0x04, 1]);
}

#[test]
fn printer_in_error_is_offline() {
    let (printer, result) = print_with(FakeState::Error);
    assert_eq!(result.unwrap_err(), PrintFault::Offline);
    assert_eq!(printer.images_received(), 0);
}

#[test]
fn paper_running_out_during_the_ticket_is_a_fault() {
    let (printer, result) = print_with(FakeState::RunsOutDuringTicket);
    assert_eq!(result.unwrap_err(), PrintFault::PaperEnd);
    assert!(
        printer.images_received() >= 1,
        "the fault was found after sending"
    );
}

#[test]
fn near_end_prints_and_is_reported() {
    let (_printer, result) = print_with(FakeState::NearEnd);
    assert!(result.unwrap().paper_near_end);
}

#[test]
fn unreachable_printer_is_offline() {
    let printer = FakePrinter::start(FakeState::Ok).unwrap();
    let config = printer.config(PaperWidth::Mm58);
    drop(printer);
    // Let the listener thread see its stop flag and close the port.
    std::thread::sleep(std::time::Duration::from_millis(100));
    let result = print_ticket(&config, &ticket(&intake()));
    assert!(
        matches!(result, Err(PrintFault::Offline | PrintFault::NoAnswer)),
        "{result:?}"
    );
}

#[test]
fn a_reprint_sends_the_same_ticket_again() {
    let printer = FakePrinter::start(FakeState::Ok).unwrap();
    let config = printer.config(PaperWidth::Mm58);
    let t = ticket(&intake());
    print_ticket(&config, &t).unwrap();
    print_ticket(&config, &t).unwrap();
    let conns = printer.connections();
    assert_eq!(conns.len(), 2);
    assert_eq!(conns[0], conns[1], "a reprint must be the identical ticket");
}

#[test]
fn fault_messages_are_bilingual() {
    let f = PrintFault::PaperEnd;
    assert!(f.message_ar().contains("الورق") || f.message_ar().contains("ورق"));
    assert!(f.message_en().contains("out of paper"));
    assert_eq!(
        f.to_string(),
        format!("{} — {}", f.message_ar(), f.message_en())
    );
}
