//! «Список транзакций» and one transaction. Filtering and paging run on the server; partners
//! see their organizations' operations only, and anything else is 404.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::dto::transactions::{CabinetRefundRequest, CaptureRequest, TransactionDetail, TransactionPage};
use shared::ids::{OperationId, OrganizationId};
use shared::{ErrorCode, OperationStatus, OrganizationStatus, Role};

use super::params::{self, invalid};
use crate::auth::extract::CabinetUser;
use crate::auth::extract::SessionUser as Session;
use crate::db::{self, transactions::Filter};
use crate::error::ApiError;
use crate::operations::{By, holds, refunds};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    organization_id: Option<String>,
    /// `YYYY-MM-DD`, inclusive, in the user's zone; today by default.
    from: Option<String>,
    to: Option<String>,
    /// `created` (default) or `executed`.
    date_field: Option<String>,
    status: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    /// An order id, or a card's last four digits.
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

pub async fn list(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let tz = s.user.time_zone.clone();
    let (filter, all_dates) = filter_of(&state, &s, &q).await?;
    let per_page = q.per_page.unwrap_or(20);
    if !(1..=100).contains(&per_page) {
        return Err(invalid("per_page", "per_page is 1-100"));
    }
    let page = q.page.unwrap_or(1);
    let max_page = (db::transactions::COUNT_CAP as u32).div_ceil(per_page);
    if page == 0 || page > max_page {
        return Err(invalid("page", "page is out of range"));
    }
    // A list may lag by the replica's delay (database.read_url).
    let mut tx = db::transactions::in_zone(&state.read_db, &tz).await?;
    let (total, capped) = db::transactions::count(&mut tx, &filter).await?;
    let data =
        db::transactions::page(&mut tx, &filter, per_page.into(), i64::from(page - 1) * i64::from(per_page)).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(TransactionPage {
        data,
        page,
        per_page,
        total: total as u64,
        total_capped: capped,
        all_dates,
    }))
}

pub async fn get(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OperationId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(detail(&state, &s, id.into_inner()).await?))
}

/// The filter of a list request (also what «Выгрузить в Excel» exports), and whether it reads
/// every date (a search the user did not narrow).
pub async fn filter_of(state: &AppState, s: &Session, q: &ListQuery) -> Result<(Filter, bool), ApiError> {
    let tz = s.user.time_zone.clone();
    let search = q.q.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    // A search looks at every date unless the user narrowed it; a list is today by default.
    let all_dates = search.is_some() && q.from.is_none() && q.to.is_none();
    let (from, to) = if all_dates {
        (None, None)
    } else {
        let (from, to) = params::range(state, &tz, q.from.as_deref(), q.to.as_deref()).await?;
        (Some(from), Some(to))
    };
    let organization = params::organization(state, s, q.organization_id.as_deref()).await?;
    let by_executed = match q.date_field.as_deref() {
        None | Some("created") => false,
        Some("executed") => true,
        Some(_) => return Err(invalid("date_field", "date_field is created or executed")),
    };
    let status = params::status(q.status.as_deref())?;
    let kind = params::kind(q.kind.as_deref())?;
    if search.as_ref().is_some_and(|v| v.chars().count() > 128) {
        return Err(invalid("q", "the search is at most 128 characters"));
    }
    // The list reads the replica: the caller's organizations come from the primary.
    let members = db::organizations::visible_ids(&state.db, s.scope()).await?;
    Ok((Filter { scope: s.scope(), members, organization, from, to, by_executed, status, kind, search }, all_dates))
}

/// «Списать»: captures all or part of an authorized payment's hold, with the same rights as
/// refunds (staff, or a member of its organization granted «Возвраты»). Guarded by the payment's status, so a
/// double click or a race with «Отменить» or the expiry ends the hold once. Answers the
/// transaction as it now stands.
pub async fn capture(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OperationId>,
    body: web::Json<CaptureRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let amount = body.into_inner().amount;
    if amount.is_some_and(|a| a.is_zero()) {
        return Err(invalid("amount", "the amount must be greater than 0"));
    }
    let org = payment_in_scope(&state, &s, id).await?;
    // Out of scope is 404 above; in scope without the right, 403.
    may_move_money(&s)?;
    // A blocked organization takes no money; releasing a hold («Отменить») stays open to it,
    // since it only gives the payer's money back.
    refuse_blocked(&state, org).await?;
    holds::capture(&state, org, id, amount, By::User { id: s.user.id, ip: s.ip }).await?;
    Ok(HttpResponse::Ok().json(detail(&state, &s, id).await?))
}

/// «Отменить»: releases an authorized payment's hold (see [`capture`]).
pub async fn cancel(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OperationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let org = payment_in_scope(&state, &s, id).await?;
    // Out of scope is 404 above; in scope without the right, 403.
    may_move_money(&s)?;
    holds::cancel(&state, org, id, By::User { id: s.user.id, ip: s.ip }).await?;
    Ok(HttpResponse::Ok().json(detail(&state, &s, id).await?))
}

/// «Вернуть»: refunds part or the rest of a charged payment through the same flow as the API
/// (race-free under the payment's row lock, within the velocity caps), for staff and for partners
/// granted «Возвраты». A double submit finds `refunded_amount` changed and is refused.
pub async fn refund(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OperationId>,
    body: web::Json<CabinetRefundRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let req = body.into_inner();
    if req.amount.is_some_and(|a| a.is_zero()) {
        return Err(invalid("amount", "the amount must be greater than 0"));
    }
    let reason = crate::payment_api::validate::reason(req.reason.as_deref())?;
    let org = payment_in_scope(&state, &s, id).await?;
    // Out of scope is 404 above; in scope without the right, 403.
    may_move_money(&s)?;
    refuse_blocked(&state, org).await?;
    let input = refunds::RefundInput { amount: req.amount, reason, seen_refunded: Some(req.seen_refunded) };
    refunds::create(&state, org, id, input, By::User { id: s.user.id, ip: s.ip }).await?;
    Ok(HttpResponse::Ok().json(detail(&state, &s, id).await?))
}

/// Refunds, captures and cancels from the cabinet: staff, or partners granted «Возвраты».
fn may_move_money(s: &Session) -> Result<(), ApiError> {
    if s.user.role == Role::Admin || s.user.can_refund {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::Forbidden, "This needs the «Возвраты» right; ask your manager."))
    }
}

/// A blocked organization moves no money, as the payment API answers it.
async fn refuse_blocked(state: &AppState, org: OrganizationId) -> Result<(), ApiError> {
    let status: OrganizationStatus =
        sqlx::query_scalar("SELECT status FROM organizations WHERE id = $1").bind(org).fetch_one(&state.db).await?;
    if status == OrganizationStatus::Blocked {
        return Err(ApiError::new(
            ErrorCode::OrganizationBlocked,
            "The organization is blocked. Contact your manager.",
        ));
    }
    Ok(())
}

/// The organization of a payment the user may see; anything else is 404.
async fn payment_in_scope(state: &AppState, s: &Session, id: OperationId) -> Result<OrganizationId, ApiError> {
    let op =
        db::operations::find(&state.db, id).await?.filter(|op| op.kind.is_payment()).ok_or_else(ApiError::not_found)?;
    if !db::organizations::in_scope(&state.db, s.scope(), op.organization_id).await? {
        return Err(ApiError::not_found());
    }
    Ok(op.organization_id)
}

async fn detail(state: &AppState, s: &Session, id: OperationId) -> Result<TransactionDetail, ApiError> {
    let mut tx = db::transactions::in_zone(&state.db, &s.user.time_zone).await?;
    let d = db::transactions::detail(&mut tx, s.scope(), id).await?.ok_or_else(ApiError::not_found)?;
    let parent = match d.parent_id {
        Some(p) => db::transactions::related(&mut tx, p, true).await?.into_iter().next(),
        None => None,
    };
    let refunds = db::transactions::related(&mut tx, id, false).await?;
    let timeline = db::transactions::timeline(&mut tx, id).await?;
    tx.commit().await?;
    let row = db::operations::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    let charged = matches!(row.status, OperationStatus::Succeeded | OperationStatus::PartiallyRefunded);
    let refundable = (row.kind.is_payment() && charged).then(|| row.refundable());
    Ok(TransactionDetail {
        row: d.row,
        refunded_amount: d.refunded_amount,
        description: d.description,
        reason: d.reason,
        card_holder: d.card_holder,
        card_brand: d.card_brand,
        bank_name: d.bank_name,
        bank_transaction_id: d.bank_transaction_id,
        recurring: d.recurring,
        captured_amount: d.captured_amount,
        hold_expires: d.hold_expires,
        refundable,
        parent,
        refunds,
        timeline,
    })
}
