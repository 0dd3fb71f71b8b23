//! API key records: prefix and SHA-256 only.

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
