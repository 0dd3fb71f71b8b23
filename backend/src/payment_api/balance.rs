//! `GET /balance`, `GET /balance-transactions`, `GET /balance-transactions/{id}`: the
//! organization's balance and what moved it, as the contract's «Balance» says.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::ErrorCode;
use shared::dto::balance::{Balance, BalanceTransactionType};
use shared::dto::payments::List;
use uuid::Uuid;

use super::lists::{limit_param, time_param};
use crate::auth::merchant::Merchant;
use crate::error::ApiError;
use crate::ledger::{self, Cursor, Filter};
use crate::state::AppState;

pub async fn get(state: web::Data<AppState>, merchant: Merchant) -> Result<HttpResponse, ApiError> {
    let mut db = state.db.acquire().await?;
    let b = ledger::balance(&mut db, merchant.organization_id, state.clock.now()).await?;
    Ok(HttpResponse::Ok().json(Balance {
        object: "balance".to_owned(),
        currency: "RUB".to_owned(),
        available: b.available,
        pending: b.pending,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionsQuery {
    pub limit: Option<String>,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub created_gte: Option<String>,
    pub created_lt: Option<String>,
}

fn invalid(param: &str, message: &str) -> ApiError {
    ApiError::with_param(ErrorCode::InvalidRequest, message, param)
}

pub async fn list(
    state: web::Data<AppState>,
    merchant: Merchant,
    q: web::Query<TransactionsQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let limit = limit_param(q.limit.as_deref())?;
    let filter = Filter {
        kind: q
            .kind
            .as_deref()
            .map(|t| {
                BalanceTransactionType::parse(t)
                    .ok_or_else(|| invalid("type", "type must be payment, refund or payout"))
            })
            .transpose()?,
        created_gte: q.created_gte.as_deref().map(|v| time_param(v, "created_gte")).transpose()?,
        created_lt: q.created_lt.as_deref().map(|v| time_param(v, "created_lt")).transpose()?,
    };
    let at = |param: &'static str, id: &str| {
        let (state, id) = (&state, id.to_owned());
        async move {
            let bad = || invalid(param, &format!("{param} must be the id of a balance transaction"));
            let id: Uuid = id.parse().map_err(|_| bad())?;
            let row = ledger::get(&state.db, org, id).await?.ok_or_else(bad)?;
            Ok::<_, ApiError>((row.created_at, row.id))
        }
    };
    let cursor = match (&q.starting_after, &q.ending_before) {
        (Some(_), Some(_)) => return Err(invalid("ending_before", "send starting_after or ending_before, not both")),
        (Some(id), None) => Some(at("starting_after", id).await.map(|(t, id)| Cursor::After(t, id))?),
        (None, Some(id)) => Some(at("ending_before", id).await.map(|(t, id)| Cursor::Before(t, id))?),
        (None, None) => None,
    };
    let (rows, has_more) = ledger::list(&state.db, org, &filter, cursor, limit).await?;
    Ok(HttpResponse::Ok().json(List::new(rows.iter().map(ledger::Row::object).collect(), has_more)))
}

pub async fn get_transaction(
    state: web::Data<AppState>,
    merchant: Merchant,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::not_found())?;
    let row = ledger::get(&state.db, merchant.organization_id, id).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(row.object()))
}
