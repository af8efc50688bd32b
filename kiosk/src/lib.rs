//! The kiosk program (filled by the kiosk issue).
