//! What every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;

use crate::configuration::Settings;
use crate::domain::clock::Clock;

/// Shared application state, cloned cheaply into each worker.
#[derive(Clone)]
pub struct AppState {
    /// The primary: every write, and every read that must see the latest write.
    pub db: PgPool,
    /// Reads that may lag by a replica's delay (the cabinet's lists, charts, exports): the
    /// replica of `database.read_url`, else the primary.
    pub read_db: PgPool,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    /// The absolute base of links we hand out, without a trailing slash.
    pub public_url: Arc<str>,
    pub keys: Arc<crate::keys::Keys>,
    pub limits: Arc<crate::rate_limit::Limits>,
    /// The bank connector (the sandbox here).
    pub acquirer: Arc<dyn crate::acquirer::Acquirer>,
    /// The notification client (with the SSRF guard).
    pub notifier: Arc<crate::webhooks::delivery::Notifier>,
    /// Node-local caches, kept true by the change feed (`caches::listen`).
    pub caches: Arc<crate::caches::Caches>,
    pub metrics: Arc<crate::metrics::Metrics>,
}
