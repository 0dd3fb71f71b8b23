//! Query parameters the cabinet's lists and reports share: dates in the user's zone, the
//! organization (one of the caller's, or all of them), status and type.

use shared::ids::OrganizationId;
use shared::{ErrorCode, OperationStatus, OperationType};
use time::Date;
use time::macros::format_description;

use crate::auth::extract::SessionUser;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

pub fn invalid(param: &str, message: &str) -> ApiError {
    ApiError::with_param(ErrorCode::InvalidRequest, message, param)
}

/// `YYYY-MM-DD`
pub fn date(value: &str, param: &str) -> Result<Date, ApiError> {
    Date::parse(value, format_description!("[year]-[month]-[day]")).map_err(|_| invalid(param, "dates are YYYY-MM-DD"))
}

/// Today in the user's zone.
pub async fn today(state: &AppState, tz: &str) -> Result<Date, ApiError> {
    Ok(sqlx::query_scalar("SELECT ($1::timestamptz AT TIME ZONE $2)::date")
        .bind(state.clock.now())
        .bind(tz)
        .fetch_one(&state.db)
        .await?)
}

/// An inclusive range of days, today by default.
pub async fn range(state: &AppState, tz: &str, from: Option<&str>, to: Option<&str>) -> Result<(Date, Date), ApiError> {
    let today = today(state, tz).await?;
    let from = from.map(|v| date(v, "from")).transpose()?.unwrap_or(today);
    let to = to.map(|v| date(v, "to")).transpose()?.unwrap_or(today);
    if to < from {
        return Err(invalid("to", "to must not be before from"));
    }
    Ok((from, to))
}

/// One of the caller's organizations, or `None` for all of them; another's is 404.
pub async fn organization(
    state: &AppState,
    s: &SessionUser,
    value: Option<&str>,
) -> Result<Option<OrganizationId>, ApiError> {
    let Some(v) = value.filter(|v| !v.is_empty()) else { return Ok(None) };
    let org: OrganizationId = v.parse().map_err(|_| ApiError::not_found())?;
    if !db::organizations::in_scope(&state.db, s.scope(), org).await? {
        return Err(ApiError::not_found());
    }
    Ok(Some(org))
}

pub fn status(value: Option<&str>) -> Result<Option<OperationStatus>, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| OperationStatus::parse(v).ok_or_else(|| invalid("status", "unknown status")))
        .transpose()
}

pub fn kind(value: Option<&str>) -> Result<Option<OperationType>, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| OperationType::parse(v).ok_or_else(|| invalid("type", "unknown type")))
        .transpose()
}
