-- 0002: what head office reads (issue 17 item 3). The facts stay as they came; a statement
-- trigger folds each batch's newly kept facts into one row per visit and one per registered
-- request, so association-wide figures are a GROUP BY over visits, not over every fact. The
-- trigger sees only the rows the INSERT kept (a re-shipped batch's conflicting rows are not in
-- the transition table), so a retry cannot count a visit twice.

-- One visit (ticket) of a branch: its issuing service and day, and what became of it, in the
-- branch's own terms (metrics::Visit): waited is issue to first call, service_s start to finish.
CREATE TABLE visits (
    branch text NOT NULL,
    ticket bigint NOT NULL,
    service text NOT NULL,
    day date NOT NULL,
    channel text,
    wait_s integer,
    service_s integer,
    done boolean NOT NULL DEFAULT false,
    no_show boolean NOT NULL DEFAULT false,
    referred boolean NOT NULL DEFAULT false,
    support_request boolean NOT NULL DEFAULT false,
    score smallint,
    PRIMARY KEY (branch, ticket)
);
-- Figures are asked for a period of days: a year of ten branches is read by this index's range.
CREATE INDEX visits_day ON visits (day);

-- A registered support request, by reference only, and the committee's decision once recorded.
CREATE TABLE requests (
    branch text NOT NULL,
    reference text NOT NULL,
    registered_at timestamptz NOT NULL,
    decision text,
    decided_on date,
    PRIMARY KEY (branch, reference)
);
CREATE INDEX requests_open ON requests (branch, registered_at) WHERE decision IS NULL;

-- SECURITY DEFINER: a branch's own role (counter-server/deploy/head-office-branch-role.sql) may
-- only insert facts; the fold into visits and requests runs with the owner's rights, on exactly
-- the rows that insert kept (row-level security has already held them to that branch).
CREATE FUNCTION fold_facts() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    -- Issued first: a visit's later facts may be in the same batch.
    INSERT INTO visits (branch, ticket, service, day, channel)
    SELECT branch, (fact->>'ticket')::bigint, fact->>'service', (fact->>'service_day')::date,
           fact->>'channel'
    FROM kept WHERE kind = 'issued'
    ON CONFLICT DO NOTHING;

    -- The first call's wait: the lowest seq of the batch, and only if none came before.
    UPDATE visits v SET wait_s = c.wait_s
    FROM (SELECT DISTINCT ON (branch, fact->>'ticket')
                 branch, (fact->>'ticket')::bigint AS ticket, (fact->>'wait_seconds')::int AS wait_s
          FROM kept WHERE kind = 'called' ORDER BY branch, fact->>'ticket', seq) c
    WHERE v.branch = c.branch AND v.ticket = c.ticket AND v.wait_s IS NULL;

    UPDATE visits v SET done = true, service_s = f.service_s
    FROM (SELECT DISTINCT ON (branch, fact->>'ticket')
                 branch, (fact->>'ticket')::bigint AS ticket,
                 (fact->>'service_seconds')::int AS service_s
          FROM kept WHERE kind = 'finished' ORDER BY branch, fact->>'ticket', seq DESC) f
    WHERE v.branch = f.branch AND v.ticket = f.ticket;

    UPDATE visits v SET no_show = true
    FROM kept k WHERE k.kind = 'no_show'
      AND v.branch = k.branch AND v.ticket = (k.fact->>'ticket')::bigint;

    UPDATE visits v SET referred = true
    FROM kept k WHERE k.kind = 'referred'
      AND v.branch = k.branch AND v.ticket = (k.fact->>'ticket')::bigint;

    UPDATE visits v SET score = (k.fact->>'score')::smallint
    FROM kept k WHERE k.kind = 'rated'
      AND v.branch = k.branch AND v.ticket = (k.fact->>'ticket')::bigint;

    UPDATE visits v SET support_request = true
    FROM kept k WHERE k.kind = 'request_registered'
      AND v.branch = k.branch AND v.ticket = (k.fact->>'ticket')::bigint;

    INSERT INTO requests (branch, reference, registered_at)
    SELECT branch, fact->>'reference', at FROM kept WHERE kind = 'request_registered'
    ON CONFLICT DO NOTHING;

    UPDATE requests r SET decision = k.fact->>'decision', decided_on = (k.fact->>'decided_on')::date
    FROM kept k WHERE k.kind = 'committee_decision'
      AND r.branch = k.branch AND r.reference = k.fact->>'reference';
    RETURN NULL;
END
$$;

CREATE TRIGGER facts_fold AFTER INSERT ON facts
    REFERENCING NEW TABLE AS kept
    FOR EACH STATEMENT EXECUTE FUNCTION fold_facts();

-- The people who may read the association's figures (supervisors with an association-level
-- role), added by `counter-server head-office add-viewer`. Passwords as Argon2id PHC strings.
CREATE TABLE viewers (
    name text PRIMARY KEY,
    password_hash text NOT NULL,
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- A signed-in browser: the SHA-256 of its cookie's token, never the token.
CREATE TABLE viewer_sessions (
    token_hash bytea PRIMARY KEY,
    viewer text NOT NULL REFERENCES viewers (name) ON DELETE CASCADE,
    last_seen timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
-- A Prometheus scraper's token for GET /metrics, likewise hashed.
CREATE TABLE scrape_tokens (
    token_hash bytea PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Who read which figures, when (the figures are de-identified; the record is for accountability).
CREATE TABLE viewer_access (
    at timestamptz NOT NULL DEFAULT now(),
    viewer text NOT NULL,
    what text NOT NULL
);
