-- 0016: an alert of kind 'line_red' when a line's longest wait passes the red level of its
-- service's target (domain::wait_level); its ticket is the one waiting longest in that line.
-- SQLite cannot change a CHECK, so the table is rebuilt with its rows and ids (as in 0010).
CREATE TABLE alerts_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('not_safe', 'not_printed', 'printer', 'line_red')),
    reason           TEXT CHECK (reason IS NULL OR reason IN
                         ('paper_out', 'paper_near_end', 'cover_open', 'offline', 'no_answer',
                          'io', 'config', 'render')),
    ticket_id        INTEGER NOT NULL REFERENCES tickets(id),
    raised_at        TEXT NOT NULL,
    acknowledged_at  TEXT,
    acknowledged_by  INTEGER REFERENCES staff(id)
) STRICT;
INSERT INTO alerts_new (id, kind, reason, ticket_id, raised_at, acknowledged_at, acknowledged_by)
    SELECT id, kind, reason, ticket_id, raised_at, acknowledged_at, acknowledged_by FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
