//! Notifications in the cabinet: an operation's events with every delivery attempt, and a
//! resend that makes a new attempt with the same `webhook-id`.

use actix_web::{HttpResponse, web};
use shared::dto::organizations::DataList;
use shared::ids::OperationId;

use crate::auth::extract::CabinetUser;
use crate::db::{self, audit::Entry};
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhooks::{delivery, record};

pub async fn of_operation(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OperationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let op = db::operations::find(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    if !db::organizations::in_scope(&state.db, s.scope(), op.organization_id).await? {
        return Err(ApiError::not_found());
    }
    Ok(HttpResponse::Ok().json(DataList { data: db::events::of_operation(&state.db, id).await? }))
}

/// Sends the event again now, signed afresh, and answers with the attempt.
pub async fn resend(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.limits.resends_per_user.check(&s.user.id.to_string())?;
    let d = delivery::load(&state, &id).await?.ok_or_else(ApiError::not_found)?;
    if !db::organizations::in_scope(&state.db, s.scope(), d.organization_id).await? {
        return Err(ApiError::not_found());
    }
    if d.url.is_none() {
        return Err(ApiError::with_param(
            shared::ErrorCode::InvalidState,
            "The organization has no notification URL.",
            "notification_url",
        ));
    }
    let a = delivery::attempt(&state, &d).await;
    record::record(&state, &d, &a, true).await?;
    db::audit::record(
        &state.db,
        Entry {
            actor_user: Some(s.user.id),
            action: "event.resent",
            target_type: Some("event"),
            target_id: Some(d.event_id.clone()),
            organization: Some(d.organization_id),
            ip: s.ip,
            details: serde_json::json!({"delivered": a.delivered, "http_status": a.http_status}),
            ..Default::default()
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(shared::dto::events::DeliveryAttemptView {
        attempted_at: a.at,
        url: a.url,
        http_status: a.http_status,
        error: a.error,
        latency_ms: a.latency_ms,
        response_snippet: a.snippet,
        manual: true,
    }))
}
