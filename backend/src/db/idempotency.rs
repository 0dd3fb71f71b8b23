//! Idempotency records of the payment API, scoped to the organization. A record is written in
//! the transaction that creates the request's operation (locked, naming it) and completed in the
//! transaction that records the outcome; see `operations::claim` for the phases.

use shared::ids::{OperationId, OrganizationId};
use sqlx::PgExecutor;
use time::{Duration, OffsetDateTime};

#[derive(Debug, sqlx::FromRow)]
pub struct Record {
    pub method: String,
    pub path: String,
    pub request_hash: Vec<u8>,
    pub request_hash_version: i16,
    pub response_status: Option<i16>,
    pub response_body: Option<Vec<u8>>,
    pub created_at: OffsetDateTime,
    pub locked_at: Option<OffsetDateTime>,
    pub operation_id: Option<OperationId>,
}

/// The key as a request holds it.
#[derive(Debug, Clone)]
pub struct Key<'a> {
    pub organization_id: OrganizationId,
    pub key: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub request_hash: &'a [u8; 32],
}

/// Writes a new, locked record naming the operation; `false` when another request holds the
/// key (the insert waits for that request's transaction, then does nothing).
pub async fn insert_locked(
    db: impl PgExecutor<'_>,
    k: &Key<'_>,
    locked_at: OffsetDateTime,
    operation: Option<OperationId>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency_records (organization_id, key, method, path, request_hash, request_hash_version,
                created_at, locked_at, operation_id)
         VALUES ($1, $2, $3, $4, $5, 2, $6, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(k.organization_id)
    .bind(k.key)
    .bind(k.method)
    .bind(k.path)
    .bind(&k.request_hash[..])
    .bind(locked_at)
    .bind(operation)
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Writes a finished record at once (an answer that created nothing); `false` when another
/// request holds the key.
pub async fn insert_done(
    db: impl PgExecutor<'_>,
    k: &Key<'_>,
    status: u16,
    body: &[u8],
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency_records (organization_id, key, method, path, request_hash, request_hash_version,
                created_at, response_status, response_body, completed_at)
         VALUES ($1, $2, $3, $4, $5, 2, $6, $7, $8, $6) ON CONFLICT DO NOTHING",
    )
    .bind(k.organization_id)
    .bind(k.key)
    .bind(k.method)
    .bind(k.path)
    .bind(&k.request_hash[..])
    .bind(now)
    .bind(status as i16)
    .bind(body)
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The version of the request hash that new records carry.
pub const HASH_VERSION: i16 = 2;

/// The existing record.
pub async fn find(db: impl PgExecutor<'_>, org: OrganizationId, key: &str) -> sqlx::Result<Option<Record>> {
    sqlx::query_as(
        "SELECT method, path, request_hash, request_hash_version, response_status, response_body, created_at, locked_at,
                operation_id
           FROM idempotency_records WHERE organization_id = $1 AND key = $2",
    )
    .bind(org)
    .bind(key)
    .fetch_optional(db)
    .await
}

/// Takes over an unfinished record whose lock is `stale_lock`; `false` when another retry took
/// it first or it was finished meanwhile.
pub async fn take_over(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    key: &str,
    stale_lock: OffsetDateTime,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE idempotency_records SET locked_at = $4
          WHERE organization_id = $1 AND key = $2 AND completed_at IS NULL AND locked_at = $3",
    )
    .bind(org)
    .bind(key)
    .bind(stale_lock)
    .bind(now)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Names the operation on a record this request holds (after a take-over).
pub async fn attach(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    key: &str,
    lock: OffsetDateTime,
    operation: Option<OperationId>,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE idempotency_records SET operation_id = $4
          WHERE organization_id = $1 AND key = $2 AND completed_at IS NULL AND locked_at = $3",
    )
    .bind(org)
    .bind(key)
    .bind(lock)
    .bind(operation)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Saves the answer on a record this request holds; `false` when it no longer holds it.
pub async fn complete(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    key: &str,
    lock: OffsetDateTime,
    status: u16,
    body: &[u8],
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE idempotency_records SET response_status = $4, response_body = $5, completed_at = $6, locked_at = NULL
          WHERE organization_id = $1 AND key = $2 AND completed_at IS NULL AND locked_at = $3",
    )
    .bind(org)
    .bind(key)
    .bind(lock)
    .bind(status as i16)
    .bind(body)
    .bind(now)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Gives up a held record so that the next retry takes it over at once.
pub async fn release(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    key: &str,
    lock: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE idempotency_records SET locked_at = 'epoch'
          WHERE organization_id = $1 AND key = $2 AND completed_at IS NULL AND locked_at = $3",
    )
    .bind(org)
    .bind(key)
    .bind(lock)
    .execute(db)
    .await?;
    Ok(())
}

/// Drops a record past its retention so the key can start afresh.
pub async fn delete_expired(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    key: &str,
    cutoff: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM idempotency_records WHERE organization_id = $1 AND key = $2 AND created_at < $3")
        .bind(org)
        .bind(key)
        .bind(cutoff)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes every record older than the retention; returns how many.
pub async fn purge(db: impl PgExecutor<'_>, now: OffsetDateTime, retention: Duration) -> sqlx::Result<u64> {
    let r =
        sqlx::query("DELETE FROM idempotency_records WHERE created_at < $1").bind(now - retention).execute(db).await?;
    Ok(r.rows_affected())
}
