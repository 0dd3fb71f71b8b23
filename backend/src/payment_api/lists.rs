//! The list parameters every list endpoint shares: `limit`, `starting_after` and the filters.

use serde::Deserialize;
use shared::OperationStatus;
use shared::ids::{OperationId, OrganizationId};
use shared::{ErrorCode, OperationType};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::db::operations::{self, Cursor, ListFilter};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub limit: Option<String>,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
    /// Payments only: `ecom` or `aft`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Payments only.
    pub customer_email: Option<String>,
    pub created_gte: Option<String>,
    pub created_lt: Option<String>,
    pub status: Option<String>,
    pub order_id: Option<String>,
}

fn invalid(param: &str, message: &str) -> ApiError {
    ApiError::with_param(ErrorCode::InvalidRequest, message, param)
}

/// RFC 3339, or Unix seconds.
pub fn time_param(value: &str, param: &str) -> Result<OffsetDateTime, ApiError> {
    if let Ok(secs) = value.parse::<i64>() {
        return OffsetDateTime::from_unix_timestamp(secs).map_err(|_| invalid(param, "time out of range"));
    }
    OffsetDateTime::parse(value, &Rfc3339)
        .map_err(|_| invalid(param, "must be an RFC 3339 time such as 2024-11-25T17:33:00Z"))
}

/// `limit`: 1-100, 20 when not given.
pub fn limit_param(value: Option<&str>) -> Result<i64, ApiError> {
    match value {
        None => Ok(20),
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|l| (1..=100).contains(l))
            .ok_or_else(|| invalid("limit", "limit must be 1-100")),
    }
}

/// A validated page request.
pub struct Page {
    pub limit: i64,
    pub cursor: Option<Cursor>,
    pub filter: ListFilter,
    /// The kinds to list: the endpoint's, narrowed by `type`.
    pub kinds: Vec<OperationType>,
}

pub async fn page(
    state: &AppState,
    org: OrganizationId,
    kinds: &[OperationType],
    q: &ListQuery,
) -> Result<Page, ApiError> {
    let limit = limit_param(q.limit.as_deref())?;
    let status = q
        .status
        .as_deref()
        .map(|s| OperationStatus::parse(s).ok_or_else(|| invalid("status", "unknown status")))
        .transpose()?;
    let payments = kinds.iter().any(|k| matches!(k, OperationType::Ecom | OperationType::Aft));
    let narrowed: Vec<OperationType> = match q.kind.as_deref() {
        None => kinds.to_vec(),
        Some(t) => {
            let kind = OperationType::parse(t)
                .filter(|k| payments && kinds.contains(k))
                .ok_or_else(|| invalid("type", "type must be ecom or aft, on the list of payments"))?;
            vec![kind]
        }
    };
    if q.customer_email.is_some() && !payments {
        return Err(invalid("customer_email", "customer_email filters the list of payments only"));
    }
    if q.customer_email.as_ref().is_some_and(|e| e.is_empty() || e.len() > 254) {
        return Err(invalid("customer_email", "customer_email must be 1-254 characters"));
    }
    let filter = ListFilter {
        created_gte: q.created_gte.as_deref().map(|v| time_param(v, "created_gte")).transpose()?,
        created_lt: q.created_lt.as_deref().map(|v| time_param(v, "created_lt")).transpose()?,
        status,
        order_id: q.order_id.clone(),
        parent_id: None,
        customer_email: q.customer_email.clone(),
    };
    let object = |param: &'static str, id: &str| {
        let (state, kinds) = (state, kinds);
        let id = id.to_owned();
        async move {
            let bad = || invalid(param, &format!("{param} must be the id of an object in this list"));
            let id: OperationId = id.parse().map_err(|_| bad())?;
            let row = operations::get(&state.db, org, id, kinds).await?.ok_or_else(bad)?;
            Ok::<_, ApiError>((row.created_at, row.id))
        }
    };
    let cursor = match (&q.starting_after, &q.ending_before) {
        (Some(_), Some(_)) => {
            return Err(invalid("ending_before", "send starting_after or ending_before, not both"));
        }
        (Some(id), None) => {
            let (t, id) = object("starting_after", id).await?;
            Some(Cursor::After(t, id))
        }
        (None, Some(id)) => {
            let (t, id) = object("ending_before", id).await?;
            Some(Cursor::Before(t, id))
        }
        (None, None) => None,
    };
    Ok(Page { limit, cursor, filter, kinds: narrowed })
}

/// A page of one list endpoint: the validated query, optionally the operations of one parent
/// payment, newest first; `has_more` as the contract says.
pub async fn rows(
    state: &AppState,
    org: OrganizationId,
    kinds: &[OperationType],
    q: &ListQuery,
    parent: Option<OperationId>,
) -> Result<(Vec<operations::OperationRow>, bool), ApiError> {
    let mut p = page(state, org, kinds, q).await?;
    p.filter.parent_id = parent;
    Ok(operations::list(&state.db, org, &p.kinds, &p.filter, p.cursor, p.limit).await?)
}
