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
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::xlsx;
use crate::db::organizations::Scope;
use crate::db::transactions::{self, Filter};
use crate::state::AppState;

/// How long a finished file is kept.
pub const KEEP_FOR: Duration = Duration::hours(24);

/// The filter of an export, as stored with it (the user's scope is worked out when it is built).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredFilter {
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

    /// The filter, in the scope the user has now (not when they asked): a partner's export only
    /// ever reads their organizations, even if they were staff when they queued it.
    fn filter(&self, scope: Scope, members: Option<Vec<uuid::Uuid>>) -> Filter {
        Filter {
            scope,
            members,
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

/// At most this many exports of one user wait or run at once.
pub const ACTIVE_PER_USER: i64 = 2;

/// Queues an export of `filter` for `user`; `None` when the user already has
/// [`ACTIVE_PER_USER`] exports on their way.
pub async fn queue(
    state: &AppState,
    user: UserId,
    filter: &StoredFilter,
    file_name: &str,
) -> sqlx::Result<Option<ExportView>> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // One user's requests queue one at a time, so the cap holds under concurrency.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('export:' || $1::text, 0))")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    let row: Option<ExportRow> = sqlx::query_as(
        "INSERT INTO exports (id, user_id, filter, status, file_name, created_at, expires_at)
         SELECT $1, $2, $3, 'queued', $4, $5, $6
          WHERE (SELECT count(*) FROM exports WHERE user_id = $2 AND status IN ('queued', 'running')) < $7
         RETURNING id, status, rows_total, rows_done, file_name, error, created_at, expires_at",
    )
    .bind(Uuid::now_v7())
    .bind(user)
    .bind(sqlx::types::Json(filter))
    .bind(file_name)
    .bind(now)
    .bind(now + KEEP_FOR)
    .bind(ACTIVE_PER_USER)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(Into::into))
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

/// A finished file as it is kept: its name and size, read chunk by chunk by [`chunk`].
pub struct StoredFile {
    pub id: Uuid,
    pub name: String,
    pub size: u64,
    /// A file of the previous version, kept whole in `exports.file`.
    pub whole: Option<Vec<u8>>,
}

/// The finished file of one of the user's exports.
pub async fn file(state: &AppState, user: UserId, id: Uuid) -> sqlx::Result<Option<StoredFile>> {
    let row: Option<(String, Option<i64>, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT file_name, size_bytes, CASE WHEN size_bytes IS NULL THEN file END
           FROM exports WHERE id = $1 AND user_id = $2 AND status = 'done' AND expires_at > $3",
    )
    .bind(id)
    .bind(user)
    .bind(state.clock.now())
    .fetch_optional(&state.db)
    .await?;
    Ok(row.map(|(name, size, whole)| StoredFile {
        id,
        size: size.map(|s| s as u64).or_else(|| whole.as_ref().map(|w| w.len() as u64)).unwrap_or(0),
        name,
        whole,
    }))
}

/// Chunk `seq` of a file; `None` past its end.
pub async fn chunk(db: &sqlx::PgPool, id: Uuid, seq: i32) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT data FROM export_chunks WHERE export_id = $1 AND seq = $2")
        .bind(id)
        .bind(seq)
        .fetch_optional(db)
        .await
}

/// The size of the chunks a file is kept in.
const CHUNK_BYTES: usize = 1 << 20;

/// A build is tried this many times (a builder that died, e.g. with its node) before the
/// export is marked failed.
const MAX_ATTEMPTS: i32 = 3;

/// One pass of the worker: claims the oldest queued export (or one whose builder died: its
/// lease ran out), builds it, and forgets expired files. Returns whether it built one.
pub async fn pass(state: &AppState) -> anyhow::Result<bool> {
    let now = state.clock.now();
    sqlx::query("DELETE FROM exports WHERE expires_at <= $1").bind(now).execute(&state.db).await?;
    sqlx::query(
        "UPDATE exports SET status = 'failed', error = 'The export could not be built; try again.', finished_at = $1,
                claim = NULL WHERE status = 'running' AND leased_until <= $1 AND attempts >= $2",
    )
    .bind(now)
    .bind(MAX_ATTEMPTS)
    .execute(&state.db)
    .await?;
    let lease = Duration::minutes(10);
    let claim = Uuid::now_v7();
    let claimed: Option<(Uuid, sqlx::types::Json<StoredFilter>, String, UserId, shared::Role)> = sqlx::query_as(
        "UPDATE exports e SET status = 'running', leased_until = $2, rows_done = 0, claim = $3, attempts = attempts + 1
          FROM users u
         WHERE u.id = e.user_id
           AND e.id = (SELECT id FROM exports
                        WHERE status = 'queued' OR (status = 'running' AND leased_until <= $1 AND attempts < $4)
                        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING e.id, e.filter, e.file_name, e.user_id, u.role",
    )
    .bind(now)
    .bind(now + lease)
    .bind(claim)
    .bind(MAX_ATTEMPTS)
    .fetch_optional(&state.db)
    .await?;
    let Some((id, filter, name, user, role)) = claimed else { return Ok(false) };
    let scope = if role == shared::Role::Admin { Scope::All } else { Scope::MemberOf(user) };
    let stored = filter.0;
    let built = async {
        // The rows come from the replica; whose they may be, from the primary.
        let members = crate::db::organizations::visible_ids(&state.db, scope).await?;
        build(state, id, claim, &stored.filter(scope, members), &stored.time_zone, &name, lease).await
    }
    .await;
    if let Err(e) = built {
        let message = match e.downcast_ref::<TooLarge>() {
            Some(too_large) => too_large.to_string(),
            None => {
                tracing::error!(error = ?e, export = %id, "an export failed");
                "The export could not be built; try again.".to_owned()
            }
        };
        sqlx::query(
            "UPDATE exports SET status = 'failed', error = $3, finished_at = $4, claim = NULL
              WHERE id = $1 AND claim = $2 AND status = 'running'",
        )
        .bind(id)
        .bind(claim)
        .bind(message)
        .bind(state.clock.now())
        .execute(&state.db)
        .await?;
    }
    Ok(true)
}

/// A filter that matches more rows than one export may hold.
#[derive(Debug, thiserror::Error)]
#[error("The filter matches {rows} operations; an export holds at most {limit}. Narrow the dates or the filter.")]
struct TooLarge {
    rows: i64,
    limit: i64,
}

async fn build(
    state: &AppState,
    id: Uuid,
    claim: Uuid,
    filter: &Filter,
    time_zone: &str,
    name: &str,
    lease: Duration,
) -> anyhow::Result<()> {
    // The lease is kept alive from the start (the count itself may take a while), and the rows
    // done are saved every second for the page's progress bar.
    let done = Arc::new(AtomicU64::new(0));
    let progress = {
        let (done, pool, clock) = (done.clone(), state.db.clone(), state.clock.clone());
        tokio::spawn(async move {
            loop {
                let n = done.load(Ordering::Relaxed) as i64;
                let _ = sqlx::query(
                    "UPDATE exports SET rows_done = $3, leased_until = $4 WHERE id = $1 AND claim = $2 AND status = 'running'",
                )
                .bind(id)
                .bind(claim)
                .bind(n)
                .bind(clock.now() + lease)
                .execute(&pool)
                .await;
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        })
    };
    let built = write_file(state, id, claim, filter, time_zone, name, done).await;
    progress.abort();
    built
}

async fn write_file(
    state: &AppState,
    id: Uuid,
    claim: Uuid,
    filter: &Filter,
    time_zone: &str,
    name: &str,
    done: Arc<AtomicU64>,
) -> anyhow::Result<()> {
    let mut db = transactions::in_zone(&state.read_db, time_zone).await?;
    let limit = state.settings.workers.export_row_limit;
    let (total, _) = transactions::count_up_to(&mut db, filter, limit.saturating_add(1)).await?;
    if total > limit {
        db.rollback().await?;
        return Err(TooLarge { rows: total, limit }.into());
    }
    sqlx::query("UPDATE exports SET rows_total = $3 WHERE id = $1 AND claim = $2")
        .bind(id)
        .bind(claim)
        .bind(total)
        .execute(&state.db)
        .await?;
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
    let streamed = xlsx::stream_rows(&mut db, filter, rows_tx).await;
    db.commit().await?;
    let _ = counter.await;
    let written = writer.await.map_err(anyhow::Error::from);
    streamed?;
    let (file, count) = written??;
    // The file goes in chunk by chunk, with the status, in one transaction under the claim: a
    // builder that lost its lease writes nothing.
    let mut reader = tokio::fs::File::open(file.path()).await?;
    let mut tx = state.db.begin().await?;
    let (mut seq, mut size) = (0i32, 0i64);
    loop {
        let mut buf = Vec::with_capacity(CHUNK_BYTES);
        while buf.len() < CHUNK_BYTES {
            let mut part = (&mut reader).take((CHUNK_BYTES - buf.len()) as u64);
            if part.read_to_end(&mut buf).await? == 0 {
                break;
            }
        }
        if buf.is_empty() {
            break;
        }
        size += buf.len() as i64;
        sqlx::query("INSERT INTO export_chunks (export_id, seq, data) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(seq)
            .bind(buf)
            .execute(&mut *tx)
            .await?;
        seq += 1;
    }
    let finished = sqlx::query(
        "UPDATE exports SET status = 'done', size_bytes = $3, rows_done = $4, rows_total = $4, finished_at = $5,
                leased_until = NULL, claim = NULL
          WHERE id = $1 AND claim = $2 AND status = 'running'",
    )
    .bind(id)
    .bind(claim)
    .bind(size)
    .bind(count as i64)
    .bind(state.clock.now())
    .execute(&mut *tx)
    .await?;
    if finished.rows_affected() == 1 {
        tx.commit().await?;
    } else {
        // Another builder took the export over; its file is the one kept.
        tx.rollback().await?;
    }
    Ok(())
}
