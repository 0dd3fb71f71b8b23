//! The cabinet's transaction queries: scoped, filtered, numbered pages. Times are rendered by
//! PostgreSQL in the user's time zone (set for the transaction), so every zone works.

use shared::dto::transactions::{LocalTime, RelatedOperation, TimelineEntry, TransactionRow};
use shared::ids::{OperationId, OrganizationId};
use shared::{Amount, OperationStatus, OperationType};
use sqlx::{PgPool, Postgres, QueryBuilder, Transaction};
use time::{Date, OffsetDateTime};

use super::organizations::Scope;
use crate::domain::validation;

/// Counting stops here; beyond it the page shows «10 000+».
pub const COUNT_CAP: i64 = 10_000;

#[derive(Debug, Clone)]
pub struct Filter {
    pub scope: Scope,
    /// The scope's organizations as read on the primary (`organizations::visible_ids`): set
    /// for a query on the replica, it stands in for the memberships of `scope`.
    pub members: Option<Vec<uuid::Uuid>>,
    pub organization: Option<OrganizationId>,
    /// Inclusive days in the user's zone; none: every date (a search the user did not narrow).
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub by_executed: bool,
    pub status: Option<OperationStatus>,
    pub kind: Option<OperationType>,
    /// An order id, or the card's last four digits.
    pub search: Option<String>,
}

/// Limits a query on `operations o` to what `scope` sees: by the list read on the primary when
/// there is one, else by the memberships where the query runs.
pub fn push_scope(qb: &mut QueryBuilder<'_, Postgres>, scope: Scope, members: Option<&[uuid::Uuid]>) {
    match (scope, members) {
        (Scope::All, _) => {}
        (Scope::MemberOf(_), Some(ids)) => {
            qb.push(" AND o.organization_id = ANY(").push_bind(ids.to_vec()).push(")");
        }
        (Scope::MemberOf(user), None) => {
            qb.push(" AND o.organization_id IN (SELECT organization_id FROM memberships WHERE user_id = ")
                .push_bind(user.0)
                .push(")");
        }
    }
}

/// Opens a read transaction whose session time zone is the user's.
pub async fn in_zone(pool: &PgPool, tz: &str) -> sqlx::Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('TimeZone', $1, true)").bind(tz).execute(&mut *tx).await?;
    Ok(tx)
}

/// The WHERE clause of a filter (the list, the count and the report share it).
pub fn push_filters(qb: &mut QueryBuilder<'_, Postgres>, f: &Filter) {
    let col = if f.by_executed { "o.executed_at" } else { "o.created_at" };
    // Day bounds in the session's (the user's) zone.
    qb.push(" WHERE true");
    if let Some(from) = f.from {
        qb.push(" AND ").push(col).push(" >= ").push_bind(from).push("::date::timestamptz");
    }
    if let Some(to) = f.to {
        qb.push(" AND ").push(col).push(" < (").push_bind(to).push("::date + 1)::timestamptz");
    }
    push_scope(qb, f.scope, f.members.as_deref());
    if let Some(org) = f.organization {
        qb.push(" AND o.organization_id = ").push_bind(org);
    }
    if let Some(s) = f.status {
        qb.push(" AND o.status = ").push_bind(s);
    }
    if let Some(k) = f.kind {
        qb.push(" AND o.type = ").push_bind(k);
    }
    if let Some(q) = &f.search {
        // One index look-up per thing the text may be, joined by id: an OR here would scan the
        // organization's every row. The order id and the bank's transaction id are any text.
        qb.push(" AND o.id IN (SELECT id FROM operations WHERE order_id = ").push_bind(q.clone());
        qb.push(" UNION ALL SELECT id FROM operations WHERE bank_transaction_id = ").push_bind(q.clone());
        if let Ok(id) = q.parse::<uuid::Uuid>() {
            qb.push(" UNION ALL SELECT ").push_bind(id).push("::uuid");
        }
        if q.len() == 4 && q.bytes().all(|b| b.is_ascii_digit()) {
            // card_last4 is char(4): compare as char(4), or the index cannot be used.
            qb.push(" UNION ALL SELECT id FROM operations WHERE card_last4 = ").push_bind(q.clone()).push("::char(4)");
        }
        // E-mails and phones are stored normalized; the search normalizes the same way.
        if let Some(email) = q.contains('@').then(|| validation::email(q).ok()).flatten() {
            qb.push(" UNION ALL SELECT id FROM operations WHERE customer_email = ").push_bind(email);
        }
        if let Ok(phone) = validation::phone(q) {
            qb.push(" UNION ALL SELECT id FROM operations WHERE customer_phone = ").push_bind(phone);
        }
        qb.push(")");
    }
}

/// How many rows match, up to the cap (and whether it was reached).
pub async fn count(tx: &mut Transaction<'_, Postgres>, f: &Filter) -> sqlx::Result<(i64, bool)> {
    count_up_to(tx, f, COUNT_CAP).await
}

/// How many rows match, counting no further than `cap` (and whether there are more).
pub async fn count_up_to(tx: &mut Transaction<'_, Postgres>, f: &Filter, cap: i64) -> sqlx::Result<(i64, bool)> {
    let mut qb = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM operations o");
    push_filters(&mut qb, f);
    qb.push(" LIMIT ").push_bind(cap.saturating_add(1)).push(") capped");
    let n: i64 = qb.build_query_scalar().fetch_one(&mut **tx).await?;
    Ok((n.min(cap), n > cap))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: OperationId,
    #[sqlx(rename = "type")]
    kind: OperationType,
    status: OperationStatus,
    amount: Amount,
    fee: Amount,
    currency: String,
    organization_id: OrganizationId,
    organization_name: String,
    order_id: Option<String>,
    card_mask: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
    created_at: OffsetDateTime,
    created_local: String,
    created_offset: String,
    executed_at: Option<OffsetDateTime>,
    executed_local: Option<String>,
    executed_offset: Option<String>,
}

const COLUMNS: &str = "o.id, o.type, o.status, o.amount, o.fee, o.currency, o.organization_id, org.name AS organization_name,
    o.order_id, o.card_mask, o.error_code, o.error_message,
    o.created_at, to_char(o.created_at, 'DD.MM.YYYY HH24:MI') AS created_local, to_char(o.created_at, 'TZH:TZM') AS created_offset,
    o.executed_at, to_char(o.executed_at, 'DD.MM.YYYY HH24:MI') AS executed_local, to_char(o.executed_at, 'TZH:TZM') AS executed_offset";

fn local(utc: OffsetDateTime, local: String, offset: String) -> LocalTime {
    LocalTime { utc: shared::timefmt::format(utc), local, offset }
}

impl From<Row> for TransactionRow {
    fn from(r: Row) -> Self {
        TransactionRow {
            id: r.id,
            kind: r.kind,
            status: r.status,
            amount: r.amount,
            fee: r.fee,
            currency: r.currency,
            organization_id: r.organization_id,
            organization_name: r.organization_name,
            order_id: r.order_id,
            card_mask: r.card_mask,
            error_code: r.error_code,
            error_message: r.error_message,
            created: local(r.created_at, r.created_local, r.created_offset),
            executed: match (r.executed_at, r.executed_local, r.executed_offset) {
                (Some(t), Some(l), Some(o)) => Some(local(t, l, o)),
                _ => None,
            },
        }
    }
}

/// One page, newest first by the chosen date.
pub async fn page(
    tx: &mut Transaction<'_, Postgres>,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<TransactionRow>> {
    let mut qb = QueryBuilder::new(format!(
        "SELECT {COLUMNS} FROM operations o JOIN organizations org ON org.id = o.organization_id"
    ));
    push_filters(&mut qb, f);
    let col = if f.by_executed { "o.executed_at" } else { "o.created_at" };
    qb.push(" ORDER BY ").push(col).push(" DESC, o.id DESC LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
    let rows: Vec<Row> = qb.build_query_as().fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// One transaction in scope, with what the detail page adds.
pub struct DetailRow {
    pub row: TransactionRow,
    pub refunded_amount: Amount,
    pub description: Option<String>,
    pub reason: Option<String>,
    pub card_holder: Option<String>,
    pub card_brand: Option<String>,
    pub bank_name: Option<String>,
    pub bank_transaction_id: Option<String>,
    pub recurring: bool,
    pub parent_id: Option<OperationId>,
    pub captured_amount: Option<Amount>,
    pub hold_expires: Option<LocalTime>,
}

#[derive(sqlx::FromRow)]
struct Extra {
    refunded_amount: Amount,
    description: Option<String>,
    reason: Option<String>,
    card_holder: Option<String>,
    card_brand: Option<String>,
    bank_name: Option<String>,
    bank_transaction_id: Option<String>,
    recurring: bool,
    parent_id: Option<OperationId>,
    captured_amount: Option<Amount>,
    hold_expires_at: Option<OffsetDateTime>,
    hold_expires_local: Option<String>,
    hold_expires_offset: Option<String>,
}

pub async fn detail(
    tx: &mut Transaction<'_, Postgres>,
    scope: Scope,
    id: OperationId,
) -> sqlx::Result<Option<DetailRow>> {
    let user = match scope {
        Scope::All => None,
        Scope::MemberOf(u) => Some(u.0),
    };
    let scoped = "o.id = $1 AND ($2::uuid IS NULL OR o.organization_id IN (SELECT organization_id FROM memberships WHERE user_id = $2))";
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM operations o JOIN organizations org ON org.id = o.organization_id WHERE {scoped}"
    ))
    .bind(id)
    .bind(user)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let extra: Extra = sqlx::query_as(
        "SELECT refunded_amount, description, reason, card_holder, card_brand, bank_name, bank_transaction_id, recurring, parent_id,
                captured_amount, h.at AS hold_expires_at, to_char(h.at, 'DD.MM.YYYY HH24:MI') AS hold_expires_local,
                to_char(h.at, 'TZH:TZM') AS hold_expires_offset
           FROM operations, LATERAL (SELECT CASE WHEN status = 'authorized' THEN hold_expires_at END AS at) h
          WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some(DetailRow {
        row: row.into(),
        refunded_amount: extra.refunded_amount,
        description: extra.description,
        reason: extra.reason,
        card_holder: extra.card_holder,
        card_brand: extra.card_brand,
        bank_name: extra.bank_name,
        bank_transaction_id: extra.bank_transaction_id,
        recurring: extra.recurring,
        parent_id: extra.parent_id,
        captured_amount: extra.captured_amount,
        hold_expires: match (extra.hold_expires_at, extra.hold_expires_local, extra.hold_expires_offset) {
            (Some(at), Some(l), Some(o)) => Some(local(at, l, o)),
            _ => None,
        },
    }))
}

#[derive(sqlx::FromRow)]
struct RelatedRow {
    id: OperationId,
    #[sqlx(rename = "type")]
    kind: OperationType,
    status: OperationStatus,
    amount: Amount,
    created_at: OffsetDateTime,
    created_local: String,
    created_offset: String,
}

/// Operations linked to this one: its refunds, or (`parent`) its payment.
pub async fn related(
    tx: &mut Transaction<'_, Postgres>,
    id: OperationId,
    parent: bool,
) -> sqlx::Result<Vec<RelatedOperation>> {
    let condition = if parent { "o.id = $1" } else { "o.parent_id = $1" };
    let rows: Vec<RelatedRow> = sqlx::query_as(&format!(
        "SELECT o.id, o.type, o.status, o.amount, o.created_at, to_char(o.created_at, 'DD.MM.YYYY HH24:MI') AS created_local,
                to_char(o.created_at, 'TZH:TZM') AS created_offset
           FROM operations o WHERE {condition} ORDER BY o.created_at, o.id"
    ))
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RelatedOperation {
            id: r.id,
            kind: r.kind,
            status: r.status,
            amount: r.amount,
            created: local(r.created_at, r.created_local, r.created_offset),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    from_status: Option<OperationStatus>,
    to_status: OperationStatus,
    error_code: Option<String>,
    created_at: OffsetDateTime,
    at_local: String,
    at_offset: String,
}

pub async fn timeline(tx: &mut Transaction<'_, Postgres>, id: OperationId) -> sqlx::Result<Vec<TimelineEntry>> {
    let rows: Vec<HistoryRow> = sqlx::query_as(
        "SELECT from_status, to_status, error_code, created_at, to_char(created_at, 'DD.MM.YYYY HH24:MI:SS') AS at_local,
                to_char(created_at, 'TZH:TZM') AS at_offset
           FROM operation_status_history WHERE operation_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TimelineEntry {
            from: r.from_status,
            to: r.to_status,
            at: local(r.created_at, r.at_local, r.at_offset),
            error_code: r.error_code,
        })
        .collect())
}
