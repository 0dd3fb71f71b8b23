//! The caller's organizations (all of them for staff). Anything out of scope is 404.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::OrganizationStatus;
use shared::dto::organizations::DataList;
use shared::ids::OrganizationId;

use crate::auth::extract::CabinetUser;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    status: Option<OrganizationStatus>,
}

pub async fn list(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = db::organizations::list(&state.db, s.scope(), q.status).await?;
    Ok(HttpResponse::Ok().json(DataList { data }))
}

pub async fn get(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let org = db::organizations::get(&state.db, s.scope(), id.into_inner()).await?.ok_or_else(ApiError::not_found)?;
    // The answer reveals the webhook signing secret to this user.
    db::audit::record(
        &state.db,
        db::audit::Entry {
            actor_user: Some(s.user.id),
            action: "webhook_secret.reveal",
            target_type: Some("organization"),
            target_id: Some(org.id.to_string()),
            organization: Some(org.id),
            ip: crate::auth::extract::client_ip(&req),
            ..Default::default()
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(org))
}

/// The organization, if it is within the caller's scope; else 404.
pub(super) async fn in_scope(
    state: &AppState,
    s: &crate::auth::extract::SessionUser,
    org: OrganizationId,
) -> Result<(), ApiError> {
    if db::organizations::in_scope(&state.db, s.scope(), org).await? { Ok(()) } else { Err(ApiError::not_found()) }
}

/// «Отправить тестовое уведомление»: a signed `test.webhook` goes to the organization's URL
/// through the outbox, as every event does (signed, retried, logged). `202` with its id.
pub async fn webhook_test(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let org = id.into_inner();
    in_scope(&state, &s, org).await?;
    state.limits.resends_per_user.check(&s.user.id.to_string())?;
    let url: Option<String> = sqlx::query_scalar("SELECT notification_url FROM organizations WHERE id = $1")
        .bind(org)
        .fetch_one(&state.db)
        .await?;
    if url.is_none() {
        return Err(ApiError::with_param(
            shared::ErrorCode::InvalidState,
            "The organization has no notification URL.",
            "notification_url",
        ));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let data = serde_json::json!({"organization_id": org});
    let event = db::operations::insert_event(&mut tx, org, None, "test.webhook", data, now).await?;
    db::audit::record(
        &mut *tx,
        db::audit::Entry {
            actor_user: Some(s.user.id),
            action: "webhook.test",
            target_type: Some("event"),
            target_id: Some(event.clone()),
            organization: Some(org),
            ip: s.ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Accepted().json(serde_json::json!({"event_id": event})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    #[serde(default)]
    limit: Option<i64>,
}

/// The delivery log: the organization's latest events with every attempt.
pub async fn events(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OrganizationId>,
    q: web::Query<EventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = id.into_inner();
    in_scope(&state, &s, org).await?;
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(super::params::invalid("limit", "limit is 1-100"));
    }
    Ok(HttpResponse::Ok().json(DataList { data: db::events::latest_of_organization(&state.db, org, limit).await? }))
}

/// The organization's API keys, by prefix, with their last use (never the key itself).
pub async fn api_keys(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let org = id.into_inner();
    in_scope(&state, &s, org).await?;
    Ok(HttpResponse::Ok().json(DataList { data: db::api_keys::list(&state.db, org).await? }))
}
