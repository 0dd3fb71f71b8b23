//! Loads many operations fast: planned by [`plan`] with the domain's rules, written with
//! PostgreSQL's `COPY` in chunks, so memory stays flat however many are asked for. Each chunk
//! comes with its ledger postings and entries (the same rules as live operations), in one
//! transaction, so the database's balance check holds for it as for any other. The demo seed
//! uses it for a year of history; `clickpay generate` for millions (the speed benchmarks).

pub mod plan;

use std::fmt::Write as _;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::ids::OrganizationId;
use shared::{Amount, Percent, TerminalType};
use sqlx::PgPool;
use time::OffsetDateTime;

use self::plan::{OrgPlan, PlannedOperation, TerminalPlan};
use crate::db;
use crate::domain::fees::Tariff;

/// Payments planned per `COPY`.
const CHUNK: u64 = 20_000;

#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub payments: u64,
    pub refunds: u64,
    pub history_rows: u64,
    pub postings: u64,
}

/// An organization's terminals and current tariffs, as the generator needs them.
pub async fn org_plan(pool: &PgPool, org: OrganizationId, at: OffsetDateTime) -> anyhow::Result<OrgPlan> {
    let bank_name: String =
        sqlx::query_scalar("SELECT bank_name FROM organizations WHERE id = $1").bind(org).fetch_one(pool).await?;
    let mut terminals = Vec::new();
    for t in TerminalType::ALL {
        if let Some(tt) = db::organizations::terminal_tariff(pool, org, *t, at).await? {
            terminals.push(TerminalPlan {
                terminal_type: *t,
                terminal_id: tt.terminal_id,
                tariff_id: tt.tariff_id,
                tariff: tt.tariff,
            });
        }
    }
    anyhow::ensure!(!terminals.is_empty(), "organization {org} has no terminals");
    Ok(OrgPlan { id: org, bank_name, terminals })
}

/// `operations` payments (plus their refunds) spread over `orgs` and `[from, to)`.
pub async fn generate(
    pool: &PgPool,
    orgs: &[OrgPlan],
    operations: u64,
    from: OffsetDateTime,
    to: OffsetDateTime,
    seed: u64,
    history: bool,
) -> anyhow::Result<Stats> {
    anyhow::ensure!(!orgs.is_empty(), "no organizations to fill");
    let mut rng = StdRng::seed_from_u64(seed);
    let cards = plan::card_pool(&mut rng, 500);
    let mut stats = Stats::default();
    let mut done = 0u64;
    while done < operations {
        let n = CHUNK.min(operations - done);
        let (mut ops_csv, mut hist_csv) = (String::new(), String::new());
        let (mut postings_csv, mut entries_csv) = (String::new(), String::new());
        for i in 0..n {
            let org = &orgs[((done + i) % orgs.len() as u64) as usize];
            for op in plan::plan(&mut rng, org, &cards, done + i + 1, from, to) {
                if op.parent_id.is_some() {
                    stats.refunds += 1;
                } else {
                    stats.payments += 1;
                }
                write_operation(&mut ops_csv, &op);
                if write_posting(&mut postings_csv, &mut entries_csv, &op, rng.r#gen()) {
                    stats.postings += 1;
                }
                if history {
                    stats.history_rows += op.history.len() as u64;
                    write_history(&mut hist_csv, &op);
                }
            }
        }
        let mut tx = pool.begin().await?;
        for (statement, csv) in [
            (COPY_OPERATIONS, ops_csv),
            (COPY_HISTORY, hist_csv),
            (COPY_POSTINGS, postings_csv),
            (COPY_ENTRIES, entries_csv),
        ] {
            if csv.is_empty() {
                continue;
            }
            let mut copy = tx.copy_in_raw(statement).await?;
            copy.send(csv.into_bytes()).await?;
            copy.finish().await?;
        }
        tx.commit().await?;
        done += n;
    }
    Ok(stats)
}

const COPY_OPERATIONS: &str = "COPY operations (id, organization_id, type, parent_id, terminal_id, tariff_id, status, amount, currency,
    fee, fee_service, fee_bank, refunded_amount, captured_amount, order_id, description, reason, card_mask, card_last4, card_brand, card_holder,
    card_exp_month, card_exp_year, acquirer_reference, bank_name, bank_transaction_id, error_code, error_message,
    created_at, executed_at, updated_at, imported) FROM STDIN WITH (FORMAT csv)";

const COPY_HISTORY: &str = "COPY operation_status_history (operation_id, from_status, to_status, error_code, created_at) FROM STDIN WITH (FORMAT csv)";

const COPY_POSTINGS: &str =
    "COPY ledger_postings (id, kind, organization_id, operation_id, amount, fee, net, created_at,
    available_on) FROM STDIN WITH (FORMAT csv)";

const COPY_ENTRIES: &str =
    "COPY ledger_entries (posting_id, organization_id, account, amount) FROM STDIN WITH (FORMAT csv)";

/// The ledger posting of an operation that succeeded, as a live one would have posted it when
/// it was executed; false for one that posts nothing.
fn write_posting(postings: &mut String, entries: &mut String, op: &PlannedOperation, id: [u8; 16]) -> bool {
    let posts = if op.kind.is_payment() {
        crate::reports::analytics::executed(op.status)
    } else {
        op.status == shared::OperationStatus::Succeeded
    };
    if !posts {
        return false;
    }
    let p = crate::domain::ledger::balance_transaction(op.kind, op.amount, op.fee, op.executed_at);
    let id = uuid::Builder::from_random_bytes(id).into_uuid();
    let _ = writeln!(
        postings,
        "{id},{},{},{},{},{},{},{},{}",
        p.kind.as_str(),
        op.organization_id,
        op.id,
        p.amount,
        p.fee,
        p.net,
        time(op.executed_at),
        p.available_on
    );
    for (account, amount) in crate::domain::ledger::legs(&p) {
        let owner = if account.is_gateway() { String::new() } else { op.organization_id.to_string() };
        let _ = writeln!(entries, "{id},{owner},{},{amount}", account.as_str());
    }
    true
}

/// A CSV text field; `None` is an unquoted empty field, which COPY reads as NULL.
fn field(out: &mut String, value: Option<&str>) {
    if let Some(v) = value {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    }
    out.push(',');
}

fn time(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn write_operation(out: &mut String, op: &PlannedOperation) {
    let amount = |a: Amount| a.to_string();
    let reference = db::operations::acquirer_reference(op.id);
    let (error_code, error_message) = op.error.unzip();
    // A payment that was charged took its whole amount (the generator plans one-stage payments).
    let captured = (op.kind.is_payment() && crate::reports::analytics::executed(op.status)).then(|| amount(op.amount));
    let fields: [Option<String>; 32] = [
        Some(op.id.to_string()),
        Some(op.organization_id.to_string()),
        Some(op.kind.to_string()),
        op.parent_id.map(|p| p.to_string()),
        op.terminal_id.map(|t| t.to_string()),
        op.tariff_id.map(|t| t.to_string()),
        Some(op.status.to_string()),
        Some(amount(op.amount)),
        Some("RUB".to_owned()),
        Some(amount(op.fee)),
        Some(amount(op.fee_service)),
        Some(amount(op.fee_bank)),
        Some(amount(op.refunded_amount)),
        captured,
        op.order_id.clone(),
        op.description.clone(),
        op.reason.clone(),
        Some(op.card_mask.clone()),
        Some(op.card_last4.clone()),
        Some(op.card_brand.to_owned()),
        Some(op.card_holder.to_owned()),
        Some(op.card_exp.0.to_string()),
        Some(op.card_exp.1.to_string()),
        Some(reference),
        Some(op.bank_name.clone()),
        op.bank_transaction_id.clone(),
        error_code.map(str::to_owned),
        error_message.map(str::to_owned),
        Some(time(op.created_at)),
        Some(time(op.executed_at)),
        Some(time(op.executed_at)),
        // Never at any bank: reconciliation leaves it out.
        Some("true".to_owned()),
    ];
    for f in &fields {
        field(out, f.as_deref());
    }
    out.pop();
    out.push('\n');
}

fn write_history(out: &mut String, op: &PlannedOperation) {
    for (from, to, at, error) in &op.history {
        let _ = write!(out, "{},", op.id);
        field(out, from.map(|s| s.as_str()));
        field(out, Some(to.as_str()));
        field(out, *error);
        field(out, Some(&time(*at)));
        out.pop();
        out.push('\n');
    }
}

/// Organizations for a bulk load, each with the manual's three terminals and fees.
pub async fn create_organizations(pool: &PgPool, count: u32, at: OffsetDateTime) -> anyhow::Result<Vec<OrgPlan>> {
    let mut plans = Vec::new();
    for i in 0..count {
        let mut tx = pool.begin().await?;
        let name = format!("ООО \"Нагрузка {:03}\"", i + 1);
        let inn =
            format!("99{:08}", (OffsetDateTime::now_utc().unix_timestamp() as u64 * 1000 + i as u64) % 100_000_000);
        let org = db::organizations::insert(
            &mut tx,
            &db::organizations::NewOrganization {
                name: &name,
                inn: &inn,
                bank_name: crate::sandbox_bank::BANK_NAME,
                notification_url: None,
                webhook_secret: &crate::webhooks::generate_secret(),
                registered_on: Some(at.date()),
            },
        )
        .await?;
        for (t, service, bank, min) in crate::seed::DEMO_TERMINALS {
            let terminal = db::organizations::insert_terminal(&mut tx, org, t, Amount::parse("1000000.00")?).await?;
            let tariff = Tariff {
                service_fee_percent: Percent::parse(service)?,
                bank_fee_percent: Percent::parse(bank)?,
                min_fee: Amount::parse(min)?,
            };
            db::organizations::insert_tariff(&mut tx, terminal, &tariff, at).await?;
        }
        tx.commit().await?;
        plans.push(org_plan(pool, org, at).await?);
    }
    Ok(plans)
}
