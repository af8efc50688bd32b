-- 0025: a reminder of an appointment by SMS (issue 16, policy 3.4), by the visitor's choice only:
-- asked for on the booking's page (`/b/{token}`) with a mobile number, sent once `[notify]
-- appointment_reminder_minutes` before the slot. `sent` is set before the SMS goes out, so a
-- restart never sends it twice. The number is held only until the booking is checked in or
-- cancelled or its day has passed, or the visitor withdraws it: then the row is deleted (and the
-- WAL truncated, `secure_delete` being on), by the notify worker, the commands and the purge.
CREATE TABLE appointment_reminders (
    appointment_id INTEGER PRIMARY KEY REFERENCES appointments(id) ON DELETE CASCADE,
    -- E.164 (`notify::sms::normalise_number`).
    phone TEXT NOT NULL,
    lang TEXT NOT NULL CHECK (lang IN ('ar', 'en')),
    sent INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;
