//! «Сверка»: staff read a day's reconciliation with the bank (its runs and discrepancies), run a
//! day now, resolve a discrepancy with a comment, and download the day as xlsx. Runs, resolutions
//! and downloads are audited.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::ErrorCode;
use shared::dto::organizations::DataList;
use shared::dto::reconciliation::{
    DayResult, DiscrepancyList, DiscrepancyStatus, MAX_COMMENT, Overview, ResolveRequest,
};
use shared::ids::DiscrepancyId;
use time::Date;

use super::{audit, invalid};
use crate::auth::extract::AdminUser;
use crate::cabinet_api::params;
use crate::db::{self, reconciliation as store};
use crate::error::ApiError;
use crate::reconciliation::run::{RunError, Started, run_day};
use crate::reconciliation::{moscow_day, xlsx};
use crate::state::AppState;

/// Runs of a day shown with its result.
const RUNS_SHOWN: i64 = 20;
/// Discrepancies of a day in its result (the xlsx has them all).
const DISCREPANCIES_SHOWN: i64 = 1000;
/// Discrepancies the xlsx holds at most.
const DISCREPANCIES_IN_XLSX: i64 = 1_000_000;

fn grace_minutes(state: &AppState) -> u32 {
    u32::try_from(state.settings.reconciliation.grace_minutes).unwrap_or_default()
}

/// A day of the path: `YYYY-MM-DD`, not after today in Moscow.
fn day(state: &AppState, value: &str) -> Result<Date, ApiError> {
    let day = params::date(value, "day")?;
    if day > moscow_day(state.clock.now()) {
        return Err(invalid("day", "day must not be after today (Moscow time)"));
    }
    Ok(day)
}

async fn result(state: &AppState, day: Date) -> Result<DayResult, ApiError> {
    let runs = store::runs_of_day(&state.db, day, RUNS_SHOWN).await?;
    let (discrepancies, _) = store::discrepancies_of_day(&state.db, day, DISCREPANCIES_SHOWN).await?;
    let open = store::open_count(&state.db, Some(day)).await?;
    Ok(DayResult { day, grace_minutes: grace_minutes(state), runs, open, discrepancies })
}

/// `GET /admin/reconciliation/overview`: yesterday's latest run and the open discrepancies of
/// every day (the admin's home shows them).
pub async fn overview(state: web::Data<AppState>, AdminUser(_): AdminUser) -> Result<HttpResponse, ApiError> {
    let today = moscow_day(state.clock.now());
    let yesterday = today.previous_day().ok_or_else(|| anyhow::anyhow!("no day before {today}"))?;
    let latest = store::runs_of_day(&state.db, yesterday, 1).await?.pop();
    let open_discrepancies = store::open_count(&state.db, None).await?;
    Ok(HttpResponse::Ok().json(Overview {
        day: yesterday,
        latest,
        open_discrepancies,
        grace_minutes: grace_minutes(&state),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitQuery {
    limit: Option<i64>,
}

fn limit(q: &LimitQuery, default: i64, max: i64) -> Result<i64, ApiError> {
    let n = q.limit.unwrap_or(default);
    if !(1..=max).contains(&n) {
        return Err(invalid("limit", format!("limit must be within 1..={max}")));
    }
    Ok(n)
}

/// `GET /admin/reconciliation/runs?limit=`: the latest runs of every day, newest first.
pub async fn runs(
    state: web::Data<AppState>,
    AdminUser(_): AdminUser,
    q: web::Query<LimitQuery>,
) -> Result<HttpResponse, ApiError> {
    let n = limit(&q, 30, 100)?;
    Ok(HttpResponse::Ok().json(DataList { data: store::recent_runs(&state.db, n).await? }))
}

/// `GET /admin/reconciliation/days/{day}`: the day's runs and discrepancies.
pub async fn get_day(
    state: web::Data<AppState>,
    AdminUser(_): AdminUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let day = day(&state, &path)?;
    Ok(HttpResponse::Ok().json(result(&state, day).await?))
}

/// `POST /admin/reconciliation/days/{day}/run`: reconciles the day now and answers its result
/// (a run that could not read the bank's register is in it, failed, saying why).
pub async fn run(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let day = day(&state, &path)?;
    let run = match run_day(&state, day, Started::Staff(admin.user.id)).await {
        Ok(run) => run,
        Err(RunError::Running | RunError::NotDue) => {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "A reconciliation of this day is running; its result will be here when it ends.",
            ));
        }
        Err(RunError::Internal(e)) => return Err(e.into()),
    };
    let result = result(&state, day).await?;
    let latest = result.runs.iter().find(|r| r.id == run);
    let details = serde_json::json!({
        "run_id": run, "status": latest.map(|r| r.status), "matched": latest.map(|r| r.matched),
        "settled": latest.map(|r| r.settled), "mismatched": latest.map(|r| r.mismatched),
    });
    db::audit::record(&state.db, audit(&admin, "reconciliation.run", "reconciliation_day", day, None, details)).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// `GET /admin/reconciliation/discrepancies?limit=`: the open discrepancies of every day.
pub async fn open(
    state: web::Data<AppState>,
    AdminUser(_): AdminUser,
    q: web::Query<LimitQuery>,
) -> Result<HttpResponse, ApiError> {
    let n = limit(&q, 100, 1000)?;
    let (data, has_more) = store::open_discrepancies(&state.db, n).await?;
    Ok(HttpResponse::Ok().json(DiscrepancyList { data, has_more }))
}

/// `POST /admin/reconciliation/discrepancies/{id}/resolve` `{"comment"}`: closes an open
/// discrepancy as resolved, saying why; audited. A closed one stays closed (`422 invalid_state`).
pub async fn resolve(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    id: web::Path<DiscrepancyId>,
    body: web::Json<ResolveRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let comment = body.into_inner().comment.trim().to_owned();
    if comment.is_empty() || comment.chars().count() > MAX_COMMENT {
        return Err(invalid("comment", format!("comment must be 1-{MAX_COMMENT} characters")));
    }
    let mut tx = state.db.begin().await?;
    let found = store::lock_discrepancy(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
    if found.status != DiscrepancyStatus::Open {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("This discrepancy is {} already; a closed one stays as it was closed.", found.status),
        ));
    }
    let resolved = store::resolve(&mut tx, id, admin.user.id, &comment, state.clock.now())
        .await?
        .ok_or_else(ApiError::not_found)?;
    let details = serde_json::json!({
        "day": resolved.day, "reference": resolved.reference, "type": resolved.booking, "kind": resolved.kind,
        "comment": comment,
    });
    let organization = resolved.gateway.as_ref().map(|g| g.organization_id);
    db::audit::record(&mut *tx, audit(&admin, "reconciliation.resolved", "discrepancy", id, organization, details))
        .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(resolved))
}

/// `GET /admin/reconciliation/days/{day}/report.xlsx`: the day's result and every discrepancy.
pub async fn report(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let day = day(&state, &path)?;
    state.limits.exports_per_user.check(&admin.user.id.to_string())?;
    let runs = store::runs_of_day(&state.db, day, 1).await?;
    let (discrepancies, total) = store::discrepancies_of_day(&state.db, day, DISCREPANCIES_IN_XLSX).await?;
    let open = store::open_count(&state.db, Some(day)).await?;
    let grace = grace_minutes(&state);
    let bytes = tokio::task::spawn_blocking(move || xlsx::write(day, grace, &runs, open, &discrepancies))
        .await
        .map_err(anyhow::Error::from)??;
    let details = serde_json::json!({"rows": total});
    db::audit::record(&state.db, audit(&admin, "reconciliation.exported", "reconciliation_day", day, None, details))
        .await?;
    let name = format!("clickpay-reconciliation-{day}.xlsx");
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        })
        .body(bytes))
}
