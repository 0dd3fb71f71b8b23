//! Organizations, terminals and their versioned tariffs.

use rust_decimal::Decimal;
use shared::dto::organizations::{OrganizationDetail, OrganizationSummary, TerminalView};
use shared::ids::{OrganizationId, TariffId, TerminalId, UserId};
use shared::{Amount, OrganizationStatus, Percent, TerminalType};
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};
use time::{Date, OffsetDateTime};

use crate::domain::fees::Tariff;

/// Which organizations a caller may see.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Staff: every organization.
    All,
    /// A partner: the organizations of their memberships.
    MemberOf(UserId),
}

impl Scope {
    fn user(&self) -> Option<uuid::Uuid> {
        match self {
            Scope::All => None,
            Scope::MemberOf(u) => Some(u.0),
        }
    }
}

pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub inn: &'a str,
    pub bank_name: &'a str,
    pub notification_url: Option<&'a str>,
    pub webhook_secret: &'a str,
    pub registered_on: Option<Date>,
}

pub async fn insert(tx: &mut Transaction<'_, Postgres>, org: &NewOrganization<'_>) -> sqlx::Result<OrganizationId> {
    let id = OrganizationId::new();
    sqlx::query(
        "INSERT INTO organizations (id, name, inn, bank_name, notification_url, webhook_secret, registered_on)
         VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, current_date))",
    )
    .bind(id)
    .bind(org.name)
    .bind(org.inn)
    .bind(org.bank_name)
    .bind(org.notification_url)
    .bind(org.webhook_secret)
    .bind(org.registered_on)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn insert_terminal(
    tx: &mut Transaction<'_, Postgres>,
    organization: OrganizationId,
    terminal_type: TerminalType,
    amount_limit: Amount,
) -> sqlx::Result<TerminalId> {
    let id = TerminalId::new();
    sqlx::query("INSERT INTO terminals (id, organization_id, type, amount_limit) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(organization)
        .bind(terminal_type)
        .bind(amount_limit)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// Adds a tariff version; operations created from `valid_from` on use it.
pub async fn insert_tariff(
    tx: &mut Transaction<'_, Postgres>,
    terminal: TerminalId,
    tariff: &Tariff,
    valid_from: OffsetDateTime,
) -> sqlx::Result<TariffId> {
    let id = TariffId::new();
    sqlx::query(
        "INSERT INTO tariffs (id, terminal_id, service_fee_percent, bank_fee_percent, min_fee, valid_from)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(terminal)
    .bind(tariff.service_fee_percent)
    .bind(tariff.bank_fee_percent)
    .bind(tariff.min_fee)
    .bind(valid_from)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: OrganizationId,
    name: String,
    inn: String,
    status: OrganizationStatus,
    registered_on: Date,
    bank_name: String,
}

impl From<SummaryRow> for OrganizationSummary {
    fn from(r: SummaryRow) -> Self {
        OrganizationSummary {
            id: r.id,
            name: r.name,
            inn: r.inn,
            status: r.status,
            registered_on: r.registered_on,
            bank_name: r.bank_name,
        }
    }
}

/// The organizations in scope, by name.
pub async fn list(
    pool: &PgPool,
    scope: Scope,
    status: Option<OrganizationStatus>,
) -> sqlx::Result<Vec<OrganizationSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT o.id, o.name, o.inn, o.status, o.registered_on, o.bank_name
           FROM organizations o
          WHERE ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = o.id AND m.user_id = $1))
            AND ($2::text IS NULL OR o.status = $2)
          ORDER BY o.name, o.id",
    )
    .bind(scope.user())
    .bind(status)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    id: OrganizationId,
    name: String,
    inn: String,
    status: OrganizationStatus,
    registered_on: Date,
    bank_name: String,
    notification_url: Option<String>,
    webhook_secret: String,
}

#[derive(sqlx::FromRow)]
struct TerminalRow {
    id: TerminalId,
    #[sqlx(rename = "type")]
    terminal_type: TerminalType,
    enabled: bool,
    amount_limit: Amount,
    service_fee_percent: Decimal,
    bank_fee_percent: Decimal,
    min_fee: Amount,
}

/// One organization with its terminals and current tariffs, or `None` when it is out of scope.
pub async fn get(pool: &PgPool, scope: Scope, id: OrganizationId) -> sqlx::Result<Option<OrganizationDetail>> {
    let Some(org): Option<DetailRow> = sqlx::query_as(
        "SELECT o.id, o.name, o.inn, o.status, o.registered_on, o.bank_name, o.notification_url, o.webhook_secret
           FROM organizations o
          WHERE o.id = $2
            AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = o.id AND m.user_id = $1))",
    )
    .bind(scope.user())
    .bind(id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let terminals = terminals(pool, id).await?;
    Ok(Some(OrganizationDetail {
        id: org.id,
        name: org.name,
        inn: org.inn,
        status: org.status,
        registered_on: org.registered_on,
        bank_name: org.bank_name,
        notification_url: org.notification_url,
        webhook_secret: org.webhook_secret,
        terminals,
    }))
}

/// The terminals of an organization with their current tariffs, in the manual's order.
pub async fn terminals(db: impl PgExecutor<'_>, organization: OrganizationId) -> sqlx::Result<Vec<TerminalView>> {
    let rows: Vec<TerminalRow> = sqlx::query_as(
        "SELECT t.id, t.type, t.enabled, t.amount_limit, tf.service_fee_percent, tf.bank_fee_percent, tf.min_fee
           FROM terminals t
           JOIN LATERAL (SELECT * FROM tariffs WHERE terminal_id = t.id AND valid_from <= now()
                          ORDER BY valid_from DESC, created_at DESC LIMIT 1) tf ON true
          WHERE t.organization_id = $1
          ORDER BY array_position(ARRAY['aft', 'oct', 'ecom'], t.type)",
    )
    .bind(organization)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let service = Percent::from_decimal(r.service_fee_percent).map_err(|e| sqlx::Error::Decode(e.into()))?;
            let bank = Percent::from_decimal(r.bank_fee_percent).map_err(|e| sqlx::Error::Decode(e.into()))?;
            Ok(TerminalView {
                id: r.id,
                terminal_type: r.terminal_type,
                enabled: r.enabled,
                amount_limit: r.amount_limit,
                service_fee_percent: service,
                bank_fee_percent: bank,
                total_fee_percent: service + bank,
                min_fee: r.min_fee,
            })
        })
        .collect()
}

/// Whether any organization exists (the demo seed runs on an empty database only).
pub async fn any_exist(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM organizations)").fetch_one(db).await
}

/// Changes the fields given; returns whether the organization exists.
/// What staff change of an organization; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct OrganizationChanges<'a> {
    pub name: Option<&'a str>,
    pub inn: Option<&'a str>,
    pub bank_name: Option<&'a str>,
    pub status: Option<OrganizationStatus>,
    /// `Some(None)` clears the URL.
    pub notification_url: Option<Option<&'a str>>,
}

pub async fn update(db: impl PgExecutor<'_>, id: OrganizationId, c: &OrganizationChanges<'_>) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE organizations SET name = coalesce($2, name), status = coalesce($3, status),
                notification_url = CASE WHEN $4 THEN $5 ELSE notification_url END,
                inn = coalesce($6, inn), bank_name = coalesce($7, bank_name), updated_at = now()
          WHERE id = $1",
    )
    .bind(id)
    .bind(c.name)
    .bind(c.status)
    .bind(c.notification_url.is_some())
    .bind(c.notification_url.flatten())
    .bind(c.inn)
    .bind(c.bank_name)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A terminal with its current tariff, locked for the change that follows.
pub struct TerminalForUpdate {
    pub id: TerminalId,
    pub tariff: Tariff,
}

pub async fn terminal_for_update(
    tx: &mut Transaction<'_, Postgres>,
    organization: OrganizationId,
    terminal_type: TerminalType,
) -> sqlx::Result<Option<TerminalForUpdate>> {
    let row: Option<(TerminalId, Decimal, Decimal, Amount)> = sqlx::query_as(
        "SELECT t.id, tf.service_fee_percent, tf.bank_fee_percent, tf.min_fee
           FROM terminals t
           JOIN LATERAL (SELECT * FROM tariffs WHERE terminal_id = t.id ORDER BY valid_from DESC, created_at DESC LIMIT 1) tf ON true
          WHERE t.organization_id = $1 AND t.type = $2
            FOR UPDATE OF t",
    )
    .bind(organization)
    .bind(terminal_type)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|(id, service, bank, min_fee)| {
        let p = |d| Percent::from_decimal(d).map_err(|e| sqlx::Error::Decode(e.into()));
        Ok(TerminalForUpdate {
            id,
            tariff: Tariff { service_fee_percent: p(service)?, bank_fee_percent: p(bank)?, min_fee },
        })
    })
    .transpose()
}

pub async fn update_terminal(
    tx: &mut Transaction<'_, Postgres>,
    terminal: TerminalId,
    enabled: Option<bool>,
    amount_limit: Option<Amount>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE terminals SET enabled = coalesce($2, enabled), amount_limit = coalesce($3, amount_limit), updated_at = now()
          WHERE id = $1",
    )
    .bind(terminal)
    .bind(enabled)
    .bind(amount_limit)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether every one of these organizations exists.
pub async fn all_exist(db: impl PgExecutor<'_>, ids: &[OrganizationId]) -> sqlx::Result<bool> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|i| i.0).collect();
    let found: i64 =
        sqlx::query_scalar("SELECT count(*) FROM organizations WHERE id = ANY($1)").bind(&ids).fetch_one(db).await?;
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    Ok(found as usize == unique.len())
}

/// A terminal with the tariff in force at `at`: what a new operation is priced with.
#[derive(Debug, Clone)]
pub struct TerminalTariff {
    pub terminal_id: TerminalId,
    pub enabled: bool,
    pub amount_limit: Amount,
    pub tariff_id: TariffId,
    pub tariff: Tariff,
}

pub async fn terminal_tariff(
    db: impl PgExecutor<'_>,
    organization: OrganizationId,
    terminal_type: TerminalType,
    at: OffsetDateTime,
) -> sqlx::Result<Option<TerminalTariff>> {
    let row: Option<(TerminalId, bool, Amount, TariffId, Decimal, Decimal, Amount)> = sqlx::query_as(
        "SELECT t.id, t.enabled, t.amount_limit, tf.id, tf.service_fee_percent, tf.bank_fee_percent, tf.min_fee
           FROM terminals t
           JOIN LATERAL (SELECT * FROM tariffs WHERE terminal_id = t.id AND valid_from <= $3
                          ORDER BY valid_from DESC, created_at DESC LIMIT 1) tf ON true
          WHERE t.organization_id = $1 AND t.type = $2",
    )
    .bind(organization)
    .bind(terminal_type)
    .bind(at)
    .fetch_optional(db)
    .await?;
    row.map(|(terminal_id, enabled, amount_limit, tariff_id, service, bank, min_fee)| {
        let p = |d| Percent::from_decimal(d).map_err(|e| sqlx::Error::Decode(e.into()));
        Ok(TerminalTariff {
            terminal_id,
            enabled,
            amount_limit,
            tariff_id,
            tariff: Tariff { service_fee_percent: p(service)?, bank_fee_percent: p(bank)?, min_fee },
        })
    })
    .transpose()
}

/// A tariff by its id: the one fixed on an operation at its creation.
pub async fn tariff(db: impl PgExecutor<'_>, id: TariffId) -> sqlx::Result<Option<Tariff>> {
    let row: Option<(Decimal, Decimal, Amount)> =
        sqlx::query_as("SELECT service_fee_percent, bank_fee_percent, min_fee FROM tariffs WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    row.map(|(service, bank, min_fee)| {
        let p = |d| Percent::from_decimal(d).map_err(|e| sqlx::Error::Decode(e.into()));
        Ok(Tariff { service_fee_percent: p(service)?, bank_fee_percent: p(bank)?, min_fee })
    })
    .transpose()
}

/// Whether an organization is within a caller's scope.
/// The organizations a scope sees, as the primary has them (`None`: every one). A query that
/// runs on a replica takes this list instead of reading memberships there, so a membership just
/// removed never shows through the replica's lag.
pub async fn visible_ids(db: impl PgExecutor<'_>, scope: Scope) -> sqlx::Result<Option<Vec<uuid::Uuid>>> {
    let Some(user) = scope.user() else { return Ok(None) };
    let ids = sqlx::query_scalar("SELECT organization_id FROM memberships WHERE user_id = $1")
        .bind(user)
        .fetch_all(db)
        .await?;
    Ok(Some(ids))
}

pub async fn in_scope(db: impl PgExecutor<'_>, scope: Scope, org: OrganizationId) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM organizations o WHERE o.id = $2
            AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = o.id AND m.user_id = $1)))",
    )
    .bind(scope.user())
    .bind(org)
    .fetch_one(db)
    .await
}

/// A new signing secret; the old one keeps signing until `previous_until`.
pub async fn rotate_webhook_secret(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    secret: &str,
    previous_until: OffsetDateTime,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE organizations SET previous_webhook_secret = webhook_secret, previous_secret_expires_at = $3,
                webhook_secret = $2, updated_at = now() WHERE id = $1",
    )
    .bind(org)
    .bind(secret)
    .bind(previous_until)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}
