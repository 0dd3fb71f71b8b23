//! The sandbox bank on its own: the test cards, bookings made once, void, holds, refunds, every
//! fault setting, the register and its paging, and a kill -9 in the middle of a request.

use std::time::{Duration, Instant};

use clickpay::sandbox_bank::wire::{AnswerStatus as A, FaultRule, Latency};
use serde_json::json;

use crate::bank::{BankClient, BankProcess, unique_card};

fn reference() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn authorize(reference: &str, kind: &str, card: &str, amount: &str) -> serde_json::Value {
    json!({"reference": reference, "type": kind, "amount": amount, "currency": "RUB", "card": {"number": card}})
}

#[tokio::test]
async fn each_test_card_gets_its_outcome() {
    let bank = BankClient::shared().await;
    let cases = [
        ("4242424242424242", A::Approved, None),
        ("5555555555554444", A::Approved, None),
        ("2200000000000004", A::Approved, None),
        ("4000000000000002", A::Declined, Some("card_declined")),
        ("4000000000009995", A::Declined, Some("insufficient_funds")),
        ("4000000000000069", A::Declined, Some("expired_card")),
        ("4000000000003220", A::ChallengeRequired, None),
        ("4000000000005126", A::Approved, None),
    ];
    for (card, status, code) in cases {
        let r = reference();
        let a = bank.answer("/v1/authorize", authorize(&r, "debit", card, "100.00")).await;
        assert_eq!(a.status, status, "{card}");
        assert_eq!(a.decline_code.as_deref(), code, "{card}");
        assert_eq!(a.bank_transaction_id.is_some(), status == A::Approved, "{card}");
    }
    // The late card: booked at once, the first answer says "pending", a status query knows.
    let r = reference();
    let a = bank.answer("/v1/authorize", authorize(&r, "debit", "4000000000000119", "100.00")).await;
    assert_eq!(a.status, A::Pending);
    assert_eq!(bank.status(&r, "debit").await.status, A::Approved);
    // Payouts: only …0002 is declined.
    for (card, status) in [("4000000000000002", A::Declined), ("4000000000009995", A::Approved)] {
        let a = bank.answer("/v1/authorize", authorize(&reference(), "credit", card, "10.00")).await;
        assert_eq!(a.status, status, "payout to {card}");
    }
    // A recurring charge on the challenge card skips 3-D Secure.
    let mut body = authorize(&reference(), "debit", "4000000000003220", "5.00");
    body["recurring"] = json!(true);
    assert_eq!(bank.answer("/v1/authorize", body).await.status, A::Approved);
}

#[tokio::test]
async fn a_challenge_ends_as_the_payer_did_it_and_only_once() {
    let bank = BankClient::shared().await;
    let (passed, failed) = (reference(), reference());
    for r in [&passed, &failed] {
        let a = bank.answer("/v1/authorize", authorize(r, "debit", "4000000000003220", "100.00")).await;
        assert_eq!(a.status, A::ChallengeRequired);
        assert_eq!(bank.status(r, "debit").await.status, A::ChallengeRequired);
    }
    let ok = bank.answer("/v1/challenge", json!({"reference": passed, "type": "debit", "passed": true})).await;
    assert_eq!(ok.status, A::Approved);
    let no = bank.answer("/v1/challenge", json!({"reference": failed, "type": "debit", "passed": false})).await;
    assert_eq!((no.status, no.decline_code.as_deref()), (A::Declined, Some("authentication_failed")));
    // A second result changes nothing.
    let again = bank.answer("/v1/challenge", json!({"reference": failed, "type": "debit", "passed": true})).await;
    assert_eq!(again.status, A::Declined);
    let lines = bank.ledger_for(&[passed.clone(), failed.clone()]).await;
    assert_eq!(lines.len(), 2, "each outcome is registered once: {lines:?}");
}

#[tokio::test]
async fn the_same_reference_and_type_is_booked_once() {
    let bank = BankClient::shared().await;
    let r = reference();
    let first = bank.answer("/v1/authorize", authorize(&r, "debit", "4242424242424242", "100.00")).await;
    // A repeat, even with another amount, answers what was booked.
    let second = bank.answer("/v1/authorize", authorize(&r, "debit", "4242424242424242", "999.00")).await;
    assert_eq!(second.bank_transaction_id, first.bank_transaction_id);
    assert_eq!(second.amount, first.amount);
    assert_eq!(second.requests, 2);
    // Concurrent repeats book once too.
    let r2 = reference();
    let calls = (0..10).map(|_| bank.answer("/v1/authorize", authorize(&r2, "credit", "4242424242424242", "7.00")));
    let answers = futures_util::future::join_all(calls).await;
    assert!(answers.iter().all(|a| a.status == A::Approved && a.bank_transaction_id == answers[0].bank_transaction_id));
    assert_eq!(bank.status(&r2, "credit").await.requests, 10);
    assert_eq!(bank.ledger_for(&[r.clone(), r2.clone()]).await.len(), 2);
}

#[tokio::test]
async fn unknown_then_void_then_a_late_original_is_declined() {
    let bank = BankClient::shared().await;
    let r = reference();
    let unknown = bank.status(&r, "debit").await;
    assert_eq!(unknown.status, A::Unknown);
    let void = bank.answer("/v1/void", json!({"reference": r, "type": "debit"})).await;
    assert_eq!((void.status, void.decline_code.as_deref()), (A::Declined, Some("voided")));
    let late = bank.answer("/v1/authorize", authorize(&r, "debit", "4242424242424242", "100.00")).await;
    assert_eq!((late.status, late.decline_code.as_deref()), (A::Declined, Some("voided")));
    // Voiding what was booked changes nothing and answers it.
    let booked = reference();
    bank.answer("/v1/authorize", authorize(&booked, "debit", "4242424242424242", "100.00")).await;
    assert_eq!(bank.answer("/v1/void", json!({"reference": booked, "type": "debit"})).await.status, A::Approved);
    // An open challenge is declined by a void, and a late code cannot revive it.
    let challenged = reference();
    bank.answer("/v1/authorize", authorize(&challenged, "debit", "4000000000003220", "100.00")).await;
    assert_eq!(bank.answer("/v1/void", json!({"reference": challenged, "type": "debit"})).await.status, A::Declined);
    let code = bank.answer("/v1/challenge", json!({"reference": challenged, "type": "debit", "passed": true})).await;
    assert_eq!(code.status, A::Declined);
}

#[tokio::test]
async fn holds_are_captured_once_or_released_once() {
    let bank = BankClient::shared().await;
    let (captured, released, over) = (reference(), reference(), reference());
    for r in [&captured, &released, &over] {
        let hold = bank.answer("/v1/authorize", authorize(r, "hold", "4242424242424242", "100.00")).await;
        assert_eq!(hold.status, A::Approved);
    }
    let cap = bank.answer("/v1/capture", json!({"reference": captured, "amount": "60.00"})).await;
    assert_eq!((cap.status, cap.amount.map(|a| a.to_string())), (A::Approved, Some("60.00".into())));
    let no_release = bank.answer("/v1/release", json!({"reference": captured})).await;
    assert_eq!((no_release.status, no_release.decline_code.as_deref()), (A::Declined, Some("authorization_captured")));
    let rel = bank.answer("/v1/release", json!({"reference": released})).await;
    assert_eq!(rel.status, A::Approved);
    let no_capture = bank.answer("/v1/capture", json!({"reference": released, "amount": "1.00"})).await;
    assert_eq!(no_capture.decline_code.as_deref(), Some("authorization_released"));
    let too_much = bank.answer("/v1/capture", json!({"reference": over, "amount": "100.01"})).await;
    assert_eq!(too_much.decline_code.as_deref(), Some("amount_exceeds_authorization"));
    let nothing = bank.answer("/v1/capture", json!({"reference": reference(), "amount": "1.00"})).await;
    assert_eq!(nothing.decline_code.as_deref(), Some("authorization_not_found"));
    // A refund of a captured hold is limited by the capture.
    let refund = |amount: &str| json!({"reference": reference(), "original_reference": captured, "amount": amount, "currency": "RUB"});
    assert_eq!(bank.answer("/v1/refund", refund("60.01")).await.decline_code.as_deref(), Some("refund_exceeds_charge"));
    assert_eq!(bank.answer("/v1/refund", refund("60.00")).await.status, A::Approved);
}

#[tokio::test]
async fn refunds_never_exceed_the_charge_and_the_refund_card_always_fails() {
    let bank = BankClient::shared().await;
    let (payment, failing) = (reference(), reference());
    bank.answer("/v1/authorize", authorize(&payment, "debit", "4242424242424242", "100.00")).await;
    bank.answer("/v1/authorize", authorize(&failing, "debit", "4000000000005126", "100.00")).await;
    let refund = |original: &str, amount: &str| json!({"reference": reference(), "original_reference": original, "amount": amount, "currency": "RUB"});
    let calls = (0..5).map(|_| bank.answer("/v1/refund", refund(&payment, "30.00")));
    let approved = futures_util::future::join_all(calls).await.iter().filter(|a| a.status == A::Approved).count();
    assert_eq!(approved, 3, "three refunds of 30.00 fit in 100.00, concurrent or not");
    let no = bank.answer("/v1/refund", refund(&failing, "1.00")).await;
    assert_eq!(no.decline_code.as_deref(), Some("refund_failed"));
    let missing = bank.answer("/v1/refund", refund(&reference(), "1.00")).await;
    assert_eq!(missing.decline_code.as_deref(), Some("original_not_found"));
}

#[tokio::test]
async fn each_fault_setting_does_what_it_says() {
    let bank = BankClient::shared().await;
    let short = reqwest::Client::builder().timeout(Duration::from_millis(800)).build().expect("client");
    let send = |body: serde_json::Value| {
        let (short, url) = (short.clone(), bank.url.clone());
        async move { short.post(format!("{url}/v1/authorize")).json(&body).send().await }
    };
    let card = unique_card();
    let label = format!("faults-{}", uuid::Uuid::new_v4().simple());

    // 5xx before booking: nothing is booked.
    bank.set_fault(&label, FaultRule { cards: vec![card.clone()], error_before_rate: 1.0, ..Default::default() }).await;
    let r = reference();
    assert_eq!(send(authorize(&r, "debit", &card, "10.00")).await.expect("answer").status(), 503);
    assert_eq!(bank.status(&r, "debit").await.status, A::Unknown);

    // 5xx after booking: booked all the same.
    bank.set_fault(&label, FaultRule { cards: vec![card.clone()], error_after_rate: 1.0, ..Default::default() }).await;
    let r = reference();
    assert_eq!(send(authorize(&r, "debit", &card, "10.00")).await.expect("answer").status(), 500);
    bank.remove_fault(&label).await;
    assert_eq!(bank.status(&r, "debit").await.status, A::Approved);

    // Booked, never answered: the caller times out, the booking stands.
    bank.set_fault(&label, FaultRule { cards: vec![card.clone()], no_answer_rate: 1.0, ..Default::default() }).await;
    let r = reference();
    assert!(send(authorize(&r, "debit", &card, "10.00")).await.is_err_and(|e| e.is_timeout()));
    bank.remove_fault(&label).await;
    assert_eq!(bank.status(&r, "debit").await.status, A::Approved);

    // Dropped: the caller times out and nothing is booked.
    bank.set_fault(&label, FaultRule { cards: vec![card.clone()], drop_rate: 1.0, ..Default::default() }).await;
    let r = reference();
    assert!(send(authorize(&r, "debit", &card, "10.00")).await.is_err_and(|e| e.is_timeout()));
    bank.remove_fault(&label).await;
    assert_eq!(bank.status(&r, "debit").await.status, A::Unknown);

    // Latency, selected by label rather than card; other callers are not slowed.
    let latency = Latency { min_ms: 300, max_ms: 400, ..Default::default() };
    bank.set_fault(&label, FaultRule { latency: Some(latency), ..Default::default() }).await;
    let started = Instant::now();
    let res = bank
        .client
        .post(format!("{}/v1/authorize", bank.url))
        .header("X-Sandbox-Label", &label)
        .json(&authorize(&reference(), "debit", "4242424242424242", "10.00"))
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let started = Instant::now();
    bank.answer("/v1/authorize", authorize(&reference(), "debit", "4242424242424242", "10.00")).await;
    assert!(started.elapsed() < Duration::from_millis(300), "an unlabelled request is not slowed");
    bank.remove_fault(&label).await;

    // Refunds and status queries of a card's charge follow the card's rule.
    let payment = reference();
    bank.answer("/v1/authorize", authorize(&payment, "debit", &card, "10.00")).await;
    bank.set_fault(&label, FaultRule { cards: vec![card.clone()], error_before_rate: 1.0, ..Default::default() }).await;
    let refund = bank
        .post(
            "/v1/refund",
            json!({"reference": reference(), "original_reference": payment, "amount": "1.00", "currency": "RUB"}),
        )
        .await;
    assert_eq!(refund.status(), 503);
    bank.remove_fault(&label).await;

    let bad = bank.client.put(format!("{}/faults/{label}", bank.url)).json(&json!({"drop_rate": 2})).send().await;
    assert_eq!(bad.expect("answer").status(), 400);
}

#[tokio::test]
async fn the_register_pages_oldest_first_and_filters_by_time() {
    let process = BankProcess::start().await;
    let bank = process.client();
    let refs: Vec<String> = (0..5).map(|_| reference()).collect();
    for r in &refs {
        bank.answer("/v1/authorize", authorize(r, "debit", "4242424242424242", "1.00")).await;
    }
    bank.answer("/v1/authorize", authorize(&reference(), "debit", "4000000000003220", "1.00")).await;
    let mut seen = Vec::new();
    let mut page = bank.ledger("limit=2").await;
    loop {
        assert!(page.data.len() <= 2);
        seen.extend(page.data.iter().map(|e| e.reference.clone()));
        let Some(next) = page.next else { break };
        page = bank.ledger(&format!("limit=2&after={next}")).await;
    }
    assert_eq!(seen, refs, "every final outcome once, oldest first; the open challenge is not there");
    let all = bank.ledger("limit=1000").await.data;
    let third = all[2].created_at;
    let fmt = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339).expect("format").replace('+', "%2B")
    };
    let from = bank.ledger(&format!("from={}", fmt(third))).await.data;
    assert_eq!(from.len(), 3);
    let to = bank.ledger(&format!("to={}", fmt(third))).await.data;
    assert_eq!(to.len(), 2);
    assert!(all.iter().all(|e| e.status == "approved" && e.amount.to_string() == "1.00" && e.currency == "RUB"));
    let bad = bank.client.get(format!("{}/ledger?limit=0", bank.url)).send().await.expect("answer");
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn a_kill_during_a_request_loses_nothing_that_was_booked() {
    let mut process = BankProcess::start().await;
    let bank = process.client();
    let card = unique_card();
    bank.set_fault("hang", FaultRule { no_answer_rate: 1.0, ..Default::default() }).await;
    let r = reference();
    let pending = {
        let (client, url, body) = (bank.client.clone(), bank.url.clone(), authorize(&r, "debit", &card, "42.00"));
        let req = client.post(format!("{url}/v1/authorize")).header("X-Sandbox-Label", "hang").json(&body);
        tokio::spawn(async move { req.send().await })
    };
    // Wait until the bank has booked it (it then holds the answer back), then kill -9.
    for _ in 0..100 {
        if bank.status(&r, "debit").await.status == A::Approved {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    process.kill();
    assert!(pending.await.expect("task").is_err(), "the caller never got an answer");
    process.restart().await;
    let bank = process.client();
    let lines = bank.ledger_for(std::slice::from_ref(&r)).await;
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].status.as_str(), lines[0].amount.to_string()), ("approved", "42.00".to_owned()));
    // Faults live in memory: the restarted bank has none, and answers the booking as it stands.
    let again = bank.answer("/v1/authorize", authorize(&r, "debit", &card, "42.00")).await;
    assert_eq!((again.status, again.requests), (A::Approved, 2));
}

#[tokio::test]
async fn a_register_fault_books_another_amount_or_leaves_the_line_out_and_answers_as_asked() {
    let bank = BankClient::shared().await;
    let label = format!("file-{}", uuid::Uuid::new_v4().simple());
    let (short, lost) = (unique_card(), unique_card());
    let rule = |card: &str, rule: serde_json::Value| {
        let mut rule: FaultRule = serde_json::from_value(rule).expect("rule");
        rule.cards = vec![card.to_owned()];
        rule
    };
    bank.set_fault(&format!("{label}-short"), rule(&short, json!({"book_amount_delta": "-10.50"}))).await;
    bank.set_fault(&format!("{label}-lost"), rule(&lost, json!({"omit_from_register_rate": 1.0}))).await;
    let (r1, r2, r3) = (reference(), reference(), reference());
    let first = bank.post_as(&label, "/v1/authorize", authorize(&r1, "debit", &short, "100.00")).await;
    assert_eq!((first.status, first.amount.map(|a| a.to_string())), (A::Approved, Some("100.00".to_owned())));
    let lost_answer = bank.post_as(&label, "/v1/authorize", authorize(&r2, "debit", &lost, "30.00")).await;
    assert_eq!(lost_answer.status, A::Approved);
    // Another caller's booking is not in this caller's register.
    bank.post_as("someone-else", "/v1/authorize", authorize(&r3, "debit", "4242424242424242", "5.00")).await;

    let lines = bank.ledger_as(&label).await;
    let mine: Vec<(String, String)> = lines.iter().map(|e| (e.reference.clone(), e.amount.to_string())).collect();
    assert_eq!(mine, [(r1.clone(), "89.50".to_owned())], "the short line, not the lost one, not another's");
    assert_eq!(bank.ledger_for(std::slice::from_ref(&r2)).await.len(), 0, "the lost line is out of every register");
    assert_eq!(bank.ledger_for(std::slice::from_ref(&r3)).await.len(), 1, "without a label, every caller's lines");

    // The bookings stand as asked: a repeat answers the same, a refund of the whole charge passes.
    let again = bank.post_as(&label, "/v1/authorize", authorize(&r1, "debit", &short, "100.00")).await;
    assert_eq!((again.status, again.amount, again.requests), (A::Approved, first.amount, 2));
    assert_eq!(bank.status(&r2, "debit").await.status, A::Approved);
    let refund = json!({"reference": reference(), "original_reference": r1, "amount": "100.00", "currency": "RUB"});
    assert_eq!(bank.post_as(&label, "/v1/refund", refund).await.status, A::Approved);
    assert_eq!(bank.ledger_as(&label).await.len(), 2, "the refund's line, 10.50 short too");
    assert_eq!(bank.ledger_as(&label).await[1].amount.to_string(), "89.50");

    let bad = bank
        .client
        .put(format!("{}/faults/{label}-bad", bank.url))
        .json(&json!({"book_amount_delta": "1.005"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(bad.status(), 400, "an amount has two fraction digits at most");
    bank.remove_fault(&format!("{label}-short")).await;
    bank.remove_fault(&format!("{label}-lost")).await;
}
