//! Ticket printing on ESC/POS printers (filled by the printing issue).
