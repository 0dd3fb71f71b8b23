//! Saved cards.

use shared::ids::OrganizationId;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CardTokenRow {
    pub id: Uuid,
    pub token: String,
    pub organization_id: OrganizationId,
    pub pan_ciphertext: Vec<u8>,
    pub pan_nonce: Vec<u8>,
    pub card_mask: String,
    pub card_brand: String,
    pub card_holder: Option<String>,
    pub exp_month: i16,
    pub exp_year: i16,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

const SELECT: &str = "SELECT id, token, organization_id, pan_ciphertext, pan_nonce, card_mask, card_brand, card_holder,
        exp_month, exp_year, created_at, revoked_at FROM card_tokens";

pub struct NewCardToken<'a> {
    pub organization_id: OrganizationId,
    pub sealed: &'a crate::vault::Sealed,
    pub pan_hash: &'a [u8; 32],
    pub card_mask: &'a str,
    pub card_brand: &'a str,
    pub card_holder: Option<&'a str>,
    pub exp_month: i16,
    pub exp_year: i16,
    pub now: OffsetDateTime,
}

/// Saves a card, or returns the organization's live token for the same card and expiry.
pub async fn save(tx: &mut Transaction<'_, Postgres>, c: &NewCardToken<'_>) -> sqlx::Result<CardTokenRow> {
    let existing: Option<CardTokenRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE organization_id = $1 AND pan_hash = $2 AND exp_month = $3 AND exp_year = $4 AND revoked_at IS NULL
          ORDER BY created_at DESC LIMIT 1"
    ))
    .bind(c.organization_id)
    .bind(&c.pan_hash[..])
    .bind(c.exp_month)
    .bind(c.exp_year)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = existing {
        return Ok(row);
    }
    let id = Uuid::now_v7();
    let token = format!("ct_{}", Uuid::new_v4().simple());
    sqlx::query_as(
        "INSERT INTO card_tokens (id, token, organization_id, pan_ciphertext, pan_nonce, pan_hash, card_mask, card_brand,
            card_holder, exp_month, exp_year, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         RETURNING id, token, organization_id, pan_ciphertext, pan_nonce, card_mask, card_brand, card_holder,
            exp_month, exp_year, created_at, revoked_at",
    )
    .bind(id)
    .bind(&token)
    .bind(c.organization_id)
    .bind(&c.sealed.ciphertext)
    .bind(&c.sealed.nonce[..])
    .bind(&c.pan_hash[..])
    .bind(c.card_mask)
    .bind(c.card_brand)
    .bind(c.card_holder)
    .bind(c.exp_month)
    .bind(c.exp_year)
    .bind(c.now)
    .fetch_one(&mut **tx)
    .await
}

/// A token of this organization (another organization's token does not exist for it).
pub async fn get(db: impl PgExecutor<'_>, org: OrganizationId, token: &str) -> sqlx::Result<Option<CardTokenRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE token = $1 AND organization_id = $2"))
        .bind(token)
        .bind(org)
        .fetch_optional(db)
        .await
}

/// Revokes a token (keeping the first revocation time) and returns it.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    token: &str,
    now: OffsetDateTime,
) -> sqlx::Result<Option<CardTokenRow>> {
    sqlx::query_as(
        "UPDATE card_tokens SET revoked_at = coalesce(revoked_at, $3) WHERE token = $1 AND organization_id = $2
         RETURNING id, token, organization_id, pan_ciphertext, pan_nonce, card_mask, card_brand, card_holder,
            exp_month, exp_year, created_at, revoked_at",
    )
    .bind(token)
    .bind(org)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Revokes a card saved for an operation that then failed: an unpaid card is not kept.
pub async fn revoke_by_id(db: impl PgExecutor<'_>, id: Uuid, now: OffsetDateTime) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE card_tokens SET revoked_at = coalesce(revoked_at, $2)
          WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM operations WHERE card_token_id = $1 AND status IN ('succeeded', 'partially_refunded', 'refunded'))",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}
