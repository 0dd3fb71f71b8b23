//! The connector to a bank over HTTP: the sandbox bank's API, built as a real acquirer's
//! connector would be. One timeout per call (shorter than the idempotency lock), no retries:
//! whatever goes wrong on the wire is reported as an error, which the flows treat as "no answer
//! yet" and settle later by a status query with the same reference.

use std::time::Duration;

use anyhow::{Context, bail};
use async_trait::async_trait;
use reqwest::StatusCode;
use serde::Serialize;
use shared::Amount;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Acquirer, AuthorizeRequest, BookingKind, Outcome, RefundRequest, RegisterEntry};
use crate::sandbox_bank::wire::{
    Answer, AnswerStatus, AuthorizeIn, CaptureIn, CardIn, ChallengeIn, EntryType, LABEL_HEADER, LedgerEntry,
    LedgerPage, RefundIn, ReleaseIn, VoidIn,
};

/// Register lines asked for per page (the bank's most).
const REGISTER_PAGE: &str = "1000";
/// A register longer than this is refused rather than held in memory: a day of that many lines
/// needs a streaming reconciliation.
const REGISTER_MAX_LINES: usize = 5_000_000;

/// How the gateway reaches its bank.
#[derive(Debug, Clone)]
pub struct HttpAcquirerConfig {
    /// The bank's base URL, e.g. `http://127.0.0.1:8081`.
    pub url: String,
    pub bank_name: String,
    /// The whole call, connection included.
    pub timeout: Duration,
    /// Sent as `X-Sandbox-Label`, so the bank's fault rules can select this gateway's requests.
    pub label: Option<String>,
}

pub struct HttpAcquirer {
    config: HttpAcquirerConfig,
    client: reqwest::Client,
}

impl HttpAcquirer {
    pub fn new(config: HttpAcquirerConfig) -> anyhow::Result<HttpAcquirer> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(3)))
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .build()?;
        Ok(HttpAcquirer {
            config: HttpAcquirerConfig { url: config.url.trim_end_matches('/').to_owned(), ..config },
            client,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.url)
    }

    fn labelled(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.config.label {
            Some(label) => req.header(LABEL_HEADER, label),
            None => req,
        }
    }

    async fn post(
        &self,
        path: &str,
        body: &impl Serialize,
        reference: &str,
        kind: EntryType,
    ) -> anyhow::Result<Outcome> {
        let res = self.labelled(self.client.post(self.url(path)).json(body)).send().await;
        read(res, reference, kind).await
    }
}

fn entry(kind: BookingKind) -> EntryType {
    match kind {
        BookingKind::Debit => EntryType::Debit,
        BookingKind::Credit => EntryType::Credit,
        BookingKind::Hold => EntryType::Hold,
        BookingKind::Capture => EntryType::Capture,
        BookingKind::Release => EntryType::Release,
        BookingKind::Refund => EntryType::Refund,
    }
}

fn booking(kind: EntryType) -> BookingKind {
    match kind {
        EntryType::Debit => BookingKind::Debit,
        EntryType::Credit => BookingKind::Credit,
        EntryType::Hold => BookingKind::Hold,
        EntryType::Capture => BookingKind::Capture,
        EntryType::Release => BookingKind::Release,
        EntryType::Refund => BookingKind::Refund,
    }
}

fn register_entry(line: LedgerEntry) -> anyhow::Result<RegisterEntry> {
    let approved = match line.status.as_str() {
        "approved" => true,
        "declined" => false,
        other => bail!("a register line of {}/{} has the status {other:?}", line.reference, line.kind),
    };
    Ok(RegisterEntry {
        reference: line.reference,
        kind: booking(line.kind),
        amount: line.amount,
        currency: line.currency,
        approved,
        bank_transaction_id: line.bank_transaction_id,
        booked_at: line.created_at,
    })
}

/// Maps the bank's answer. Anything but a well-formed answer about this very (reference, kind)
/// is an error: the caller does not know what the bank did.
async fn read(res: reqwest::Result<reqwest::Response>, reference: &str, kind: EntryType) -> anyhow::Result<Outcome> {
    let res = res.with_context(|| format!("the bank did not answer the {kind} request"))?;
    let status = res.status();
    if status != StatusCode::OK {
        bail!("the bank answered HTTP {status} to the {kind} request");
    }
    let answer: Answer = res.json().await.context("the bank's answer is not readable")?;
    if answer.reference != reference || answer.kind != kind {
        bail!("the bank answered about {}/{} instead of {reference}/{kind}", answer.reference, answer.kind);
    }
    Ok(match answer.status {
        AnswerStatus::Approved => Outcome::Approved {
            bank_transaction_id: answer.bank_transaction_id.context("an approval without a transaction id")?,
        },
        AnswerStatus::Declined => Outcome::Declined {
            code: answer.decline_code.unwrap_or_else(|| "card_declined".into()),
            message: answer.decline_message.unwrap_or_else(|| "The bank declined the operation.".into()),
        },
        AnswerStatus::ChallengeRequired => Outcome::ChallengeRequired,
        AnswerStatus::Pending => Outcome::Pending,
        AnswerStatus::Unknown => Outcome::Unknown,
    })
}

#[async_trait]
impl Acquirer for HttpAcquirer {
    fn bank_name(&self) -> &str {
        &self.config.bank_name
    }

    async fn authorize(&self, req: AuthorizeRequest<'_>) -> anyhow::Result<Outcome> {
        let kind = entry(req.kind);
        let body = AuthorizeIn {
            reference: req.reference.to_owned(),
            kind,
            amount: req.amount,
            currency: req.currency.to_owned(),
            card: CardIn { number: req.card.expose().to_owned(), exp_month: None, exp_year: None },
            recurring: req.recurring,
        };
        self.post("/v1/authorize", &body, req.reference, kind).await
    }

    async fn complete_challenge(&self, reference: &str, kind: BookingKind, passed: bool) -> anyhow::Result<Outcome> {
        let kind = entry(kind);
        let body = ChallengeIn { reference: reference.to_owned(), kind, passed };
        self.post("/v1/challenge", &body, reference, kind).await
    }

    async fn status(&self, reference: &str, kind: BookingKind) -> anyhow::Result<Outcome> {
        let kind = entry(kind);
        let mut url = reqwest::Url::parse(&self.config.url).context("the bank's URL")?;
        url.path_segments_mut()
            .map_err(|()| anyhow::anyhow!("the bank's URL cannot take a path"))?
            .pop_if_empty()
            .extend(["v1", "status", reference, kind.as_str()]);
        read(self.labelled(self.client.get(url)).send().await, reference, kind).await
    }

    async fn void(&self, reference: &str, kind: BookingKind) -> anyhow::Result<Outcome> {
        let kind = entry(kind);
        self.post("/v1/void", &VoidIn { reference: reference.to_owned(), kind }, reference, kind).await
    }

    async fn refund(&self, req: RefundRequest<'_>) -> anyhow::Result<Outcome> {
        let body = RefundIn {
            reference: req.reference.to_owned(),
            original_reference: req.payment_reference.to_owned(),
            amount: req.amount,
            currency: req.currency.to_owned(),
        };
        self.post("/v1/refund", &body, req.reference, EntryType::Refund).await
    }

    async fn capture(&self, reference: &str, amount: Amount) -> anyhow::Result<Outcome> {
        let body = CaptureIn { reference: reference.to_owned(), amount };
        self.post("/v1/capture", &body, reference, EntryType::Capture).await
    }

    async fn release(&self, reference: &str) -> anyhow::Result<Outcome> {
        let body = ReleaseIn { reference: reference.to_owned() };
        self.post("/v1/release", &body, reference, EntryType::Release).await
    }

    async fn register(&self, from: OffsetDateTime, to: OffsetDateTime) -> anyhow::Result<Vec<RegisterEntry>> {
        let (from, to) = (from.format(&Rfc3339)?, to.format(&Rfc3339)?);
        let mut entries = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut url = reqwest::Url::parse(&self.url("/ledger")).context("the bank's URL")?;
            url.query_pairs_mut().append_pair("limit", REGISTER_PAGE).append_pair("from", &from).append_pair("to", &to);
            if let Some(cursor) = &after {
                url.query_pairs_mut().append_pair("after", cursor);
            }
            let res = self
                .labelled(self.client.get(url))
                .send()
                .await
                .context("the bank did not answer the register request")?;
            if res.status() != StatusCode::OK {
                bail!("the bank answered HTTP {} to the register request", res.status());
            }
            let page: LedgerPage = res.json().await.context("the bank's register page is not readable")?;
            for line in page.data {
                entries.push(register_entry(line)?);
            }
            if entries.len() > REGISTER_MAX_LINES {
                bail!("the register holds more than {REGISTER_MAX_LINES} lines");
            }
            match page.next {
                // A cursor that does not move would page forever.
                Some(next) if after.as_deref() == Some(next.as_str()) => {
                    bail!("the bank's register cursor did not move")
                }
                Some(next) => after = Some(next),
                None => return Ok(entries),
            }
        }
    }
}
