//! Exports too big for one request: a cabinet user asks for the xlsx of a filter, a worker builds
//! it in the background (the page shows the rows done), and the file is kept in PostgreSQL for
//! 24 hours, so whichever node the user reaches serves it. No HTTP request stays open while a
//! million rows are written.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use shared::dto::transactions::ExportView;
use shared::ids::{OrganizationId, UserId};
use shared::{OperationStatus, OperationType};
use time::{Date, Duration, OffsetDateTime};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::xlsx;
use crate::db::organizations::Scope;
use crate::db::transactions::{self, Filter};
use crate::state::AppState;

/// How long a finished file is kept.
pub const KEEP_FOR: Duration = Duration::hours(24);

/// The filter of an export, as stored with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredFilter {
    pub member_of: Option<UserId>,
    pub organization: Option<OrganizationId>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub by_executed: bool,
    pub status: Option<OperationStatus>,
    pub kind: Option<OperationType>,
    pub search: Option<String>,
    pub time_zone: String,
}

impl StoredFilter {
    pub fn of(f: &Filter, time_zone: &str) -> Self {
        StoredFilter {
            member_of: match f.scope {
                Scope::All => None,
                Scope::MemberOf(u) => Some(u),
            },
            organization: f.organization,
            from: f.from,
            to: f.to,
            by_executed: f.by_executed,
            status: f.status,
            kind: f.kind,
            search: f.search.clone(),
            time_zone: time_zone.to_owned(),
        }
    }

    fn filter(&self) -> Filter {
        Filter {
            scope: self.member_of.map_or(Scope::All, Scope::MemberOf),
            organization: self.organization,
            from: self.from,
            to: self.to,
            by_executed: self.by_executed,
            status: self.status,
            kind: self.kind,
            search: self.search.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ExportRow {
    id: Uuid,
    status: String,
    rows_total: Option<i64>,
    rows_done: i64,
    file_name: String,
    error: Option<String>,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
}

impl From<ExportRow> for ExportView {
    fn from(r: ExportRow) -> Self {
        ExportView {
            id: r.id.to_string(),
            status: r.status,
            rows_total: r.rows_total.map(|n| n as u64),
            rows_done: r.rows_done as u64,
            file_name: r.file_name,
            error: r.error,
            created_at: r.created_at,
            expires_at: r.expires_at,
        }
    }
}

const VIEW: &str = "SELECT id, status, rows_total, rows_done, file_name, error, created_at, expires_at FROM exports";

/// Queues an export of `filter` for `user`.
pub async fn queue(state: &AppState, user: UserId, filter: &StoredFilter, file_name: &str) -> sqlx::Result<ExportView> {
    let now = state.clock.now();
    let row: ExportRow = sqlx::query_as(
        "INSERT INTO exports (id, user_id, filter, status, file_name, created_at, expires_at)
         VALUES ($1, $2, $3, 'queued', $4, $5, $6)
         RETURNING id, status, rows_total, rows_done, file_name, error, created_at, expires_at",
    )
    .bind(Uuid::now_v7())
    .bind(user)
    .bind(sqlx::types::Json(filter))
    .bind(file_name)
    .bind(now)
    .bind(now + KEEP_FOR)
    .fetch_one(&state.db)
    .await?;
    Ok(row.into())
}

/// One of the user's exports (another user's does not exist for them).
pub async fn get(state: &AppState, user: UserId, id: Uuid) -> sqlx::Result<Option<ExportView>> {
    let row: Option<ExportRow> = sqlx::query_as(&format!("{VIEW} WHERE id = $1 AND user_id = $2 AND expires_at > $3"))
        .bind(id)
        .bind(user)
        .bind(state.clock.now())
        .fetch_optional(&state.db)
        .await?;
    Ok(row.map(Into::into))
}

/// The finished file of one of the user's exports.
pub async fn file(state: &AppState, user: UserId, id: Uuid) -> sqlx::Result<Option<(String, Vec<u8>)>> {
    sqlx::query_as(
        "SELECT file_name, file FROM exports WHERE id = $1 AND user_id = $2 AND status = 'done' AND expires_at > $3",
    )
    .bind(id)
    .bind(user)
    .bind(state.clock.now())
    .fetch_optional(&state.db)
    .await
}

/// One pass of the worker: claims the oldest queued export (or one whose builder died: its
/// lease ran out), builds it, and forgets expired files. Returns whether it built one.
pub async fn pass(state: &AppState) -> anyhow::Result<bool> {
    let now = state.clock.now();
    sqlx::query("DELETE FROM exports WHERE expires_at <= $1").bind(now).execute(&state.db).await?;
    let lease = Duration::minutes(10);
    let claimed: Option<(Uuid, sqlx::types::Json<StoredFilter>, String)> = sqlx::query_as(
        "UPDATE exports SET status = 'running', leased_until = $2, rows_done = 0
          WHERE id = (SELECT id FROM exports
                       WHERE status = 'queued' OR (status = 'running' AND leased_until <= $1)
                       ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING id, filter, file_name",
    )
    .bind(now)
    .bind(now + lease)
    .fetch_optional(&state.db)
    .await?;
    let Some((id, filter, name)) = claimed else { return Ok(false) };
    if let Err(e) = build(state, id, &filter.0, &name, lease).await {
        tracing::error!(error = ?e, export = %id, "an export failed");
        sqlx::query("UPDATE exports SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1")
            .bind(id)
            .bind("The export could not be built; try again.")
            .bind(state.clock.now())
            .execute(&state.db)
            .await?;
    }
    Ok(true)
}

async fn build(state: &AppState, id: Uuid, stored: &StoredFilter, name: &str, lease: Duration) -> anyhow::Result<()> {
    let filter = stored.filter();
    let mut db = transactions::in_zone(&state.db, &stored.time_zone).await?;
    let (total, _) = transactions::count_up_to(&mut db, &filter, i64::MAX).await?;
    sqlx::query("UPDATE exports SET rows_total = $2 WHERE id = $1").bind(id).bind(total).execute(&state.db).await?;

    // Rows go from the cursor, counted on the way, to the constant-memory writer; the count is
    // saved every second for the page's progress bar, with the lease pushed along.
    let done = Arc::new(AtomicU64::new(0));
    let (rows_tx, mut counted_rx) = mpsc::channel(2048);
    let (writer_tx, writer_rx) = mpsc::channel(2048);
    let counter = {
        let done = done.clone();
        tokio::spawn(async move {
            while let Some(row) = counted_rx.recv().await {
                if writer_tx.send(row).await.is_err() {
                    break;
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let title = name.trim_end_matches(".xlsx").to_owned();
    let writer = tokio::task::spawn_blocking(move || xlsx::write(writer_rx, &title));
    let progress = {
        let (done, pool, clock) = (done.clone(), state.db.clone(), state.clock.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                let n = done.load(Ordering::Relaxed) as i64;
                let _ = sqlx::query(
                    "UPDATE exports SET rows_done = $2, leased_until = $3 WHERE id = $1 AND status = 'running'",
                )
                .bind(id)
                .bind(n)
                .bind(clock.now() + lease)
                .execute(&pool)
                .await;
            }
        })
    };
    let streamed = xlsx::stream_rows(&mut db, &filter, rows_tx).await;
    db.commit().await?;
    let _ = counter.await;
    let written = writer.await.map_err(anyhow::Error::from);
    progress.abort();
    streamed?;
    let (file, count) = written??;
    let bytes = tokio::fs::read(file.path()).await?;
    sqlx::query(
        "UPDATE exports SET status = 'done', file = $2, rows_done = $3, rows_total = $3, finished_at = $4, leased_until = NULL
          WHERE id = $1",
    )
    .bind(id)
    .bind(bytes)
    .bind(count as i64)
    .bind(state.clock.now())
    .execute(&state.db)
    .await?;
    Ok(())
}
