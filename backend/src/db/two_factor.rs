//! Two-factor sign-in: a user's TOTP enrollment, their recovery codes and the sign-in challenges.

use shared::ids::UserId;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;

use crate::vault::Sealed;

/// A user's enrollment as stored: the sealed secret, and whether a code confirmed it.
#[derive(sqlx::FromRow)]
pub struct Enrollment {
    pub secret_ciphertext: Vec<u8>,
    pub secret_nonce: Vec<u8>,
    pub confirmed_at: Option<OffsetDateTime>,
}

impl Enrollment {
    pub fn confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }
}

pub async fn enrollment(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Option<Enrollment>> {
    sqlx::query_as("SELECT secret_ciphertext, secret_nonce, confirmed_at FROM user_totp WHERE user_id = $1")
        .bind(user)
        .fetch_optional(db)
        .await
}

/// Whether sign-in asks this user for a code.
pub async fn is_enabled(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL)")
        .bind(user)
        .fetch_one(db)
        .await
}

/// Starts a pending enrollment, or replaces a pending one's secret. A confirmed enrollment is
/// never overwritten: returns false then.
pub async fn start(db: impl PgExecutor<'_>, user: UserId, sealed: &Sealed, now: OffsetDateTime) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "INSERT INTO user_totp (user_id, secret_ciphertext, secret_nonce, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE
            SET secret_ciphertext = EXCLUDED.secret_ciphertext, secret_nonce = EXCLUDED.secret_nonce,
                created_at = EXCLUDED.created_at
          WHERE user_totp.confirmed_at IS NULL",
    )
    .bind(user)
    .bind(&sealed.ciphertext)
    .bind(&sealed.nonce[..])
    .bind(now)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Confirms a pending enrollment with the step of the code that confirmed it (used up thereby).
pub async fn confirm(
    tx: &mut Transaction<'_, Postgres>,
    user: UserId,
    step: i64,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE user_totp SET confirmed_at = $3, last_used_step = $2 WHERE user_id = $1 AND confirmed_at IS NULL",
    )
    .bind(user)
    .bind(step)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Uses up a TOTP step: true only if it is later than every step accepted before, so a code is
/// accepted once (and an older one never after a newer), even by two requests at once.
pub async fn use_step(db: impl PgExecutor<'_>, user: UserId, step: i64) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE user_totp SET last_used_step = $2
          WHERE user_id = $1 AND confirmed_at IS NOT NULL AND last_used_step < $2",
    )
    .bind(user)
    .bind(step)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Replaces the user's recovery codes with these hashes.
pub async fn replace_recovery_codes(
    tx: &mut Transaction<'_, Postgres>,
    user: UserId,
    hashes: &[[u8; 32]],
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM two_factor_recovery_codes WHERE user_id = $1").bind(user).execute(&mut **tx).await?;
    let hashes: Vec<Vec<u8>> = hashes.iter().map(|h| h.to_vec()).collect();
    sqlx::query(
        "INSERT INTO two_factor_recovery_codes (user_id, code_hash, created_at) SELECT $1, h, $3 FROM unnest($2::bytea[]) AS h",
    )
    .bind(user)
    .bind(hashes)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks an unused recovery code used; false if there is no such unused code.
pub async fn use_recovery_code(
    db: impl PgExecutor<'_>,
    user: UserId,
    hash: &[u8; 32],
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE two_factor_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user)
    .bind(&hash[..])
    .bind(now)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn recovery_codes_left(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM two_factor_recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user)
        .fetch_one(db)
        .await
}

/// Removes the enrollment, its recovery codes (by the foreign key) and any open challenge.
/// Returns whether there was an enrollment.
pub async fn remove(tx: &mut Transaction<'_, Postgres>, user: UserId) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM two_factor_challenges WHERE user_id = $1").bind(user).execute(&mut **tx).await?;
    let r = sqlx::query("DELETE FROM user_totp WHERE user_id = $1").bind(user).execute(&mut **tx).await?;
    Ok(r.rows_affected() == 1)
}

/// A challenge that can still be answered.
#[derive(sqlx::FromRow)]
pub struct Challenge {
    pub user_id: UserId,
    pub login_method: String,
    pub attempts: i32,
}

/// Opens a challenge; the user's earlier ones (answered, expired or not) go, so one is open at a time.
pub async fn create_challenge(
    db: &sqlx::PgPool,
    token_hash: &[u8; 32],
    user: UserId,
    login_method: &str,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM two_factor_challenges WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO two_factor_challenges (token_hash, user_id, login_method, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&token_hash[..])
    .bind(user)
    .bind(login_method)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Takes one try of an open challenge (unused, unexpired, tries left); `None` when it has none.
pub async fn take_try(
    db: impl PgExecutor<'_>,
    token_hash: &[u8; 32],
    now: OffsetDateTime,
    max_tries: i32,
) -> sqlx::Result<Option<Challenge>> {
    sqlx::query_as(
        "UPDATE two_factor_challenges SET attempts = attempts + 1
          WHERE token_hash = $1 AND consumed_at IS NULL AND expires_at > $2 AND attempts < $3
      RETURNING user_id, login_method, attempts",
    )
    .bind(&token_hash[..])
    .bind(now)
    .bind(max_tries)
    .fetch_optional(db)
    .await
}

/// The user of an open challenge, without taking a try (to pick the rate-limit bucket).
pub async fn challenge_user(
    db: impl PgExecutor<'_>,
    token_hash: &[u8; 32],
    now: OffsetDateTime,
) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar(
        "SELECT user_id FROM two_factor_challenges WHERE token_hash = $1 AND consumed_at IS NULL AND expires_at > $2",
    )
    .bind(&token_hash[..])
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Uses a challenge up; false when another request used it first. Also how a challenge is killed.
pub async fn consume_challenge(
    db: impl PgExecutor<'_>,
    token_hash: &[u8; 32],
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let r =
        sqlx::query("UPDATE two_factor_challenges SET consumed_at = $2 WHERE token_hash = $1 AND consumed_at IS NULL")
            .bind(&token_hash[..])
            .bind(now)
            .execute(db)
            .await?;
    Ok(r.rows_affected() == 1)
}
