//! Recovery points: what a crash (or a lost answer) at each point leaves, and how the settlement
//! worker and a retry's take-over of the idempotency key end it, never charging twice.

use clickpay::domain::clock::Clock;
use clickpay::sandbox_bank::wire::FaultRule;
use clickpay::workers::settlement as settle;
use time::Duration;

use crate::bank::unique_card;
use crate::helpers::{Merchant, TestApp, json, payment_body, spawn_app, spawn_app_with};

/// Makes the key's record look as a crash after the operation's transaction leaves it: locked
/// (now), naming its operation, with no saved answer.
async fn as_if_cut_short(app: &TestApp, key: &str) {
    let n = sqlx::query(
        "UPDATE idempotency_records SET response_status = NULL, response_body = NULL, completed_at = NULL,
                locked_at = $2 WHERE key = $1",
    )
    .bind(key)
    .bind(app.clock.now())
    .execute(&app.db)
    .await
    .expect("unfinish");
    assert_eq!(n.rows_affected(), 1);
}

async fn operations(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM operations").fetch_one(&app.db).await.expect("count")
}

/// A key cut short after its operation committed: retries wait out the lock, then one takes
/// over and answers the operation as it stands; that answer is saved and replayed.
async fn take_over(app: &TestApp, m: &Merchant, path: &str, body: serde_json::Value, key: &str) -> serde_json::Value {
    let first = json(m.post_with_key(path, body.clone(), key).await).await;
    let before = operations(app).await;
    as_if_cut_short(app, key).await;
    let early = m.post_with_key(path, body.clone(), key).await;
    assert_eq!(json(early).await["error"]["code"], "request_in_progress", "the lock still holds");
    app.clock.advance(Duration::seconds(31));
    let taken = m.post_with_key(path, body.clone(), key).await;
    assert_eq!(taken.status(), 201);
    assert!(taken.headers().get("idempotent-replayed").is_none());
    let taken_bytes = taken.bytes().await.expect("body");
    let object: serde_json::Value = serde_json::from_slice(&taken_bytes).expect("json");
    assert_eq!(object["id"], first["id"], "the same operation, never a second one");
    let replay = m.post_with_key(path, body, key).await;
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.bytes().await.expect("body"), taken_bytes, "the take-over's answer is saved");
    assert_eq!(operations(app).await, before);
    object
}

#[tokio::test]
async fn a_stuck_key_is_taken_over_for_a_payment_a_refund_and_a_payout() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = take_over(&app, &m, "/payments", payment_body("4242424242424242", "100.00"), "pay-1").await;
    assert_eq!(p["status"], "succeeded");
    let id = p["id"].as_str().expect("id");
    let r = take_over(&app, &m, &format!("/payments/{id}/refunds"), serde_json::json!({"amount": "10.00"}), "refund-1")
        .await;
    assert_eq!(r["status"], "succeeded");
    let payout = serde_json::json!({"amount": "20.00", "currency": "RUB", "card": {"number": "2200000000000004"}});
    let o = take_over(&app, &m, "/payouts", payout, "payout-1").await;
    assert_eq!(o["status"], "succeeded");
    assert_eq!(app.bank.requests(id, "debit").await, 1, "the bank was called once");
    assert_eq!(app.bank.requests(o["id"].as_str().expect("id"), "credit").await, 1);
}

#[tokio::test]
async fn a_request_cut_short_before_its_operation_committed_runs_afresh() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    // The operation's transaction fails: neither the payment nor the key is written.
    sqlx::query(
        "CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.order_id = 'boom' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$",
    )
    .execute(&app.db)
    .await
    .expect("function");
    sqlx::query(
        "CREATE TRIGGER refuse_insert BEFORE INSERT ON operations FOR EACH ROW EXECUTE FUNCTION refuse_insert()",
    )
    .execute(&app.db)
    .await
    .expect("trigger");
    let mut body = payment_body("4242424242424242", "150.00");
    body["order_id"] = "boom".into();
    assert_eq!(m.post_with_key("/payments", body.clone(), "fresh-1").await.status(), 500);
    assert_eq!(operations(&app).await, 0);
    sqlx::query("DROP TRIGGER refuse_insert ON operations").execute(&app.db).await.expect("drop");
    let retry = m.post_with_key("/payments", body, "fresh-1").await;
    assert_eq!(retry.status(), 201);
    assert_eq!(json(retry).await["status"], "succeeded");
    assert_eq!(operations(&app).await, 1);
}

#[tokio::test]
async fn the_bank_answered_but_the_record_failed_and_a_retry_finds_the_payment() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    // The outcome's transaction fails once, after the bank has approved.
    sqlx::query(
        "CREATE FUNCTION refuse_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.status <> OLD.status AND NEW.order_id = 'boom' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$",
    )
    .execute(&app.db)
    .await
    .expect("function");
    sqlx::query(
        "CREATE TRIGGER refuse_outcome BEFORE UPDATE ON operations FOR EACH ROW EXECUTE FUNCTION refuse_outcome()",
    )
    .execute(&app.db)
    .await
    .expect("trigger");
    let mut body = payment_body("4242424242424242", "150.00");
    body["order_id"] = "boom".into();
    let res = m.post_with_key("/payments", body.clone(), "boom-1").await;
    assert_eq!(res.status(), 500);
    sqlx::query("DROP TRIGGER refuse_outcome ON operations").execute(&app.db).await.expect("drop");
    // The key was given up: the retry answers the payment as it stands, and saves that.
    let retry = json(m.post_with_key("/payments", body.clone(), "boom-1").await).await;
    assert_eq!(retry["status"], "processing");
    let id = retry["id"].as_str().expect("id").to_owned();
    app.clock.advance(Duration::seconds(30));
    settle::settle_due(&app.state).await.expect("settle");
    let settled = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!(settled["status"], "succeeded");
    assert_eq!(app.bank.requests(&id, "debit").await, 1, "asked by status, never authorized twice");
    assert_eq!(operations(&app).await, 1);
}

#[tokio::test]
async fn a_payout_the_bank_never_got_is_sent_again_with_its_sealed_card_then_the_card_is_erased() {
    let app = spawn_app_with(|s| s.acquirer.timeout_seconds = 1).await;
    let (_, m) = app.merchant_of_new_org().await;
    let card = unique_card();
    app.bank.set_fault(&card, FaultRule { cards: vec![card.clone()], drop_rate: 1.0, ..Default::default() }).await;
    let body = serde_json::json!({"amount": "700.00", "currency": "RUB", "card": {"number": card}});
    let o = json(m.post("/payouts", body).await).await;
    assert_eq!(o["status"], "processing");
    let id = o["id"].as_str().expect("id").to_owned();
    let sealed: i64 = sqlx::query_scalar("SELECT count(*) FROM sealed_cards").fetch_one(&app.db).await.expect("count");
    assert_eq!(sealed, 1, "the card number is kept, sealed, until the payout is final");
    app.bank.remove_fault(&card).await;
    app.clock.advance(Duration::seconds(30));
    settle::settle_due(&app.state).await.expect("settle");
    assert_eq!(json(m.get(&format!("/payouts/{id}")).await).await["status"], "succeeded");
    let sealed: i64 = sqlx::query_scalar("SELECT count(*) FROM sealed_cards").fetch_one(&app.db).await.expect("count");
    assert_eq!(sealed, 0, "erased once final");
    assert_eq!(app.bank.ledger_for(std::slice::from_ref(&id)).await.len(), 1);
}

#[tokio::test]
async fn a_late_3ds_code_is_refused_and_the_challenge_is_voided_at_the_bank() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = m.pay("4000000000003220", "100.00").await;
    let id = p["id"].as_str().expect("id").to_owned();
    app.clock.advance(Duration::minutes(16));
    let res = app.submit_3ds_code(&id, "123456").await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.expect("page").contains("Время подтверждения истекло"));
    assert_eq!(json(m.get(&format!("/payments/{id}")).await).await["status"], "authentication");
    assert_eq!(clickpay::workers::expiry::expire_payer_steps(&app.state).await.expect("sweep"), 1);
    let failed = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!(
        (failed["status"].as_str(), failed["error"]["code"].as_str()),
        (Some("failed"), Some("authentication_timeout"))
    );
    let booked = app.bank.status(&id, "debit").await;
    assert_eq!(booked.decline_code.as_deref(), Some("voided"), "the bank will decline a late code too");
}

#[tokio::test]
async fn a_code_sent_but_never_received_by_the_bank_ends_the_payment_without_a_charge() {
    let label = format!("lost-{}", uuid::Uuid::new_v4().simple());
    let app = spawn_app_with(|s| {
        s.acquirer.timeout_seconds = 1;
        s.acquirer.label = Some(label.clone());
    })
    .await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = m.pay("4000000000003220", "100.00").await;
    let id = p["id"].as_str().expect("id").to_owned();
    assert_eq!(p["status"], "authentication");
    // The payer's code is lost on the way to the bank.
    app.bank.set_fault(&label, FaultRule { drop_rate: 1.0, ..Default::default() }).await;
    let res = app.submit_3ds_code(&id, "123456").await;
    assert!(res.status().is_redirection());
    app.bank.remove_fault(&label).await;
    assert_eq!(json(m.get(&format!("/payments/{id}")).await).await["status"], "processing");
    // The bank still holds the challenge open: the payment is voided there and fails.
    app.clock.advance(Duration::seconds(30));
    settle::settle_due(&app.state).await.expect("settle");
    let done = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!((done["status"].as_str(), done["error"]["code"].as_str()), (Some("failed"), Some("bank_unavailable")));
    assert_eq!(app.bank.status(&id, "debit").await.decline_code.as_deref(), Some("voided"));
}
