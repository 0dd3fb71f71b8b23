//! `clickpay ledger verify`: recomputes the ledger from the operations, independently of the
//! code that posts it (set-based SQL here, the Rust rules there), and reports every difference:
//! - each posting's entries sum to zero, with at least two entries;
//! - each succeeded operation has exactly its posting (kind, organization, amount, fee, net,
//!   availability), and no posting lacks its operation;
//! - each account's balance equals what the postings say it must be;
//! - each statement reproduces from the postings, and each opens with the previous closing.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use sqlx::PgPool;

/// Differences shown per check; the counts are always complete.
const EXAMPLES: i64 = 10;

#[derive(Debug, Default)]
pub struct Report {
    pub postings: i64,
    pub entries: i64,
    pub operations: i64,
    pub statements: i64,
    /// Per check: how many differences, and a few of them.
    pub problems: Vec<(&'static str, i64, Vec<String>)>,
    pub elapsed: Duration,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.iter().all(|(_, n, _)| *n == 0)
    }

    pub fn render(&self) -> String {
        let mut out = format!(
            "ledger verify: {} operations succeeded, {} postings, {} entries, {} statements, {:.1} s\n",
            self.operations,
            self.postings,
            self.entries,
            self.statements,
            self.elapsed.as_secs_f64()
        );
        for (check, n, examples) in &self.problems {
            let _ = writeln!(out, "  {:<48} {}", check, if *n == 0 { "ok".to_owned() } else { format!("{n} FAILED") });
            for e in examples {
                let _ = writeln!(out, "      {e}");
            }
        }
        out
    }
}

/// What every succeeded operation must have posted: the same rules as `domain::ledger`, in SQL.
const EXPECTED: &str = "
    SELECT o.id AS operation_id, o.organization_id,
           CASE WHEN o.type IN ('ecom', 'aft') THEN 'payment' WHEN o.type = 'refund' THEN 'refund' ELSE 'payout' END AS kind,
           CASE WHEN o.type IN ('ecom', 'aft') THEN coalesce(o.captured_amount, o.amount) ELSE -o.amount END AS amount,
           CASE WHEN o.type = 'refund' THEN 0 ELSE o.fee END AS fee
      FROM operations o
     WHERE (o.type IN ('ecom', 'aft') AND o.status IN ('succeeded', 'partially_refunded', 'refunded'))
        OR (o.type IN ('refund', 'oct') AND o.status = 'succeeded')";

/// Each check: its name and a query of (one line describing a difference) rows.
const CHECKS: [(&str, &str); 5] = [
    (
        "every posting balances",
        "SELECT format('posting %s: entries sum to %s over %s entries', p.id, coalesce(sum(e.amount), 0), count(e.id))
           FROM ledger_postings p LEFT JOIN ledger_entries e ON e.posting_id = p.id
          GROUP BY p.id HAVING coalesce(sum(e.amount), 0) <> 0 OR count(e.id) < 2",
    ),
    (
        "every succeeded operation posted, exactly",
        "SELECT format('operation %s: expected %s %s fee %s, posted %s %s fee %s net %s available %s',
                       coalesce(x.operation_id, p.operation_id), x.kind, x.amount, x.fee, p.kind, p.amount, p.fee, p.net, p.available_on)
           FROM (EXPECTED) x
           FULL JOIN (SELECT * FROM ledger_postings WHERE operation_id IS NOT NULL) p ON p.operation_id = x.operation_id
          WHERE x.operation_id IS NULL OR p.operation_id IS NULL
             OR p.kind <> x.kind OR p.organization_id <> x.organization_id
             OR p.amount <> x.amount OR p.fee <> x.fee OR p.net <> x.amount - x.fee
             OR p.available_on <> (p.created_at AT TIME ZONE INTERVAL '+03:00')::date
                                  + CASE WHEN p.kind = 'payment' THEN 1 ELSE 0 END",
    ),
    (
        "every balance equals its postings",
        "WITH posted AS (
             SELECT organization_id,
                    sum(net) FILTER (WHERE kind = 'payment') AS payments_net,
                    sum(net) FILTER (WHERE kind IN ('refund', 'payout')) AS outgoing_net,
                    sum(amount) FILTER (WHERE kind = 'release') AS released,
                    sum(fee) AS fees, sum(amount) FILTER (WHERE kind = 'fees') AS recognized,
                    sum(amount) FILTER (WHERE operation_id IS NOT NULL) AS card_money
               FROM ledger_postings GROUP BY organization_id),
         expected AS (
             SELECT organization_id, 'pending' AS account, coalesce(payments_net, 0) - coalesce(released, 0) AS amount FROM posted
             UNION ALL SELECT organization_id, 'available', coalesce(released, 0) + coalesce(outgoing_net, 0) FROM posted
             UNION ALL SELECT organization_id, 'fees', coalesce(fees, 0) - coalesce(recognized, 0) FROM posted
             UNION ALL SELECT NULL, 'bank_clearing', -coalesce(sum(card_money), 0) FROM posted
             UNION ALL SELECT NULL, 'fee_revenue', coalesce(sum(recognized), 0) FROM posted),
         booked AS (
             SELECT organization_id, account, sum(amount) AS amount FROM ledger_entries GROUP BY organization_id, account)
         SELECT format('%s of %s: entries %s, postings say %s', coalesce(x.account, b.account),
                       coalesce(x.organization_id, b.organization_id)::text, coalesce(b.amount, 0), coalesce(x.amount, 0))
           FROM expected x
           FULL JOIN booked b ON b.account = x.account AND b.organization_id IS NOT DISTINCT FROM x.organization_id
          WHERE coalesce(b.amount, 0) <> coalesce(x.amount, 0)",
    ),
    (
        "every statement reproduces",
        "WITH days AS (
             SELECT organization_id, (created_at AT TIME ZONE INTERVAL '+03:00')::date AS day,
                    coalesce(sum(amount) FILTER (WHERE kind = 'payment'), 0) AS payments,
                    count(*) FILTER (WHERE kind = 'payment') AS payments_count,
                    coalesce(-sum(amount) FILTER (WHERE kind = 'refund'), 0) AS refunds,
                    count(*) FILTER (WHERE kind = 'refund') AS refunds_count,
                    sum(fee) AS fees,
                    coalesce(-sum(amount) FILTER (WHERE kind = 'payout'), 0) AS payouts,
                    count(*) FILTER (WHERE kind = 'payout') AS payouts_count,
                    sum(net) AS net
               FROM ledger_postings WHERE operation_id IS NOT NULL GROUP BY 1, 2)
         SELECT format('statement %s %s: stored %s/%s/%s/%s/%s/%s/%s/%s, rebuilt %s/%s/%s/%s/%s/%s/%s/%s', s.organization_id, s.day,
                       s.payments, s.payments_count, s.refunds, s.refunds_count, s.fees, s.payouts, s.payouts_count,
                       s.closing_balance - s.opening_balance,
                       coalesce(d.payments, 0), coalesce(d.payments_count, 0), coalesce(d.refunds, 0), coalesce(d.refunds_count, 0),
                       coalesce(d.fees, 0), coalesce(d.payouts, 0), coalesce(d.payouts_count, 0), coalesce(d.net, 0))
           FROM statements s LEFT JOIN days d ON d.organization_id = s.organization_id AND d.day = s.day
          WHERE s.payments <> coalesce(d.payments, 0) OR s.payments_count <> coalesce(d.payments_count, 0)
             OR s.refunds <> coalesce(d.refunds, 0) OR s.refunds_count <> coalesce(d.refunds_count, 0)
             OR s.fees <> coalesce(d.fees, 0) OR s.payouts <> coalesce(d.payouts, 0)
             OR s.payouts_count <> coalesce(d.payouts_count, 0) OR s.closing_balance - s.opening_balance <> coalesce(d.net, 0)",
    ),
    (
        "every statement opens with the day before's close",
        "SELECT format('statement %s %s opens with %s, expected %s', s.organization_id, s.day, s.opening_balance, x.expected)
           FROM statements s
           CROSS JOIN LATERAL (
               SELECT coalesce(
                   (SELECT closing_balance FROM statements p WHERE p.organization_id = s.organization_id AND p.day = s.day - 1),
                   (SELECT coalesce(sum(net), 0) FROM ledger_postings
                     WHERE organization_id = s.organization_id AND operation_id IS NOT NULL
                       AND created_at < (s.day::timestamp AT TIME ZONE INTERVAL '+03:00'))) AS expected) x
          WHERE s.opening_balance <> x.expected",
    ),
];

pub async fn run(db: &PgPool) -> anyhow::Result<Report> {
    let started = Instant::now();
    let mut report = Report::default();
    (report.postings, report.entries, report.operations, report.statements) = sqlx::query_as(&format!(
        "SELECT (SELECT count(*) FROM ledger_postings), (SELECT count(*) FROM ledger_entries),
                (SELECT count(*) FROM ({EXPECTED}) x), (SELECT count(*) FROM statements)"
    ))
    .fetch_one(db)
    .await?;
    for (name, query) in CHECKS {
        let query = query.replace("EXPECTED", EXPECTED);
        let (count, examples): (i64, Vec<String>) = sqlx::query_as(&format!(
            "WITH found AS ({query}) SELECT (SELECT count(*) FROM found),
                    coalesce((SELECT array_agg(f) FROM (SELECT * FROM found LIMIT {EXAMPLES}) l (f)), '{{}}')"
        ))
        .fetch_one(db)
        .await?;
        report.problems.push((name, count, examples));
    }
    report.elapsed = started.elapsed();
    Ok(report)
}
