//! Node-local caches of who may call us, and the change feed that keeps every node's copy true.
//!
//! - API keys: the key's organization and whether it is blocked, for `caches.api_key_seconds`,
//!   so an authenticated request costs no query for its key.
//! - The docs' verified Basic credentials (which also re-check the account on every use).
//!
//! Every node `LISTEN`s on `clickpay_auth`; a trigger notifies it when an API key, an
//! organization's status or a user's credentials change (migration `…050`), and the node drops
//! that cache. Notifications sent while the listening connection is down are lost, so the caches
//! are used only while it is up, and are flushed each time it (re)connects. A look-up that read
//! the database before a flush never stores its (maybe stale) answer after it: each flush moves
//! a generation on, and a store names the generation it read under.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use shared::ids::{ApiKeyId, OrganizationId};
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::state::AppState;

/// The payload prefix of heartbeats (`ping:<node>`).
const PING: &str = "ping:";
/// The channel of migration `…050`.
pub const CHANNEL: &str = "clickpay_auth";
/// The listening connection's `application_name`, to tell it apart in `pg_stat_activity`.
pub const LISTENER_NAME: &str = "clickpay listener";
/// A key's `last_used_at` is written at most this often (per node).
const LAST_USED_EVERY: Duration = Duration::from_secs(60);
/// How often a node sends itself a ping through the feed, and how long it goes without hearing
/// it before it takes the feed for dead (a connection can hang without being reset: a NAT or
/// load balancer's idle timeout, a network split), turns the caches off and reconnects.
const HEARTBEAT: Duration = Duration::from_secs(5);
const HEARTBEAT_DEADLINE: Duration = Duration::from_secs(15);
/// A bound on memory: only existing keys are ever stored, so this is never reached in practice.
const MAX_KEYS: usize = 100_000;

/// What a request's API key resolved to.
#[derive(Debug, Clone, Copy)]
pub struct KeyInfo {
    pub id: ApiKeyId,
    pub organization_id: OrganizationId,
    pub blocked: bool,
}

#[derive(Clone, Copy)]
struct Cached {
    info: KeyInfo,
    until: Instant,
    last_used_written: Instant,
}

/// A cache hit: the key, and whether its `last_used_at` is due to be written.
pub struct Hit {
    pub info: KeyInfo,
    pub record_use: bool,
}

pub struct Caches {
    key_ttl: Duration,
    keys: Mutex<HashMap<[u8; 32], Cached>>,
    generation: AtomicU64,
    live: AtomicBool,
    /// Verified Basic credentials of the docs.
    pub docs: crate::docs::BasicCache,
}

impl Caches {
    pub fn new(key_ttl: Duration) -> Caches {
        Caches {
            key_ttl,
            keys: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            live: AtomicBool::new(false),
            docs: Default::default(),
        }
    }

    /// Whether the change feed is up (the caches may be used).
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::SeqCst)
    }

    /// The flush count so far: read it before a look-up, hand it to [`Caches::store_key`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Cached>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached key with this digest, while it is fresh and the feed is up.
    pub fn key(&self, digest: &[u8; 32]) -> Option<Hit> {
        if !self.is_live() || self.key_ttl.is_zero() {
            return None;
        }
        let now = Instant::now();
        let mut keys = self.keys();
        let entry = keys.get_mut(digest)?;
        if entry.until <= now {
            keys.remove(digest);
            return None;
        }
        let record_use = now.duration_since(entry.last_used_written) >= LAST_USED_EVERY;
        if record_use {
            entry.last_used_written = now;
        }
        Some(Hit { info: entry.info, record_use })
    }

    /// Stores what a look-up read under `generation`, unless a flush came in between.
    pub fn store_key(&self, digest: [u8; 32], info: KeyInfo, generation: u64) {
        if !self.is_live() || self.key_ttl.is_zero() {
            return;
        }
        let now = Instant::now();
        let mut keys = self.keys();
        if self.generation() != generation {
            return;
        }
        if keys.len() >= MAX_KEYS {
            keys.clear();
        }
        keys.insert(digest, Cached { info, until: now + self.key_ttl, last_used_written: now });
    }

    /// The number of cached keys (for tests and metrics).
    pub fn cached_keys(&self) -> usize {
        self.keys().len()
    }

    /// Drops the API keys (under the map's lock, so no look-up of the old generation stores).
    pub fn flush_keys(&self) {
        let mut keys = self.keys();
        self.generation.fetch_add(1, Ordering::SeqCst);
        keys.clear();
    }

    pub fn flush_all(&self) {
        self.flush_keys();
        self.docs.clear();
    }

    /// What a notification's payload (the changed table) empties; a heartbeat empties nothing.
    fn changed(&self, table: &str) {
        match table {
            _ if table.starts_with(PING) => {}
            "api_keys" | "organizations" => self.flush_keys(),
            "users" => self.docs.clear(),
            _ => self.flush_all(),
        }
    }

    /// Off before the flush, on only after it: whatever changed before LISTEN took hold (or
    /// while it was down) is forgotten, and no look-up meanwhile uses the old entries.
    fn set_live(&self, live: bool) {
        if !live {
            self.live.store(false, Ordering::SeqCst);
        }
        self.flush_all();
        if live {
            self.live.store(true, Ordering::SeqCst);
        }
    }
}

/// Listens for changes until `stop`, on a connection of its own (not one of the request pool's;
/// `database.listen_url` when set, e.g. to bypass a transaction-mode pooler), reconnecting after
/// a second whenever it is cut or its heartbeat stops coming back.
pub async fn listen(state: AppState, mut stop: watch::Receiver<bool>) {
    let caches = state.caches.clone();
    let db = &state.settings.database;
    let pool = match crate::db::lazy_pool(db, db.listen_url.as_ref().unwrap_or(&db.url), 1, Some(LISTENER_NAME)) {
        Ok(pool) => pool,
        Err(e) => {
            tracing::error!(error = %e, "the cache listener has no valid database URL; caches stay off");
            return;
        }
    };
    let ping = format!("{PING}{}", uuid::Uuid::new_v4());
    loop {
        match subscribe(&pool).await {
            Ok(mut listener) => {
                caches.set_live(true);
                let mut heard = Instant::now();
                let mut beat = tokio::time::interval(HEARTBEAT);
                loop {
                    tokio::select! {
                        n = listener.try_recv() => match n {
                            Ok(Some(n)) => {
                                if n.payload() == ping {
                                    heard = Instant::now();
                                }
                                caches.changed(n.payload());
                            }
                            // Cut: notifications may have been lost from here on.
                            Ok(None) => break,
                            Err(e) => {
                                tracing::warn!(error = %e, "the cache listener lost its connection");
                                break;
                            }
                        },
                        _ = beat.tick() => {
                            if heard.elapsed() > HEARTBEAT_DEADLINE {
                                tracing::warn!("the cache listener stopped hearing its heartbeat; reconnecting");
                                break;
                            }
                            // Sent by the request pool, so it crosses the server as any change does.
                            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(&ping).execute(&state.db).await {
                                tracing::warn!(error = %e, "the cache heartbeat could not be sent");
                            }
                        }
                        _ = stop.changed() => return,
                    }
                }
                caches.set_live(false);
            }
            Err(e) => tracing::warn!(error = %e, "the cache listener cannot connect; caches stay off"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn subscribe(pool: &sqlx::PgPool) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> KeyInfo {
        KeyInfo { id: ApiKeyId::new(), organization_id: OrganizationId::new(), blocked: false }
    }

    #[test]
    fn off_until_the_feed_is_up() {
        let c = Caches::new(Duration::from_secs(30));
        c.store_key([1; 32], info(), c.generation());
        assert!(c.key(&[1; 32]).is_none());
        c.set_live(true);
        c.store_key([1; 32], info(), c.generation());
        assert!(c.key(&[1; 32]).is_some());
        c.set_live(false);
        assert_eq!(c.cached_keys(), 0);
        assert!(c.key(&[1; 32]).is_none());
    }

    #[test]
    fn a_look_up_older_than_a_flush_is_not_stored() {
        let c = Caches::new(Duration::from_secs(30));
        c.set_live(true);
        let read_under = c.generation();
        c.changed("api_keys");
        c.store_key([2; 32], info(), read_under);
        assert!(c.key(&[2; 32]).is_none());
        c.store_key([2; 32], info(), c.generation());
        assert!(c.key(&[2; 32]).is_some());
        // A user's change leaves the keys alone.
        c.changed("users");
        assert!(c.key(&[2; 32]).is_some());
        c.changed("ping:0193");
        assert!(c.key(&[2; 32]).is_some(), "a heartbeat flushes nothing");
        c.changed("organizations");
        assert!(c.key(&[2; 32]).is_none());
    }

    #[test]
    fn entries_expire_and_zero_disables() {
        let c = Caches::new(Duration::from_millis(1));
        c.set_live(true);
        c.store_key([3; 32], info(), c.generation());
        std::thread::sleep(Duration::from_millis(5));
        assert!(c.key(&[3; 32]).is_none());
        let off = Caches::new(Duration::ZERO);
        off.set_live(true);
        off.store_key([3; 32], info(), off.generation());
        assert!(off.key(&[3; 32]).is_none());
    }

    #[test]
    fn last_use_is_due_once_a_minute() {
        let c = Caches::new(Duration::from_secs(30));
        c.set_live(true);
        c.store_key([4; 32], info(), c.generation());
        assert!(!c.key(&[4; 32]).expect("hit").record_use);
    }
}
