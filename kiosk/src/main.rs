fn main() {
    if let Err(e) = kiosk::run() {
        eprintln!("kiosk: {e}");
        std::process::exit(2);
    }
}
