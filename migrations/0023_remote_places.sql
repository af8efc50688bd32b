-- 0023: places made away from the room (issue 16, policy 3.4): joined from the phone, and
-- appointments. Every ticket says how it came (its channel, counted in the metrics), and holds its
-- place in line apart from its issue time (domain::arrival: a remote place moves back, an
-- appointment stands at its slot).
ALTER TABLE tickets ADD COLUMN channel TEXT NOT NULL DEFAULT 'kiosk'
    CHECK (channel IN ('kiosk', 'reception', 'remote', 'appointment'));
-- Tickets issued before this migration: reception's have no issuing device.
UPDATE tickets SET channel = 'reception' WHERE issued_by_device IS NULL;
-- NULL on rows from before: their place is their issue time.
ALTER TABLE tickets ADD COLUMN place_at TEXT;
ALTER TABLE tickets ADD COLUMN slot TEXT;
ALTER TABLE tickets ADD COLUMN awaiting_arrival INTEGER NOT NULL DEFAULT 0
    CHECK (awaiting_arrival IN (0, 1));
ALTER TABLE tickets ADD COLUMN moved_back INTEGER NOT NULL DEFAULT 0 CHECK (moved_back >= 0);
-- A remote place's check-in: its visitor's wait in the room starts then.
ALTER TABLE tickets ADD COLUMN checked_in_at TEXT;

-- A place joined from the phone. `code` is the 6-digit check-in code the visitor's status page
-- shows (it checks a place in and shows nothing); the address and the device cookie are kept only
-- as hashes, for the day's caps. The retention purge deletes a day's rows once the day is over.
CREATE TABLE remote_places (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    service_day TEXT NOT NULL,
    code TEXT NOT NULL CHECK (length(code) = 6),
    address_hash BLOB NOT NULL,
    device_hash BLOB NOT NULL,
    joined_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX remote_places_code ON remote_places (service_day, code);
CREATE INDEX remote_places_address ON remote_places (service_day, address_hash);
CREATE INDEX remote_places_device ON remote_places (service_day, device_hash);

-- Appointment slots per service and time, with a capacity (set in administration).
CREATE TABLE appointment_slots (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    service_day TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 20),
    UNIQUE (service, starts_at)
) STRICT;
CREATE INDEX appointment_slots_day ON appointment_slots (service_day);

-- A booking. No name and no number: the 6-digit code (unique per day with the remote places'
-- codes) is what the visitor types at the kiosk on arrival, which puts the ticket in line
-- (domain::arrival). Booked by staff on the phone (`booked_by`) or by the visitor on the join
-- page (`form_key_hash`, so sending the form twice books once, and the hashed address and device
-- for the day's caps, deleted by the purge with the day).
CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    slot_id INTEGER NOT NULL REFERENCES appointment_slots(id),
    service_day TEXT NOT NULL,
    code TEXT NOT NULL CHECK (length(code) = 6),
    booked_by INTEGER REFERENCES staff(id),
    form_key_hash BLOB UNIQUE,
    address_hash BLOB,
    device_hash BLOB,
    booked_at TEXT NOT NULL,
    ticket_id INTEGER REFERENCES tickets(id),
    cancelled_at TEXT,
    UNIQUE (service_day, code)
) STRICT;
CREATE INDEX appointments_slot ON appointments (slot_id);
