//! Analytics of a period in the user's zone: one scan grouped by bucket, type and status,
//! folded here into the chart, the cards and the breakdowns.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use shared::dto::analytics::{Analytics, Bucket, Cards, Period, StatusSlice, TypeSlice};
use shared::ids::OrganizationId;
use shared::{Amount, OperationStatus as S, OperationType as T, round_half_up};
use sqlx::{Postgres, QueryBuilder, Transaction};
use time::{Date, Month};

use crate::db::organizations::Scope;

/// One group of the scan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Group {
    pub bucket: Date,
    #[sqlx(rename = "type")]
    pub kind: T,
    pub status: S,
    pub count: i64,
    pub amount: Decimal,
    pub fees: Decimal,
}

/// Executed: what counts toward volume (a hold, `authorized`, is not volume until captured; the
/// volume of a captured payment is what was captured).
pub fn executed(status: S) -> bool {
    matches!(status, S::Succeeded | S::PartiallyRefunded | S::Refunded)
}

/// The first day of the period and of the next one.
pub fn bounds(period: Period, start: Date) -> (Date, Date) {
    match period {
        Period::Month => {
            let first = start.replace_day(1).unwrap_or(start);
            let next = if first.month() == Month::December {
                Date::from_calendar_date(first.year() + 1, Month::January, 1)
            } else {
                Date::from_calendar_date(first.year(), first.month().next(), 1)
            };
            (first, next.unwrap_or(first))
        }
        Period::Year => {
            let first = Date::from_calendar_date(start.year(), Month::January, 1).unwrap_or(start);
            (first, Date::from_calendar_date(start.year() + 1, Month::January, 1).unwrap_or(first))
        }
    }
}

/// Whether the hourly totals can be cut into this zone's days (its offset is whole hours).
pub async fn whole_hour_zone(tx: &mut Transaction<'_, Postgres>, tz: &str) -> sqlx::Result<bool> {
    // The offset now, computed directly: pg_timezone_names reads the whole zone database.
    let whole: bool = sqlx::query_scalar(
        "SELECT extract(epoch FROM (now() AT TIME ZONE $1) - (now() AT TIME ZONE 'UTC'))::bigint % 3600 = 0",
    )
    .bind(tz)
    .fetch_one(&mut **tx)
    .await?;
    Ok(whole)
}

/// Scans the period (the transaction's session zone is the user's): from the hourly totals
/// when they can serve the zone, else from the operations themselves.
pub async fn scan(
    tx: &mut Transaction<'_, Postgres>,
    scope: Scope,
    members: Option<&[uuid::Uuid]>,
    organization: Option<OrganizationId>,
    period: Period,
    from: Date,
    to: Date,
) -> sqlx::Result<Vec<Group>> {
    let unit = match period {
        Period::Month => "day",
        Period::Year => "month",
    };
    let tz: String = sqlx::query_scalar("SELECT current_setting('TimeZone')").fetch_one(&mut **tx).await?;
    // A chart is a handful of rows; JIT compilation would cost more than it saves.
    sqlx::query("SET LOCAL jit = off").execute(&mut **tx).await?;
    let hourly = whole_hour_zone(tx, &tz).await?;
    let mut qb = if hourly {
        // The folded totals plus the deltas not folded yet.
        QueryBuilder::new(format!(
            "SELECT date_trunc('{unit}', o.hour)::date AS bucket, o.type, o.status, sum(o.operations)::bigint AS count,
                    coalesce(sum(o.amount), 0) AS amount, coalesce(sum(o.fee), 0) AS fees
               FROM (SELECT organization_id, hour, type, status, operations, amount, fee FROM operation_stats_hourly
                     UNION ALL
                     SELECT organization_id, hour, type, status, operations, amount, fee FROM operation_stats_deltas) o
              WHERE o.hour >= "
        ))
    } else {
        QueryBuilder::new(format!(
            "SELECT date_trunc('{unit}', o.created_at)::date AS bucket, o.type, o.status, count(*) AS count,
                    coalesce(sum(coalesce(o.captured_amount, o.amount)), 0) AS amount, coalesce(sum(o.fee), 0) AS fees
               FROM operations o WHERE o.created_at >= "
        ))
    };
    let col = if hourly { "o.hour" } else { "o.created_at" };
    qb.push_bind(from).push("::date::timestamptz AND ").push(col).push(" < ").push_bind(to).push("::date::timestamptz");
    crate::db::transactions::push_scope(&mut qb, scope, members);
    if let Some(org) = organization {
        qb.push(" AND o.organization_id = ").push_bind(org);
    }
    qb.push(" GROUP BY 1, 2, 3");
    qb.build_query_as().fetch_all(&mut **tx).await
}

fn amount(d: Decimal) -> Amount {
    Amount::from_decimal(round_half_up(d)).unwrap_or(Amount::ZERO)
}

/// Folds the trigger's deltas into the hourly totals (the worker calls this).
pub async fn compact(db: &sqlx::PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT operation_stats_compact()").fetch_one(db).await
}

/// Folds the scan into the page's figures; every bucket of the period is present.
pub fn fold(period: Period, from: Date, to: Date, time_zone: &str, groups: &[Group]) -> Analytics {
    let mut buckets: BTreeMap<Date, (u64, Decimal, Decimal)> = BTreeMap::new();
    let mut day = from;
    while day < to {
        buckets.insert(day, (0, Decimal::ZERO, Decimal::ZERO));
        day = match period {
            Period::Month => day.next_day().unwrap_or(to),
            Period::Year => bounds(Period::Month, day).1,
        };
    }
    let (mut count, mut volume, mut fees, mut failed) = (0u64, Decimal::ZERO, Decimal::ZERO, 0u64);
    let mut by_status: BTreeMap<S, (u64, Decimal)> = BTreeMap::new();
    let mut by_type: BTreeMap<T, (u64, Decimal)> = BTreeMap::new();
    let mut refunds = (0u64, Decimal::ZERO);
    // Hourly totals a status has left read zero; they are not a slice of anything.
    for g in groups.iter().filter(|g| g.count > 0) {
        let n = g.count as u64;
        if g.kind == T::Refund {
            if g.status == S::Succeeded {
                refunds.0 += n;
                refunds.1 += g.amount;
            }
            continue;
        }
        // Payments and payouts by status (refunds are their own line): the executed statuses
        // add up to the count card, and all of them to the operations of the period.
        let e = by_status.entry(g.status).or_default();
        e.0 += n;
        e.1 += g.amount;
        if g.status == S::Failed {
            failed += n;
        }
        if !executed(g.status) {
            continue;
        }
        count += n;
        volume += g.amount;
        fees += g.fees;
        let t = by_type.entry(g.kind).or_default();
        t.0 += n;
        t.1 += g.amount;
        if let Some(b) = buckets.get_mut(&g.bucket) {
            b.0 += n;
            b.1 += g.amount;
            b.2 += g.fees;
        }
    }
    let average = if count == 0 { Decimal::ZERO } else { volume / Decimal::from(count) };
    let finished = count + failed;
    let success_rate = (finished > 0).then(|| {
        let pct = Decimal::from(count) * Decimal::ONE_HUNDRED / Decimal::from(finished);
        format!("{:.1}", pct.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
    });
    Analytics {
        period,
        start: from.to_string(),
        time_zone: time_zone.to_owned(),
        buckets: buckets
            .into_iter()
            .map(|(d, (c, v, f))| Bucket { date: d.to_string(), count: c, volume: amount(v), fees: amount(f) })
            .collect(),
        cards: Cards {
            average_ticket: amount(average),
            fees: amount(fees),
            volume: amount(volume),
            count,
            success_rate,
        },
        by_status: by_status
            .into_iter()
            .map(|(status, (c, a))| StatusSlice { status, count: c, amount: amount(a) })
            .collect(),
        by_type: by_type.into_iter().map(|(kind, (c, a))| TypeSlice { kind, count: c, amount: amount(a) }).collect(),
        refunds: TypeSlice { kind: T::Refund, count: refunds.0, amount: amount(refunds.1) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use time::macros::date;

    fn g(bucket: Date, kind: T, status: S, count: i64, amount: &str, fees: &str) -> Group {
        Group {
            bucket,
            kind,
            status,
            count,
            amount: Decimal::from_str(amount).expect("d"),
            fees: Decimal::from_str(fees).expect("d"),
        }
    }

    #[test]
    fn hand_computed_month() {
        let (from, to) = bounds(Period::Month, date!(2024 - 06 - 15));
        assert_eq!((from, to), (date!(2024 - 06 - 01), date!(2024 - 07 - 01)));
        let groups = [
            // Two 100.00 ecom payments on the 1st at the 45.00 minimum, one refunded in part.
            g(date!(2024 - 06 - 01), T::Ecom, S::Succeeded, 1, "100.00", "45.00"),
            g(date!(2024 - 06 - 01), T::Ecom, S::PartiallyRefunded, 1, "100.00", "45.00"),
            g(date!(2024 - 06 - 01), T::Refund, S::Succeeded, 1, "40.00", "0.00"),
            // A 10 000.00 payout on the 30th: 1.05 % = 105.00.
            g(date!(2024 - 06 - 30), T::Oct, S::Succeeded, 1, "10000.00", "105.00"),
            // A decline and one still in flight count in neither volume nor fees.
            g(date!(2024 - 06 - 02), T::Ecom, S::Failed, 1, "500.00", "0.00"),
            g(date!(2024 - 06 - 02), T::Aft, S::Processing, 1, "70.00", "45.00"),
        ];
        let a = fold(Period::Month, from, to, "Europe/Moscow", &groups);
        assert_eq!(a.buckets.len(), 30);
        assert_eq!(
            (a.buckets[0].count, a.buckets[0].volume.to_string(), a.buckets[0].fees.to_string()),
            (2, "200.00".into(), "90.00".into())
        );
        assert_eq!(a.buckets[1].count, 0);
        assert_eq!(a.buckets[29].volume.to_string(), "10000.00");
        assert_eq!(a.cards.volume.to_string(), "10200.00");
        assert_eq!(a.cards.fees.to_string(), "195.00");
        assert_eq!(a.cards.count, 3);
        assert_eq!(a.cards.average_ticket.to_string(), "3400.00");
        assert_eq!(a.cards.success_rate.as_deref(), Some("75.0"), "3 executed of 4 finished");
        assert_eq!((a.refunds.count, a.refunds.amount.to_string()), (1, "40.00".into()));
        let ecom = a.by_type.iter().find(|t| t.kind == T::Ecom).expect("ecom");
        assert_eq!((ecom.count, ecom.amount.to_string()), (2, "200.00".into()));
        let failed = a.by_status.iter().find(|s| s.status == S::Failed).expect("failed");
        assert_eq!(failed.count, 1);
        let executed: u64 = a.by_status.iter().filter(|s| executed(s.status)).map(|s| s.count).sum();
        assert_eq!(executed, a.cards.count, "the executed slices add up to the count card (refunds apart)");
    }

    #[test]
    fn a_year_has_twelve_months_and_december_rolls_over() {
        let (from, to) = bounds(Period::Year, date!(2024 - 06 - 15));
        assert_eq!((from, to), (date!(2024 - 01 - 01), date!(2025 - 01 - 01)));
        let a = fold(Period::Year, from, to, "UTC", &[]);
        assert_eq!(a.buckets.len(), 12);
        assert_eq!(a.buckets[11].date, "2024-12-01");
        assert_eq!(a.cards.success_rate, None);
        assert_eq!(bounds(Period::Month, date!(2024 - 12 - 31)), (date!(2024 - 12 - 01), date!(2025 - 01 - 01)));
    }
}
