//! Speed of the cabinet over a large database (`clickpay generate`): the transaction list, the
//! month and year charts, and the xlsx export against rust_xlsxwriter writing the same cells
//! from memory. Run: `BENCH_DATABASE_URL=postgres://…/clickpay_bench cargo bench --bench cabinet`.
//! Without BENCH_DATABASE_URL it says so and measures nothing.

use std::time::{Duration, Instant};

use clickpay::db::organizations::Scope;
use clickpay::db::transactions::{self, Filter};
use clickpay::reports::{analytics, xlsx};
use rust_decimal::prelude::ToPrimitive;
use shared::dto::analytics::Period;
use shared::ids::OrganizationId;
use shared::{OperationStatus, OperationType};
use sqlx::PgPool;
use time::{Date, Duration as TDuration, OffsetDateTime};

const TZ: &str = "Europe/Moscow";

fn median(mut xs: Vec<Duration>) -> (Duration, Duration) {
    xs.sort();
    (xs[xs.len() / 2], xs[(xs.len() * 95 / 100).min(xs.len() - 1)])
}

async fn time<F, Fut, T>(runs: usize, mut f: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    f().await; // warm the cache
    let mut xs = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        xs.push(t.elapsed());
    }
    median(xs)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<f64>().unwrap_or(0.0))
        })
        .unwrap_or(0.0)
        / 1024.0
}

async fn list(pool: &PgPool, f: &Filter, page: i64) {
    let mut tx = transactions::in_zone(pool, TZ).await.expect("tx");
    transactions::count(&mut tx, f).await.expect("count");
    transactions::page(&mut tx, f, 20, (page - 1) * 20).await.expect("page");
    tx.commit().await.expect("commit");
}

async fn chart(pool: &PgPool, org: OrganizationId, period: Period, day: Date) {
    let (from, to) = analytics::bounds(period, day);
    let mut tx = transactions::in_zone(pool, TZ).await.expect("tx");
    let groups = analytics::scan(&mut tx, Scope::All, None, Some(org), period, from, to).await.expect("scan");
    tx.commit().await.expect("commit");
    analytics::fold(period, from, to, TZ, &groups);
}

#[tokio::main]
async fn main() {
    let Ok(url) = std::env::var("BENCH_DATABASE_URL") else {
        println!("BENCH_DATABASE_URL is not set: nothing measured (see BENCHMARKS.md)");
        return;
    };
    let pool = PgPool::connect(&url).await.expect("connect");
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM operations").fetch_one(&pool).await.expect("count");
    let (org, org_rows): (OrganizationId, i64) =
        sqlx::query_as("SELECT organization_id, count(*) FROM operations GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
            .fetch_one(&pool)
            .await
            .expect("biggest organization");
    let today = OffsetDateTime::now_utc().date();
    println!("database: {total} operations; the biggest organization has {org_rows}");

    let base = |from: Date, to: Date| Filter {
        scope: Scope::All,
        members: None,
        organization: Some(org),
        from: Some(from),
        to: Some(to),
        by_executed: false,
        status: None,
        kind: None,
        search: None,
    };
    let cases: Vec<(&str, Filter, i64)> = vec![
        ("one organization, today", base(today, today), 1),
        ("one organization, last 30 days, page 1", base(today - TDuration::days(30), today), 1),
        ("one organization, last 30 days, page 50", base(today - TDuration::days(30), today), 50),
        (
            "one organization, a year, failed only",
            Filter { status: Some(OperationStatus::Failed), ..base(today - TDuration::days(365), today) },
            1,
        ),
        (
            "one organization, a year, refunds only",
            Filter { kind: Some(OperationType::Refund), ..base(today - TDuration::days(365), today) },
            1,
        ),
        (
            "one organization, a year, by executed date",
            Filter { by_executed: true, ..base(today - TDuration::days(365), today) },
            1,
        ),
        (
            "one organization, two years, card last 4",
            Filter { search: Some("4242".into()), ..base(today - TDuration::days(730), today) },
            1,
        ),
        (
            "all organizations (staff), last 7 days",
            Filter { organization: None, ..base(today - TDuration::days(7), today) },
            1,
        ),
    ];
    // The search over every date and organization (staff), one case per thing it matches.
    let (order_id, bank_id, id): (String, String, uuid::Uuid) = sqlx::query_as(
        "SELECT order_id, bank_transaction_id, id FROM operations
          WHERE order_id IS NOT NULL AND bank_transaction_id IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("an operation to find");
    let everywhere =
        |q: &str| Filter { organization: None, from: None, to: None, search: Some(q.to_owned()), ..base(today, today) };
    let searches: Vec<(&str, Filter, i64)> = vec![
        ("search, all dates: order id", everywhere(&order_id), 1),
        ("search, all dates: bank transaction id", everywhere(&bank_id), 1),
        ("search, all dates: operation id", everywhere(&id.to_string()), 1),
        ("search, all dates: card last 4 (first page of many)", everywhere("4242"), 1),
        ("search, all dates: customer e-mail", everywhere("buyer@example.ru"), 1),
        ("search, all dates: customer phone", everywhere("+7 999 000-00-01"), 1),
    ];
    println!("\n## Transaction list (count up to 10 000 + one page of 20), 30 runs");
    for (name, f, page) in cases.iter().chain(&searches) {
        let (p50, p95) = time(30, || list(&pool, f, *page)).await;
        println!("| {name} | {} | {} |", ms(p50), ms(p95));
    }

    println!("\n## Charts (the biggest organization), 30 runs");
    let (p50, p95) = time(30, || chart(&pool, org, Period::Month, today)).await;
    println!("| a month by days | {} | {} |", ms(p50), ms(p95));
    let (p50, p95) = time(30, || chart(&pool, org, Period::Year, today)).await;
    println!("| a year by months | {} | {} |", ms(p50), ms(p95));

    // The export: about a million operations (all organizations over the most recent days),
    // from the database, against the same cells written by rust_xlsxwriter alone from memory.
    let (oldest, newest): (OffsetDateTime, OffsetDateTime) =
        sqlx::query_as("SELECT min(created_at), max(created_at) FROM operations").fetch_one(&pool).await.expect("span");
    let per_day = total as f64 / ((newest - oldest).whole_days().max(1) as f64);
    let days = (1_000_000.0 / per_day).ceil() as i64;
    let filter = Filter { organization: None, ..base(today - TDuration::days(days - 1), today) };
    let rss_before = peak_rss_mb();
    let started = Instant::now();
    let (rows_tx, rows_rx) = tokio::sync::mpsc::channel(2048);
    let writer = tokio::task::spawn_blocking(move || xlsx::write(rows_rx, "bench"));
    let mut tx = transactions::in_zone(&pool, TZ).await.expect("tx");
    xlsx::stream_rows(&mut tx, &filter, rows_tx).await.expect("stream");
    tx.commit().await.expect("commit");
    let (file, rows) = writer.await.expect("join").expect("write");
    let export = started.elapsed();
    let export_rss = peak_rss_mb();
    let size = std::fs::metadata(file.path()).map(|m| m.len()).unwrap_or(0);
    drop(file);

    // The same cells, from memory, written with rust_xlsxwriter directly.
    let mut tx = transactions::in_zone(&pool, TZ).await.expect("tx");
    let (all_tx, mut all_rx) = tokio::sync::mpsc::channel(usize::try_from(rows).unwrap_or(1).max(1));
    xlsx::stream_rows(&mut tx, &filter, all_tx).await.expect("stream");
    tx.commit().await.expect("commit");
    let mut in_memory = Vec::with_capacity(rows as usize);
    while let Ok(r) = all_rx.try_recv() {
        in_memory.push(r);
    }
    let baseline = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut wb = rust_xlsxwriter::Workbook::new();
        let money = rust_xlsxwriter::Format::new().set_num_format("#,##0.00 \"₽\"");
        let date = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy hh:mm");
        let excel = |t: time::PrimitiveDateTime| {
            rust_xlsxwriter::ExcelDateTime::from_ymd(t.year() as u16, u8::from(t.month()), t.day())
                .and_then(|d| d.and_hms(u16::from(t.hour()), t.minute(), f64::from(t.second())))
                .expect("date")
        };
        let ws = wb.add_worksheet_with_constant_memory().expect("sheet");
        for (i, r) in in_memory.iter().enumerate() {
            let row = i as u32 + 1;
            ws.write_string(row, 0, r.id.to_string()).expect("cell");
            ws.write_datetime_with_format(row, 1, excel(r.created_local), &date).expect("cell");
            if let Some(t) = r.executed_local {
                ws.write_datetime_with_format(row, 2, excel(t), &date).expect("cell");
            }
            ws.write_string(row, 3, r.kind.as_str()).expect("cell");
            ws.write_string(row, 4, r.status.as_str()).expect("cell");
            ws.write_number_with_format(row, 5, r.amount.to_f64().unwrap_or_default(), &money).expect("cell");
            ws.write_number_with_format(row, 6, r.fee.to_f64().unwrap_or_default(), &money).expect("cell");
            ws.write_string(row, 7, &r.currency).expect("cell");
            for (col, v) in [
                (8, &r.order_id),
                (9, &r.card_mask),
                (10, &r.card_holder),
                (11, &r.bank_name),
                (12, &r.bank_transaction_id),
                (13, &r.error_code),
            ] {
                if let Some(v) = v {
                    ws.write_string(row, col, v).expect("cell");
                }
            }
            ws.write_string(row, 14, &r.organization_name).expect("cell");
        }
        let file = tempfile::NamedTempFile::new().expect("temp");
        wb.save(file.path()).expect("save");
        started.elapsed()
    })
    .await
    .expect("join");
    let rate = |d: Duration| rows as f64 / d.as_secs_f64();
    println!("\n## xlsx export of {rows} rows ({:.1} MB file)", size as f64 / 1e6);
    println!("| export (database → xlsx) | {:.1} s | {:.0} rows/s |", export.as_secs_f64(), rate(export));
    println!(
        "| rust_xlsxwriter alone: the same cells and formats, from memory | {:.1} s | {:.0} rows/s |",
        baseline.as_secs_f64(),
        rate(baseline)
    );
    println!("| ratio | {:.0} % |", rate(export) / rate(baseline) * 100.0);
    println!("| peak memory before / after the export | {rss_before:.0} MB / {export_rss:.0} MB |");
}
