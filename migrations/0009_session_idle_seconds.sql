-- 0009: a browser session's idle limit in seconds, so that a branch (and a test) can choose it
-- (`[console] idle_seconds`). `last_seen_at` now means the last request a person caused (the
-- console marks them); background refreshes no longer move it. Sessions made before this keep
-- their `idle_minutes`.
ALTER TABLE sessions ADD COLUMN idle_seconds INTEGER CHECK (idle_seconds IS NULL OR idle_seconds > 0);
