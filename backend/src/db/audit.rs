//! The append-only audit log.

use std::net::IpAddr;

use shared::ids::{ApiKeyId, OrganizationId, UserId};
use sqlx::PgExecutor;

/// One audit entry: who did what to which object, from where.
#[derive(Debug, Default)]
pub struct Entry<'a> {
    pub actor_user: Option<UserId>,
    pub actor_api_key: Option<ApiKeyId>,
    pub action: &'a str,
    pub target_type: Option<&'a str>,
    pub target_id: Option<String>,
    pub organization: Option<OrganizationId>,
    pub ip: Option<IpAddr>,
    pub details: serde_json::Value,
}

pub async fn record(db: impl PgExecutor<'_>, e: Entry<'_>) -> sqlx::Result<()> {
    let details = if e.details.is_null() { serde_json::json!({}) } else { e.details };
    sqlx::query(
        "INSERT INTO audit_log (actor_user_id, actor_api_key_id, action, target_type, target_id, organization_id, ip, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.actor_user)
    .bind(e.actor_api_key)
    .bind(e.action)
    .bind(e.target_type)
    .bind(e.target_id)
    .bind(e.organization)
    .bind(e.ip.map(sqlx::types::ipnetwork::IpNetwork::from))
    .bind(details)
    .execute(db)
    .await?;
    Ok(())
}
