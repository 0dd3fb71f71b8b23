//! «Выгрузить в Excel»: the transactions page's current filter, exported in the background.
//! `POST /exports?<the list's query>` queues it (`202`), `GET /exports/{id}` tells the rows done,
//! `GET /exports/{id}/file` downloads it for 24 hours. Only the user who asked sees it.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, HeaderValue};
use actix_web::{HttpResponse, web};
use uuid::Uuid;

use super::transactions::{ListQuery, filter_of};
use crate::auth::extract::CabinetUser;
use crate::db::audit::Entry;
use crate::error::ApiError;
use crate::reports::exports::{self, StoredFilter};
use crate::reports::xlsx;
use crate::state::AppState;

pub async fn create(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    state.limits.exports_per_user.check(&s.user.id.to_string())?;
    let (filter, _) = filter_of(&state, &s, &q).await?;
    let from = filter.from.map(|d| d.to_string()).unwrap_or_else(|| "all".to_owned());
    let to = filter.to.map(|d| d.to_string()).unwrap_or_else(|| "all".to_owned());
    let name = xlsx::file_name(&from, &to);
    let stored = StoredFilter::of(&filter, &s.user.time_zone);
    let export = exports::queue(&state, s.user.id, &stored, &name).await?.ok_or_else(|| {
        ApiError::new(
            shared::ErrorCode::Conflict,
            format!(
                "At most {} exports of yours are prepared at once; wait for one to finish.",
                exports::ACTIVE_PER_USER
            ),
        )
    })?;
    crate::db::audit::record(
        &state.db,
        Entry {
            actor_user: Some(s.user.id),
            action: "report.export_queued",
            target_type: Some("export"),
            target_id: Some(export.id.clone()),
            organization: filter.organization,
            ip: s.ip,
            // The search text may be a customer's e-mail or phone: the append-only log keeps
            // only that there was one.
            details: serde_json::json!({
                "organization_id": stored.organization, "from": stored.from, "to": stored.to,
                "status": stored.status, "type": stored.kind, "search": stored.search.is_some(),
            }),
            ..Default::default()
        },
    )
    .await?;
    Ok(HttpResponse::Accepted().json(export))
}

pub async fn get(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let export = exports::get(&state, s.user.id, id.into_inner()).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(export))
}

pub async fn file(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let stored = exports::file(&state, s.user.id, id.into_inner()).await?.ok_or_else(ApiError::not_found)?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", stored.name)).map_err(anyhow::Error::from)?;
    let mut answer = HttpResponse::Ok();
    answer
        .insert_header((CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        .insert_header((CONTENT_DISPOSITION, disposition))
        .insert_header((CACHE_CONTROL, "no-store"));
    if let Some(whole) = stored.whole {
        return Ok(answer.body(whole));
    }
    // One chunk (1 MiB) in memory at a time, read as the client takes them.
    let db = state.db.clone();
    let chunks = futures_util::stream::try_unfold(0i32, move |seq| {
        let db = db.clone();
        async move {
            let chunk =
                exports::chunk(&db, stored.id, seq).await.map_err(actix_web::error::ErrorInternalServerError)?;
            Ok::<_, actix_web::Error>(chunk.map(|c| (web::Bytes::from(c), seq + 1)))
        }
    });
    Ok(answer.no_chunking(stored.size).streaming(chunks))
}
