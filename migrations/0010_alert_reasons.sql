-- 0010: a printer alert says why (paper out, nearly out, cover open, ...), and "paper nearly out"
-- is an alert of its own (kind 'printer') raised while tickets still print. SQLite cannot change a
-- CHECK, so the table is rebuilt with its rows and ids (migrate runs with foreign keys off).
CREATE TABLE alerts_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('not_safe', 'not_printed', 'printer')),
    reason           TEXT CHECK (reason IS NULL OR reason IN
                         ('paper_out', 'paper_near_end', 'cover_open', 'offline', 'no_answer',
                          'io', 'config', 'render')),
    ticket_id        INTEGER NOT NULL REFERENCES tickets(id),
    raised_at        TEXT NOT NULL,
    acknowledged_at  TEXT,
    acknowledged_by  INTEGER REFERENCES staff(id)
) STRICT;
INSERT INTO alerts_new (id, kind, ticket_id, raised_at, acknowledged_at, acknowledged_by)
    SELECT id, kind, ticket_id, raised_at, acknowledged_at, acknowledged_by FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
