//! The xlsx report («Сформировать отчет»). Rows come from a database cursor through a bounded
//! channel to a blocking thread that writes them with rust_xlsxwriter's constant-memory mode, so
//! memory stays flat however many rows there are; past Excel's row limit the operations go on
//! in a new sheet. A summary sheet has totals by status and by type, and a native chart.

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Chart, ChartType, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use shared::format::{status_ru, type_ru};
use shared::{OperationStatus, OperationType};
use sqlx::{Postgres, QueryBuilder, Transaction};
use time::PrimitiveDateTime;
use tokio::sync::mpsc;

use crate::db::transactions::Filter;

/// Excel's rows per sheet, the header included.
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// One operation as the report shows it; times already in the user's zone.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub id: uuid::Uuid,
    #[sqlx(rename = "type")]
    pub kind: OperationType,
    pub status: OperationStatus,
    pub created_local: PrimitiveDateTime,
    pub executed_local: Option<PrimitiveDateTime>,
    pub amount: Decimal,
    pub fee: Decimal,
    pub currency: String,
    pub order_id: Option<String>,
    pub card_mask: Option<String>,
    pub card_holder: Option<String>,
    pub bank_name: Option<String>,
    pub bank_transaction_id: Option<String>,
    pub error_code: Option<String>,
    pub organization_name: String,
}

const HEADERS: [(&str, f64); 15] = [
    ("ID", 38.0),
    ("Создана", 17.0),
    ("Исполнена", 17.0),
    ("Тип", 9.0),
    ("Статус", 18.0),
    ("Сумма", 15.0),
    ("Комиссия", 13.0),
    ("Валюта", 8.0),
    ("Номер заказа", 18.0),
    ("Карта", 19.0),
    ("Держатель", 20.0),
    ("Банк", 18.0),
    ("ID банка", 14.0),
    ("Ошибка", 20.0),
    ("Организация", 28.0),
];

/// Streams the matching rows into `tx_rows`, oldest first.
pub async fn stream_rows(
    db: &mut Transaction<'_, Postgres>,
    filter: &Filter,
    rows: mpsc::Sender<ReportRow>,
) -> anyhow::Result<()> {
    let mut qb = QueryBuilder::new(
        "SELECT o.id, o.type, o.status, (o.created_at AT TIME ZONE current_setting('TimeZone')) AS created_local,
                (o.executed_at AT TIME ZONE current_setting('TimeZone')) AS executed_local, o.amount, o.fee, o.currency,
                o.order_id, o.card_mask, o.card_holder, o.bank_name, o.bank_transaction_id, o.error_code, org.name AS organization_name
           FROM operations o JOIN organizations org ON org.id = o.organization_id",
    );
    crate::db::transactions::push_filters(&mut qb, filter);
    let col = if filter.by_executed { "o.executed_at" } else { "o.created_at" };
    qb.push(" ORDER BY ").push(col).push(", o.id");
    let mut stream = qb.build_query_as::<ReportRow>().fetch(&mut **db);
    while let Some(row) = stream.try_next().await? {
        if rows.send(row).await.is_err() {
            break;
        }
    }
    Ok(())
}

/// Text a spreadsheet must never read as a formula.
pub fn needs_text_guard(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r', '\0'])
}

/// The report's cell formats (reconciliation's xlsx uses them too).
pub(crate) struct Formats {
    pub(crate) header: Format,
    pub(crate) money: Format,
    pub(crate) date: Format,
    text: Format,
    guarded: Format,
}

pub(crate) fn formats() -> Formats {
    Formats {
        header: Format::new().set_bold().set_background_color("#E8EEFC").set_align(FormatAlign::Center),
        money: Format::new().set_num_format("#,##0.00 \"₽\""),
        date: Format::new().set_num_format("dd.mm.yyyy hh:mm"),
        text: Format::new(),
        // A quote prefix keeps Excel and LibreOffice from ever treating the cell as a formula.
        guarded: Format::new().set_quote_prefix(),
    }
}

pub(crate) fn excel_time(t: PrimitiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(t.year() as u16, u8::from(t.month()), t.day())?.and_hms(
        u16::from(t.hour()),
        t.minute(),
        f64::from(t.second()),
    )
}

fn new_sheet(workbook: &mut Workbook, index: u32, f: &Formats) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(if index == 1 { "Операции".to_owned() } else { format!("Операции ({index})") })?;
    for (col, (title, width)) in HEADERS.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(0, col as u16, *title, &f.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A text cell, never read as a formula; nothing when there is no value.
pub(crate) fn write_text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<&str>,
    f: &Formats,
) -> Result<(), XlsxError> {
    if let Some(v) = value {
        let format = if needs_text_guard(v) { &f.guarded } else { &f.text };
        sheet.write_string_with_format(row, col, v, format)?;
    }
    Ok(())
}

/// Totals per status and per type for the summary sheet.
#[derive(Default)]
struct Totals {
    by_status: BTreeMap<OperationStatus, (u64, Decimal, Decimal)>,
    by_type: BTreeMap<OperationType, (u64, Decimal, Decimal)>,
}

/// Writes the report to a temporary file; returns the file and the number of operations.
pub fn write(mut rows: mpsc::Receiver<ReportRow>, title: &str) -> anyhow::Result<(tempfile::NamedTempFile, u64)> {
    write_with_limit(&mut rows, title, EXCEL_MAX_ROWS)
}

/// [`write`] with a smaller row limit, so tests can see the overflow to a second sheet.
pub fn write_with_limit(
    rows: &mut mpsc::Receiver<ReportRow>,
    title: &str,
    max_rows: u32,
) -> anyhow::Result<(tempfile::NamedTempFile, u64)> {
    let f = formats();
    let mut workbook = Workbook::new();
    let mut totals = Totals::default();
    let mut sheet_index = 1;
    new_sheet(&mut workbook, sheet_index, &f)?;
    let mut row: u32 = 1;
    let mut written = 0u64;
    let mut last_rows: Vec<u32> = Vec::new();
    while let Some(r) = rows.blocking_recv() {
        if row >= max_rows {
            last_rows.push(row - 1);
            sheet_index += 1;
            new_sheet(&mut workbook, sheet_index, &f)?;
            row = 1;
        }
        let sheet = workbook.worksheet_from_index((sheet_index - 1) as usize)?;
        sheet.write_string(row, 0, r.id.to_string())?;
        sheet.write_datetime_with_format(row, 1, excel_time(r.created_local)?, &f.date)?;
        if let Some(t) = r.executed_local {
            sheet.write_datetime_with_format(row, 2, excel_time(t)?, &f.date)?;
        }
        sheet.write_string(row, 3, type_ru(r.kind))?;
        sheet.write_string(row, 4, status_ru(r.status))?;
        sheet.write_number_with_format(row, 5, r.amount.to_f64().unwrap_or_default(), &f.money)?;
        sheet.write_number_with_format(row, 6, r.fee.to_f64().unwrap_or_default(), &f.money)?;
        sheet.write_string(row, 7, &r.currency)?;
        write_text(sheet, row, 8, r.order_id.as_deref(), &f)?;
        write_text(sheet, row, 9, r.card_mask.as_deref(), &f)?;
        write_text(sheet, row, 10, r.card_holder.as_deref(), &f)?;
        write_text(sheet, row, 11, r.bank_name.as_deref(), &f)?;
        write_text(sheet, row, 12, r.bank_transaction_id.as_deref(), &f)?;
        write_text(sheet, row, 13, r.error_code.as_deref(), &f)?;
        write_text(sheet, row, 14, Some(&r.organization_name), &f)?;
        let s = totals.by_status.entry(r.status).or_default();
        s.0 += 1;
        s.1 += r.amount;
        s.2 += r.fee;
        let t = totals.by_type.entry(r.kind).or_default();
        t.0 += 1;
        t.1 += r.amount;
        t.2 += r.fee;
        row += 1;
        written += 1;
    }
    last_rows.push(row - 1);
    for (i, last) in last_rows.iter().enumerate() {
        let sheet = workbook.worksheet_from_index(i)?;
        sheet.autofilter(0, 0, (*last).max(1), (HEADERS.len() - 1) as u16)?;
    }
    summary(&mut workbook, &totals, title, &f)?;
    let file = tempfile::Builder::new().prefix("clickpay-report-").suffix(".xlsx").tempfile()?;
    workbook.save(file.path())?;
    Ok((file, written))
}

fn summary(workbook: &mut Workbook, totals: &Totals, title: &str, f: &Formats) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("Сводка")?;
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 12)?;
    sheet.set_column_width(2, 18)?;
    sheet.set_column_width(3, 16)?;
    sheet.write_string_with_format(0, 0, title, &Format::new().set_bold().set_font_size(13))?;
    let mut row = 2;
    let mut status_rows = (0, 0);
    for (heading, entries) in [
        ("По статусам", totals.by_status.iter().map(|(k, v)| (status_ru(*k), *v)).collect::<Vec<_>>()),
        ("По типам", totals.by_type.iter().map(|(k, v)| (type_ru(*k), *v)).collect::<Vec<_>>()),
    ] {
        for (col, h) in [heading, "Количество", "Сумма", "Комиссия"].iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, *h, &f.header)?;
        }
        let first = row + 1;
        for (label, (count, amount, fee)) in entries {
            row += 1;
            sheet.write_string(row, 0, label)?;
            sheet.write_number(row, 1, count as f64)?;
            sheet.write_number_with_format(row, 2, amount.to_f64().unwrap_or_default(), &f.money)?;
            sheet.write_number_with_format(row, 3, fee.to_f64().unwrap_or_default(), &f.money)?;
        }
        if heading == "По статусам" {
            status_rows = (first, row);
        }
        row += 2;
    }
    if status_rows.1 >= status_rows.0 {
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name("Сумма по статусам");
        chart
            .add_series()
            .set_categories(("Сводка", status_rows.0, 0, status_rows.1, 0))
            .set_values(("Сводка", status_rows.0, 2, status_rows.1, 2))
            .set_name("Сумма");
        chart.legend().set_hidden();
        sheet.insert_chart(2, 5, &chart)?;
    }
    Ok(())
}

/// Where the report's name says what it holds.
pub fn file_name(from: &str, to: &str) -> String {
    format!("clickpay-transactions-{from}-{to}.xlsx")
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_starts_are_guarded() {
        for s in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx"] {
            assert!(super::needs_text_guard(s), "{s:?}");
        }
        assert!(!super::needs_text_guard("order-1"));
    }
}

#[cfg(test)]
mod overflow_tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn rows_past_the_limit_continue_on_a_new_sheet() {
        let (tx, mut rx) = mpsc::channel(16);
        for i in 0..5 {
            tx.blocking_send(ReportRow {
                id: uuid::Uuid::nil(),
                kind: OperationType::Ecom,
                status: OperationStatus::Succeeded,
                created_local: datetime!(2024-06-01 12:00),
                executed_local: None,
                amount: Decimal::from(i),
                fee: Decimal::ZERO,
                currency: "RUB".into(),
                order_id: None,
                card_mask: None,
                card_holder: None,
                bank_name: None,
                bank_transaction_id: None,
                error_code: None,
                organization_name: "Org".into(),
            })
            .expect("send");
        }
        drop(tx);
        // Three rows a sheet: a header and two operations.
        let (file, written) = write_with_limit(&mut rx, "t", 3).expect("write");
        assert_eq!(written, 5);
        let text = std::fs::read(file.path()).expect("file");
        let zip = zip::ZipArchive::new(std::io::Cursor::new(text)).expect("zip");
        let sheets = zip.file_names().filter(|n| n.starts_with("xl/worksheets/sheet")).count();
        assert_eq!(sheets, 4, "three operation sheets and the summary");
    }
}
