//! A daily statement as an xlsx: «Акт сверки» (the figures, the closing balance and the count
//! as formulas) and «Реестр» (the day's balance transactions, with total formulas). Every cell
//! is typed (numbers, dates), and every formula is written with its computed value, so a reader
//! that does not calculate (calamine, a preview) sees the figures too. Rows are written in
//! order in constant-memory mode, and a day of more than `workers.sync_export_limit` rows is
//! refused before it is read (the cabinet API answers `422 export_too_large`).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Formula, Workbook, XlsxError};
use time::PrimitiveDateTime;

use super::Row;
use super::statements::Statement;
use crate::domain::clock::MOSCOW;

/// The file's name: the organization's INN and the day.
pub fn file_name(inn: &str, day: time::Date) -> String {
    format!("statement-{inn}-{day}.xlsx")
}

fn money(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// A formula's cached value as Excel writes it.
fn shown(d: Decimal) -> String {
    d.normalize().to_string()
}

fn excel_date(d: time::Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day())
}

fn excel_time(t: PrimitiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day())?.and_hms(
        u16::from(t.hour()),
        t.minute(),
        t.second(),
    )
}

fn type_ru(kind: &str) -> &'static str {
    match kind {
        "payment" => "Платёж",
        "refund" => "Возврат",
        _ => "Выплата",
    }
}

/// The statement of `org_name` for its day, with that day's balance transactions.
pub fn write(org_name: &str, inn: &str, s: &Statement, rows: &[Row]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let num = Format::new().set_num_format("#,##0.00");
    let total = Format::new().set_bold().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("dd.mm.yyyy").set_align(FormatAlign::Left);
    let stamp = Format::new().set_num_format("dd.mm.yyyy hh:mm:ss");

    let act = book.add_worksheet();
    act.set_name("Акт сверки")?;
    act.set_column_width(0, 26)?;
    act.set_column_width(1, 18)?;
    act.set_column_width(2, 12)?;
    act.write_string_with_format(0, 0, "Акт сверки взаиморасчётов", &bold)?;
    act.write_string(1, 0, "Организация")?;
    act.write_string(1, 1, org_name)?;
    act.write_string(2, 0, "ИНН")?;
    act.write_string(2, 1, inn)?;
    act.write_string(3, 0, "День (МСК)")?;
    act.write_datetime_with_format(3, 1, excel_date(s.day)?, &date)?;
    act.write_string_with_format(5, 1, "Сумма, ₽", &bold)?;
    act.write_string_with_format(5, 2, "Операций", &bold)?;
    let lines: [(&str, Decimal, Option<i32>); 5] = [
        ("Входящий остаток", s.opening_balance.as_decimal(), None),
        ("Платежи", s.payments.as_decimal(), Some(s.payments_count)),
        ("Возвраты", s.refunds.as_decimal(), Some(s.refunds_count)),
        ("Комиссии", s.fees.as_decimal(), None),
        ("Выплаты", s.payouts.as_decimal(), Some(s.payouts_count)),
    ];
    for (i, (label, value, count)) in lines.iter().enumerate() {
        let r = 6 + i as u32;
        act.write_string(r, 0, *label)?;
        act.write_number_with_format(r, 1, money(*value), &num)?;
        if let Some(c) = count {
            act.write_number(r, 2, *c)?;
        }
    }
    // Rows 7..11 in Excel's terms: B7 opening, B8 payments, B9 refunds, B10 fees, B11 payouts.
    act.write_string_with_format(11, 0, "Исходящий остаток", &bold)?;
    act.write_formula_with_format(
        11,
        1,
        Formula::new("=B7+B8-B9-B10-B11").set_result(shown(s.closing_balance.as_decimal())),
        &total,
    )?;
    act.write_string_with_format(12, 0, "Операций за день", &bold)?;
    act.write_formula_with_format(12, 2, Formula::new("=C8+C9+C11").set_result(s.operations_count.to_string()), &bold)?;

    let list = book.add_worksheet_with_constant_memory()?;
    list.set_name("Реестр")?;
    let headers = [
        ("Время (МСК)", 20.0),
        ("Операция", 38.0),
        ("Тип", 10.0),
        ("Сумма", 15.0),
        ("Комиссия", 12.0),
        ("Нетто", 15.0),
        ("Доступно с", 12.0),
    ];
    for (c, (h, w)) in headers.iter().enumerate() {
        list.set_column_width(c as u16, *w)?;
        list.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    list.set_freeze_panes(1, 0)?;
    for (i, row) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        let at = row.created_at.to_offset(MOSCOW);
        list.write_datetime_with_format(r, 0, excel_time(PrimitiveDateTime::new(at.date(), at.time()))?, &stamp)?;
        list.write_string(r, 1, row.operation_id.to_string())?;
        list.write_string(r, 2, type_ru(&row.kind))?;
        list.write_number_with_format(r, 3, money(row.amount.as_decimal()), &num)?;
        list.write_number_with_format(r, 4, money(row.fee.as_decimal()), &num)?;
        list.write_number_with_format(r, 5, money(row.net.as_decimal()), &num)?;
        list.write_datetime_with_format(r, 6, excel_date(row.available_on)?, &date)?;
    }
    let last = rows.len() as u32; // the last data row, 0-based (0 when there are none)
    let totals = last + 1;
    list.write_string_with_format(totals, 2, "Итого", &bold)?;
    let sum = |f: &dyn Fn(&Row) -> Decimal| rows.iter().map(f).sum::<Decimal>();
    for (col, letter, value) in [
        (3u16, "D", sum(&|r| r.amount.as_decimal())),
        (4, "E", sum(&|r| r.fee.as_decimal())),
        (5, "F", sum(&|r| r.net.as_decimal())),
    ] {
        let formula = if rows.is_empty() { "=0".to_owned() } else { format!("=SUM({letter}2:{letter}{})", last + 1) };
        list.write_formula_with_format(totals, col, Formula::new(formula).set_result(shown(value)), &total)?;
    }
    book.save_to_buffer()
}
