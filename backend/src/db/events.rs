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
    before: Option<(OffsetDateTime, String)>,
    limit: i64,
) -> sqlx::Result<(Vec<serde_json::Value>, bool)> {
    let backwards = before.is_some();
    let (after_time, after_id) = after.unzip();
    let (before_time, before_id) = before.unzip();
    let order = if backwards { "ASC" } else { "DESC" };
    let rows: Vec<serde_json::Value> = sqlx::query_scalar(&format!(
        "SELECT payload FROM events
          WHERE organization_id = $1 AND created_at >= $2 AND ($3::text IS NULL OR type = $3)
            AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))
            AND ($6::timestamptz IS NULL OR (created_at, id) > ($6, $7))
          ORDER BY created_at {order}, id {order} LIMIT $8"
    ))
    .bind(org)
    .bind(since)
    .bind(event_type)
    .bind(after_time)
    .bind(after_id)
    .bind(before_time)
    .bind(before_id)
    .bind(limit + 1)
    .fetch_all(db)
    .await?;
    Ok(super::keyset_page(rows, limit, backwards))
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

#[derive(sqlx::FromRow)]
struct EventRow {
    id: String,
    #[sqlx(rename = "type")]
    event_type: String,
    created_at: OffsetDateTime,
    delivery_status: String,
    attempts: i32,
    next_attempt_at: Option<OffsetDateTime>,
    delivered_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    event_id: String,
    attempted_at: OffsetDateTime,
    url: String,
    http_status: Option<i16>,
    error: Option<String>,
    latency_ms: i32,
    response_snippet: Option<String>,
    manual: bool,
}

/// An operation's events, oldest first, each with its attempts.
pub async fn of_operation(
    db: &sqlx::PgPool,
    operation: shared::ids::OperationId,
) -> sqlx::Result<Vec<shared::dto::events::EventView>> {
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT id, type, created_at, delivery_status, attempts, next_attempt_at, delivered_at
           FROM events WHERE operation_id = $1 ORDER BY created_at, id",
    )
    .bind(operation)
    .fetch_all(db)
    .await?;
    with_attempts(db, events).await
}

/// An organization's latest events, newest first, each with its attempts: the delivery log.
pub async fn latest_of_organization(
    db: &sqlx::PgPool,
    org: OrganizationId,
    limit: i64,
) -> sqlx::Result<Vec<shared::dto::events::EventView>> {
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT id, type, created_at, delivery_status, attempts, next_attempt_at, delivered_at
           FROM events WHERE organization_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(org)
    .bind(limit)
    .fetch_all(db)
    .await?;
    with_attempts(db, events).await
}

async fn with_attempts(db: &sqlx::PgPool, events: Vec<EventRow>) -> sqlx::Result<Vec<shared::dto::events::EventView>> {
    use shared::dto::events::{DeliveryAttemptView, EventView};
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    let attempts: Vec<AttemptRow> = sqlx::query_as(
        "SELECT event_id, attempted_at, url, http_status, error, latency_ms, response_snippet, manual
           FROM delivery_attempts WHERE event_id = ANY($1) ORDER BY id",
    )
    .bind(&ids)
    .fetch_all(db)
    .await?;
    Ok(events
        .into_iter()
        .map(|e| EventView {
            deliveries: attempts
                .iter()
                .filter(|a| a.event_id == e.id)
                .map(|a| DeliveryAttemptView {
                    attempted_at: a.attempted_at,
                    url: a.url.clone(),
                    http_status: a.http_status.map(|s| s as u16),
                    error: a.error.clone(),
                    latency_ms: a.latency_ms,
                    response_snippet: a.response_snippet.clone(),
                    manual: a.manual,
                })
                .collect(),
            id: e.id,
            event_type: e.event_type,
            created_at: e.created_at,
            delivery_status: e.delivery_status,
            attempts: e.attempts,
            next_attempt_at: e.next_attempt_at,
            delivered_at: e.delivered_at,
        })
        .collect())
}
