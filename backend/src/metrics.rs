//! `GET /metrics` in the Prometheus text format.
//!
//! Counted as things happen: request latency by route template (never the raw path) and status,
//! bank calls by operation and outcome, webhook attempts by result. Read at scrape time: the
//! connection pools, the outbox (depth and the age of the oldest due event) and the settlement
//! backlog, from the primary with a short statement timeout.
//!
//! Who may read it: a loopback client (the address the trusted-proxy rule resolves, so a request
//! relayed by a local proxy from outside is not loopback), or anyone with `metrics.token` as a
//! bearer token.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use prometheus::{
    Encoder, Gauge, GaugeVec, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::state::AppState;

/// Requests of this process that gave up waiting for a pooled connection
/// (`database.acquire_timeout_seconds`): counted where the error is made, reported per scrape.
pub static POOL_TIMEOUTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Latency buckets, in seconds: from a cached GET to a bank call near its timeout.
const BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

pub struct Metrics {
    registry: Registry,
    http: HistogramVec,
    in_flight: IntGauge,
    bank: HistogramVec,
    webhooks: IntCounterVec,
    pool: IntGaugeVec,
    pool_timeouts: IntCounter,
    outbox: IntGaugeVec,
    outbox_oldest: Gauge,
    settlement: IntGaugeVec,
    settlement_oldest: Gauge,
    replica_lag: Gauge,
    scrape_errors: GaugeVec,
}

impl Metrics {
    pub fn new() -> prometheus::Result<Metrics> {
        let registry = Registry::new_custom(Some("clickpay".to_owned()), None)?;
        let http = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to answer a request, by route template.")
                .buckets(BUCKETS.to_vec()),
            &["method", "route", "status"],
        )?;
        let in_flight = IntGauge::new("http_requests_in_flight", "Requests being answered now.")?;
        let bank = HistogramVec::new(
            HistogramOpts::new("bank_call_duration_seconds", "Calls to the bank, by operation and outcome.")
                .buckets(BUCKETS.to_vec()),
            &["operation", "outcome"],
        )?;
        let webhooks = IntCounterVec::new(
            Opts::new("webhook_attempts_total", "Webhook delivery attempts, by result."),
            &["result"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database connections by pool and state (in_use, idle, max). Requests wait when in_use reaches max.",
            ),
            &["pool", "state"],
        )?;
        let pool_timeouts = IntCounter::new(
            "db_pool_acquire_timeouts_total",
            "Requests that waited database.acquire_timeout_seconds for a connection and gave up (503).",
        )?;
        let outbox = IntGaugeVec::new(
            Opts::new("outbox_events", "Webhook events waiting to be delivered (pending), and those due now."),
            &["state"],
        )?;
        let outbox_oldest =
            Gauge::new("outbox_oldest_due_age_seconds", "How long the oldest due webhook event has waited.")?;
        let settlement = IntGaugeVec::new(
            Opts::new("settlement_backlog", "Operations at the bank (processing), and those due for a check now."),
            &["state"],
        )?;
        let settlement_oldest = Gauge::new(
            "settlement_oldest_due_age_seconds",
            "How long the oldest operation due for a check with the bank has waited.",
        )?;
        let replica_lag = Gauge::new(
            "db_replica_lag_seconds",
            "Since the read replica (database.read_url) last applied a change; 0 without one.",
        )?;
        let scrape_errors = GaugeVec::new(
            Opts::new("metrics_scrape_error", "1 when the last scrape could not read this source."),
            &["source"],
        )?;
        for c in [
            Box::new(http.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(in_flight.clone()),
            Box::new(bank.clone()),
            Box::new(webhooks.clone()),
            Box::new(pool.clone()),
            Box::new(pool_timeouts.clone()),
            Box::new(outbox.clone()),
            Box::new(outbox_oldest.clone()),
            Box::new(settlement.clone()),
            Box::new(settlement_oldest.clone()),
            Box::new(replica_lag.clone()),
            Box::new(scrape_errors.clone()),
        ] {
            registry.register(c)?;
        }
        Ok(Metrics {
            registry,
            http,
            in_flight,
            bank,
            webhooks,
            pool,
            pool_timeouts,
            outbox,
            outbox_oldest,
            settlement,
            settlement_oldest,
            replica_lag,
            scrape_errors,
        })
    }

    /// A request started; the guard counts it out.
    pub fn request_started(&self) -> InFlight<'_> {
        self.in_flight.inc();
        InFlight(&self.in_flight)
    }

    pub fn observe_request(&self, method: &actix_web::http::Method, route: &str, status: u16, elapsed: Duration) {
        self.http
            .with_label_values(&[method_label(method), route, status_label(status)])
            .observe(elapsed.as_secs_f64());
    }

    pub fn observe_bank_call(&self, operation: &str, outcome: &str, elapsed: Duration) {
        self.bank.with_label_values(&[operation, outcome]).observe(elapsed.as_secs_f64());
    }

    /// One webhook attempt: `delivered`, `rejected` (the receiver answered, not 2xx) or `error`
    /// (no answer: network, timeout, blocked address).
    pub fn count_webhook(&self, result: &str) {
        self.webhooks.with_label_values(&[result]).inc();
    }

    async fn sample(&self, state: &AppState) {
        for (name, pool) in [("primary", &state.db), ("read", &state.read_db)] {
            let size = pool.size() as i64;
            let idle = pool.num_idle() as i64;
            self.pool.with_label_values(&[name, "in_use"]).set(size - idle);
            self.pool.with_label_values(&[name, "idle"]).set(idle);
            self.pool.with_label_values(&[name, "max"]).set(pool.options().get_max_connections() as i64);
        }
        let timeouts = POOL_TIMEOUTS.load(std::sync::atomic::Ordering::Relaxed);
        self.pool_timeouts.inc_by(timeouts.saturating_sub(self.pool_timeouts.get()));
        self.sample_replica(state).await;
        let now = state.clock.now();
        match backlog(state, now).await {
            Ok(b) => {
                self.outbox.with_label_values(&["pending"]).set(b.events_pending);
                self.outbox.with_label_values(&["due"]).set(b.events_due);
                self.outbox_oldest.set(b.oldest_event_due_seconds);
                self.settlement.with_label_values(&["processing"]).set(b.processing);
                self.settlement.with_label_values(&["due"]).set(b.settle_due);
                self.settlement_oldest.set(b.oldest_settle_due_seconds);
                self.scrape_errors.with_label_values(&["database"]).set(0.0);
            }
            Err(e) => {
                tracing::warn!(error = %e, "metrics: the backlog could not be read");
                self.scrape_errors.with_label_values(&["database"]).set(1.0);
            }
        }
    }

    /// How far behind the replica is (an idle primary also makes this grow: read it with the
    /// primary's write rate in mind).
    async fn sample_replica(&self, state: &AppState) {
        if state.settings.database.read_url.is_none() {
            return;
        }
        let lag = sqlx::query_scalar::<_, f64>(
            "SELECT coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)::float8",
        )
        .fetch_one(&state.read_db)
        .await;
        match lag {
            Ok(lag) => {
                self.replica_lag.set(lag);
                self.scrape_errors.with_label_values(&["replica"]).set(0.0);
            }
            Err(e) => {
                tracing::warn!(error = %e, "metrics: the replica could not be read");
                self.scrape_errors.with_label_values(&["replica"]).set(1.0);
            }
        }
    }

    fn render(&self) -> Result<Vec<u8>, prometheus::Error> {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        Ok(out)
    }
}

/// Keeps a request counted in flight until it is dropped (also when the request is cancelled).
pub struct InFlight<'a>(&'a IntGauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Methods as labels: the standard ones, any other (a client may send any token) as `OTHER`.
fn method_label(m: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// The statuses we answer with, as labels; any other code counts by its class, so an odd
/// status can never multiply the series.
const STATUSES: &[&str] = &[
    "200", "201", "204", "301", "302", "303", "304", "400", "401", "403", "404", "405", "409", "413", "415", "422",
    "429", "500", "502", "503", "504",
];

fn status_label(status: u16) -> &'static str {
    let code = status.to_string();
    if let Some(known) = STATUSES.iter().find(|s| **s == code) {
        return known;
    }
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

#[derive(sqlx::FromRow)]
struct Backlog {
    events_pending: i64,
    events_due: i64,
    oldest_event_due_seconds: f64,
    processing: i64,
    settle_due: i64,
    oldest_settle_due_seconds: f64,
}

/// One round trip, on the partial indexes the workers claim by; bounded by a statement timeout
/// so a scrape never holds a connection long.
async fn backlog(state: &AppState, now: time::OffsetDateTime) -> sqlx::Result<Backlog> {
    let mut tx = state.db.begin().await?;
    sqlx::query("SET LOCAL statement_timeout = '2s'").execute(&mut *tx).await?;
    let b = sqlx::query_as(
        "SELECT
            (SELECT count(*) FROM events WHERE delivery_status = 'pending') AS events_pending,
            (SELECT count(*) FROM events WHERE delivery_status = 'pending' AND next_attempt_at <= $1) AS events_due,
            coalesce(extract(epoch FROM $1 - (SELECT min(next_attempt_at) FROM events
                                               WHERE delivery_status = 'pending' AND next_attempt_at <= $1)), 0)::float8
                AS oldest_event_due_seconds,
            (SELECT count(*) FROM operations WHERE status = 'processing') AS processing,
            (SELECT count(*) FROM operations WHERE status = 'processing' AND next_settle_at <= $1) AS settle_due,
            coalesce(extract(epoch FROM $1 - (SELECT min(next_settle_at) FROM operations
                                               WHERE status = 'processing' AND next_settle_at <= $1)), 0)::float8
                AS oldest_settle_due_seconds",
    )
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(b)
}

/// Headers by which a proxy says whom it relays.
const FORWARDING: [&str; 3] = ["x-forwarded-for", "forwarded", "x-real-ip"];

/// A loopback client, as the trusted-proxy rule resolves it, or the configured bearer token.
/// Fails closed: a request that carries forwarding headers counts as local only when it comes
/// from a trusted proxy and every `X-Forwarded-For` line is readable (so a proxy on this host
/// that is not listed in `server.trusted_proxies`, or a line the resolver would drop, never
/// makes an outside client look like loopback).
fn may_read(req: &HttpRequest, state: &AppState) -> bool {
    let forwarded = FORWARDING.iter().any(|h| req.headers().contains_key(*h));
    let peer_trusted = req
        .peer_addr()
        .is_some_and(|p| state.settings.server.trusted_proxy_networks().iter().any(|n| n.contains(p.ip())));
    let readable = req.headers().get_all("x-forwarded-for").all(|v| v.to_str().is_ok());
    let local = crate::auth::extract::client_ip(req).is_some_and(|ip| ip.is_loopback())
        && (!forwarded || (peer_trusted && readable));
    if local {
        return true;
    }
    let Some(token) = &state.settings.metrics.token else { return false };
    let sent = crate::auth::extract::bearer(req).unwrap_or_default();
    // Compared as digests: in constant time, and without telling the token's length.
    let digest = |s: &str| -> [u8; 32] { Sha256::digest(s.as_bytes()).into() };
    !sent.is_empty() && bool::from(digest(sent).ct_eq(&digest(token.expose_secret())))
}

pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !may_read(&req, &state) {
        // As if there were nothing here: no hint to a scanner.
        return actix_web::ResponseError::error_response(&crate::error::ApiError::not_found());
    }
    state.metrics.sample(&state).await;
    match state.metrics.render() {
        Ok(body) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .content_type(prometheus::TEXT_FORMAT)
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "metrics: encoding failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(metrics));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_bounded_labels() {
        assert_eq!(status_label(201), "201");
        assert_eq!(status_label(418), "4xx");
        assert_eq!(status_label(599), "5xx");
        assert_eq!(status_label(999), "5xx");
    }

    #[test]
    fn renders_histograms_and_counters() {
        let m = Metrics::new().expect("metrics");
        m.observe_request(&actix_web::http::Method::POST, "/api/v1/payments", 201, Duration::from_millis(7));
        let odd = actix_web::http::Method::from_bytes(b"FOO123").expect("a token");
        m.observe_request(&odd, "(unmatched)", 404, Duration::from_millis(1));
        m.observe_bank_call("authorize", "approved", Duration::from_millis(3));
        m.count_webhook("delivered");
        {
            let _guard = m.request_started();
        }
        let text = String::from_utf8(m.render().expect("render")).expect("utf-8");
        assert!(text.contains(
            r#"clickpay_http_request_duration_seconds_bucket{method="POST",route="/api/v1/payments",status="201",le="0.01"} 1"#
        ));
        assert!(
            text.contains(r#"clickpay_bank_call_duration_seconds_count{operation="authorize",outcome="approved"} 1"#)
        );
        assert!(text.contains(r#"clickpay_webhook_attempts_total{result="delivered"} 1"#));
        assert!(text.contains("clickpay_http_requests_in_flight 0"));
        assert!(text.contains(r#"method="OTHER""#) && !text.contains("FOO123"), "a method is never a label of its own");
    }
}
