-- 0020: since when the person at a desk is on duty or on a break (the supervisor's board), kept
-- across a restart of the server.
ALTER TABLE desks ADD COLUMN since TEXT;
