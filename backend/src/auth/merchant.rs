//! API-key authentication of the payment API. Every request under `/api/v1` passes here first:
//! no key, an unknown or revoked key is `401 invalid_api_key`; a blocked organization is
//! `403 organization_blocked`; each key has its own rate limit. Keys are looked up once per
//! `caches.api_key_seconds` per node (`caches`), and a revocation reaches every node at once.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::{Ready, ready};
use shared::ids::{ApiKeyId, OrganizationId};
use shared::{ErrorCode, OrganizationStatus};
use subtle::ConstantTimeEq;

use crate::auth::api_keys;
use crate::caches::KeyInfo;
use crate::error::ApiError;
use crate::state::AppState;

/// The merchant behind the request's API key.
#[derive(Debug, Clone, Copy)]
pub struct Merchant {
    pub organization_id: OrganizationId,
    pub api_key_id: ApiKeyId,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: ApiKeyId,
    organization_id: OrganizationId,
    key_hash: Vec<u8>,
    revoked: bool,
    status: OrganizationStatus,
    stale: bool,
}

fn invalid_key(message: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidApiKey, message)
}

async fn authenticate(req: &ServiceRequest) -> Result<Merchant, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| anyhow::anyhow!("no app state"))?;
    let header = req.headers().get("authorization").and_then(|v| v.to_str().ok());
    let key = match header.and_then(|h| h.strip_prefix("Bearer ")).map(str::trim) {
        Some(k) if !k.is_empty() => k,
        _ => return Err(invalid_key("No API key provided. Send it as 'Authorization: Bearer sk_...'.")),
    };
    if !api_keys::looks_like_key(key) {
        return Err(invalid_key("Invalid API key."));
    }
    let digest = api_keys::digest(key);
    let (info, record_use) = match state.caches.key(&digest) {
        Some(hit) => (hit.info, hit.record_use),
        None => {
            let generation = state.caches.generation();
            let (info, stale) = look_up(state, &digest).await?.ok_or_else(|| invalid_key("Invalid API key."))?;
            state.caches.store_key(digest, info, generation);
            (info, stale)
        }
    };
    state.limits.api_per_key.check(&info.id.to_string())?;
    if info.blocked {
        return Err(ApiError::new(
            ErrorCode::OrganizationBlocked,
            "The organization is blocked. Contact your manager.",
        ));
    }
    if record_use {
        // Recorded at most once a minute per key (and node), to keep the hot path free of writes.
        sqlx::query("UPDATE api_keys SET last_used_at = greatest(last_used_at, $2) WHERE id = $1")
            .bind(info.id)
            .bind(state.clock.now())
            .execute(&state.db)
            .await?;
    }
    Ok(Merchant { organization_id: info.organization_id, api_key_id: info.id })
}

/// The unrevoked key with this digest, and whether its `last_used_at` is over a minute old.
async fn look_up(state: &AppState, digest: &[u8; 32]) -> Result<Option<(KeyInfo, bool)>, ApiError> {
    let row: Option<KeyRow> = sqlx::query_as(
        "SELECT k.id, k.organization_id, k.key_hash, k.revoked_at IS NOT NULL AS revoked, o.status,
                (k.last_used_at IS NULL OR k.last_used_at < $2 - interval '1 minute') AS stale
           FROM api_keys k JOIN organizations o ON o.id = k.organization_id
          WHERE k.key_hash = $1",
    )
    .bind(&digest[..])
    .bind(state.clock.now())
    .fetch_optional(&state.db)
    .await?;
    Ok(row.filter(|r| bool::from(r.key_hash.as_slice().ct_eq(&digest[..])) && !r.revoked).map(|r| {
        let info =
            KeyInfo { id: r.id, organization_id: r.organization_id, blocked: r.status == OrganizationStatus::Blocked };
        (info, r.stale)
    }))
}

/// The middleware of the `/api/v1` scope.
pub async fn require_api_key(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, Error> {
    match authenticate(&req).await {
        Ok(merchant) => {
            req.extensions_mut().insert(merchant);
            Ok(next.call(req).await?.map_into_left_body())
        }
        Err(e) => Ok(req.error_response(e).map_into_right_body()),
    }
}

impl FromRequest for Merchant {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(req.extensions().get::<Merchant>().copied().ok_or_else(|| invalid_key("Invalid API key.")))
    }
}
