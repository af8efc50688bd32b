-- 0013: the applicant confirms and signs the verified data (policy 6.4) on a tablet facing them
-- at the desk: the `applicant` device scope, paired to one desk; the desk's request that it show the visit's data; and the
-- confirmations, immutable once written. Confirmations hold personal data (the data confirmed, the
-- signature): destroyed with the visit (retention.rs).
--
-- `devices` is rebuilt, as in 0008, to widen the scope's CHECK; ids are kept.

CREATE TABLE devices_new (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('kiosk', 'display', 'rating', 'integration', 'applicant')),
    token_hash  BLOB NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT,
    -- The desk an applicant tablet faces; only applicant tablets have one.
    desk        INTEGER CHECK ((scope = 'applicant') = (desk IS NOT NULL))
) STRICT;

INSERT INTO devices_new (id, name, scope, token_hash, created_at, revoked_at)
    SELECT id, name, scope, token_hash, created_at, revoked_at FROM devices;

DROP TABLE devices;

ALTER TABLE devices_new RENAME TO devices;

-- The desk's request that its tablet show the visit's data for confirmation: at most one per
-- desk, and no data of its own (the tablet is always shown the visit's data as it is now, and
-- answers with the hash of what it showed). A "something is wrong" answer keeps only its time.
CREATE TABLE confirmation_requests (
    id           INTEGER PRIMARY KEY,
    desk         INTEGER NOT NULL UNIQUE,
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
    asked_at     TEXT NOT NULL,
    asked_by     INTEGER NOT NULL REFERENCES staff(id),
    shown_at     TEXT,
    declined_at  TEXT
) STRICT;

-- A confirmation: the data confirmed, its hash, the declaration's version, and how: on the
-- tablet (the signature's strokes, JSON) or on paper (the staff member who recorded it). The
-- newest of a visit counts, and only while it still matches the visit's data.
CREATE TABLE confirmations (
    id                   INTEGER PRIMARY KEY,
    ticket_id            INTEGER NOT NULL REFERENCES tickets(id),
    data                 TEXT NOT NULL,
    data_sha256          TEXT NOT NULL,
    declaration_version  TEXT NOT NULL,
    method               TEXT NOT NULL CHECK (method IN ('screen', 'paper')),
    strokes              TEXT,
    device_id            INTEGER REFERENCES devices(id),
    recorded_by          INTEGER REFERENCES staff(id),
    desk                 INTEGER,
    confirmed_at         TEXT NOT NULL,
    CHECK ((method = 'screen') = (strokes IS NOT NULL AND device_id IS NOT NULL)),
    CHECK ((method = 'paper') = (recorded_by IS NOT NULL))
) STRICT;

CREATE INDEX confirmations_by_ticket ON confirmations (ticket_id);

CREATE TRIGGER confirmations_no_update BEFORE UPDATE ON confirmations
BEGIN
    SELECT RAISE(ABORT, 'confirmations are immutable');
END;
