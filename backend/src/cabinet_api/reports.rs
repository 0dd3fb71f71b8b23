//! «Отчетность»: the period's analytics, and the xlsx report of the contract.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::ErrorCode;
use shared::dto::analytics::Period;
use time::macros::format_description;
use tokio::sync::mpsc;

use super::params::{self, invalid};
use crate::auth::extract::CabinetUser;
use crate::db::{self, audit::Entry, transactions::Filter};
use crate::error::ApiError;
use crate::reports::{analytics, xlsx};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsQuery {
    organization_id: Option<String>,
    /// `month` (days of a month, the default) or `year` (months of a year).
    period: Option<String>,
    /// Any day of the period, `YYYY-MM-DD`; today by default.
    date: Option<String>,
}

pub async fn analytics(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    q: web::Query<AnalyticsQuery>,
) -> Result<HttpResponse, ApiError> {
    let tz = s.user.time_zone.clone();
    let period = match q.period.as_deref() {
        None | Some("month") => Period::Month,
        Some("year") => Period::Year,
        Some(_) => return Err(invalid("period", "period is month or year")),
    };
    let day = match q.date.as_deref() {
        Some(v) => params::date(v, "date")?,
        None => params::today(&state, &tz).await?,
    };
    let org = params::organization(&state, &s, q.organization_id.as_deref()).await?;
    let (from, to) = analytics::bounds(period, day);
    let members = db::organizations::visible_ids(&state.db, s.scope()).await?;
    let mut tx = db::transactions::in_zone(&state.read_db, &tz).await?;
    let groups = analytics::scan(&mut tx, s.scope(), members.as_deref(), org, period, from, to).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(analytics::fold(period, from, to, &tz, &groups)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    organization_id: Option<String>,
    /// Inclusive, in the user's zone; today by default.
    from: Option<String>,
    to: Option<String>,
    status: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// `GET /reports/transactions.xlsx`: every matching operation, oldest first.
pub async fn transactions_xlsx(
    req: HttpRequest,
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    state.limits.exports_per_user.check(&s.user.id.to_string())?;
    let tz = s.user.time_zone.clone();
    let (from, to) = params::range(&state, &tz, q.from.as_deref(), q.to.as_deref()).await?;
    let status = params::status(q.status.as_deref())?;
    let kind = params::kind(q.kind.as_deref())?;
    let org = params::organization(&state, &s, q.organization_id.as_deref()).await?;
    let filter = Filter {
        scope: s.scope(),
        members: db::organizations::visible_ids(&state.db, s.scope()).await?,
        organization: org,
        from: Some(from),
        to: Some(to),
        by_executed: false,
        status,
        kind,
        search: None,
    };

    // Synchronous up to a limit; past it, the background export is the way (api-contract.md).
    let mut db = db::transactions::in_zone(&state.read_db, &tz).await?;
    let limit = state.settings.workers.sync_export_limit;
    let (_, too_many) = db::transactions::count_up_to(&mut db, &filter, limit).await?;
    if too_many {
        return Err(ApiError::new(
            ErrorCode::ExportTooLarge,
            format!(
                "More than {limit} operations match: narrow the filter, or export in the background (POST /cabinet/api/v1/exports)."
            ),
        ));
    }
    let (rows_tx, rows_rx) = mpsc::channel(2048);
    let title = format!(
        "Операции с {} по {}",
        from.format(format_description!("[day].[month].[year]")).unwrap_or_default(),
        to.format(format_description!("[day].[month].[year]")).unwrap_or_default()
    );
    let writer = tokio::task::spawn_blocking(move || xlsx::write(rows_rx, &title));
    let streamed = xlsx::stream_rows(&mut db, &filter, rows_tx).await;
    db.commit().await?;
    let (file, count) = writer.await.map_err(anyhow::Error::from)??;
    streamed?;
    db::audit::record(
        &state.db,
        Entry {
            actor_user: Some(s.user.id),
            action: "report.exported",
            target_type: Some("report"),
            organization: org,
            ip: s.ip,
            details: serde_json::json!({"from": from.to_string(), "to": to.to_string(), "rows": count, "status": status, "type": kind}),
            ..Default::default()
        },
    )
    .await?;
    // The open handle keeps the file readable after its name is gone.
    let handle = file.reopen().map_err(anyhow::Error::from)?;
    drop(file);
    let name = xlsx::file_name(&from.to_string(), &to.to_string());
    let served = actix_files::NamedFile::from_file(handle, &name)
        .map_err(anyhow::Error::from)?
        .set_content_type(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".parse().map_err(anyhow::Error::from)?,
        )
        .set_content_disposition(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        });
    let mut res = served.into_response(&req);
    res.headers_mut()
        .insert(actix_web::http::header::CACHE_CONTROL, actix_web::http::header::HeaderValue::from_static("no-store"));
    Ok(res)
}
