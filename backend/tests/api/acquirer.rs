//! The gateway against the real sandbox bank over HTTP: every answer the connector can get,
//! settlement by status query, and the register reconciling with the operations.

use clickpay::sandbox_bank::wire::FaultRule;
use clickpay::workers::settlement as settle;
use time::Duration;

use crate::bank::unique_card;
use crate::helpers::{TestApp, json, spawn_app_with};

/// An app whose bank calls give up after one second, so lost answers are quick to test.
async fn impatient_app() -> TestApp {
    spawn_app_with(|s| s.acquirer.timeout_seconds = 1).await
}

async fn settle_later(app: &TestApp) {
    app.clock.advance(Duration::seconds(6));
    settle::settle_due(&app.state).await.expect("settle");
}

#[tokio::test]
async fn a_payment_booked_but_unanswered_is_settled_as_the_bank_booked_it() {
    let app = impatient_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let card = unique_card();
    for fault in [
        FaultRule { cards: vec![card.clone()], no_answer_rate: 1.0, ..Default::default() },
        FaultRule { cards: vec![card.clone()], error_after_rate: 1.0, ..Default::default() },
    ] {
        app.bank.set_fault(&card, fault).await;
        let p = m.pay(&card, "300.00").await;
        assert_eq!(p["status"], "processing", "no answer is not a failure");
        app.bank.remove_fault(&card).await;
        settle_later(&app).await;
        let settled = json(m.get(&format!("/payments/{}", p["id"].as_str().expect("id"))).await).await;
        assert_eq!(settled["status"], "succeeded");
        let booked = app.bank.status(p["id"].as_str().expect("id"), "debit").await;
        assert_eq!(settled["bank"]["transaction_id"].as_str(), booked.bank_transaction_id.as_deref());
        assert_eq!(booked.requests, 1, "settled by a status query, not a second authorization");
    }
}

#[tokio::test]
async fn a_payment_the_bank_never_got_is_voided_and_fails_and_a_late_original_is_declined() {
    let app = impatient_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let card = unique_card();
    for fault in [
        FaultRule { cards: vec![card.clone()], drop_rate: 1.0, ..Default::default() },
        FaultRule { cards: vec![card.clone()], error_before_rate: 1.0, ..Default::default() },
    ] {
        app.bank.set_fault(&card, fault).await;
        let p = m.pay(&card, "300.00").await;
        let id = p["id"].as_str().expect("id").to_owned();
        assert_eq!(p["status"], "processing");
        app.bank.remove_fault(&card).await;
        settle_later(&app).await;
        let settled = json(m.get(&format!("/payments/{id}")).await).await;
        assert_eq!(settled["status"], "failed");
        assert_eq!(settled["error"]["code"], "bank_unavailable");
        assert_eq!(settled["fee"], "0.00");
        // The original arrives after all: the bank declines it, so the card is never charged.
        let late = app
            .bank
            .answer(
                "/v1/authorize",
                serde_json::json!({"reference": id, "type": "debit", "amount": "300.00", "currency": "RUB", "card": {"number": card}}),
            )
            .await;
        assert_eq!(late.decline_code.as_deref(), Some("voided"));
    }
}

#[tokio::test]
async fn a_refund_the_bank_never_got_is_sent_again_under_the_same_reference() {
    let app = impatient_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let card = unique_card();
    let p = m.pay(&card, "100.00").await;
    let id = p["id"].as_str().expect("id");
    app.bank.set_fault(&card, FaultRule { cards: vec![card.clone()], drop_rate: 1.0, ..Default::default() }).await;
    let r = json(m.post(&format!("/payments/{id}/refunds"), serde_json::json!({"amount": "40.00"})).await).await;
    assert_eq!(r["status"], "processing");
    app.bank.remove_fault(&card).await;
    settle_later(&app).await;
    let refund = json(m.get(&format!("/refunds/{}", r["id"].as_str().expect("id"))).await).await;
    assert_eq!(refund["status"], "succeeded");
    let payment = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!(
        (payment["status"].as_str(), payment["refunded_amount"].as_str()),
        (Some("partially_refunded"), Some("40.00"))
    );
    let lines = app.bank.ledger_for(&[r["id"].as_str().expect("id").to_owned()]).await;
    assert_eq!(lines.len(), 1, "booked once");
}

/// The contract's one-to-one rule, on a quiet run: approved debits are succeeded (or refunded)
/// payments of the same amount and bank id, approved credits succeeded payouts, approved refunds
/// succeeded refunds, declines failed operations; nothing succeeded is missing from the register.
#[tokio::test]
async fn the_register_reconciles_with_the_operations() {
    let app = spawn_app_with(|_| {}).await;
    let (_, m) = app.merchant_of_new_org().await;
    let ok = m.pay("4242424242424242", "100.00").await;
    m.pay("4000000000000002", "50.00").await;
    let late = m.pay("4000000000000119", "70.00").await;
    m.post(&format!("/payments/{}/refunds", ok["id"].as_str().expect("id")), serde_json::json!({"amount": "10.00"}))
        .await;
    let payout = serde_json::json!({"amount": "20.00", "currency": "RUB", "card": {"number": "2200000000000004"}});
    assert_eq!(m.post("/payouts", payout).await.status(), 201);
    app.clock.advance(Duration::seconds(6));
    settle::settle_due(&app.state).await.expect("settle");
    assert_eq!(
        json(m.get(&format!("/payments/{}", late["id"].as_str().expect("id"))).await).await["status"],
        "succeeded"
    );

    let ops: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT acquirer_reference, type::text, status::text, amount::text, bank_transaction_id FROM operations",
    )
    .fetch_all(&app.db)
    .await
    .expect("operations");
    let refs: Vec<String> = ops.iter().map(|o| o.0.clone()).collect();
    let ledger = app.bank.ledger_for(&refs).await;
    assert_eq!(ledger.len(), ops.len(), "one register line per operation: {ledger:?}");
    for (reference, kind, status, amount, bank_id) in &ops {
        let line = ledger.iter().find(|l| &l.reference == reference).expect("in the register");
        let expected_type = match kind.as_str() {
            "oct" => "credit",
            "refund" => "refund",
            _ => "debit",
        };
        assert_eq!(line.kind.as_str(), expected_type);
        assert_eq!(&line.amount.to_string(), amount);
        if line.status == "approved" {
            assert!(
                matches!(status.as_str(), "succeeded" | "partially_refunded" | "refunded"),
                "{reference}: {status}"
            );
            assert_eq!(bank_id.as_deref(), Some(line.bank_transaction_id.as_str()));
        } else {
            assert_eq!(status, "failed", "{reference}");
        }
    }
}
