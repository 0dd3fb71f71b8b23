//! Payments against the sandbox bank: every test card, fees, validation and settlement.

use clickpay::workers::settlement as settle;
use time::Duration;

use crate::helpers::{assert_error, json, payment_body, spawn_app};

#[tokio::test]
async fn every_test_card_gives_its_outcome() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    // (card, status, error code, brand)
    let table = [
        ("4242 4242 4242 4242", "succeeded", None, "visa"),
        ("5555 5555 5555 4444", "succeeded", None, "mastercard"),
        ("2200 0000 0000 0004", "succeeded", None, "mir"),
        ("4000 0000 0000 3220", "authentication", None, "visa"),
        ("4000 0000 0000 0002", "failed", Some("card_declined"), "visa"),
        ("4000 0000 0000 9995", "failed", Some("insufficient_funds"), "visa"),
        ("4000 0000 0000 0069", "failed", Some("expired_card"), "visa"),
        ("4000 0000 0000 0119", "processing", None, "visa"),
        ("4000 0000 0000 5126", "succeeded", None, "visa"),
        ("4111 1111 1111 1111", "succeeded", None, "visa"),
    ];
    for (card, status, code, brand) in table {
        let p = m.pay(card, "100.00").await;
        assert_eq!(p["status"], status, "{card}: {p}");
        assert_eq!(p["object"], "payment");
        assert_eq!(p["type"], "ecom");
        assert_eq!(p["amount"], "100.00");
        assert_eq!(p["currency"], "RUB");
        assert_eq!(p["card"]["brand"], brand);
        assert_eq!(p["card"]["holder"], "IVAN IVANOV");
        assert_eq!((p["card"]["exp_month"].as_i64(), p["card"]["exp_year"].as_i64()), (Some(12), Some(2030)));
        let digits: String = card.chars().filter(|c| c.is_ascii_digit()).collect();
        assert_eq!(p["card"]["mask"], format!("{}******{}", &digits[..6], &digits[12..]));
        assert_eq!(p["error"]["code"].as_str(), code, "{card}");
        match status {
            "succeeded" => {
                assert_eq!(p["fee"], "45.00");
                assert_eq!(p["bank"]["name"], "АО БАНК «СНГБ»");
                assert!(
                    p["bank"]["transaction_id"]
                        .as_str()
                        .is_some_and(|t| t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit()))
                );
                assert!(p["executed_at"].is_string());
                assert!(p["confirmation"].is_null() && p["error"].is_null());
            }
            "failed" => {
                assert_eq!(p["fee"], "0.00", "a failed payment carries no fee");
                assert!(p["error"]["message"].is_string());
            }
            "authentication" => {
                let url = p["confirmation"]["url"].as_str().expect("confirmation url");
                assert_eq!(url, format!("{}/3ds/{}", app.address, p["id"].as_str().expect("id")));
                assert!(p["bank"].is_null() && p["executed_at"].is_null());
            }
            _ => assert!(p["bank"].is_null() && p["executed_at"].is_null()),
        }
        // Every object carries every field, null where it does not apply.
        for field in [
            "id",
            "card_token",
            "recurring",
            "confirmation",
            "error",
            "bank",
            "created_at",
            "executed_at",
            "metadata",
            "order_id",
            "description",
            "refunded_amount",
        ] {
            assert!(p.get(field).is_some(), "{field} missing: {p}");
        }
        assert_eq!(p["metadata"]["cart"], "42");
        let again = json(m.get(&format!("/payments/{}", p["id"].as_str().expect("id"))).await).await;
        assert_eq!(again, p, "GET returns the same object");
    }
}

#[tokio::test]
async fn a_bank_timeout_stays_processing_until_the_settlement_worker_asks_again() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = m.pay("4000000000000119", "250.00").await;
    assert_eq!(p["status"], "processing");
    let path = format!("/payments/{}", p["id"].as_str().expect("id"));
    assert_eq!(settle::settle_due(&app.state).await.expect("settle"), 0, "not due yet");
    app.clock.advance(Duration::seconds(6));
    assert_eq!(settle::settle_due(&app.state).await.expect("settle"), 1);
    let settled = json(m.get(&path).await).await;
    assert_eq!(settled["status"], "succeeded");
    assert_eq!(settled["fee"], "45.00");
    assert!(settled["bank"]["transaction_id"].is_string());
    assert_eq!(app.bank_authorizations().await, 1, "settled by a status query, never a second authorization");
}

#[tokio::test]
async fn fees_follow_the_tariff_in_force_when_the_payment_was_created() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    assert_eq!(m.pay("4242424242424242", "10000.00").await["fee"], "115.00");
    assert_eq!(m.pay("4242424242424242", "5000.50").await["fee"], "57.51");
    let aft = json(
        m.post(
            "/payments",
            serde_json::json!({"type": "aft", "amount": "10000.00", "currency": "RUB",
        "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}),
        )
        .await,
    )
    .await;
    assert_eq!((aft["type"].as_str(), aft["fee"].as_str()), (Some("aft"), Some("95.00")));
    let before = m.pay("4242424242424242", "10000.00").await;
    let admin = app.admin().await;
    admin
        .patch(
            &format!("/admin/organizations/{org}/terminals/ecom"),
            serde_json::json!({"service_fee_percent": "1.55"}),
        )
        .await;
    app.clock.advance(Duration::seconds(1));
    assert_eq!(m.pay("4242424242424242", "10000.00").await["fee"], "200.00", "the new tariff for new payments");
    let old = json(m.get(&format!("/payments/{}", before["id"].as_str().expect("id"))).await).await;
    assert_eq!(old["fee"], "115.00", "an old payment keeps its fee");
    let parts: (String, String) =
        sqlx::query_as("SELECT fee_bank::text, fee_service::text FROM operations WHERE id = $1::uuid")
            .bind(before["id"].as_str().expect("id"))
            .fetch_one(&app.db)
            .await
            .expect("row");
    assert_eq!(parts, ("45.00".to_owned(), "70.00".to_owned()));
}

#[tokio::test]
async fn bad_input_gets_the_contracts_codes_and_changes_nothing() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut cases: Vec<(serde_json::Value, u16, &str, Option<&str>)> = Vec::new();
    let base = payment_body("4242424242424242", "100.00");
    let with = |path: &[&str], value: serde_json::Value| {
        let mut b = base.clone();
        let mut cur = &mut b;
        for p in &path[..path.len() - 1] {
            cur = &mut cur[*p];
        }
        cur[path[path.len() - 1]] = value;
        b
    };
    cases.push((with(&["card", "number"], "4242424242424241".into()), 400, "invalid_card_number", Some("card.number")));
    cases.push((with(&["card", "number"], "1234".into()), 400, "invalid_card_number", Some("card.number")));
    cases.push((with(&["card", "exp_year"], 2020.into()), 400, "invalid_expiry", Some("card.exp_month")));
    cases.push((with(&["card", "exp_month"], 13.into()), 400, "invalid_expiry", Some("card.exp_month")));
    cases.push((with(&["currency"], "USD".into()), 400, "unsupported_currency", Some("currency")));
    cases.push((with(&["amount"], 100.into()), 400, "invalid_request", Some("amount")));
    cases.push((with(&["amount"], "0.00".into()), 400, "invalid_request", Some("amount")));
    cases.push((with(&["amount"], "1.001".into()), 400, "invalid_request", Some("amount")));
    cases.push((with(&["amount"], "-5".into()), 400, "invalid_request", Some("amount")));
    cases.push((with(&["type"], "oct".into()), 400, "invalid_request", Some("type")));
    cases.push((with(&["fee"], "0".into()), 400, "invalid_request", Some("fee")));
    cases.push((with(&["card", "cvc"], "12".into()), 400, "invalid_request", Some("card.cvc")));
    cases.push((with(&["return_url"], "javascript:alert(1)".into()), 400, "invalid_request", Some("return_url")));
    cases.push((with(&["metadata"], serde_json::json!({"k": 1})), 400, "invalid_request", Some("metadata.k")));
    cases.push((with(&["card", "colour"], "red".into()), 400, "invalid_request", Some("card.colour")));
    cases.push((with(&["order_id"], "x".repeat(200).into()), 400, "invalid_request", Some("order_id")));
    let mut no_card = base.clone();
    no_card.as_object_mut().expect("object").remove("card");
    no_card.as_object_mut().expect("object").remove("return_url");
    cases.push((no_card, 400, "invalid_request", Some("return_url")));
    for (body, status, code, param) in cases {
        let res = m.post("/payments", body.clone()).await;
        let err = assert_error(res, status, code).await;
        if let Some(param) = param {
            assert_eq!(err["error"]["param"], param, "{body}");
        }
    }
    let missing_key = m
        .client
        .post(format!("{}/api/v1/payments", m.base))
        .bearer_auth(&m.key)
        .json(&base)
        .send()
        .await
        .expect("request");
    assert_error(missing_key, 400, "idempotency_key_required").await;
    let big = with(&["description"], "x".repeat(70 * 1024).into());
    assert_error(m.post("/payments", big).await, 413, "payload_too_large").await;
    let raw = m
        .client
        .post(format!("{}/api/v1/payments", m.base))
        .bearer_auth(&m.key)
        .header("Idempotency-Key", "k")
        .header("Content-Type", "application/json")
        .body("{\"type\": \"ecom\",")
        .send()
        .await
        .expect("request");
    assert_error(raw, 400, "invalid_request").await;
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM operations").fetch_one(&app.db).await.expect("count");
    assert_eq!(count, 0, "no bad request created an operation");
    assert_eq!(app.bank_authorizations().await, 0);
}

#[tokio::test]
async fn terminal_and_organization_rules_answer_403_and_422() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let admin = app.admin().await;
    admin
        .patch(&format!("/admin/organizations/{org}/terminals/ecom"), serde_json::json!({"amount_limit": "500.00"}))
        .await;
    let over = m.post("/payments", payment_body("4242424242424242", "500.01")).await;
    assert_eq!(assert_error(over, 422, "amount_limit_exceeded").await["error"]["type"], "business_rule");
    assert_eq!(m.post("/payments", payment_body("4242424242424242", "500.00")).await.status(), 201);
    let over_default = m
        .post(
            "/payouts",
            serde_json::json!({"amount": "1000000.01", "currency": "RUB", "card": {"number": "4242424242424242"}}),
        )
        .await;
    assert_error(over_default, 422, "amount_limit_exceeded").await;
    admin.patch(&format!("/admin/organizations/{org}/terminals/ecom"), serde_json::json!({"enabled": false})).await;
    assert_error(m.post("/payments", payment_body("4242424242424242", "10.00")).await, 403, "terminal_disabled").await;
    admin.patch(&format!("/admin/organizations/{org}"), serde_json::json!({"status": "blocked"})).await;
    assert_error(m.post("/payments", payment_body("4242424242424242", "10.00")).await, 403, "organization_blocked")
        .await;
}

#[tokio::test]
async fn a_payment_without_a_card_waits_on_the_hosted_page_and_expires() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let res = m
        .post("/payments", serde_json::json!({"type": "ecom", "amount": "990.00", "currency": "RUB", "return_url": "https://shop.example/r"}))
        .await;
    assert_eq!(res.status(), 201);
    let p = json(res).await;
    assert_eq!(p["status"], "created");
    assert_eq!(p["card"], serde_json::Value::Null);
    assert_eq!(p["confirmation"]["url"], format!("{}/pay/{}", app.address, p["id"].as_str().expect("id")));
    app.clock.advance(Duration::minutes(29));
    assert_eq!(clickpay::workers::expiry::expire_payer_steps(&app.state).await.expect("sweep"), 0);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(clickpay::workers::expiry::expire_payer_steps(&app.state).await.expect("sweep"), 1);
    let expired = json(m.get(&format!("/payments/{}", p["id"].as_str().expect("id"))).await).await;
    assert_eq!(expired["status"], "failed");
    assert_eq!(expired["error"]["code"], "payment_expired");
    assert_eq!(expired["fee"], "0.00");
}

#[tokio::test]
async fn an_open_3ds_challenge_fails_after_fifteen_minutes() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = m.pay("4000000000003220", "100.00").await;
    app.clock.advance(Duration::minutes(14));
    assert_eq!(clickpay::workers::expiry::expire_payer_steps(&app.state).await.expect("sweep"), 0);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(clickpay::workers::expiry::expire_payer_steps(&app.state).await.expect("sweep"), 1);
    let failed = json(m.get(&format!("/payments/{}", p["id"].as_str().expect("id"))).await).await;
    assert_eq!(failed["error"]["code"], "authentication_timeout");
    let types: Vec<String> =
        sqlx::query_scalar("SELECT type FROM events ORDER BY created_at, id").fetch_all(&app.db).await.expect("events");
    assert_eq!(types, ["payment.authentication_required", "payment.failed"]);
}

#[tokio::test]
async fn status_changes_write_history_and_outbox_events_with_the_object() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let p = m.pay("4242424242424242", "100.00").await;
    let id = p["id"].as_str().expect("id");
    let history: Vec<(Option<String>, String)> = sqlx::query_as(
        "SELECT from_status, to_status FROM operation_status_history WHERE operation_id = $1::uuid ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .expect("history");
    // A card payment is committed as processing before the bank is called (the recovery point).
    assert_eq!(history, vec![(None, "processing".to_owned()), (Some("processing".to_owned()), "succeeded".to_owned())]);
    let (event_id, payload, org_id): (String, serde_json::Value, uuid::Uuid) =
        sqlx::query_as("SELECT id, payload, organization_id FROM events WHERE type = 'payment.succeeded'")
            .fetch_one(&app.db)
            .await
            .expect("event");
    assert!(event_id.starts_with("evt_"));
    assert_eq!(org_id, org.0);
    assert_eq!(payload["id"], event_id);
    assert_eq!(payload["type"], "payment.succeeded");
    assert_eq!(payload["data"], p, "the event carries the object as it stood after the change");
}

#[tokio::test]
async fn another_organizations_objects_are_404() {
    let app = spawn_app().await;
    let (_, mine) = app.merchant_of_new_org().await;
    let (_, theirs) = app.merchant_of_new_org().await;
    let p = mine.pay("4242424242424242", "100.00").await;
    let id = p["id"].as_str().expect("id");
    assert_error(theirs.get(&format!("/payments/{id}")).await, 404, "not_found").await;
    assert_error(theirs.post(&format!("/payments/{id}/refunds"), serde_json::json!({})).await, 404, "not_found").await;
    assert_error(theirs.get(&format!("/payments/{id}/refunds")).await, 404, "not_found").await;
    assert_error(theirs.get(&format!("/payouts/{id}")).await, 404, "not_found").await;
    // A payment is not a payout.
    assert_error(mine.get(&format!("/payouts/{id}")).await, 404, "not_found").await;
    assert_error(mine.get("/payments/not-a-uuid").await, 404, "not_found").await;
    let listed = json(theirs.get("/payments").await).await;
    assert_eq!(listed["data"].as_array().expect("data").len(), 0);
}

#[tokio::test]
async fn the_event_log_lists_the_last_30_days_with_filters_and_cursors() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let (_, other) = app.merchant_of_new_org().await;
    m.pay("4242424242424242", "10.00").await;
    app.clock.advance(Duration::days(31));
    m.pay("4242424242424242", "10.00").await;
    m.pay("4000000000000002", "10.00").await;
    let p = m.pay("4242424242424242", "10.00").await;
    m.post(&format!("/payments/{}/refunds", p["id"].as_str().expect("id")), serde_json::json!({})).await;
    let all = json(m.get("/events").await).await;
    let types: Vec<_> =
        all["data"].as_array().expect("data").iter().map(|e| e["type"].as_str().expect("type").to_owned()).collect();
    assert_eq!(
        types,
        ["payment.refunded", "refund.succeeded", "payment.succeeded", "payment.failed", "payment.succeeded"],
        "the 31-day-old event is gone"
    );
    let e = &all["data"][0];
    assert!(e["id"].as_str().expect("id").starts_with("evt_") && e["created_at"].is_string());
    assert_eq!(e["data"]["status"], "refunded");
    let failed = json(m.get("/events?type=payment.failed").await).await;
    assert_eq!(failed["data"].as_array().expect("data").len(), 1);
    let page = json(m.get("/events?limit=2").await).await;
    assert_eq!(page["has_more"], true);
    let next =
        json(m.get(&format!("/events?limit=2&starting_after={}", page["data"][1]["id"].as_str().expect("id"))).await)
            .await;
    assert_eq!(next["data"][0]["type"], "payment.succeeded");
    assert_eq!(json(other.get("/events").await).await["data"].as_array().expect("data").len(), 0);
    assert_error(m.get("/events?type=payment.exploded").await, 400, "invalid_request").await;
}

#[tokio::test]
async fn captured_amount_is_the_amount_once_a_payment_succeeds_and_null_before() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let ok = m.pay("4242424242424242", "100.00").await;
    assert_eq!(ok["captured_amount"], "100.00");
    let declined = m.pay("4000000000000002", "100.00").await;
    assert!(declined["captured_amount"].is_null());
    let waiting = m.pay("4000000000003220", "100.00").await;
    assert!(waiting["captured_amount"].is_null(), "nothing is taken while 3-D Secure is open");
}
