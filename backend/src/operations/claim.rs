//! An idempotency key held by one request, in atomic phases after Brandur Leach's design for
//! Stripe: the key is written (locked, naming the operation) in the transaction that creates
//! the operation, and its answer is saved in the transaction that records the outcome. So a
//! crash leaves either nothing (a retry runs afresh) or an operation whose key a retry can take
//! over once the lock is older than `idempotency.lock_timeout_seconds`.
//!
//! What a take-over does, for each request that holds a key:
//!
//! | request | where it was cut short | the retry that takes over |
//! |---|---|---|
//! | `POST /payments`, `POST /payouts`, `POST /payments/{id}/refunds` | before the operation's transaction committed | runs the request afresh |
//! | same | after it (the bank may have been called) | answers the operation as it stands and saves that; the settlement worker learns the bank's answer |
//! | same | after the outcome's transaction | nothing to take over: the answer was saved with the outcome |
//! | `DELETE /card-tokens/{token}` | anywhere | runs afresh (the revocation and its answer commit together) |
//!
//! A request that ends in a 5xx gives its key up at once (nothing it committed is lost: a retry
//! answers the operation as it stands, or runs afresh if it made none).

use std::net::IpAddr;

use shared::ids::{ApiKeyId, OperationId, OrganizationId};
use sqlx::PgExecutor;
use time::OffsetDateTime;

use crate::db::idempotency::{self, Key};
use crate::error::ApiError;

/// A key this request holds.
#[derive(Debug, Clone)]
pub struct Claim {
    pub organization_id: OrganizationId,
    pub key: String,
    pub method: String,
    pub path: String,
    pub request_hash: [u8; 32],
    /// Our lock time, to the microsecond as PostgreSQL stores it.
    pub lock: OffsetDateTime,
    /// Taken over from an earlier attempt: the record exists already.
    pub taken_over: bool,
    /// Who sent the request, for the audit trail.
    pub api_key: ApiKeyId,
    pub ip: Option<IpAddr>,
    /// The HTTP status of the request's answer when it succeeds (201 creates, 200 otherwise).
    pub success: u16,
}

/// PostgreSQL keeps microseconds; a lock compared for equality must be cut the same way.
pub fn micros(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

impl Claim {
    fn k(&self) -> Key<'_> {
        Key {
            organization_id: self.organization_id,
            key: &self.key,
            method: &self.method,
            path: &self.path,
            request_hash: &self.request_hash,
        }
    }

    /// Writes the key, locked and naming `operation`, in the operation's own transaction. Fails
    /// with `409 request_in_progress` (and the caller's transaction is dropped) when another
    /// request holds the key.
    pub async fn attach(&self, db: impl PgExecutor<'_>, operation: Option<OperationId>) -> Result<(), ApiError> {
        let held = if self.taken_over {
            idempotency::attach(db, self.organization_id, &self.key, self.lock, operation).await?
        } else {
            idempotency::insert_locked(db, &self.k(), self.lock, operation).await?
        };
        if held { Ok(()) } else { Err(in_progress()) }
    }

    /// Saves the answer, in the transaction of the outcome it describes. When another retry has
    /// taken the key over meanwhile, nothing is saved and the outcome still commits.
    pub async fn complete(
        &self,
        db: impl PgExecutor<'_>,
        status: u16,
        body: &[u8],
        now: OffsetDateTime,
    ) -> sqlx::Result<()> {
        if !idempotency::complete(db, self.organization_id, &self.key, self.lock, status, body, now).await? {
            tracing::warn!(key = %self.key, "the idempotency key was taken over before the answer was saved");
        }
        Ok(())
    }

    /// Saves an answer that created nothing (a 4xx after validation). `Err(409)` when another
    /// request holds the key.
    pub async fn finish(
        &self,
        db: impl PgExecutor<'_>,
        status: u16,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<(), ApiError> {
        let saved = if self.taken_over {
            idempotency::complete(db, self.organization_id, &self.key, self.lock, status, body, now).await?
        } else {
            idempotency::insert_done(db, &self.k(), status, body, now).await?
        };
        if saved { Ok(()) } else { Err(in_progress()) }
    }

    /// Audits what the request does to an operation, in that operation's transaction.
    pub async fn audit(
        &self,
        db: impl PgExecutor<'_>,
        action: &str,
        target: &str,
        details: serde_json::Value,
    ) -> sqlx::Result<()> {
        crate::db::audit::record(
            db,
            crate::db::audit::Entry {
                actor_api_key: Some(self.api_key),
                action,
                target_type: Some(if action.starts_with("card_token") { "card_token" } else { "operation" }),
                target_id: Some(target.to_owned()),
                organization: Some(self.organization_id),
                ip: self.ip,
                details,
                ..Default::default()
            },
        )
        .await
    }

    /// Gives the key up after an internal failure, so the next retry takes it over at once.
    pub async fn release(&self, db: impl PgExecutor<'_>) -> sqlx::Result<()> {
        idempotency::release(db, self.organization_id, &self.key, self.lock).await
    }
}

pub fn in_progress() -> ApiError {
    ApiError::new(shared::ErrorCode::RequestInProgress, "A request with this Idempotency-Key is still being processed.")
}
