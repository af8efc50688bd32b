//! The kiosk `.slint` files, compiled (filled by the kiosk issue).
