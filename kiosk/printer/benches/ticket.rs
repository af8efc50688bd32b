//! Time to build one ticket's bytes (shape + raster + QR + encode), warm, for both paper widths, and the
//! size of the stream. Target: ≤ 10 ms per ticket in release mode.
//!
//! Run: `cargo bench -p kiosk-printer --bench ticket`

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use kiosk_printer::{
    DriverConfig, PaperWidth, PrinterConfig, TicketContent, encode_escpos, render_ticket,
};

fn ticket() -> TicketContent {
    TicketContent {
        association_name_ar: "جمعية عون لرعاية ضحايا الجريمة".into(),
        association_name_en: "Awn Association for the Care of Crime Victims".into(),
        label: "A-017".into(),
        service_name_ar: "طلب دعم جديد".into(),
        service_name_en: "New support request".into(),
        people_ahead: 4,
        issued_at: "2026-11-24T11:05:00Z".parse().unwrap(),
        status_url: Some("http://192.168.1.20:8080/t/Xq3vN9cT0bLmA7RkW2pZ_e".into()),
    }
}

fn build(t: &TicketContent, config: &PrinterConfig) -> Vec<u8> {
    encode_escpos(
        &render_ticket(t, config.width).expect("sample ticket renders"),
        config,
    )
}

fn bench(c: &mut Criterion) {
    let t = ticket();
    for (width, name) in [(PaperWidth::Mm80, "80mm"), (PaperWidth::Mm58, "58mm")] {
        let config = PrinterConfig::new(
            width,
            DriverConfig::Virtual {
                dir: "unused".into(),
            },
        );
        let cold = Instant::now();
        let bytes = build(&t, &config);
        eprintln!(
            "ticket {name}: {} bytes ({:.1} KiB), first build in this process {:.2} ms",
            bytes.len(),
            bytes.len() as f64 / 1024.0,
            cold.elapsed().as_secs_f64() * 1e3
        );
        c.bench_function(
            &format!("ticket bytes {name} (shape+raster+QR+encode, warm)"),
            |b| b.iter(|| build(black_box(&t), black_box(&config))),
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
