//! The seam where a bank plugs in. Every call carries our own deterministic reference (the
//! operation's id), so a retried call can never book twice; a timeout is not a failure but
//! `Pending`, settled later by asking for the status of the same (reference, kind). The bank's
//! register (a real acquirer's daily settlement file) comes through the same seam, for
//! reconciliation.

pub mod http;

use async_trait::async_trait;
use shared::Amount;
use time::OffsetDateTime;

use crate::domain::card::CardNumber;

/// What the bank books under a reference. A hold, its capture and its release share the
/// payment's reference and differ by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingKind {
    /// Take money from the card (a one-stage ecom or aft payment).
    Debit,
    /// Send money to the card (oct).
    Credit,
    /// Hold money on the card (a two-stage payment).
    Hold,
    Capture,
    Release,
    Refund,
}

#[derive(Debug)]
pub struct AuthorizeRequest<'a> {
    pub reference: &'a str,
    /// `Debit`, `Credit` or `Hold`.
    pub kind: BookingKind,
    pub card: &'a CardNumber,
    pub amount: Amount,
    pub currency: &'a str,
    /// A merchant-initiated charge on a saved card: no CVC, no 3-D Secure.
    pub recurring: bool,
}

#[derive(Debug)]
pub struct RefundRequest<'a> {
    pub reference: &'a str,
    pub payment_reference: &'a str,
    pub amount: Amount,
    pub currency: &'a str,
}

/// The bank's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Approved {
        bank_transaction_id: String,
    },
    Declined {
        code: String,
        message: String,
    },
    /// The issuer wants the payer to pass a 3-D Secure challenge first.
    ChallengeRequired,
    /// No answer in time: ask again later with the same reference.
    Pending,
    /// The bank has nothing booked under this (reference, kind): the request never reached it.
    Unknown,
}

/// One line of the bank's register: a final outcome it booked for us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    pub reference: String,
    pub kind: BookingKind,
    pub amount: Amount,
    pub currency: String,
    /// Approved; else declined.
    pub approved: bool,
    pub bank_transaction_id: String,
    /// When the bank booked it, by the bank's clock.
    pub booked_at: OffsetDateTime,
}

/// A bank connector.
#[async_trait]
pub trait Acquirer: Send + Sync {
    /// The acquiring bank's name, as the cabinet and the API show it.
    fn bank_name(&self) -> &str;
    async fn authorize(&self, req: AuthorizeRequest<'_>) -> anyhow::Result<Outcome>;
    /// The result of the payer's 3-D Secure challenge for an authorization that asked for one.
    async fn complete_challenge(&self, reference: &str, kind: BookingKind, passed: bool) -> anyhow::Result<Outcome>;
    /// What the bank booked under (reference, kind), or `Unknown`.
    async fn status(&self, reference: &str, kind: BookingKind) -> anyhow::Result<Outcome>;
    /// Makes sure a request that never arrived cannot book later: declines (reference, kind)
    /// unless something is booked there, and answers what stands.
    async fn void(&self, reference: &str, kind: BookingKind) -> anyhow::Result<Outcome>;
    async fn refund(&self, req: RefundRequest<'_>) -> anyhow::Result<Outcome>;
    /// Takes `amount` (at most the hold) of the hold under `reference`; the rest is released.
    async fn capture(&self, reference: &str, amount: Amount) -> anyhow::Result<Outcome>;
    /// Releases the whole hold under `reference`.
    async fn release(&self, reference: &str) -> anyhow::Result<Outcome>;
    /// Every line of the bank's register booked in `[from, to)`, oldest first: the file a
    /// real acquirer hands over for a day, fetched whole (each page within the call timeout).
    async fn register(&self, from: OffsetDateTime, to: OffsetDateTime) -> anyhow::Result<Vec<RegisterEntry>>;
}

/// A connector that times every call to the bank and counts its outcomes (`/metrics`).
pub struct Measured {
    pub inner: std::sync::Arc<dyn Acquirer>,
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
}

impl Measured {
    async fn time<T>(
        &self,
        operation: &str,
        call: impl std::future::Future<Output = anyhow::Result<T>>,
        outcome: impl Fn(&T) -> &'static str,
    ) -> anyhow::Result<T> {
        let started = std::time::Instant::now();
        let result = call.await;
        let label = result.as_ref().map_or("error", outcome);
        self.metrics.observe_bank_call(operation, label, started.elapsed());
        result
    }
}

fn outcome_label(o: &Outcome) -> &'static str {
    match o {
        Outcome::Approved { .. } => "approved",
        Outcome::Declined { .. } => "declined",
        Outcome::ChallengeRequired => "challenge_required",
        Outcome::Pending => "pending",
        Outcome::Unknown => "unknown",
    }
}

#[async_trait]
impl Acquirer for Measured {
    fn bank_name(&self) -> &str {
        self.inner.bank_name()
    }
    async fn authorize(&self, req: AuthorizeRequest<'_>) -> anyhow::Result<Outcome> {
        self.time("authorize", self.inner.authorize(req), outcome_label).await
    }
    async fn complete_challenge(&self, reference: &str, kind: BookingKind, passed: bool) -> anyhow::Result<Outcome> {
        self.time("challenge", self.inner.complete_challenge(reference, kind, passed), outcome_label).await
    }
    async fn status(&self, reference: &str, kind: BookingKind) -> anyhow::Result<Outcome> {
        self.time("status", self.inner.status(reference, kind), outcome_label).await
    }
    async fn void(&self, reference: &str, kind: BookingKind) -> anyhow::Result<Outcome> {
        self.time("void", self.inner.void(reference, kind), outcome_label).await
    }
    async fn refund(&self, req: RefundRequest<'_>) -> anyhow::Result<Outcome> {
        self.time("refund", self.inner.refund(req), outcome_label).await
    }
    async fn capture(&self, reference: &str, amount: Amount) -> anyhow::Result<Outcome> {
        self.time("capture", self.inner.capture(reference, amount), outcome_label).await
    }
    async fn release(&self, reference: &str) -> anyhow::Result<Outcome> {
        self.time("release", self.inner.release(reference), outcome_label).await
    }
    async fn register(&self, from: OffsetDateTime, to: OffsetDateTime) -> anyhow::Result<Vec<RegisterEntry>> {
        self.time("register", self.inner.register(from, to), |_| "received").await
    }
}
