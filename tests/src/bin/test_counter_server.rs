//! The counter-server binary, built inside the test crate so crash tests can spawn it.
fn main() {
    std::process::exit(counter_server::cli::main());
}
