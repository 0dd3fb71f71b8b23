//! Operations (payments, payouts, refunds), their status history and the outbox. Every status
//! change goes through [`transition`], which checks the status machine and writes the history
//! row and any webhook event in the caller's transaction.

use std::collections::BTreeMap;

use shared::ids::{OperationId, OrganizationId, TariffId, TerminalId};
use shared::{Amount, OperationStatus, OperationType};
use sqlx::types::Json;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::fees::Fee;
use crate::domain::status;

/// An operation as stored, with its saved card's token.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperationRow {
    pub id: OperationId,
    pub organization_id: OrganizationId,
    #[sqlx(rename = "type")]
    pub kind: OperationType,
    pub parent_id: Option<OperationId>,
    pub status: OperationStatus,
    pub amount: Amount,
    pub currency: String,
    pub fee: Amount,
    pub refunded_amount: Amount,
    pub order_id: Option<String>,
    pub description: Option<String>,
    pub reason: Option<String>,
    pub card_mask: Option<String>,
    pub card_brand: Option<String>,
    pub card_holder: Option<String>,
    pub card_exp_month: Option<i16>,
    pub card_exp_year: Option<i16>,
    pub card_token_id: Option<Uuid>,
    pub card_token: Option<String>,
    pub recurring: bool,
    pub save_card: bool,
    pub return_url: Option<String>,
    pub acquirer_reference: String,
    pub bank_name: Option<String>,
    pub bank_transaction_id: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub action_expires_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub executed_at: Option<OffsetDateTime>,
    pub metadata: Json<BTreeMap<String, String>>,
    /// `false`: a two-stage payment, held at the bank until it is captured or canceled.
    pub capture: bool,
    /// What was taken from the card (null until then); the fee and the refunds apply to it.
    pub captured_amount: Option<Amount>,
    /// The hold's second step while it is at the bank (`processing`), and a capture's amount.
    pub hold_step: Option<HoldStep>,
    pub hold_step_amount: Option<Amount>,
    /// When an uncaptured hold is released (`authorized` only).
    pub hold_expires_at: Option<OffsetDateTime>,
    pub tariff_id: Option<TariffId>,
}

/// The second step of a two-stage payment's hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum HoldStep {
    /// Take all or part of the hold (`hold_step_amount`); the rest is released with it.
    Capture,
    /// Give the whole hold back (a cancel, or an expired hold).
    Release,
}

impl OperationRow {
    /// What a payment took from the card: null until it is charged. A one-stage payment charged
    /// before captured amounts were stored took its whole amount.
    pub fn captured(&self) -> Option<Amount> {
        let charged = self.kind.is_payment()
            && matches!(
                self.status,
                OperationStatus::Succeeded | OperationStatus::PartiallyRefunded | OperationStatus::Refunded
            );
        self.captured_amount.or((charged && self.capture).then_some(self.amount))
    }

    /// What the remaining refunds may still return: the captured amount less what is refunded
    /// or reserved.
    pub fn refundable(&self) -> Amount {
        self.captured().and_then(|c| c.checked_sub(self.refunded_amount)).unwrap_or(Amount::ZERO)
    }
}

const SELECT: &str = "SELECT o.*, ct.token AS card_token FROM operations o LEFT JOIN card_tokens ct ON ct.id = o.card_token_id AND ct.active";

/// What a new operation is made of.
#[derive(Debug)]
pub struct NewOperation {
    pub id: OperationId,
    pub organization_id: OrganizationId,
    pub kind: OperationType,
    pub parent_id: Option<OperationId>,
    pub terminal_id: Option<TerminalId>,
    pub tariff_id: Option<TariffId>,
    pub status: OperationStatus,
    pub amount: Amount,
    pub currency: String,
    pub fee: Amount,
    pub fee_service: Amount,
    pub fee_bank: Amount,
    pub order_id: Option<String>,
    pub description: Option<String>,
    pub reason: Option<String>,
    pub card_mask: Option<String>,
    pub card_last4: Option<String>,
    pub card_brand: Option<String>,
    pub card_holder: Option<String>,
    pub card_exp_month: Option<i16>,
    pub card_exp_year: Option<i16>,
    pub card_token_id: Option<Uuid>,
    pub recurring: bool,
    pub save_card: bool,
    /// `false` for a two-stage payment.
    pub capture: bool,
    pub return_url: Option<String>,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub action_expires_at: Option<OffsetDateTime>,
    pub next_settle_at: Option<OffsetDateTime>,
    pub metadata: BTreeMap<String, String>,
    pub created_at: OffsetDateTime,
}

/// Our reference at the acquirer: the operation's own id (api-contract.md, "The sandbox bank"),
/// so every retry reuses it and the bank's register matches our operations one to one.
pub fn acquirer_reference(id: OperationId) -> String {
    id.to_string()
}

pub async fn insert(tx: &mut Transaction<'_, Postgres>, op: &NewOperation) -> anyhow::Result<()> {
    status::check(op.kind, None, op.status)?;
    // The operation and the first line of its history, in one round trip.
    sqlx::query(
        "WITH op AS (
           INSERT INTO operations (id, organization_id, type, parent_id, terminal_id, tariff_id, status, amount, currency,
            fee, fee_service, fee_bank, order_id, description, reason, card_mask, card_last4, card_brand, card_holder,
            card_exp_month, card_exp_year, card_token_id, recurring, save_card, return_url, customer_email, customer_phone,
            acquirer_reference, action_expires_at, next_settle_at, metadata, created_at, updated_at, capture)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
            $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $32, $33)
           RETURNING id, status, created_at)
         INSERT INTO operation_status_history (operation_id, from_status, to_status, error_code, created_at)
         SELECT id, NULL, status, NULL, created_at FROM op",
    )
    .bind(op.id)
    .bind(op.organization_id)
    .bind(op.kind)
    .bind(op.parent_id)
    .bind(op.terminal_id)
    .bind(op.tariff_id)
    .bind(op.status)
    .bind(op.amount)
    .bind(&op.currency)
    .bind(op.fee)
    .bind(op.fee_service)
    .bind(op.fee_bank)
    .bind(&op.order_id)
    .bind(&op.description)
    .bind(&op.reason)
    .bind(&op.card_mask)
    .bind(&op.card_last4)
    .bind(&op.card_brand)
    .bind(&op.card_holder)
    .bind(op.card_exp_month)
    .bind(op.card_exp_year)
    .bind(op.card_token_id)
    .bind(op.recurring)
    .bind(op.save_card)
    .bind(&op.return_url)
    .bind(&op.customer_email)
    .bind(&op.customer_phone)
    .bind(acquirer_reference(op.id))
    .bind(op.action_expires_at)
    .bind(op.next_settle_at)
    .bind(Json(&op.metadata))
    .bind(op.created_at)
    .bind(op.capture)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One operation of an organization, of one of `kinds`.
pub async fn get(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    id: OperationId,
    kinds: &[OperationType],
) -> sqlx::Result<Option<OperationRow>> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    sqlx::query_as(&format!("{SELECT} WHERE o.id = $1 AND o.organization_id = $2 AND o.type = ANY($3)"))
        .bind(id)
        .bind(org)
        .bind(&kinds)
        .fetch_optional(db)
        .await
}

/// Reads and locks an operation for a change.
pub async fn lock(tx: &mut Transaction<'_, Postgres>, id: OperationId) -> sqlx::Result<Option<OperationRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE o.id = $1 FOR UPDATE OF o")).bind(id).fetch_optional(&mut **tx).await
}

/// Reads an operation without a scope (workers and the payer's pages).
pub async fn find(db: impl PgExecutor<'_>, id: OperationId) -> sqlx::Result<Option<OperationRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE o.id = $1")).bind(id).fetch_optional(db).await
}

/// What a status change records besides the status.
#[derive(Debug, Default)]
pub struct Change {
    pub bank_name: Option<String>,
    pub bank_transaction_id: Option<String>,
    pub error: Option<(String, String)>,
    pub executed_at: Option<OffsetDateTime>,
    /// When the settlement worker should ask the bank again (`processing` only).
    pub next_settle_at: Option<OffsetDateTime>,
    pub action_expires_at: Option<OffsetDateTime>,
    /// A capture's amount and the fee on it (a one-stage payment's success captures its amount).
    pub captured: Option<(Amount, Fee)>,
    /// The hold's step now at the bank, with a capture's amount (cleared by any other move).
    pub hold_step: Option<(HoldStep, Option<Amount>)>,
    /// When the hold of a payment becoming `authorized` is released unless captured.
    pub hold_expires_at: Option<OffsetDateTime>,
}

/// Moves a locked operation to `to`, checking the status machine, and records the history row.
/// A failed or canceled operation's fee becomes 0.00; a payment that succeeds has captured its
/// amount unless the change says how much. Returns the row as it now stands.
pub async fn transition(
    tx: &mut Transaction<'_, Postgres>,
    row: &OperationRow,
    to: OperationStatus,
    change: Change,
    now: OffsetDateTime,
) -> anyhow::Result<OperationRow> {
    status::check(row.kind, Some(row.status), to)?;
    let (error_code, error_message) = change.error.clone().unzip();
    let (captured, fee) = change.captured.unzip();
    let (step, step_amount) = change.hold_step.unzip();
    // The move, its line of history and the row as it now stands, in one round trip.
    let updated: Option<OperationRow> = sqlx::query_as(
        "WITH o AS (
          UPDATE operations SET status = $3,
                bank_name = coalesce($4, bank_name), bank_transaction_id = coalesce($5, bank_transaction_id),
                error_code = $6, error_message = $7, executed_at = coalesce($8, executed_at),
                next_settle_at = $9, action_expires_at = $10,
                captured_amount = CASE WHEN $3 = 'succeeded' AND type IN ('ecom', 'aft')
                                       THEN coalesce($12, captured_amount, amount) ELSE captured_amount END,
                fee = CASE WHEN $3 IN ('failed', 'canceled') THEN 0 ELSE coalesce($13, fee) END,
                fee_service = CASE WHEN $3 IN ('failed', 'canceled') THEN 0 ELSE coalesce($14, fee_service) END,
                fee_bank = CASE WHEN $3 IN ('failed', 'canceled') THEN 0 ELSE coalesce($15, fee_bank) END,
                hold_step = $16, hold_step_amount = $17, hold_expires_at = $18,
                updated_at = $11
          WHERE id = $1 AND status = $2
          RETURNING *),
         h AS (
          INSERT INTO operation_status_history (operation_id, from_status, to_status, error_code, created_at)
          SELECT id, $2, $3, $6, $11 FROM o)
         SELECT o.*, ct.token AS card_token FROM o LEFT JOIN card_tokens ct ON ct.id = o.card_token_id AND ct.active",
    )
    .bind(row.id)
    .bind(row.status)
    .bind(to)
    .bind(&change.bank_name)
    .bind(&change.bank_transaction_id)
    .bind(&error_code)
    .bind(&error_message)
    .bind(change.executed_at)
    .bind(change.next_settle_at)
    .bind(change.action_expires_at)
    .bind(now)
    .bind(captured)
    .bind(fee.map(|f| f.total))
    .bind(fee.map(|f| f.service))
    .bind(fee.map(|f| f.bank))
    .bind(step)
    .bind(step_amount.flatten())
    .bind(change.hold_expires_at)
    .fetch_optional(&mut **tx)
    .await?;
    updated.ok_or_else(|| anyhow::anyhow!("operation {} changed status concurrently", row.id))
}

/// Filters of a list request.
#[derive(Debug, Default)]
pub struct ListFilter {
    pub created_gte: Option<OffsetDateTime>,
    pub created_lt: Option<OffsetDateTime>,
    pub status: Option<OperationStatus>,
    pub order_id: Option<String>,
    pub parent_id: Option<OperationId>,
    pub customer_email: Option<String>,
}

/// Where a page starts: after an object (the next, older page) or before one (the previous,
/// newer page), as Stripe's `starting_after` and `ending_before`.
#[derive(Debug, Clone, Copy)]
pub enum Cursor {
    After(OffsetDateTime, OperationId),
    Before(OffsetDateTime, OperationId),
}

/// Newest first, `limit` rows from the cursor; `has_more` when another page exists in the
/// direction of travel (older after `After`, newer before `Before`).
pub async fn list(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    kinds: &[OperationType],
    filter: &ListFilter,
    cursor: Option<Cursor>,
    limit: i64,
) -> sqlx::Result<(Vec<OperationRow>, bool)> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let (after, before) = match cursor {
        Some(Cursor::After(t, id)) => (Some((t, id)), None),
        Some(Cursor::Before(t, id)) => (None, Some((t, id))),
        None => (None, None),
    };
    // Paging backwards reads the newer rows oldest first, then turns the page around.
    let order = if before.is_some() { "ASC" } else { "DESC" };
    let rows: Vec<OperationRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE o.organization_id = $1 AND o.type = ANY($2)
            AND ($3::timestamptz IS NULL OR o.created_at >= $3)
            AND ($4::timestamptz IS NULL OR o.created_at < $4)
            AND ($5::text IS NULL OR o.status = $5)
            AND ($6::text IS NULL OR o.order_id = $6)
            AND ($7::uuid IS NULL OR o.parent_id = $7)
            AND ($8::timestamptz IS NULL OR (o.created_at, o.id) < ($8, $9))
            AND ($10::timestamptz IS NULL OR (o.created_at, o.id) > ($10, $11))
            AND ($12::text IS NULL OR lower(o.customer_email) = lower($12))
          ORDER BY o.created_at {order}, o.id {order}
          LIMIT $13"
    ))
    .bind(org)
    .bind(&kinds)
    .bind(filter.created_gte)
    .bind(filter.created_lt)
    .bind(filter.status)
    .bind(&filter.order_id)
    .bind(filter.parent_id)
    .bind(after.map(|a| a.0))
    .bind(after.map(|a| a.1))
    .bind(before.map(|a| a.0))
    .bind(before.map(|a| a.1))
    .bind(&filter.customer_email)
    .bind(limit + 1)
    .fetch_all(db)
    .await?;
    Ok(super::keyset_page(rows, limit, before.is_some()))
}

/// Records a webhook event in the outbox, in the transaction of the change it describes (no
/// operation: a `test.webhook`).
pub async fn insert_event(
    tx: &mut Transaction<'_, Postgres>,
    org: OrganizationId,
    operation: Option<OperationId>,
    event_type: &str,
    data: serde_json::Value,
    now: OffsetDateTime,
) -> sqlx::Result<String> {
    let id = format!("evt_{}", Uuid::now_v7().simple());
    let payload = serde_json::json!({
        "id": id, "type": event_type, "created_at": shared::timefmt::format(now), "data": data,
    });
    sqlx::query(
        "INSERT INTO events (id, organization_id, operation_id, type, payload, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(org)
    .bind(operation)
    .bind(event_type)
    .bind(payload)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}
