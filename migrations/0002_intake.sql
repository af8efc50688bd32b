-- 0002: what a visitor chose to tell the kiosk, the consent they gave, silent alerts, and the
-- record of every staff access to it. Audit rows never hold personal data themselves.

CREATE TABLE consents (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
    notice_version  TEXT NOT NULL,
    notice_text_ar  TEXT NOT NULL,
    notice_text_en  TEXT NOT NULL,
    given_at        TEXT NOT NULL
) STRICT;

CREATE TABLE intakes (
    ticket_id             INTEGER PRIMARY KEY REFERENCES tickets(id),
    consent_id            INTEGER NOT NULL REFERENCES consents(id),
    name                  TEXT,
    national_id           TEXT CHECK (national_id IS NULL OR (length(national_id) = 10 AND national_id NOT GLOB '*[^0-9]*')),
    mobile                TEXT CHECK (mobile IS NULL OR (length(mobile) = 13 AND mobile GLOB '+9665*')),
    wheelchair            INTEGER NOT NULL CHECK (wheelchair IN (0, 1)),
    hearing               INTEGER NOT NULL CHECK (hearing IN (0, 1)),
    interpreter_language  TEXT,
    companion             INTEGER NOT NULL CHECK (companion IN (0, 1)),
    feels_unsafe          INTEGER NOT NULL CHECK (feels_unsafe IN (0, 1))
) STRICT;

-- Alerts for supervisors: a visitor who does not feel safe, a ticket the printer failed to print.
CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('not_safe', 'not_printed')),
    ticket_id        INTEGER NOT NULL REFERENCES tickets(id),
    raised_at        TEXT NOT NULL,
    acknowledged_at  TEXT,
    acknowledged_by  INTEGER REFERENCES staff(id)
) STRICT;

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    staff_id    INTEGER REFERENCES staff(id),
    role        TEXT,
    desk        INTEGER,
    ticket_id   INTEGER REFERENCES tickets(id),
    action      TEXT NOT NULL,
    request_id  TEXT
) STRICT;
