fn main() {
    std::process::exit(counter_server::cli::main());
}
