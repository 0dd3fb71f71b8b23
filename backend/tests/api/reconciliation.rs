//! Reconciliation against the real sandbox bank's register: every kind of mismatch injected
//! over one day is found with its kind and both sides' figures, what recovery can settle is
//! settled through settlement, a run again changes nothing, the grace window holds across
//! midnight, the schedule runs yesterday once, and only staff read, run and resolve (audited).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use clickpay::configuration::Settings;
use clickpay::db::operations::{self, Change};
use clickpay::domain::clock::Clock;
use clickpay::reconciliation::{day_bounds, moscow_day};
use clickpay::sandbox_bank::wire::FaultRule;
use serde_json::{Value, json};
use shared::{OperationStatus, Role};
use time::{Date, Duration, OffsetDateTime};

use crate::bank::unique_card;
use crate::clients::{Cabinet, Merchant};
use crate::helpers::{TestApp, assert_error, json as body_of, spawn_app_with};
use crate::two_stage::hold;

/// The card whose answer comes too late: its payment waits in `processing`.
const LATE_CARD: &str = "4000000000000119";

/// An app whose bank calls carry a label of its own (so its register holds its bookings only),
/// its clock set to the real time, as the bank's is.
async fn app_on_bank_time(adjust: impl FnOnce(&mut Settings)) -> (TestApp, String) {
    let label = format!("recon-{}", uuid::Uuid::new_v4().simple());
    let own = label.clone();
    let app = spawn_app_with(move |s| {
        s.acquirer.label = Some(own);
        adjust(s);
    })
    .await;
    app.clock.advance(OffsetDateTime::now_utc() - app.clock.now());
    (app, label)
}

/// Waits past Moscow midnight when it is less than two minutes away, so a test's bookings fall
/// on one day.
async fn clear_of_midnight() {
    let now = OffsetDateTime::now_utc();
    let left = day_bounds(moscow_day(now)).end - now;
    if left < Duration::minutes(2) {
        tokio::time::sleep((left + Duration::seconds(2)).unsigned_abs()).await;
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn run(admin: &Cabinet, day: Date) -> Value {
    let res = admin.post(&format!("/admin/reconciliation/days/{day}/run"), json!({})).await;
    assert_eq!(res.status(), 200, "run of {day}");
    body_of(res).await
}

/// `(reference, type, kind)` of the result's discrepancies in `status`, sorted.
fn listed(result: &Value, status: &str) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = result["discrepancies"]
        .as_array()
        .expect("discrepancies")
        .iter()
        .filter(|d| d["status"] == status)
        .map(|d| {
            let s = |k: &str| d[k].as_str().expect(k).to_owned();
            (s("reference"), s("type"), s("kind"))
        })
        .collect();
    out.sort();
    out
}

fn discrepancy<'a>(result: &'a Value, reference: &str) -> &'a Value {
    result["discrepancies"]
        .as_array()
        .expect("discrepancies")
        .iter()
        .find(|d| d["reference"] == reference)
        .unwrap_or_else(|| panic!("no discrepancy of {reference} in {result}"))
}

async fn resolve(who: &Cabinet, discrepancy: &str, body: Value) -> reqwest::Response {
    who.post(&format!("/admin/reconciliation/discrepancies/{discrepancy}/resolve"), body).await
}

fn entry(reference: &str, booking: &str, kind: &str) -> (String, String, String) {
    (reference.to_owned(), booking.to_owned(), kind.to_owned())
}

async fn fault(app: &TestApp, label: &str, card: &str, rule: Value) {
    let mut rule: FaultRule = serde_json::from_value(rule).expect("rule");
    rule.cards = vec![card.to_owned()];
    app.bank.set_fault(&format!("{label}-{card}"), rule).await;
}

/// Operations whose register lines agree, of every kind the rule covers.
async fn agreeing_operations(m: &Merchant) {
    assert_eq!(m.pay("4242424242424242", "100.00").await["status"], "succeeded");
    let refunded = m.pay(&unique_card(), "300.00").await;
    let refund = m.post(&format!("/payments/{}/refunds", id(&refunded)), json!({"amount": "120.00"})).await;
    assert_eq!(body_of(refund).await["status"], "succeeded");
    let payout =
        json!({"amount": "1500.00", "currency": "RUB", "card": {"number": unique_card(), "holder": "IVAN IVANOV"}});
    assert_eq!(body_of(m.post("/payouts", payout).await).await["status"], "succeeded");
    let captured = hold(m, &unique_card(), "10000.00").await;
    let res = m.post(&format!("/payments/{}/capture", id(&captured)), json!({"amount": "6000.00"})).await;
    assert_eq!(body_of(res).await["status"], "succeeded");
    let released = hold(m, &unique_card(), "500.00").await;
    assert_eq!(
        body_of(m.post(&format!("/payments/{}/cancel", id(&released)), json!({})).await).await["status"],
        "canceled"
    );
    assert_eq!(m.pay("4000000000000002", "50.00").await["status"], "failed");
}

/// A gateway bug: a payment moved to `succeeded` (as the flows move it, history and all)
/// without a word to the bank.
async fn succeed_without_the_bank(app: &TestApp, payment: &str) {
    let mut tx = app.db.begin().await.expect("tx");
    let row = operations::lock(&mut tx, payment.parse().expect("id")).await.expect("lock").expect("payment");
    let change = Change {
        bank_name: Some("АО БАНК «СНГБ»".into()),
        bank_transaction_id: Some("999999999999".into()),
        executed_at: Some(app.clock.now()),
        ..Default::default()
    };
    operations::transition(&mut tx, &row, OperationStatus::Succeeded, change, app.clock.now()).await.expect("move");
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn each_kind_of_mismatch_over_a_day_is_found_and_what_recovery_can_settle_is_settled() {
    clear_of_midnight().await;
    let (app, label) = app_on_bank_time(|_| {}).await;
    let (_, m) = app.merchant_of_new_org().await;
    let admin = app.admin().await;
    let today = moscow_day(app.clock.now());
    agreeing_operations(&m).await;

    // The bank's file disagrees: another amount, a line left out.
    let (short_card, lost_card) = (unique_card(), unique_card());
    fault(&app, &label, &short_card, json!({"book_amount_delta": "-10.00"})).await;
    fault(&app, &label, &lost_card, json!({"omit_from_register_rate": 1.0})).await;
    let short = id(&m.pay(&short_card, "100.00").await);
    let lost = id(&m.pay(&lost_card, "70.00").await);
    // An answer the gateway never got: the payment waits, the register holds it.
    let late = m.pay(LATE_CARD, "40.00").await;
    assert_eq!(late["status"], "processing");
    let late = id(&late);
    // Gateway bugs: a payment charged without the bank, one the bank charged recorded failed,
    // one under another bank transaction id.
    let hosted = m
        .post(
            "/payments",
            json!({"type": "ecom", "amount": "25.00", "currency": "RUB", "return_url": "https://shop.example/r"}),
        )
        .await;
    let hosted = id(&body_of(hosted).await);
    succeed_without_the_bank(&app, &hosted).await;
    let charged = id(&m.pay(&unique_card(), "80.00").await);
    sqlx::query(
        "UPDATE operations SET status = 'failed', captured_amount = NULL, fee = 0, fee_service = 0, fee_bank = 0,
                error_code = 'card_declined', error_message = 'The card was declined.' WHERE id = $1::uuid",
    )
    .bind(&charged)
    .execute(&app.db)
    .await
    .expect("edit");
    let other_id = id(&m.pay(&unique_card(), "60.00").await);
    sqlx::query("UPDATE operations SET bank_transaction_id = '000000000000' WHERE id = $1::uuid")
        .bind(&other_id)
        .execute(&app.db)
        .await
        .expect("edit");
    // The bank booked for this gateway what it never asked for.
    let stranger = uuid::Uuid::now_v7().to_string();
    let card = json!({"number": unique_card()});
    let body = json!({"reference": stranger, "type": "debit", "amount": "10.00", "currency": "RUB", "card": card});
    app.bank.post_as(&label, "/v1/authorize", body).await;
    // Past the late payment's first check: settlement may ask the bank about it.
    app.clock.advance(Duration::minutes(1));

    let result = run(&admin, today).await;
    let r = &result["runs"][0];
    assert_eq!((r["status"].as_str(), r["trigger"].as_str()), (Some("completed"), Some("manual")), "{r}");
    // 14 lines: 9 agree (a debit, a debit and its refund, a credit, two holds with their capture
    // and release, a decline); 4 disagree; 1 was settled.
    let counts = (&r["bank_lines"], &r["matched"], &r["settled"], &r["mismatched"]);
    assert_eq!(counts, (&json!(14), &json!(9), &json!(1), &json!(6)), "{r}");
    assert_eq!(r["grace_minutes"], 10);
    let mut expected = vec![
        entry(&short, "debit", "amount_differs"),
        entry(&lost, "debit", "missing_at_bank"),
        entry(&hosted, "debit", "missing_at_bank"),
        entry(&charged, "debit", "status_differs"),
        entry(&other_id, "debit", "bank_id_differs"),
        entry(&stranger, "debit", "missing_at_gateway"),
    ];
    expected.sort();
    assert_eq!(listed(&result, "open"), expected);
    assert_eq!(result["open"], 6);

    // Both sides' figures.
    let d = discrepancy(&result, &short);
    assert_eq!((d["bank"]["amount"].as_str(), d["gateway"]["amount"].as_str()), (Some("90.00"), Some("100.00")));
    assert_eq!(d["gateway"]["status"], "succeeded");
    let d = discrepancy(&result, &lost);
    assert!(d["bank"].is_null() && d["gateway"]["amount"] == "70.00", "{d}");
    let d = discrepancy(&result, &stranger);
    assert!(d["gateway"].is_null() && d["bank"]["amount"] == "10.00" && d["bank"]["status"] == "approved", "{d}");
    let d = discrepancy(&result, &charged);
    assert_eq!((d["bank"]["status"].as_str(), d["gateway"]["status"].as_str()), (Some("approved"), Some("failed")));

    // Settled through settlement: succeeded as the bank booked it, asked about, never sent again.
    let settled = discrepancy(&result, &late);
    assert_eq!(
        (settled["status"].as_str(), settled["gateway"]["status"].as_str()),
        (Some("settled"), Some("succeeded"))
    );
    assert!(settled["closed_at"].is_string() && settled["closed_by"].is_null());
    let payment = body_of(m.get(&format!("/payments/{late}")).await).await;
    assert_eq!(payment["status"], "succeeded");
    assert_eq!(app.bank.requests(&late, "debit").await, 1, "one booking, however it was settled");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'reconciliation.settled' AND target_id = $1 AND actor_user_id IS NULL",
    )
    .bind(&late)
    .fetch_one(&app.db)
    .await
    .expect("audit");
    assert_eq!(audited, 1);

    // Running the day again finds the same, updates the same rows, and settles nothing twice.
    let before: Vec<String> = sqlx::query_scalar("SELECT id::text FROM reconciliation_discrepancies ORDER BY id")
        .fetch_all(&app.db)
        .await
        .expect("ids");
    let again = run(&admin, today).await;
    assert_eq!(listed(&again, "open"), expected);
    assert_eq!(listed(&again, "settled").len(), 1);
    let r = &again["runs"][0];
    assert_eq!((&r["matched"], &r["settled"], &r["mismatched"]), (&json!(10), &json!(0), &json!(6)), "{r}");
    assert_eq!(again["runs"].as_array().map(Vec::len), Some(2));
    let after: Vec<String> = sqlx::query_scalar("SELECT id::text FROM reconciliation_discrepancies ORDER BY id")
        .fetch_all(&app.db)
        .await
        .expect("ids");
    assert_eq!(before, after, "no discrepancy is repeated");
    let open_list = body_of(admin.get("/admin/reconciliation/discrepancies").await).await;
    assert_eq!(open_list["data"].as_array().map(Vec::len), Some(6));
}

#[tokio::test]
async fn resolving_needs_staff_and_a_comment_is_audited_and_stays_resolved() {
    clear_of_midnight().await;
    let (app, label) = app_on_bank_time(|_| {}).await;
    let (org, m) = app.merchant_of_new_org().await;
    let admin_user = app.create_user(Role::Admin, &[]).await;
    let admin = app.cabinet(&admin_user).await;
    let partner = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;
    let today = moscow_day(app.clock.now());
    let short_card = unique_card();
    fault(&app, &label, &short_card, json!({"book_amount_delta": "0.01"})).await;
    let short = id(&m.pay(&short_card, "100.00").await);
    let other_id = id(&m.pay(&unique_card(), "60.00").await);
    let original: String = sqlx::query_scalar("SELECT bank_transaction_id FROM operations WHERE id = $1::uuid")
        .bind(&other_id)
        .fetch_one(&app.db)
        .await
        .expect("bank id");
    sqlx::query("UPDATE operations SET bank_transaction_id = '000000000000' WHERE id = $1::uuid")
        .bind(&other_id)
        .execute(&app.db)
        .await
        .expect("edit");
    let result = run(&admin, today).await;
    assert_eq!(listed(&result, "open").len(), 2);
    let short_id = id(discrepancy(&result, &short));
    let other = id(discrepancy(&result, &other_id));
    // Partners are refused; bad comments are refused with the field named; nothing changes.
    assert_error(resolve(&partner, &short_id, json!({"comment": "ok"})).await, 403, "forbidden").await;
    for bad in [json!({"comment": "  "}), json!({"comment": "я".repeat(1001)})] {
        let body = assert_error(resolve(&admin, &short_id, bad).await, 400, "invalid_request").await;
        assert_eq!(body["error"]["param"], "comment");
    }
    let body = assert_error(
        resolve(&admin, &short_id, json!({"comment": "x", "status": "open"})).await,
        400,
        "invalid_request",
    )
    .await;
    assert_eq!(body["error"]["param"], "status");
    assert_error(resolve(&admin, &uuid::Uuid::now_v7().to_string(), json!({"comment": "x"})).await, 404, "not_found")
        .await;
    let still: String = sqlx::query_scalar("SELECT status FROM reconciliation_discrepancies WHERE id = $1::uuid")
        .bind(&short_id)
        .fetch_one(&app.db)
        .await
        .expect("status");
    assert_eq!(still, "open");

    let res = resolve(&admin, &short_id, json!({"comment": "  Банк пришлёт исправленный реестр  "})).await;
    assert_eq!(res.status(), 200);
    let resolved = body_of(res).await;
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["comment"], "Банк пришлёт исправленный реестр");
    assert_eq!(resolved["closed_by"], admin_user.login.as_str());
    let (actor, details): (uuid::Uuid, Value) = sqlx::query_as(
        "SELECT actor_user_id, details FROM audit_log WHERE action = 'reconciliation.resolved' AND target_id = $1",
    )
    .bind(&short_id)
    .fetch_one(&app.db)
    .await
    .expect("audited");
    assert_eq!(actor, admin_user.id.0);
    assert_eq!(
        (details["kind"].as_str(), details["reference"].as_str()),
        (Some("amount_differs"), Some(short.as_str()))
    );
    assert_error(resolve(&admin, &short_id, json!({"comment": "again"})).await, 422, "invalid_state").await;
    let rewrite =
        sqlx::query("UPDATE reconciliation_discrepancies SET status = 'open', closed_at = NULL WHERE id = $1::uuid")
            .bind(&short_id)
            .execute(&app.db)
            .await;
    assert!(rewrite.is_err(), "the database keeps a closed discrepancy closed");

    // A run again leaves the resolved one resolved; the one the gateway has mended is cleared.
    sqlx::query("UPDATE operations SET bank_transaction_id = $2 WHERE id = $1::uuid")
        .bind(&other_id)
        .bind(&original)
        .execute(&app.db)
        .await
        .expect("mend");
    let again = run(&admin, today).await;
    assert_eq!(again["open"], 0);
    assert_eq!(listed(&again, "resolved"), [entry(&short, "debit", "amount_differs")]);
    assert_eq!(listed(&again, "cleared"), [entry(&other_id, "debit", "bank_id_differs")]);
    assert_eq!(id(discrepancy(&again, &other_id)), other);
    assert_eq!(again["runs"][0]["mismatched"], 1, "found again, and left resolved");

    // The day as xlsx: typed cells.
    let res = admin.get(&format!("/admin/reconciliation/days/{today}/report.xlsx")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let bytes = res.bytes().await.expect("bytes");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("a real reader opens it");
    assert_eq!(book.sheet_names(), ["Итоги", "Расхождения"]);
    let rows: Vec<Vec<Data>> =
        book.worksheet_range("Расхождения").expect("sheet").rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 3, "the header and both discrepancies");
    let row = rows.iter().find(|r| r[2] == Data::String(short.clone())).expect("the short line");
    assert_eq!(row[0], Data::String("Решено".into()));
    assert_eq!(row[1], Data::String("Расходится сумма".into()));
    assert_eq!((&row[4], &row[12]), (&Data::Float(100.01), &Data::Float(100.0)), "amounts are numbers");
    assert!(matches!(row[8], Data::DateTime(_)), "times are dates: {:?}", row[8]);
    assert_eq!(row[19], Data::String("Банк пришлёт исправленный реестр".into()));
    let summary = book.worksheet_range("Итоги").expect("summary");
    let matched = summary.rows().find(|r| r.first() == Some(&Data::String("Совпало".into()))).expect("matched");
    assert_eq!(matched[1], Data::Float(1.0), "the mended line agrees now");
    let exported: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'reconciliation.exported'")
        .fetch_one(&app.db)
        .await
        .expect("audit");
    assert_eq!(exported, 1);
}

#[tokio::test]
async fn a_booking_either_side_of_midnight_is_no_mismatch_within_the_grace_window() {
    // The bank books by the real clock; the gateway records by its own, set a minute across the
    // Moscow midnight nearest to now: after it when the next is nearer, else before the last.
    let mut now = OffsetDateTime::now_utc();
    let near = |t: OffsetDateTime| {
        let b = day_bounds(moscow_day(t));
        (t - b.start).min(b.end - t) < Duration::minutes(3)
    };
    if near(now) {
        tokio::time::sleep(std::time::Duration::from_secs(6 * 60)).await;
        now = OffsetDateTime::now_utc();
    }
    let bounds = day_bounds(moscow_day(now));
    let (midnight, recorded) = if bounds.end - now < now - bounds.start {
        (bounds.end, bounds.end + Duration::minutes(1))
    } else {
        (bounds.start, bounds.start - Duration::minutes(1))
    };
    let reaching = ((midnight - now).abs() + Duration::minutes(6)).whole_minutes();
    for (grace, found) in [(reaching, false), (1, true)] {
        let (app, label) = app_on_bank_time(|s| s.reconciliation.grace_minutes = grace).await;
        app.clock.advance(recorded - app.clock.now());
        let (_, m) = app.merchant_of_new_org().await;
        let payment = id(&m.pay(&unique_card(), "100.00").await);
        let lines = app.bank.ledger_as(&label).await;
        let (booked_on, recorded_on) = (moscow_day(lines[0].created_at), moscow_day(recorded));
        assert_ne!(booked_on, recorded_on, "the two clocks put it either side of midnight");
        // Both days are past for the gateway; its staff sign in then.
        app.clock.advance(Duration::days(1));
        let admin = app.admin().await;
        let banks = run(&admin, booked_on).await;
        let gateways = run(&admin, recorded_on).await;
        assert_eq!(banks["runs"][0]["matched"], 1, "it counts in the bank's day: {banks}");
        assert!(listed(&banks, "open").is_empty());
        if found {
            // Past the window the gateway's day has an approval its register lacks.
            assert_eq!(listed(&gateways, "open"), [entry(&payment, "debit", "missing_at_bank")]);
        } else {
            assert_eq!(gateways["runs"][0]["bank_lines"], 0);
            assert!(listed(&gateways, "open").is_empty(), "grace {grace} min: {gateways}");
        }
    }
}

#[tokio::test]
async fn the_schedule_runs_yesterday_once_after_the_grace_window_and_on_one_node() {
    clear_of_midnight().await;
    let (app, label) = app_on_bank_time(|_| {}).await;
    let (_, m) = app.merchant_of_new_org().await;
    // Today's payment (the bank books by the real clock, the gateway records at 00:11 today)
    // the bank's file has a kopeck short.
    let card = unique_card();
    fault(&app, &label, &card, json!({"book_amount_delta": "-0.01"})).await;
    let today = moscow_day(app.clock.now());
    let midnight = day_bounds(today).start;
    let pass = || clickpay::workers::reconciliation::pass(&app.state);
    let runs = || async {
        sqlx::query_as::<_, (String, String, String)>(
            "SELECT day::text, trigger, status FROM reconciliation_runs ORDER BY day DESC, started_at",
        )
        .fetch_all(&app.db)
        .await
        .expect("runs")
    };
    app.clock.advance(midnight + Duration::minutes(9) - app.clock.now());
    pass().await.expect("pass");
    assert!(runs().await.is_empty(), "within the grace window nothing runs");
    // Two nodes at once: one runs each day: yesterday, and the week's days that have no run
    // (this gateway is new).
    app.clock.advance(Duration::minutes(2));
    let (a, b) = tokio::join!(pass(), pass());
    a.expect("node a");
    b.expect("node b");
    let week: Vec<(String, String, String)> = (1..=7)
        .map(|back| ((today - Duration::days(back)).to_string(), "schedule".to_owned(), "completed".to_owned()))
        .collect();
    assert_eq!(runs().await, week);
    pass().await.expect("pass");
    assert_eq!(runs().await.len(), 7, "done for the days");
    // Tomorrow's pass reconciles today, and finds it.
    let payment = id(&m.pay(&card, "10.00").await);
    app.clock.advance(Duration::days(1));
    pass().await.expect("pass");
    let latest: (String, i32, i32) = sqlx::query_as(
        "SELECT day::text, bank_lines, mismatched FROM reconciliation_runs ORDER BY started_at DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("run");
    assert_eq!(latest, (today.to_string(), 1, 1));
    let kind: String = sqlx::query_scalar("SELECT kind FROM reconciliation_discrepancies WHERE reference = $1")
        .bind(&payment)
        .fetch_one(&app.db)
        .await
        .expect("found");
    assert_eq!(kind, "amount_differs");
}

#[tokio::test]
async fn a_run_that_cannot_read_the_register_fails_saying_why_and_is_tried_again() {
    // Nothing listens on the discard port.
    let (app, _) = app_on_bank_time(|s| s.acquirer.url = Some("http://127.0.0.1:9".into())).await;
    let admin = app.admin().await;
    let today = moscow_day(app.clock.now());
    let result = run(&admin, today).await;
    let r = &result["runs"][0];
    assert_eq!(r["status"], "failed");
    assert!(r["error"].as_str().is_some_and(|e| e.starts_with("the bank's register could not be read")), "{r}");
    // The schedule waits 15 minutes after a failure before it asks the bank again.
    app.clock.advance(day_bounds(today).end + Duration::minutes(11) - app.clock.now());
    let pass = || clickpay::workers::reconciliation::pass(&app.state);
    pass().await.expect("pass");
    pass().await.expect("pass");
    let failed = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM reconciliation_runs WHERE status = 'failed' AND day = $1")
            .bind(today)
            .fetch_one(&app.db)
            .await
            .expect("count")
    };
    assert_eq!(failed().await, 2, "the manual run and one scheduled try");
    app.clock.advance(Duration::minutes(16));
    pass().await.expect("pass");
    assert_eq!(failed().await, 3);
}

#[tokio::test]
async fn a_day_runs_once_at_a_time_and_a_dead_nodes_run_is_taken_over() {
    let (app, _) = app_on_bank_time(|_| {}).await;
    let admin = app.admin().await;
    let today = moscow_day(app.clock.now());
    let stuck = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO reconciliation_runs (id, day, trigger, status, grace_minutes, started_at, leased_until)
         VALUES ($1, $2, 'schedule', 'running', 10, $3, $4)",
    )
    .bind(stuck)
    .bind(today)
    .bind(app.clock.now())
    .bind(app.clock.now() + Duration::minutes(30))
    .execute(&app.db)
    .await
    .expect("a running run");
    let res = admin.post(&format!("/admin/reconciliation/days/{today}/run"), json!({})).await;
    assert_error(res, 409, "conflict").await;
    app.clock.advance(Duration::minutes(31));
    // Signed in again: the clock moved past the idle timeout.
    let admin = app.admin().await;
    let result = run(&admin, today).await;
    assert_eq!(result["runs"][0]["status"], "completed");
    assert_eq!(result["runs"][1]["status"], "failed");
    assert!(result["runs"][1]["error"].as_str().is_some_and(|e| e.starts_with("abandoned")));
}

#[tokio::test]
async fn days_are_read_as_dates_not_after_today_and_partners_are_refused_everywhere() {
    let (app, _) = app_on_bank_time(|_| {}).await;
    let org = app.create_organization("ООО Ромашка").await;
    let admin = app.admin().await;
    let partner = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;
    let today = moscow_day(app.clock.now());
    let tomorrow = today.next_day().expect("tomorrow");
    for bad in ["2026-13-01", "yesterday", &tomorrow.to_string()] {
        for res in [
            admin.get(&format!("/admin/reconciliation/days/{bad}")).await,
            admin.post(&format!("/admin/reconciliation/days/{bad}/run"), json!({})).await,
            admin.get(&format!("/admin/reconciliation/days/{bad}/report.xlsx")).await,
        ] {
            let body = assert_error(res, 400, "invalid_request").await;
            assert_eq!(body["error"]["param"], "day");
        }
    }
    assert_error(admin.get("/admin/reconciliation/runs?limit=0").await, 400, "invalid_request").await;
    let empty = body_of(admin.get(&format!("/admin/reconciliation/days/{today}")).await).await;
    assert_eq!(
        (empty["runs"].as_array().map(Vec::len), &empty["open"], &empty["grace_minutes"]),
        (Some(0), &json!(0), &json!(10))
    );
    let overview = body_of(admin.get("/admin/reconciliation/overview").await).await;
    assert_eq!(overview["day"], today.previous_day().expect("yesterday").to_string());
    assert!(overview["latest"].is_null());

    let some_id = uuid::Uuid::now_v7();
    for res in [
        partner.get("/admin/reconciliation/overview").await,
        partner.get("/admin/reconciliation/runs").await,
        partner.get(&format!("/admin/reconciliation/days/{today}")).await,
        partner.post(&format!("/admin/reconciliation/days/{today}/run"), json!({})).await,
        partner.get(&format!("/admin/reconciliation/days/{today}/report.xlsx")).await,
        partner.get("/admin/reconciliation/discrepancies").await,
        partner.post(&format!("/admin/reconciliation/discrepancies/{some_id}/resolve"), json!({"comment": "x"})).await,
    ] {
        let url = res.url().to_string();
        assert_eq!(res.status(), 403, "{url}");
        assert_eq!(body_of(res).await["error"]["code"], "forbidden", "{url}");
    }
    let runs: i64 =
        sqlx::query_scalar("SELECT count(*) FROM reconciliation_runs").fetch_one(&app.db).await.expect("count");
    assert_eq!(runs, 0, "a partner's run never started");
}

#[tokio::test]
async fn imported_operations_were_never_at_the_bank_and_are_left_out() {
    clear_of_midnight().await;
    let (app, _) = app_on_bank_time(|_| ()).await;
    let (org, m) = app.merchant_of_new_org().await;
    let payment = id(&m.pay(&unique_card(), "100.00").await);
    // A day's worth of history loaded in bulk, as the demo seed and `clickpay generate` load it.
    let now = app.clock.now();
    let today = moscow_day(now);
    let plan = clickpay::generator::org_plan(&app.db, org, now).await.expect("plan");
    let start = day_bounds(today).start;
    let loaded = clickpay::generator::generate(&app.db, &[plan], 30, start, now, 7, true).await.expect("generate");
    assert_eq!(loaded.payments, 30);
    let admin = app.admin().await;
    let result = run(&admin, today).await;
    assert_eq!(result["runs"][0]["matched"], 1, "only the payment that went to the bank: {result}");
    assert!(listed(&result, "open").is_empty(), "{result}");
    let imported: i64 =
        sqlx::query_scalar("SELECT count(*) FROM operations WHERE imported").fetch_one(&app.db).await.expect("count");
    assert!(imported >= 30);
    assert_ne!(payment, "");
}

#[tokio::test]
async fn a_day_whose_finding_waited_on_the_gateway_is_looked_at_again_within_the_hour() {
    clear_of_midnight().await;
    let (app, label) = app_on_bank_time(|_| {}).await;
    let (_, m) = app.merchant_of_new_org().await;
    // The bank booked it, the gateway is still waiting for its answer when the day is run.
    let card = unique_card();
    fault(&app, &label, &card, json!({"no_answer_rate": 1.0})).await;
    let payment = id(&m.pay(&card, "10.00").await);
    let today = moscow_day(app.clock.now());
    let admin = app.admin().await;
    let first = run(&admin, today).await;
    let open = listed(&first, "open");
    assert_eq!(open.len(), 1, "{first}");
    // The settlement worker answers it later; the schedule's recheck closes the finding.
    sqlx::query("UPDATE operations SET next_settle_at = $2 WHERE id = $1::uuid")
        .bind(&payment)
        .bind(app.clock.now() - Duration::seconds(1))
        .execute(&app.db)
        .await
        .expect("due");
    app.bank.remove_fault(&format!("{label}-{card}")).await;
    clickpay::workers::settlement::settle_due(&app.state).await.expect("settle");
    let status: String = sqlx::query_scalar("SELECT status FROM operations WHERE id = $1::uuid")
        .bind(&payment)
        .fetch_one(&app.db)
        .await
        .expect("status");
    assert_eq!(status, "succeeded");
    // Within the hour the recheck waits; an hour after the run it looks again.
    clickpay::workers::reconciliation::pass(&app.state).await.expect("pass");
    let still = body_of(admin.get(&format!("/admin/reconciliation/days/{today}")).await).await;
    assert_eq!(listed(&still, "open").len(), 1);
    sqlx::query("UPDATE reconciliation_runs SET started_at = started_at - interval '61 minutes' WHERE day = $1")
        .bind(today)
        .execute(&app.db)
        .await
        .expect("an hour ago");
    clickpay::workers::reconciliation::pass(&app.state).await.expect("pass");
    let again = body_of(admin.get(&format!("/admin/reconciliation/days/{today}")).await).await;
    assert!(listed(&again, "open").is_empty(), "{again}");
}
