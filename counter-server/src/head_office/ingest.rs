//! One branch's batch into head office: every fact kept once by (branch, seq), whatever was sent
//! before. A batch shipped again (the branch crashed between head office's commit and its own
//! `outbox::mark_shipped`, or the connection was cut after the commit) inserts nothing.

use tokio_postgres::Client;

use super::pg::{Context, PgError};
use crate::store::outbox::Row;

/// Keeps `rows` (outbox rows of `branch`, in any order) and the branch's outbox `dropped` count,
/// in one transaction: one INSERT for the whole batch (arrays unnested), so a batch costs one
/// round trip and statement-level triggers on `facts` see it at once. Returns the highest seq
/// head office now holds for the branch.
pub async fn ingest(
    client: &mut Client,
    branch: &str,
    rows: &[Row],
    dropped: i64,
) -> Result<i64, PgError> {
    let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
    let ats: Vec<&str> = rows.iter().map(|r| r.at.as_str()).collect();
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    let facts: Vec<&str> = rows.iter().map(|r| r.fact.as_str()).collect();
    let highest = seqs.iter().copied().max().unwrap_or(0);
    let tx = client.transaction().await.ctx("begin batch")?;
    tx.execute(
        "INSERT INTO facts (branch, seq, at, kind, fact)
         SELECT $1, u.seq, u.at::timestamptz, u.kind, u.fact::jsonb
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(seq, at, kind, fact)
         ON CONFLICT (branch, seq) DO NOTHING",
        &[&branch, &seqs, &ats, &kinds, &facts],
    )
    .await
    .ctx("insert facts")?;
    let kept: i64 = tx
        .query_one(
            "INSERT INTO branches AS b (id, last_seq, dropped, last_batch_at)
             VALUES ($1, $2, $3, now())
             ON CONFLICT (id) DO UPDATE SET
                 last_seq = greatest(b.last_seq, excluded.last_seq),
                 dropped = greatest(b.dropped, excluded.dropped),
                 last_batch_at = excluded.last_batch_at
             RETURNING last_seq",
            &[&branch, &highest, &dropped],
        )
        .await
        .ctx("upsert branch")?
        .get(0);
    tx.commit().await.ctx("commit batch")?;
    Ok(kept)
}
