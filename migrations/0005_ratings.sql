-- 0005: visitors' ratings of a finished visit (issue 7), the optional "please contact me" for the
-- quality officer, and the tokens of Prometheus scrapers.
--
-- A rating holds no personal data: it is linked to the visit and keeps a copy of what the metrics
-- need (service, desk, staff member, times); the comment is the visitor's own free text. A rating
-- is never edited: there is no update path and a trigger refuses one.

CREATE TABLE ratings (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
    service      TEXT NOT NULL,
    service_day  TEXT NOT NULL,
    desk         INTEGER,
    staff_id     INTEGER REFERENCES staff(id),
    issued_at    TEXT NOT NULL,
    called_at    TEXT,
    started_at   TEXT,
    finished_at  TEXT,
    score        INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    -- Comma-separated codes from: waiting_time, courtesy, clarity, time_given, privacy.
    reasons      TEXT NOT NULL,
    comment      TEXT CHECK (comment IS NULL OR length(comment) <= 500),
    channel      TEXT NOT NULL CHECK (channel IN ('rating_device', 'status_page')),
    rated_at     TEXT NOT NULL
) STRICT;

CREATE INDEX ratings_by_day ON ratings (service_day);

CREATE TRIGGER ratings_no_update BEFORE UPDATE ON ratings
BEGIN
    SELECT RAISE(ABORT, 'ratings are immutable');
END;

-- "Please contact me about this": for the quality officer (supervisors), never for the staff
-- member who served the visitor.
CREATE TABLE contact_requests (
    id            INTEGER PRIMARY KEY,
    rating_id     INTEGER NOT NULL UNIQUE REFERENCES ratings(id),
    requested_at  TEXT NOT NULL
) STRICT;

-- Scrapers of GET /metrics (Prometheus); apart from `devices`, whose scopes stay as they are.
CREATE TABLE metrics_tokens (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  BLOB NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;

-- The metrics count referrals per period without scanning every event.
CREATE INDEX ticket_events_by_action ON ticket_events (action, ticket_id);
