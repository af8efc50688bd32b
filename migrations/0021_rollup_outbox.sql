-- 0021: the roll-up outbox (issue 17): de-identified facts for head office, written in the
-- transaction of the change they describe (domain::rollup is their format, store::outbox the
-- writer). `seq` is the branch's sequence: AUTOINCREMENT never reuses a number, even after rows
-- are shipped and deleted, so head office keeps each fact once by (branch, seq).
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    fact TEXT NOT NULL CHECK (json_valid(fact))
);
-- One row: the branch these facts are of (`[branch] id`, set at the first start; the server
-- refuses another), how far head office has acknowledged (the shipper deletes up to it), and how
-- many facts the bound dropped before they were shipped.
CREATE TABLE outbox_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    branch TEXT,
    shipped_up_to INTEGER NOT NULL DEFAULT 0,
    dropped INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_state (id) VALUES (1);
