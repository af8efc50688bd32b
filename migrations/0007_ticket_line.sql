-- 0007: a ticket's label is fixed for life. `service` (with `number`) is the service that issued
-- the ticket, and UNIQUE(service, service_day, number) stays on it; `line` is the service line the
-- ticket waits in now, the only thing a transfer to another service changes.
ALTER TABLE tickets ADD COLUMN line TEXT NOT NULL DEFAULT '';
UPDATE tickets SET line = service;
