//! API key records: prefix and SHA-256 only.

use shared::dto::admin::ApiKeyView;
use shared::ids::{ApiKeyId, OrganizationId, UserId};
use sqlx::PgExecutor;

use crate::auth::api_keys::IssuedKey;

pub async fn insert(
    db: impl PgExecutor<'_>,
    organization: OrganizationId,
    key: &IssuedKey,
    name: Option<&str>,
    created_by: Option<UserId>,
) -> sqlx::Result<ApiKeyId> {
    let id = ApiKeyId::new();
    sqlx::query(
        "INSERT INTO api_keys (id, organization_id, prefix, key_hash, name, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(organization)
    .bind(&key.prefix)
    .bind(&key.hash[..])
    .bind(name)
    .bind(created_by)
    .execute(db)
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: ApiKeyId,
    prefix: String,
    organization_id: OrganizationId,
    name: Option<String>,
    created_at: time::OffsetDateTime,
    last_used_at: Option<time::OffsetDateTime>,
    revoked_at: Option<time::OffsetDateTime>,
}

impl From<KeyRow> for ApiKeyView {
    fn from(r: KeyRow) -> Self {
        ApiKeyView {
            id: r.id,
            prefix: r.prefix,
            organization_id: r.organization_id,
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

const KEY_SELECT: &str = "SELECT id, prefix, organization_id, name, created_at, last_used_at, revoked_at FROM api_keys";

pub async fn get(db: impl PgExecutor<'_>, id: ApiKeyId) -> sqlx::Result<Option<ApiKeyView>> {
    let row: Option<KeyRow> =
        sqlx::query_as(&format!("{KEY_SELECT} WHERE id = $1")).bind(id).fetch_optional(db).await?;
    Ok(row.map(Into::into))
}

pub async fn list(db: impl PgExecutor<'_>, organization: OrganizationId) -> sqlx::Result<Vec<ApiKeyView>> {
    let rows: Vec<KeyRow> =
        sqlx::query_as(&format!("{KEY_SELECT} WHERE organization_id = $1 ORDER BY created_at DESC"))
            .bind(organization)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Revokes a key (keeping the first revocation time); the key stops working at once.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    id: ApiKeyId,
    now: time::OffsetDateTime,
) -> sqlx::Result<Option<ApiKeyView>> {
    let row: Option<KeyRow> = sqlx::query_as(
        "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1
         RETURNING id, prefix, organization_id, name, created_at, last_used_at, revoked_at",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Into::into))
}
