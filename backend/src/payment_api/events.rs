//! `GET /events`: the organization's events of the last 30 days, so a merchant can recover
//! what a broken endpoint missed.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::ErrorCode;
use shared::dto::payments::List;
use time::Duration;

use super::lists::time_param;
use crate::auth::merchant::Merchant;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// How far back the event log reaches.
pub const RETENTION_DAYS: i64 = 30;

pub const TYPES: [&str; 11] = [
    "payment.authentication_required",
    "payment.authorized",
    "payment.canceled",
    "payment.succeeded",
    "payment.failed",
    "payment.refunded",
    "refund.succeeded",
    "refund.failed",
    "payout.succeeded",
    "payout.failed",
    "test.webhook",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    pub limit: Option<String>,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    pub created_gte: Option<String>,
}

fn invalid(param: &str, message: &str) -> ApiError {
    ApiError::with_param(ErrorCode::InvalidRequest, message, param)
}

pub async fn list(
    state: web::Data<AppState>,
    merchant: Merchant,
    q: web::Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let limit = match &q.limit {
        None => 20,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|l| (1..=100).contains(l))
            .ok_or_else(|| invalid("limit", "limit must be 1-100"))?,
    };
    if let Some(t) = &q.event_type
        && !TYPES.contains(&t.as_str())
    {
        return Err(invalid("type", "unknown event type"));
    }
    let window = state.clock.now() - Duration::days(RETENTION_DAYS);
    let since = match &q.created_gte {
        Some(v) => time_param(v, "created_gte")?.max(window),
        None => window,
    };
    let cursor = |param: &'static str, id: &String| {
        let id = id.clone();
        let state = &state;
        async move {
            let at = db::events::created_at(&state.db, org, &id)
                .await?
                .ok_or_else(|| invalid(param, &format!("{param} must be the id of an event in this list")))?;
            Ok::<_, ApiError>((at, id))
        }
    };
    let (after, before) = match (&q.starting_after, &q.ending_before) {
        (Some(_), Some(_)) => return Err(invalid("ending_before", "send starting_after or ending_before, not both")),
        (Some(id), None) => (Some(cursor("starting_after", id).await?), None),
        (None, Some(id)) => (None, Some(cursor("ending_before", id).await?)),
        (None, None) => (None, None),
    };
    let (data, has_more) =
        db::events::list(&state.db, org, q.event_type.as_deref(), since, after, before, limit).await?;
    Ok(HttpResponse::Ok().json(List::new(data, has_more)))
}
