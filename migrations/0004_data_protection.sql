-- 0004: data protection. The audit log becomes append-only and hash-chained; legal holds keep a
-- visitor's record from the retention purge; the visitors' rights requests are registered.

ALTER TABLE audit_log ADD COLUMN device_id INTEGER REFERENCES devices(id);
ALTER TABLE audit_log ADD COLUMN reason TEXT;
-- row_hash = SHA-256(prev_hash || canonical row); the first row's prev_hash is 32 zero bytes.
ALTER TABLE audit_log ADD COLUMN prev_hash BLOB;
ALTER TABLE audit_log ADD COLUMN row_hash BLOB;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- When the retention purge destroyed a visit's personal data (the statistics stay).
ALTER TABLE tickets ADD COLUMN purged_at TEXT;

CREATE TABLE legal_holds (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets(id),
    reason     TEXT NOT NULL,
    placed_by  INTEGER REFERENCES staff(id),
    placed_at  TEXT NOT NULL
) STRICT;

-- Requests from visitors about their data: a copy, a correction, a deletion.
CREATE TABLE rights_requests (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT NOT NULL CHECK (kind IN ('copy', 'correction', 'deletion')),
    ticket_id            INTEGER REFERENCES tickets(id),
    received_at          TEXT NOT NULL,
    identity_checked_at  TEXT,
    identity_checked_by  INTEGER REFERENCES staff(id),
    answered_at          TEXT,
    answered_by          INTEGER REFERENCES staff(id)
) STRICT;
