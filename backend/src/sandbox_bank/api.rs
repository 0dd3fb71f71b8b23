//! The bank's HTTP API. Every operation endpoint goes through the fault plan of its card or
//! label: latency, then maybe lost or refused before booking, then booked and committed (its
//! register line as the plan says), then maybe no answer or a 500. The caller's label is its
//! merchant account: bookings are filed under it, and `GET /ledger` with a label lists only its own.

use std::future::Future;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;

use super::BankState;
use super::book::{self, Caller};
use super::cards::card_hash;
use super::faults::{self, Plan};
use super::wire::{
    AuthorizeIn, CaptureIn, ChallengeIn, EntryType, FaultRule, LABEL_HEADER, LedgerPage, RefundIn, ReleaseIn, VoidIn,
};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(|| async { HttpResponse::Ok().json(json!({"status": "ok"})) }))
        .route("/v1/authorize", web::post().to(authorize))
        .route("/v1/challenge", web::post().to(challenge))
        .route("/v1/capture", web::post().to(capture))
        .route("/v1/release", web::post().to(release))
        .route("/v1/refund", web::post().to(refund))
        .route("/v1/void", web::post().to(void))
        .route("/v1/status/{reference}/{type}", web::get().to(status))
        .route("/ledger", web::get().to(ledger))
        .route("/faults", web::get().to(list_faults))
        .route("/faults", web::delete().to(clear_faults))
        .route("/faults/{label}", web::put().to(set_fault))
        .route("/faults/{label}", web::delete().to(remove_fault))
        .route("/webhooks", web::post().to(receive_webhook))
        .route("/webhooks", web::get().to(list_webhooks));
}

/// A merchant's endpoint for local runs: the demo organization's notifications come here. It
/// acknowledges at once and keeps the last 100 (headers and body) in memory.
async fn receive_webhook(state: web::Data<BankState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let entry = json!({
        "webhook_id": header("webhook-id"),
        "webhook_timestamp": header("webhook-timestamp"),
        "body": serde_json::from_slice::<serde_json::Value>(&body).unwrap_or(serde_json::Value::Null),
    });
    let mut received = state.webhooks.lock().unwrap_or_else(|e| e.into_inner());
    received.push_back(entry);
    while received.len() > 100 {
        received.pop_front();
    }
    HttpResponse::NoContent().finish()
}

async fn list_webhooks(state: web::Data<BankState>) -> HttpResponse {
    let received = state.webhooks.lock().unwrap_or_else(|e| e.into_inner());
    HttpResponse::Ok().json(json!({"data": received.iter().rev().collect::<Vec<_>>()}))
}

fn bad_request(message: impl Into<String>) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({"error": message.into()}))
}

fn internal(e: impl std::fmt::Debug) -> HttpResponse {
    tracing::error!(error = ?e, "sandbox bank failure");
    HttpResponse::InternalServerError().json(json!({"error": "internal"}))
}

/// The caller's label; a bookings' column holds at most this many characters of it.
const MAX_LABEL: usize = 100;

/// The caller's label, if it sent one; `Err` (the answer to give) when it is not a label.
fn label(req: &HttpRequest) -> Result<Option<String>, Box<HttpResponse>> {
    match req.headers().get(LABEL_HEADER).map(|v| v.to_str()) {
        None => Ok(None),
        Some(Ok(l)) if !l.is_empty() && l.len() <= MAX_LABEL => Ok(Some(l.to_owned())),
        Some(_) => Err(Box::new(bad_request(format!("{LABEL_HEADER} must be 1-{MAX_LABEL} visible ASCII characters")))),
    }
}

/// Runs `book` under the fault plan that applies to this card or label.
async fn faulty<F, Fut>(state: &BankState, req: &HttpRequest, card: Option<String>, book: F) -> HttpResponse
where
    F: FnOnce(Caller) -> Fut,
    Fut: Future<Output = sqlx::Result<super::wire::Answer>>,
{
    let label = match label(req) {
        Ok(label) => label,
        Err(refused) => return *refused,
    };
    let plan = state.faults.plan(card.as_deref(), label.as_deref()).unwrap_or_default();
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    if plan.drop {
        // Lost on the way in: nothing booked, nothing answered.
        return hang(state).await;
    }
    if plan.error_before {
        return HttpResponse::ServiceUnavailable().json(json!({"error": "unavailable"}));
    }
    let answer = match book(Caller { label, register: plan.register }).await {
        Ok(answer) => answer,
        Err(e) => return internal(e),
    };
    answered(state, &plan, answer).await
}

async fn answered(state: &BankState, plan: &Plan, answer: super::wire::Answer) -> HttpResponse {
    if plan.no_answer {
        return hang(state).await;
    }
    if plan.error_after {
        return HttpResponse::InternalServerError().json(json!({"error": "internal"}));
    }
    HttpResponse::Ok().json(answer)
}

/// Holds the request until the caller gives up.
async fn hang(state: &BankState) -> HttpResponse {
    tokio::time::sleep(state.hang).await;
    HttpResponse::GatewayTimeout().json(json!({"error": "timeout"}))
}

/// The card a request touches, when some fault rule is scoped by card.
async fn card_of(state: &BankState, reference: &str) -> Option<String> {
    if !state.faults.by_card() {
        return None;
    }
    book::card_of(&state.db, reference).await.ok().flatten()
}

fn valid_reference(reference: &str) -> bool {
    !reference.is_empty() && reference.len() <= 100 && reference.bytes().all(|b| b.is_ascii_graphic())
}

fn bad_reference() -> HttpResponse {
    bad_request("reference must be 1-100 printable ASCII characters")
}

async fn authorize(state: web::Data<BankState>, req: HttpRequest, body: web::Json<AuthorizeIn>) -> HttpResponse {
    let body = body.into_inner();
    if !valid_reference(&body.reference) {
        return bad_reference();
    }
    if !matches!(body.kind, EntryType::Debit | EntryType::Credit | EntryType::Hold) {
        return bad_request("type must be debit, credit or hold");
    }
    let pan: String = body.card.number.chars().filter(|c| !c.is_whitespace()).collect();
    if !(12..=19).contains(&pan.len()) || !pan.bytes().all(|b| b.is_ascii_digit()) || body.amount.is_zero() {
        return bad_request("a card number of 12-19 digits and a positive amount are required");
    }
    let card = Some(card_hash(&pan));
    faulty(&state, &req, card, |caller| book::authorize(&state.db, &body, caller)).await
}

async fn challenge(state: web::Data<BankState>, req: HttpRequest, body: web::Json<ChallengeIn>) -> HttpResponse {
    let body = body.into_inner();
    if !valid_reference(&body.reference) {
        return bad_reference();
    }
    let card = card_of(&state, &body.reference).await;
    faulty(&state, &req, card, |caller| {
        book::complete_challenge(&state.db, &body.reference, body.kind, body.passed, caller)
    })
    .await
}

async fn capture(state: web::Data<BankState>, req: HttpRequest, body: web::Json<CaptureIn>) -> HttpResponse {
    let body = body.into_inner();
    if !valid_reference(&body.reference) {
        return bad_reference();
    }
    let card = card_of(&state, &body.reference).await;
    faulty(&state, &req, card, |caller| book::capture(&state.db, &body, caller)).await
}

async fn release(state: web::Data<BankState>, req: HttpRequest, body: web::Json<ReleaseIn>) -> HttpResponse {
    let body = body.into_inner();
    if !valid_reference(&body.reference) {
        return bad_reference();
    }
    let card = card_of(&state, &body.reference).await;
    faulty(&state, &req, card, |caller| book::release(&state.db, &body, caller)).await
}

async fn refund(state: web::Data<BankState>, req: HttpRequest, body: web::Json<RefundIn>) -> HttpResponse {
    let body = body.into_inner();
    if !valid_reference(&body.reference) || !valid_reference(&body.original_reference) {
        return bad_reference();
    }
    if body.amount.is_zero() {
        return bad_request("amount must be positive");
    }
    let card = card_of(&state, &body.original_reference).await;
    faulty(&state, &req, card, |caller| book::refund(&state.db, &body, caller)).await
}

async fn void(state: web::Data<BankState>, req: HttpRequest, body: web::Json<VoidIn>) -> HttpResponse {
    let body = body.into_inner();
    if !valid_reference(&body.reference) {
        return bad_reference();
    }
    let card = card_of(&state, &body.reference).await;
    faulty(&state, &req, card, |caller| book::void(&state.db, &body, caller)).await
}

async fn status(state: web::Data<BankState>, req: HttpRequest, path: web::Path<(String, String)>) -> HttpResponse {
    let (reference, kind) = path.into_inner();
    let Some(kind) = EntryType::parse(&kind) else { return bad_request("unknown type") };
    if !valid_reference(&reference) {
        return bad_reference();
    }
    let card = card_of(&state, &reference).await;
    faulty(&state, &req, card, |_| book::status(&state.db, &reference, kind)).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerQuery {
    limit: Option<i64>,
    after: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    from: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    to: Option<OffsetDateTime>,
}

/// The register, oldest first: every caller's lines, or with a label only that caller's.
async fn ledger(state: web::Data<BankState>, req: HttpRequest, query: web::Query<LedgerQuery>) -> HttpResponse {
    let q = query.into_inner();
    let label = match label(&req) {
        Ok(label) => label,
        Err(refused) => return *refused,
    };
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return bad_request("limit must be within 1..=1000");
    }
    let after = match q.after.as_deref().map(super::register::Cursor::parse) {
        None => Default::default(),
        Some(Some(c)) => c,
        Some(None) => return bad_request("after must be a cursor from an earlier page"),
    };
    match super::register::ledger(&state.db, label.as_deref(), after, q.from, q.to, limit).await {
        Ok(Some((data, next))) => HttpResponse::Ok().json(LedgerPage { data, next: next.map(|n| n.to_string()) }),
        // Lines committed before this read sit behind a transaction still running: answering
        // now would leave them out of a register the caller takes as whole.
        Ok(None) => HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "1"))
            .json(json!({"error": "the register is settling: older transactions still run; retry"})),
        Err(e) => internal(e),
    }
}

async fn list_faults(state: web::Data<BankState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"data": state.faults.list()}))
}

async fn set_fault(state: web::Data<BankState>, label: web::Path<String>, rule: web::Json<FaultRule>) -> HttpResponse {
    let rule = rule.into_inner();
    if let Err(message) = faults::validate(&rule) {
        return bad_request(message);
    }
    state.faults.set(&label, rule.clone());
    HttpResponse::Ok().json(rule)
}

async fn remove_fault(state: web::Data<BankState>, label: web::Path<String>) -> HttpResponse {
    if state.faults.remove(&label) { HttpResponse::NoContent().finish() } else { HttpResponse::NotFound().finish() }
}

async fn clear_faults(state: web::Data<BankState>) -> HttpResponse {
    state.faults.clear();
    HttpResponse::NoContent().finish()
}

/// How long a hung request is held before the bank gives up on it itself.
pub fn default_hang() -> Duration {
    Duration::from_secs(120)
}
