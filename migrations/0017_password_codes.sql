-- 0017: administration in the browser (issue 15 item 1). A one-time code an admin gives a staff
-- member (a new account, a forgotten password) to set their own password; stored as a hash,
-- single use, with an expiry. The account's old password stops working when the code is made.
CREATE TABLE password_codes (
    staff_id    INTEGER PRIMARY KEY REFERENCES staff(id),
    code_hash   BLOB NOT NULL,
    expires_at  TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES staff(id)
) STRICT;
