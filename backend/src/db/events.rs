//! Reading the organization's events (the outbox rows are also the merchant's event log).

use shared::ids::OrganizationId;
use sqlx::PgExecutor;
use time::OffsetDateTime;

/// Newest first, at most `limit`, from `since` on; `has_more` when another page exists.
pub async fn list(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    event_type: Option<&str>,
    since: OffsetDateTime,
    after: Option<(OffsetDateTime, String)>,
    limit: i64,
) -> sqlx::Result<(Vec<serde_json::Value>, bool)> {
    let (after_time, after_id) = after.unzip();
    let mut rows: Vec<serde_json::Value> = sqlx::query_scalar(
        "SELECT payload FROM events
          WHERE organization_id = $1 AND created_at >= $2 AND ($3::text IS NULL OR type = $3)
            AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))
          ORDER BY created_at DESC, id DESC LIMIT $6",
    )
    .bind(org)
    .bind(since)
    .bind(event_type)
    .bind(after_time)
    .bind(after_id)
    .bind(limit + 1)
    .fetch_all(db)
    .await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, has_more))
}

/// The creation time of an event of this organization (a list cursor).
pub async fn created_at(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    id: &str,
) -> sqlx::Result<Option<OffsetDateTime>> {
    sqlx::query_scalar("SELECT created_at FROM events WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org)
        .fetch_optional(db)
        .await
}
