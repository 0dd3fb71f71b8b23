//! A payout's card number, sealed until the payout is final (see the migration).

use shared::ids::OperationId;
use sqlx::PgExecutor;

use crate::vault::Sealed;

pub async fn keep(db: impl PgExecutor<'_>, operation: OperationId, sealed: &Sealed) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO sealed_cards (operation_id, ciphertext, nonce) VALUES ($1, $2, $3)")
        .bind(operation)
        .bind(&sealed.ciphertext)
        .bind(&sealed.nonce[..])
        .execute(db)
        .await?;
    Ok(())
}

pub async fn get(db: impl PgExecutor<'_>, operation: OperationId) -> sqlx::Result<Option<(Vec<u8>, Vec<u8>)>> {
    sqlx::query_as("SELECT ciphertext, nonce FROM sealed_cards WHERE operation_id = $1")
        .bind(operation)
        .fetch_optional(db)
        .await
}

pub async fn erase(db: impl PgExecutor<'_>, operation: OperationId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sealed_cards WHERE operation_id = $1").bind(operation).execute(db).await?;
    Ok(())
}
