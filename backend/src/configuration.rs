//! Settings, layered: built-in defaults, then an optional TOML file, then environment variables.
//!
//! Environment variables use `CLICKPAY__SECTION__KEY` (e.g. `CLICKPAY__SERVER__PORT`), plus the
//! conventional names the contract promises: `DATABASE_URL`, `PORT`, `CLICKPAY_PUBLIC_URL`,
//! `CLICKPAY_DEMO_PASSWORD`. The file is `$CLICKPAY_CONFIG` if set, else `clickpay.toml` when present.

use std::path::PathBuf;

use config::{Config, Environment, File, FileFormat};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

const DEFAULTS: &str = r#"
environment = "local"
data_dir = ".data"

[server]
host = "127.0.0.1"
port = 8080
static_dir = "dist"
shutdown_timeout_seconds = 20
allow_private_webhook_targets = false
# Proxies (CIDRs) whose X-Forwarded-For is believed; none: the socket's address is the client.
trusted_proxies = []

[database]
max_connections = 10
acquire_timeout_seconds = 3
# read_url = "postgres://…replica…": the cabinet's lists, charts and exports read from it (they
# may lag by the replica's delay); unset, they read from the primary.

[caches]
# How long a node trusts an API key it has looked up. Revocations reach every node at once
# (LISTEN/NOTIFY); this bounds the rest. 0 turns the cache off.
api_key_seconds = 30

[metrics]
# GET /metrics answers loopback clients (as the trusted-proxy rule resolves them) and, with
# this token set, any client that sends `Authorization: Bearer <token>`.
# token = "…"

[session]
idle_timeout_minutes = 15
absolute_timeout_hours = 12
cookie_secure = true

[rate_limits]
login_per_account_per_minute = 5
login_per_ip_per_minute = 20
api_per_key_per_minute = 600
resends_per_user_per_minute = 30
exports_per_user_per_minute = 10

[lockout]
max_failed_logins = 10
lock_minutes = 30

[payments]
settle_delay_seconds = 5
authentication_timeout_minutes = 15
hosted_page_timeout_minutes = 30
hold_days = 7
idempotency_retention_hours = 24

[velocity]
# Daily caps per organization (Moscow day) when staff set none: generous, a backstop for a leaked key.
payouts_per_day = 10000
payout_amount_per_day = "100000000.00"
refunds_per_day = 10000
refund_amount_per_day = "100000000.00"

[idempotency]
# A request silent this long loses its key to a retry (longer than any bank or pool timeout).
lock_timeout_seconds = 30

[acquirer]
# The bank's base URL; unset: the sandbox bank on the gateway's port + 1.
timeout_seconds = 10
bank_name = "АО БАНК «СНГБ»"

[workers]
enabled = true
poll_interval_ms = 1000
settlement_concurrency = 8
# The synchronous transactions.xlsx answers up to this many rows, then 422 export_too_large.
sync_export_limit = 100000
# A background export of more rows than this fails at once with a message to narrow the filter.
export_row_limit = 2000000

[reconciliation]
# Either side of a Moscow day: an entry the bank booked this close to midnight and the gateway
# recorded on the other side of it counts in the bank's day, not as a mismatch; the daily run
# of yesterday starts this long after midnight.
grace_minutes = 10

[webhooks]
timeout_seconds = 10
# After the 1st, 2nd, … failed attempt: 5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (27.6 h in all).
retry_schedule_seconds = [5, 60, 300, 1800, 7200, 18000, 36000, 36000]
jitter_percent = 20
lease_seconds = 60
batch = 50
concurrency = 8
"#;

/// Where the server runs: `local` allows development conveniences (generated keys), `production`
/// refuses to start without real secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunMode {
    Local,
    Production,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub environment: RunMode,
    /// Local state: demo credentials, generated development keys.
    pub data_dir: PathBuf,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    #[serde(default)]
    pub security: SecuritySettings,
    pub session: SessionSettings,
    pub rate_limits: RateLimitSettings,
    pub lockout: LockoutSettings,
    pub payments: PaymentSettings,
    pub idempotency: IdempotencySettings,
    pub velocity: crate::db::velocity::Limits,
    pub acquirer: AcquirerSettings,
    pub workers: WorkerSettings,
    pub reconciliation: ReconciliationSettings,
    pub webhooks: WebhookSettings,
    pub caches: CacheSettings,
    #[serde(default)]
    pub metrics: MetricsSettings,
    /// The demo users' password (`CLICKPAY_DEMO_PASSWORD`); generated when unset.
    #[serde(default)]
    pub demo_password: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CacheSettings {
    pub api_key_seconds: u64,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetricsSettings {
    /// A bearer token that opens `/metrics` to non-loopback clients; unset: loopback only.
    #[serde(default)]
    pub token: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    /// The absolute base of links we hand out (confirmation pages). Defaults to `http://host:port`.
    #[serde(default)]
    pub public_url: Option<String>,
    /// The built SPA (Trunk's `dist/`).
    pub static_dir: PathBuf,
    pub shutdown_timeout_seconds: u64,
    /// Lets webhooks reach loopback and private networks: local development and tests only.
    pub allow_private_webhook_targets: bool,
    /// CIDRs of the proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `postgres://user:password@host:port/db`
    pub url: SecretString,
    /// A streaming replica for reads that may lag (the cabinet's lists, charts and exports).
    #[serde(default)]
    pub read_url: Option<SecretString>,
    /// Where the node's one `LISTEN` connection goes (its caches' change feed), when it must
    /// bypass a transaction-mode pooler in front of `url`.
    #[serde(default)]
    pub listen_url: Option<SecretString>,
    pub max_connections: u32,
    pub acquire_timeout_seconds: u64,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct SecuritySettings {
    /// Signs session JWTs (HS256): at least 32 bytes.
    #[serde(default)]
    pub jwt_secret: Option<SecretString>,
    /// Base64 of 32 bytes: the AES-256-GCM key for saved cards' PANs.
    #[serde(default)]
    pub card_encryption_key: Option<SecretString>,
    /// Base64 of 32 bytes: the HMAC key for PAN look-ups.
    #[serde(default)]
    pub card_hash_key: Option<SecretString>,
    /// Staff (role admin) must sign in with a TOTP code as well; unset: on in production, off in
    /// a local run (the demo users sign in with a password alone). Read it through
    /// [`Settings::two_factor_required_for_admins`].
    #[serde(default)]
    pub require_two_factor_for_admins: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SessionSettings {
    pub idle_timeout_minutes: i64,
    pub absolute_timeout_hours: i64,
    /// `Secure` on the session cookie. Browsers accept Secure cookies from http://127.0.0.1 and
    /// localhost, so this stays on in the local run too.
    pub cookie_secure: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RateLimitSettings {
    pub login_per_account_per_minute: u32,
    pub login_per_ip_per_minute: u32,
    pub api_per_key_per_minute: u32,
    pub resends_per_user_per_minute: u32,
    pub exports_per_user_per_minute: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LockoutSettings {
    pub max_failed_logins: i32,
    pub lock_minutes: i64,
}

/// The timers of the payment flows.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentSettings {
    /// How long after a bank timeout the settlement worker asks again.
    pub settle_delay_seconds: i64,
    /// A 3-D Secure challenge left open this long fails with `authentication_timeout`.
    pub authentication_timeout_minutes: i64,
    /// An unpaid hosted payment page expires after this long (`payment_expired`).
    pub hosted_page_timeout_minutes: i64,
    /// A two-stage payment's hold not captured in this many days is released (`canceled`).
    pub hold_days: i64,
    pub idempotency_retention_hours: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IdempotencySettings {
    pub lock_timeout_seconds: i64,
}

impl ServerSettings {
    /// The trusted proxies, parsed (checked by [`Settings::validate`]).
    pub fn trusted_proxy_networks(&self) -> Vec<sqlx::types::ipnetwork::IpNetwork> {
        self.trusted_proxies.iter().filter_map(|c| c.parse().ok()).collect()
    }
}

/// The bank connector.
#[derive(Debug, Clone, Deserialize)]
pub struct AcquirerSettings {
    /// The bank's base URL (`CLICKPAY_ACQUIRER_URL`).
    pub url: Option<String>,
    /// One bank call, connection included; shorter than the idempotency lock timeout.
    pub timeout_seconds: u64,
    pub bank_name: String,
    /// Sent as `X-Sandbox-Label`: the gateway's account at the sandbox bank, whose register lists
    /// its bookings only, and what the bank's fault rules can pick. Every node of one gateway
    /// sends the same label (1-100 visible ASCII characters).
    pub label: Option<String>,
}

/// Background work: settlement, expiries, purges (and webhook delivery).
#[derive(Debug, Clone, Deserialize)]
pub struct WorkerSettings {
    pub enabled: bool,
    pub poll_interval_ms: u64,
    /// Operations settled at once by one node (each may wait for the bank).
    pub settlement_concurrency: usize,
    /// The most rows `GET /reports/transactions.xlsx` answers with; past it,
    /// `422 export_too_large` and the background export.
    pub sync_export_limit: i64,
    /// The most rows a background export writes (about 115 MB per million); a filter matching
    /// more fails with a message to narrow it.
    pub export_row_limit: i64,
}

/// Reconciliation against the bank's register.
#[derive(Debug, Clone, Deserialize)]
pub struct ReconciliationSettings {
    /// Minutes either side of a Moscow day within which the bank's and the gateway's times of
    /// one booking may fall on different days (0–1440).
    pub grace_minutes: i64,
}

/// Notification delivery.
#[derive(Debug, Clone, Deserialize)]
pub struct WebhookSettings {
    /// A receiver must answer 2xx within this many seconds.
    pub timeout_seconds: u64,
    /// The wait after each failed attempt; when it runs out the event has failed.
    pub retry_schedule_seconds: Vec<u64>,
    /// Each wait varies by up to this many percent either way.
    pub jitter_percent: u32,
    /// How long a claimed event is kept from other workers.
    pub lease_seconds: i64,
    pub batch: i64,
    pub concurrency: usize,
}

impl Settings {
    /// Reads the layers from this process's environment.
    pub fn load() -> Result<Settings, config::ConfigError> {
        let file = std::env::var("CLICKPAY_CONFIG").ok();
        let mut builder = Config::builder().add_source(File::from_str(DEFAULTS, FileFormat::Toml));
        builder = match file {
            Some(path) => builder.add_source(File::with_name(&path).required(true)),
            None => builder.add_source(File::with_name("clickpay.toml").required(false)),
        };
        builder = builder.add_source(Environment::with_prefix("CLICKPAY").prefix_separator("__").separator("__"));
        for (var, key) in [
            ("DATABASE_URL", "database.url"),
            ("PORT", "server.port"),
            ("CLICKPAY_PUBLIC_URL", "server.public_url"),
            ("CLICKPAY_DEMO_PASSWORD", "demo_password"),
            ("CLICKPAY_ACQUIRER_URL", "acquirer.url"),
        ] {
            if let Ok(v) = std::env::var(var) {
                builder = builder.set_override(key, v)?;
            }
        }
        builder.build()?.try_deserialize()
    }

    /// The defaults with the given overrides (dotted keys), ignoring files and the environment:
    /// what tests use.
    pub fn with_overrides(overrides: &[(&str, &str)]) -> Result<Settings, config::ConfigError> {
        let mut builder = Config::builder().add_source(File::from_str(DEFAULTS, FileFormat::Toml));
        for (k, v) in overrides {
            builder = builder.set_override(*k, *v)?;
        }
        builder.build()?.try_deserialize()
    }

    /// Whether staff must use two-factor sign-in (`security.require_two_factor_for_admins`).
    pub fn two_factor_required_for_admins(&self) -> bool {
        self.security.require_two_factor_for_admins.unwrap_or(self.environment == RunMode::Production)
    }

    /// The base of absolute URLs we hand out, without a trailing slash.
    pub fn public_url(&self, bound_port: u16) -> String {
        match &self.server.public_url {
            Some(u) => u.trim_end_matches('/').to_owned(),
            None => format!("http://{}:{}", self.server.host, bound_port),
        }
    }

    /// The bank's base URL: `acquirer.url`, else the sandbox bank on the gateway's port + 1.
    pub fn acquirer_url(&self, bound_port: u16) -> String {
        match &self.acquirer.url {
            Some(u) => u.trim_end_matches('/').to_owned(),
            None => format!("http://127.0.0.1:{}", bound_port.saturating_add(1)),
        }
    }

    /// Refuses settings that would run a production server unsafely. It fails closed: the
    /// local mode (generated keys in a file, relaxed limits) runs only on a loopback address.
    pub fn validate(&self) -> Result<(), String> {
        if self.environment == RunMode::Local && !is_loopback(&self.server.host) {
            return Err(format!(
                "the local mode serves only on a loopback address, not {}: set CLICKPAY__ENVIRONMENT=production with real keys",
                self.server.host
            ));
        }
        if let Some(s) = &self.security.jwt_secret
            && s.expose_secret().len() < 32
        {
            return Err("security.jwt_secret must be at least 32 bytes".into());
        }
        // The label names this gateway's account at the bank (its register); every node of one
        // gateway sends the same, and the bank refuses a malformed one on every call.
        if let Some(l) = &self.acquirer.label
            && (l.is_empty() || l.len() > 100 || !l.bytes().all(|b| b.is_ascii_graphic()))
        {
            return Err("acquirer.label must be 1-100 visible ASCII characters".into());
        }
        // Card schemes keep an e-commerce authorization for days, not months.
        if !(1..=30).contains(&self.payments.hold_days) {
            return Err("payments.hold_days must be 1-30".into());
        }
        if self.environment == RunMode::Production {
            if self.security.jwt_secret.is_none()
                || self.security.card_encryption_key.is_none()
                || self.security.card_hash_key.is_none()
            {
                return Err("production needs security.jwt_secret, card_encryption_key and card_hash_key".into());
            }
            if self.server.allow_private_webhook_targets {
                return Err("production may not allow private webhook targets".into());
            }
            if !self.session.cookie_secure {
                return Err("production needs session.cookie_secure".into());
            }
            // Over http the Secure, __Host- cookie is dropped by browsers and HSTS is never sent.
            if !self.server.public_url.as_deref().is_some_and(|u| u.starts_with("https://")) {
                return Err("production needs an https server.public_url (CLICKPAY_PUBLIC_URL)".into());
            }
            let l = &self.lockout;
            if !(1..=10).contains(&l.max_failed_logins) || l.lock_minutes < 30 {
                return Err("production needs the lockout: at most 10 failed logins, then at least 30 minutes".into());
            }
            let r = &self.rate_limits;
            if !(1..=5).contains(&r.login_per_account_per_minute)
                || !(1..=20).contains(&r.login_per_ip_per_minute)
                || r.api_per_key_per_minute == 0
            {
                return Err(
                    "production needs the rate limits: login at most 5/min per account and 20/min per IP".into()
                );
            }
        }
        if self.webhooks.timeout_seconds == 0 || self.webhooks.timeout_seconds > 10 {
            return Err("webhooks.timeout_seconds must be within 1..=10".into());
        }
        if self.webhooks.retry_schedule_seconds.iter().sum::<u64>() < 24 * 3600
            && self.environment == RunMode::Production
        {
            return Err("webhooks.retry_schedule_seconds must span at least 24 hours".into());
        }
        if let Some(bad) = self
            .server
            .trusted_proxies
            .iter()
            .find(|c| c.parse::<sqlx::types::ipnetwork::IpNetwork>().map_or(true, |n| n.prefix() == 0))
        {
            return Err(format!(
                "server.trusted_proxies: {bad} is not a CIDR of your proxies (a /0 would believe anyone)"
            ));
        }
        // A bank call must end before a retry of its request may take the idempotency key over.
        if self.acquirer.timeout_seconds == 0 || self.acquirer.timeout_seconds > 20 {
            return Err("acquirer.timeout_seconds must be within 1..=20".into());
        }
        // Between taking its key and recording the outcome a request may wait for a pooled
        // connection up to four times (the look-ups, its transaction, the outcome's) and for the
        // bank once: all of it must end before a retry may take its key over.
        let longest_wait = self.acquirer.timeout_seconds + 4 * self.database.acquire_timeout_seconds;
        if self.idempotency.lock_timeout_seconds <= longest_wait as i64 {
            return Err(format!(
                "idempotency.lock_timeout_seconds must exceed acquirer.timeout_seconds + database.acquire_timeout_seconds ({longest_wait})"
            ));
        }
        if !(0..=1440).contains(&self.reconciliation.grace_minutes) {
            return Err("reconciliation.grace_minutes must be within 0..=1440".into());
        }
        if self.session.idle_timeout_minutes <= 0 || self.session.idle_timeout_minutes > 15 {
            return Err("session.idle_timeout_minutes must be within 1..=15".into());
        }
        if self.session.absolute_timeout_hours <= 0 || self.session.absolute_timeout_hours > 12 {
            return Err("session.absolute_timeout_hours must be within 1..=12".into());
        }
        Ok(())
    }
}

/// Is `host` (as bound) a loopback address?
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_need_two_factor_sign_in_in_production_unless_configured_otherwise() {
        let local = Settings::with_overrides(&[("database.url", "postgres://localhost/db")]).expect("defaults");
        assert!(!local.two_factor_required_for_admins(), "the demo users sign in with a password alone");
        let production =
            Settings::with_overrides(&[("database.url", "postgres://localhost/db"), ("environment", "production")])
                .expect("production");
        assert!(production.two_factor_required_for_admins());
        let forced = Settings::with_overrides(&[
            ("database.url", "postgres://localhost/db"),
            ("security.require_two_factor_for_admins", "true"),
        ])
        .expect("forced");
        assert!(forced.two_factor_required_for_admins());
    }

    #[test]
    fn defaults_parse_and_keep_secrets_out_of_debug() {
        let secret = "x".repeat(40);
        let cfg = Settings::with_overrides(&[
            ("database.url", "postgres://u:hunter2@localhost/db"),
            ("security.jwt_secret", &secret),
        ])
        .expect("defaults");
        assert_eq!(cfg.server.port, 8080);
        assert_eq!(cfg.lockout.max_failed_logins, 10);
        assert!(cfg.validate().is_ok());
        let mut open = cfg.clone();
        open.server.host = "0.0.0.0".into();
        assert!(open.validate().is_err(), "the local mode refuses a public address");
        let mut prod = open.clone();
        prod.environment = RunMode::Production;
        prod.security.card_encryption_key = Some(secret.clone().into());
        prod.security.card_hash_key = Some(secret.clone().into());
        assert!(prod.validate().is_err(), "production needs an https public URL");
        prod.server.public_url = Some("https://pay.example".into());
        assert!(prod.validate().is_ok(), "{:?}", prod.validate());
        let mut open_proxy = prod.clone();
        open_proxy.server.trusted_proxies = vec!["0.0.0.0/0".into()];
        assert!(open_proxy.validate().is_err(), "a /0 proxy would believe anyone");
        prod.rate_limits.login_per_account_per_minute = 1000;
        assert!(prod.validate().is_err(), "production keeps the login limits");
        let debug = format!("{cfg:?}");
        assert!(!debug.contains("hunter2"), "database password leaked into Debug");
        assert!(!debug.contains(&"x".repeat(40)), "jwt secret leaked into Debug");
    }
}
