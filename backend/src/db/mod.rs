//! The connection pool and the migrations.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use crate::configuration::DatabaseSettings;

/// The migrations of `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// A pooled connection idle for at least this long is tested with a query before it is handed out.
/// sqlx's own test (`test_before_acquire`) sends one on every checkout: a round trip to
/// PostgreSQL per request, a third of a GET's database work. A connection in steady use is known
/// to be alive (sqlx also pings it when it comes back to the pool); one that has rested may have
/// outlived a restart of the server, and is replaced here instead of failing a request. A request
/// that still meets a dead connection answers 503 (`ApiError`'s conversion), so it is retried.
const TEST_AFTER_IDLE: Duration = Duration::from_secs(1);

/// When a request last met a connection PostgreSQL had dropped, in milliseconds of `clock()`.
static LAST_LOSS_MS: AtomicU64 = AtomicU64::new(0);

fn clock() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    u64::try_from(START.get_or_init(Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A request met a dropped connection (a restart): every pooled connection released before now
/// is tested before its next use, so one failed request is enough to flush the dead ones.
pub fn note_connection_lost() {
    LAST_LOSS_MS.store(clock().max(1), Ordering::Relaxed);
}

/// Whether a pooled connection idle for `idle_for` is to be tested before it is handed out.
fn needs_test(idle_for: Duration) -> bool {
    let released_at = clock().saturating_sub(u64::try_from(idle_for.as_millis()).unwrap_or(u64::MAX));
    idle_for >= TEST_AFTER_IDLE || released_at <= LAST_LOSS_MS.load(Ordering::Relaxed)
}

/// A lazy pool of `size` connections to `url`, with the settings' acquire timeout: the server
/// starts even while the database is still coming up (`/readyz` tells).
pub fn lazy_pool(
    settings: &DatabaseSettings,
    url: &SecretString,
    size: u32,
    name: Option<&str>,
) -> sqlx::Result<PgPool> {
    let mut options = url.expose_secret().parse::<PgConnectOptions>()?;
    if let Some(name) = name {
        options = options.application_name(name);
    }
    Ok(pool_options(size, Duration::from_secs(settings.acquire_timeout_seconds)).connect_lazy_with(options))
}

/// The pool settings every pool of the process uses (the sandbox bank's too): `size`
/// connections, `acquire_timeout`, and a test query only for a connection that has rested.
pub fn pool_options(size: u32, acquire_timeout: Duration) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(acquire_timeout)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if needs_test(meta.idle_for) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

/// The primary's pool.
pub fn pool(settings: &DatabaseSettings) -> Result<PgPool, sqlx::Error> {
    lazy_pool(settings, &settings.url, settings.max_connections, None)
}

/// The pool of reads that may lag: the replica of `database.read_url`, else the primary's pool.
pub fn read_pool(settings: &DatabaseSettings, primary: &PgPool) -> Result<PgPool, sqlx::Error> {
    match &settings.read_url {
        Some(url) => lazy_pool(settings, url, settings.max_connections, None),
        None => Ok(primary.clone()),
    }
}

/// Commits a transaction whose outcome a client acts on (an operation and its idempotency key).
/// A connection lost during the COMMIT leaves its outcome unknown (PostgreSQL may have committed):
/// that is an internal error (500), never the 503 `unavailable` that a lost connection otherwise
/// answers, which says nothing happened. Either way the key is given up and a retry with the same
/// key finds what was committed.
pub async fn commit(tx: Transaction<'_, Postgres>) -> Result<(), crate::error::ApiError> {
    tx.commit()
        .await
        .map_err(|e| crate::error::ApiError::Internal(anyhow::Error::new(e).context("COMMIT failed: outcome unknown")))
}

pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

pub mod api_keys;
pub mod audit;
pub mod card_tokens;
pub mod events;
pub mod idempotency;
pub mod operations;
pub mod organizations;
pub mod reconciliation;
pub mod sealed_cards;
pub mod sessions;
pub mod transactions;
pub mod two_factor;
pub mod users;
pub mod velocity;

/// Is this error the violation of the named unique constraint or index?
/// A keyset page read one row past `limit`, newest first: the page and whether more lie that
/// way. A page read backwards (before a cursor, oldest first) is turned back to newest first.
pub fn keyset_page<T>(mut rows: Vec<T>, limit: i64, backwards: bool) -> (Vec<T>, bool) {
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    if backwards {
        rows.reverse();
    }
    (rows, has_more)
}

pub fn is_unique_violation(e: &sqlx::Error, constraint: &str) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation() && d.constraint() == Some(constraint))
}
