//! The kiosk's `.slint` files, compiled. Layout only: the program is in the `kiosk` crate.
slint::include_modules!();
