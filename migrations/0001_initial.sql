-- 0001: the queue. Times are RFC 3339 UTC text; service_day is the Riyadh calendar date (YYYY-MM-DD).
-- Migrations are append-only: a released file is never edited; the version is PRAGMA user_version.

CREATE TABLE services (
    code     TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 40),
    prefix   TEXT NOT NULL CHECK (length(prefix) BETWEEN 1 AND 3),
    name_ar  TEXT NOT NULL,
    name_en  TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('reception', 'researcher', 'supervisor', 'admin')),
    gender        TEXT NOT NULL CHECK (gender IN ('female', 'male')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE devices (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('kiosk', 'display', 'rating')),
    token_hash  BLOB NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;

CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff(id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;

-- Desks come from the configuration; who sits at one (and whether on a break) is live state.
CREATE TABLE desks (
    id        INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 999),
    kind      TEXT NOT NULL CHECK (kind IN ('beneficiary_relations', 'social_research')),
    services  TEXT NOT NULL,
    staff_id  INTEGER REFERENCES staff(id),
    paused    INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1))
) STRICT;

CREATE TABLE tickets (
    id                 INTEGER PRIMARY KEY,
    service            TEXT NOT NULL REFERENCES services(code),
    service_day        TEXT NOT NULL,
    number             INTEGER NOT NULL CHECK (number >= 1),
    label              TEXT NOT NULL,
    priority           TEXT NOT NULL CHECK (priority IN ('urgent', 'priority', 'normal')),
    gender_preference  TEXT CHECK (gender_preference IN ('female', 'male')),
    state              TEXT NOT NULL CHECK (state IN ('waiting', 'called', 'serving', 'done', 'no_show', 'cancelled', 'expired')),
    route              TEXT NOT NULL CHECK (route IN ('service', 'research', 'desk')),
    route_desk         INTEGER,
    desk               INTEGER REFERENCES desks(id),
    issued_at          TEXT NOT NULL,
    called_at          TEXT,
    started_at         TEXT,
    finished_at        TEXT,
    recalls            INTEGER NOT NULL DEFAULT 0,
    outcome            TEXT CHECK (outcome IN ('information_given', 'support_request_registered', 'referred_elsewhere', 'other')),
    -- SHA-256 of the visitor's status token; the token itself is never stored here.
    status_token_hash  BLOB NOT NULL UNIQUE,
    issued_by_device   INTEGER REFERENCES devices(id),
    -- NULL: not reported by the kiosk yet; 1 printed; 0 the printer failed.
    printed            INTEGER CHECK (printed IN (0, 1)),
    UNIQUE (service, service_day, number)
) STRICT;

CREATE INDEX tickets_active ON tickets (state) WHERE state IN ('waiting', 'called', 'serving');
CREATE INDEX tickets_by_day ON tickets (service_day);

-- Every transition of every ticket, for the staff history and the satisfaction metrics.
CREATE TABLE ticket_events (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    action     TEXT NOT NULL,
    desk       INTEGER,
    staff_id   INTEGER REFERENCES staff(id),
    at         TEXT NOT NULL,
    detail     TEXT,
    outcome    TEXT
) STRICT;

CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id);

-- Kiosk retries: the same key from the same device returns the same ticket. The token is kept
-- here so that a retry's reply is identical; rows older than two days are deleted.
CREATE TABLE idempotency_keys (
    device_id      INTEGER NOT NULL REFERENCES devices(id),
    key            TEXT NOT NULL,
    request_hash   BLOB NOT NULL,
    ticket_id      INTEGER NOT NULL REFERENCES tickets(id),
    status_token   TEXT NOT NULL,
    people_ahead   INTEGER NOT NULL,
    estimated_wait INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (device_id, key)
) STRICT;
