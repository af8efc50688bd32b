-- 0011: the visit as policy step 6 describes it. The documents the desk checked against the
-- originals (6.2), a consent the desk recorded for a visitor who gave no details at the kiosk,
-- and a supervisor's reason for registering a request whose checklist is incomplete (6.6).
-- Documents and override reasons are personal data: destroyed with the visit (retention.rs).

CREATE TABLE visit_documents (
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    document    TEXT NOT NULL,
    valid       INTEGER NOT NULL CHECK (valid IN (0, 1)),
    expires_on  TEXT,
    reference   TEXT,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    desk        INTEGER,
    checked_at  TEXT NOT NULL,
    PRIMARY KEY (ticket_id, document)
) STRICT;

CREATE TABLE registration_overrides (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets(id),
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    at         TEXT NOT NULL,
    reason     TEXT NOT NULL
) STRICT;

-- NULL: given at the kiosk; otherwise the staff member who read the notice to the visitor.
ALTER TABLE consents ADD COLUMN recorded_by INTEGER REFERENCES staff(id);
