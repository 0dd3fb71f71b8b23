//! The public payment API, `/api/v1`, authenticated by API keys (api-contract.md). Every request
//! has passed `auth::merchant::require_api_key` before it reaches a handler here.

pub(crate) mod balance;
mod body;
pub(crate) mod card_tokens;
pub(crate) mod events;
mod idempotency;
mod lists;
pub(crate) mod payments;
pub(crate) mod payouts;
pub(crate) mod refunds;
pub(crate) mod validate;

use actix_web::web;

/// Registers the payment API's routes inside its scope.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/payments", web::post().to(payments::create))
        .route("/payments", web::get().to(payments::list))
        .route("/payments/{id}", web::get().to(payments::get))
        .route("/payments/{id}/capture", web::post().to(payments::capture))
        .route("/payments/{id}/cancel", web::post().to(payments::cancel))
        .route("/payments/{id}/refunds", web::post().to(refunds::create))
        .route("/payments/{id}/refunds", web::get().to(refunds::list))
        .route("/refunds", web::get().to(refunds::list_all))
        .route("/refunds/{id}", web::get().to(refunds::get))
        .route("/payouts", web::post().to(payouts::create))
        .route("/payouts", web::get().to(payouts::list))
        .route("/payouts/{id}", web::get().to(payouts::get))
        .route("/card-tokens/{token}", web::get().to(card_tokens::get))
        .route("/card-tokens/{token}", web::delete().to(card_tokens::revoke))
        .route("/events", web::get().to(events::list))
        .route("/balance", web::get().to(balance::get))
        .route("/balance-transactions", web::get().to(balance::list))
        .route("/balance-transactions/{id}", web::get().to(balance::get_transaction));
}

/// The sequence every creating (or state-changing) endpoint follows: the `Idempotency-Key`, the body (64 KiB,
/// strict JSON), the typed request, its validation (all 400s, never saved), then the work under
/// the key, whose answer is saved and replayed.
async fn create<Req, Input, F, Fut>(
    req: &actix_web::HttpRequest,
    state: &crate::state::AppState,
    merchant: crate::auth::merchant::Merchant,
    payload: web::Payload,
    success: actix_web::http::StatusCode,
    validate: impl FnOnce(Req) -> Result<Input, crate::error::ApiError>,
    work: F,
) -> Result<actix_web::HttpResponse, crate::error::ApiError>
where
    Req: serde::de::DeserializeOwned,
    F: FnOnce(Input, crate::operations::claim::Claim) -> Fut,
    Fut: std::future::Future<Output = Result<crate::db::operations::OperationRow, crate::error::ApiError>>,
{
    let key = idempotency::require_key(req)?;
    let raw = body::read(req, payload).await?;
    let input = validate(body::parse(&raw)?)?;
    idempotency::run(state, merchant, req, &key, &raw, success, |claim| async move {
        let row = work(input, claim).await?;
        Ok((success, crate::operations::objects::answer(&row, &state.public_url)))
    })
    .await
}

/// Serializes an object for a saved (idempotent) answer.
fn bytes<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, crate::error::ApiError> {
    serde_json::to_vec(value).map_err(|e| crate::error::ApiError::Internal(e.into()))
}
