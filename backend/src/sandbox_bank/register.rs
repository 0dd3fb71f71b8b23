//! The bank's register, read: every final outcome, oldest first, by cursor and by time, of every
//! caller or of one label. Lines a register fault left out are never listed.

use shared::Amount;
use sqlx::{FromRow, PgPool};
use time::OffsetDateTime;

use super::wire::{EntryType, LedgerEntry};

/// A page of the register, oldest first.
pub async fn ledger(
    db: &PgPool,
    label: Option<&str>,
    after: i64,
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
    limit: i64,
) -> sqlx::Result<(Vec<LedgerEntry>, Option<i64>)> {
    #[derive(FromRow)]
    struct Row {
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
    let mut rows: Vec<Row> = sqlx::query_as(
        "SELECT seq, reference, type, amount, currency, status, bank_transaction_id, created_at FROM ledger
          WHERE seq > $1 AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)
            AND ($5::text IS NULL OR label = $5) AND NOT omitted
          ORDER BY seq LIMIT $4",
    )
    .bind(after)
    .bind(from)
    .bind(to)
    .bind(limit + 1)
    .bind(label)
    .fetch_all(db)
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(|r| r.seq) } else { None };
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
    Ok((entries, next))
}
