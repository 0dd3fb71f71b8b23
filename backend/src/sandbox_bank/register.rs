//! The bank's register, read: every final outcome, oldest first, by cursor and by time, of every
//! caller or of one label. Lines a register fault left out are never listed.
//!
//! Order: by (writing transaction, seq), and only lines of transactions older than the oldest
//! one still running (the snapshot's xmin). Every transaction below that horizon has ended, so
//! no line can later appear before the cursor: a reader paging with `after` never skips one.
//! A read first waits (briefly) until every line committed before it is below the horizon, so
//! it answers whatever was booked before it was asked.

use std::time::{Duration, Instant};

use shared::Amount;
use sqlx::{FromRow, PgPool};
use time::OffsetDateTime;

use super::wire::{EntryType, LedgerEntry};

/// Where a page ends: the writing transaction and the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub xid: i64,
    pub seq: i64,
}

impl Cursor {
    /// `"<xid>.<seq>"`, as [`Cursor::to_string`] writes it.
    pub fn parse(s: &str) -> Option<Cursor> {
        let (xid, seq) = s.split_once('.')?;
        let (xid, seq) = (xid.parse().ok()?, seq.parse().ok()?);
        (xid >= 0 && seq >= 0).then_some(Cursor { xid, seq })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.xid, self.seq)
    }
}

/// How long a read waits for transactions older than the last committed line to end.
const SETTLE_FOR: Duration = Duration::from_secs(2);

/// Waits until every line committed before this read is below the horizon, i.e. until the
/// transactions that were running when it began have ended. `false` after [`SETTLE_FOR`]: a
/// transaction (anywhere in the cluster: the horizon is the cluster's) still runs, and the read
/// would miss lines, so it is refused rather than answered short. Lines of transactions that
/// start meanwhile are not waited for, so a read under load returns at once.
async fn settle(db: &PgPool) -> sqlx::Result<bool> {
    let started = Instant::now();
    let began: String =
        sqlx::query_scalar("SELECT pg_snapshot_xmax(pg_current_snapshot())::text").fetch_one(db).await?;
    loop {
        let hidden: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM ledger
                             WHERE xid >= pg_snapshot_xmin(pg_current_snapshot()) AND xid < $1::xid8)",
        )
        .bind(&began)
        .fetch_one(db)
        .await?;
        if !hidden {
            return Ok(true);
        }
        if started.elapsed() > SETTLE_FOR {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A page of the register, oldest first; `None` when older transactions still run (ask again).
pub async fn ledger(
    db: &PgPool,
    label: Option<&str>,
    after: Cursor,
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
    limit: i64,
) -> sqlx::Result<Option<(Vec<LedgerEntry>, Option<Cursor>)>> {
    #[derive(FromRow)]
    struct Row {
        xid: i64,
        seq: i64,
        reference: String,
        #[sqlx(rename = "type")]
        kind: String,
        amount: Amount,
        currency: String,
        status: String,
        bank_transaction_id: String,
        created_at: OffsetDateTime,
    }
    if !settle(db).await? {
        return Ok(None);
    }
    let mut rows: Vec<Row> = sqlx::query_as(
        "SELECT xid::text::bigint AS xid, seq, reference, type, amount, currency, status, bank_transaction_id, created_at
           FROM ledger
          WHERE (xid, seq) > ($6::text::xid8, $1) AND xid < pg_snapshot_xmin(pg_current_snapshot())
            AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)
            AND ($5::text IS NULL OR label = $5) AND NOT omitted
          ORDER BY xid, seq LIMIT $4",
    )
    .bind(after.seq)
    .bind(from)
    .bind(to)
    .bind(limit + 1)
    .bind(label)
    .bind(after.xid.to_string())
    .fetch_all(db)
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(|r| Cursor { xid: r.xid, seq: r.seq }) } else { None };
    let entries = rows
        .into_iter()
        .map(|r| LedgerEntry {
            reference: r.reference,
            bank_transaction_id: r.bank_transaction_id,
            kind: EntryType::parse(&r.kind).unwrap_or(EntryType::Debit),
            amount: r.amount,
            currency: r.currency,
            status: r.status,
            created_at: r.created_at,
        })
        .collect();
    Ok(Some((entries, next)))
}
