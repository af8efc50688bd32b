-- 0003: the staff console. Idle timeout for browser sessions, the policy's visit checklist
-- (6.2, 6.4, 6.5), follow-ups for registered support requests, the closing note of a visit.

-- Browser sessions (cookie) end after an idle period; `last_seen_at` is refreshed at most once a
-- minute. Bearer sessions (API clients) keep only the absolute expiry: `idle_minutes` is NULL.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE sessions ADD COLUMN idle_minutes INTEGER CHECK (idle_minutes IS NULL OR idle_minutes > 0);

-- One row per item ticked for a visit, with who ticked it, when and at which desk.
CREATE TABLE visit_checks (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    item       TEXT NOT NULL CHECK (item IN ('documents_checked', 'data_confirmed', 'committee_told')),
    done_at    TEXT NOT NULL,
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    desk       INTEGER,
    PRIMARY KEY (ticket_id, item)
) STRICT;

-- A registered support request waits for the research committee (policy 6.5).
CREATE TABLE follow_ups (
    id                    INTEGER PRIMARY KEY,
    ticket_id             INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
    opened_at             TEXT NOT NULL,
    opened_by             INTEGER NOT NULL REFERENCES staff(id),
    visit_date            TEXT NOT NULL,
    earliest_answer_date  TEXT NOT NULL
) STRICT;

-- The staff member's optional closing note; shown to staff only, never on a public path.
CREATE TABLE visit_notes (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets(id),
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    at         TEXT NOT NULL,
    note       TEXT NOT NULL
) STRICT;

CREATE INDEX audit_log_by_ticket ON audit_log (ticket_id);
