//! Staff set an organization's daily caps on payouts and refunds.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::Amount;
use shared::ids::OrganizationId;

use super::{audit, invalid};
use crate::auth::extract::AdminUser;
use crate::db::{self, organizations::Scope, velocity::Limits};
use crate::error::ApiError;
use crate::operations::velocity;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateLimits {
    payouts_per_day: Option<i32>,
    payout_amount_per_day: Option<Amount>,
    refunds_per_day: Option<i32>,
    refund_amount_per_day: Option<Amount>,
}

async fn organization(state: &AppState, id: OrganizationId) -> Result<(), ApiError> {
    db::organizations::get(&state.db, Scope::All, id).await?.ok_or_else(ApiError::not_found)?;
    Ok(())
}

/// `GET /admin/organizations/{id}/limits`: the caps in force (the defaults when none were set).
pub async fn get(
    state: web::Data<AppState>,
    AdminUser(_): AdminUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    organization(&state, id).await?;
    Ok(HttpResponse::Ok().json(velocity::limits(&state, &state.db, id).await?))
}

/// `PATCH /admin/organizations/{id}/limits`: changes some caps; audited.
pub async fn update(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    id: web::Path<OrganizationId>,
    body: web::Json<UpdateLimits>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    organization(&state, id).await?;
    let req = body.into_inner();
    let current = velocity::limits(&state, &state.db, id).await?;
    let limits = Limits {
        payouts_per_day: req.payouts_per_day.unwrap_or(current.payouts_per_day),
        payout_amount_per_day: req.payout_amount_per_day.unwrap_or(current.payout_amount_per_day),
        refunds_per_day: req.refunds_per_day.unwrap_or(current.refunds_per_day),
        refund_amount_per_day: req.refund_amount_per_day.unwrap_or(current.refund_amount_per_day),
    };
    for (field, n) in [("payouts_per_day", limits.payouts_per_day), ("refunds_per_day", limits.refunds_per_day)] {
        if !(1..=1_000_000).contains(&n) {
            return Err(invalid(field, format!("{field} must be within 1..=1000000")));
        }
    }
    for (field, a) in [
        ("payout_amount_per_day", limits.payout_amount_per_day),
        ("refund_amount_per_day", limits.refund_amount_per_day),
    ] {
        if a.is_zero() {
            return Err(invalid(field, format!("{field} must be greater than 0")));
        }
    }
    let mut tx = state.db.begin().await?;
    db::velocity::set(&mut *tx, id, &limits, state.clock.now()).await?;
    let details = serde_json::to_value(&limits).unwrap_or_default();
    db::audit::record(&mut *tx, audit(&admin, "organization.limits", "organization", id, Some(id), details)).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(limits))
}
