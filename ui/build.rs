//! Compiles `ui/kiosk.slint` (which imports every other `.slint` file and the Amiri font).
//! Debug info (element ids for the testing API) is emitted when the `debug-info` feature is on
//! or `SLINT_EMIT_DEBUG_INFO=1` is set (slint-build reads that variable itself).
fn main() {
    let mut config = slint_build::CompilerConfiguration::new();
    if std::env::var_os("CARGO_FEATURE_DEBUG_INFO").is_some() {
        config = config.with_debug_info(true);
    }
    slint_build::compile_with_config("ui/kiosk.slint", config).expect("the .slint files compile");
}
