//! Cabinet sessions: one row per signed JWT (`jti`).

use std::net::IpAddr;

use shared::ids::UserId;
use sqlx::PgExecutor;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub async fn insert(
    db: impl PgExecutor<'_>,
    id: Uuid,
    user: UserId,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(user)
    .bind(now)
    .bind(expires_at)
    .bind(ip.map(sqlx::types::ipnetwork::IpNetwork::from))
    .bind(user_agent.map(|ua| ua.chars().take(512).collect::<String>()))
    .execute(db)
    .await?;
    Ok(())
}

/// Marks the session seen now if it is live (not revoked, not idle past `idle`, not expired);
/// returns its user. One statement, so a revoked session can never be revived by a race.
pub async fn touch(
    db: impl PgExecutor<'_>,
    id: Uuid,
    now: OffsetDateTime,
    idle: Duration,
) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar(
        "UPDATE sessions SET last_seen_at = $2
          WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $2 - $3::interval
          RETURNING user_id",
    )
    .bind(id)
    .bind(now)
    .bind(format!("{} seconds", idle.whole_seconds()))
    .fetch_optional(db)
    .await
}

pub async fn revoke(db: impl PgExecutor<'_>, id: Uuid, now: OffsetDateTime) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every other session of a user: the one signing in more strongly (turning 2FA on)
/// keeps only the session it did that in.
pub async fn revoke_others_of(
    db: impl PgExecutor<'_>,
    user: UserId,
    keep: Uuid,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let r = sqlx::query("UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL")
        .bind(user)
        .bind(keep)
        .bind(now)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}

/// Ends every session of a user (password change or reset, account disabled).
pub async fn revoke_all_of(db: impl PgExecutor<'_>, user: UserId, now: OffsetDateTime) -> sqlx::Result<u64> {
    let r = sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user)
        .bind(now)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}
