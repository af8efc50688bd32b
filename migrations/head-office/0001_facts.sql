-- Head office 0001: the branches' roll-up facts (issue 17), as each branch's shipper sends them
-- (counter_server::shipper, head_office::ingest). Applied by head_office::schema::migrate and
-- versioned in its `schema_version` table. Append-only: a released file is never edited.

-- One row per fact, kept once by (branch, seq): a batch sent again after a cut connection or a
-- restart inserts nothing twice (ON CONFLICT DO NOTHING). `fact` is the de-identified JSON object
-- of domain::rollup (its keys: ALLOWED_KEYS); no name, ID, mobile, note, comment or reason.
-- Inserted only by plain INSERT into this table (statement-level triggers may summarise it).
CREATE TABLE facts (
    branch text NOT NULL,
    seq bigint NOT NULL CHECK (seq > 0),
    at timestamptz NOT NULL,
    kind text NOT NULL,
    fact jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (branch, seq)
);

-- One row per branch that has shipped: the highest seq kept, how many facts the branch's bounded
-- outbox dropped before they could be shipped (the gaps in its seq), and its last batch.
CREATE TABLE branches (
    id text PRIMARY KEY,
    last_seq bigint NOT NULL DEFAULT 0,
    dropped bigint NOT NULL DEFAULT 0,
    last_batch_at timestamptz
);
