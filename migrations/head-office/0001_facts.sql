CREATE TABLE facts (
    branch text NOT NULL,
    seq bigint NOT NULL CHECK (seq > 0),
    at timestamptz NOT NULL,
    kind text NOT NULL,
    fact jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (branch, seq)
);
CREATE TABLE branches (
    id text PRIMARY KEY,
    last_seq bigint NOT NULL DEFAULT 0,
    dropped bigint NOT NULL DEFAULT 0,
    last_batch_at timestamptz
);
