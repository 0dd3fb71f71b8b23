//! Delivering the outbox. Due events are claimed with `FOR UPDATE SKIP LOCKED` and a lease, so
//! several server processes share one database without sending an event twice at once. Each
//! attempt is signed afresh with its own timestamp, stored with its outcome, and retried with
//! exponential back-off and jitter for more than a day.

use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use shared::ids::OrganizationId;
use time::{Duration, OffsetDateTime};

use super::signature;
use super::ssrf::{self, GuardedResolver, HostResolver};
use crate::configuration::WebhookSettings;
use crate::state::AppState;

/// Bytes of a receiver's answer kept with the attempt.
const SNIPPET_BYTES: usize = 1024;

/// The HTTP client of notifications: no redirects, a hard timeout, the SSRF guard.
pub struct Notifier {
    client: reqwest::Client,
    allow_private: bool,
    pub settings: WebhookSettings,
}

impl Notifier {
    pub fn new(
        settings: &WebhookSettings,
        allow_private: bool,
        resolver: Arc<dyn HostResolver>,
    ) -> anyhow::Result<Notifier> {
        let client = reqwest::Client::builder()
            // A proxy from the environment would connect to hosts the SSRF resolver never saw.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(settings.timeout_seconds))
            .connect_timeout(std::time::Duration::from_secs(settings.timeout_seconds.min(5)))
            .dns_resolver(Arc::new(GuardedResolver { inner: resolver, allow_private }))
            .user_agent("ClickPay-Webhooks/1.0")
            .build()?;
        Ok(Notifier { client, allow_private, settings: settings.clone() })
    }
}

/// An event being delivered, with where and how to sign it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub event_id: String,
    pub organization_id: OrganizationId,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub url: Option<String>,
    pub secrets: Vec<String>,
}

/// The outcome of one POST.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub url: String,
    pub at: OffsetDateTime,
    pub timestamp: i64,
    pub delivered: bool,
    pub http_status: Option<u16>,
    pub error: Option<String>,
    pub latency_ms: i32,
    pub snippet: Option<String>,
}

/// The whole error chain, which is where reqwest keeps the reason.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "timeout: no answer in time".to_owned();
    }
    let mut root = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        root = s.to_string();
        if root.contains(&ssrf::Blocked::Private.to_string()) {
            return format!("blocked: {}", ssrf::Blocked::Private);
        }
        source = s.source();
    }
    // The innermost cause says what happened; the outer layers only repeat the URL.
    if e.is_connect() { format!("connection failed: {root}") } else { format!("request failed: {root}") }
}

async fn snippet(mut res: reqwest::Response) -> Option<String> {
    let mut buf = Vec::new();
    while buf.len() < SNIPPET_BYTES {
        match res.chunk().await {
            Ok(Some(chunk)) => buf.extend_from_slice(&chunk),
            _ => break,
        }
    }
    buf.truncate(SNIPPET_BYTES);
    let text = String::from_utf8_lossy(&buf).chars().take(SNIPPET_BYTES / 4).collect::<String>();
    (!text.is_empty()).then_some(text)
}

/// One signed POST of the event to its organization's URL.
pub async fn attempt(state: &AppState, d: &Delivery) -> Attempt {
    let notifier = &state.notifier;
    let at = state.clock.now();
    let timestamp = at.unix_timestamp();
    let url_text = d.url.clone().unwrap_or_default();
    let fail = |error: String| Attempt {
        url: url_text.clone(),
        at,
        timestamp,
        delivered: false,
        http_status: None,
        error: Some(error),
        latency_ms: 0,
        snippet: None,
    };
    let url = match url::Url::parse(&url_text) {
        Ok(u) => u,
        Err(_) => return fail("no valid notification URL".to_owned()),
    };
    if let Err(blocked) = ssrf::check_url(&url, notifier.allow_private) {
        return fail(format!("blocked: {blocked}"));
    }
    let body = match serde_json::to_vec(&d.payload) {
        Ok(b) => b,
        Err(e) => return fail(format!("payload: {e}")),
    };
    let secrets: Vec<&str> = d.secrets.iter().map(String::as_str).collect();
    let signature = match signature::header(&secrets, &d.event_id, timestamp, &body) {
        Ok(s) => s,
        Err(e) => return fail(format!("signing: {e}")),
    };
    let started = Instant::now();
    let sent = notifier
        .client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    let latency_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    match sent {
        Ok(res) => {
            let status = res.status();
            Attempt {
                url: url_text.clone(),
                at,
                timestamp,
                delivered: status.is_success(),
                http_status: Some(status.as_u16()),
                error: (!status.is_success()).then(|| format!("HTTP {}", status.as_u16())),
                latency_ms,
                snippet: snippet(res).await,
            }
        }
        Err(e) => Attempt { latency_ms, ..fail(describe(&e)) },
    }
}

/// When to try again after the `attempts`-th failure, or `None` when the schedule is spent.
pub fn next_attempt(
    settings: &WebhookSettings,
    attempts: i32,
    now: OffsetDateTime,
    jitter: f64,
) -> Option<OffsetDateTime> {
    let base = *settings.retry_schedule_seconds.get(usize::try_from(attempts).ok()?.checked_sub(1)?)?;
    let factor = 1.0 + settings.jitter_percent as f64 / 100.0 * jitter.clamp(-1.0, 1.0);
    Some(now + Duration::milliseconds((base as f64 * 1000.0 * factor) as i64))
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: String,
    organization_id: OrganizationId,
    payload: serde_json::Value,
    attempts: i32,
    notification_url: Option<String>,
    webhook_secret: String,
    previous_webhook_secret: Option<String>,
}

fn delivery(r: DueRow) -> Delivery {
    let mut secrets = vec![r.webhook_secret];
    secrets.extend(r.previous_webhook_secret);
    Delivery {
        event_id: r.id,
        organization_id: r.organization_id,
        payload: r.payload,
        attempts: r.attempts,
        url: r.notification_url,
        secrets,
    }
}

const DELIVERY_SELECT: &str =
    "SELECT e.id, e.organization_id, e.payload, e.attempts, o.notification_url, o.webhook_secret,
        CASE WHEN o.previous_secret_expires_at > $1 THEN o.previous_webhook_secret END AS previous_webhook_secret
   FROM events e JOIN organizations o ON o.id = e.organization_id";

/// An event of this organization with what its delivery needs (manual resends).
pub async fn load(state: &AppState, event_id: &str) -> anyhow::Result<Option<Delivery>> {
    let row: Option<DueRow> = sqlx::query_as(&format!("{DELIVERY_SELECT} WHERE e.id = $2"))
        .bind(state.clock.now())
        .bind(event_id)
        .fetch_optional(&state.db)
        .await?;
    Ok(row.map(delivery))
}

/// How long a batch holds its events: long enough for every attempt of the batch to end,
/// `concurrency` at a time within the timeout, so no other node sends them meanwhile.
pub fn lease_for(s: &WebhookSettings) -> Duration {
    let rounds = (s.batch.max(1) as u64).div_ceil(s.concurrency.max(1) as u64);
    Duration::seconds((rounds * s.timeout_seconds + 5).max(s.lease_seconds.max(0) as u64) as i64)
}

/// Claims a batch of due events, fairly: at most a share of the batch from each organization
/// with events due, oldest first within it, so one merchant's backlog delays another's events by
/// one batch at most. Events of organizations without a URL wait (they go out once one is set).
/// Returns how many were claimed; the caller runs another pass at once when the batch was full.
pub async fn deliver_due(state: &AppState) -> anyhow::Result<usize> {
    let s = &state.notifier.settings;
    let now = state.clock.now();
    let lease = uuid::Uuid::new_v4();
    let ids: Vec<String> = sqlx::query_scalar(
        "UPDATE events SET next_attempt_at = $2, leased_by = $4
          WHERE id IN (
            SELECT d.id FROM (
                SELECT o.id AS organization_id FROM organizations o
                 WHERE o.notification_url IS NOT NULL
                   AND EXISTS (SELECT 1 FROM events e WHERE e.organization_id = o.id
                                 AND e.delivery_status = 'pending' AND e.next_attempt_at <= $1)) orgs
            CROSS JOIN LATERAL (
                SELECT x.id, x.next_attempt_at, row_number() OVER (ORDER BY x.next_attempt_at) AS turn
                  FROM (SELECT e.id, e.next_attempt_at FROM events e
                         WHERE e.organization_id = orgs.organization_id AND e.delivery_status = 'pending'
                           AND e.next_attempt_at <= $1
                         ORDER BY e.next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) x) d
             ORDER BY d.turn, d.next_attempt_at LIMIT $3)
          RETURNING id",
    )
    .bind(now)
    .bind(now + lease_for(s))
    .bind(s.batch)
    .bind(lease)
    .fetch_all(&state.db)
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let rows: Vec<DueRow> = sqlx::query_as(&format!("{DELIVERY_SELECT} WHERE e.id = ANY($2)"))
        .bind(now)
        .bind(&ids)
        .fetch_all(&state.db)
        .await?;
    let count = rows.len();
    let done: Vec<(Delivery, Attempt)> = futures_util::stream::iter(rows.into_iter().map(delivery))
        .map(|d| async move {
            let a = attempt(state, &d).await;
            (d, a)
        })
        .buffer_unordered(s.concurrency.max(1))
        .collect()
        .await;
    for (_, a) in &done {
        state.metrics.count_webhook(match (a.delivered, a.http_status) {
            (true, _) => "delivered",
            (false, Some(_)) => "rejected",
            (false, None) => "error",
        });
    }
    super::record::batch(state, lease, &done).await?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> WebhookSettings {
        WebhookSettings {
            timeout_seconds: 10,
            retry_schedule_seconds: vec![5, 60, 300, 1800, 7200, 18000, 36000, 36000],
            jitter_percent: 20,
            lease_seconds: 60,
            batch: 20,
            concurrency: 8,
        }
    }

    #[test]
    fn the_default_schedule_spans_more_than_a_day_then_stops() {
        let s = settings();
        let total: u64 = s.retry_schedule_seconds.iter().sum();
        assert!(total > 24 * 3600, "{total} s");
        let now = time::macros::datetime!(2026-01-01 0:00 UTC);
        assert_eq!(next_attempt(&s, 1, now, 0.0), Some(now + Duration::seconds(5)));
        assert_eq!(next_attempt(&s, 2, now, 0.0), Some(now + Duration::seconds(60)));
        assert_eq!(next_attempt(&s, 2, now, 1.0), Some(now + Duration::seconds(72)), "jitter stays within 20 %");
        assert_eq!(next_attempt(&s, 2, now, -1.0), Some(now + Duration::seconds(48)));
        assert_eq!(next_attempt(&s, 8, now, 0.0), Some(now + Duration::seconds(36000)));
        assert_eq!(next_attempt(&s, 9, now, 0.0), None, "after the ninth attempt the event has failed");
    }
}
