//! «Взаиморасчёты» and the «Баланс» card: an organization's balance, its daily settlement
//! statements and each statement as an xlsx. Staff see every organization, partners their own;
//! any other is 404.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, HeaderValue};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::dto::balance::{BalanceView, StatementList};
use shared::ids::OrganizationId;
use time::Duration;

use super::organizations::in_scope;
use super::params::{date, invalid};
use crate::auth::extract::CabinetUser;
use crate::domain::clock::moscow_day;
use crate::error::ApiError;
use crate::ledger::{self, statements};
use crate::state::AppState;

/// The most days one list of statements covers.
const MAX_DAYS: i64 = 366;

pub async fn balance(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let org = id.into_inner();
    in_scope(&state, &s, org).await?;
    let mut db = state.db.acquire().await?;
    let b = ledger::balance(&mut db, org, state.clock.now()).await?;
    let view = BalanceView { available: b.available, pending: b.pending, last_statement: b.last_statement };
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(view))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementsQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The statements of `from`..=`to` (Moscow days; the last 31 days by default), oldest first.
pub async fn list(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OrganizationId>,
    q: web::Query<StatementsQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = id.into_inner();
    in_scope(&state, &s, org).await?;
    let today = moscow_day(state.clock.now());
    let to = q.to.as_deref().map(|v| date(v, "to")).transpose()?.unwrap_or(today);
    let from = q.from.as_deref().map(|v| date(v, "from")).transpose()?.unwrap_or(to - Duration::days(30));
    if to < from {
        return Err(invalid("to", "to must not be before from"));
    }
    if (to - from).whole_days() >= MAX_DAYS {
        return Err(invalid("from", &format!("one list covers at most {MAX_DAYS} days")));
    }
    let data = statements::list(&state.read_db, org, from, to).await?.iter().map(statements::Statement::view).collect();
    Ok(HttpResponse::Ok().json(StatementList { data }))
}

/// One day's statement as an xlsx: «Акт сверки» and «Реестр».
pub async fn xlsx(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    path: web::Path<(OrganizationId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org, day) = path.into_inner();
    in_scope(&state, &s, org).await?;
    let day = date(&day, "day").map_err(|_| ApiError::not_found())?;
    // The day's statement and its rows may lag by the replica's delay (a closed day never changes).
    let statement = statements::get(&state.read_db, org, day).await?.ok_or_else(ApiError::not_found)?;
    let (name, inn): (String, String) =
        sqlx::query_as("SELECT name, inn FROM organizations WHERE id = $1").bind(org).fetch_one(&state.db).await?;
    let limit = state.settings.workers.sync_export_limit;
    if statements::day_count(&state.read_db, org, day).await? > limit {
        return Err(ApiError::new(
            shared::ErrorCode::ExportTooLarge,
            format!("The day has more than {limit} operations; export its transactions in the background."),
        ));
    }
    let rows = statements::day_rows(&state.read_db, org, day).await?;
    let file_name = ledger::xlsx::file_name(&inn, day);
    let bytes = tokio::task::spawn_blocking(move || ledger::xlsx::write(&name, &inn, &statement, &rows))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")).map_err(anyhow::Error::from)?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        .insert_header((CONTENT_DISPOSITION, disposition))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(bytes))
}
