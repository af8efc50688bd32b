-- 0022: webhooks for integrations (issue 17 item 4). An admin registers an HTTPS endpoint and the
-- events it wants; each event is queued for every endpoint that wants it in the transaction of
-- the change it announces (store::webhooks::enqueue), so nothing acknowledged is lost and the
-- order is the commit order. Payloads carry references and states only (domain::webhook).
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL CHECK (url LIKE 'https://%'),
    -- The event types wanted, comma-separated (`request.registered,rating.low`).
    events TEXT NOT NULL,
    -- `rating.low` is sent for a score at or below this (1 to 5); NULL when not wanted.
    rating_threshold INTEGER CHECK (rating_threshold BETWEEN 1 AND 5),
    -- The HMAC-SHA256 key (shown to the admin once as `whsec_<base64>`).
    secret BLOB NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;

-- One event for one endpoint. Per endpoint, the oldest pending delivery (by id) is tried until
-- it is delivered or dead before the next one. `last_error` is a short code or an HTTP status,
-- never a reply's body.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, id)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (id) WHERE state = 'dead';
