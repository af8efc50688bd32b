-- 0018: administration in the browser (issue 15 item 1). What an admin edits (the branch's
-- names, the consent notice, services with their retention, desks) as one JSON document, so a
-- change is one row written with its audit entry and read back whole at start. The TOML file
-- seeds it on a new branch only; `services` and `desks` stay the tables tickets refer to.
CREATE TABLE branch_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    document    TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER REFERENCES staff(id)
) STRICT;
