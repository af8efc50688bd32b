-- 0019: a rating's "please contact me" request gets an owner (the supervisor who takes it) and a
-- "handled" state with who, when and a note. The note is staff free text about a visitor, so the
-- retention purge and a deletion request erase it with the rating's comment
-- (store::retention::destroy_personal_data); every read of it is audited.
ALTER TABLE contact_requests ADD COLUMN owner_id INTEGER REFERENCES staff(id);
ALTER TABLE contact_requests ADD COLUMN taken_at TEXT;
ALTER TABLE contact_requests ADD COLUMN handled_by INTEGER REFERENCES staff(id);
ALTER TABLE contact_requests ADD COLUMN handled_at TEXT;
ALTER TABLE contact_requests ADD COLUMN handled_note TEXT
    CHECK (handled_note IS NULL OR length(handled_note) <= 500);
-- The board counts the open ones on every redraw.
CREATE INDEX contact_requests_open ON contact_requests (handled_at);
