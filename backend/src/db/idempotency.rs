//! Idempotency records of the payment API, scoped to the organization.

use shared::ids::OrganizationId;
use sqlx::PgExecutor;
use time::{Duration, OffsetDateTime};

#[derive(Debug, sqlx::FromRow)]
pub struct Record {
    pub method: String,
    pub path: String,
    pub same_body: bool,
    pub response_status: Option<i16>,
    pub response_body: Option<Vec<u8>>,
    pub created_at: OffsetDateTime,
}

/// Claims the key for a new request. `false` when a record already exists.
pub async fn claim(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    key: &str,
    method: &str,
    path: &str,
    request_hash: &[u8; 32],
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency_records (organization_id, key, method, path, request_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(org)
    .bind(key)
    .bind(method)
    .bind(path)
    .bind(&request_hash[..])
    .bind(now)
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The existing record, with whether its request hash equals `request_hash`.
pub async fn find(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    key: &str,
    request_hash: &[u8; 32],
) -> sqlx::Result<Option<Record>> {
    sqlx::query_as(
        "SELECT method, path, request_hash = $3 AS same_body, response_status, response_body, created_at
           FROM idempotency_records WHERE organization_id = $1 AND key = $2",
    )
    .bind(org)
    .bind(key)
    .bind(&request_hash[..])
    .fetch_optional(db)
    .await
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

pub async fn complete(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    key: &str,
    status: u16,
    body: &[u8],
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE idempotency_records SET response_status = $3, response_body = $4, completed_at = $5
          WHERE organization_id = $1 AND key = $2",
    )
    .bind(org)
    .bind(key)
    .bind(status as i16)
    .bind(body)
    .bind(now)
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
