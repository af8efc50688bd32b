-- 0015: reception issues tickets from the console (issue 15, item 5). A retry or a double click
-- with the same key from the same staff member returns the same ticket, as `idempotency_keys`
-- does for a kiosk. Holds the plaintext status token: purged after two days and by retention.

CREATE TABLE reception_idempotency_keys (
    staff_id       INTEGER NOT NULL REFERENCES staff(id),
    key            TEXT NOT NULL,
    request_hash   BLOB NOT NULL,
    ticket_id      INTEGER NOT NULL REFERENCES tickets(id),
    status_token   TEXT NOT NULL,
    people_ahead   INTEGER NOT NULL,
    estimated_wait INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (staff_id, key)
) STRICT;
