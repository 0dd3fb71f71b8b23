//! Creating and changing organizations and their terminals.

use actix_web::{HttpResponse, web};
use shared::dto::admin::{CreateOrganizationRequest, UpdateOrganizationRequest, UpdateTerminalRequest};
use shared::ids::OrganizationId;
use shared::{Amount, TerminalType};

use super::{audit, conflict, invalid, notification_url, text};
use crate::auth::extract::AdminUser;
use crate::db::{self, organizations::NewOrganization, organizations::Scope};
use crate::domain::fees::Tariff;
use crate::error::ApiError;
use crate::state::AppState;

/// The default amount limit of a terminal (api-contract.md).
const DEFAULT_LIMIT: &str = "1000000.00";

fn inn(value: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if !(v.len() == 10 || v.len() == 12) || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("inn", "inn must be 10 or 12 digits"));
    }
    Ok(v.to_owned())
}

fn positive_limit(a: Amount) -> Result<Amount, ApiError> {
    if a.is_zero() {
        return Err(invalid("amount_limit", "amount_limit must be greater than 0"));
    }
    Ok(a)
}

pub async fn create(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    body: web::Json<CreateOrganizationRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner();
    let name = text(&req.name, "name", 200)?;
    let inn = inn(&req.inn)?;
    let bank_name = text(&req.bank_name, "bank_name", 200)?;
    let url = req.notification_url.as_deref().map(notification_url).transpose()?;
    let mut seen = Vec::new();
    for t in &req.terminals {
        if seen.contains(&t.terminal_type) {
            return Err(invalid("terminals", format!("terminal type {} is given twice", t.terminal_type)));
        }
        seen.push(t.terminal_type);
        if let Some(l) = t.amount_limit {
            positive_limit(l)?;
        }
    }

    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let secret = crate::webhooks::generate_secret();
    let org = NewOrganization {
        name: &name,
        inn: &inn,
        bank_name: &bank_name,
        notification_url: url.as_deref(),
        webhook_secret: &secret,
        registered_on: Some(now.date()),
    };
    let id = db::organizations::insert(&mut tx, &org).await.map_err(|e| {
        if db::is_unique_violation(&e, "organizations_inn_key") {
            conflict("inn", "an organization with this INN already exists")
        } else {
            e.into()
        }
    })?;
    for t in &req.terminals {
        let limit = t.amount_limit.map_or_else(|| Amount::parse(DEFAULT_LIMIT), Ok).map_err(anyhow::Error::from)?;
        let terminal = db::organizations::insert_terminal(&mut tx, id, t.terminal_type, limit).await?;
        let tariff = Tariff {
            service_fee_percent: t.service_fee_percent,
            bank_fee_percent: t.bank_fee_percent,
            min_fee: t.min_fee,
        };
        db::organizations::insert_tariff(&mut tx, terminal, &tariff, now).await?;
        if t.enabled == Some(false) {
            db::organizations::update_terminal(&mut tx, terminal, Some(false), None).await?;
        }
    }
    db::audit::record(
        &mut *tx,
        audit(
            &admin,
            "organization.created",
            "organization",
            id,
            Some(id),
            serde_json::json!({"name": name, "inn": inn}),
        ),
    )
    .await?;
    tx.commit().await?;
    let detail = db::organizations::get(&state.db, Scope::All, id).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Created().json(detail))
}

pub async fn update(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    id: web::Path<OrganizationId>,
    body: web::Json<UpdateOrganizationRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let req = body.into_inner();
    let name = req.name.as_deref().map(|n| text(n, "name", 200)).transpose()?;
    let new_inn = req.inn.as_deref().map(inn).transpose()?;
    let bank_name = req.bank_name.as_deref().map(|b| text(b, "bank_name", 200)).transpose()?;
    let url = match &req.notification_url {
        Some(Some(u)) => Some(Some(notification_url(u)?)),
        Some(None) => Some(None),
        None => None,
    };
    let mut tx = state.db.begin().await?;
    let changes = db::organizations::OrganizationChanges {
        name: name.as_deref(),
        inn: new_inn.as_deref(),
        bank_name: bank_name.as_deref(),
        status: req.status,
        notification_url: url.as_ref().map(|u| u.as_deref()),
    };
    let found = db::organizations::update(&mut *tx, id, &changes).await.map_err(|e| {
        if db::is_unique_violation(&e, "organizations_inn_key") {
            conflict("inn", "an organization with this INN already exists")
        } else {
            e.into()
        }
    })?;
    if !found {
        return Err(ApiError::not_found());
    }
    db::audit::record(
        &mut *tx,
        audit(
            &admin,
            "organization.updated",
            "organization",
            id,
            Some(id),
            serde_json::to_value(&req).unwrap_or_default(),
        ),
    )
    .await?;
    tx.commit().await?;
    if req.status.is_some() {
        // This node at once; the others by the change feed.
        state.caches.flush_keys();
    }
    let detail = db::organizations::get(&state.db, Scope::All, id).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Enables or disables a terminal, sets its limit, or gives it a new tariff that applies to
/// operations created from now on. A terminal type the organization lacks is created when the
/// whole tariff is given.
pub async fn update_terminal(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    path: web::Path<(OrganizationId, String)>,
    body: web::Json<UpdateTerminalRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, type_text) = path.into_inner();
    let terminal_type = TerminalType::parse(&type_text).ok_or_else(ApiError::not_found)?;
    let req = body.into_inner();
    if let Some(l) = req.amount_limit {
        positive_limit(l)?;
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if db::organizations::get(&state.db, Scope::All, id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    let fee_change = req.service_fee_percent.is_some() || req.bank_fee_percent.is_some() || req.min_fee.is_some();
    let terminal = match db::organizations::terminal_for_update(&mut tx, id, terminal_type).await? {
        Some(t) => {
            if fee_change {
                let tariff = Tariff {
                    service_fee_percent: req.service_fee_percent.unwrap_or(t.tariff.service_fee_percent),
                    bank_fee_percent: req.bank_fee_percent.unwrap_or(t.tariff.bank_fee_percent),
                    min_fee: req.min_fee.unwrap_or(t.tariff.min_fee),
                };
                db::organizations::insert_tariff(&mut tx, t.id, &tariff, now).await?;
            }
            t.id
        }
        None => {
            let (Some(service), Some(bank), Some(min_fee)) =
                (req.service_fee_percent, req.bank_fee_percent, req.min_fee)
            else {
                return Err(ApiError::not_found());
            };
            let limit =
                req.amount_limit.map_or_else(|| Amount::parse(DEFAULT_LIMIT), Ok).map_err(anyhow::Error::from)?;
            let t = db::organizations::insert_terminal(&mut tx, id, terminal_type, limit).await?;
            let tariff = Tariff { service_fee_percent: service, bank_fee_percent: bank, min_fee };
            db::organizations::insert_tariff(&mut tx, t, &tariff, now).await?;
            t
        }
    };
    db::organizations::update_terminal(&mut tx, terminal, req.enabled, req.amount_limit).await?;
    db::audit::record(
        &mut *tx,
        audit(
            &admin,
            "terminal.updated",
            "terminal",
            terminal,
            Some(id),
            serde_json::json!({"type": terminal_type, "changes": serde_json::to_value(&req).unwrap_or_default()}),
        ),
    )
    .await?;
    tx.commit().await?;
    let detail = db::organizations::get(&state.db, Scope::All, id).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(detail))
}

/// How long the previous secret keeps signing after a rotation.
const SECRET_OVERLAP: time::Duration = time::Duration::hours(24);

/// Issues a new webhook secret; for 24 hours notifications carry signatures by both.
pub async fn rotate_secret(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let secret = crate::webhooks::generate_secret();
    let mut tx = state.db.begin().await?;
    if !db::organizations::rotate_webhook_secret(&mut *tx, id, &secret, state.clock.now() + SECRET_OVERLAP).await? {
        return Err(ApiError::not_found());
    }
    db::audit::record(
        &mut *tx,
        audit(&admin, "organization.webhook_secret_rotated", "organization", id, Some(id), serde_json::json!({})),
    )
    .await?;
    tx.commit().await?;
    let detail = db::organizations::get(&state.db, Scope::All, id).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(detail))
}
