//! The payer's pages on ClickPay's own domain: the sandbox 3-D Secure challenge (`/3ds/{id}`)
//! and the hosted payment page (`/pay/{id}`). They need no login; the payment id in the link is
//! the capability. A submit moves the payment to `processing` under its row lock and commits
//! before it talks to the bank (holding no connection or lock during the call), so a double
//! submit finds the payment already moved on and can never charge twice, and a crash leaves the
//! payment to the settlement worker.

mod html;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::ids::OperationId;
use shared::{OperationStatus as S, OperationType};

use crate::acquirer::{AuthorizeRequest, BookingKind};
use crate::db::operations::{self, Change, OperationRow};
use crate::domain::card::{self, CardNumber};
use crate::error::ApiError;
use crate::operations::payments::save_card;
use crate::operations::{apply_outcome, first_check, move_to, outcome_or_pending};
use crate::state::AppState;

/// The one code the sandbox ACS accepts.
pub const SANDBOX_OTP: &str = "123456";

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/pay/assets/pay.js", web::get().to(script))
        .route("/3ds/{id}", web::get().to(challenge_page))
        .route("/3ds/{id}", web::post().to(challenge_submit))
        .route("/pay/{id}", web::get().to(pay_page))
        .route("/pay/{id}", web::post().to(pay_submit));
}

async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=300"))
        .body(include_str!("pay.js"))
}

/// The payment and its merchant's name, if the id names a payment.
async fn load(state: &AppState, id: &str) -> Result<Option<(OperationRow, String)>, ApiError> {
    let Ok(id) = id.parse::<OperationId>() else { return Ok(None) };
    let Some(row) = operations::find(&state.db, id).await? else { return Ok(None) };
    if !matches!(row.kind, OperationType::Ecom | OperationType::Aft) {
        return Ok(None);
    }
    let merchant: String = sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
        .bind(row.organization_id)
        .fetch_one(&state.db)
        .await?;
    Ok(Some((row, merchant)))
}

fn summary<'a>(row: &'a OperationRow, merchant: &'a str) -> html::Summary<'a> {
    html::Summary {
        merchant,
        amount: shared::format::money_ru(&row.amount),
        description: row.description.as_deref(),
        card_mask: row.card_mask.as_deref(),
    }
}

/// `return_url` with `payment_id` appended; the merchant reads the outcome from the API.
fn return_link(row: &OperationRow) -> Option<String> {
    let mut url = url::Url::parse(row.return_url.as_deref()?).ok()?;
    url.query_pairs_mut().append_pair("payment_id", &row.id.to_string());
    Some(url.to_string())
}

/// A page with the payer pages' own policy: scripts only from us, and forms may lead back to
/// the merchant's return address (browsers apply `form-action` to the redirect after a post).
fn html_response(status: StatusCode, row: Option<&OperationRow>, body: String) -> HttpResponse {
    let back = row
        .and_then(|r| r.return_url.as_deref())
        .and_then(|u| url::Url::parse(u).ok())
        .map(|u| format!(" {}", u.origin().ascii_serialization()))
        .unwrap_or_default();
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "Content-Security-Policy",
            format!(
                "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; \
                 form-action 'self'{back}; frame-ancestors 'none'; base-uri 'none'"
            ),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(body)
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", location)).insert_header(("Cache-Control", "no-store")).finish()
}

fn not_found() -> HttpResponse {
    html_response(StatusCode::NOT_FOUND, None, html::not_found())
}

/// Where a payment that needs nothing more from the payer sends them.
fn finished(row: &OperationRow, merchant: &str) -> HttpResponse {
    let s = summary(row, merchant);
    let back = return_link(row);
    let page = match row.status {
        S::Succeeded | S::PartiallyRefunded | S::Refunded => {
            html::result("Платёж выполнен", "Оплата прошла успешно.", true, &s, back.as_deref())
        }
        S::Authorized => html::result(
            "Оплата подтверждена",
            "Сумма заблокирована на карте; продавец спишет её при выполнении заказа.",
            true,
            &s,
            back.as_deref(),
        ),
        S::Canceled => html::result("Платёж отменён", "Блокировка суммы на карте снята.", false, &s, back.as_deref()),
        S::Processing => html::result(
            "Платёж обрабатывается",
            "Банк обрабатывает платёж. Результат придёт продавцу.",
            true,
            &s,
            back.as_deref(),
        ),
        S::Failed => {
            let code = row.error_code.as_deref().unwrap_or("");
            html::result("Платёж не выполнен", html::decline_message(code), false, &s, back.as_deref())
        }
        S::Created | S::Authentication => {
            html::result("Платёж ожидает", "Платёж ещё не завершён.", false, &s, back.as_deref())
        }
    };
    html_response(StatusCode::OK, Some(row), page)
}

/// After the payer acted: back to the shop when it gave an address, else the outcome page.
fn after_action(row: &OperationRow, merchant: &str) -> HttpResponse {
    match row.status {
        S::Authentication => see_other(&format!("/3ds/{}", row.id)),
        _ => match return_link(row) {
            Some(url) => see_other(&url),
            None => finished(row, merchant),
        },
    }
}

#[derive(Debug, Deserialize)]
struct ChallengeForm {
    #[serde(default)]
    code: String,
}

async fn challenge_page(state: web::Data<AppState>, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let Some((row, merchant)) = load(&state, &id).await? else { return Ok(not_found()) };
    if row.status != S::Authentication {
        return Ok(finished(&row, &merchant));
    }
    let action = format!("/3ds/{}", row.id);
    Ok(html_response(StatusCode::OK, Some(&row), html::challenge(&action, &summary(&row, &merchant), None)))
}

async fn challenge_submit(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ChallengeForm>,
) -> Result<HttpResponse, ApiError> {
    let Some((row, merchant)) = load(&state, &id).await? else { return Ok(not_found()) };
    let mut tx = state.db.begin().await?;
    let row = operations::lock(&mut tx, row.id).await?.ok_or_else(ApiError::not_found)?;
    if row.status != S::Authentication {
        tx.commit().await?;
        return Ok(after_action(&row, &merchant));
    }
    if expired(&state, &row) {
        // Too late: the expiry worker voids the challenge at the bank and fails the payment.
        tx.commit().await?;
        let page = html::result(
            "Время подтверждения истекло",
            html::decline_message("authentication_timeout"),
            false,
            &summary(&row, &merchant),
            return_link(&row).as_deref(),
        );
        return Ok(html_response(StatusCode::OK, Some(&row), page));
    }
    // Committed before the bank hears the code; `action_expires_at` stays set, which tells the
    // settlement worker that a code was sent.
    let change = Change {
        next_settle_at: Some(first_check(&state)),
        action_expires_at: row.action_expires_at,
        ..Default::default()
    };
    let row = move_to(&state, &mut tx, &row, S::Processing, change).await?;
    tx.commit().await?;
    let passed = form.code.trim() == SANDBOX_OTP;
    let outcome = state.acquirer.complete_challenge(&row.acquirer_reference, BookingKind::Debit, passed).await;
    let row = apply_outcome(&state, row.id, outcome_or_pending(outcome), None).await?;
    Ok(after_action(&row, &merchant))
}

async fn pay_page(state: web::Data<AppState>, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let Some((row, merchant)) = load(&state, &id).await? else { return Ok(not_found()) };
    match row.status {
        S::Created if row.card_mask.is_none() && !expired(&state, &row) => {
            let action = format!("/pay/{}", row.id);
            Ok(html_response(StatusCode::OK, Some(&row), html::pay_form(&action, &summary(&row, &merchant), None)))
        }
        S::Created => Ok(expired_page(&row, &merchant)),
        S::Authentication => Ok(see_other(&format!("/3ds/{}", row.id))),
        _ => Ok(finished(&row, &merchant)),
    }
}

fn expired(state: &AppState, row: &OperationRow) -> bool {
    row.action_expires_at.is_some_and(|t| t <= state.clock.now())
}

fn expired_page(row: &OperationRow, merchant: &str) -> HttpResponse {
    let page = html::result(
        "Платёж не выполнен",
        html::decline_message("payment_expired"),
        false,
        &summary(row, merchant),
        return_link(row).as_deref(),
    );
    html_response(StatusCode::OK, Some(row), page)
}

#[derive(Debug, Deserialize)]
struct PayForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    exp: String,
    #[serde(default)]
    cvc: String,
    #[serde(default)]
    holder: String,
}

/// `MM/YY` or `MM/YYYY`.
fn parse_exp(exp: &str) -> Option<(i64, i64)> {
    let (m, y) = exp.trim().split_once('/')?;
    let m: i64 = m.trim().parse().ok()?;
    let y: i64 = y.trim().parse().ok()?;
    Some((m, if y < 100 { 2000 + y } else { y }))
}

/// The card as typed, checked again on the server.
fn read_card(state: &AppState, form: &PayForm) -> Result<(CardNumber, i16, i16, Option<String>), &'static str> {
    let number = CardNumber::parse(&form.number)
        .map_err(|_| "Проверьте номер карты: принимаются карты Visa, Mastercard и Мир.")?;
    let (m, y) = parse_exp(&form.exp).ok_or("Укажите срок действия в формате ММ/ГГ.")?;
    let (m, y) = card::expiry(m, y, state.clock.now()).map_err(|_| "Срок действия карты указан неверно или истёк.")?;
    card::cvc(form.cvc.trim()).map_err(|_| "CVC — три цифры с обратной стороны карты.")?;
    let holder = form.holder.trim();
    if holder.chars().count() > 100 || holder.chars().any(char::is_control) {
        return Err("Имя владельца указано неверно.");
    }
    Ok((number, m, y, (!holder.is_empty()).then(|| holder.to_uppercase())))
}

async fn pay_submit(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<PayForm>,
) -> Result<HttpResponse, ApiError> {
    let Some((row, merchant)) = load(&state, &id).await? else { return Ok(not_found()) };
    let action = format!("/pay/{}", row.id);
    if row.status != S::Created || row.card_mask.is_some() {
        return Ok(after_action(&row, &merchant));
    }
    let (number, exp_month, exp_year, holder) = match read_card(&state, &form) {
        Ok(card) => card,
        Err(message) => {
            let page = html::pay_form(&action, &summary(&row, &merchant), Some(message));
            return Ok(html_response(StatusCode::BAD_REQUEST, Some(&row), page));
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let row = operations::lock(&mut tx, row.id).await?.ok_or_else(ApiError::not_found)?;
    // A second submit waited for the lock above and now sees the card of the first.
    if row.status != S::Created || row.card_mask.is_some() {
        tx.commit().await?;
        return Ok(after_action(&row, &merchant));
    }
    if expired(&state, &row) {
        tx.commit().await?;
        return Ok(expired_page(&row, &merchant));
    }
    let token_id = if row.save_card {
        Some(save_card(&state, &mut tx, row.organization_id, &number, holder.as_deref(), exp_month, exp_year).await?)
    } else {
        None
    };
    sqlx::query(
        "UPDATE operations SET card_mask = $2, card_last4 = $3, card_brand = $4, card_holder = $5, card_exp_month = $6,
                card_exp_year = $7, card_token_id = $8, updated_at = $9 WHERE id = $1",
    )
    .bind(row.id)
    .bind(number.mask())
    .bind(number.last4())
    .bind(number.brand().as_str())
    .bind(&holder)
    .bind(exp_month)
    .bind(exp_year)
    .bind(token_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let row = operations::lock(&mut tx, row.id).await?.ok_or_else(ApiError::not_found)?;
    let change = Change { next_settle_at: Some(first_check(&state)), ..Default::default() };
    let row = move_to(&state, &mut tx, &row, S::Processing, change).await?;
    // The payer (no account) charges the card on our page: audited with the payer's address.
    crate::db::audit::record(
        &mut *tx,
        crate::db::audit::Entry {
            action: "payment.hosted_charge",
            target_type: Some("operation"),
            target_id: Some(row.id.to_string()),
            organization: Some(row.organization_id),
            ip: crate::auth::extract::client_ip(&req),
            details: serde_json::json!({"amount": row.amount, "card": row.card_mask}),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    let outcome = state
        .acquirer
        .authorize(AuthorizeRequest {
            reference: &row.acquirer_reference,
            kind: BookingKind::Debit,
            card: &number,
            amount: row.amount,
            currency: &row.currency,
            recurring: false,
        })
        .await;
    let row = apply_outcome(&state, row.id, outcome_or_pending(outcome), None).await?;
    if row.status == S::Failed {
        // The decline is shown here; the payment has failed and the merchant starts a new one.
        return Ok(finished(&row, &merchant));
    }
    Ok(after_action(&row, &merchant))
}
