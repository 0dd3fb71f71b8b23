//! The ledger over HTTP against a real database: balances and balance transactions as the
//! contract's «Balance» says, postings only on success, two-stage payments posted at capture,
//! daily statements (immutable, reproducible, downloadable as xlsx), the database refusing an
//! unbalanced or edited posting, and `ledger verify` catching a ledger that disagrees.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use clickpay::domain::clock::Clock;
use serde_json::json;
use shared::Role;
use time::Duration;

use crate::helpers::{Merchant, TestApp, assert_error, json, payment_body, spawn_app};

async fn balance(m: &Merchant) -> (String, String) {
    let b = json(m.get("/balance").await).await;
    assert_eq!((b["object"].as_str(), b["currency"].as_str()), (Some("balance"), Some("RUB")), "{b}");
    (b["available"].as_str().expect("available").to_owned(), b["pending"].as_str().expect("pending").to_owned())
}

async fn payout(m: &Merchant, card: &str, amount: &str) -> serde_json::Value {
    let res = m
        .post(
            "/payouts",
            json!({"amount": amount, "currency": "RUB", "order_id": "w-1", "card": {"number": card, "holder": "IVAN IVANOV"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    json(res).await
}

async fn verify(app: &TestApp) -> clickpay::ledger::verify::Report {
    clickpay::ledger::verify::run(&app.db).await.expect("verify")
}

/// A payment of 10 000.00 (fee 115.00), a refund of 4 000.00 and a payout of 1 500.00 (fee 45.00).
async fn a_day_of_business(m: &Merchant) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    let pay = m.pay("4242424242424242", "10000.00").await;
    let res =
        m.post(&format!("/payments/{}/refunds", pay["id"].as_str().expect("id")), json!({"amount": "4000.00"})).await;
    assert_eq!(res.status(), 201);
    let refund = json(res).await;
    let out = payout(m, "4242424242424242", "1500.00").await;
    (pay, refund, out)
}

#[tokio::test]
async fn the_balance_follows_payments_refunds_and_payouts_as_the_contract_says() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    assert_eq!(balance(&m).await, ("0.00".to_owned(), "0.00".to_owned()));
    let (pay, refund, out) = a_day_of_business(&m).await;
    // The payment's net waits for the next Moscow day; the refund and the payout leave at once.
    assert_eq!(balance(&m).await, ("-5545.00".to_owned(), "9885.00".to_owned()));

    let list = json(m.get("/balance-transactions").await).await;
    assert_eq!(list["object"], "list");
    let data = list["data"].as_array().expect("data");
    let shown: Vec<_> = data
        .iter()
        .map(|t| {
            (
                t["type"].as_str().expect("type"),
                t["amount"].as_str().expect("amount"),
                t["fee"].as_str().expect("fee"),
                t["net"].as_str().expect("net"),
                t["source"].as_str().expect("source"),
                t["available_on"].as_str().expect("available_on"),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("payout", "-1500.00", "45.00", "-1545.00", out["id"].as_str().expect("id"), "2026-11-28"),
            ("refund", "-4000.00", "0.00", "-4000.00", refund["id"].as_str().expect("id"), "2026-11-28"),
            ("payment", "10000.00", "115.00", "9885.00", pay["id"].as_str().expect("id"), "2026-11-29"),
        ]
    );
    for t in data {
        assert_eq!((t["object"].as_str(), t["currency"].as_str()), (Some("balance_transaction"), Some("RUB")));
        let one = json(m.get(&format!("/balance-transactions/{}", t["id"].as_str().expect("id"))).await).await;
        assert_eq!(&one, t);
    }
    // Filters and pages, as every list.
    let refunds = json(m.get("/balance-transactions?type=refund").await).await;
    assert_eq!(refunds["data"].as_array().map(Vec::len), Some(1));
    let first = json(m.get("/balance-transactions?limit=1").await).await;
    assert_eq!(first["has_more"], true);
    let after = first["data"][0]["id"].as_str().expect("id");
    let next = json(m.get(&format!("/balance-transactions?limit=2&starting_after={after}")).await).await;
    assert_eq!(next["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(next["has_more"], false);
    let later = json(m.get("/balance-transactions?created_gte=2026-11-29T00:00:00Z").await).await;
    assert_eq!(later["data"].as_array().map(Vec::len), Some(0));
    assert_error(m.get("/balance-transactions?type=capture").await, 400, "invalid_request").await;
    assert_error(m.get("/balance-transactions?status=succeeded").await, 400, "invalid_request").await;
    assert_error(m.get("/balance-transactions?limit=0").await, 400, "invalid_request").await;

    // Another organization sees none of it.
    let (_, other) = app.merchant_of_new_org().await;
    assert_eq!(balance(&other).await, ("0.00".to_owned(), "0.00".to_owned()));
    let id = data[0]["id"].as_str().expect("id");
    assert_error(other.get(&format!("/balance-transactions/{id}")).await, 404, "not_found").await;
    assert_error(other.get("/balance-transactions/not-an-id").await, 404, "not_found").await;

    // The next Moscow day the payment is available.
    app.clock.advance(Duration::days(1));
    assert_eq!(balance(&m).await, ("4340.00".to_owned(), "0.00".to_owned()));
    assert!(verify(&app).await.ok(), "{}", verify(&app).await.render());
}

#[tokio::test]
async fn only_success_posts_and_a_two_stage_payment_posts_at_its_capture() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    // Declined: nothing. A refund that fails: nothing, and the reservation is given back.
    let declined = m.pay("4000000000000002", "500.00").await;
    assert_eq!(declined["status"], "failed");
    let refused = m.pay("4000000000005126", "1000.00").await;
    let res = m.post(&format!("/payments/{}/refunds", refused["id"].as_str().expect("id")), json!({})).await;
    assert_eq!(json(res).await["status"], "failed");
    // Held: nothing until it is captured, then the captured part and the fee on it.
    let mut body = payment_body("4242424242424242", "10000.00");
    body["capture"] = json!(false);
    let held = json(m.post("/payments", body).await).await;
    assert_eq!(held["status"], "authorized");
    let kinds = |v: serde_json::Value| -> Vec<(String, String)> {
        v["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|t| (t["source"].as_str().expect("s").to_owned(), t["amount"].as_str().expect("a").to_owned()))
            .collect()
    };
    let before = kinds(json(m.get("/balance-transactions").await).await);
    assert_eq!(before, vec![(refused["id"].as_str().expect("id").to_owned(), "1000.00".to_owned())]);
    let id = held["id"].as_str().expect("id");
    let captured = json(m.post(&format!("/payments/{id}/capture"), json!({"amount": "6000.00"})).await).await;
    assert_eq!(captured["status"], "succeeded");
    let after = json(m.get("/balance-transactions?limit=1").await).await;
    let t = &after["data"][0];
    assert_eq!(
        (t["source"].as_str(), t["amount"].as_str(), t["fee"].as_str(), t["net"].as_str()),
        (Some(id), Some("6000.00"), Some("69.00"), Some("5931.00"))
    );
    let (available, pending) = balance(&m).await;
    assert_eq!((available.as_str(), pending.as_str()), ("0.00", "6886.00"), "955.00 + 5931.00 pending");
    // A released hold posts nothing.
    let mut body = payment_body("4242424242424242", "300.00");
    body["capture"] = json!(false);
    let hold = json(m.post("/payments", body).await).await;
    let res = m.post(&format!("/payments/{}/cancel", hold["id"].as_str().expect("id")), json!({})).await;
    assert_eq!(json(res).await["status"], "canceled");
    assert_eq!(json(m.get("/balance-transactions").await).await["data"].as_array().map(Vec::len), Some(2));
    assert!(verify(&app).await.ok(), "{}", verify(&app).await.render());
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

#[tokio::test]
async fn each_day_gets_one_statement_that_reproduces_and_downloads_with_its_figures() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    a_day_of_business(&m).await;
    // Not before the day is over and the grace has passed (00:10 Moscow time).
    assert!(!clickpay::ledger::statements::pass(&app.state).await.expect("pass"));
    app.clock.advance(Duration::hours(9) + Duration::minutes(5)); // 00:05 Moscow time
    clickpay::ledger::statements::pass(&app.state).await.expect("pass");
    let count = || async { sqlx::query_scalar::<_, i64>("SELECT count(*) FROM statements").fetch_one(&app.db).await };
    assert_eq!(count().await.expect("count"), 0, "the grace window holds it back");
    app.clock.advance(Duration::minutes(6));
    clickpay::ledger::statements::pass(&app.state).await.expect("pass");
    assert_eq!(count().await.expect("count"), 1);
    clickpay::ledger::statements::pass(&app.state).await.expect("pass");
    assert_eq!(count().await.expect("count"), 1, "built once");

    let partner = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;
    let list = json(partner.get(&format!("/organizations/{org}/statements?from=2026-11-01&to=2026-11-30")).await).await;
    let s = &list["data"][0];
    assert_eq!(
        (
            s["day"].as_str(),
            s["opening_balance"].as_str(),
            s["payments"].as_str(),
            s["payments_count"].as_i64(),
            s["refunds"].as_str(),
            s["fees"].as_str(),
            s["payouts"].as_str(),
            s["closing_balance"].as_str(),
            s["operations_count"].as_i64(),
        ),
        (
            Some("2026-11-28"),
            Some("0.00"),
            Some("10000.00"),
            Some(1),
            Some("4000.00"),
            Some("160.00"),
            Some("1500.00"),
            Some("4340.00"),
            Some(3)
        )
    );
    // Closing the day moved the payment to available and the fees to the gateway's income.
    let accounts: Vec<(Option<String>, String, rust_decimal::Decimal)> = sqlx::query_as(
        "SELECT organization_id::text, account, sum(amount) FROM ledger_entries GROUP BY 1, 2 ORDER BY 2",
    )
    .fetch_all(&app.db)
    .await
    .expect("accounts");
    let of = |a: &str| accounts.iter().find(|(_, acc, _)| acc == a).map(|(_, _, v)| v.normalize().to_string());
    assert_eq!(of("pending").as_deref(), Some("0"));
    assert_eq!(of("available").as_deref(), Some("4340"));
    assert_eq!(of("fees").as_deref(), Some("0"));
    assert_eq!(of("fee_revenue").as_deref(), Some("160"));
    assert_eq!(of("bank_clearing").as_deref(), Some("-4500"));
    let cab_balance = json(partner.get(&format!("/organizations/{org}/balance")).await).await;
    assert_eq!(cab_balance, json!({"available": "4340.00", "pending": "0.00", "last_statement": "2026-11-28"}));

    // The xlsx: typed cells, and formulas that carry their values for readers that don't calculate.
    let res = partner.get(&format!("/organizations/{org}/statements/2026-11-28.xlsx")).await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.expect("bytes");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
    let act = book.worksheet_range("Акт сверки").expect("act");
    assert_eq!(cell(&act, 6, 1), Data::Float(0.0));
    assert_eq!(cell(&act, 7, 1), Data::Float(10000.0));
    assert_eq!(cell(&act, 7, 2), Data::Float(1.0));
    assert_eq!(cell(&act, 9, 1), Data::Float(160.0));
    let closing = match cell(&act, 11, 1) {
        Data::Float(f) => f,
        Data::String(s) => s.parse().expect("number"),
        other => panic!("closing balance cell: {other:?}"),
    };
    assert_eq!(closing, 4340.0);
    let formulas = book.worksheet_formula("Акт сверки").expect("formulas");
    assert_eq!(formulas.get_value((11, 1)).map(String::as_str), Some("B7+B8-B9-B10-B11"));
    let register = book.worksheet_range("Реестр").expect("register");
    assert_eq!(register.height(), 5, "header, three transactions, totals");
    assert!(matches!(cell(&register, 1, 0), Data::DateTime(_)), "{:?}", cell(&register, 1, 0));
    assert_eq!(cell(&register, 1, 2), Data::String("Платёж".to_owned()));
    let net_total = match cell(&register, 4, 5) {
        Data::Float(f) => f,
        Data::String(s) => s.parse().expect("number"),
        other => panic!("net total: {other:?}"),
    };
    assert_eq!(net_total, 4340.0);

    // Immutable, and a rebuild reproduces it.
    let day = time::macros::date!(2026 - 11 - 28);
    assert!(sqlx::query("UPDATE statements SET fees = 0").execute(&app.db).await.is_err());
    let stored = clickpay::ledger::statements::get(&app.db, org, day).await.expect("get").expect("stored");
    let mut conn = app.db.acquire().await.expect("conn");
    let rebuilt = clickpay::ledger::statements::compute(&mut conn, org, day, app.clock.now()).await.expect("rebuild");
    assert!(rebuilt.same_figures(&stored), "{rebuilt:?} vs {stored:?}");
    assert!(verify(&app).await.ok(), "{}", verify(&app).await.render());

    // Out of scope is 404; a day without a statement is 404; bad dates are 400.
    let stranger = app.cabinet(&app.create_user(Role::Partner, &[]).await).await;
    assert_error(stranger.get(&format!("/organizations/{org}/statements")).await, 404, "not_found").await;
    assert_error(stranger.get(&format!("/organizations/{org}/balance")).await, 404, "not_found").await;
    assert_error(partner.get(&format!("/organizations/{org}/statements/2026-11-27.xlsx")).await, 404, "not_found")
        .await;
    assert_error(
        partner.get(&format!("/organizations/{org}/statements?from=2026-13-01")).await,
        400,
        "invalid_request",
    )
    .await;
    assert_error(
        partner.get(&format!("/organizations/{org}/statements?from=2024-01-01&to=2026-11-30")).await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn the_database_refuses_an_unbalanced_posting_and_any_edit() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    m.pay("4242424242424242", "100.00").await;
    let mut tx = app.db.begin().await.expect("tx");
    let id = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO ledger_postings (id, kind, organization_id, amount, fee, net, created_at, available_on)
         VALUES ($1, 'release', $2, 10, 0, 0, now(), current_date)",
    )
    .bind(id)
    .bind(org)
    .execute(&mut *tx)
    .await
    .expect("posting");
    sqlx::query(
        "INSERT INTO ledger_entries (posting_id, organization_id, account, amount) VALUES ($1, $2, 'available', 10)",
    )
    .bind(id)
    .bind(org)
    .execute(&mut *tx)
    .await
    .expect("one leg");
    let refused = tx.commit().await.expect_err("an unbalanced posting never commits");
    assert!(refused.to_string().contains("does not balance"), "{refused}");
    // Not even with a temporary table of the same name standing in front of the real one.
    let mut tx = app.db.begin().await.expect("tx");
    let id = uuid::Uuid::now_v7();
    sqlx::raw_sql(&format!(
        "CREATE TEMP TABLE ledger_entries (posting_id uuid, amount numeric) ON COMMIT DROP;
         INSERT INTO pg_temp.ledger_entries VALUES ('{id}', 10), ('{id}', -10);
         INSERT INTO public.ledger_postings (id, kind, organization_id, amount, fee, net, created_at, available_on)
         VALUES ('{id}', 'release', '{org}', 10, 0, 0, now(), current_date);
         INSERT INTO public.ledger_entries (posting_id, organization_id, account, amount) VALUES ('{id}', '{org}', 'available', 10);"
    ))
    .execute(&mut *tx)
    .await
    .expect("shadowed");
    assert!(tx.commit().await.is_err(), "the check reads the real entries");
    for edit in [
        "UPDATE ledger_entries SET amount = amount + 1",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_postings SET fee = 0",
        "DELETE FROM ledger_postings",
        "TRUNCATE ledger_entries",
    ] {
        assert!(sqlx::query(edit).execute(&app.db).await.is_err(), "{edit} must be refused");
    }
}

#[tokio::test]
async fn ledger_verify_finds_an_operation_that_disagrees_with_its_posting() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let pay = m.pay("4242424242424242", "100.00").await;
    let report = verify(&app).await;
    assert!(report.ok(), "{}", report.render());
    assert_eq!((report.operations, report.postings), (1, 1));
    // A bug (or a hand edit) that changes what was charged after the fact.
    sqlx::query("UPDATE operations SET captured_amount = 90.00 WHERE id = $1::uuid")
        .bind(pay["id"].as_str().expect("id"))
        .execute(&app.db)
        .await
        .expect("edit");
    let report = verify(&app).await;
    assert!(!report.ok());
    let (_, n, examples) = report
        .problems
        .iter()
        .find(|(name, _, _)| *name == "every succeeded operation posted, exactly")
        .expect("check");
    assert_eq!(*n, 1);
    assert!(examples[0].contains(pay["id"].as_str().expect("id")), "{examples:?}");
}

#[tokio::test]
async fn the_migrations_back_fill_posts_what_live_operations_post() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let (pay, _, _) = a_day_of_business(&m).await;
    m.post(&format!("/payments/{}/refunds", pay["id"].as_str().expect("id")), json!({"amount": "1.00"})).await;
    m.pay("4000000000000002", "500.00").await;
    let mut body = payment_body("4242424242424242", "10000.00");
    body["capture"] = json!(false);
    let held = json(m.post("/payments", body).await).await;
    m.post(&format!("/payments/{}/capture", held["id"].as_str().expect("id")), json!({"amount": "2500.50"})).await;
    app.clock.advance(Duration::hours(3));
    payout(&m, "2200000000000004", "10.00").await;

    type Posted = (uuid::Uuid, String, rust_decimal::Decimal, rust_decimal::Decimal, rust_decimal::Decimal, time::Date);
    let snapshot = || async {
        sqlx::query_as::<_, Posted>(
            "SELECT operation_id, kind, amount, fee, net, available_on FROM ledger_postings ORDER BY operation_id",
        )
        .fetch_all(&app.db)
        .await
        .expect("postings")
    };
    let live = snapshot().await;
    assert_eq!(live.len(), 6, "{live:?}");
    // Forget the ledger (as the owner, past its guards) and let the migration's back-fill
    // rebuild it from the operations alone.
    sqlx::raw_sql(
        "ALTER TABLE ledger_entries DISABLE TRIGGER USER; ALTER TABLE ledger_postings DISABLE TRIGGER USER;
         TRUNCATE ledger_entries, ledger_postings;",
    )
    .execute(&app.db)
    .await
    .expect("reset");
    let posted: i64 =
        sqlx::query_scalar("SELECT ledger_post_missing(NULL, NULL, NULL)").fetch_one(&app.db).await.expect("back-fill");
    assert_eq!(posted, 6);
    sqlx::raw_sql("ALTER TABLE ledger_entries ENABLE TRIGGER USER; ALTER TABLE ledger_postings ENABLE TRIGGER USER;")
        .execute(&app.db)
        .await
        .expect("guards back");
    assert_eq!(snapshot().await, live);
    let report = verify(&app).await;
    assert!(report.ok(), "{}", report.render());
}

#[tokio::test]
async fn a_posting_stamped_in_a_stated_day_goes_to_the_next_and_a_missing_one_is_caught_up() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let first = m.pay("4242424242424242", "1000.00").await;
    // The 28th is stated at 00:11 on the 29th (Moscow).
    app.clock.advance(Duration::hours(9) + Duration::minutes(11));
    clickpay::ledger::statements::pass(&app.state).await.expect("pass");
    // A node whose clock is 15 minutes behind finishes a payment "on the 28th".
    app.clock.advance(Duration::minutes(-15));
    let late = m.pay("4242424242424242", "2000.00").await;
    app.clock.advance(Duration::minutes(15));
    let moved = json(m.get("/balance-transactions?limit=1").await).await;
    let t = &moved["data"][0];
    assert_eq!(t["source"], late["id"]);
    assert_eq!(
        (t["created_at"].as_str(), t["available_on"].as_str()),
        (Some("2026-11-28T21:00:00Z"), Some("2026-11-30"))
    );
    // A payment that succeeded on a node that never posted it (the version before the ledger).
    let lost = m.pay("4242424242424242", "300.00").await;
    sqlx::raw_sql(&format!(
        "ALTER TABLE ledger_entries DISABLE TRIGGER USER; ALTER TABLE ledger_postings DISABLE TRIGGER USER;
         DELETE FROM ledger_entries WHERE posting_id = (SELECT id FROM ledger_postings WHERE operation_id = '{0}');
         DELETE FROM ledger_postings WHERE operation_id = '{0}';
         ALTER TABLE ledger_entries ENABLE TRIGGER USER; ALTER TABLE ledger_postings ENABLE TRIGGER USER;",
        lost["id"].as_str().expect("id")
    ))
    .execute(&app.db)
    .await
    .expect("forget a posting");
    assert!(!verify(&app).await.ok(), "verify sees the operation without its posting");
    // The 29th is stated: it counts the late payment once, and posts the lost one first.
    app.clock.advance(Duration::days(1));
    clickpay::ledger::statements::pass(&app.state).await.expect("pass");
    let list = json(
        app.cabinet(&app.create_user(Role::Partner, &[org]).await)
            .await
            .get(&format!("/organizations/{org}/statements?from=2026-11-28&to=2026-11-29"))
            .await,
    )
    .await;
    let days: Vec<_> = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|s| {
            (
                s["day"].as_str().map(str::to_owned),
                s["payments"].as_str().map(str::to_owned),
                s["payments_count"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        days,
        vec![
            (Some("2026-11-28".to_owned()), Some("1000.00".to_owned()), Some(1)),
            (Some("2026-11-29".to_owned()), Some("2300.00".to_owned()), Some(2)),
        ]
    );
    assert_eq!(first["status"], "succeeded");
    let report = verify(&app).await;
    assert!(report.ok(), "{}", report.render());
}
