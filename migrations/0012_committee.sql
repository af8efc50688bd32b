-- 0012: the research committee's work on a registered support request (policy 6.5). A request
-- gets a reference (an opaque series of the branch, never the national ID) that a returning
-- visitor can give; each decision and each time the applicant was told is a row, newest last.
-- None holds personal data: references, states, dates and staff ids.

ALTER TABLE follow_ups ADD COLUMN reference TEXT;
UPDATE follow_ups SET reference = 'R-' || substr(visit_date, 1, 4) || '-' || printf('%05d', id);
CREATE UNIQUE INDEX follow_ups_by_reference ON follow_ups (reference);

CREATE TABLE committee_decisions (
    id            INTEGER PRIMARY KEY,
    follow_up_id  INTEGER NOT NULL REFERENCES follow_ups(id),
    decision      TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected', 'more_information')),
    decided_on    TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    recorded_by   INTEGER NOT NULL REFERENCES staff(id)
) STRICT;

CREATE TABLE applicant_informed (
    id            INTEGER PRIMARY KEY,
    decision_id   INTEGER NOT NULL REFERENCES committee_decisions(id),
    channel       TEXT NOT NULL CHECK (channel IN ('visit', 'phone', 'letter')),
    informed_on   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    recorded_by   INTEGER NOT NULL REFERENCES staff(id)
) STRICT;

CREATE INDEX committee_decisions_by_follow_up ON committee_decisions (follow_up_id);
