//! Bookkeeping of delivery attempts: every attempt is stored with its outcome, and the event
//! moves on (delivered, retried later with back-off and jitter, or failed for good).

use rand::Rng;
use time::OffsetDateTime;

use super::delivery::{Attempt, Delivery, next_attempt};
use crate::state::AppState;

/// Stores one attempt and moves the event on: delivered, retried later, or failed for good.
/// A manual resend does not spend the automatic schedule. (The worker records whole batches,
/// under their lease: see [`deliver_due`].)
pub async fn record(state: &AppState, d: &Delivery, a: &Attempt, manual: bool) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO delivery_attempts (event_id, url, attempted_at, webhook_timestamp, http_status, error, latency_ms, response_snippet, manual)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&d.event_id)
    .bind(&a.url)
    .bind(a.at)
    .bind(a.timestamp)
    .bind(a.http_status.map(|s| s as i16))
    .bind(a.error.as_ref().map(|e| e.chars().take(500).collect::<String>()))
    .bind(a.latency_ms)
    .bind(&a.snippet)
    .bind(manual)
    .execute(&mut *tx)
    .await?;
    if a.delivered {
        sqlx::query(
            "UPDATE events SET delivery_status = 'delivered', delivered_at = coalesce(delivered_at, $2), next_attempt_at = NULL,
                    attempts = attempts + $3 WHERE id = $1",
        )
        .bind(&d.event_id)
        .bind(a.at)
        .bind(i32::from(!manual))
        .execute(&mut *tx)
        .await?;
    } else if !manual {
        let attempts = d.attempts + 1;
        let jitter = rand::thread_rng().gen_range(-1.0..=1.0);
        let next = next_attempt(&state.notifier.settings, attempts, a.at, jitter);
        sqlx::query(
            "UPDATE events SET attempts = $2, next_attempt_at = $3,
                    delivery_status = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END WHERE id = $1",
        )
        .bind(&d.event_id)
        .bind(attempts)
        .bind(next)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Records a batch's attempts in one transaction, for the events this batch still holds.
pub async fn batch(state: &AppState, lease: uuid::Uuid, done: &[(Delivery, Attempt)]) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await?;
    let ids: Vec<&str> = done.iter().map(|(d, _)| d.event_id.as_str()).collect();
    let held: Vec<String> =
        sqlx::query_scalar("SELECT id FROM events WHERE id = ANY($1) AND leased_by = $2 ORDER BY id FOR UPDATE")
            .bind(&ids)
            .bind(lease)
            .fetch_all(&mut *tx)
            .await?;
    if held.len() < done.len() {
        tracing::warn!(lost = done.len() - held.len(), "the delivery lease ran out before the attempts were recorded");
    }
    let held: std::collections::HashSet<String> = held.into_iter().collect();
    let mine: Vec<&(Delivery, Attempt)> = done.iter().filter(|(d, _)| held.contains(&d.event_id)).collect();
    if mine.is_empty() {
        return Ok(());
    }
    let col = |f: &dyn Fn(&(Delivery, Attempt)) -> Option<String>| mine.iter().map(|x| f(x)).collect::<Vec<_>>();
    let event_ids = col(&|(d, _)| Some(d.event_id.clone()));
    let urls = col(&|(_, a)| Some(a.url.clone()));
    let errors = col(&|(_, a)| a.error.as_ref().map(|e| e.chars().take(500).collect()));
    let snippets = col(&|(_, a)| a.snippet.clone());
    let at: Vec<OffsetDateTime> = mine.iter().map(|(_, a)| a.at).collect();
    let stamps: Vec<i64> = mine.iter().map(|(_, a)| a.timestamp).collect();
    let statuses: Vec<Option<i16>> = mine.iter().map(|(_, a)| a.http_status.map(|s| s as i16)).collect();
    let latencies: Vec<i32> = mine.iter().map(|(_, a)| a.latency_ms).collect();
    sqlx::query(
        "INSERT INTO delivery_attempts (event_id, url, attempted_at, webhook_timestamp, http_status, error, latency_ms, response_snippet, manual)
         SELECT e, u, t, s, h, er, l, sn, false
           FROM UNNEST($1::text[], $2::text[], $3::timestamptz[], $4::bigint[], $5::smallint[], $6::text[], $7::int[], $8::text[])
             AS x(e, u, t, s, h, er, l, sn)",
    )
    .bind(&event_ids)
    .bind(&urls)
    .bind(&at)
    .bind(&stamps)
    .bind(&statuses)
    .bind(&errors)
    .bind(&latencies)
    .bind(&snippets)
    .execute(&mut *tx)
    .await?;
    let mut next: Vec<Option<OffsetDateTime>> = Vec::with_capacity(mine.len());
    for (d, a) in &mine {
        next.push(if a.delivered {
            None
        } else {
            let jitter = rand::thread_rng().gen_range(-1.0..=1.0);
            next_attempt(&state.notifier.settings, d.attempts + 1, a.at, jitter)
        });
    }
    let delivered: Vec<bool> = mine.iter().map(|(_, a)| a.delivered).collect();
    sqlx::query(
        "UPDATE events e SET attempts = e.attempts + 1, next_attempt_at = x.next, leased_by = NULL,
                delivery_status = CASE WHEN x.ok THEN 'delivered' WHEN x.next IS NULL THEN 'failed' ELSE 'pending' END,
                delivered_at = CASE WHEN x.ok THEN coalesce(e.delivered_at, x.at) ELSE e.delivered_at END
           FROM UNNEST($1::text[], $2::bool[], $3::timestamptz[], $4::timestamptz[]) AS x(id, ok, next, at)
          WHERE e.id = x.id",
    )
    .bind(&event_ids)
    .bind(&delivered)
    .bind(&next)
    .bind(&at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
