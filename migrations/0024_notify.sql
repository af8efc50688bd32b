-- 0024: "your turn is near" (issue 16 item 2), by the visitor's choice only. A ticket's visitor
-- asks from the status page for a Web Push notice (their browser's subscription) or an SMS (their
-- mobile number). Held only while the visit lasts: the notify worker deletes a ticket's rows once
-- it is no longer active (served, no-show, cancelled, expired), and the retention purge does too.
-- `near_sent` and `called_sent` are set before the notice goes out, so a restart never sends
-- one twice (a notice lost in a crash is not sent again: late is worthless).
CREATE TABLE notify_requests (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('push', 'sms')),
    -- push: the subscription (a capability URL and the browser's keys); sms: the number (E.164).
    endpoint TEXT,
    p256dh TEXT,
    auth TEXT,
    phone TEXT,
    lang TEXT NOT NULL CHECK (lang IN ('ar', 'en')),
    near_sent INTEGER NOT NULL DEFAULT 0 CHECK (near_sent IN (0, 1)),
    called_sent INTEGER NOT NULL DEFAULT 0 CHECK (called_sent IN (0, 1)),
    created_at TEXT NOT NULL,
    PRIMARY KEY (ticket_id, channel),
    CHECK ((channel = 'push' AND endpoint IS NOT NULL AND p256dh IS NOT NULL AND auth IS NOT NULL
            AND phone IS NULL)
        OR (channel = 'sms' AND phone IS NOT NULL AND endpoint IS NULL))
) STRICT;

-- The branch's VAPID key pair (RFC 8292), made once: its PKCS#8 document. Browsers' subscriptions
-- are bound to its public key, so it is kept across restarts.
CREATE TABLE notify_vapid_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pkcs8 BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
