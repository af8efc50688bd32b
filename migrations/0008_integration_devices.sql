-- 0008: the `integration` device scope, for another system that follows the queue through the
-- staff event stream (labels, states, desks; never intake) without a staff login.
--
-- SQLite cannot change a CHECK constraint in place, so `devices` is rebuilt with the same columns
-- and rows (ids kept, so tickets, idempotency keys and the audit log still point at the same
-- devices). `store::migrate` runs migrations with foreign keys off and checks them before commit.

CREATE TABLE devices_new (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('kiosk', 'display', 'rating', 'integration')),
    token_hash  BLOB NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;

INSERT INTO devices_new (id, name, scope, token_hash, created_at, revoked_at)
    SELECT id, name, scope, token_hash, created_at, revoked_at FROM devices;

DROP TABLE devices;

ALTER TABLE devices_new RENAME TO devices;
