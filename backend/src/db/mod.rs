//! The connection pool and the migrations.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::configuration::DatabaseSettings;

/// The migrations of `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

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
    Ok(PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(settings.acquire_timeout_seconds))
        .connect_lazy_with(options))
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
