//! A day's reconciliation as xlsx: its result (the latest run's counts) and every discrepancy
//! with both sides' figures, in typed cells (amounts as numbers, times as dates in Moscow time,
//! text guarded against formulas), as the transactions report writes them.

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use shared::Amount;
use shared::dto::reconciliation::{DiscrepancyView, RunView, bank_status_ru};
use shared::format::{status_ru, type_ru};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use crate::reports::xlsx::{Formats, excel_time, formats, write_text};

const COLUMNS: [(&str, f64); 20] = [
    ("Статус", 18.0),
    ("Вид расхождения", 22.0),
    ("Референс", 38.0),
    ("Тип", 20.0),
    ("Банк: сумма", 15.0),
    ("Банк: валюта", 8.0),
    ("Банк: статус", 12.0),
    ("Банк: ID транзакции", 18.0),
    ("Банк: время (МСК)", 19.0),
    ("Шлюз: операция", 38.0),
    ("Шлюз: тип", 10.0),
    ("Шлюз: статус", 18.0),
    ("Шлюз: сумма", 15.0),
    ("Шлюз: ID банка", 18.0),
    ("Шлюз: время (МСК)", 19.0),
    ("Организация", 28.0),
    ("Обнаружено (МСК)", 19.0),
    ("Закрыто (МСК)", 19.0),
    ("Кем закрыто", 16.0),
    ("Комментарий", 40.0),
];

fn moscow(t: OffsetDateTime) -> PrimitiveDateTime {
    let t = t.to_offset(time::UtcOffset::from_hms(3, 0, 0).unwrap_or(time::UtcOffset::UTC));
    PrimitiveDateTime::new(t.date(), t.time())
}

fn write_time(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    t: Option<OffsetDateTime>,
    f: &Formats,
) -> Result<(), XlsxError> {
    if let Some(t) = t {
        sheet.write_datetime_with_format(row, col, excel_time(moscow(t))?, &f.date)?;
    }
    Ok(())
}

fn write_money(sheet: &mut Worksheet, row: u32, col: u16, a: Option<Amount>, f: &Formats) -> Result<(), XlsxError> {
    if let Some(a) = a {
        sheet.write_number_with_format(row, col, a.as_decimal().to_f64().unwrap_or_default(), &f.money)?;
    }
    Ok(())
}

/// The day's result: its latest run (`runs` newest first), its open count and its discrepancies.
pub fn write(
    day: Date,
    grace_minutes: u32,
    runs: &[RunView],
    open: u64,
    discrepancies: &[DiscrepancyView],
) -> anyhow::Result<Vec<u8>> {
    let f = formats();
    let mut workbook = Workbook::new();
    summary(workbook.add_worksheet(), day, grace_minutes, runs.first(), open, &f)?;
    // Row by row in constant memory: a bad day may hold many discrepancies.
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("Расхождения")?;
    for (col, (title, width)) in COLUMNS.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(0, col as u16, *title, &f.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, d) in discrepancies.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, d.status.label_ru())?;
        sheet.write_string(row, 1, d.kind.label_ru())?;
        write_text(sheet, row, 2, Some(&d.reference), &f)?;
        sheet.write_string(row, 3, d.booking.label_ru())?;
        if let Some(b) = &d.bank {
            write_money(sheet, row, 4, Some(b.amount), &f)?;
            write_text(sheet, row, 5, Some(&b.currency), &f)?;
            sheet.write_string(row, 6, bank_status_ru(&b.status))?;
            write_text(sheet, row, 7, Some(&b.bank_transaction_id), &f)?;
            write_time(sheet, row, 8, Some(b.booked_at), &f)?;
        }
        if let Some(g) = &d.gateway {
            sheet.write_string(row, 9, g.operation_id.to_string())?;
            sheet.write_string(row, 10, type_ru(g.operation_type))?;
            sheet.write_string(row, 11, status_ru(g.status))?;
            write_money(sheet, row, 12, g.amount, &f)?;
            write_text(sheet, row, 13, g.bank_transaction_id.as_deref(), &f)?;
            write_time(sheet, row, 14, g.recorded_at, &f)?;
            write_text(sheet, row, 15, Some(&g.organization_name), &f)?;
        }
        write_time(sheet, row, 16, Some(d.found_at), &f)?;
        write_time(sheet, row, 17, d.closed_at, &f)?;
        write_text(sheet, row, 18, d.closed_by.as_deref(), &f)?;
        write_text(sheet, row, 19, d.comment.as_deref(), &f)?;
    }
    sheet.autofilter(0, 0, (discrepancies.len() as u32).max(1), (COLUMNS.len() - 1) as u16)?;
    Ok(workbook.save_to_buffer()?)
}

fn summary(
    sheet: &mut Worksheet,
    day: Date,
    grace_minutes: u32,
    latest: Option<&RunView>,
    open: u64,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name("Итоги")?;
    sheet.set_column_width(0, 34)?;
    sheet.set_column_width(1, 20)?;
    let title =
        format!("Сверка с банком за {:02}.{:02}.{} (время московское)", day.day(), u8::from(day.month()), day.year());
    sheet.write_string_with_format(0, 0, title, &Format::new().set_bold().set_font_size(13))?;
    sheet.write_string(2, 0, "Окно допуска у полуночи, минут")?;
    sheet.write_number(2, 1, f64::from(grace_minutes))?;
    sheet.write_string(3, 0, "Открытых расхождений")?;
    sheet.write_number(3, 1, open as f64)?;
    let Some(run) = latest else {
        sheet.write_string(5, 0, "Сверка за этот день ещё не запускалась")?;
        return Ok(());
    };
    sheet.write_string(5, 0, "Последний запуск")?;
    write_time(sheet, 5, 1, Some(run.started_at), f)?;
    sheet.write_string(6, 0, "Статус")?;
    sheet.write_string(6, 1, run.status.label_ru())?;
    let counts = [
        ("Строк реестра банка за день", run.bank_lines),
        ("Совпало", run.matched),
        ("Урегулировано автоматически", run.settled),
        ("Расхождений найдено", run.mismatched),
    ];
    for (i, (label, n)) in counts.into_iter().enumerate() {
        let row = 7 + i as u32;
        sheet.write_string(row, 0, label)?;
        sheet.write_number(row, 1, n as f64)?;
    }
    if run.provisional {
        sheet.write_string(12, 0, "Предварительно: запуск до конца дня и окна допуска")?;
    }
    if let Some(e) = &run.error {
        sheet.write_string(13, 0, "Ошибка")?;
        write_text(sheet, 13, 1, Some(e), f)?;
    }
    Ok(())
}
