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
    /// Sealed with its row as associated data.
    pub bound: bool,
}

const SELECT: &str = "SELECT id, token, organization_id, pan_ciphertext, pan_nonce, card_mask, card_brand, card_holder,
        exp_month, exp_year, created_at, revoked_at, bound FROM card_tokens";

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

/// Saves a card for a payment that has not succeeded yet: a waiting token, not chargeable and
/// not shown until [`activate`]. Its id is chosen by the caller, who seals the card bound to it.
pub async fn insert_pending(tx: &mut Transaction<'_, Postgres>, id: Uuid, c: &NewCardToken<'_>) -> sqlx::Result<()> {
    let token = format!("ct_{}", Uuid::new_v4().simple());
    sqlx::query(
        "INSERT INTO card_tokens (id, token, organization_id, pan_ciphertext, pan_nonce, pan_hash, card_mask, card_brand,
            card_holder, exp_month, exp_year, created_at, active, bound)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, false, true)",
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
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The payment that saved a waiting card succeeded: the card becomes a token. If the
/// organization already holds a live token for the same card and expiry, that one stands for
/// the card and the waiting one goes. Returns the id of the token that now stands.
pub async fn activate(tx: &mut Transaction<'_, Postgres>, id: Uuid) -> sqlx::Result<Uuid> {
    // Two payments of the same card succeeding at once: the second waits here for the first to
    // commit, then finds its token, so one card keeps one token.
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtextextended(w.organization_id::text || encode(w.pan_hash, 'hex'), 0))
           FROM card_tokens w WHERE w.id = $1",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let existing: Option<Uuid> = sqlx::query_scalar(
        "SELECT t.id FROM card_tokens t JOIN card_tokens w ON w.id = $1
          WHERE t.organization_id = w.organization_id AND t.pan_hash = w.pan_hash AND t.exp_month = w.exp_month
            AND t.exp_year = w.exp_year AND t.active AND t.revoked_at IS NULL AND t.id <> w.id
          ORDER BY t.created_at DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    match existing {
        Some(other) => Ok(other),
        None => {
            sqlx::query("UPDATE card_tokens SET active = true WHERE id = $1").bind(id).execute(&mut **tx).await?;
            Ok(id)
        }
    }
}

/// Deletes a card that is still waiting (its payment failed, or another token stands for it).
pub async fn discard_pending(tx: &mut Transaction<'_, Postgres>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM card_tokens WHERE id = $1 AND NOT active").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// The associated data that binds a saved card to its row.
pub fn aad(id: Uuid, org: OrganizationId) -> Vec<u8> {
    format!("card_token:{id}:{org}").into_bytes()
}

/// A token of this organization (another organization's token, or a card still waiting for its
/// payment, does not exist for it).
pub async fn get(db: impl PgExecutor<'_>, org: OrganizationId, token: &str) -> sqlx::Result<Option<CardTokenRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE token = $1 AND organization_id = $2 AND active"))
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
        "UPDATE card_tokens SET revoked_at = coalesce(revoked_at, $3) WHERE token = $1 AND organization_id = $2 AND active
         RETURNING id, token, organization_id, pan_ciphertext, pan_nonce, card_mask, card_brand, card_holder,
            exp_month, exp_year, created_at, revoked_at, bound",
    )
    .bind(token)
    .bind(org)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Re-seals cards saved before sealing bound them to their row; returns how many.
pub async fn reseal_unbound(db: &sqlx::PgPool, keys: &crate::keys::Keys) -> anyhow::Result<u64> {
    let rows: Vec<CardTokenRow> = sqlx::query_as(&format!("{SELECT} WHERE NOT bound")).fetch_all(db).await?;
    let mut n = 0;
    for row in rows {
        let pan = crate::vault::open(keys, &row.pan_ciphertext, &row.pan_nonce)?;
        let sealed = crate::vault::seal_bound(keys, &pan, &aad(row.id, row.organization_id))?;
        sqlx::query(
            "UPDATE card_tokens SET pan_ciphertext = $2, pan_nonce = $3, bound = true WHERE id = $1 AND NOT bound",
        )
        .bind(row.id)
        .bind(&sealed.ciphertext)
        .bind(&sealed.nonce[..])
        .execute(db)
        .await?;
        n += 1;
    }
    Ok(n)
}
